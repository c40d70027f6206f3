"""The export dialog by keyboard (#12 item 8): Enter exports the highlighted
choice; with problems left the highlighted choice is 导出草稿 and the reasons
are listed above it; every Tab stop shows the focus in characters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from screen_text import screen_lines
from test_tui_support import async_test, demo_report, make_app, wait_screen
from textual.widgets import Button

NO_COLOR = {"LANG": "zh_CN.UTF-8", "NO_COLOR": "1"}


async def _pending_report(app: Any, pilot: Any) -> None:
    from tui.session import NewReport, create_report
    from workflows.loader import load_builtin

    await wait_screen(pilot, "HomeScreen")
    meta = create_report(app.store, NewReport(load_builtin("dangjian-shuzhi"), year=2025, unit="某局", name="王五"))
    app.open_report(meta.id)
    await wait_screen(pilot, "WizardScreen")


@async_test
async def test_f3_enter_on_a_complete_report_writes_the_word_file(tmp_path: Path) -> None:
    import docx

    report_id = demo_report(tmp_path / "data")
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        title = wizard.session.assemble().title
        await pilot.press("f3")
        dialog = await wait_screen(pilot, "ExportDialog")
        assert not dialog.blockers and dialog.default_button == "export-final"
        assert dialog.query_one("#export-final", Button).variant == "primary"
        assert "回车 导出 " in "\n".join(screen_lines(app))
        await pilot.press("enter")  # one Enter, in the file name: export
        message = await wait_screen(pilot, "MessageDialog", timeout=60)
        target = tmp_path / "out" / f"{title}.docx"
        assert str(target) in message.message
    document = docx.Document(str(target))
    text = "".join(p.text for p in document.paragraphs).replace(" ", "").replace("\n", "")
    assert title.replace(" ", "") in text
    assert "青山市自然资源和规划局" in text


@async_test
async def test_f3_enter_with_pending_items_writes_a_draft_after_listing_the_reasons(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _pending_report(app, pilot)
        await pilot.press("f3")
        dialog = await wait_screen(pilot, "ExportDialog")
        dialog.choose_format("txt")
        await pilot.pause()
        shown = "\n".join(screen_lines(app))
        assert "不能导出正式稿" in shown
        assert "主持会议" in shown  # a reason, by item title, above the buttons
        assert shown.index("主持会议") < shown.index("导出草稿 ") < shown.index("取消")
        assert "回车 导出草稿" in shown  # the default action, said in characters
        assert dialog.default_button == "export-draft"
        assert dialog.query_one("#export-draft", Button).variant == "primary"
        assert dialog.query_one("#export-final", Button).variant == "default"
        await pilot.press("enter")
        await wait_screen(pilot, "MessageDialog", timeout=30)
    drafts = list((tmp_path / "out").glob("*（草稿）.txt"))
    assert len(drafts) == 1
    assert "【待填：" in drafts[0].read_text(encoding="utf-8")
    assert not [p for p in (tmp_path / "out").iterdir() if "草稿" not in p.name]


def _frame(widget: Any) -> Any:
    """Where the focus of ``widget`` is drawn: a button itself, else its row."""
    if isinstance(widget, Button):
        return widget
    node = widget
    while node is not None and not (node.has_class("export-row") or node.id == "export-status-box"):
        node = node.parent
    assert node is not None, f"{widget} is in no row of the dialog"
    return node


def _marked(app: Any, frame: Any) -> bool:
    region = frame.region
    if isinstance(frame, Button):
        return any("▶" in line and "◀" in line for line in screen_lines(app, region))
    lines = screen_lines(app, region)
    return bool(lines) and all(line[:1] in ("█", "▌", "▐", "┃") for line in lines)


async def _walk_tab_stops(app: Any, pilot: Any, dialog: Any) -> list[str]:
    """Tab once round the dialog: each stop is marked, and no other is."""
    seen: list[str] = []
    frames = [_frame(w) for w in dialog.query("OptionPicker, Input, Button, #export-status-box") if w.focusable]
    start = app.focused
    for _ in range(12):
        focused = app.focused
        seen.append(focused.id)
        frame = _frame(focused)
        assert _marked(app, frame), f"no focus marker at {focused.id}:\n" + "\n".join(screen_lines(app, frame.region))
        for other in frames:
            if other is not frame:
                assert not _marked(app, other), f"{other.id} is marked while {focused.id} has the focus"
        await pilot.press("tab")
        await pilot.pause()
        if app.focused is start:
            break
    return seen


@async_test
async def test_every_tab_stop_of_the_export_dialog_shows_a_marker_without_colour(tmp_path: Path) -> None:
    report_id = demo_report(tmp_path / "data")
    app = make_app(tmp_path, report_id, environ=NO_COLOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "WizardScreen")
        await pilot.press("f3")
        dialog = await wait_screen(pilot, "ExportDialog")
        seen = await _walk_tab_stops(app, pilot, dialog)
        # Complete: nothing to scroll in the status line, no draft button.
        assert sorted(seen) == sorted(
            ["export-format", "export-name", "export-folder", "export-final", "export-cancel"]
        )
        await pilot.press("escape")


@async_test
async def test_tab_stops_with_pending_items_include_the_reasons_and_the_draft(tmp_path: Path) -> None:
    app = make_app(tmp_path, environ=NO_COLOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await _pending_report(app, pilot)
        await pilot.press("f3")
        dialog = await wait_screen(pilot, "ExportDialog")
        seen = await _walk_tab_stops(app, pilot, dialog)
        assert sorted(seen) == sorted(
            ["export-format", "export-name", "export-folder", "export-status-box", "export-final", "export-draft",
             "export-cancel"]
        )
        # Enter on the reasons (a Tab stop to scroll them) is the default action too.
        dialog.query_one("#export-status-box").focus()
        await pilot.pause()
        await pilot.press("enter")
        await wait_screen(pilot, "MessageDialog", timeout=60)
    assert [p.name for p in (tmp_path / "out").iterdir()] and all(
        "（草稿）" in p.name for p in (tmp_path / "out").iterdir()
    )
