"""tui/ uses Textual through its public API only.

Textual's private names (``_check_bindings``, ``_forward_event``,
``_handle_exception``, ``_exit_renderables``, the ``_on_key`` handlers…)
change between releases without notice. The names are read from the
installed Textual's source (``def _x`` and ``self._x``); tui/ must not

* read or call one on any object (``app._check_bindings(...)``), unless it
  is a name tui/ defines itself (``self._settings()``);
* define a method or set an attribute of that name in a class of the app,
  its screens or widgets: that overrides Textual's own (setting ``_closed``
  once made Ctrl+Q hang).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from functools import lru_cache
from pathlib import Path

import textual

ROOT = Path(__file__).resolve().parent.parent
TUI = ROOT / "tui"
# Where the classes derive from Textual's (the session layer and the CLI do not).
TEXTUAL_CODE = [TUI / "app.py", TUI / "screens", TUI / "widgets"]

_PRIVATE = re.compile(r"(?:\bdef\s+|\bself\.)(_[a-z]\w*)")


@lru_cache(maxsize=1)
def textual_private_names() -> frozenset[str]:
    names: set[str] = set()
    for path in Path(textual.__file__).parent.rglob("*.py"):
        names.update(_PRIVATE.findall(path.read_text(encoding="utf-8")))
    return frozenset(name for name in names if not name.endswith("__"))


def _sources(*roots: Path) -> list[Path]:
    out: list[Path] = []
    for root in roots:
        out += [root] if root.is_file() else sorted(root.rglob("*.py"))
    return out


def _own_names() -> set[str]:
    """Private names tui/ defines itself (functions, methods, attributes)."""
    own: set[str] = set()
    for path in _sources(TUI):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                own.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                own.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                own.add(node.id)
    return {name for name in own if name.startswith("_")}


def _stdlib(value: ast.expr) -> bool:
    """``os._exit`` and the like: not Textual's."""
    return isinstance(value, ast.Name) and value.id in {"os", "sys"}


def test_the_scan_knows_textuals_private_names() -> None:
    names = textual_private_names()
    # The names this test was written against: if Textual renames them, the scan still reads them.
    assert {"_check_bindings", "_forward_event", "_handle_exception", "_exit_renderables", "_on_key"} <= names


def test_tui_reads_no_private_textual_name() -> None:
    private = textual_private_names() - _own_names()
    found = []
    for path in _sources(TUI):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in private and not _stdlib(node.value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.attr}")
    assert not found, "Textual private API used:\n" + "\n".join(found)


@lru_cache(maxsize=None)
def _private_names_in(base: type) -> frozenset[str]:
    """The private names one Textual class defines or sets."""
    names = {name for name in vars(base) if name.startswith("_") and not name.endswith("__")}
    try:
        names.update(_PRIVATE.findall(inspect.getsource(base)))
    except (OSError, TypeError):
        pass
    return frozenset(names)


def _textual_private_names_of(cls: type) -> set[str]:
    """The private names of the Textual classes ``cls`` derives from."""
    names: set[str] = set()
    for base in cls.__mro__:
        if base.__module__.startswith("textual"):
            names |= _private_names_in(base)
    return names


def test_no_class_overrides_a_private_textual_name() -> None:
    found = []
    for path in _sources(*TEXTUAL_CODE):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":  # a package is imported by its own name
            parts = parts[:-1]
        module = importlib.import_module(".".join(parts))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls_node in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
            cls = getattr(module, cls_node.name, None)
            if not isinstance(cls, type):
                continue
            private = _textual_private_names_of(cls)
            for node in ast.walk(cls_node):
                name = None
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    name = node.name
                elif (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.ctx, ast.Store)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "self"
                ):
                    name = node.attr
                elif isinstance(node, ast.Assign) and node in cls_node.body:
                    for target in node.targets:
                        if isinstance(target, ast.Name) and target.id in private:
                            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {cls.__name__}.{target.id}")
                if name in private:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {cls.__name__}.{name}")
    assert not found, "a name Textual uses privately, redefined:\n" + "\n".join(sorted(set(found)))
