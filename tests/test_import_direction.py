"""Layering: workflows/ (domain) imports none of textual, tinydb, store, tui;
store/ imports no textual or tui. Checked on the source (AST) and at run time."""

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


def test_importing_store_loads_no_ui():
    code = (
        "import sys, store, store.core, store.answers_io, store.locks, store.backups\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
