"""The base of every field type (see the package docstring)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from ..model import Field

# What the plain prompt read: "keep" | "clear" | "set", with the raw value.
PromptReply = tuple[str, Any]


class FieldType:
    """One kind of answer. Subclasses set the class attributes and override
    :meth:`coerce`; the other methods have defaults that fit a value that is
    one line of text."""

    name: ClassVar[str] = ""  # as written in a workflow file (``type: count``)
    label: ClassVar[str] = ""  # its Chinese name (messages, ``workflow show``)
    order: ClassVar[int] = 1000  # place among the types in lists and messages
    # Keys a workflow file may give a field of this type, beyond the common
    # ones (id, type, label, required, help, placeholder, default…).
    keys: ClassVar[frozenset[str]] = frozenset()
    is_list: ClassVar[bool] = False  # the value is a list (min_items / max_items)
    multiline: ClassVar[bool] = False  # the plain prompt reads lines up to "."
    custom_default: ClassVar[bool] = False  # ``custom:`` when the file says nothing
    default_rules: ClassVar[frozenset[str]] = frozenset()  # ``default_rule:`` values it accepts
    nested: ClassVar[bool] = False  # entries of sub-fields (``fields:``), asked entry by entry
    # The TUI editor of a type without one of its own: the editor of the
    # type named here (e.g. "text" for another kind of one-line answer).
    editor: ClassVar[str] = ""

    # -- values

    def coerce(self, f: Field, raw: Any, path: str) -> Any:
        """``raw`` (typed text, YAML or stored JSON; never None nor blank
        text) as a canonical, JSON-able value; None for "no answer". Raises
        ``workflows.values.AnswerError`` with a Chinese message."""
        raise NotImplementedError

    def template_value(self, f: Field, value: Any) -> Any:
        """What a template sees for a canonical value (never None here)."""
        return list(value) if isinstance(value, list) else value

    def display(self, f: Field, value: Any) -> str:
        """A short Chinese rendering of a canonical value (never None here)."""
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        return str(value)

    def to_json(self, f: Field) -> dict[str, Any]:
        """The type's own keys in a field's description (``workflow show --json``)."""
        return {}

    # -- hints

    def describe(self, f: Field) -> list[str]:
        """Parts of the one-line description of what the field takes beyond
        its type, required, unit, length and options (e.g. a range)."""
        return []

    def hint(self, f: Field) -> str:
        """The hint beside the field's label in the app: "（每行一条）"."""
        return ""

    def placeholder(self, f: Field) -> str:
        """What an empty input shows when the field sets no placeholder."""
        return ""

    # -- plain prompts (shuzhi ask)

    def ask_hint(self, f: Field) -> str:
        """Added to the description in a plain prompt: "，如 2026-01-08"."""
        return "，可多行，单独一行“.”结束" if self.multiline else ""

    def from_prompt(self, f: Field, reply: str | list[str]) -> Any:
        """The raw value of a plain-prompt reply: the line typed, or the
        lines (up to ".") when :attr:`multiline`."""
        return reply
