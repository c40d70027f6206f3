"""Keys go where the focus is when they are processed, in the order typed.

Textual hands every key to the widget focused when the key *arrives* (it
queues it there) and runs the key's bindings later, when the key has
bubbled up to the app; priority bindings (PageDown, Ctrl+Q) run at once,
ahead of keys still queued. Over a laggy SSH link keys arrive in bursts:
``12⏎37⏎`` would all be queued for the first field, so that it got 1237
and the next field nothing, and ``12`` PageDown could land on the next item.

The editors' input widgets mix in :class:`OrderedKeys`:

* a key that reaches a widget which has lost the focus meanwhile is handed
  on to the widget focused now (through the app, so that it is handled as
  if it had just arrived);
* the focused widget handles each key completely, bindings included
  (priority ones first, then its own typing, then the others), before the
  next one, so nothing overtakes anything;
* every change of content is reported as it happens (``on_edit``);
* Enter moves on synchronously (the screen's :meth:`FieldFlow.submit_from`),
  so the keys after it find the focus already moved.

``tui.app.ShuzhiApp`` sends keys for such a widget straight to it, without
running priority bindings first (the widget runs them, in order).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from textual import events
from textual.message import Message
from textual.widget import Widget


class FieldFlow(Protocol):
    """A screen that decides where Enter in a field goes."""

    async def submit_from(self, widget: Widget) -> bool:
        """Move the focus on from ``widget`` now; False: not handled here."""
        ...


async def submit_from(widget: Widget) -> bool:
    """Enter in ``widget``: the screen moves the focus on, if it knows how."""
    flow: Any = getattr(widget.screen, "submit_from", None)
    return bool(flow is not None and await flow(widget))


class OrderedKeys:
    """Mixin for focusable input widgets (before the Textual widget class).

    ``on_edit``, when set, is called the moment the widget's content
    changes (as it posts its ``Changed`` message), so that whoever owns the
    widget sees every change in order, before any later key is handled.
    """

    on_edit: Callable[[], None] | None = None

    def post_message(self, message: Message) -> bool:
        changed = getattr(type(self), "Changed", None)
        if self.on_edit is not None and changed is not None and isinstance(message, changed):
            self.on_edit()
        return super().post_message(message)  # type: ignore[misc]

    async def _type_key(self, event: events.Key) -> bool:
        """Handle a key that types something; True when it did."""
        return False

    async def _on_key(self, event: events.Key) -> None:
        assert isinstance(self, Widget)
        app = self.app
        event.stop()
        event.prevent_default()  # the base classes' handlers run from here, or not at all
        if app.focused is not self:
            # Queued here before the focus moved on: it belongs to the
            # widget focused now, as a key that has just arrived.
            app.post_message(events.Key(event.key, event.character))
            return
        if await app._check_bindings(event.key, priority=True):
            return
        if await self._type_key(event):
            return
        await app._check_bindings(event.key)

    def _reroute_paste(self, event: events.Paste) -> bool:
        """A paste that reached this widget after the focus moved on goes
        to the widget focused now; True when it was handed on."""
        assert isinstance(self, Widget)
        if self.app.focused is self:
            return False
        event.stop()
        event.prevent_default()
        self.app.post_message(events.Paste(event.text))
        return True
