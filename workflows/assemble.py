"""Answers -> report model. Pure: no I/O, no clock unless ``today`` is None."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Mapping

from .answers import effective_answers, report_year
from .model import Item, Workflow
from .report import Block, Pending as PendingRef, Report
from .values import AnswerError, Entry, Pending, cn_num, coerce, is_empty, template_value


def _safe_value(f, value: Any, pending: bool) -> Any:
    try:
        value = coerce(f, value)
        shown = template_value(f, value)
    except AnswerError:
        # An invalid stored value (e.g. the workflow changed): show it as a gap.
        return Pending(f.label, f.path)
    if isinstance(shown, Pending) and not pending:
        return [] if f.is_list else None
    return shown


def item_namespace(item: Item, values: Mapping[str, Any], pending: bool = True) -> dict[str, Any]:
    return {f.id: _safe_value(f, values.get(f.path), pending) for f in item.fields}


def report_namespace(wf: Workflow, values: Mapping[str, Any], pending: bool = True) -> Entry:
    return Entry({item.id: Entry(item_namespace(item, values, pending)) for item in wf.items()})


def _compiled(wf: Workflow, key: str, source: str):
    template = wf.compiled.get(key)
    if template is None:
        from .templating import compile_template

        template = compile_template(f"{wf.id}/{key}", source)
        wf.compiled[key] = template
    return template


class _Renderer:
    def __init__(self, wf: Workflow, answers: Mapping[str, Any], today: _dt.date | None) -> None:
        self.wf = wf
        self.values = effective_answers(wf, answers, today)
        self.year = report_year(wf, self.values, today)
        self.r = report_namespace(wf, self.values)
        self.errors: list[tuple[str, str]] = []

    def render(self, key: str, source: str, extra: dict[str, Any] | None = None, item_id: str = "") -> str:
        if not source:
            return ""
        context = {"r": self.r, "year": self.year}
        if extra:
            context.update(extra)
        try:
            return _compiled(self.wf, key, source).render(context)
        except Exception as exc:  # a template failing on odd data must never kill a preview
            label = self.wf.item(item_id).title if item_id and self.wf.item(item_id) else key
            self.errors.append((item_id or key, f"{type(exc).__name__}: {exc}"))
            return f"【模板出错：{label}】"

    def paragraphs(self, key: str, source: str, extra=None, item_id: str = "") -> list[tuple[int, str, str]]:
        from .templating import split_paragraphs

        return split_paragraphs(self.render(key, source, extra, item_id))

    def line(self, key: str, source: str) -> str:
        return "".join(lead + text for _level, lead, text in self.paragraphs(key, source))

    def pending_of(self, item: Item) -> list[PendingRef]:
        return [
            PendingRef(item.id, f.path, f.label)
            for f in item.fields
            if f.required and is_empty(self.values.get(f.path))
        ]

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
    """Numbers level-3 ("1.") and level-4 ("（1）") headings within one scope."""

    def __init__(self) -> None:
        self.level3 = 0
        self.level4 = 0

    def blocks(self, paragraphs: list[tuple[int, str, str]], item_id: str) -> list[Block]:
        out = []
        for level, lead, text in paragraphs:
            if level == 3:
                self.level3 += 1
                self.level4 = 0
                number = f"{self.level3}."
            elif level == 4:
                self.level4 += 1
                number = f"（{self.level4}）"
            else:
                out.append(Block("paragraph", text, 0, "", item_id))
                continue
            kind = "paragraph" if lead else "heading"
            out.append(Block(kind, text, level, number, item_id, lead))
        return out


def _level2_number(n: int) -> str:
    return f"（{cn_num(n)}）"


def assemble(wf: Workflow, answers: Mapping[str, Any], today: _dt.date | None = None) -> Report:
    """Assemble the whole report from (stored) answers."""
    rd = _Renderer(wf, answers, today)
    blocks: list[Block] = []
    for _level, lead, text in rd.paragraphs("report:opening", wf.report.opening):
        blocks.append(Block("paragraph", lead + text))
    level1 = 0
    pending: list[PendingRef] = []
    for section in wf.sections:
        section_blocks: list[Block] = []
        for _level, lead, text in rd.paragraphs(f"section:{section.id}", section.intro):
            section_blocks.append(Block("paragraph", lead + text))
        level2 = 0
        numbered = _Numbering()
        for item in section.items:
            pending.extend(rd.pending_of(item))
            paragraphs = rd.item_paragraphs(item)
            if not paragraphs:
                continue
            if item.heading:
                level2 += 1
                numbered = _Numbering()
                section_blocks.append(Block("heading", item.heading, 2, _level2_number(level2), item.id))
            section_blocks.extend(numbered.blocks(paragraphs, item.id))
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
    wf: Workflow, answers: Mapping[str, Any], item_id: str, today: _dt.date | None = None
) -> list[Block]:
    """The paragraphs one item produces (for a live preview beside its form)."""
    item = wf.item(item_id)
    if item is None:
        return []
    rd = _Renderer(wf, answers, today)
    return _Numbering().blocks(rd.item_paragraphs(item), item.id)
