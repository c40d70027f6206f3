"""Each item's form is mounted once and kept (issue 17 item 6): moving
between items shows and hides forms, a group's entries are not mounted
again on a revisit, a value changed elsewhere meanwhile is shown, the
paragraph panel breaks only the lines it shows, and long pasted lines in a
multi-line input are drawn the same as by Textual's own TextArea."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from test_tui_support import async_test, demo_report, wait_for, wizard_at
from test_tui_truth import new_report
from textual.app import App, ComposeResult
from textual.widgets import TextArea

from tui.widgets.editors.group import GroupEditor
from tui.widgets.fields import LONG_LINE, BlockInput, LineInput
from tui.widgets.itemform import fit_lines
from workflows.render.linebreak import wrap_rich


@async_test
async def test_a_revisited_item_shows_the_same_widgets_and_entries(tmp_path: Path) -> None:
    report_id = demo_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "key_tasks") as (app, pilot, wizard):
        form = wizard.form().forms["key_tasks"]
        group = wizard.form().editor("key_tasks.tasks")
        assert isinstance(group, GroupEditor)
        entries = group.entries()
        widgets = [w for entry in entries for w in entry.editors()]
        assert len(entries) == 3
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: wizard.item.id == "inspection" and not app.keys_held, what="next item")
        assert not form.display and wizard.form().forms["inspection"].display
        await pilot.press("pageup")
        await wait_for(pilot, lambda: wizard.item.id == "key_tasks" and not app.keys_held, what="back")
        # The very same form, entries and editors: nothing mounted again.
        assert wizard.form().forms["key_tasks"] is form and form.display
        assert group.entries() == entries
        assert [w for entry in group.entries() for w in entry.editors()] == widgets
        # One form shown at a time.
        shown = [f for f in wizard.form().forms.values() if f.display]
        assert shown == [form]
        # The focus is in the first entry, as on the first visit.
        assert app.focused is not None and entries[0] in app.focused.ancestors


@async_test
async def test_a_value_changed_elsewhere_is_shown_when_its_form_comes_back(tmp_path: Path) -> None:
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "basics") as (app, pilot, wizard):
        view = wizard.form()
        theory = wizard.workflow.item("theory")
        view.prepare(theory, wizard.session.shown_values("theory"))  # mounted ahead, hidden
        await pilot.pause()
        before = view.forms["theory"].editors[0].raw()
        assert "党的二十届四中全会精神" in before  # the default for 2025
        # The year changes: the proposed topics of 理论学习 follow it.
        year = view.editor("basics.year").query_one(LineInput)
        year.value = "2024"
        await pilot.pause()
        assert wizard.session.answers["basics.year"] == 2024
        await wizard.go_to("theory")
        await wait_for(pilot, lambda: not app.keys_held, what="theory shown")
        editor = view.editor("theory.topics")
        assert editor is view.forms["theory"].editors[0]  # the form kept, the editor bound afresh
        shown = wizard.session.shown("theory.topics")
        assert "党的二十届四中全会精神" not in shown and "党的二十届三中全会精神" in shown
        assert editor.raw().splitlines() == shown


@async_test
async def test_the_forms_next_to_the_current_item_are_mounted_ahead(tmp_path: Path) -> None:
    report_id = demo_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "theory") as (app, pilot, wizard):
        view = wizard.form()
        await wait_for(pilot, lambda: {"leading", "rectification"} <= set(view.forms), what="neighbours prepared")
        assert not view.forms["leading"].display and not view.forms["rectification"].display
        form = view.forms["leading"]
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: wizard.item.id == "leading" and not app.keys_held, what="next item")
        assert view.forms["leading"] is form and form.display
        assert isinstance(app.focused, LineInput) and form in app.focused.ancestors


@async_test
async def test_the_focus_bar_marks_the_field_and_its_group(tmp_path: Path) -> None:
    report_id = demo_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "key_tasks") as (app, pilot, wizard):
        group = wizard.form().editor("key_tasks.tasks")
        assert isinstance(group, GroupEditor)
        first, second = group.entries()[0].editors()[:2]

        def bar(editor: object) -> str:
            return editor.styles.border_left[0]  # type: ignore[attr-defined]

        await wait_for(pilot, lambda: bar(first) == "thick", what="bar on the focused field")
        assert bar(group) == "thick" and bar(second) != "thick"
        second.focus_input()
        await wait_for(pilot, lambda: bar(second) == "thick" and bar(first) != "thick", what="bar moved")
        assert bar(group) == "thick"
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: wizard.item.id == "inspection" and not app.keys_held, what="next item")
        assert bar(group) != "thick" and bar(second) != "thick"


def test_the_paragraph_panel_breaks_only_the_lines_it_shows() -> None:
    text = Text("第一段，" * 30 + "\n\n" + "二" * 50 + "\n三")
    # Everything fits: the same lines as breaking the whole text.
    assert fit_lines(text, 20, 40).plain == wrap_rich(text, 20).plain
    # Too long: the first lines of the whole text, then where the rest is.
    shown = fit_lines(text, 20, 4).plain.split("\n")
    assert shown[:3] == wrap_rich(text, 20).plain.split("\n")[:3]
    assert shown[3] == "……（全文见预览：F2）"
    # 48,000 characters in one paragraph: its first lines only.
    long = fit_lines(Text("字，" * 24000), 30, 4).plain.split("\n")
    assert long[:3] == wrap_rich(Text("字，" * 200), 30).plain.split("\n")[:3]
    assert len(long) == 4 and not any(line.startswith("，") for line in long)


class _Areas(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield BlockInput(self.text, soft_wrap=True, id="ours")
        yield TextArea(self.text, soft_wrap=True, id="plain")


@async_test
async def test_a_long_line_is_drawn_as_textarea_draws_it() -> None:
    line = "坚持把学习贯彻党的创新理论作为首要政治任务，推动理论学习走深走实。" * 60
    assert len(line) > LONG_LINE
    text = f"短的一行\n{line}\n末行"
    app = _Areas(text)
    async with app.run_test(size=(60, 40)) as pilot:
        ours = app.query_one("#ours", BlockInput)
        plain = app.query_one("#plain", TextArea)
        for area in (ours, plain):
            area.styles.height = 18
            area.move_cursor((1, 37))
        await pilot.pause()
        for _ in range(3):  # rows of the long line, the cursor's among them, scrolled
            rows_ours = [ours.render_line(y).text for y in range(ours.size.height)]
            rows_plain = [plain.render_line(y).text for y in range(plain.size.height)]
            assert rows_ours == rows_plain
            assert any("首要政治任务" in row for row in rows_ours)
            for area in (ours, plain):
                area.scroll_to(y=area.scroll_y + 7, animate=False)
            await pilot.pause()


def test_control_codes_are_still_stripped_from_rich_text() -> None:
    """The quick path (a printable string comes back as it is) changes
    nothing of what Rich keeps out of a terminal: BEL, BS, VT, FF and CR."""
    import tui.widgets.fields  # noqa: F401 - installs the quick path

    line = "坚持把学习贯彻党的创新理论作为首要政治任务。" * 400
    assert Text(line).plain == line
    assert Text("甲\x07乙\x08丙\x0b丁\x0c戊\r己").plain == "甲乙丙丁戊己"
    assert Text("制表\t符").plain == "制表\t符"  # a tab is kept (not printable, yet not stripped)
    text = Text("前")
    text.plain = "换\x07了"
    assert text.plain == "换了"


@async_test
async def test_the_cursor_stops_blinking_when_no_key_comes(tmp_path: Path) -> None:
    """An idle session does not repaint twice a second: after BLINK_REST
    seconds without a key the cursor stays lit; a key makes it blink again."""
    import asyncio

    import tui.app

    rest = tui.app.BLINK_REST
    tui.app.BLINK_REST = 0.3
    try:
        report_id = demo_report(tmp_path / "data")
        async with wizard_at(tmp_path, report_id, "leading", cursor_blink=True) as (app, pilot, wizard):
            field = app.focused
            assert isinstance(field, LineInput) and field.cursor_blink
            await asyncio.sleep(0.5)
            await wait_for(pilot, lambda: not field.cursor_blink, what="the cursor at rest")
            await pilot.press("right")
            assert field.cursor_blink  # blinking again at the key
            await asyncio.sleep(0.15)
            assert field.cursor_blink  # not yet at rest: the rest counts from the last key
            await wait_for(pilot, lambda: not field.cursor_blink, what="at rest again")
            await pilot.press("tab")
            await wait_for(pilot, lambda: app.focused is not field, what="next field")
            assert field.cursor_blink and getattr(app.focused, "cursor_blink", True)
    finally:
        tui.app.BLINK_REST = rest
