"""Every visible string is Chinese (issue 12): the text of every screen and
dialog, Textual's own included, checked against a short list of words."""

from __future__ import annotations

import re
from pathlib import Path

from screen_text import screen_lines
from test_tui_support import async_test, demo_report, make_app, wait_screen

# Formats, key names as printed on keyboards, file name endings.
ALLOWED = {
    "Word", "PDF", "Markdown", "Esc", "Tab", "PgUp", "PgDn", "Ctrl", "Shift", "Alt", "Del", "Home", "End",
    "Enter", "docx", "md", "txt", "pdf", "JSON", "YAML",
    "shuzhi",  # the command's name, as typed in a terminal
    "KB",  # file sizes in the backup list, as Chinese Windows prints them
} | {f"F{n}" for n in range(1, 13)}

WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+")


def english(app) -> set[str]:
    text = "\n".join(screen_lines(app))
    return {w for w in WORD.findall(text) if w not in ALLOWED}


@async_test
async def test_no_english_on_any_screen_or_dialog(tmp_path: Path) -> None:
    found: dict[str, set[str]] = {}
    report_id = demo_report(tmp_path / "data")
    app = make_app(tmp_path, export_dir="/导出")  # a user's folder: not the app's words

    def look(where: str) -> None:
        words = english(app)
        if words:
            found[where] = words

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "HomeScreen")
        await pilot.pause(0.3)
        look("home")
        await pilot.press("k")
        await pilot.pause(0.5)
        look("restore dialog (home)")
        await pilot.press("escape")
        await wait_screen(pilot, "HomeScreen")
        await pilot.press("f1")
        await wait_screen(pilot, "HelpScreen")
        look("help (home)")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        look("command palette")
        await pilot.press(*"无此条目")
        await pilot.pause(1.2)
        look("command palette, no matches")
        assert "没有找到" in "".join(screen_lines(app))
        await pilot.press("escape")
        await pilot.pause()
        app.action_change_theme()
        await pilot.pause(0.5)
        look("themes")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        await wait_screen(pilot, "NewReportScreen")
        await pilot.pause(0.3)
        look("new report")
        await pilot.press("escape")
        await wait_screen(pilot, "HomeScreen")
        app.open_report(report_id)
        wizard = await wait_screen(pilot, "WizardScreen")
        for item in ("basics", "mandate", "leading", "key_tasks", "problem_duty"):
            await wizard.go_to(item)
            await pilot.pause(0.2)
            look(f"wizard {item}")
        await pilot.press("f4")
        await pilot.pause()
        look("wizard, checklist focused")
        await pilot.press("f1")
        await wait_screen(pilot, "HelpScreen")
        look("help (wizard)")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f2")
        await wait_screen(pilot, "PreviewScreen")
        await pilot.pause(0.3)
        look("preview")
        await pilot.press("escape")
        await wait_screen(pilot, "WizardScreen")
        await pilot.press("f3")
        await wait_screen(pilot, "ExportDialog")
        await pilot.pause(0.3)
        look("export dialog")
        for _ in range(6):
            await pilot.press("tab")
            await pilot.pause()
            look("export dialog, tabbing")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause(0.3)
        look("quit")
    assert found == {}, found
