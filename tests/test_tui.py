"""Pilot tests of the guided app: a new report walked through by keyboard."""

from __future__ import annotations

from pathlib import Path

from test_tui_support import async_test, demo_report, make_app, stored_answers, wait_for, wait_saved, wait_screen
from textual.widgets import Input, TextArea


@async_test
async def test_new_report_by_keyboard_saves_answers_and_previews(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await wait_screen(pilot, "HomeScreen")
        assert home.query_one("#home-empty").display  # first-time user: what to do

        await pilot.press("n")
        screen = await wait_screen(pilot, "NewReportScreen")
        await wait_for(pilot, lambda: screen.workflows, what="workflow list")
        await pilot.press("enter")  # the first workflow: 党建述职
        await wait_for(pilot, lambda: screen.query("#basics-form Input"), what="basics form")
        await pilot.pause()
        await pilot.press(*"青山市自然资源局", "enter")  # unit
        await pilot.press("enter")  # position keeps its default 党组书记
        await pilot.press(*"张三", "enter")  # name
        await pilot.press("ctrl+a", "ctrl+k", *"2025", "enter")  # year, then create

        wizard = await wait_screen(pilot, "WizardScreen")
        report_id = wizard.session.report_id
        assert wizard.title.startswith("第 1/28 项")
        assert "青山市自然资源局" in wizard.session.title

        # Item 4 (主持会议): counts typed, one of them invalid first.
        await wizard.go_to("leading")
        await pilot.pause()
        focused = app.focused
        assert isinstance(focused, Input)
        await pilot.press(*"两次")
        editor = wizard.form().editor("leading.party_group")
        assert editor.error and "不是整数" in editor.error  # message next to the field, as typed
        await pilot.press("ctrl+a", "ctrl+k", *"24")
        assert editor.error is None
        await pilot.press("enter", *"4", "enter", *"2", "enter")  # 党委会议, 党员大会; next: 研究事项
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"年度机关党建工作要点")
        # The paragraph this item produces, updated as the user types.
        assert "24次" in wizard.paragraph_plain
        assert "年度机关党建工作要点" in wizard.paragraph_plain
        await pilot.press("pagedown")  # next item, answers kept
        assert wizard.item.id == "documents"
        await pilot.press(*"12")
        await pilot.press("pageup")
        assert wizard.item.id == "leading"
        assert wizard.form().editor("leading.party_group").raw() == "24"
        assert "年度机关党建工作要点" in wizard.form().editor("leading.matters").raw()
        await pilot.press("pagedown")
        assert wizard.form().editor("documents.total").raw() == "12"

        await wait_saved(pilot)
        on_disk = stored_answers(tmp_path / "data", report_id)
        assert on_disk["basics.unit"] == "青山市自然资源局"
        assert on_disk["basics.name"] == "张三"
        assert on_disk["basics.year"] == 2025
        assert on_disk["leading.party_group"] == 24
        assert on_disk["leading.organ_committee"] == 4
        assert on_disk["leading.matters"] == ["年度机关党建工作要点"]
        assert on_disk["documents.total"] == 12

        await pilot.press("f2")
        preview = await wait_screen(pilot, "PreviewScreen")
        text = "\n".join(line.render().plain for line in preview.lines())
        assert "青山市自然资源局" in text
        assert "24次" in text
        assert "年度机关党建工作要点" in text
        assert "【待填：" in text  # still incomplete: pending markers shown
        await pilot.press("escape")
        await wait_screen(pilot, "WizardScreen")
