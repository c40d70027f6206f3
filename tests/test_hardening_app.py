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


# ------------------------------------------------------- restore in the app


def two_backups(data: Path) -> tuple[str, dict, dict]:
    """A demo report saved twice (unit 甲局, then 乙局): its id and the answers
    of the older and the newer backup; then the report file is truncated."""
    from test_tui_support import demo_report, stored_answers

    from store.core import Store

    report_id = demo_report(data)
    with Store(data).open(report_id) as handle:  # backup of the demo answers on open
        handle.set_answer("basics.unit", "甲局")
    older = stored_answers(data, report_id)
    with Store(data).open(report_id) as handle:  # and of 甲局 on open, 乙局 on close
        handle.set_answer("basics.unit", "乙局")
    newer = stored_answers(data, report_id)
    assert older != newer
    path = data / "reports" / f"{report_id}.json"
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])  # truncated, as by a full disk or a bad copy
    return report_id, older, newer


def damaged_files(data: Path) -> list[Path]:
    return sorted((data / "damaged").glob("*")) if (data / "damaged").is_dir() else []


@async_test
async def test_opening_a_damaged_report_offers_the_newest_backup_and_restores_it(tmp_path: Path) -> None:
    from test_tui_support import stored_answers

    import json

    data = tmp_path / "data"
    report_id, _older, newer = two_backups(data)
    index = data / "index.json"
    listed = json.loads(index.read_text("utf-8"))
    listed["reports"] = {}  # the listing reads the file, and finds it damaged
    index.write_text(json.dumps(listed), "utf-8")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await wait_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: home.selected_id() == report_id, what="the report listed")
        from textual.widgets import Static

        status = home.query_one("#home-status", Static)
        assert "无法读取" in str(status.render()) and "K" in str(status.render()), status.render()
        await pilot.press("enter")
        dialog = await wait_screen(pilot, "RestoreDialog")
        message = str(dialog.query_one("#restore-message").source)
        assert "无法读取" in message and f"{report_id}.json" in message, message
        assert len(damaged_files(data)) == 1, "the damaged file is moved aside, never overwritten"
        assert dialog.title_text == "报告无法读取"
        await pilot.press("enter")  # 恢复最近的备份 has the focus
        wizard = await wait_screen(pilot, "WizardScreen")
        assert wizard.session.answers["basics.unit"] == "乙局"
        assert any("已从" in n and "的备份恢复报告" in n for n in notes(app)), notes(app)
    assert stored_answers(data, report_id) == newer
    assert len(damaged_files(data)) == 1


@async_test
async def test_a_damaged_report_at_start_offers_its_backups(tmp_path: Path) -> None:
    """``shuzhi open REPORT`` on a damaged report: the dialog, not a crash."""
    report_id, _older, _newer = two_backups(tmp_path / "data")
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await wait_screen(pilot, "RestoreDialog")
        await pilot.click("#cancel")
        await wait_for(pilot, lambda: app.screen is not dialog, what="the dialog closed")
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.is_running


@async_test
async def test_view_backups_lists_them_and_restores_the_one_chosen(tmp_path: Path) -> None:
    from test_tui_support import stored_answers
    from textual.widgets import OptionList

    data = tmp_path / "data"
    report_id, older, _newer = two_backups(data)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "HomeScreen")
        app.open_report(report_id)
        dialog = await wait_screen(pilot, "RestoreDialog")
        await pilot.click("#show-backups")
        listed = dialog.query_one("#backup-list", OptionList)
        await wait_for(pilot, lambda: listed.display and listed.has_focus, what="the list of backups")
        lines = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        # As `shuzhi backups` lists them: number, time, answered fields, size; newest first.
        assert len(lines) == len(dialog.rows) >= 2
        for row, line in zip(dialog.rows, lines):
            assert line.strip().startswith(f"{row.number}. {row.time}"), line
            assert f"已答 {row.answered} 个字段" in line and row.size in line, line
        assert listed.highlighted == 0  # the newest intact one
        assert stored_answers_of(dialog.rows[1].info.path)["basics.unit"] == "甲局"
        await pilot.press("down", "enter")
        wizard = await wait_screen(pilot, "WizardScreen")
        assert wizard.session.answers["basics.unit"] == "甲局"
    assert stored_answers(data, report_id) == older


@async_test
async def test_restore_from_home_by_key_and_by_palette(tmp_path: Path) -> None:
    from test_tui_support import stored_answers

    data = tmp_path / "data"
    report_id, older, newer = two_backups(data)
    # A readable report this time: the current file is kept as a new backup.
    from store.core import Store

    Store(data).restore_backup(report_id)
    assert stored_answers(data, report_id) == newer
    moved_before = damaged_files(data)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await wait_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: home.selected_id() == report_id, what="the report listed")
        await pilot.press("k")
        dialog = await wait_screen(pilot, "RestoreDialog")
        assert dialog.title_text == "从备份恢复"
        await pilot.press("escape")
        await wait_screen(pilot, "HomeScreen")
        await pilot.press("ctrl+p")
        await wait_screen(pilot, "CommandPalette")
        await pilot.press(*"从备份恢复")
        await pilot.pause(0.5)
        await pilot.press("enter")
        dialog = await wait_screen(pilot, "RestoreDialog")
        await pilot.click("#show-backups")
        index = next(i for i, row in enumerate(dialog.rows) if row.usable and row.number > 1
                     and stored_answers_of(row.info.path)["basics.unit"] == "甲局")
        await wait_for(pilot, lambda: dialog.query_one("#backup-list").has_focus, what="the list")
        await pilot.press(*["down"] * index, "enter")
        wizard = await wait_screen(pilot, "WizardScreen")
        assert wizard.session.answers["basics.unit"] == "甲局"
    assert stored_answers(data, report_id) == older
    assert damaged_files(data) == moved_before, "a readable report is backed up, not moved aside"


def stored_answers_of(backup: Path) -> dict:
    """The answers a backup file holds (path -> value)."""
    import json

    data = json.loads(backup.read_text(encoding="utf-8"))
    return {doc["path"]: doc["value"] for doc in data["answers"].values()}


@async_test
async def test_a_report_without_backups_just_says_so(tmp_path: Path) -> None:
    from test_tui_support import demo_report

    report_id = demo_report(tmp_path / "data")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await wait_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: home.selected_id() == report_id, what="the report listed")
        await pilot.press("k")
        await wait_for(pilot, lambda: any("还没有备份" in n for n in notes(app)), what="the note")
        assert app.screen is home


def test_restore_dialog_snapshot(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dialog at 80×24 from the home screen, its backups listed."""
    import datetime as dt
    import itertools

    import store._fs
    import workflows.export
    from test_tui_support import fix_clock

    fix_clock(monkeypatch)
    seconds = itertools.count()
    zone = dt.timezone(dt.timedelta(hours=8))
    monkeypatch.setattr(store._fs, "now", lambda: dt.datetime(2025, 12, 1, 11, 0, next(seconds), tzinfo=zone))
    monkeypatch.setattr(workflows.export, "pdf_available", lambda: False)
    report_id, _older, _newer = two_backups(tmp_path / "data")
    from store.core import Store

    Store(tmp_path / "data").restore_backup(report_id)  # readable again: restoring from home

    async def run_before(pilot) -> None:
        home = await wait_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: home.selected_id() == report_id, what="the report listed")
        await pilot.press("k")
        dialog = await wait_screen(pilot, "RestoreDialog")
        await pilot.click("#show-backups")
        await wait_for(pilot, lambda: dialog.query_one("#backup-list").has_focus, what="the list")
        await pilot.pause(0.3)
        pilot.app.clear_notifications()
        await pilot.pause()

    app = make_app(tmp_path, export_dir="/home/user/文档")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
