"""Lookups and paged listings that read only the index lines they need
(store.index: one entry per line, newest first), and the fall-back to the
whole file when it is not in that layout."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from cli_support import Cli

from store import Store
from store.errors import Ambiguous, NotFound
from store.index import ReportIndex

WF = "dangjian-shuzhi"


def make(store: Store, title: str) -> str:
    return store.create(WF, 1, title, "某局", 2025).id


@pytest.fixture(autouse=True)
def ticking_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write a second after the last ("updated" has whole seconds)."""
    from store import _fs

    seconds = itertools.count(1)
    def iso(dt: object = None) -> str:
        n = next(seconds)
        return f"2025-01-01T{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}+00:00"

    monkeypatch.setattr(_fs, "iso", iso)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


@pytest.fixture
def three(store: Store) -> list[str]:
    return [make(store, title) for title in ("甲局总结一", "甲局总结二", "乙局报告")]


def no_whole_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: ReportIndex, **kwargs: object) -> None:
        raise AssertionError("the whole index was parsed")

    monkeypatch.setattr(ReportIndex, "entries", refuse)


def test_index_lines_are_newest_first(store: Store, three: list[str]) -> None:
    with store.open(three[0]) as handle:  # the oldest becomes the newest
        handle.set_answer("basics.name", "张三")
    lines = store.index_path.read_text(encoding="utf-8").splitlines()
    ids = [json.loads("{" + line.rstrip(",") + "}").popitem()[1]["id"] for line in lines[5:-2]]
    assert ids == [three[0], three[2], three[1]]


def test_lookups_read_only_matching_lines(store: Store, three: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = Store(store.root)
    no_whole_reads(monkeypatch)
    assert fresh.find(three[1]).title == "甲局总结二"  # exact id: the report's own file
    if len({t[:5] for t in three}) == 3:
        assert fresh.find(three[2][:5]).id == three[2]  # an id prefix: the matching lines
    assert fresh.find("乙局").id == three[2]
    assert fresh.find("甲局总结一").id == three[0]
    with pytest.raises(Ambiguous) as err:
        fresh.find("甲局")
    assert {m.id for m in err.value.candidates} == {three[0], three[1]}
    assert [m.id for m in fresh.list_reports(limit=2)] == [three[2], three[1]]
    assert fresh.index.last_total == 3


def test_a_report_ahead_of_the_index_is_found_and_listed(store: Store, three: list[str]) -> None:
    other = Store(store.root)
    handle = other.open(three[1])  # another session renames it; the index lags until it closes
    handle.set_answer("basics.name", "李四")
    with handle._write():
        handle._report.update({"title": "丙局报告"}, doc_ids=[1])
    fresh = Store(store.root)
    assert fresh.find("丙局").id == three[1]  # not in the index's lines: the full listing finds it
    page = fresh.list_reports(limit=1)
    assert [m.id for m in page] == [three[1]] and page[0].title == "丙局报告"
    handle.close()


def test_missing_names_and_the_bin(store: Store, three: list[str]) -> None:
    store.delete(three[2])
    fresh = Store(store.root)
    with pytest.raises(NotFound, match="回收站"):
        fresh.find("乙局")
    assert fresh.find("乙局", include_deleted=True).id == three[2]
    with pytest.raises(NotFound, match="没有找到"):
        fresh.find("丁局")
    assert [m.id for m in fresh.list_reports(limit=5)] == [three[1], three[0]]
    assert fresh.index.last_total == 2


def test_an_index_in_another_layout_is_read_whole(store: Store, three: list[str]) -> None:
    data = json.loads(store.index_path.read_text(encoding="utf-8"))
    store.index_path.write_text(json.dumps(data, ensure_ascii=False, indent=4), encoding="utf-8")
    fresh = Store(store.root)
    assert fresh.index.lookup("乙局") is None
    assert fresh.find("乙局").id == three[2]
    assert [m.id for m in fresh.list_reports(limit=2)] == [three[2], three[1]]


def test_list_shows_a_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.cli.reports as reports

    work = tmp_path / "work"
    work.mkdir()
    cli = Cli(tmp_path / "data", tmp_path / "cache", work)
    ids = []
    for unit in ("甲局", "乙局", "丙局"):
        ids.append(cli.new("--workflow", "personal-summary", "--unit", unit))
    monkeypatch.setattr(reports, "LIST_PAGE", 2)
    page = cli("list")
    assert page.code == 0 and ids[2] in page.out and ids[1] in page.out and ids[0] not in page.out
    assert "共 3 份报告" in page.out and "--all" in page.out
    assert ids[0] in cli("list", "--all").out
    assert len(cli("list", "--json").json()) == 3
    assert [r["id"] for r in cli("list", "--json", "--limit", "1").json()] == [ids[2]]
    bad = cli("list", "--limit", "0")
    assert bad.code == 2 and "--limit" in bad.err
