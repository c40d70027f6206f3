"""What the checklist and ``shuzhi check`` show of a report: the item
states beyond the checks' own, and :class:`ReportCheck` (the check plus the
extra blockers of a final export), which the session keeps in the cache.
No Textual here."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Item states beyond the checks' own (workflows.checks): an answer carried
# over from an earlier year and not yet confirmed; defaults not yet accepted.
STATE_COPIED = "copied"
STATE_PROPOSED = "proposed"
_DONE_STATES = ("done", "warning")


def shown_states(
    item_states: Mapping[str, str], copied_items: Iterable[str], proposed_items: Iterable[str]
) -> dict[str, str]:
    """Item states as the checklist shows them: an item with an answer
    carried over from an earlier year is "copied" unless it has an error;
    an otherwise finished item whose defaults wait to be accepted is
    "proposed"."""
    states = dict(item_states)
    for item_id in proposed_items:
        if states.get(item_id) in _DONE_STATES:
            states[item_id] = STATE_PROPOSED
    for item_id in copied_items:
        if states.get(item_id) not in (None, "error"):
            states[item_id] = STATE_COPIED
    return states


@dataclass(frozen=True)
class ExtraBlocker:
    """Something a final export refuses that is not a check problem:
    leftover placeholder text ("XX", "××") or a template failure."""

    kind: str  # "placeholder" | "error"
    item_id: str | None
    message: str
    where: str = ""


@dataclass
class ReportCheck:
    """Everything ``shuzhi check`` reports: the engine's problems (pending,
    error, warning; drafts are errors), item states, the extra export
    blockers, and the items whose defaults are not accepted yet (a reminder,
    not a blocker)."""

    problems: list[Any]  # workflows.checks.Problem
    item_states: dict[str, str]
    blockers: list[ExtraBlocker]
    proposed_items: list[str] = dataclasses.field(default_factory=list)
    copied_items: list[str] = dataclasses.field(default_factory=list)

    @property
    def ready(self) -> bool:
        """A final export would go through."""
        return not self.blockers and not any(p.severity in ("pending", "error") for p in self.problems)

    def of_severity(self, severity: str) -> list[Any]:
        return [p for p in self.problems if p.severity == severity]

    def for_item(self, item_id: str) -> list[Any]:
        return [p for p in self.problems if p.item_id == item_id]

    def shown_states(self) -> dict[str, str]:
        return shown_states(self.item_states, self.copied_items, self.proposed_items)

    def items_done(self) -> int:
        """Items finished and accepted (as the checklist shows ✔ or !)."""
        return sum(1 for state in self.shown_states().values() if state in _DONE_STATES)

    def to_cache(self) -> dict[str, Any]:
        return {
            "problems": [p.to_json() for p in self.problems],
            "item_states": self.item_states,
            "blockers": [dataclasses.asdict(b) for b in self.blockers],
            "proposed_items": self.proposed_items,
            "copied_items": self.copied_items,
        }

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> ReportCheck:
        from workflows.checks import Problem

        problems = [
            Problem(p["severity"], p["item"], p["field"], p["message"], p.get("source", ""))
            for p in data["problems"]
        ]
        blockers = [ExtraBlocker(**b) for b in data["blockers"]]
        return cls(
            problems, dict(data["item_states"]), blockers,
            list(data.get("proposed_items", [])), list(data.get("copied_items", [])),
        )



__all__ = ["STATE_COPIED", "STATE_PROPOSED", "ExtraBlocker", "ReportCheck", "shown_states"]
