"""date: a calendar day, stored as YYYY-MM-DD, shown as 2026年1月8日."""

from __future__ import annotations

from typing import Any

from ..model import Field
from ..values import cn_date, parse_date
from .base import FieldType


class DateType(FieldType):
    name = "date"
    label = "日期"
    order = 90
    default_rules = frozenset({"today"})

    def coerce(self, f: Field, raw: Any, path: str) -> Any:
        return parse_date(raw, path)

    def display(self, f: Field, value: Any) -> str:
        return cn_date(value)

    def placeholder(self, f: Field) -> str:
        return "如 2026-01-08"

    def ask_hint(self, f: Field) -> str:
        return "，如 2026-01-08"


TYPE = DateType()
