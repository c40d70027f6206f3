"""longtext: free text over several lines (pasted paragraphs included)."""

from __future__ import annotations

from typing import Any

from ..model import LONGTEXT_MAX_DEFAULT, Field
from ..values import AnswerError, checked_text
from .base import FieldType


class LongTextType(FieldType):
    name = "longtext"
    label = "多行文字"
    order = 30
    keys = frozenset({"max_length"})
    multiline = True

    def coerce(self, f: Field, raw: Any, path: str) -> Any:
        text = checked_text(raw, path).replace("\r\n", "\n").replace("\r", "\n")
        text = text.strip("\n").rstrip()
        if not text.strip():
            return None
        limit = f.max_length or LONGTEXT_MAX_DEFAULT
        if len(text) > limit:
            raise AnswerError(f"不能超过{limit}字（现有{len(text)}字）", path)
        return text

    def to_json(self, f: Field) -> dict[str, Any]:
        return {"max_length": f.max_length}

    def hint(self, f: Field) -> str:
        if f.max_length:
            return f"（可多行，可粘贴；不超过{f.max_length}字）"
        return "（可多行，可粘贴）"

    def from_prompt(self, f: Field, reply: str | list[str]) -> Any:
        return "\n".join(reply) if isinstance(reply, list) else reply


TYPE = LongTextType()
