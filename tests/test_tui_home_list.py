"""The home list at 80 columns (issue 12, item 11): short workflow names, the
title column taking the rest, and every title distinguishable by its unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from screen_text import screen_lines
from test_tui_support import async_test, demo_report, make_app, wait_for, wait_screen

UNITS = (  # the same long prefix: only the end tells them apart
    ("dangjian-shuzhi", 2025, "青山市自然资源和规划局"),
    ("dangjian-shuzhi", 2024, "青山市自然资源和规划局"),
    ("dangjian-shuzhi", 2025, "青山市自然资源和规划局机关党委"),
    ("zhibu-shuzhi", 2025, "青山市自然资源和规划局第一党支部"),
    ("zhibu-shuzhi", 2025, "青山市自然资源和规划局第二党支部"),
    ("personal-summary", 2025, "青山市自然资源和规划局"),
)


def many_reports(data: Path) -> list[str]:
    from store.core import Store
    from tui.session import NewReport, create_report
    from workflows.loader import load_builtin

    store = Store(data)
    ids = [demo_report(data)]
    for workflow, year, unit in UNITS:
        meta = create_report(store, NewReport(load_builtin(workflow), year=year, unit=unit, name="苏晓岚"))
        ids.append(meta.id)
    return ids


def cut(text: str, start: int, end: int | None = None) -> str:
    """Columns ``start`` to ``end`` of a screen line (a wide character takes two)."""
    from rich.cells import cell_len

    out, column = [], 0
    for char in text:
        if column >= start and (end is None or column + cell_len(char) <= end):
            out.append(char)
        column += cell_len(char)
    return "".join(out)


def column_of(header: str, name: str) -> int:
    from rich.cells import cell_len

    return cell_len(header[: header.index(name)])


def rows_shown(app, count: int) -> list[str]:
    """The list's rows as on screen (the header is the second line)."""
    lines = screen_lines(app)
    return lines[2 : 2 + count]


@async_test
async def test_titles_stay_distinguishable_at_80_columns(tmp_path: Path) -> None:
    from store.core import Store

    ids = many_reports(tmp_path / "data")
    metas = {m.id: m for m in Store(tmp_path / "data").list_reports()}
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await wait_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: len(home._progress) == len(ids) and len(home._workflow_names) == 3,
                       what="progress and workflow names")
        await pilot.pause(0.2)
        header = screen_lines(app)[1]
        assert all(name in header for name in ("标题", "工作流", "年度", "进度", "上次保存")), header
        title_end = column_of(header, "工作流")
        shown = rows_shown(app, len(ids))
        titles = [cut(row, 0, title_end).strip(" ▸") for row in shown]
        years = [cut(row, title_end).split()[1] for row in shown]
        assert len(set(zip(titles, years))) == len(titles), titles  # no two rows alike
        for row, title, meta in zip(shown, titles, home.metas):
            cells = cut(row, title_end).split()
            assert cells[0] in ("党组述职", "支部述职", "个人总结"), row  # whole, never a stub
            assert cells[1] == str(meta.year), row
            assert cells[2].endswith("项") and "/" in cells[2], row
            # The unit, what tells these reports apart, is shown whole.
            if meta.unit in metas[meta.id].title:
                assert meta.unit in title, (title, metas[meta.id].title)


@async_test
async def test_the_title_column_takes_the_width_it_is_given(tmp_path: Path) -> None:
    many_reports(tmp_path / "data")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 24)) as pilot:
        home = await wait_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: len(home._workflow_names) == 3, what="workflow names")
        await pilot.pause(0.2)
        wide = [row for row in rows_shown(app, len(home.metas)) if "第一党支部" in row]
        assert wide and "第一党支部书记抓党建工作述职报告" in wide[0], wide  # whole, no ellipsis
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.3)
        narrow = [row for row in rows_shown(app, len(home.metas)) if "第一党支部" in row]
        assert narrow and "…" in narrow[0] and len(narrow[0]) <= 80, narrow


def test_listed_title_drops_only_the_year_the_year_column_shows() -> None:
    from tui.screens.home import listed_title, saved_cell

    assert listed_title("2025年度某局党组书记抓机关党建工作述职报告", 2025) == "某局党组书记抓机关党建工作述职报告"
    assert listed_title("示例：2025年度某局述职报告", 2025) == "示例：某局述职报告"
    assert listed_title("2024年度某局述职报告", 2025) == "2024年度某局述职报告"
    assert listed_title("关于某局2025年度工作的报告", 2025) == "关于某局2025年度工作的报告"  # not at the start
    assert listed_title("2025年度", 2025) == "2025年度"
    assert listed_title("2025年个人总结", 2025) == "个人总结"
    assert listed_title("某局述职报告", None) == "某局述职报告"
    assert saved_cell("2025-12-01T10:00:05+08:00", 2025) == "12-01 10:00"
    assert saved_cell("2024-12-01T10:00:05+08:00", 2025) == "2024-12-01"


@pytest.mark.parametrize(("short", "error"), [("支部述职", None), ("党支部述职报告", "最多 4 个字")])
def test_short_title_of_a_workflow(short: str, error: str | None) -> None:
    from workflows.loader import WorkflowError, load_builtin, load_workflow_text

    text = (Path(load_builtin("zhibu-shuzhi").source).read_text(encoding="utf-8")
            .replace("short_title: 支部述职", f"short_title: {short}"))
    if error is None:
        assert load_workflow_text(text).short_name() == short
    else:
        with pytest.raises(WorkflowError, match=error):
            load_workflow_text(text)


def test_a_workflow_without_short_title_is_cut_to_fit() -> None:
    from workflows.loader import load_builtin

    import dataclasses

    wf = dataclasses.replace(load_builtin("dangjian-shuzhi"), short_title="")  # a copy: the loaded one is shared
    assert wf.short_name() == "党组书…"  # brackets dropped, cut at 4 characters
