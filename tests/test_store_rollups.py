"""The store's ``rollups`` table: the provenance of rolled-up answers, kept
in the report file (optional and additive: files without it are unchanged,
no schema migration), written with the totals in one write, validated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store import DamagedFileError, InvalidValueError, Store, schema


def record(path: str, total, *values) -> dict:
    return {
        "path": path,
        "total": total,
        "from": "zhibu-shuzhi",
        "at": "",
        "sources": [
            {"branch": f"第{n}党支部", "status": "counted", "value": v, "kind": "report", "origin": f"r{n}"}
            for n, v in enumerate(values, 1)
        ],
    }


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


def new_report(store: Store) -> str:
    rid = store.create("dangjian-shuzhi", 1, "2025年述职报告", "某某局", 2025).id
    with store.open(rid) as h:
        h.set_answers({"basics.unit": "某某局", "branch_duty.committee": 7})
    return rid


def raw(store: Store, rid: str) -> dict:
    return json.loads(store.report_path(rid).read_text(encoding="utf-8"))


def test_a_file_without_the_table_is_as_before(store):
    rid = new_report(store)
    data = raw(store, rid)
    assert "rollups" not in data and data["schema"]["1"]["schema_version"] == schema.SCHEMA_VERSION == 1
    with store.open(rid, readonly=True) as h:
        assert h.rollups == {}


def test_totals_and_provenance_in_one_write_and_replaced_by_the_next(store):
    rid = new_report(store)
    with store.open(rid) as h:
        backups = len(store.list_backups(rid))
        h.save_rollup(
            {"branch_duty.committee": 26, "three_one.lessons": "22余"},
            {"branch_duty.committee": record("branch_duty.committee", 26, 14, 12),
             "three_one.lessons": record("three_one.lessons", "22余", 6, "16余")},
        )
        assert len(store.list_backups(rid)) == backups + 1  # the state before can be restored
    data = raw(store, rid)
    assert len(data["rollups"]) == 2 and data["rollups"]["1"]["at"]  # dated by the store
    with store.open(rid) as h:
        assert h.answers["branch_duty.committee"] == 26
        first = h.rollups["branch_duty.committee"]
        assert [s["value"] for s in first["sources"]] == [14, 12]
        h.set_answers({"branch_duty.committee": 30})  # a hand edit leaves the provenance
        assert h.rollups["branch_duty.committee"] == first
        h.save_rollup({"branch_duty.committee": 9}, {"branch_duty.committee": record("branch_duty.committee", 9, 9)})
    with store.open(rid, readonly=True) as h:
        assert h.answers["branch_duty.committee"] == 9
        assert [s["value"] for s in h.rollups["branch_duty.committee"]["sources"]] == [9]
        assert set(h.rollups) == {"branch_duty.committee", "three_one.lessons"}


def test_an_invalid_record_saves_nothing(store):
    rid = new_report(store)
    before = store.report_path(rid).read_bytes()
    bad = record("branch_duty.committee", 26, 14)
    bad["sources"][0]["status"] = "guessed"
    with store.open(rid) as h:
        with pytest.raises(InvalidValueError, match="汇总记录"):
            h.save_rollup({"branch_duty.committee": 26}, {"branch_duty.committee": bad})
        assert h.answers["branch_duty.committee"] == 7
    assert store.report_path(rid).read_bytes() == before


def test_a_damaged_table_is_reported_like_any_damage(store):
    rid = new_report(store)
    data = raw(store, rid)
    data["rollups"] = {"1": {"path": "branch_duty.committee", "at": "x", "sources": "第一党支部"}}
    store.report_path(rid).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DamagedFileError, match="汇总记录“branch_duty.committee”缺少来源列表"):
        store.open(rid, readonly=True)


def test_an_older_writer_keeps_the_table(store):
    """A program that does not know the table (TinyDB writes back every
    table) leaves it as it was: simulated by a handle writing answers only."""
    rid = new_report(store)
    with store.open(rid) as h:
        h.save_rollup({"branch_duty.committee": 26}, {"branch_duty.committee": record("branch_duty.committee", 26, 26)})
    table = raw(store, rid)["rollups"]
    with store.open(rid) as h:
        h.set_answers({"basics.unit": "另一个局"})
        h.update_meta(title="改过的标题")
    assert raw(store, rid)["rollups"] == table
