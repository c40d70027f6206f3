"""count: a whole number of times or people, possibly approximate ("20余")."""

from __future__ import annotations

from typing import Any

from ..model import Field
from ..values import parse_count
from .base import FieldType


def value_range(f: Field) -> list[str]:
    """"1–12" when the field sets a minimum or maximum (count, year)."""
    if f.min is None and f.max is None:
        return []
    return [f"{'' if f.min is None else f.min}–{'' if f.max is None else f.max}"]


class CountType(FieldType):
    name = "count"
    label = "次数/人数"
    order = 10
    keys = frozenset({"min", "max", "unit", "approx"})

    def coerce(self, f: Field, raw: Any, path: str) -> Any:
        return parse_count(raw, f, path).canonical()

    def template_value(self, f: Field, value: Any) -> Any:
        return parse_count(value, f)

    def display(self, f: Field, value: Any) -> str:
        return f"{value}{f.unit}"

    def to_json(self, f: Field) -> dict[str, Any]:
        return {"unit": f.unit, "approx": f.approx}

    def describe(self, f: Field) -> list[str]:
        return value_range(f)

    def placeholder(self, f: Field) -> str:
        return "整数，约数写“20余”"

    def ask_hint(self, f: Field) -> str:
        return "，约数可写“20余”" if f.approx else ""


TYPE = CountType()
