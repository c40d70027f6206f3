"""Field types, one module per type, in one registry.

A field type (:class:`FieldType`) holds everything the engine and the
interfaces need to know about a kind of answer: the keys a workflow file may
give it, how an answer is checked and made canonical, what a template sees,
how it is shown, its hints, and how the plain prompts of ``shuzhi ask`` read
it. The loader, ``workflows.values``, the checks, the session and
``tui/ask.py`` ask the registry; none of them branches on a type's name.

Built-in types are the modules of this package (list_ and bool_ carry a
"_" so as not to shadow builtins in the package), each with a module-level
``TYPE``; they are found and registered on first use. Another type (a plugin,
a test fixture) is added with :func:`register` before a workflow using it is
loaded; its TUI editor is bound with ``tui.widgets.editors.register_editor``
(or it borrows an existing editor through :attr:`FieldType.editor`). See
docs/workflow-format.md, "新增字段类型".
"""

from __future__ import annotations

from ..once import Once
from .base import FieldType

__all__ = ["FieldType", "get", "known", "label", "names", "register", "unregister"]

_TYPES: dict[str, FieldType] = {}


def _import_builtins() -> None:
    import importlib
    import pkgutil

    found = []
    for module in pkgutil.iter_modules(__path__):
        if module.name == "base" or module.name.startswith("_"):
            continue
        ft = getattr(importlib.import_module(f"{__name__}.{module.name}"), "TYPE", None)
        if isinstance(ft, FieldType):
            found.append(ft)
    for ft in sorted(found, key=lambda t: t.order):
        _TYPES.setdefault(ft.name, ft)


_load_builtins = Once(_import_builtins)  # every use of the registry calls it first


def register(ft: FieldType) -> FieldType:
    """Add a field type (after the built-ins); returns it. A second type of
    the same name replaces the first only when it is the same class (a
    module imported twice); otherwise ValueError."""
    _load_builtins()
    if not ft.name or not ft.label:
        raise ValueError("a field type needs a name and a label")
    old = _TYPES.get(ft.name)
    if old is not None and type(old).__qualname__ != type(ft).__qualname__:
        raise ValueError(f"field type {ft.name!r} is registered already")
    _TYPES[ft.name] = ft
    return ft


def unregister(name: str) -> None:
    """Remove a type added with :func:`register` (tests clean up with it)."""
    _TYPES.pop(name, None)


def get(name: str) -> FieldType:
    """The type of that name; KeyError for an unknown one (the loader refuses
    those, so a loaded field always has one)."""
    ft = _TYPES.get(name)
    if ft is None:
        _load_builtins()
        ft = _TYPES[name]
    return ft


def known(name: str) -> bool:
    _load_builtins()
    return name in _TYPES


def names() -> list[str]:
    """Every type name, built-ins first in their documented order."""
    _load_builtins()
    return list(_TYPES)


def label(name: str) -> str:
    """The Chinese name of a type ("次数/人数"); the name itself when unknown."""
    _load_builtins()
    ft = _TYPES.get(name)
    return ft.label if ft is not None else name
