"""Options to pick, marked in characters: ● chosen / ○ not (one of them),
☑ ticked / ☐ not (several); an unanswered single choice reads "未选择".

The state never depends on colour: it reads the same under NO_COLOR and on
a monochrome terminal. The cursor (which option Space acts on) shows only
while the widget has the focus, so a cursor is never mistaken for a choice.

Keys: ←/→ (and ↑/↓) move the cursor, Space chooses or ticks, a digit picks
that option at once, a character that starts exactly one option picks it
(是/否, or Y/N for a yes/no), Delete or Backspace clears, Enter moves on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget

from workflows.render.linebreak import wrap_rich

from .keys import OrderedKeys, submit_from

CHOSEN, NOT_CHOSEN = "●", "○"
TICKED, NOT_TICKED = "☑", "☐"
NOTHING_CHOSEN = "未选择"
_GAP = "   "


class OptionPicker(OrderedKeys, Widget, can_focus=True):
    """One choice among options (``multi`` False) or several ticks."""

    DEFAULT_CSS = """
    OptionPicker { height: auto; width: 1fr; link-style: none; link-style-hover: bold; }
    OptionPicker:disabled { opacity: 0.7; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,up", "move(-1)", "上一个", show=False),
        Binding("right,down", "move(1)", "下一个", show=False),
        Binding("home", "move_to(0)", show=False),
        Binding("end", "move_to(-1)", show=False),
        Binding("space", "pick_cursor", "选择", show=False),
        Binding("delete,backspace", "clear", "清除", show=False),
        Binding("enter", "submit", "下一栏", show=False),
    ]

    class Changed(Message):
        """The user changed the choice."""

        def __init__(self, picker: OptionPicker) -> None:
            super().__init__()
            self.picker = picker

        @property
        def control(self) -> OptionPicker:
            return self.picker

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.options: list[str] = []
        self.multi = False
        self.vertical = False
        self.numbered = False
        self.chosen: list[int] = []
        self.cursor = 0
        self._keys: dict[str, int] = {}
        # Another answer, given beside the options (a value typed by the
        # owner): nothing here is chosen, yet the field is not "未选择".
        self.other = ""

    # ------------------------------------------------------------ state

    def load(
        self,
        options: Iterable[str],
        chosen: Iterable[str] = (),
        *,
        multi: bool = False,
        vertical: bool = False,
        numbered: bool = True,
        keys: dict[str, int] | None = None,
    ) -> None:
        """Show these options, these chosen (everything else reset: the
        cursor goes to the first chosen option, or the first)."""
        self.options = list(options)
        self.multi = multi
        self.vertical = vertical
        self.numbered = numbered
        wanted = set(chosen)
        self.chosen = [i for i, option in enumerate(self.options) if option in wanted]
        if not multi:
            self.chosen = self.chosen[:1]
        self.cursor = self.chosen[0] if self.chosen else 0
        firsts = [option[:1] for option in self.options]
        self._keys = {c: firsts.index(c) for c in firsts if c and firsts.count(c) == 1 and not c.isdigit()}
        self._keys.update(keys or {})
        self.refresh(layout=True)

    @property
    def value(self) -> Any:
        """The chosen option (None: nothing chosen), or the ticked ones in order."""
        picked = [self.options[i] for i in sorted(self.chosen)]
        if self.multi:
            return picked
        return picked[0] if picked else None

    def _pick(self, index: int) -> None:
        if not 0 <= index < len(self.options) or self.disabled:
            return
        self.cursor = index
        if self.multi:
            if index in self.chosen:
                self.chosen.remove(index)
            else:
                self.chosen.append(index)
        elif self.chosen == [index]:
            self.refresh()
            return
        else:
            self.chosen = [index]
        self.refresh()
        self.post_message(self.Changed(self))

    # ----------------------------------------------------------- actions

    def action_move(self, step: int) -> None:
        if self.options:
            self.cursor = (self.cursor + step) % len(self.options)
            self.refresh()

    def action_move_to(self, index: int) -> None:
        if self.options:
            self.cursor = index % len(self.options)
            self.refresh()

    def action_pick_cursor(self) -> None:
        self._pick(self.cursor)

    def action_pick(self, index: int) -> None:
        """A click on an option."""
        self.focus()
        self._pick(index)

    def unpick(self) -> None:
        """Show nothing chosen, without reporting a change (the owner knows)."""
        self.chosen = []
        self.refresh()

    def set_other(self, text: str) -> None:
        """The owner holds another answer (``""``: none): no "未选择" while it does."""
        if text != self.other:
            self.other = text
            self.refresh(layout=True)

    def action_clear(self) -> None:
        if self.chosen and not self.disabled:
            self.chosen = []
            self.refresh()
            self.post_message(self.Changed(self))

    async def action_submit(self) -> None:
        await submit_from(self)

    async def _type_key(self, event: events.Key) -> bool:
        character = event.character or ""
        if not event.is_printable or character == " ":
            return False
        index = self._keys.get(character.lower(), self._keys.get(character))
        if index is None and character.isdigit() and self.numbered:
            index = int(character) - 1
        if index is not None:
            self._pick(index)
        return True  # other characters mean nothing here

    def on_paste(self, event: events.Paste) -> None:
        if not self._reroute_paste(event):
            event.stop()  # nothing to paste into
            event.prevent_default()
        self._key_done()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --------------------------------------------------------- rendering

    def _mark(self, index: int) -> str:
        if self.multi:
            return TICKED if index in self.chosen else NOT_TICKED
        return CHOSEN if index in self.chosen else NOT_CHOSEN

    def _style(self, index: int) -> Style:
        style = Style(meta={"@click": f"pick({index})"})
        if self.has_focus and index == self.cursor:
            style += Style(reverse=True)
        return style

    def _label(self, index: int) -> str:
        return f"{index + 1}.{self.options[index]}" if self.numbered else self.options[index]

    def _option_text(self, index: int) -> Text:
        style = self._style(index)
        return Text(f"{self._mark(index)} {self._label(index)}", style=style)

    def _lines(self, width: int) -> list[Text]:
        width = max(width, 10)
        lines: list[Text] = []
        if self.vertical:
            for index in range(len(self.options)):
                style = self._style(index)
                mark = f"{self._mark(index)} "
                indent = cell_len(mark)
                # 避头尾: no option line starts with “，” or ends with “（”.
                body = wrap_rich(Text(self._label(index), style=style), width - indent).split("\n")
                for n, line in enumerate(body):
                    lines.append(Text(mark if n == 0 else " " * indent, style=style if n == 0 else "") + line)
        else:
            line = Text()
            for index in range(len(self.options)):
                part = self._option_text(index)
                gap = _GAP if line.plain else ""
                if line.plain and cell_len(line.plain + gap + part.plain) > width:
                    lines.append(line)
                    line, gap = Text(), ""
                line.append(gap)
                line.append_text(part)
            lines.append(line)
        if not self.multi and not self.chosen and not self.other:
            note = Text(NOTHING_CHOSEN, style="italic")
            if self.vertical or cell_len(lines[-1].plain + _GAP + NOTHING_CHOSEN) > width:
                lines.append(note)
            else:
                lines[-1].append(_GAP)
                lines[-1].append_text(note)
        return lines or [Text(NOTHING_CHOSEN)]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Text:
        return Text("\n").join(self._lines(self.content_region.width or self.size.width))
