"""Keys go where the focus is when they are processed, in the order typed.

Textual hands every key to the widget focused when the key *arrives* (it
queues it there) and runs the key's bindings later, when the key has
bubbled up to the app; priority bindings (PageDown, Ctrl+Q) run at once,
ahead of keys still queued. Over a laggy SSH link keys arrive in bursts:
``12⏎37⏎`` would all be queued for the first field, so that it got 1237
and the next field nothing, and ``12`` PageDown could land on the next item.

Here, while an editor's input widget (:class:`OrderedKeys`) has the focus,
the app (:class:`KeyQueue`) hands it one key (or paste) at a time and the
next only once that one is handled, to whatever has the focus then:

* the widget handles the key completely, bindings included (priority ones
  first, then its own typing, then the others);
* every change of content is reported as it happens (``on_edit``);
* Enter moves on synchronously (the screen's :meth:`FieldFlow.submit_from`),
  so the next key finds the focus already moved.

Where the focus is on anything else (the checklist, a button, a dialog),
keys take Textual's own path, as before.

Only Textual's public API is used: an event is handed to the widget with
``post_message``, bindings are found in ``Screen.active_bindings`` and run
with ``App.run_action``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

# A widget that has not reported a key handled after this long (it was
# removed meanwhile, say) no longer holds up the keys behind it.
KEY_TIMEOUT = 0.5

InputEvent = events.Key | events.Paste


class FieldFlow(Protocol):
    """A screen that decides where Enter in a field goes."""

    async def submit_from(self, widget: Widget) -> bool:
        """Move the focus on from ``widget`` now; False: not handled here."""
        ...


async def submit_from(widget: Widget) -> bool:
    """Enter in ``widget``: the screen moves the focus on, if it knows how."""
    flow: Any = getattr(widget.screen, "submit_from", None)
    return bool(flow is not None and await flow(widget))


class KeyQueue:
    """Mixin for the App (before ``App``): keys and pastes for an
    :class:`OrderedKeys` widget are handed on one at a time."""

    class KeyHandled(Message):
        """The widget in hand finished a key: hand on the next."""

    def _key_queue_init(self) -> None:
        self._key_backlog: deque[InputEvent] = deque()
        self._key_holder: Widget | None = None
        self._key_out = 0  # events handed to the holder and not yet handled
        self._key_since = 0.0
        self._key_timer: Any = None
        # Called once when every key is handled (the app waits for that to quit on a signal).
        self._when_keys_done: Callable[[], None] | None = None
        # While the focus is being moved somewhere that is not ready yet
        # (a new item's fields being mounted), keys wait.
        self._key_holds = 0
        self._key_hold_since = 0.0
        # The events handed to an editor lately: one that bubbles back up to
        # the app (a paste the editor did not stop) is not new input.
        self._key_handed: deque[InputEvent] = deque(maxlen=64)

    def handed_by_queue(self, event: events.Event) -> bool:
        """True for an event this queue handed to an editor (already handled there)."""
        return any(handed is event for handed in self._key_handed)

    @property
    def keys_pending(self) -> bool:
        return bool(self._key_backlog) or self._key_holder is not None

    @property
    def keys_held(self) -> bool:
        """Keys wait for a focus on its way (:meth:`hold_keys`)."""
        return self._key_holds > 0

    def hold_keys(self) -> None:
        """Keys wait until :meth:`release_keys` (the focus is on its way)."""
        if self._key_holds == 0:
            self._key_hold_since = time.monotonic()
            app: Any = self
            app.set_timer(KEY_TIMEOUT * 2 + 0.05, self._hand_on)
        self._key_holds += 1

    def release_keys(self) -> None:
        if self._key_holds > 0:
            self._key_holds -= 1
            if self._key_holds == 0 and self._key_holder is None and self._key_backlog:
                app: Any = self
                app.post_message(self.KeyHandled())

    def after_keys(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once every key received so far is handled."""
        if self.keys_pending:
            self._when_keys_done = callback
        else:
            callback()

    async def _queue_input(self, event: InputEvent) -> bool:
        """Take an input event from the driver; False: Textual's own path."""
        app: Any = self
        if (
            not self._key_backlog and self._key_holder is None and not self._key_holds
            and not isinstance(app.focused, OrderedKeys)
        ):
            return False
        self._key_backlog.append(event)
        await self._hand_on()
        return True

    async def _hand_on(self) -> None:
        app: Any = self
        if not app.screen_stack:  # the app is shutting down
            self._key_backlog.clear()
            return
        if self._key_holds:
            if time.monotonic() - self._key_hold_since < KEY_TIMEOUT * 2:
                return
            self._key_holds = 0  # never released: the keys go on
        if self._key_holder is not None:
            if self._key_holder.is_attached and time.monotonic() - self._key_since < KEY_TIMEOUT:
                return
            self._key_holder = None  # gone, or stuck: the keys behind it go on
        while self._key_backlog:
            if self._forward_next():
                return
            await app._textual_input(self._key_backlog.popleft())  # not for an editor: as Textual does
            if self._key_holds:
                # That key (PageDown on a button, say) moved to another item:
                # the keys behind it wait for its first field (release_keys).
                return
        self._keys_drained()

    def _forward_next(self) -> bool:
        """Hand the next event (and the characters typed right after it:
        they cannot move the focus) to the editor focused now; False when
        the focus is not on an editor."""
        app: Any = self
        focused = app.focused if app.screen_stack else None
        if not isinstance(focused, OrderedKeys) or not isinstance(focused, Widget):
            return False
        self._key_holder = focused
        self._key_since = time.monotonic()
        if self._key_timer is None:
            self._key_timer = app.set_timer(KEY_TIMEOUT + 0.05, self._key_watch)
        else:
            self._key_timer.reset()
        self._key_out = 0
        while self._key_backlog:
            event = self._key_backlog.popleft()
            self._key_handed.append(event)
            focused.post_message(event)
            self._key_out += 1
            if not (_typed(event) and self._key_backlog and _typed(self._key_backlog[0])):
                break
        return True

    def _keys_drained(self) -> None:
        if self._when_keys_done is not None and not self.keys_pending:
            callback, self._when_keys_done = self._when_keys_done, None
            callback()

    async def _key_watch(self) -> None:
        self._key_timer = None
        await self._hand_on()

    def key_handled(self, widget: Widget) -> None:
        """Called by the widget in hand when it has handled an event."""
        if widget is not self._key_holder:
            return
        self._key_out -= 1
        if self._key_out > 0:
            return
        self._key_holder = None
        if not self._key_backlog:
            self._keys_drained()
        elif self._key_holds:
            return  # released later (release_keys)
        elif not self._forward_next():  # straight on, without a round through the app
            app: Any = self
            app.post_message(self.KeyHandled())

    async def on_key_queue_key_handled(self, message: KeyQueue.KeyHandled) -> None:
        message.stop()
        await self._hand_on()


async def run_bindings(widget: Widget, key: str, *, priority: bool) -> bool:
    """Run the binding of ``key`` active where ``widget`` has the focus, as
    Textual does for a key it dispatches (``priority``: the priority ones,
    which run before the widget sees the key; else the others, after);
    True when a binding handled the key."""
    app = widget.app
    screen = widget.screen
    candidates: list[tuple[Any, Binding]] = []
    active = screen.active_bindings.get(key)
    if active is not None and active.binding.priority == priority:
        candidates.append((active.node, active.binding))
    if priority and screen.is_modal:
        # The app's priority keys (F1, Ctrl+Q) work in a dialog too.
        for binding in Binding.make_bindings(getattr(type(app), "BINDINGS", ())):
            if binding.key == key and binding.priority:
                candidates.append((app, binding))
    for node, binding in candidates:
        if await app.run_action(binding.action, node):
            return True
    return False


def _typed(event: InputEvent) -> bool:
    return isinstance(event, events.Key) and event.is_printable


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

    async def on_key(self, event: events.Key) -> None:
        assert isinstance(self, Widget)
        app = self.app
        event.stop()
        event.prevent_default()  # the base classes' handlers run from here, or not at all
        try:
            if not app.screen_stack:  # the app is shutting down
                return
            if app.focused is not self:
                # Not for this widget any more (the focus moved before it
                # was handled): as a key that has just arrived.
                app.post_message(events.Key(event.key, event.character))
            elif not await run_bindings(self, event.key, priority=True) and not await self._type_key(event):
                await run_bindings(self, event.key, priority=False)
        finally:
            self._key_done()

    def _key_done(self) -> None:
        assert isinstance(self, Widget)
        done = getattr(self.app, "key_handled", None)
        if done is not None:
            done(self)

    def _reroute_paste(self, event: events.Paste) -> bool:
        """A paste that reached this widget after the focus moved on goes
        to the widget focused now; True when it was handed on."""
        assert isinstance(self, Widget)
        if not self.app.screen_stack or self.app.focused is self:
            return False
        event.stop()
        event.prevent_default()
        self.app.post_message(events.Paste(event.text))
        return True
