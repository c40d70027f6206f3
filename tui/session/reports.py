"""Creating reports: basics (unit, name, position, year), titles, a new
report (optionally from an earlier year's), the demo report.

Defaults are proposals, not answers: a new report stores only what the user
gave (the basics); the defaults show in the wizard and the preview, and the
item holding them waits to be accepted (see ``workflows.answers.proposed``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workflows.answers import effective_answers, initial_answers
from workflows.loader import load_builtin
from workflows.values import coerce, is_empty

from .errors import SessionError
from .workflows import find_workflow

if TYPE_CHECKING:  # pragma: no cover
    from workflows.model import Field, Workflow

DEMO_WORKFLOW = "dangjian-shuzhi"

# The basics a new report can be given (``shuzhi new --unit/--name/
# --position/--year``), by field id, looked up in the item holding the
# workflow's year field (or an item called "basics"); their Chinese names.
BASICS_NAMES = {"unit": "单位名称", "name": "姓名", "position": "职务", "year": "年度"}

# ---------------------------------------------------------------- basics


def basics_item_id(wf: Workflow) -> str | None:
    """The item holding the cover basics (unit, name, position, year)."""
    if wf.year_field:
        return wf.item_of(wf.year_field)
    if wf.item("basics") is not None:
        return "basics"
    return None


def basics_field(wf: Workflow, key: str) -> Field | None:
    """The field for a basics key ("unit", "name", "position", "year")."""
    if key == "year" and wf.year_field:
        return wf.field(wf.year_field)
    item_id = basics_item_id(wf)
    item = wf.item(item_id) if item_id else None
    return item.field(key) if item else None


def basics_answers(wf: Workflow, **values: Any) -> dict[str, Any]:
    """Validated answers for the given basics (None values are skipped).

    Raises AnswerError when a value is invalid and SessionError when the
    workflow has no such field.
    """
    out: dict[str, Any] = {}
    for key, raw in values.items():
        if raw is None:
            continue
        f = basics_field(wf, key)
        if f is None:
            name = BASICS_NAMES.get(key, key)
            raise SessionError(f"工作流“{wf.id}”没有“{name}”字段，不能指定{name}")
        value = coerce(f, raw)
        if value is not None:
            out[f.path] = value
    return out


def field_hint(f: Field, options: bool = True) -> str:
    """A short Chinese description of what a field takes: type, required,
    range, unit, length, options (prompts and ``workflow show``)."""
    from workflows import fieldtypes

    kind = fieldtypes.get(f.type)
    parts = [kind.label]
    if f.required:
        parts.append("必填")
    parts += kind.describe(f)
    if f.unit:
        parts.append(f"单位：{f.unit}")
    if f.max_length:
        parts.append(f"最多{f.max_length}字")
    if f.min_items or f.max_items:
        parts.append(f"{f.min_items or 0}–{f.max_items or '不限'}条")
    if f.options and options:
        parts.append("可选：" + "、".join(f.options) + ("，或自填" if f.custom else ""))
    return "，".join(parts)


def report_year_of(wf: Workflow, answers: Mapping[str, Any]) -> int | None:
    if not wf.year_field:
        return None
    value = answers.get(wf.year_field)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def listed_basics(wf: Workflow, answers: Mapping[str, Any], today: _dt.date | None = None) -> tuple[str, int | None]:
    """(unit, year) as lists show a report with these stored answers (the
    defaults of fields never answered included)."""
    values = effective_answers(wf, answers, today)
    f = basics_field(wf, "unit")
    unit = values.get(f.path) if f else None
    return (unit if isinstance(unit, str) else ""), report_year_of(wf, values)


def default_title(wf: Workflow, answers: Mapping[str, Any], today: _dt.date | None = None) -> str:
    """A report's name in lists: unit, year and the workflow's title."""
    unit, year = listed_basics(wf, answers, today)
    return "".join([unit, f"{year}年" if year else "", wf.title])


def title_for(wf: Workflow, answers: Mapping[str, Any], today: _dt.date | None = None) -> str:
    """The report's name in lists: the assembled title when it is complete,
    else unit + year + the workflow's title."""
    from workflows.assemble import assemble
    from workflows.report import PENDING_OPEN

    try:
        title = assemble(wf, answers, today).title.strip()
    except Exception:
        title = ""
    if title and PENDING_OPEN not in title and len(title) <= 200:
        return title
    return default_title(wf, answers, today)


# ---------------------------------------------------------------- create


def year_bound_paths(wf: Workflow) -> set[str]:
    """Fields whose value follows the report year or the day: the year field
    and fields with ``default_rule`` or ``default_by_year``. They are never
    carried over from an earlier report (last year's plenary sessions or date
    must not slip into this year's report); they take the new defaults."""
    paths = {f.path for f in wf.fields() if f.default_rule or f.default_by_year}
    if wf.year_field:
        paths.add(wf.year_field)
    return paths


@dataclass
class NewReport:
    """What a new report starts with (see :func:`create_report`).

    ``year``, ``unit``, ``name`` and ``position`` are raw values (validated
    against the workflow's basics fields); ``title`` defaults to the
    assembled report title.
    """

    workflow: Workflow
    year: int | str | None = None
    unit: str | None = None
    name: str | None = None
    position: str | None = None
    title: str | None = None


def create_report(
    store: Any, spec: NewReport, previous: str | None = None, today: _dt.date | None = None
) -> Any:
    """Create a report and return its ``store.ReportMeta``.

    Only the basics given are stored (validated): every default stays a
    proposal until the user accepts its item. With ``previous`` (the id of
    an earlier report of the same workflow) the new report starts from its
    answers, each marked "from <year>" until the user confirms or changes it,
    except the year-bound fields (:func:`year_bound_paths`); the year
    defaults to the earlier year + 1.

    Raises AnswerError (a basic is invalid), SessionError, StoreError.
    """
    wf = spec.workflow
    answers = basics_answers(wf, unit=spec.unit, name=spec.name, position=spec.position)
    year: int | None = None
    if spec.year is not None:
        year_f = basics_field(wf, "year")
        if year_f is None:
            raise SessionError(f"工作流“{wf.id}”没有年度字段，不能指定年度")
        year = coerce(year_f, spec.year)
    exclude: set[str] = set()
    carried: dict[str, Any] = {}
    if previous is not None:
        prev_meta = store.get_meta(previous)
        if prev_meta.workflow_id != wf.id:
            raise SessionError(
                f"报告“{prev_meta.title}”（{prev_meta.id}）使用的是工作流“{prev_meta.workflow_id}”，"
                f"不能作为“{wf.id}”新报告的基础"
            )
        with store.open(previous, readonly=True) as handle:
            old = handle.answers
        if year is None:
            old_year = report_year_of(wf, old)
            if old_year is None:
                old_year = prev_meta.year
            year = old_year + 1 if isinstance(old_year, int) else None
        exclude = year_bound_paths(wf) | set(answers)
        if wf.carry_over is not None and wf.carry_over.into:
            # Last year's problems and promises, each an entry of this year's 整改 (confirmed
            # answers: the user gives each a status); last year's own entries are not proposed.
            from workflows.carryover import carried_entries

            exclude.add(wf.carry_over.into)
            entries = carried_entries(wf, old)
            if entries:
                answers[wf.carry_over.into] = entries
        carried = {p: v for p, v in old.items() if p not in exclude and not is_empty(v)}
    if year is not None and wf.year_field:
        answers[wf.year_field] = year
    everything = {**carried, **answers}
    title = spec.title if spec.title is not None else title_for(wf, everything, today)
    unit, listed_year = listed_basics(wf, everything, today)
    meta = store.create(
        wf.id, wf.version, title, unit, listed_year, answers, from_report=previous, exclude_paths=sorted(exclude),
    )
    if wf.carry_over is not None and answers.get(wf.carry_over.into):
        # Kept on record: the app shows a carried entry's source read-only,
        # and a deliberate removal of one is recorded (Session.record_entry).
        from workflows.carryover import history_records

        with store.open(meta.id) as handle:
            handle.add_history(history_records(wf, "carried", answers[wf.carry_over.into]))
    return meta


def create_demo_report(store: Any, workflow_id: str = DEMO_WORKFLOW, today: _dt.date | None = None) -> Any:
    """A report filled from a built-in workflow's sample answers (every
    default accepted); returns its ``ReportMeta``. The title says it is a demo."""
    wf = find_workflow(workflow_id)
    sample = sample_answers(workflow_id)
    answers = initial_answers(wf, report_year_of(wf, sample), today)
    answers.update(sample)
    title = f"示例：{title_for(wf, answers, today)}"
    unit, year = listed_basics(wf, answers, today)
    return store.create(wf.id, wf.version, title[:200], unit, year, answers)


def sample_answers(workflow_id: str) -> dict[str, Any]:
    """The sample answers shipped with a built-in workflow (validated)."""
    from workflows.answers import load_answers_file
    from workflows.loader import sample_answers_path

    wf = load_builtin(workflow_id)
    path = sample_answers_path(workflow_id)
    if not path.is_file():
        raise SessionError(f"内置工作流“{workflow_id}”没有示例答案")
    return load_answers_file(wf, path)

