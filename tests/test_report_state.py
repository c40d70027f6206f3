"""Each report's state (progress, check counts) in the index: written when a
session closes and by fill / rollup / restore, read by ``list`` and the home
screen, recomputed for a stale or missing report alone."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cli_support import Cli

from store import Store
from tui.session import open_session
from tui.session.state import code_stamp, is_current, states_for
from workflows.cache import Cache
from workflows.loader import sample_answers_path


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    work = tmp_path / "work"
    work.mkdir()
    return Cli(tmp_path / "data", tmp_path / "cache", work)


def index_states(data_dir: Path) -> dict[str, dict]:
    data = json.loads((data_dir / "index.json").read_text(encoding="utf-8"))
    return {doc["id"]: doc["state"] for doc in data["reports"].values() if "state" in doc}


def test_fill_writes_state_and_check_cache(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--year", "2025", "--unit", "甲局")
    assert cli("fill", report_id, str(sample_answers_path("dangjian-shuzhi"))).code == 0
    state = index_states(cli.data_dir)[report_id]
    assert (state["done"], state["total"], state["pending"], state["errors"]) == (29, 29, 0, 0)
    assert state["ready"] is True and state["fields"] > 0
    # The check fill computed is in the cache: check after fill is warm.
    (entry,) = (cli.cache_dir / "shuzhi" / "reports").glob(f"{report_id}.json")
    cached = json.loads(entry.read_text(encoding="utf-8"))
    assert "check" in cached
    check = cli("check", report_id, "--json").json()
    assert check["ready"] is True and check["counts"]["pending"] == 0


def test_list_reads_states_without_opening_reports(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    first = cli.new("--workflow", "dangjian-shuzhi", "--year", "2025", "--unit", "甲局")
    second = cli.new("--workflow", "personal-summary", "--year", "2025", "--unit", "乙局")
    assert cli("fill", first, str(sample_answers_path("dangjian-shuzhi"))).code == 0
    cli("list")  # the new report (never closed by a session) gets its state now
    assert set(index_states(cli.data_dir)) == {first, second}

    import tui.session.session as session_module

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a listing with current states opened a report")

    monkeypatch.setattr(session_module, "open_session", refuse)
    listing = cli("list")
    assert listing.code == 0, listing
    assert "29/29项" in listing.out and "可导出" in listing.out
    rows = {r["id"]: r for r in cli("list", "--json").json()}
    assert rows[first]["items_done"] == 29 and rows[first]["check"]["ready"] is True
    assert rows[second]["items_done"] < rows[second]["items"] and rows[second]["check"]["pending"] > 0


def test_stale_state_is_recomputed_for_that_report_only(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    store = Store(tmp_path / "data")
    from tui.session import NewReport, create_report, find_workflow

    wf = find_workflow("dangjian-shuzhi", cache=cache)
    ids = [create_report(store, NewReport(wf, year=2025, unit=f"单位{i}")).id for i in range(3)]
    computed: list[str] = []
    states_for(store, store.list_reports(), cache=cache, on_state=lambda rid, s: computed.append(rid))
    assert sorted(computed) == sorted(ids)

    with open_session(store, ids[1], write=True, cache=cache) as session:  # closing writes its state
        session.set_answer("basics.name", "张三")
    computed.clear()
    states = states_for(store, store.list_reports(), cache=cache, on_state=lambda rid, s: computed.append(rid))
    assert computed == [] and set(states) == set(ids)

    # Another process changes one report behind the index's back: only it is stale.
    with Store(tmp_path / "data").open(ids[2]) as handle:
        handle.set_answer("basics.name", "李四")
    store = Store(tmp_path / "data")
    states = states_for(store, store.list_reports(), cache=cache, on_state=lambda rid, s: computed.append(rid))
    assert computed == [ids[2]] and set(states) == set(ids)


def test_state_survives_a_new_day_but_not_a_changed_workflow(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    store = Store(tmp_path / "data")
    from tui.session import create_demo_report

    report_id = create_demo_report(store).id
    states_for(store, store.list_reports(), cache=cache, today=dt.date(2025, 12, 1))
    tomorrow = states_for(store, store.list_reports(), cache=cache, today=dt.date(2025, 12, 2), compute=False)
    assert tomorrow[report_id]["done"] == 29  # the first start of a day checks nothing
    held = store.index.states()[report_id]
    meta = store.get_meta(report_id)
    assert is_current(held, meta.updated, code_stamp(store.root, cache))
    assert not is_current(held, meta.updated, "0" * 16)  # code or a workflow file changed
    assert not is_current(held, "2000-01-01T00:00:00+00:00", code_stamp(store.root, cache))
    assert not is_current({**held, "done": "29"}, meta.updated, code_stamp(store.root, cache))  # malformed


def test_restore_writes_state(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--year", "2025", "--unit", "甲局")
    assert cli("fill", report_id, str(sample_answers_path("dangjian-shuzhi"))).code == 0
    assert index_states(cli.data_dir)[report_id]["done"] == 29
    backups = cli("backups", report_id, "--json").json()
    oldest = str(len(backups))
    assert cli("restore", report_id, oldest).code == 0, cli("backups", report_id)
    store = Store(cli.data_dir)
    state = index_states(cli.data_dir)[report_id]
    assert state["report_updated"] == store.get_meta(report_id).updated
    assert state["done"] < 29
