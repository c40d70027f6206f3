"""The workflow model: sections -> items -> fields, as loaded from a data file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# The field types (count, text, longtext, list, titles, choice, multi, bool,
# date, year, group) are in workflows.fieldtypes, one module each.

COUNT_MAX_DEFAULT = 100_000
# Length caps when a field sets none (documented in docs/workflow-format.md;
# a field's max_length / max_items overrides them): a pasted megabyte must
# not reach the report, the store or an export.
TEXT_MAX_DEFAULT = 200  # text: characters
LONGTEXT_MAX_DEFAULT = 5_000  # longtext: characters
ITEM_MAX_DEFAULT = 200  # list, titles, multi: characters in each entry
ITEMS_MAX_DEFAULT = 100  # list, titles, multi, group: entries
YEAR_MIN, YEAR_MAX = 2000, 2100  # the one year range (述职年度), also checked by the store
TITLE_MAX = 200  # the one limit on a report's title (characters)
SHORT_TITLE_MAX = 4  # a workflow's short name in the home list (characters: 8 columns)


@dataclass
class Norm:
    """A rule from the checklist or Party regulations; a warning, never a block."""

    message: str
    source: str
    min: int | None = None
    equals: Any = None

    def satisfied_by(self, value: Any) -> bool:
        if self.min is not None:
            number = getattr(value, "value", value)
            return isinstance(number, int) and number >= self.min
        if self.equals is not None:
            return value == self.equals
        return True

    def describe(self) -> str:
        return f"{self.message}（依据：{self.source}）"


@dataclass
class Field:
    id: str
    type: str
    label: str
    path: str  # "item.field" (group sub-fields: "item.group[].field")
    required: bool = False
    help: str = ""
    placeholder: str = ""
    min: int | None = None
    max: int | None = None
    unit: str = ""
    approx: bool = True
    max_length: int | None = None
    options: list[str] = field(default_factory=list)
    custom: bool = False
    min_items: int | None = None
    max_items: int | None = None
    default: Any = None
    default_by_year: dict[int, Any] = field(default_factory=dict)
    default_rule: str | None = None
    norm: Norm | None = None
    fields: list[Field] = field(default_factory=list)  # group sub-fields

    @property
    def is_list(self) -> bool:
        """The value is a list (list, titles, multi, group…: min_items / max_items)."""
        from . import fieldtypes

        return fieldtypes.get(self.type).is_list

    def sub_field(self, field_id: str) -> Field | None:
        for sub in self.fields:
            if sub.id == field_id:
                return sub
        return None

    def to_json(self) -> dict[str, Any]:
        """A description complete enough for another program to fill it."""
        data: dict[str, Any] = {
            "id": self.path,
            "key": self.id,
            "type": self.type,
            "label": self.label,
            "required": self.required,
            "min": self.min,
            "max": self.max,
            "options": list(self.options),
        }
        from . import fieldtypes

        data.update(fieldtypes.get(self.type).to_json(self))
        if self.norm is not None:
            data["norm"] = {
                "message": self.norm.message,
                "source": self.norm.source,
                "min": self.norm.min,
                "equals": self.norm.equals,
            }
        return data


@dataclass
class Item:
    id: str
    title: str
    question: str
    section_id: str
    fields: list[Field]
    guidance: str = ""
    example: str = ""
    heading: str = ""
    template: str = ""
    # An item a report may do without (``optional: true``): left empty, it
    # counts as done, as nothing to report (e.g. 上年度整改 in a first-year report).
    optional: bool = False

    def field(self, field_id: str) -> Field | None:
        for f in self.fields:
            if f.id == field_id:
                return f
        return None


@dataclass
class Section:
    id: str
    title: str
    items: list[Item]
    heading: str = ""
    intro: str = ""


@dataclass
class Check:
    id: str
    expr: str
    message: str
    fields: list[str]
    severity: str = "error"
    # Field paths the expression reads: the check waits until all are
    # answered. None until known: a full load finds them (and validates the
    # expression); a plain load leaves them to workflows.checks.rule_reads.
    reads: list[str] | None = None


@dataclass
class Rollup:
    """Which counts of this workflow are totals over reports of another one
    (a bureau's counts over its Party branches): the top-level ``rollup:``."""

    source: str  # id of the workflow whose reports are added up (``from:``)
    # this workflow's "item.field" -> the source workflow's "item.field", in file order
    sums: dict[str, str] = field(default_factory=dict)
    # target "item.field" -> a condition over the source report (``r.item.field``):
    # only reports for which it holds are added into that target
    when: dict[str, str] = field(default_factory=dict)
    # target -> the source fields its condition reads (filled by a full load)
    when_reads: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"from": self.source, "sum": dict(self.sums)}
        if self.when:
            data["when"] = dict(self.when)
        return data


@dataclass
class CarryOver:
    """Which fields of last year's report become entries of this year's
    整改 item when a report is made from it (the top-level ``carry_over:``;
    see :mod:`workflows.carryover`)."""

    into: str  # "item.field" of the group that receives the entries
    problems: list[str] = field(default_factory=list)  # "item.field" of last year's 存在问题
    commitments: list[str] = field(default_factory=list)  # "item.field" of last year's 下一步打算
    again: list[str] = field(default_factory=list)  # statuses whose entries are carried once more

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"into": self.into, "problems": list(self.problems),
                                "commitments": list(self.commitments)}
        if self.again:
            data["again"] = list(self.again)
        return data


@dataclass
class ReportTemplates:
    title: str
    name_line: str = ""
    opening: str = ""
    closing: str = ""
    signature: str = ""
    date: str = ""


@dataclass
class Workflow:
    id: str
    title: str
    version: int
    report: ReportTemplates
    sections: list[Section]
    description: str = ""
    year_field: str = ""
    short_title: str = ""  # the name in the home list (at most SHORT_TITLE_MAX characters)
    checks: list[Check] = field(default_factory=list)
    rollup: Rollup | None = None
    carry_over: CarryOver | None = None
    source: str = ""  # file the workflow was loaded from
    # Compiled templates, filled by the loader: key -> jinja2 Template.
    compiled: dict[str, Any] = field(default_factory=dict, repr=False)

    def short_name(self) -> str:
        """The name in the home list: ``short_title``, else the title without
        its bracketed parts, cut to SHORT_TITLE_MAX characters (… marks a cut)."""
        if self.short_title:
            return self.short_title
        import re

        plain = re.sub(r"（[^）]*）|\([^)]*\)", "", self.title).strip() or self.title
        return plain if len(plain) <= SHORT_TITLE_MAX else plain[: SHORT_TITLE_MAX - 1] + "…"

    def items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.items

    def item(self, item_id: str) -> Item | None:
        for item in self.items():
            if item.id == item_id:
                return item
        return None

    def fields(self) -> Iterator[Field]:
        for item in self.items():
            yield from item.fields

    def field(self, path: str) -> Field | None:
        item_id, _, field_id = path.partition(".")
        item = self.item(item_id)
        return item.field(field_id) if item else None

    def item_of(self, path: str) -> str:
        return path.partition(".")[0]

    def to_json(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "description": self.description,
            "sections": [
                {
                    "id": s.id,
                    "title": s.title,
                    "items": [
                        {
                            "id": i.id,
                            "title": i.title,
                            "question": i.question,
                            "fields": [f.to_json() for f in i.fields],
                        }
                        for i in s.items
                    ],
                }
                for s in self.sections
            ],
            "checks": [
                {"id": c.id, "message": c.message, "fields": c.fields, "severity": c.severity}
                for c in self.checks
            ],
        }
        if self.rollup is not None:
            data["rollup"] = self.rollup.to_json()
        if self.carry_over is not None:
            data["carry_over"] = self.carry_over.to_json()
        return data
