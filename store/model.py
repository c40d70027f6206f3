"""What the store keeps about a report, and the checks on what it is given.

:class:`ReportMeta` is one report as listings show it (an index entry);
the ``check_*`` functions validate and normalise what callers hand the store
(titles, units, years, field paths, answer values) and raise
:class:`InvalidValueError` with a Chinese message. The year range and the
title limit are the domain's (:mod:`workflows.model`), and "answered" is
the domain's "not empty" (:func:`workflows.values.is_empty`), imported
where they are used: ``workflows.model`` and ``workflows.values`` take some
30 ms to import, which a session that only saves answers (or a listing of an
up-to-date index) never pays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import schema
from .errors import InvalidValueError
from .locks import LockInfo


def count(answers_table: Mapping[str, dict]) -> tuple[int, int]:
    """``(answered, unconfirmed)`` of a report's ``answers`` table: answers
    with a value (drafts are not answers), and of those, the ones copied
    from an earlier year and not confirmed yet."""
    from workflows.values import is_empty

    answered = unconfirmed = 0
    for doc in answers_table.values():
        if doc.get("draft") is None and not is_empty(doc.get("value")):
            answered += 1
            if doc.get("from_year") is not None:
                unconfirmed += 1
    return answered, unconfirmed


@dataclass(frozen=True)
class ReportMeta:
    """One report as the home screen lists it."""

    id: str
    workflow_id: str
    workflow_version: int | str
    title: str
    unit: str
    year: int | None
    created: str
    updated: str
    deleted: bool = False
    deleted_at: str | None = None
    answered: int = 0  # answers with a non-empty value (drafts are not answers)
    unconfirmed: int = 0  # of those, copied from an earlier year and not yet confirmed
    from_report: str | None = None  # the earlier report this one started from
    from_year: int | None = None
    locked_by: LockInfo | None = None  # another live session editing it (listings only)
    problem: str | None = None  # file missing or damaged (listings only)

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any], **extra: Any) -> ReportMeta:
        fields = {k: doc[k] for k in schema.INDEX_FIELDS if k in doc}
        fields.update(extra)
        return cls(**fields)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ReportMeta:
        """The meta of a report file's content (its counts computed)."""
        answered, unconfirmed = count(data["answers"])
        return cls.from_doc(data["report"]["1"], answered=answered, unconfirmed=unconfirmed)

    @classmethod
    def unreadable(cls, report_id: str) -> ReportMeta:
        """A listing's stand-in for a report file that cannot be read."""
        return cls(id=report_id, workflow_id="?", workflow_version=0, title=f"（无法读取的报告 {report_id}）",
                   unit="", year=None, created="", updated="")

    def index_doc(self) -> dict:
        return {k: getattr(self, k) for k in schema.INDEX_FIELDS}

    def label(self) -> str:
        year = f"{self.year}年" if self.year else ""
        return f"{self.id}  {self.title}（{year}{self.unit}）" if (year or self.unit) else f"{self.id}  {self.title}"


def check_title(title: Any) -> str:
    from workflows.model import TITLE_MAX

    if not isinstance(title, str) or not title.strip():
        raise InvalidValueError("报告标题不能为空。")
    title = " ".join(title.split())
    if len(title) > TITLE_MAX:
        raise InvalidValueError(f"报告标题过长（{len(title)} 字，最多 {TITLE_MAX} 字）。")
    return title


def check_unit(unit: Any) -> str:
    if unit is None:
        return ""
    if not isinstance(unit, str):
        raise InvalidValueError("单位名称应为文本。")
    return " ".join(unit.split())


def check_year(year: Any) -> int | None:
    if year is None:
        return None
    from workflows.model import YEAR_MAX, YEAR_MIN

    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    if not isinstance(year, int) or isinstance(year, bool) or not YEAR_MIN <= year <= YEAR_MAX:
        raise InvalidValueError(f"年度“{year}”无效，应为 {YEAR_MIN}–{YEAR_MAX} 之间的整数。")
    return year


def check_workflow_version(version: Any) -> int | str:
    if not isinstance(version, (int, str)) or isinstance(version, bool):
        raise InvalidValueError(f"工作流版本“{version}”无效。")
    return version


def check_path(path: Any) -> str:
    if not isinstance(path, str) or not path.strip():
        raise InvalidValueError(f"字段路径无效：{path!r}")
    if len(path) > 300 or any(ord(c) < 32 for c in path):
        raise InvalidValueError(f"字段路径无效：{path[:40]!r}")
    return path


def check_value(path: str, value: Any) -> Any:
    """``value`` as plain JSON types (tuples become lists), never sharing
    the caller's mutable objects; refuses what JSON cannot hold."""
    problem = schema.json_problem(value, "值")
    if problem:
        raise InvalidValueError(f"字段“{path}”的答案无法保存：{problem}。")
    return _plain(value)


def check_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Field path -> checked value, for every entry of ``answers``."""
    checked = {}
    for path, value in answers.items():
        path = check_path(path)
        checked[path] = check_value(path, value)
    return checked


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
