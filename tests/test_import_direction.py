"""Layering: workflows/ (domain) imports none of textual, tinydb, store, tui;
store/ imports no textual or tui; the session layer (tui/session) imports no
textual. Screens and widgets never touch the store's report handle: they go
through the session. Checked on the source (AST) and at run time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "workflows": {"textual", "tinydb", "store", "tui"},
    "store": {"textual", "tui"},
    "tui/session": {"textual", "tinydb"},
}


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, top-level module) of every absolute import, including
    importlib.import_module("x") / __import__("x") with a literal name."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                found.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and not arg.value.startswith("."):
                    found.append((node.lineno, arg.value.split(".")[0]))
    return found


def violations(package: str) -> list[str]:
    bad = []
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no Python files in {package}/"
    for path in files:
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for line, module in imported_modules(tree):
            if module in FORBIDDEN[package]:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_inwards(package):
    assert violations(package) == []


def test_checker_sees_every_import_form():
    src = (
        "import textual\nimport tinydb.table as t\nfrom tui.app import x\n"
        "from . import store\nimport importlib\nimportlib.import_module('textual.widgets')\n"
        "__import__('store')\n"
        "def f():\n    from store import Store\n"
    )
    assert sorted(imported_modules(ast.parse(src))) == [
        (1, "textual"), (2, "tinydb"), (3, "tui"), (5, "importlib"),
        (6, "textual"), (7, "store"), (9, "store"),
    ]


def test_importing_the_session_layer_loads_no_ui():
    code = (
        "import sys, tui.session, tui.session.session, tui.session.reports, tui.session.workflows, tui.ask\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith('tui.screens')"
        " or m.startswith('tui.widgets') or m == 'tui.app')\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# What only a report handle (store.core.ReportHandle) offers: a screen or a
# widget using any of these goes around the session layer.
HANDLE_ONLY = {
    "handle", "_handle", "set_answers", "confirm_all", "clear_answer", "replace_answers", "update_meta",
    "field_meta", "save_import", "import_answers", "set_last_item", "_sync_meta", "_put", "_write",
}


def handle_uses(path: Path) -> list[str]:
    """Where a screen or widget file reaches for the store's report handle:
    its attributes (HANDLE_ONLY), ``X.open(...)`` on a store, or importing
    ``store.core`` / ``ReportHandle``."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in HANDLE_ONLY:
            found.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "open":
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if "store" in name.lower():
                found.append(f"{node.lineno}: {name}.open(...)")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("store"):
            names = {alias.name for alias in node.names}
            if node.module == "store.core" or "ReportHandle" in names:
                found.append(f"{node.lineno}: from {node.module} import {', '.join(sorted(names))}")
    return sorted(found)


@pytest.mark.parametrize("folder", ["tui/screens", "tui/widgets"])
def test_screens_and_widgets_never_touch_the_store_handle(folder):
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files
    bad = [f"{path.relative_to(ROOT)}:{use}" for path in files for use in handle_uses(path)]
    assert bad == []


def test_handle_checker_sees_the_ways_around_the_session(tmp_path):
    path = tmp_path / "screen.py"
    path.write_text(
        "from store.core import Store\n"
        "def f(self, app):\n"
        "    self.session.handle.confirm_all(['a'])\n"
        "    h = app.store.open('x', readonly=True)\n"
        "    self.session._sync_meta(set())\n"
        "    self.session.confirm_copied(['a'])\n",
        encoding="utf-8",
    )
    assert handle_uses(path) == [
        "1: from store.core import Store", "3: .confirm_all", "3: .handle", "4: store.open(...)", "5: ._sync_meta",
    ]


def test_importing_store_loads_no_ui():
    code = (
        "import sys, store, store.core, store.answers_io, store.locks, store.backups\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
