"""The field editors, bound to field types by kind.

Each editor class (a :class:`~tui.widgets.fields.FieldEditor`) names the
field types it shows in ``KINDS`` and is registered with
:func:`register_editor`. The built-in editors are the modules of this
package, registered on first use. A field type with no editor of its own is
shown by the editor of the type its ``FieldType.editor`` names (see
``workflows.fieldtypes``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from workflows import fieldtypes
from workflows.once import Once

if TYPE_CHECKING:
    from workflows.model import Field

    from ..fields import FieldEditor, Sink

E = TypeVar("E", bound="type[FieldEditor]")

_EDITORS: dict[str, type[FieldEditor]] = {}


def _import_builtins() -> None:
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


_load_builtins = Once(_import_builtins)  # every use of the registry calls it first


def register_editor(cls: E) -> E:
    """Bind an editor class to the field types in its ``KINDS`` (usable as a
    class decorator); a later editor for a kind replaces the earlier one."""
    for kind in cls.KINDS:
        _EDITORS[kind] = cls
    return cls


def unregister_editor(kind: str) -> None:
    """Unbind a kind (tests clean up with it)."""
    _EDITORS.pop(kind, None)


def editor_class(kind: str) -> type[FieldEditor]:
    """The editor class for fields of type ``kind``."""
    _load_builtins()
    cls = _EDITORS.get(kind)
    if cls is None and fieldtypes.known(kind):
        borrowed = fieldtypes.get(kind).editor
        cls = _EDITORS.get(borrowed) if borrowed else None
    if cls is None:
        raise ValueError(f"no editor for field type {kind!r}")
    return cls


def make_editor(
    f: Field, value: Any, *, path: str | None = None, readonly: bool = False, sink: Sink | None = None
) -> FieldEditor:
    """A new editor for a field's type."""
    return editor_class(f.type)(f, value, path=path, readonly=readonly, sink=sink)


# The app always needs its editors: registered with the package (as when
# they were one module), not at the first form, which is built while keys
# may already be arriving.
_load_builtins()
