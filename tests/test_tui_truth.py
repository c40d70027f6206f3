"""The wizard shows only what is stored (issue 10): one pilot test per defect
found by walking a whole report in tmux.

1. a reused yes/no after an answered one reads 未选择, in characters;
2. keys pressed with no pause land where the focus is when each is handled;
3. a paste into a one-line field stays there;
4. defaults are proposals (待确认) until the item is accepted;
5. a draft goes through ``answers`` and ``fill`` without breaking them;
6. the home screen's import keeps the listed unit, year and title in step;
7. an ESC in an answer is shown neutralised in the paragraph panel;
8. a report reopens at the item last shown (or ``--item``).
Also: SIGTERM/SIGHUP and Ctrl+Q right after typing write what is queued.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

from test_tui_support import (
    FIXED_TODAY,
    async_test,
    demo_report,
    make_app,
    stored_answers,
    wait_for,
    wait_saved,
    wait_screen,
    wizard_at,
)
from textual import events
from textual.widgets import Input

from tui.widgets.options import OptionPicker

# Keys by name, as the terminal driver delivers them.
_NAMED = {
    "enter": "\r", "tab": "\t", "space": " ", "escape": "\x1b", "pagedown": None,
    "ctrl+a": "\x01", "ctrl+k": "\x0b", "ctrl+q": "\x11",
}


def burst(app: Any, *keys: str) -> None:
    """Keys as they arrive over a laggy link: all at once, none handled yet
    (``pilot.press`` waits for each key to be handled before the next)."""
    for key in keys:
        if key in _NAMED:
            app.post_message(events.Key(key, _NAMED[key]))
        else:
            for character in key:
                app.post_message(events.Key(character, character))


async def keys_done(pilot: Any) -> None:
    """Until every key of a burst is handled."""
    app = pilot.app
    await pilot.pause()  # the burst reaches the app's queue first
    await wait_for(pilot, lambda: not app.keys_pending, what="keys handled")
    await pilot.pause()


def new_report(data_dir: Path, **basics: Any) -> str:
    from store.core import Store
    from tui.session import NewReport, create_report
    from workflows.loader import load_builtin

    store = Store(data_dir)
    try:
        spec = NewReport(load_builtin("dangjian-shuzhi"), **{"year": 2025, "unit": "某局", "name": "王五", **basics})
        return create_report(store, spec, today=FIXED_TODAY).id
    finally:
        store.close()


def stored_drafts(data_dir: Path, report_id: str) -> dict[str, Any]:
    from store.core import Store

    with Store(data_dir).open(report_id, readonly=True) as handle:
        return handle.drafts


def picker_text(wizard: Any, path: str) -> str:
    picker = wizard.form().editor(path).query_one(OptionPicker)
    return picker.render().plain


# ------------------------------------------------------------ 1. yes/no


@async_test
async def test_a_yes_no_after_an_answered_one_reads_unanswered(tmp_path: Path) -> None:
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "duty_system") as (app, pilot, wizard):
        editor = wizard.form().editor("duty_system.in_appraisal")
        assert app.focused is editor.query_one(OptionPicker)
        assert "未选择" in picker_text(wizard, "duty_system.in_appraisal")
        await pilot.press("y", "enter")  # 是, then on to the next field
        assert picker_text(wizard, "duty_system.in_appraisal").startswith("● 是")
        assert wizard.session.answers["duty_system.in_appraisal"] is True

        # The next items' yes/no (each item has its own form): nothing chosen.
        for item_id, path in (("review", "review.yishuyiping"), ("political", "political.meeting")):
            await wizard.go_to(item_id)
            await pilot.pause()
            other = wizard.form().editor(path)
            assert other is not editor and any(not getattr(n, "display", True) for n in editor.ancestors_with_self)
            picker = other.query_one(OptionPicker)
            assert picker.chosen == [] and picker.value is None and other.raw() is None
            text = picker.render().plain
            assert text == "○ 是   ○ 否   未选择", text
            assert "●" not in text
            assert path not in wizard.session.answers
        # Back on the first item: the same widget, still showing 是 (not mounted again).
        await wizard.go_to("duty_system")
        await pilot.pause()
        assert wizard.form().editor("duty_system.in_appraisal") is editor
        assert picker_text(wizard, "duty_system.in_appraisal").startswith("● 是")
        # Moving on stored nothing for them.
        await wizard.go_to("leading")
        await wait_saved(pilot)
    on_disk = stored_answers(tmp_path / "data", report_id)
    assert on_disk["duty_system.in_appraisal"] is True
    assert "review.yishuyiping" not in on_disk and "political.meeting" not in on_disk


@async_test
async def test_choices_are_marked_in_characters_not_colour(tmp_path: Path) -> None:
    report_id = demo_report(tmp_path / "data")
    no_color = {"LANG": "zh_CN.UTF-8", "NO_COLOR": "1"}
    async with wizard_at(tmp_path, report_id, "mandate", environ=no_color) as (app, pilot, wizard):
        superior = picker_text(wizard, "mandate.superior")
        assert superior.startswith("● 1.市委") and "○ 2.县委" in superior and "未选择" not in superior
        await wizard.go_to("problem_duty")
        await pilot.pause()
        issues = picker_text(wizard, "problem_duty.issues")
        chosen = wizard.session.answers["problem_duty.issues"]
        for line in issues.splitlines():
            if line.startswith(("☑", "☐")):
                ticked = any(line[2:].split(".", 1)[1].startswith(c[:10]) for c in chosen)
                assert line.startswith("☑" if ticked else "☐"), line
        assert issues.count("☑") == len(chosen)
        first = issues.splitlines()[0][0]
        # A digit ticks (or unticks) that option at once.
        await pilot.press("1")
        after = picker_text(wizard, "problem_duty.issues")
        assert after.splitlines()[0][0] == ("☐" if first == "☑" else "☑")
        assert after.count("☑") == len(chosen) + (-1 if first == "☑" else 1)


# ------------------------------------------------------- 2. key bursts


@async_test
async def test_keys_pressed_with_no_pause_go_where_the_focus_is(tmp_path: Path) -> None:
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "study_group") as (app, pilot, wizard):
        burst(app, "12", "enter", "37", "enter")
        await keys_done(pilot)
        assert wizard.session.answers["study_group.speeches"] == 37
        assert wizard.session.answers["study_group.sessions"] == 12

        # A count, a count, then a list: 12⏎36⏎学习… lands in three fields.
        await wizard.go_to("study_group")
        await pilot.pause()
        area = wizard.form().editor("study_group.topics").query_one("BlockInput")
        burst(app, "ctrl+a", "ctrl+k", "8", "enter", "ctrl+a", "ctrl+k", "6", "enter", "学习贯彻党的二十大精神")
        await keys_done(pilot)
        assert area.text == "学习贯彻党的二十大精神"
        assert wizard.session.answers["study_group.sessions"] == 8
        assert wizard.session.answers["study_group.speeches"] == 6
        assert wizard.session.answers["study_group.topics"] == ["学习贯彻党的二十大精神"]

        # A key before PageDown belongs to this item, the one after it to the next.
        await wizard.go_to("documents")
        await pilot.pause()
        burst(app, "5", "pagedown", "9")
        await keys_done(pilot)
        assert wizard.item.id == "dual_life" and wizard.session.answers["dual_life.branch_life"] == 9
        assert wizard.session.answers["documents.total"] == 5

        # Yes/no in a burst: Y Enter moves on, the count after it is the next field's.
        await wizard.go_to("review")
        await pilot.pause()
        burst(app, "y", "enter", "3", "enter")
        await keys_done(pilot)
        assert wizard.item.id == "duty_system"  # Enter in the last field: the next item
        assert wizard.session.answers["review.yishuyiping"] is True
        assert wizard.session.answers["review.inspections"] == 3
        await wait_saved(pilot)
    on_disk = stored_answers(tmp_path / "data", report_id)
    assert on_disk["study_group.speeches"] == 6 and on_disk["documents.total"] == 5
    assert on_disk["dual_life.branch_life"] == 9 and on_disk["review.inspections"] == 3


@async_test
async def test_keys_arriving_while_earlier_ones_are_handled_keep_their_order(tmp_path: Path) -> None:
    """As tmux sends them: Enter×4 and Ctrl+A Ctrl+K, then the date typed,
    then Enter Enter, each part arriving while the one before is handled."""
    import asyncio

    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "basics") as (app, pilot, wizard):
        burst(app, "enter", "enter", "enter", "enter", "ctrl+a", "ctrl+k")
        await asyncio.sleep(0)
        burst(app, "2026-01-08")
        await asyncio.sleep(0)
        burst(app, "enter", "enter")
        await keys_done(pilot)
        assert wizard.session.drafts == {}
        assert wizard.session.answers["basics.year"] == 2025
        assert wizard.session.answers["basics.date"] == "2026-01-08"
        assert wizard.item.id == "mandate"


@async_test
async def test_keys_after_page_down_wait_for_the_next_items_fields(tmp_path: Path) -> None:
    """PageDown from a multi-line field to an item whose editors are still
    being mounted: the keys typed right after it go to its first field."""
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, start_item="theory") as (app, pilot, wizard):
        burst(app, "tab", "甲", "enter", "乙", "pagedown", "24", "enter", "6")
        await keys_done(pilot)
        assert wizard.item.id == "leading"
        assert wizard.session.answers["theory.ways"] == ["甲", "乙"]
        assert wizard.session.answers["leading.party_group"] == 24
        assert wizard.session.answers["leading.organ_committee"] == 6


@async_test
async def test_three_items_typed_in_one_burst(tmp_path: Path) -> None:
    """Items 1–5 of a new report typed without a pause, as in the tmux walk,
    across the empty 整改 item (a group without entries): new editors are
    mounted on the way (Tab must not skip them)."""
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id) as (app, pilot, wizard):
        burst(app, "enter", "enter", "enter", "enter", "ctrl+a", "ctrl+k", "2026-01-08", "enter", "enter")
        burst(app, "enter", "市直机关工委", "enter", "关于加强", "enter", "全市机关", "pagedown", "pagedown", "tab",
              "党组会议",
              "enter", "理论学习", "pagedown", "24", "enter", "12", "enter", "2", "enter", "研究部署", "tab", "y",
              "enter", "n", "enter")
        await keys_done(pilot)
        answers, drafts = wizard.session.answers, wizard.session.drafts
        assert drafts == {}
        assert answers["basics.date"] == "2026-01-08" and answers["mandate.guide"] == "市直机关工委"
        assert answers["mandate.documents"] == ["关于加强", "全市机关"]
        assert answers["theory.ways"] == ["党组会议", "理论学习"]
        assert (answers["leading.party_group"], answers["leading.organ_committee"], answers["leading.members_congress"]) == (
            24, 12, 2)
        assert answers["leading.matters"] == ["研究部署"]
        assert answers["leading.conveyed"] is True and answers["leading.heard"] is False
        assert wizard.item.id == "documents"


@async_test
async def test_ctrl_q_right_after_typing_keeps_every_key(tmp_path: Path) -> None:
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "leading") as (app, pilot, wizard):
        burst(app, "24", "ctrl+q")
        await wait_for(pilot, lambda: not app.is_running or wizard._session_closed, what="quit")
    assert stored_answers(tmp_path / "data", report_id)["leading.party_group"] == 24


@async_test
async def test_sigterm_writes_what_is_queued_before_exiting(tmp_path: Path) -> None:
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "leading") as (app, pilot, wizard):
        burst(app, "31", "tab", "4")  # typed, and the signal right behind the keys
        app._on_signal(signal.SIGTERM)
        await wait_for(pilot, lambda: wizard._session_closed, what="saved on the signal")
        assert stored_answers(tmp_path / "data", report_id)["leading.organ_committee"] == 4
        assert stored_answers(tmp_path / "data", report_id)["leading.party_group"] == 31
        await pilot.pause()
    assert app.return_code == 128 + signal.SIGTERM


# --------------------------------------------------------------- 3. paste


@async_test
async def test_a_paste_into_a_one_line_field_stays_there(tmp_path: Path) -> None:
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "mandate") as (app, pilot, wizard):
        editor = wizard.form().editor("mandate.judgement")
        custom = editor.query_one(Input)
        editor.focus_input()
        custom.focus()
        await pilot.pause()
        assert editor.query_one(OptionPicker).value == "较好地完成"  # the default, proposed
        app.post_message(events.Paste("圆满完成了全年任务\n各项工作取得新进展\r\n群众满意度提升\n"))
        await pilot.pause()
        assert app.focused is custom  # the focus did not move
        assert wizard.item.id == "mandate"
        assert custom.value == "圆满完成了全年任务各项工作取得新进展群众满意度提升"
        options = editor.query_one(OptionPicker).render().plain
        assert "●" not in options and "未选择" not in options  # the typed value wins, and says so:
        assert editor.query_one(".choice-other-mark").render().plain == "● 其他："
        assert wizard.session.answers["mandate.judgement"] == custom.value
        await wait_saved(pilot)
    assert stored_answers(tmp_path / "data", report_id)["mandate.judgement"] == "圆满完成了全年任务各项工作取得新进展群众满意度提升"


# -------------------------------------------------------- 4. proposals


@async_test
async def test_defaults_wait_to_be_confirmed(tmp_path: Path) -> None:
    report_id = new_report(tmp_path / "data")
    on_disk = stored_answers(tmp_path / "data", report_id)
    assert "mandate.judgement" not in on_disk and "mandate.superior" not in on_disk  # nobody chose them
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        await pilot.pause(0.3)
        tree = wizard.query_one("#checklist")
        assert tree._states["mandate"] == "proposed" and tree._states["theory"] == "proposed"
        assert "? 上级党委与依据" in str(tree.item_nodes["mandate"].label)
        assert "mandate" in wizard.session.full_check().proposed_items

        # On screen, the defaults are shown and said to be defaults.
        await wizard.go_to("mandate")
        await pilot.pause(0.3)
        judgement = wizard.form().editor("mandate.judgement")
        assert judgement.raw() == "较好地完成"
        assert "默认内容" in judgement.message_text()[0]
        assert "较好地完成" in wizard.session.assemble().blocks[0].text  # used in the preview
        # Moving on accepts them.
        await pilot.press("pagedown")
        await pilot.pause(0.3)
        assert tree._states["mandate"] == "done"
        await pilot.press("pagedown")  # past 整改 (no entries) to 理论学习, shown and then left
        await pilot.pause(0.3)
        assert wizard.item.id == "theory"
        # Answering a field accepts its item's other defaults at once.
        await wizard.go_to("inspection")
        await pilot.pause()
        await pilot.press(*"4")
        assert wizard.session.answers["inspection.rule"]
        await wait_saved(pilot)
    on_disk = stored_answers(tmp_path / "data", report_id)
    assert on_disk["mandate.judgement"] == "较好地完成" and on_disk["mandate.superior"] == "市委"
    assert on_disk["inspection.organ_checks"] == 4 and on_disk["inspection.rule"]
    assert "theory.topics" in on_disk  # had on screen, then left
    assert "plan_duty.lessons" not in on_disk  # never had on screen: still a proposal


# ----------------------------------------------------------- 5. drafts


@async_test
async def test_a_draft_round_trips_through_answers_and_fill(tmp_path: Path) -> None:
    from store.core import Store
    from tui.session import open_session

    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "leading") as (app, pilot, wizard):
        await pilot.press(*"两次", "enter", *"4")
        editor = wizard.form().editor("leading.party_group")
        assert editor.error and "不是整数" in editor.error  # shown with its error
        await wait_saved(pilot)
        assert wizard.sub_title == "✔ 已保存"
    assert stored_drafts(tmp_path / "data", report_id) == {"leading.party_group": "两次"}
    assert "leading.party_group" not in stored_answers(tmp_path / "data", report_id)

    store = Store(tmp_path / "data")
    with open_session(store, report_id, readonly=True) as session:
        dumped = session.export_answers("yaml")
        check = session.full_check()
        report = session.assemble()
    assert "party_group: 两次" not in dumped.replace("# leading.party_group: 两次", "")
    assert "# leading.party_group: 两次" in dumped and "organ_committee: 4" in dumped
    assert any(p.severity == "error" and p.field_path == "leading.party_group" for p in check.problems)
    assert not check.ready
    assert "两次" not in "".join(b.full_text for b in report.blocks)  # never used as a value

    # The dump reads back with fill, into another report: the values, not the draft.
    other = new_report(tmp_path / "data")
    with open_session(store, other, write=True) as session:
        imported = session.import_answers_text(dumped, "yaml", "dump.yaml")
    assert imported["leading.organ_committee"] == 4 and "leading.party_group" not in imported

    # Reopened, the draft is shown again with its error; correcting it makes it a value.
    app = make_app(tmp_path, report_id, start_item="leading")
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        await pilot.pause()
        editor = wizard.form().editor("leading.party_group")
        assert editor.raw() == "两次" and editor.error
        await pilot.press("ctrl+a", "ctrl+k", *"12")
        await wait_saved(pilot)
    assert stored_drafts(tmp_path / "data", report_id) == {}
    assert stored_answers(tmp_path / "data", report_id)["leading.party_group"] == 12


# ---------------------------------------------------- 6. home import


@async_test
async def test_home_import_updates_the_listed_unit_year_and_title(tmp_path: Path) -> None:
    from store.core import Store

    report_id = new_report(tmp_path / "data", unit="旧单位")
    answers = tmp_path / "answers.yaml"
    answers.write_text("basics:\n  unit: 青山市新单位\n  year: 2024\nleading:\n  party_group: 7\n", encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await wait_screen(pilot, "HomeScreen")
        assert home.metas[0].unit == "旧单位"
        await pilot.press("i")
        await wait_screen(pilot, "PromptDialog")
        await pilot.press(*str(answers), "enter")
        home = await wait_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: home.metas and home.metas[0].unit == "青山市新单位", what="listed unit")
        meta = home.metas[0]
        assert meta.year == 2024
        assert "青山市新单位" in meta.title and "2024" in meta.title and "旧单位" not in meta.title
        assert str(home.query_one("#reports").get_row(report_id)[2]) == "2024"
    listed = Store(tmp_path / "data").get_meta(report_id)
    assert (listed.unit, listed.year) == ("青山市新单位", 2024)
    assert stored_answers(tmp_path / "data", report_id)["basics.position"] == "党组书记"  # its item accepted


# ------------------------------------------------------ 7. escape codes


@async_test
async def test_an_escape_in_an_answer_is_shown_neutralised_in_the_panel(tmp_path: Path) -> None:
    report_id = demo_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "problem_duty") as (app, pilot, wizard):
        area = wizard.form().editor("problem_duty.other").query_one("BlockInput")
        area.focus()
        await pilot.pause()
        app.post_message(events.Paste("查摆\x1b[2J\x1b]0;窗口标题\x07问题"))
        await pilot.pause()
        assert "\x1b[2J" in wizard.session.answers["problem_duty.other"][0]  # kept as typed (one line, one entry)
        panel = wizard.query_one("#paragraph")
        shown = panel._text.plain
        assert "查摆␛[2J␛]0;窗口标题␇问题" in shown
        assert not any(ord(c) < 32 and c != "\n" for c in shown)
        assert "\x1b" not in str(panel.render())
        # The preview shows it the same way, through the same renderer.
        await pilot.press("f2")
        preview = await wait_screen(pilot, "PreviewScreen")
        lines = "".join(line.render().plain.replace("\n", "") for line in preview.lines())  # wrapped lines joined
        assert "查摆␛[2J" in lines and "\x1b" not in lines


# ----------------------------------------------------------- 8. resume


@async_test
async def test_a_report_reopens_at_the_item_last_shown(tmp_path: Path) -> None:
    from store.core import Store

    report_id = new_report(tmp_path / "data")
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        assert wizard.item.id == "basics"  # the first time: item 1
        await wizard.go_to("talks")
        await pilot.pause()
        await pilot.press("escape")
        await wait_screen(pilot, "HomeScreen")
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        assert wizard.item.id == "talks"
        assert wizard.title.startswith("第 17/29 项")  # after 整改 (item 3)
    app = make_app(tmp_path, report_id, start_item="recruitment")  # shuzhi open REPORT --item recruitment
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        assert wizard.item.id == "recruitment"
    with Store(tmp_path / "data").open(report_id, readonly=True) as handle:
        assert handle.last_item == "recruitment"
