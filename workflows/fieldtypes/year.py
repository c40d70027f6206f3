"""year: a year (述职年度), within workflows.model.YEAR_MIN–YEAR_MAX unless the field narrows it."""

from __future__ import annotations

from typing import Any

from ..model import YEAR_MAX, YEAR_MIN, Field
from ..values import FULLWIDTH, AnswerError
from .base import FieldType
from .count import value_range


class YearType(FieldType):
    name = "year"
    label = "年度"
    order = 100
    keys = frozenset({"min", "max"})
    default_rules = frozenset({"report_year"})

    def coerce(self, f: Field, raw: Any, path: str) -> Any:
        if isinstance(raw, bool):
            raise AnswerError("应为年份", path)
        text = str(raw).strip().translate(FULLWIDTH).removesuffix("年")
        if not text.isdigit():
            raise AnswerError(f"“{str(raw).strip()[:20]}”不是年份", path)
        year = int(text)
        low = YEAR_MIN if f.min is None else f.min
        high = YEAR_MAX if f.max is None else f.max
        if not low <= year <= high:
            raise AnswerError(f"年份应在{low}至{high}之间", path)
        return year

    def describe(self, f: Field) -> list[str]:
        return value_range(f)

    def placeholder(self, f: Field) -> str:
        return "如 2025"


TYPE = YearType()
