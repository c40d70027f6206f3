"""The wizard at 80×24 (issue 12): the question, the focused field's label
and its message are always on screen; guidance folds away (F6, remembered);
the focus is marked in characters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from screen_text import screen_lines
from test_tui_support import FIXED_TODAY, async_test, make_app, wait_for, wait_screen
from textual.widgets import Button

from tui.widgets.fields import FieldEditor
from tui.widgets.itemform import ItemView
from tui.widgets.fields import tidy

WORKFLOWS = ("dangjian-shuzhi", "personal-summary", "zhibu-shuzhi")


def new_report(data_dir: Path, workflow: str) -> str:
    from store.core import Store
    from tui.session import NewReport, create_report
    from workflows.loader import load_builtin

    store = Store(data_dir)
    try:
        extra = {} if workflow == "zhibu-shuzhi" else {"position": "党组书记"}
        spec = NewReport(load_builtin(workflow), year=2025, unit="青山市自然资源和规划局", name="王五", **extra)
        return create_report(store, spec, today=FIXED_TODAY).id
    finally:
        store.close()


def _squash(text: str) -> str:
    return "".join(text.split())


def _inside(widget: Any, view: ItemView) -> bool:
    region, box = widget.region, view.scrollable_content_region
    return bool(region.height) and region.y >= box.y and region.bottom <= box.bottom


def _check_focused(app: Any, wizard: Any, item: Any, where: str) -> None:
    text = _squash("".join(screen_lines(app, wizard.query_one("#wizard-main").region)))
    question = _squash(tidy(item.question))
    assert question[:30] in text, f"{where}: question not on screen"
    view = wizard.form()
    focused = app.focused
    editor = next((a for a in focused.ancestors_with_self if isinstance(a, FieldEditor)), None)
    assert editor is not None, f"{where}: focus not in a field ({focused})"
    if focused.outer_size.height < view.scrollable_content_region.height:
        assert _inside(focused, view), f"{where}: focused widget {focused} outside the form's view"
    else:  # taller than the view: its first row (the cursor, on arrival) is in view
        box = view.scrollable_content_region
        assert box.y <= focused.region.y < box.bottom, f"{where}: top of {focused} outside the form's view"
    if editor.outer_size.height < view.scrollable_content_region.height:
        assert _inside(editor, view), f"{where}: field {editor.path} (label, message) not wholly in view"
    hint = wizard.query_one("#field-hint")
    assert hint.display and hint.region.bottom <= app.size.height - 1
    assert _squash(editor.field.label) in text, f"{where}: label of {editor.path} not on screen"
    message, _css = editor.message_text()
    if message:
        assert _squash(message) in text, f"{where}: message {message!r} of {editor.path} not on screen"


async def _settled(pilot: Any, wizard: Any, editor: Any) -> None:
    """Until the field is scrolled into view (one pause is one idle moment of
    the CPU: on a loaded machine the scroll after the lines under the form
    change comes a frame later). _check_focused then says what is wrong, if anything."""
    from test_tui_support import wait_for

    view = wizard.form()
    try:
        await wait_for(
            pilot, lambda: editor.outer_size.height >= view.scrollable_content_region.height or _inside(editor, view),
            timeout=2.0,
        )
    except AssertionError:
        pass


# The full walk of the two large workflows takes a minute of rendering: it runs
# under `-m slow` (CI); the default run walks the smallest workflow.
WALKED = [pytest.param(w, marks=() if w == "personal-summary" else pytest.mark.slow) for w in WORKFLOWS]


@pytest.mark.parametrize("workflow", WALKED)
@async_test
async def test_every_item_fits_80x24_guidance_shown_and_folded(tmp_path: Path, workflow: str) -> None:
    report_id = new_report(tmp_path / "data", workflow)
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        for folded in (False, True):
            if app.guidance_folded != folded:
                await pilot.press("f6")
                await pilot.pause()
            assert app.guidance_folded is folded
            for item in wizard.items:
                await wizard.go_to(item.id)
                await pilot.pause()
                intro = str(wizard.query_one("#item-intro").render())
                if item.guidance:
                    assert ("说明：" in intro) is not folded and ("按 F6" in intro)
                for editor in list(wizard.form().editors):
                    target = editor.first_focusable()
                    if target is None:
                        continue
                    editor.focus_input()
                    await pilot.pause()
                    await _settled(pilot, wizard, editor)
                    _check_focused(app, wizard, item, f"{workflow}/{item.id}/{editor.path} folded={folded}")


@async_test
async def test_guidance_fold_is_remembered(tmp_path: Path) -> None:
    report_id = new_report(tmp_path / "data", "dangjian-shuzhi")
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("pagedown")
        await pilot.pause()
        assert "已收起" in str(wizard.query_one("#item-intro").render())
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        assert app.guidance_folded
        assert "已收起" in str(wizard.query_one("#item-intro").render())


@async_test
async def test_an_error_is_shown_whole_under_the_form(tmp_path: Path) -> None:
    report_id = new_report(tmp_path / "data", "dangjian-shuzhi")
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        await wizard.go_to("leading")
        await pilot.pause()
        await pilot.press(*"两次")
        await pilot.pause(0.2)
        editor = wizard.focused_editor()
        assert editor is not None and editor.error
        text = _squash("".join(screen_lines(app, wizard.query_one("#wizard-main").region)))
        assert _squash(f"✖ {editor.error}") in text
        _check_focused(app, wizard, wizard.item, "leading error")


@async_test
async def test_focus_is_marked_in_characters(tmp_path: Path) -> None:
    """The focused field has a bar (█) down its left side, in characters."""
    report_id = new_report(tmp_path / "data", "dangjian-shuzhi")
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        await wizard.go_to("leading")
        # Its form is mounted on this first visit: the focus follows.
        editor = await wait_for(pilot, wizard.focused_editor, what="the first field focused")
        await _settled(pilot, wizard, editor)
        column = editor.region
        from textual.geometry import Region

        bar = Region(column.x, column.y + 1, 1, column.height - 2)
        assert set(screen_lines(app, bar)) == {"█"}
        await pilot.press("tab")
        await pilot.pause()
        assert set(screen_lines(app, bar)) == {" "}  # the marker went with the focus


@async_test
async def test_chinese_numerals_typed_in_a_count(tmp_path: Path) -> None:
    """二十四 is stored as 24; 约20 is refused with the hint to write 20余."""
    from test_tui_support import wait_saved

    report_id = new_report(tmp_path / "data", "dangjian-shuzhi")
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        await wizard.go_to("leading")
        await pilot.pause()
        await pilot.press(*"二十四", "enter", *"约20")
        await pilot.pause(0.2)
        await wait_saved(pilot)
        assert wizard.session.answers["leading.party_group"] == 24
        editor = wizard.focused_editor()
        assert editor is not None and editor.error and "20余" in editor.error
        assert "20余" in "".join(screen_lines(app, wizard.query_one("#field-hint").region))


@async_test
async def test_added_entry_is_focused_on_screen_and_takes_typing(tmp_path: Path) -> None:
    """＋ 添加一条: the cursor is in the new entry's first field, in view; typed text lands there."""
    from test_tui_support import wait_saved

    report_id = new_report(tmp_path / "data", "dangjian-shuzhi")
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        await wizard.go_to("key_tasks")
        await pilot.pause()
        for name in ("作风建设专项整治", "清廉机关建设"):
            while not isinstance(app.focused, Button) or "添加" not in str(app.focused.label):
                await pilot.press("tab")
                await pilot.pause()
            await pilot.press("enter", *name)
            await pilot.pause(0.3)
            editor = wizard.focused_editor()
            assert editor is not None and "[" in editor.path and editor.path.startswith("key_tasks.")
            assert _inside(app.focused, wizard.form())
            assert name in "".join(screen_lines(app, wizard.form().region))
        await wait_saved(pilot)
        tasks = wizard.session.answers[wizard.form().editors[0].path]
        assert [t.get("name") for t in tasks] == ["作风建设专项整治", "清廉机关建设"]


@async_test
async def test_preview_down_moves_by_paragraph_and_enter_on_the_title_opens_basics(tmp_path: Path) -> None:
    from test_tui_support import demo_report

    report_id = demo_report(tmp_path / "data")
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        await wizard.go_to("leading")
        await pilot.press("f2")
        preview = await wait_screen(pilot, "PreviewScreen")
        lines = [line for line in preview.lines() if line.can_focus]
        lines[0].focus()
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        assert app.focused is lines[1]
        await pilot.press("down", "up")
        await pilot.pause()
        assert app.focused is lines[1]
        await pilot.press("up")
        await pilot.pause()
        assert app.focused is lines[0] and lines[0].item_id is None  # the title
        await pilot.press("enter")
        wizard = await wait_screen(pilot, "WizardScreen")
        await pilot.pause()
        assert wizard.item.id == "basics"
