"""Checking answers: missing required fields, invalid values, cross-field
rules (errors) and checklist norms (warnings)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .answers import effective_answers
from .model import Check, Field, Workflow
from .values import AnswerError, coerce, display_value, is_empty, template_value

SEVERITY_NAMES = {"pending": "待填", "error": "错误", "warning": "提醒"}


@dataclass(frozen=True)
class Problem:
    severity: str  # "pending" | "error" | "warning"
    item_id: str
    field_path: str
    message: str
    source: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "severity": self.severity,
            "item": self.item_id,
            "field": self.field_path,
            "message": self.message,
            "source": self.source,
        }


# Item states, as the checklist tree shows them.
STATE_DONE = "done"
STATE_EMPTY = "empty"
STATE_PARTIAL = "partial"
STATE_ERROR = "error"
STATE_WARNING = "warning"


@dataclass
class CheckResult:
    problems: list[Problem] = field(default_factory=list)
    item_states: dict[str, str] = field(default_factory=dict)

    def of_severity(self, severity: str) -> list[Problem]:
        return [p for p in self.problems if p.severity == severity]

    @property
    def ready(self) -> bool:
        """Nothing blocks a final export (warnings never do)."""
        return not any(p.severity in ("pending", "error") for p in self.problems)

    def for_item(self, item_id: str) -> list[Problem]:
        return [p for p in self.problems if p.item_id == item_id]

    def for_field(self, path: str) -> list[Problem]:
        return [p for p in self.problems if p.field_path == path]

    def items_done(self) -> int:
        return sum(1 for state in self.item_states.values() if state in (STATE_DONE, STATE_WARNING))


def field_problems(f: Field, value: Any, completed: bool = False) -> list[Problem]:
    """Problems of one field's (effective) value, cross-field rules aside.
    ``completed``: a required multiple choice whose 其他 field is filled."""
    item_id = f.path.partition(".")[0]
    try:
        value = coerce(f, value)
    except AnswerError as exc:
        return [Problem("error", item_id, f.path, exc.message)]
    if is_empty(value):
        if f.required and not completed:
            return [Problem("pending", item_id, f.path, f"“{f.label}”尚未填写")]
        return []
    problems = []
    if f.fields:  # entries of a repeatable group: their required sub-fields
        for index, entry in enumerate(value):
            for sub in f.fields:
                if sub.required and is_empty(entry.get(sub.id)):
                    problems.append(
                        Problem("pending", item_id, f.path, f"第{index + 1}条的“{sub.label}”尚未填写")
                    )
    if f.norm is not None and not f.norm.satisfied_by(template_value(f, value)):
        problems.append(Problem("warning", item_id, f.path, f.norm.message, f.norm.source))
    return problems


def _check_context(wf: Workflow, values: Mapping[str, Any], today: _dt.date | None = None) -> dict[str, Any]:
    from .answers import report_year
    from .assemble import report_namespace

    return {"r": report_namespace(wf, values, pending=False), "year": report_year(wf, values, today)}


def _shown(f: Field, value: Any) -> str:
    """A field's value as a cross-field message quotes it: 讲党课12次."""
    try:
        value = coerce(f, value)
    except AnswerError:
        return f.label
    if isinstance(value, list):
        return f"{f.label}{len(value)}条"
    if isinstance(value, bool):
        return f"{f.label}为“{display_value(f, value)}”"
    return f"{f.label}{display_value(f, value)}"


def rule_reads(wf: Workflow, rule: Check) -> list[str]:
    """The field paths a cross-field rule reads (it waits until all are
    answered). A full load found them already; after a plain load they are
    found here, on the first check run, and kept on the rule. An expression
    that does not parse reads nothing (the run reports it as not computable)."""
    if rule.reads is None:
        from jinja2 import TemplateSyntaxError

        from .templating import environment, report_references

        try:
            ast = environment().parse("{{ (" + rule.expr + ") }}")
        except TemplateSyntaxError:
            rule.reads = []
        else:
            found = {f"{i}.{f}" for i, f in report_references(ast) if f is not None}
            rule.reads = sorted(p for p in found if wf.field(p) is not None)
    return rule.reads


def _rule_message(wf: Workflow, rule: Check, values: Mapping[str, Any], message: str) -> str:
    """A failed rule's message, followed by the answers that disagree (every
    field the rule reads, by item), so the user sees both sides at either
    field: “（已填：支部书记履职中支部书记讲党课12次；“三会一课”中讲党课10次）”."""
    reads = rule_reads(wf, rule)
    if len(reads) < 2:
        return message
    groups: dict[str, list[str]] = {}
    for path in dict.fromkeys([*rule.fields, *reads]):
        f, item = wf.field(path), wf.item(wf.item_of(path))
        if f is not None and item is not None:
            groups.setdefault(item.title, []).append(_shown(f, values.get(path)))
    quoted = "；".join(f"{title}中{'、'.join(parts)}" for title, parts in groups.items())
    return f"{message}（已填：{quoted}）"


# A title set in more lines than this is hard to read (GB/T 9704 7.3.1 asks
# for a title 长短适宜): check reminds the user to shorten the unit's name.
TITLE_MAX_LINES = 3


def title_problems(wf: Workflow, values: Mapping[str, Any], context: dict[str, Any]) -> list[Problem]:
    """A warning when the report title breaks into more than three lines on
    the standard page (the unit's name, usually, is too long)."""
    paths = _title_fields(wf)
    if not paths or any(is_empty(values.get(path)) for path in paths):
        return []  # an unfinished title: nothing to measure yet
    from .assemble import render_line
    from .export.layout import title_lines
    from .export.profile import STANDARD

    lines = title_lines(render_line(wf, "report:title", wf.report.title, context), STANDARD)
    if len(lines) <= TITLE_MAX_LINES:
        return []
    # the free texts of the title (a unit's name, a post) are what can be shortened
    texts = [(len(str(values.get(p))), p) for p in paths if getattr(wf.field(p), "type", "") in ("text", "choice")]
    if not texts:
        return []
    path = max(texts)[1]
    message = (
        f"标题排成{len(lines)}行，超过{TITLE_MAX_LINES}行显得冗长；"
        "可改用单位的规范简称，或把职务写短"
    )
    return [Problem("warning", wf.item_of(path), path, message)]


def _title_fields(wf: Workflow) -> list[str]:
    """The fields the title template prints (parsed once per workflow)."""
    key = "refs:report:title"
    if key not in wf.compiled:
        from .templating import environment, report_references

        ast = environment().parse(wf.report.title)
        found = [f"{item}.{field}" for item, field in report_references(ast) if field]
        wf.compiled[key] = [p for p in dict.fromkeys(found) if wf.field(p) is not None]
    return wf.compiled[key]


def _compiled_rule(wf: Workflow, env: Any, rule: Any) -> Any:
    """A rule's expression, compiled once per workflow (compiling it took
    most of the time of a check: 6 rules, ≈ 8 ms, at every keystroke)."""
    key = f"rule-expr:{rule.id}:{rule.expr}"
    compiled = wf.compiled.get(key)
    if compiled is None:
        compiled = wf.compiled[key] = env.compile_expression(rule.expr)
    return compiled


def check(wf: Workflow, answers: Mapping[str, Any], today: _dt.date | None = None) -> CheckResult:
    from .assemble import completed_by_other

    values = effective_answers(wf, answers, today)
    result = CheckResult()
    invalid: set[str] = set()
    for item in wf.items():
        for f in item.fields:
            found = field_problems(f, values.get(f.path), completed_by_other(item, f, values))
            if any(p.severity == "error" for p in found):
                invalid.add(f.path)
            result.problems.extend(found)
    clean = {path: (None if path in invalid else v) for path, v in values.items()}
    context = _check_context(wf, clean, today)
    if wf.checks:
        from .templating import environment

        env = environment()
        for rule in wf.checks:
            reads = rule_reads(wf, rule)
            if any(is_empty(clean.get(path)) for path in reads):
                continue
            try:
                passed = bool(_compiled_rule(wf, env, rule)(**context))
            except Exception as exc:  # noqa: BLE001 - a rule that cannot be evaluated is reported, not fatal
                passed = False
                message = f"{rule.message}（规则“{rule.id}”无法计算：{exc}）"
            else:
                message = rule.message
            if not passed:
                message = _rule_message(wf, rule, clean, message)
                targets = rule.fields or reads[:1]
                for path in targets:
                    result.problems.append(Problem(rule.severity, wf.item_of(path), path, message))
    result.problems.extend(title_problems(wf, clean, context))
    if wf.carry_over is not None:  # last year's problems repeated word for word
        from .carryover import repeat_problems

        result.problems.extend(repeat_problems(wf, clean))
    for item in wf.items():
        problems = result.for_item(item.id)
        answered = any(not is_empty(answers.get(f.path)) for f in item.fields)
        if any(p.severity == "error" for p in problems):
            state = STATE_ERROR
        elif item.optional and not problems and not any(not is_empty(values.get(f.path)) for f in item.fields):
            state = STATE_DONE  # nothing to report, and nothing has to be
        elif not answered and (any(p.severity == "pending" for p in problems) or not any(
            not is_empty(values.get(f.path)) for f in item.fields
        )):
            state = STATE_EMPTY
        elif any(p.severity == "pending" for p in problems):
            state = STATE_PARTIAL
        elif problems:
            state = STATE_WARNING
        else:
            state = STATE_DONE
        result.item_states[item.id] = state
    return result
