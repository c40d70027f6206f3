"""Snapshots (pytest-textual-snapshot) of the main screens at 80×24.

Deterministic: fixed date and store clock, steady cursor, a fixed export
folder, PDF export off (it depends on LibreOffice being installed).
Update with ``pytest tests/test_tui_snapshots.py --snapshot-update`` after
an intended change, and look at the SVGs before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_support import demo_report, fix_clock, make_app, wait_for, wait_screen

SIZE = (80, 24)


@pytest.fixture
def steady(monkeypatch: pytest.MonkeyPatch) -> None:
    import workflows.export

    fix_clock(monkeypatch)
    monkeypatch.setattr(workflows.export, "pdf_available", lambda: False)


def _app(tmp_path: Path, report_id: str | None = None):
    return make_app(tmp_path, report_id, export_dir="/home/user/文档")


async def _settle(pilot) -> None:
    await pilot.pause(0.3)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_home_empty(snap_compare, tmp_path: Path, steady: None) -> None:
    async def run_before(pilot) -> None:
        await wait_screen(pilot, "HomeScreen")
        await _settle(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_home_with_reports(snap_compare, tmp_path: Path, steady: None) -> None:
    demo_report(tmp_path / "data")
    from store.core import Store
    from tui.session import NewReport, create_report
    from workflows.loader import load_builtin

    create_report(
        Store(tmp_path / "data"),
        NewReport(load_builtin("personal-summary"), year=2025, unit="青山市自然资源和规划局", name="苏晓岚", position="科员"),
    )

    async def run_before(pilot) -> None:
        home = await wait_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: len(home._progress) == 2 and len(home._workflow_names) == 2, what="progress")
        await _settle(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_wizard(snap_compare, tmp_path: Path, steady: None) -> None:
    report_id = demo_report(tmp_path / "data")

    async def run_before(pilot) -> None:
        wizard = await wait_screen(pilot, "WizardScreen")
        await wizard.go_to("org_life")
        await pilot.press("enter", "ctrl+a", "ctrl+k", "0")  # 组织生活会 0: below the checklist norm
        await wait_for(pilot, lambda: wizard.checked and wizard.save_state == "saved", what="saved")
        await _settle(pilot)

    assert snap_compare(_app(tmp_path, report_id), terminal_size=SIZE, run_before=run_before)


def test_preview(snap_compare, tmp_path: Path, steady: None) -> None:
    report_id = demo_report(tmp_path / "data")

    async def run_before(pilot) -> None:
        await wait_screen(pilot, "WizardScreen")
        await pilot.press("f2")
        await wait_screen(pilot, "PreviewScreen")
        await _settle(pilot)

    assert snap_compare(_app(tmp_path, report_id), terminal_size=SIZE, run_before=run_before)


def test_export_dialog(snap_compare, tmp_path: Path, steady: None) -> None:
    report_id = demo_report(tmp_path / "data")

    async def run_before(pilot) -> None:
        await wait_screen(pilot, "WizardScreen")
        await pilot.press("f3")
        await wait_screen(pilot, "ExportDialog")
        await _settle(pilot)

    assert snap_compare(_app(tmp_path, report_id), terminal_size=SIZE, run_before=run_before)


def test_wizard_yes_no_unanswered_after_answered(snap_compare, tmp_path: Path, steady: None) -> None:
    """An unanswered yes/no right after an answered one: ○ 是 ○ 否 未选择."""
    from store.core import Store
    from tui.session import NewReport, create_report
    from workflows.loader import load_builtin

    from test_tui_support import FIXED_TODAY

    report_id = create_report(
        Store(tmp_path / "data"),
        NewReport(load_builtin("dangjian-shuzhi"), year=2025, unit="青山市自然资源和规划局", name="苏晓岚"),
        today=FIXED_TODAY,
    ).id

    async def run_before(pilot) -> None:
        wizard = await wait_screen(pilot, "WizardScreen")
        await wizard.go_to("duty_system")
        await pilot.press("y", "enter", *"6", "enter", *"12", "enter")  # on to 支部书记履职
        await wizard.go_to("review")
        await wait_for(pilot, lambda: wizard.checked and wizard.save_state == "saved", what="saved")
        await _settle(pilot)

    assert snap_compare(_app(tmp_path, report_id), terminal_size=SIZE, run_before=run_before)


@pytest.fixture
def no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


def test_no_color_focus_marker_on_a_count(snap_compare, tmp_path: Path, steady: None, no_color: None) -> None:
    """NO_COLOR at 80×24: the focused field has a █ bar down its left side,
    the current checklist item ◂; the footer names the field's keys."""
    report_id = demo_report(tmp_path / "data")

    async def run_before(pilot) -> None:
        wizard = await wait_screen(pilot, "WizardScreen")
        await wizard.go_to("leading")
        await pilot.press("enter")  # the second count
        await _settle(pilot)

    assert snap_compare(_app(tmp_path, report_id), terminal_size=SIZE, run_before=run_before)


def test_no_color_focus_marker_on_a_tick_list(snap_compare, tmp_path: Path, steady: None, no_color: None) -> None:
    """NO_COLOR: a tick list focused (☑/☐, the cursor row reversed), guidance folded (F6)."""
    report_id = demo_report(tmp_path / "data")

    async def run_before(pilot) -> None:
        wizard = await wait_screen(pilot, "WizardScreen")
        await wizard.go_to("problem_duty")
        await pilot.press("f6")
        await _settle(pilot)

    assert snap_compare(_app(tmp_path, report_id), terminal_size=SIZE, run_before=run_before)
