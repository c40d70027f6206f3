"""Answers files (YAML / JSON) in and out of the store.

Parsing and validation against the workflow belong to the domain package
(:mod:`workflows.answers`); this module turns its errors into store errors and
is imported lazily so the store works without it being loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import AnswersImportError, InvalidValueError

FORMATS = ("yaml", "json")


def _check_fmt(fmt: str) -> str:
    fmt = (fmt or "").lower().lstrip(".")
    if fmt == "yml":
        fmt = "yaml"
    if fmt not in FORMATS:
        raise InvalidValueError(f"不支持的答案文件格式“{fmt}”（可用：yaml、json）。")
    return fmt


def field_paths(workflow: Any) -> set[str] | None:
    """Every field path of ``workflow`` ("item.field"), or None if unknown."""
    fields = getattr(workflow, "fields", None)
    if not callable(fields):
        return None
    return {f.path for f in fields()}


def parse_answers(workflow: Any, text: str, fmt: str, source: str = "") -> dict[str, Any]:
    """Validate an answers file fully; raises AnswersImportError listing every problem."""
    from workflows.answers import AnswersFileError, load_answers_text

    fmt = _check_fmt(fmt)
    if not isinstance(text, str):
        raise InvalidValueError("答案文件内容应为文本。")
    try:
        answers = load_answers_text(workflow, text, fmt, source)
    except AnswersFileError as exc:
        problems = list(exc.problems)
        head = f"答案文件“{source}”" if source else "答案文件"
        listing = "\n".join(f"  - {p}" for p in problems)
        raise AnswersImportError(
            f"{head}有 {len(problems)} 处问题，未保存任何内容：\n{listing}", problems
        ) from None
    return dict(answers)


def export_answers(
    workflow: Any, answers: Mapping[str, Any], fmt: str = "yaml", drafts: Mapping[str, Any] | None = None
) -> str:
    from workflows.answers import dump_answers

    return dump_answers(workflow, answers, _check_fmt(fmt), drafts)
