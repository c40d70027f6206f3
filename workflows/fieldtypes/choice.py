"""choice: one of the field's options (or another value, with ``custom: true``)."""

from __future__ import annotations

from typing import Any

from ..model import Field
from ..values import AnswerError, checked_text
from .base import FieldType


def pick(f: Field, text: str) -> str:
    """An option by its number ("2"), else the text as typed."""
    text = text.strip()
    if text.isdigit() and 1 <= int(text) <= len(f.options):
        return f.options[int(text) - 1]
    return text


class ChoiceType(FieldType):
    name = "choice"
    label = "单选"
    order = 60
    keys = frozenset({"options", "custom"})

    def coerce(self, f: Field, raw: Any, path: str) -> Any:
        text = checked_text(raw, path).strip()
        if f.options and text not in f.options and not f.custom:
            raise AnswerError(f"应为以下之一：{'、'.join(f.options)}", path)
        return text

    def to_json(self, f: Field) -> dict[str, Any]:
        return {"custom": f.custom}

    def ask_hint(self, f: Field) -> str:
        return "，可输入序号"

    def from_prompt(self, f: Field, reply: str | list[str]) -> Any:
        return pick(f, reply if isinstance(reply, str) else "".join(reply))


TYPE = ChoiceType()
