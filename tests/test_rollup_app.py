"""The app's 汇总支部数据 (F8 in the wizard of a bureau report): pick two
branch reports with the keyboard, see the table, confirm; the totals are
stored with their provenance, and the wizard shows where they came from."""

from __future__ import annotations

from pathlib import Path

from test_tui_support import (
    async_test,
    stored_answers,
    wait_for,
    wait_screen,
    wizard_at,
)

from store import Store
from tui.screens.wizard import ItemCommands
from tui.session import NewReport, create_report, open_session
from workflows.loader import load_builtin, sample_answers_path
from workflows.rollup import cell_width


def make_reports(data: Path) -> tuple[str, list[str]]:
    store = Store(data)
    bureau_wf, branch_wf = load_builtin("dangjian-shuzhi"), load_builtin("zhibu-shuzhi")
    bureau = create_report(store, NewReport(bureau_wf, year=2025, unit="青山市自然资源和规划局")).id
    with open_session(store, bureau, write=True) as session:
        session.import_answers_file(sample_answers_path("dangjian-shuzhi"))
        session.set_answers({"standardisation.branch_count": 12})
    sample = sample_answers_path("zhibu-shuzhi").read_text(encoding="utf-8")
    branches = []
    for unit, committee in (("第一党支部", "14"), ("第二党支部", "20余")):
        rid = create_report(store, NewReport(branch_wf, year=2025, unit=unit)).id
        with open_session(store, rid, write=True) as session:
            text = sample.replace("不动产登记中心党支部", unit).replace("committee: 14", f"committee: {committee}")
            session.import_answers_text(text, "yaml", unit)
        branches.append(rid)
    return bureau, branches


@async_test
async def test_rollup_action_picks_two_reports_confirms_and_shows_provenance(tmp_path):
    data = tmp_path / "data"
    bureau, (first, second) = make_reports(data)
    async with wizard_at(tmp_path, bureau, "three_one") as (app, pilot, wizard):
        # F8 (in F1's list of keys) and the command palette offer it.
        assert wizard.active_bindings["f8"].binding.description == "汇总支部数据"
        assert "汇总支部数据" in [name for name, _, _ in ItemCommands(wizard, None)._targets()]
        await pilot.press("f8")
        dialog = await wait_screen(pilot, "RollupScreen")
        order = dialog.report_ids
        assert sorted(order) == sorted([first, second])
        # Keyboard only: Space ticks the first, ↓ Space the second.
        await pilot.press("space", "down", "space")
        assert sorted(dialog.picked_reports()) == sorted([first, second])
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: dialog.plan is not None, what="the table")
        status = str(dialog.query_one("#rollup-status").render())
        assert "已汇总 2/12 个支部" in status and "召开支委会（次）" in status
        assert app.focused.id == "rollup-write"
        await pilot.press("enter")
        await wait_screen(pilot, "ConfirmDialog")
        await pilot.press("y")
        wizard = await wait_screen(pilot, "WizardScreen")
        editor = wizard.form().editor("three_one.committee")
        await wait_for(pilot, lambda: "汇总" in editor.message_text()[0], what="provenance under the field")
        text = editor.message_text()[0]
        # At 80 columns the line is cut after a branch; it fits the field's border.
        assert text.startswith(("Σ 由 2 个支部汇总：第一党支部 14", "Σ 由 2 个支部汇总：第二党支部 20余"))
        assert "，" in text or text.endswith("…等 2 个")
        assert cell_width(text) <= editor.size.width - 4
    answers = stored_answers(data, bureau)
    assert answers["three_one.committee"] == "34余"
    with open_session(Store(data), bureau, readonly=True) as session:
        sources = session.rollups["three_one.committee"]["sources"]
    assert {(s["branch"], s["value"], s["origin"]) for s in sources} == {
        ("第一党支部", 14, first), ("第二党支部", "20余", second),
    }


@async_test
async def test_rollup_dialog_reads_a_folder_of_answers_files(tmp_path):
    data = tmp_path / "data"
    bureau, (first, _second) = make_reports(data)
    folder = tmp_path / "files"
    folder.mkdir()
    with open_session(Store(data), first, readonly=True) as session:
        text = session.export_answers("yaml").replace("第一党支部", "第三党支部")
    (folder / "三支部.yaml").write_text(text, encoding="utf-8")
    (folder / "notes.txt").write_text("不是答案文件", encoding="utf-8")
    async with wizard_at(tmp_path, bureau, "three_one") as (app, pilot, wizard):
        await pilot.press("f8")
        dialog = await wait_screen(pilot, "RollupScreen")
        await pilot.press("space", "tab")  # one report, then the folder
        assert app.focused.id == "rollup-folder"
        app.focused.value = str(folder)  # the path set, not typed key by key
        await pilot.pause()
        await pilot.press("enter")
        assert [p.name for p in dialog.picked_files()] == ["三支部.yaml"]
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: dialog.plan is not None, what="the table")
        await pilot.press("escape")  # nothing written
        await wait_screen(pilot, "WizardScreen")
    assert stored_answers(data, bureau)["three_one.committee"] != 28


@async_test
async def test_no_rollup_key_on_a_branch_report(tmp_path):
    _bureau, (first, _second) = make_reports(tmp_path / "data")
    async with wizard_at(tmp_path, first) as (app, pilot, wizard):
        assert "f8" not in wizard.active_bindings
        assert "汇总支部数据" not in [name for name, _, _ in ItemCommands(wizard, None)._targets()]
        await pilot.press("f8")
        await pilot.pause()
        assert type(app.screen).__name__ == "WizardScreen"
