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


# ------------------------------------------------ one 其他 box per item


def _other_boxes(editor: Any) -> list[Any]:
    """The boxes shown in ``editor`` for entries of one's own."""
    from tui.widgets.fields import BlockInput

    return [box for box in editor.query(BlockInput) if box.display]


@async_test
async def test_each_problem_item_has_one_labelled_other_box_and_every_line_is_a_problem(tmp_path: Path) -> None:
    from test_tui_truth import keys_done

    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, environ=NO_COLOR) as (app, pilot, wizard):
        for item_id in ("problem_duty", "problem_education", "problem_service", "problem_cadres",
                        "plan_duty", "plan_standard", "plan_mechanism"):
            await wizard.go_to(item_id)
            await pilot.pause()
            multi = next(e for e in wizard.form().editors if e.field.type == "multi")
            other = wizard.form().editor(f"{item_id}.other")
            assert other is not None
            assert not _other_boxes(multi), f"{item_id}: a second, unlabelled box under the options"
            assert not multi.query_one(".multi-other-label").display
            assert len(_other_boxes(other)) == 1
            label = str(other.border_title)
            assert label.startswith("其他") and "（每行一条）" in label, label

        await wizard.go_to("problem_duty")
        await pilot.pause()
        other = wizard.form().editor("problem_duty.other")
        other.focus_input()
        await pilot.pause()
        await pilot.press(*"对下属单位指导不够经常", "enter", *"2.调研不够深入；")
        await keys_done(pilot)
        await wait_saved(pilot)
        assert wizard.session.answers["problem_duty.other"] == ["对下属单位指导不够经常", "2.调研不够深入"]
        # 其他 alone answers the item (its multi is required): nothing pending there.
        assert not [p for p in wizard.session.check().problems if p.item_id == "problem_duty"]
        report = wizard.session.assemble()
    text = "\n".join(block.text for block in report.blocks if hasattr(block, "text"))
    assert "对下属单位指导不够经常；调研不够深入。" in text  # each line a problem, number and ； cleaned
    stored = stored_answers(tmp_path / "data", report_id)
    assert stored["problem_duty.other"] == ["对下属单位指导不够经常", "2.调研不够深入"]


@async_test
async def test_a_multi_select_without_a_other_field_labels_its_own_box(tmp_path: Path) -> None:
    from test_tui_support import FIXED_TODAY

    from store.core import Store
    from tui.session import NewReport, create_report
    from workflows.loader import load_builtin

    store = Store(tmp_path / "data")
    spec = NewReport(load_builtin("zhibu-shuzhi"), year=2025, unit="某支部", name="王五")
    report_id = create_report(store, spec, today=FIXED_TODAY).id
    store.close()
    async with wizard_at(tmp_path, report_id, "problems", environ=NO_COLOR) as (app, pilot, wizard):
        editor = wizard.form().editor("problems.issues")
        assert len(_other_boxes(editor)) == 1
        label = editor.query_one(".multi-other-label", Label)
        assert label.display and label.render().plain == "其他（每行一条）："
        box = _other_boxes(editor)[0]
        box.focus()
        await pilot.pause()
        await pilot.press(*"联系群众不够", "enter", *"台账不规范")
        await pilot.pause()
        shown = "\n".join(screen_lines(app))
        assert "其他（每行一条）：" in shown
        await wait_saved(pilot)
        assert wizard.session.answers["problems.issues"] == ["联系群众不够", "台账不规范"]


@async_test
async def test_entries_of_ones_own_stored_in_a_multi_select_stay_visible(tmp_path: Path) -> None:
    """A 问题 item's multi-select that holds an entry typed in its former box
    (before the item's 其他 field was the one place) still shows it."""
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "problem_service") as (app, pilot, wizard):
        wizard.session.input("problem_service.issues", ["自己写的问题"])
        await wizard.go_to("problem_cadres")
        await pilot.pause()
        await wizard.go_to("problem_service")
        await pilot.pause()
        multi = wizard.form().editor("problem_service.issues")
        boxes = _other_boxes(multi)
        assert len(boxes) == 1 and boxes[0].text == "自己写的问题"
        assert multi.query_one(".multi-other-label").display
        assert multi.raw() == ["自己写的问题"]
