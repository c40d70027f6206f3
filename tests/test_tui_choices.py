"""Choices in the wizard (#12 items 5 and 11): a value of one's own shows as
the answer (● 其他：…), never an option it replaced; on arrival the cursor is
on the first option, so the first Space acts; states read in characters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from screen_text import screen_lines
from test_tui_support import async_test, stored_answers, wait_saved, wizard_at
from test_tui_truth import new_report
from textual.widgets import Label

from tui.widgets.fields import LineInput
from tui.widgets.options import OptionPicker

NO_COLOR = {"LANG": "zh_CN.UTF-8", "NO_COLOR": "1"}


def _picker(wizard: Any, path: str) -> OptionPicker:
    return wizard.form().editor(path).query_one(OptionPicker)


def _cursor_option(picker: OptionPicker) -> str:
    """The text shown in reverse video (the cursor), read from the rendering."""
    text = picker.render()
    return "".join(
        text.plain[span.start : span.end]
        for span in text.spans
        if not isinstance(span.style, str) and span.style.reverse
    )


@async_test
async def test_a_custom_choice_shows_the_value_typed_after_leaving_and_coming_back(tmp_path: Path) -> None:
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "mandate", environ=NO_COLOR) as (app, pilot, wizard):
        editor = wizard.form().editor("mandate.superior")
        assert _picker(wizard, "mandate.superior").render().plain.startswith("● 1.市委")  # the default
        custom = editor.query_one(LineInput)
        custom.focus()
        await pilot.pause()
        await pilot.press(*"省委办公厅")
        await pilot.pause()
        assert "●" not in _picker(wizard, "mandate.superior").render().plain  # 市委 is no longer chosen
        assert editor.query_one(".choice-other-mark", Label).render().plain == "● 其他："
        await pilot.press("pagedown")  # leave the item
        await wait_saved(pilot)
        await wizard.go_to("mandate")  # and come back
        await pilot.pause()

        editor = wizard.form().editor("mandate.superior")
        shown = "\n".join(screen_lines(app))
        assert "● 其他：省委办公厅" in shown
        options = _picker(wizard, "mandate.superior").render().plain
        assert "●" not in options and "未选择" not in options and "○ 1.市委" in options
        assert editor.query_one(LineInput).value == "省委办公厅"
        assert wizard.session.answers["mandate.superior"] == "省委办公厅"

        # Choosing an option again replaces the value typed, on screen and in the store.
        editor.query_one(OptionPicker).focus()
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        assert _picker(wizard, "mandate.superior").render().plain.startswith("○ 1.市委   ● 2.县委")
        assert editor.query_one(LineInput).value == ""
        assert "○ 其他：" in "\n".join(screen_lines(app))
        await wait_saved(pilot)
    assert stored_answers(tmp_path / "data", report_id)["mandate.superior"] == "县委"


@async_test
async def test_a_multi_select_on_arrival_has_its_cursor_on_the_first_option_and_space_ticks(tmp_path: Path) -> None:
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "problem_education", environ=NO_COLOR) as (app, pilot, wizard):
        picker = _picker(wizard, "problem_education.issues")
        assert app.focused is picker  # the first field has the focus on arrival
        assert picker.cursor == 0
        first_line = picker.render().plain.splitlines()[0]
        assert first_line.startswith("☐ 1.")
        assert _cursor_option(picker).startswith("☐ 1.")  # shown in reverse video, not by colour
        await pilot.press("space")
        await pilot.pause()
        assert picker.render().plain.splitlines()[0].startswith("☑ 1.")
        first_option = wizard.session.workflow.field("problem_education.issues").options[0]
        assert wizard.session.answers["problem_education.issues"] == [first_option]
        await pilot.press("down", "down", "space")
        await pilot.pause()
        assert picker.render().plain.count("☑") == 2
        await pilot.press("up", "up", "space")  # Space toggles: unticked again
        await pilot.pause()
        assert picker.render().plain.splitlines()[0].startswith("☐ 1.")
        assert picker.render().plain.count("☑") == 1
        await wait_saved(pilot)
    stored = stored_answers(tmp_path / "data", report_id)["problem_education.issues"]
    assert len(stored) == 1 and stored[0] != first_option


@async_test
async def test_a_yes_no_on_arrival_has_its_cursor_on_是_and_space_chooses_it(tmp_path: Path) -> None:
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "duty_system", environ=NO_COLOR) as (app, pilot, wizard):
        picker = _picker(wizard, "duty_system.in_appraisal")
        assert app.focused is picker
        assert picker.render().plain == "○ 是   ○ 否   未选择"
        assert _cursor_option(picker) == "○ 是"
        await pilot.press("space")
        await pilot.pause()
        assert picker.render().plain == "● 是   ○ 否"
        await pilot.press("right", "space")
        await pilot.pause()
        assert picker.render().plain == "○ 是   ● 否"
        assert _cursor_option(picker) == "● 否"
        await wait_saved(pilot)
    assert stored_answers(tmp_path / "data", report_id)["duty_system.in_appraisal"] is False
