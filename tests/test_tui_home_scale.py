"""The home list and palette with many reports (issue 17, item 3): only the
rows on screen are built, the keys move through the whole list, the palette
searches a key made once per report and offers the best few."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from screen_text import screen_lines
from test_tui_support import async_test, make_app, wait_for, wait_screen

COUNT = 120


def many_reports(data: Path, count: int = COUNT) -> list[str]:
    """``count`` reports of 支部 ``i`` (青山市第i党支部), the first the most
    recently saved: one made as the app makes it, the others its copies
    written through the store's files, then the index rebuilt from them."""
    from store.core import Store
    from store.files import build_report
    from tui.session import NewReport, create_report
    from workflows.loader import load_builtin

    store = Store(data)
    workflow = load_builtin("zhibu-shuzhi")
    first = create_report(store, NewReport(workflow, year=2025, unit="青山市第0党支部", name="苏晓岚"))
    source = store.files.read(first.id).data
    fields = {k: v for k, v in source["report"]["1"].items() if k not in ("id", "created", "updated")}
    answers = list(source["answers"].values())
    start = _dt.datetime(2025, 11, 30, 12, 0, tzinfo=_dt.timezone(_dt.timedelta(hours=8)))
    ids = [first.id]
    for i in range(1, count):
        rid = f"r{i:05d}"
        now = (start - _dt.timedelta(minutes=i)).isoformat()
        title = f"2025年度青山市第{i}党支部书记抓党建工作述职报告"
        unit = f"青山市第{i}党支部"
        store.files.write(rid, build_report(rid, now, {**fields, "title": title, "unit": unit}, answers))
        ids.append(rid)
    store.rebuild_index()
    store.close()
    return ids


def shown(app) -> str:
    return "\n".join(screen_lines(app))


@async_test
async def test_only_the_rows_on_screen_are_built_and_the_keys_reach_every_row(tmp_path: Path) -> None:
    ids = many_reports(tmp_path / "data")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await wait_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: len(home.metas) == COUNT, what="the list")
        table = home.query_one("#reports")
        built: list[int] = []
        cells_of = table.cells_of

        def counting(row: int, current: bool):
            built.append(row)
            return cells_of(row, current)

        table.cells_of = counting
        table.refresh_rows()
        await pilot.pause()
        page = table.scrollable_content_region.height - 1
        assert built and max(built) < page and len(set(built)) <= page, (page, sorted(set(built)))
        assert [m.id for m in home.metas] == ids  # most recently saved first


        async def press(*keys: str, cached: bool = False) -> None:
            """Press ``keys``: only the rows then on screen are built (none
            if they were painted before: ``cached``)."""
            built.clear()
            await pilot.press(*keys)
            await pilot.pause()
            top = table.scroll_offset.y
            assert set(built) <= set(range(top, top + page)), (top, sorted(set(built)))
            assert cached or built

        await press("end")
        assert home.selected_id() == ids[-1]
        assert f"第{COUNT - 1}党支部" in shown(app) and "第1党支部" not in shown(app)
        await press("pageup")
        assert home.selected_id() == ids[-1 - page]
        await press("home", cached=True)
        assert home.selected_id() == ids[0]
        for key in ("pagedown", "pagedown", "down"):
            await press(key, cached=key == "down")
        row = 2 * page + 1
        assert home.selected_id() == ids[row]
        assert f"▸ 青山市第{row}党支部" in shown(app)  # the cursor row, marked, on screen

        await pilot.press("r")  # rename the highlighted report, far down the list
        dialog = await wait_screen(pilot, "PromptDialog")
        assert dialog.query_one("Input").value == home.metas[row].title
        await pilot.press("ctrl+a", "ctrl+k", *"改名后的报告", "enter")
        home = await wait_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: home.selected() is not None and home.selected().title == "改名后的报告",
                       what="renamed, still selected")
        assert home.selected_id() == ids[row]
        await pilot.press("enter")
        wizard = await wait_screen(pilot, "WizardScreen")
        assert wizard.session.report_id == ids[row]


def palette_lines(app) -> list[str]:
    """The first line of each of the palette's hits, in order."""
    hits = app.screen.query_one("CommandList")
    lines = []
    for index in range(hits.option_count):
        prompt = hits.get_option_at_index(index).prompt
        lines.append(str(getattr(prompt, "plain", prompt)).split("\n")[0])
    return lines


@async_test
async def test_palette_offers_the_best_reports_from_their_search_keys(tmp_path: Path) -> None:
    from tui.screens.commands import KEYED_SHOWN

    many_reports(tmp_path / "data")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 40)) as pilot:
        home = await wait_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: len(home.metas) == COUNT, what="the list")
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"第37党支部")
        await pilot.pause(1.0)
        text = shown(app)
        assert "打开：2025年度青山市第37党支部书记" in text, text
        assert "第38党支部" not in text and "另有" not in text
        assert "支部述职 · 2025年度 · 青山市第37党支部 · 保存于" in text, text  # what the key holds
        await pilot.press("enter")
        wizard = await wait_screen(pilot, "WizardScreen")
        assert wizard.session.report_id == "r00037"
        await pilot.press("escape")
        home = await wait_screen(pilot, "HomeScreen")
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"党支部")  # every report: the best few, and how many more
        await pilot.pause(1.0)
        lines = palette_lines(app)
        assert sum(line.startswith("打开：") for line in lines) == KEYED_SHOWN, lines
        assert f"另有 {COUNT - KEYED_SHOWN} 份报告匹配" in lines[-1], lines
        await pilot.press(*"无此条目")
        await pilot.pause(1.0)
        assert "没有找到匹配的条目或命令" in shown(app)


def test_keyed_query_ranks_words_found_whole_before_scattered_characters() -> None:
    from tui.screens.commands import KeyedQuery, KeyIndex

    keys = [("青山市第一党支部 2025 支部述职", "whole"), ("第三届 一次 党员 支部", "scattered"),
            ("机关党委 2024", "none"), ("支部述职 一党支部\n第二", "newline")]
    query = KeyedQuery("一党支部")
    assert query.score(keys[0][0]) > query.score(keys[1][0]) > 0 == query.score(keys[2][0])
    index = KeyIndex(keys)
    best, matched = index.best("一党支部", count=1)
    assert [item for _score, item in best] == ["whole"] and matched == 3
    assert [item for _score, item in index.best("一党支部")[0]] == ["whole", "newline", "scattered"]
    assert index.contains("一党支部") == ["whole", "newline"] and index.contains("支部 2025") == ["whole"]
    assert index.best("部第")[1] == 1  # never across two keys ("…支部\n第二" is one key, "部 第" in it)
    assert [item for _score, item in index.best("2025 第一")[0]] == ["whole"]  # words in any order
    assert index.best("  ") == ([], 0) and index.contains("") == []
    assert index.any("机委") and not index.any("委机") and not index.any("部机")
    assert KeyIndex([("标题[b].*", 1)]).best("[b].*")[1] == 1  # no markup, no regex syntax
    assert str(query.highlight("青山市第一党支部", None)) == "青山市第一党支部"


@async_test
async def test_slash_filters_the_list_on_the_same_keys(tmp_path: Path) -> None:
    ids = many_reports(tmp_path / "data")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await wait_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: len(home.metas) == COUNT, what="the list")
        assert "/ 按标题、单位或年度筛选" in shown(app)
        await pilot.press("slash", *"第37")
        await pilot.pause()
        assert [m.id for m in home.shown] == ["r00037"] and len(home.metas) == COUNT
        assert f"筛选“第37”：1/{COUNT} 份报告" in shown(app)
        assert "▸ 青山市第37党支部" in shown(app) and "第36党支部" not in shown(app)
        await pilot.press("n")  # typed into the filter, not the key N (new report)
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen" and home.filter_text == "第37n" and home.shown == []
        assert f"筛选“第37n”：0/{COUNT} 份报告" in shown(app)
        await pilot.press("backspace", "enter", "enter")  # back to the list, open the one left
        wizard = await wait_screen(pilot, "WizardScreen")
        assert wizard.session.report_id == "r00037"
        await pilot.press("escape")
        home = await wait_screen(pilot, "HomeScreen")
        await pilot.press("escape")  # clears the filter: every report again, the one opened still selected
        await pilot.pause()
        assert len(home.shown) == COUNT and home.filter_text == ""
        assert home.selected_id() == "r00037"
        assert not home.query_one("#home-filter").display
        await pilot.press("slash", *"2024")  # nothing matches: an empty list, the reports kept
        await pilot.pause()
        assert home.shown == [] and home.selected() is None
        await pilot.press("escape")
        await pilot.pause()
        assert sorted(m.id for m in home.shown) == sorted(ids)
