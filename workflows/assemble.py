"""Answers -> report model. Pure: no I/O, no clock unless ``today`` is None."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

from .answers import effective_answers, report_year
from .model import Field, Item, Workflow
from .report import Block, Report
from .report import Pending as PendingRef
from .values import AnswerError, Entry, Pending, cn_num, coerce, is_empty, template_value

# The free-text field that completes an item's multiple choice: a required
# ``multi`` field counts as answered when the ``other`` field of its item is
# filled (a problem typed in 其他问题 is a problem stated).
OTHER_FIELD_ID = "other"


def completed_by_other(item: Item, f: Field, values: Mapping[str, Any]) -> bool:
    """True when ``f`` is a multiple choice left empty whose item's 其他 field
    holds an answer."""
    if f.type != "multi" or f.id == OTHER_FIELD_ID:
        return False
    other = item.field(OTHER_FIELD_ID)
    return other is not None and not is_empty(values.get(other.path))


def is_missing(item: Item, f: Field, values: Mapping[str, Any]) -> bool:
    """A required field with no answer (nor a filled 其他 standing in for it)."""
    return f.required and is_empty(values.get(f.path)) and not completed_by_other(item, f, values)


def _cleaned(f: Field, shown: Any, item_like: bool = False) -> Any:
    """What a template sees, without the punctuation typed at the ends of
    answers (templates add their own): see templating.clean_text. List
    items, the 其他 text that joins them and the one-line texts of a
    repeatable entry also lose a number typed before them ("1.", "二是")."""
    from .templating import clean_item, clean_text

    if isinstance(shown, str):
        if item_like or f.id == OTHER_FIELD_ID:
            return clean_item(shown)
        return clean_text(shown, paragraph=f.type == "longtext")
    if f.type in ("list", "titles", "multi") and isinstance(shown, list):
        items = [clean_item(v, title=f.type == "titles") if isinstance(v, str) else v for v in shown]
        return [v for v in items if v != ""]
    if f.type == "group" and isinstance(shown, list):
        for entry in shown:
            for sub in f.fields:
                value = getattr(entry, sub.id, None)
                if value is not None:
                    setattr(entry, sub.id, _cleaned(sub, value, item_like=sub.type == "text"))
    return shown


def _safe_value(f: Field, value: Any, pending: bool, satisfied: bool = False) -> Any:
    try:
        value = coerce(f, value)
        shown = template_value(f, value)
    except AnswerError:
        # An invalid stored value (e.g. the workflow changed): show it as a gap.
        return Pending(f.label, f.path)
    if isinstance(shown, Pending) and (satisfied or not pending):
        return [] if f.is_list else None
    return _cleaned(f, shown)


def item_namespace(item: Item, values: Mapping[str, Any], pending: bool = True) -> dict[str, Any]:
    return {
        f.id: _safe_value(f, values.get(f.path), pending, completed_by_other(item, f, values))
        for f in item.fields
    }


def report_namespace(wf: Workflow, values: Mapping[str, Any], pending: bool = True) -> Entry:
    return Entry({item.id: Entry(item_namespace(item, values, pending)) for item in wf.items()})


def _compiled(wf: Workflow, key: str, source: str, env: Any = None) -> Any:
    template = wf.compiled.get(key)
    if template is None:
        from .templating import compile_template

        template = compile_template(f"{wf.id}/{key}", source, env)
        wf.compiled[key] = template
    return template


class _Renderer:
    def __init__(self, wf: Workflow, answers: Mapping[str, Any], today: _dt.date | None, env: Any = None) -> None:
        self.wf = wf
        self.env = env  # the template environment (None: the default one)
        self.values = effective_answers(wf, answers, today)
        self.year = report_year(wf, self.values, today)
        self.r = report_namespace(wf, self.values)
        self.errors: list[tuple[str, str]] = []

    def render(self, key: str, source: str, extra: dict[str, Any] | None = None, item_id: str = "") -> str:
        if not source:
            return ""
        context = {"r": self.r, "year": self.year, "section_items": 0}
        if extra:
            context.update(extra)
        from .templating import TemplateBudgetError, render_bounded

        try:
            return render_bounded(_compiled(self.wf, key, source, self.env), context)
        except Exception as exc:  # a template failing on odd data must never kill a preview
            found = self.wf.item(item_id) if item_id else None
            label = found.title if found else key
            reason = str(exc) if isinstance(exc, TemplateBudgetError) else f"{type(exc).__name__}: {exc}"
            self.errors.append((item_id or key, reason))
            return f"【模板出错：{label}】"

    def paragraphs(self, key: str, source: str, extra=None, item_id: str = "") -> list[tuple[int, str, str]]:
        from .templating import split_paragraphs

        return split_paragraphs(self.render(key, source, extra, item_id))

    def line(self, key: str, source: str) -> str:
        return "".join(lead + text for _level, lead, text in self.paragraphs(key, source))

    def pending_of(self, item: Item) -> list[PendingRef]:
        return [PendingRef(item.id, f.path, f.label) for f in item.fields if is_missing(item, f, self.values)]

    def item_paragraphs(self, item: Item) -> list[tuple[int, str, str]]:
        if not item.template:
            return []
        own = item_namespace(item, self.values)
        out = self.paragraphs(f"item:{item.id}", item.template, own, item.id)
        text = "".join(lead + body for _l, lead, body in out)
        missing = [p.marker for p in self.pending_of(item) if p.marker not in text]
        if missing:
            out.append((0, "", "".join(missing)))
        return out


class _Numbering:
    """Numbers level-3 ("1.") and level-4 ("（1）") headings within one scope.

    A heading alone at its level in its scope gets no number: a lone "1." (or
    "（1）") reads as if the rest were missing.
    """

    def __init__(self) -> None:
        self.pending: list[tuple[int, str, str, str]] = []

    def add(self, paragraphs: list[tuple[int, str, str]], item_id: str) -> None:
        self.pending.extend((level, lead, text, item_id) for level, lead, text in paragraphs)

    def blocks(self) -> list[Block]:
        entries, self.pending = self.pending, []
        # Level-4 headings count within their level-3 heading (group).
        groups, group = [], 0
        for level, *_ in entries:
            if level == 3:
                group += 1
            groups.append(group)
        level3_total = group
        level4_totals: dict[int, int] = {}
        for (level, *_), g in zip(entries, groups):
            if level == 4:
                level4_totals[g] = level4_totals.get(g, 0) + 1
        out = []
        level3 = level4 = 0
        for (level, lead, text, item_id), g in zip(entries, groups):
            if level == 3:
                level3 += 1
                level4 = 0
                number = f"{level3}." if level3_total > 1 else ""
            elif level == 4:
                level4 += 1
                number = f"（{level4}）" if level4_totals[g] > 1 else ""
            else:
                out.append(Block("paragraph", text, 0, "", item_id))
                continue
            out.append(Block("paragraph" if lead else "heading", text, level, number, item_id, lead))
        return out


def _level2_number(n: int) -> str:
    return f"（{cn_num(n)}）"


def assemble(wf: Workflow, answers: Mapping[str, Any], today: _dt.date | None = None, *,
             env: Any = None) -> Report:
    """Assemble the whole report from (stored) answers. ``env``: the
    template environment (``workflows.cache.Cache.template_environment``
    keeps the compiled templates between runs)."""
    rd = _Renderer(wf, answers, today, env)
    blocks: list[Block] = []
    for _level, lead, text in rd.paragraphs("report:opening", wf.report.opening):
        blocks.append(Block("paragraph", lead + text))
    level1 = 0
    pending: list[PendingRef] = []
    for section in wf.sections:
        # (item, level-2 heading or None, that heading's numbered paragraphs)
        parts: list[tuple[Item, bool, _Numbering]] = []
        numbered = _Numbering()
        shown = 0
        for item in section.items:
            pending.extend(rd.pending_of(item))
            paragraphs = rd.item_paragraphs(item)
            if not paragraphs:
                continue
            shown += 1
            if item.heading or not parts:
                numbered = _Numbering()
                parts.append((item, bool(item.heading), numbered))
            numbered.add(paragraphs, item.id)
        if not parts and any(item.template for item in section.items):
            continue  # an intro ("主要表现在：") with nothing after it
        section_blocks: list[Block] = []
        context = {"section_items": shown}
        for _level, lead, text in rd.paragraphs(f"section:{section.id}", section.intro, context):
            section_blocks.append(Block("paragraph", lead + text))
        # A level-2 heading alone in its section is left out: the section's
        # own heading already says it, and a lone "（一）" reads as unfinished.
        headed = sum(1 for _item, has_heading, _n in parts if has_heading)
        level2 = 0
        for item, has_heading, numbering in parts:
            if has_heading and headed > 1:
                level2 += 1
                section_blocks.append(Block("heading", item.heading, 2, _level2_number(level2), item.id))
            section_blocks.extend(numbering.blocks())
        if not section_blocks:
            continue
        if section.heading:
            level1 += 1
            first_item = section.items[0].id if section.items else None
            blocks.append(Block("heading", section.heading, 1, f"{cn_num(level1)}、", first_item))
        blocks.extend(section_blocks)
    return Report(
        workflow_id=wf.id,
        title=rd.line("report:title", wf.report.title),
        name_line=rd.line("report:name_line", wf.report.name_line),
        blocks=tuple(blocks),
        closing=rd.line("report:closing", wf.report.closing),
        signature=rd.line("report:signature", wf.report.signature),
        date=rd.line("report:date", wf.report.date),
        pending=tuple(pending),
        render_errors=tuple(rd.errors),
    )


def render_item(
    wf: Workflow, answers: Mapping[str, Any], item_id: str, today: _dt.date | None = None, *, env: Any = None
) -> list[Block]:
    """The paragraphs one item produces (for a live preview beside its form)."""
    item = wf.item(item_id)
    if item is None:
        return []
    rd = _Renderer(wf, answers, today, env)
    numbering = _Numbering()
    numbering.add(rd.item_paragraphs(item), item.id)
    return numbering.blocks()


def render_line(wf: Workflow, key: str, source: str, context: dict[str, Any]) -> str:
    """One of the report's one-line templates (title, date …) rendered in
    ``context``; "" when it fails."""
    from .templating import render_bounded, split_paragraphs

    try:
        text = render_bounded(_compiled(wf, key, source), context)
    except Exception:  # a check must never fail on a template
        return ""
    return "".join(lead + body for _level, lead, body in split_paragraphs(text))


def trial_render(wf: Workflow, samples: Sequence[tuple[str, Mapping[str, Any]]] = ()) -> list[str]:
    """Problems (Chinese lines) found by rendering the whole report with no
    answers and with each ``(name, answers)`` sample: a template that fails
    or runs over its budget, named by item."""
    problems: list[str] = []
    for name, answers in [("空白答案", {}), *samples]:
        report = assemble(wf, answers)
        for where, message in report.render_errors:
            item = wf.item(where)
            label = f"条目“{item.title}”（{where}）" if item else f"“{where}”"
            problems.append(f"试生成报告（{name}）时，{label}的模板出错：{message}")
    return problems
