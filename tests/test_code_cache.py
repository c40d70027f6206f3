"""The compiled methods of dataclasses kept between runs (``workflows.cache``,
``Cache.keep_compiled_code``): same classes, nothing compiled twice, a
damaged or foreign file ignored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROGRAM = r'''
import sys, json
sys.path.insert(0, sys.argv[2])
from workflows.cache import Cache
import workflows.cache as wc
cache = Cache(sys.argv[1])
cache.keep_compiled_code()
from dataclasses import dataclass, field, replace, fields

@dataclass(frozen=True)
class Point:
    x: int
    y: int = 2
    tags: tuple = field(default_factory=tuple)
    notes: list = field(default_factory=list, hash=False, compare=False)

@dataclass(order=True)
class Version:
    major: int
    minor: int = 0

p = Point(1)
q = replace(p, y=5)
try:
    p.x = 3
    frozen = False
except Exception as exc:
    frozen = type(exc).__name__
out = {
    "repr": repr(q), "eq": Point(1) == p, "ne": p != q, "hash": hash(p) == hash(Point(1)),
    "fields": [f.name for f in fields(Point)], "frozen": frozen, "fresh_list": Point(1).notes is not p.notes,
    "order": sorted([Version(2), Version(1, 5), Version(1)]) == [Version(1), Version(1, 5), Version(2)],
    "compiled": wc._CODE_NEW,
}
cache.save_compiled_code()
print(json.dumps(out))
'''


def _run(folder: Path) -> dict:
    import json

    proc = subprocess.run([sys.executable, "-c", PROGRAM, str(folder), str(ROOT)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _memo(folder: Path) -> Path:
    (found,) = (folder / "code").glob("dataclasses.*.marshal")
    return found


def test_dataclasses_behave_the_same_and_are_compiled_once(tmp_path: Path) -> None:
    first = _run(tmp_path)
    assert first["compiled"] > 5  # every method of the classes above, compiled and kept
    assert first["repr"] == "Point(x=1, y=5, tags=(), notes=[])"
    assert first["eq"] and first["ne"] and first["hash"] and first["order"] and first["fresh_list"]
    assert first["fields"] == ["x", "y", "tags", "notes"] and first["frozen"] == "FrozenInstanceError"
    memo = _memo(tmp_path)
    assert memo.stat().st_mode & 0o077 == 0
    again = _run(tmp_path)
    assert again == {**first, "compiled": 0}  # nothing compiled: read back from code/
    assert memo.read_bytes()  # not rewritten empty when nothing was new


def test_a_damaged_or_foreign_memo_is_ignored_and_rewritten(tmp_path: Path) -> None:
    import marshal

    first = _run(tmp_path)
    memo = _memo(tmp_path)
    memo.write_bytes(b"\x00garbage")
    assert _run(tmp_path) == first  # compiled again, same classes
    assert _run(tmp_path)["compiled"] == 0
    version, texts = marshal.loads(memo.read_bytes())
    # Written by another Python: its code objects are not used.
    memo.write_bytes(marshal.dumps(("2.7.18 (other)", texts)))
    assert _run(tmp_path)["compiled"] == first["compiled"]
    # A text mapped to something that is not code is compiled again.
    memo.write_bytes(marshal.dumps((version, {text: "not code" for text in texts})))
    assert _run(tmp_path) == first
    memo.write_bytes(marshal.dumps((version, {text: b"\x00not marshal" for text in texts})))
    assert _run(tmp_path) == first
    memo.write_bytes(marshal.dumps((version, {text: marshal.dumps(12) for text in texts})))
    assert _run(tmp_path) == first
    assert _run(tmp_path)["compiled"] == 0


def test_without_a_folder_nothing_is_written(tmp_path: Path) -> None:
    from workflows.cache import Cache

    cache = Cache(None)
    cache.keep_compiled_code()
    cache.save_compiled_code()
    assert not list(tmp_path.iterdir())


def test_the_code_stamp_moves_with_a_stamped_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cache.stamp names every .py file of the stamped packages with its time
    and size (relative to the project), and moves when one of them changes."""
    import os

    import workflows.cache as wc

    fake_root = tmp_path / "project"
    for package in wc.STAMPED_PACKAGES:
        (fake_root / package / "sub").mkdir(parents=True)
        (fake_root / package / "sub" / "a.py").write_text("x = 1\n")
        (fake_root / package / "notes.txt").write_text("not code\n")
    monkeypatch.setattr(wc, "__file__", str(fake_root / "workflows" / "cache.py"))
    stamp = wc.Cache(None).stamp()
    assert "store/sub/a.py:" in stamp and "tui/session/sub/a.py:" in stamp and "notes.txt" not in stamp
    assert str(fake_root) not in stamp
    path = fake_root / "store" / "sub" / "a.py"
    path.write_text("x = 22\n")
    os.utime(path, ns=(1, 1))
    assert wc.Cache(None).stamp() != stamp
