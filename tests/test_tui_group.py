"""Repeatable entries in the wizard (issue 16 item 6, issue 12 item 6): keys
typed across the empty 整改 item, the focus on arrival, a carried entry's
source read-only, n/N in the checklist, moving entries by key, deleting
undoably, and a removal of a carried entry kept in the report's history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.cells import cell_len
from test_tui_support import FIXED_TODAY, async_test, demo_report, stored_answers, wait_for, wait_saved, wizard_at
from test_tui_truth import _NAMED, keys_done, new_report
from test_tui_truth import burst as _burst
from textual import events
from textual.widgets import Button

from tui.widgets.checklist import LABEL_CELLS
from tui.widgets.editors.group import GroupEditor, GroupEntry
from tui.widgets.fields import BlockInput
from tui.widgets.options import OptionPicker
from tui.widgets.wrapped import WrappedStatic

PATH = "rectification.entries"


def carried_report(data_dir: Path) -> tuple[str, list[dict[str, Any]]]:
    """A report made with ``new --from`` the demo report; its carried entries."""
    from store.core import Store
    from tui.session import NewReport, create_report
    from workflows.loader import load_builtin

    last = demo_report(data_dir)
    store = Store(data_dir)
    try:
        meta = create_report(store, NewReport(load_builtin("dangjian-shuzhi")), previous=last, today=FIXED_TODAY)
    finally:
        store.close()
    return meta.id, stored_answers(data_dir, meta.id)[PATH]


def stored_history(data_dir: Path, report_id: str) -> list[dict[str, Any]]:
    from store.core import Store

    store = Store(data_dir)
    try:
        with store.open(report_id, readonly=True) as handle:
            return handle.history
    finally:
        store.close()


def burst(app: Any, *keys: str) -> None:
    """As test_tui_truth's burst, with PgUp and Ctrl keys by name too."""
    for key in keys:
        if key in _NAMED or not (key == "pageup" or key.startswith("ctrl+")):
            _burst(app, key)
        else:
            app.post_message(events.Key(key, None))


def group_of(wizard: Any) -> GroupEditor:
    editor = wizard.form().editor(PATH)
    assert isinstance(editor, GroupEditor)
    return editor


def entry_of(app: Any) -> GroupEntry | None:
    if app.focused is None:  # between two widgets (an entry being mounted)
        return None
    return next((a for a in app.focused.ancestors if isinstance(a, GroupEntry)), None)


# ------------------------------------------------ 1. keys across the empty item


@async_test
async def test_a_burst_across_the_empty_rectification_item_keeps_every_key(tmp_path: Path) -> None:
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "mandate") as (app, pilot, wizard):
        # From 上级党委与依据, through 整改 (no entries: the add button has the focus), into 理论学习.
        burst(app, "pagedown", "pagedown", "tab", "党组会议", "enter", "理论学习", "pageup", "pageup", "pagedown",
              "pagedown", "tab", "ctrl+a")
        await keys_done(pilot)
        assert wizard.item.id == "theory"
        assert wizard.session.answers["theory.ways"] == ["党组会议", "理论学习"]
        # Straight back to 整改 and on again, with the typing right behind.
        await wizard.go_to("rectification")
        await wait_for(pilot, lambda: isinstance(app.focused, Button), what="focus on ＋ 添加一条")
        assert "添加一条" in str(app.focused.label)  # nothing else to focus
        burst(app, "pagedown", "tab", "读书班")
        await keys_done(pilot)
        assert wizard.session.answers["theory.ways"] == ["党组会议", "理论学习读书班"]
        await wait_saved(pilot)
    assert stored_answers(tmp_path / "data", report_id)["theory.ways"] == ["党组会议", "理论学习读书班"]


@async_test
async def test_keys_typed_right_after_add_and_delete_wait_for_them(tmp_path: Path) -> None:
    """Enter on ＋ 添加一条 then typing, with no pause: the text lands in the
    new entry; Enter on 删除本条 then Ctrl+Z: the entry is back."""
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "rectification") as (app, pilot, wizard):
        group = group_of(wizard)
        await wait_for(pilot, lambda: isinstance(app.focused, Button), what="focus on ＋ 添加一条")
        burst(app, "enter", "tab", "第一条意见", "ctrl+up")
        await keys_done(pilot)
        assert wizard.session.answers[PATH] == [{"source": "第一条意见"}]
        group.entries()[0].query_one(".entry-delete", Button).focus()
        await pilot.pause()
        burst(app, "enter", "ctrl+z")
        await keys_done(pilot)
        await wait_for(pilot, lambda: group.ready, what="entries mounted")
        assert wizard.session.answers[PATH] == [{"source": "第一条意见"}]
        assert len(group.entries()) == 1 and entry_of(app) is group.entries()[0]


# ------------------------------------------------ 2. carried source read-only


@async_test
async def test_a_carried_entry_shows_its_source_read_only_and_the_focus_lands_on_its_status(tmp_path: Path) -> None:
    report_id, entries = carried_report(tmp_path / "data")
    assert len(entries) > 3 and all(e.get("source") for e in entries)
    async with wizard_at(tmp_path, report_id, "rectification") as (app, pilot, wizard):
        group = group_of(wizard)
        await wait_for(pilot, lambda: group.ready, what="entries mounted")
        first = group.entries()[0]
        assert first.carried
        # The source (and its kind) is text above status and measures, not an editable box.
        shown = first.query_one(".entry-source", WrappedStatic).source.plain
        assert entries[0]["source"] in shown and entries[0]["kind"] in shown
        assert [e.field.id for e in first.editors()] == ["status", "measures"]
        # On arrival: the first entry's first editable field, not 删除本条.
        assert isinstance(app.focused, OptionPicker) and entry_of(app) is first
        # A status given keeps the source as it was.
        await pilot.press("space")
        await wait_saved(pilot)
        saved = stored_answers(tmp_path / "data", report_id)[PATH][0]
        assert saved["source"] == entries[0]["source"] and saved["status"] == "已整改到位"
        # An entry the user adds keeps every field editable, the source included.
        group.add_entry()
        await wait_for(pilot, lambda: group.entries()[-1].ready, what="new entry")
        added = group.entries()[-1]
        assert not added.carried and not added.query(".entry-source")
        assert "source" in [e.field.id for e in added.editors()]
        await pilot.press("tab", *"评议会上提出的意见")
        await pilot.pause()
        assert wizard.session.answers[PATH][-1] == {"source": "评议会上提出的意见"}


# ------------------------------------------------ 3. n/N in the checklist


@async_test
async def test_the_checklist_counts_entries_done(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    report_id, entries = carried_report(tmp_path / "data")
    total = len(entries)
    async with wizard_at(tmp_path, report_id, "rectification") as (app, pilot, wizard):
        tree = wizard.query_one("#checklist")
        await wait_for(pilot, lambda: f"0/{total}" in tree.label_of("rectification"), what="0/N")
        group = group_of(wizard)
        await wait_for(pilot, lambda: group.ready, what="entries mounted")
        await pilot.press("space")  # the first entry's status: 已整改到位
        await wait_for(pilot, lambda: f"1/{total}" in tree.label_of("rectification"), what="1/N")
        assert wizard.session.answers[PATH][0]["status"] == "已整改到位"
        # Items without such entries show no count; the current mark stays beside the count.
        assert "/" not in tree.label_of("theory")
        label = tree.label_of("rectification")
        assert label.endswith(f"1/{total} ◂") and cell_len(label) <= LABEL_CELLS


# ------------------------------------------------ 4. move and undoable delete


@async_test
async def test_ctrl_arrows_move_the_focused_entry_and_the_store_keeps_the_order(tmp_path: Path) -> None:
    report_id, entries = carried_report(tmp_path / "data")
    sources = [e["source"] for e in entries]
    async with wizard_at(tmp_path, report_id, "rectification") as (app, pilot, wizard):
        group = group_of(wizard)
        await wait_for(pilot, lambda: group.ready and entry_of(app) is not None, what="focus in the first entry")
        keys = dict(wizard.context_keys())
        assert keys.get("Ctrl+↑↓") == "移动本条"  # in the footer for the focused entry
        await pilot.press("ctrl+down")
        await wait_for(pilot, lambda: group.ready and entry_of(app) is group.entries()[1], what="moved down")
        assert [e["source"] for e in wizard.session.answers[PATH]][:2] == [sources[1], sources[0]]
        assert group.entries()[1].query(".entry-source").first(WrappedStatic).source.plain.count(sources[0]) == 1
        assert isinstance(app.focused, OptionPicker)  # the same field of the moved entry
        await pilot.press("alt+down")  # the same with Alt
        await wait_for(pilot, lambda: group.ready and entry_of(app) is group.entries()[2], what="moved again")
        await pilot.press("ctrl+up")
        await wait_for(pilot, lambda: group.ready and entry_of(app) is group.entries()[1], what="moved up")
        # An entry of the user's moved above a carried one: each keeps its own kind of form.
        group.add_entry()
        await wait_for(pilot, lambda: group.ready and entry_of(app) is group.entries()[-1], what="added")
        await pilot.press("tab", *"评议意见一条", "ctrl+up")
        await wait_for(pilot, lambda: group.ready and entry_of(app) is group.entries()[-2], what="user entry up")
        assert [e.carried for e in group.entries()][-2:] == [False, True]
        assert wizard.session.answers[PATH][-2] == {"source": "评议意见一条"}
        assert isinstance(app.focused, BlockInput)  # still in its source field
        await wait_saved(pilot)
    # As `shuzhi answers` reads it: the store holds the new order, nothing lost.
    stored = [e["source"] for e in stored_answers(tmp_path / "data", report_id)[PATH]]
    assert stored == [sources[1], sources[0], *sources[2:-1], "评议意见一条", sources[-1]]


@async_test
async def test_deleting_an_entry_is_undone_with_ctrl_z_at_its_place(tmp_path: Path) -> None:
    report_id = new_report(tmp_path / "data")
    async with wizard_at(tmp_path, report_id, "rectification") as (app, pilot, wizard):
        group = group_of(wizard)
        for text in ("第一条意见", "第二条意见"):
            await pilot.press("enter") if isinstance(app.focused, Button) else group.add_entry()
            await wait_for(pilot, lambda: group.ready and isinstance(app.focused, OptionPicker), what="new entry")
            await pilot.press("tab", *text)  # 来源 → 问题或承诺
        await pilot.pause()
        assert [e["source"] for e in wizard.session.answers[PATH]] == ["第一条意见", "第二条意见"]
        group.entries()[0].query_one(".entry-delete", Button).focus()
        await pilot.pause()
        assert ("回车", "删除本条") in wizard.context_keys()
        await pilot.press("enter")  # deleted at once, no dialog
        await wait_for(pilot, lambda: len(wizard.session.answers[PATH]) == 1, what="deleted")
        assert wizard.session.answers[PATH] == [{"source": "第二条意见"}]
        assert "已删除第1条" in group.message_text()[0] and "Ctrl+Z" in group.message_text()[0]
        assert ("Ctrl+Z", "撤销删除") in wizard.context_keys()
        await wait_saved(pilot)
        assert len(stored_answers(tmp_path / "data", report_id)[PATH]) == 1
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: len(wizard.session.answers[PATH]) == 2, what="restored")
        assert [e["source"] for e in wizard.session.answers[PATH]] == ["第一条意见", "第二条意见"]
        assert ("Ctrl+Z", "撤销删除") not in wizard.context_keys()
        # Nothing more to undo: Ctrl+Z is the text's own undo again, the entries stay.
        await wait_for(pilot, lambda: group.ready, what="restored entries mounted")
        focused = app.focused
        assert entry_of(app) is group.entries()[0]
        group.entries()[1].editors()[1].focus_input()
        await pilot.pause()
        assert isinstance(app.focused, BlockInput) and focused is not app.focused
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(wizard.session.answers[PATH]) == 2
        await wait_saved(pilot)
    assert [e["source"] for e in stored_answers(tmp_path / "data", report_id)[PATH]] == ["第一条意见", "第二条意见"]
    assert stored_history(tmp_path / "data", report_id) == []  # user entries: nothing on record


# ------------------------------------------------ 5. a removal kept in the history


@async_test
async def test_removing_a_carried_entry_is_recorded_in_the_history(tmp_path: Path) -> None:
    report_id, entries = carried_report(tmp_path / "data")
    history = stored_history(tmp_path / "data", report_id)
    assert [h["source"] for h in history if h["event"] == "carried"] == [e["source"] for e in entries]
    notes: list[str] = []
    async with wizard_at(tmp_path, report_id, "rectification") as (app, pilot, wizard):
        real_notify = app.notify
        app.notify = lambda message, **kw: (notes.append(str(message)), real_notify(message, **kw))[1]
        group = group_of(wizard)
        await wait_for(pilot, lambda: group.ready, what="entries mounted")
        second = group.entries()[1]
        second.query_one(".entry-delete", Button).press()
        await wait_for(pilot, lambda: len(wizard.session.answers[PATH]) == len(entries) - 1, what="deleted")
        assert any("已删除上年度问题，已记入修改记录" in note for note in notes)
        removed = [h for h in stored_history(tmp_path / "data", report_id) if h["event"] == "removed"]
        assert len(removed) == 1
        assert removed[0]["source"] == entries[1]["source"] and removed[0]["kind"] == entries[1]["kind"]
        assert removed[0]["item"] == "rectification" and removed[0]["path"] == PATH and removed[0]["at"]
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: len(wizard.session.answers[PATH]) == len(entries), what="restored")
        assert wizard.session.answers[PATH][1]["source"] == entries[1]["source"]
        await wait_for(pilot, lambda: group.ready, what="restored entries mounted")
        assert group.entries()[1].carried  # still read-only where it came back
        await wait_saved(pilot)
    events = [h["event"] for h in stored_history(tmp_path / "data", report_id)]
    assert events[-2:] == ["removed", "restored"]


def test_a_damaged_history_table_is_reported() -> None:
    from store.schema import check_history

    assert check_history(None) == []
    good = {"at": "2025-12-01T10:00:00+08:00", "event": "removed", "item": "rectification", "path": PATH,
            "source": "问题", "kind": None}
    assert check_history({"1": good}) == []
    problems = check_history({"1": {**good, "event": "renamed"}, "2": {**good, "source": 3}})
    assert any("事件无效" in p for p in problems) and any("source" in p for p in problems)


def test_carried_entries_are_known_from_the_history_or_else_by_their_kind(tmp_path: Path) -> None:
    """Through the session: the history names the carried sources; a report
    made by ``new --from`` before the history was kept falls back on the
    entries' kind (上年度问题 / 上年度承诺) as opened."""
    import json

    from store.core import Store
    from tui.session import open_session
    from workflows.carryover import normalise

    report_id, entries = carried_report(tmp_path / "data")
    expected = {normalise(e["source"]) for e in entries}
    store = Store(tmp_path / "data")
    try:
        with open_session(store, report_id, readonly=True, today=FIXED_TODAY) as session:
            assert session.carried_texts(PATH) == expected
            assert session.carried_texts("key_tasks.tasks") == set()
        file = store.reports_dir / f"{report_id}.json"
        raw = json.loads(file.read_text(encoding="utf-8"))
        del raw["history"]  # as written before this version
        for doc in raw["answers"].values():
            if doc["path"] == PATH:
                doc["value"].append({"kind": "评议意见", "source": "评议会上的意见"})
        file.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
        with open_session(store, report_id, readonly=True, today=FIXED_TODAY) as session:
            assert session.carried_texts(PATH) == expected  # the 评议意见 is the user's
    finally:
        store.close()
