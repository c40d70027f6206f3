"""The home screen's progress column, from each report's state in the
index (``tui.session.state``): the list shows at once with every
unchanged report's progress, without reading or checking any report; only
reports changed since their state was written (or never checked) are
checked, in the background, and their states written back in one go.

Before, the column was kept in a cache file stamped with the day, so the
first start of each day re-checked every report (58 s of CPU at 10,000).
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from workflows.cache import Cache

# report id -> (updated, progress text, workflow id, workflow title)
Entry = tuple[str, str, str, str]


def _shown_name(state: dict) -> str:
    """The workflow's name as the list shows it (its short name)."""
    return state.get("workflow_short") or state["workflow_title"]


class ProgressCache:
    """Progress texts per report, valid while the report's state in the index is current."""

    def __init__(self, store: Any, today: _dt.date | None = None, cache: Cache | None = None) -> None:
        self.store = store
        self.today = today
        self.cache = cache
        self.entries: dict[str, Entry] = {}

    def load(self, metas: Any = None) -> dict[str, Entry]:
        """The current states of the listed reports (``metas``: default, all)."""
        from tui.session.state import progress_text, states_for

        if metas is None:
            metas = self.store.list_reports(include_deleted=True)
        try:
            states = states_for(self.store, metas, cache=self.cache, today=self.today, compute=False)
        except Exception:  # noqa: BLE001 - the column is then computed in the background
            return {}
        self.entries = {
            rid: (state["report_updated"], progress_text(state), state["workflow_id"], _shown_name(state))
            for rid, state in states.items()
        }
        return dict(self.entries)

    def save(self, states: dict[str, dict]) -> None:
        """Write the states just computed into the index (one write; errors ignored)."""
        from tui.session.state import progress_text

        if not states:
            return
        for rid, state in states.items():
            self.entries[rid] = (
                state["report_updated"], progress_text(state), state["workflow_id"], _shown_name(state)
            )
        try:
            self.store.index.put_states(states)
        except Exception:  # noqa: BLE001 - only slower next time, never wrong
            pass
