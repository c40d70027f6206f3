"""Issue 14 (hardening) in the app: a damaged report offers its backups,
the data-folder warning, and what a killed PDF export left is cleaned at
start (the CLI side is in test_hardening.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_tui_support import async_test, make_app, wait_for, wait_screen


def notes(app) -> list[str]:
    return list(app.notes_shown)


@async_test
async def test_pdf_leftovers_are_cleaned_when_the_app_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from test_hardening import _pdf_leftovers

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    dead, live = _pdf_leftovers(temp)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "HomeScreen")
        assert not dead.exists(), "the folder of a dead export was left"
        assert live.exists(), "the folder of a running export was removed"


@async_test
async def test_a_data_folder_others_can_read_is_warned_about_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    os.chmod(data, 0o755)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await wait_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: any("权限是 0755" in n for n in notes(app)), what="the folder warning")
        home.refresh_reports()
        await pilot.pause()
        shown = [n for n in notes(app) if "权限是" in n]
        assert len(shown) == 1, shown
        assert "其他用户可以读取" in shown[0] and f"chmod 700 '{data}'" in shown[0]
    assert os.stat(data).st_mode & 0o777 == 0o755  # warned, never changed


@async_test
async def test_a_private_data_folder_gets_no_warning(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: app.store is not None, what="the store")
        await pilot.pause()
        assert not [n for n in notes(app) if "权限是" in n]
