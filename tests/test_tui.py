"""Pilot tests of the guided app: a new report walked through by keyboard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
        assert wizard.title.startswith("第 1/29 项")
        assert "青山市自然资源局" in wizard.session.title

        # Item 4 (主持会议): counts typed, one of them invalid first.
        await wizard.go_to("leading")
        # Its form is mounted on this first visit: the focus follows (keys wait meanwhile).
        focused = await wait_for(pilot, lambda: isinstance(app.focused, Input) and app.focused, what="focus")
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


def notes(app) -> list[str]:
    """Messages of the notifications shown so far."""
    return list(app.notes_shown)


@async_test
async def test_paste_multiline_into_long_text_and_one_line(tmp_path: Path) -> None:
    from textual import events

    report_id = demo_report(tmp_path / "data")
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        await wizard.go_to("problem_duty")
        await pilot.pause()
        area = wizard.form().editor("problem_duty.other").query_one(TextArea)
        area.focus()
        area.clear()
        await pilot.pause()
        pasted = "一是学习不够深入。\n二是调研不够扎实。\n三是督导不够有力。"
        app.post_message(events.Paste(pasted))  # as the terminal delivers it
        await pilot.pause()
        assert area.text == pasted

        await wizard.go_to("basics")
        await pilot.pause()
        line = wizard.form().editor("basics.name").query_one(Input)
        line.focus()
        line.value = ""
        await pilot.pause()
        app.post_message(events.Paste("李\n四\n"))  # a one-line field joins the lines
        await pilot.pause()
        assert line.value == "李四"

        await wait_saved(pilot)
        on_disk = stored_answers(tmp_path / "data", report_id)
        assert on_disk["problem_duty.other"] == pasted.split("\n")  # 其他问题: one entry a line
        assert on_disk["basics.name"] == "李四"


@async_test
async def test_report_held_by_another_session_opens_read_only(tmp_path: Path) -> None:
    from store.core import Store

    report_id = demo_report(tmp_path / "data")
    other = Store(tmp_path / "data").open(report_id)  # another session edits it
    try:
        assert not other.readonly
        before = stored_answers(tmp_path / "data", report_id)
        app = make_app(tmp_path, report_id)
        async with app.run_test(size=(80, 24)) as pilot:
            wizard = await wait_screen(pilot, "WizardScreen")
            assert wizard.session.readonly
            banner = str(wizard.query_one("#readonly-banner").render())
            assert "只读" in banner and "另一个会话" in banner
            assert wizard.sub_title == "只读"
            line = wizard.form().editor("basics.unit").query_one(Input)
            assert line.disabled
            await pilot.press(*"改动")
            await wizard.go_to("problem_duty")
            await pilot.pause()
            area = wizard.form().editor("problem_duty.other").query_one(TextArea)
            assert area.read_only
            await pilot.press("escape")
            await wait_screen(pilot, "HomeScreen")
        assert stored_answers(tmp_path / "data", report_id) == before
    finally:
        other.close()


@async_test
async def test_export_word_and_read_it_back(tmp_path: Path) -> None:
    import docx

    report_id = demo_report(tmp_path / "data")
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        title = wizard.session.assemble().title
        await pilot.press("f3")
        dialog = await wait_screen(pilot, "ExportDialog")
        assert dialog.selected_format() == "docx"
        assert not dialog.blockers  # the demo report is complete
        assert dialog.query_one("#export-folder", Input).value == str(tmp_path / "out")
        await pilot.press("enter")  # in the file name: the highlighted 导出
        message = await wait_screen(pilot, "MessageDialog", timeout=60)
        target = tmp_path / "out" / f"{title}.docx"
        assert str(target) in message.message
        await pilot.press("enter")
        await wait_screen(pilot, "WizardScreen")

        # Exporting again asks before overwriting.
        await pilot.press("f3")
        await wait_screen(pilot, "ExportDialog")
        await pilot.press("enter")
        confirm = await wait_screen(pilot, "ConfirmDialog")
        assert "已存在" in confirm.question
        await pilot.press("n")
        await wait_screen(pilot, "ExportDialog")
        await pilot.press("escape")

    document = docx.Document(str(target))
    text = "\n".join(p.text for p in document.paragraphs)
    assert title.replace(" ", "") in text.replace(" ", "").replace("\n", "")
    assert "青山市自然资源和规划局" in text


@async_test
async def test_final_export_with_pending_items_offers_a_draft(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "HomeScreen")
        from tui.session import NewReport, create_report
        from workflows.loader import load_builtin

        meta = create_report(app.store, NewReport(load_builtin("dangjian-shuzhi"), year=2025, unit="某局", name="王五"))
        app.open_report(meta.id)
        await wait_screen(pilot, "WizardScreen")
        await pilot.press("f3")
        dialog = await wait_screen(pilot, "ExportDialog")
        dialog.choose_format("txt")
        await pilot.pause()
        assert dialog.selected_format() == "txt"
        await pilot.click("#export-final")
        status = str(dialog.query_one("#export-status").render())
        assert "不能导出正式稿" in status
        assert "主持会议" in status  # pending items listed by title
        assert app.focused is dialog.query_one("#export-draft")
        await pilot.press("enter")
        await wait_screen(pilot, "MessageDialog", timeout=30)
    drafts = list((tmp_path / "out").glob("*（草稿）.txt"))
    assert len(drafts) == 1
    content = drafts[0].read_text(encoding="utf-8")
    assert "某局" in content and "【待填：" in content


@async_test
async def test_home_rename_delete_restore(tmp_path: Path) -> None:
    from store.core import Store

    first = demo_report(tmp_path / "data")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await wait_screen(pilot, "HomeScreen")
        assert [m.id for m in home.metas] == [first]
        await wait_for(pilot, lambda: home._progress.get(first, "").endswith("项"), what="progress")
        assert home._progress[first] == "29/29项"

        await pilot.press("r")
        await wait_screen(pilot, "PromptDialog")
        await pilot.press("ctrl+a", "ctrl+k", *"二〇二五年述职", "enter")
        home = await wait_screen(pilot, "HomeScreen")
        assert Store(tmp_path / "data").get_meta(first).title == "二〇二五年述职"

        await pilot.press("d")
        confirm = await wait_screen(pilot, "ConfirmDialog")
        assert "回收站" in confirm.question
        await pilot.press("y")
        home = await wait_screen(pilot, "HomeScreen")
        assert home.metas == []
        assert home.query_one("#home-empty").display
        assert Store(tmp_path / "data").get_meta(first).deleted

        await pilot.press("b")  # the recycle bin
        await pilot.pause()
        assert [m.id for m in home.metas] == [first] and home.metas[0].deleted
        await pilot.press("u")
        await pilot.pause()
        assert not Store(tmp_path / "data").get_meta(first).deleted
        assert [m.id for m in home.metas] == [first] and not home.show_bin


@async_test
async def test_copy_from_earlier_year_marks_answers_until_confirmed(tmp_path: Path) -> None:
    first = demo_report(tmp_path / "data")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "HomeScreen")
        await pilot.press("c")
        prompt = await wait_screen(pilot, "PromptDialog")
        assert prompt.query_one(Input).value == "2026"  # the demo is for 2025
        await pilot.press("enter")
        wizard = await wait_screen(pilot, "WizardScreen")
        assert wizard.session.report_id != first
        assert wizard.session.answers["basics.year"] == 2026
        assert wizard.session.unconfirmed()  # copied answers wait for confirmation
        await wizard.go_to("leading")
        await pilot.pause(0.3)
        tree = wizard.query_one("#checklist")
        assert tree._states["leading"] == "copied"
        editor = wizard.form().editor("leading.party_group")
        assert "沿用2025年" in editor.message_text()[0]
        await pilot.press("ctrl+g")
        await pilot.pause(0.3)
        assert tree._states["leading"] != "copied"
        assert not any(p.startswith("leading.") for p in wizard.session.unconfirmed())
        # Changing a copied answer confirms it too.
        await wizard.go_to("documents")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *"9")
        await wait_saved(pilot)
        report_id = wizard.session.report_id
    on_disk = stored_answers(tmp_path / "data", report_id)
    assert on_disk["documents.total"] == 9
    from store.core import Store

    handle = Store(tmp_path / "data").open(report_id, readonly=True)
    unconfirmed = handle.unconfirmed()
    handle.close()
    assert "documents.total" not in unconfirmed
    assert not any(p.startswith("leading.") for p in unconfirmed)
    assert "dual_life.branch_life" in unconfirmed or any(p.startswith("dual_life.") for p in unconfirmed)


async def enter_path(pilot: Any, path: Path) -> None:
    """Fill the prompt's input with ``path`` (not key by key) and press Enter."""
    from textual.widgets import Input

    field = pilot.app.screen.query_one("#prompt-input", Input)
    field.value = str(path)
    field.cursor_position = len(field.value)
    await pilot.pause()
    await pilot.press("enter")


@async_test
async def test_import_answers_file_from_home(tmp_path: Path) -> None:
    first = demo_report(tmp_path / "data")
    good = tmp_path / "answers.yaml"
    good.write_text("leading:\n  party_group: 31\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("leading:\n  party_group: 很多\n  nonsense: 1\n", encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "HomeScreen")
        await pilot.press("i")
        await wait_screen(pilot, "PromptDialog")
        await enter_path(pilot, bad)
        dialog = await wait_screen(pilot, "MessageDialog")
        assert "没有导入任何内容" in dialog.message
        assert "leading.party_group" in dialog.message and "nonsense" in dialog.message
        await pilot.press("enter")
        await wait_screen(pilot, "HomeScreen")
        assert stored_answers(tmp_path / "data", first)["leading.party_group"] != 31

        await pilot.press("i")
        await wait_screen(pilot, "PromptDialog")
        await enter_path(pilot, tmp_path / "missing.yaml")
        prompt = app.screen
        assert "找不到文件" in str(prompt.query_one("#prompt-error").render())
        await enter_path(pilot, good)
        await wait_screen(pilot, "HomeScreen")
        assert any("已导入 1 个答案" in n for n in notes(app))
    assert stored_answers(tmp_path / "data", first)["leading.party_group"] == 31


@async_test
async def test_small_terminal_and_encoding_warnings(tmp_path: Path) -> None:
    app = make_app(tmp_path, environ={"LANG": "C"})
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "TooSmallScreen"
        assert "80" in str(app.screen.query_one("#too-small-text").render())
        assert any("UTF-8" in n for n in notes(app))
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


@async_test
async def test_damaged_report_is_an_error_message_not_a_crash(tmp_path: Path) -> None:
    report_id = demo_report(tmp_path / "data")
    (tmp_path / "data" / "reports" / f"{report_id}.json").write_text("{ not json", encoding="utf-8")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await wait_screen(pilot, "HomeScreen")
        app.open_report(report_id)
        await wait_for(pilot, lambda: any("无法" in n or "损坏" in n or "JSON" in n for n in notes(app)), what="error")
        assert app.screen is home
        assert app.is_running


@async_test
async def test_command_palette_jumps_to_item_by_name(tmp_path: Path) -> None:
    report_id = demo_report(tmp_path / "data")
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        await pilot.press("ctrl+p")
        await wait_screen(pilot, "CommandPalette")
        await pilot.press(*"发展党员")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_screen(pilot, "WizardScreen")
        await wait_for(pilot, lambda: wizard.item.id == "recruitment", what="jump")
        assert wizard.title.startswith(f"第 {wizard.index + 1}/29 项")


@async_test
async def test_preview_marker_leads_to_its_item(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "HomeScreen")
        from tui.session import NewReport, create_report
        from workflows.loader import load_builtin

        meta = create_report(app.store, NewReport(load_builtin("dangjian-shuzhi"), year=2025, unit="某局", name="王五"))
        app.open_report(meta.id)
        wizard = await wait_screen(pilot, "WizardScreen")
        await pilot.press("f2")
        preview = await wait_screen(pilot, "PreviewScreen")
        summary = str(preview.query_one("#preview-summary").render())
        assert "待填" in summary and "字" in summary and "页" in summary
        focused = app.focused
        assert focused.pending  # the first pending marker has the focus
        item = focused.item_id
        await pilot.press("enter")
        await wait_screen(pilot, "WizardScreen")
        assert wizard.item.id == item
        await pilot.press("f5")  # the next item not done
        assert wizard.item.id != item


@async_test
async def test_group_entries_added_filled_and_deleted(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "HomeScreen")
        from tui.session import NewReport, create_report
        from workflows.loader import load_builtin

        meta = create_report(app.store, NewReport(load_builtin("dangjian-shuzhi"), year=2025, unit="某局", name="王五"))
        app.open_report(meta.id)
        wizard = await wait_screen(pilot, "WizardScreen")
        await wizard.go_to("key_tasks")
        await pilot.pause()
        group = wizard.form().editor("key_tasks.tasks")
        assert "必填" in group.message_text()[0]
        await pilot.press("enter")  # the focused “＋ 添加一条”
        await pilot.pause(0.2)
        await pilot.press(*"作风建设专项整治")
        await pilot.press("tab", "y")  # 本人亲自牵头: 是
        await pilot.press("tab", *"制定实施方案", "enter", *"召开推进会3次")
        await pilot.pause(0.2)
        assert wizard.session.answers["key_tasks.tasks"] == [
            {"name": "作风建设专项整治", "led": True, "measures": ["制定实施方案", "召开推进会3次"]}
        ]
        assert "作风建设专项整治" in wizard.paragraph_plain

        group.add_entry()
        await pilot.pause(0.2)
        await pilot.press(*"常态化督查")
        await pilot.pause(0.2)
        assert len(wizard.session.answers["key_tasks.tasks"]) == 2
        first = group.entries()[0]
        first.query_one(".entry-delete").press()  # deleted at once, undoable (Ctrl+Z)
        await pilot.pause(0.2)
        assert wizard.session.answers["key_tasks.tasks"] == [{"name": "常态化督查"}]
        assert [e.path for e in group.entries()[0].query("FieldEditor")][0] == "key_tasks.tasks[1].name"
        await wait_saved(pilot)
        report_id = wizard.session.report_id
    assert stored_answers(tmp_path / "data", report_id)["key_tasks.tasks"] == [{"name": "常态化督查"}]


@async_test
async def test_progress_column_remembered_between_runs(tmp_path: Path) -> None:
    import datetime as dt

    from test_tui_support import FIXED_TODAY

    from workflows.cache import Cache

    report_id = demo_report(tmp_path / "data")
    for run in range(2):
        # A new process's cache, and the second run on the next day (the first start of a day).
        app = make_app(tmp_path, cache=Cache(tmp_path / "cache"), today=FIXED_TODAY + dt.timedelta(days=run))
        async with app.run_test(size=(80, 24)) as pilot:
            home = await wait_screen(pilot, "HomeScreen")
            if run == 0:
                await wait_for(pilot, lambda: home._progress.get(report_id), what="progress")
                await app.workers.wait_for_complete()
            else:
                # Known at once from the report's state in the index: no report read, no worker.
                assert home._progress[report_id] == "29/29项"
                assert not [w for w in app.workers if w.group == "home-progress"]
    # Kept as the report's state in the index (tui.session.state), not per day in the cache.
    index = json.loads((tmp_path / "data" / "index.json").read_text(encoding="utf-8"))
    (state,) = [doc["state"] for doc in index["reports"].values() if doc["id"] == report_id]
    assert (state["done"], state["total"]) == (29, 29)
    assert not (tmp_path / "cache" / "progress").exists()
