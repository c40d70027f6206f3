"""Checking answers: missing required fields, invalid values, cross-field
rules (errors) and checklist norms (warnings)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from .answers import effective_answers
from .model import Field, Workflow
from .values import AnswerError, coerce, is_empty, template_value

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


def field_problems(f: Field, value: Any) -> list[Problem]:
    """Problems of one field's (effective) value, cross-field rules aside."""
    item_id = f.path.partition(".")[0]
    try:
        value = coerce(f, value)
    except AnswerError as exc:
        return [Problem("error", item_id, f.path, exc.message)]
    if is_empty(value):
        if f.required:
            return [Problem("pending", item_id, f.path, f"“{f.label}”尚未填写")]
        return []
    problems = []
    if f.type == "group":
        for index, entry in enumerate(value):
            for sub in f.fields:
                if sub.required and is_empty(entry.get(sub.id)):
                    problems.append(
                        Problem("pending", item_id, f.path, f"第{index + 1}条的“{sub.label}”尚未填写")
                    )
    if f.norm is not None and not f.norm.satisfied_by(template_value(f, value)):
        problems.append(Problem("warning", item_id, f.path, f.norm.message, f.norm.source))
    return problems


def _check_context(wf: Workflow, values: Mapping[str, Any]) -> dict[str, Any]:
    from .assemble import report_namespace

    return {"r": report_namespace(wf, values, pending=False)}


def check(wf: Workflow, answers: Mapping[str, Any], today: _dt.date | None = None) -> CheckResult:
    values = effective_answers(wf, answers, today)
    result = CheckResult()
    invalid: set[str] = set()
    for f in wf.fields():
        found = field_problems(f, values.get(f.path))
        if any(p.severity == "error" for p in found):
            invalid.add(f.path)
        result.problems.extend(found)
    if wf.checks:
        from .templating import environment

        env = environment()
        clean = {path: (None if path in invalid else v) for path, v in values.items()}
        context = _check_context(wf, clean)
        for rule in wf.checks:
            if any(is_empty(clean.get(path)) for path in rule.reads):
                continue
            try:
                passed = bool(env.compile_expression(rule.expr)(**context))
            except Exception as exc:  # a rule that cannot be evaluated is reported, not fatal
                passed = False
                message = f"{rule.message}（规则“{rule.id}”无法计算：{exc}）"
            else:
                message = rule.message
            if not passed:
                targets = rule.fields or rule.reads[:1]
                for path in targets:
                    result.problems.append(Problem(rule.severity, wf.item_of(path), path, message))
    for item in wf.items():
        problems = result.for_item(item.id)
        answered = any(not is_empty(answers.get(f.path)) for f in item.fields)
        if any(p.severity == "error" for p in problems):
            state = STATE_ERROR
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
