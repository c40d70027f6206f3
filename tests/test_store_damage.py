"""Damaged files, backups, future and past schema versions."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from store import DamagedFileError, FutureSchemaError, Store, StoreError, schema
from store.locks import ReportLock

WF = "dangjian-shuzhi"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


def saved_report(store: Store, answers: dict | None = None) -> str:
    rid = store.create(WF, 1, "2025年述职报告", "某某局", 2025).id
    with store.open(rid) as h:
        h.set_answers(answers or {"leading.party_group": 12, "basics.unit": "某某局"})
    return rid


def truncate(path: Path) -> bytes:
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    return raw[: len(raw) // 2]


def wrong_schema(path: Path) -> bytes:
    data = json.loads(path.read_text("utf-8"))
    data["report"]["1"]["year"] = "去年"
    del data["report"]["1"]["title"]
    raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    path.write_bytes(raw)
    return raw


def garbage(path: Path) -> bytes:
    raw = b"\xff\xfe{garbage}"
    path.write_bytes(raw)
    return raw


def invalid_json(path: Path) -> bytes:
    raw = path.read_bytes().replace(b'"answers"', b"answers", 1)
    path.write_bytes(raw)
    return raw


def empty(path: Path) -> bytes:
    path.write_bytes(b"")
    return b""


def zeros(path: Path) -> bytes:
    raw = b"\x00" * 4096
    path.write_bytes(raw)
    return raw


def index_as_report(path: Path) -> bytes:
    raw = (path.parent.parent / "index.json").read_bytes()
    path.write_bytes(raw)
    return raw


DAMAGES = {
    "truncated": (truncate, "截断"),
    "invalid JSON": (invalid_json, "JSON"),
    "wrong schema": (wrong_schema, "title"),
    "not UTF-8": (garbage, "UTF-8"),
    "empty": (empty, "空"),
    "zero-filled": (zeros, "空字节"),
    "another format": (index_as_report, "不是报告文件"),
}


@pytest.mark.parametrize("kind", list(DAMAGES))
def test_damaged_file_is_moved_aside_and_backup_offered(store, kind):
    rid = saved_report(store)
    path = store.report_path(rid)
    damage, why = DAMAGES[kind]
    bad = damage(path)
    with pytest.raises(DamagedFileError) as err:
        store.open(rid)
    e = err.value
    msg = str(e)
    assert str(path) in msg and why in msg
    assert e.moved_to is not None and e.moved_to.read_bytes() == bad  # moved, never altered
    assert str(e.moved_to) in msg
    assert e.moved_to.parent == store.damaged_dir and rid in e.moved_to.name
    assert not path.exists()
    assert e.backup is not None and "备份" in msg
    # The lock was released: nothing is left half-open.
    assert not (store.locks_dir / f"{rid}.owner.json").exists()
    # The listing still shows the report, with the problem.
    (meta,) = store.list_reports()
    assert meta.id == rid and "缺失" in meta.problem
    with pytest.raises(DamagedFileError, match="不存在"):
        store.open(rid)
    restored = store.restore_backup(rid)
    assert restored.id == rid and restored.answered == 2
    with store.open(rid) as h:
        assert h.answers == {"leading.party_group": 12, "basics.unit": "某某局"}


def test_damage_while_another_session_holds_the_lock_is_not_moved(store):
    rid = saved_report(store)
    holder = ReportLock(store.locks_dir, rid)
    assert holder.try_acquire().acquired
    try:
        truncate(store.report_path(rid))
        with pytest.raises(DamagedFileError, match="未作改动") as err:
            store.open(rid)
        assert err.value.moved_to is None and store.report_path(rid).exists()
    finally:
        holder.release()


def test_listing_flags_a_damaged_file_without_touching_it(store):
    rid = saved_report(store)
    # Make the listing read the file: the index lost the report.
    data = json.loads(store.index_path.read_text("utf-8"))
    data["reports"] = {}
    store.index_path.write_text(json.dumps(data), "utf-8")
    bad = truncate(store.report_path(rid))
    (meta,) = Store(store.root).list_reports()
    assert meta.id == rid and "无法读取" in meta.problem
    assert store.report_path(rid).read_bytes() == bad


def test_restore_backup_picks_the_newest_good_one_and_keeps_current(store):
    rid = saved_report(store, {"a.x": 1})
    with store.open(rid) as h:
        h.set_answer("a.x", 2)
    backups = store.list_backups(rid)
    assert len(backups) >= 2
    backups[0].path.write_bytes(b"{")  # the newest backup is damaged itself
    with store.open(rid) as h:
        h.set_answer("a.x", 3)
    # The current file is fine: restoring an older state backs it up first.
    older = [b for b in store.list_backups(rid) if b.path.read_bytes() != b"{"][-1]
    store.restore_backup(rid, older)
    with store.open(rid, readonly=True) as h:
        assert h.answers == {}  # the state right after creation
    newest = json.loads(store.list_backups(rid)[0].path.read_text("utf-8"))
    assert [d["value"] for d in newest["answers"].values()] == [3]
    with pytest.raises(StoreError, match="不是报告"):
        store.restore_backup(rid, store.root / "nonsense.json")


def test_restore_backup_without_any_backup(store):
    rid = store.create(WF, 1, "标题", "单位", 2025).id
    for b in store.list_backups(rid):
        os.unlink(b.path)
    truncate(store.report_path(rid))
    with pytest.raises(DamagedFileError, match="没有找到可用的备份") as err:
        store.open(rid)
    assert err.value.backup is None
    with pytest.raises(StoreError, match="没有可用的备份"):
        store.restore_backup(rid)


def test_report_from_a_future_schema_version_is_refused_untouched(store):
    rid = saved_report(store)
    path = store.report_path(rid)
    data = json.loads(path.read_text("utf-8"))
    data["schema"]["1"]["schema_version"] = schema.SCHEMA_VERSION + 5
    data["answers"]["1"]["new_feature"] = {"x": 1}
    raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    path.write_bytes(raw)
    for readonly in (False, True):
        with pytest.raises(FutureSchemaError, match="更新版本") as err:
            store.open(rid, readonly=readonly)
        assert err.value.found == schema.SCHEMA_VERSION + 5
        assert str(path) in str(err.value)
    assert path.read_bytes() == raw
    assert not store.damaged_dir.exists()
    assert [m.id for m in store.list_reports()] == [rid]
    with pytest.raises(FutureSchemaError):
        store.duplicate(rid)
    with pytest.raises(FutureSchemaError):
        store.restore_backup(rid)
    assert path.read_bytes() == raw


def test_index_from_a_future_schema_version_is_refused_untouched(store):
    saved_report(store)
    data = json.loads(store.index_path.read_text("utf-8"))
    data["schema"]["1"]["schema_version"] = schema.SCHEMA_VERSION + 1
    raw = json.dumps(data).encode()
    store.index_path.write_bytes(raw)
    with pytest.raises(FutureSchemaError, match="升级"):
        Store(store.root)
    assert store.index_path.read_bytes() == raw


@pytest.mark.parametrize("damage", [truncate, garbage, wrong_schema, empty])
def test_damaged_index_is_moved_aside_and_rebuilt(store, damage):
    a = saved_report(store)
    b = saved_report(store, {"x.y": 1})
    if damage is wrong_schema:
        data = json.loads(store.index_path.read_text("utf-8"))
        del data["reports"]["1"]["title"]
        store.index_path.write_text(json.dumps(data), "utf-8")
        bad = store.index_path.read_bytes()
    else:
        bad = damage(store.index_path)
    fresh = Store(store.root)
    assert {m.id for m in fresh.list_reports()} == {a, b}
    (notice,) = fresh.notices
    assert str(fresh.index_path) in notice and "重建" in notice
    (moved,) = list(fresh.damaged_dir.iterdir())
    assert moved.read_bytes() == bad and str(moved) in notice


def test_migration_from_an_older_schema(store, monkeypatch):
    rid = saved_report(store, {"a.x": 1})
    path = store.report_path(rid)
    old_raw = path.read_bytes()

    def v1_to_v2(data: dict) -> dict:
        for doc in data["answers"].values():
            doc["source"] = "manual"
        return data

    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(schema.MIGRATIONS[schema.REPORT_FORMAT], 1, v1_to_v2)
    monkeypatch.setitem(schema.MIGRATIONS[schema.INDEX_FORMAT], 1, lambda d: d)

    fresh = Store(store.root)
    index = json.loads(fresh.index_path.read_text("utf-8"))
    assert index["schema"]["1"]["schema_version"] == 2
    with fresh.open(rid, readonly=True) as h:  # read-only: migrated in memory only
        assert h.answers == {"a.x": 1}
    assert path.read_bytes() == old_raw
    with fresh.open(rid) as h:
        assert h.migrated_from == 1 and "升级" in h.notice
        assert h.answers == {"a.x": 1}
    data = json.loads(path.read_text("utf-8"))
    assert data["schema"]["1"]["schema_version"] == 2
    assert [d["source"] for d in data["answers"].values()] == ["manual"]
    assert any(b.path.read_bytes() == old_raw for b in fresh.list_backups(rid))


def test_missing_migration_is_an_error_and_leaves_the_file(store, monkeypatch):
    rid = saved_report(store)
    raw = store.report_path(rid).read_bytes()
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(schema.MIGRATIONS[schema.INDEX_FORMAT], 1, lambda d: d)
    fresh = Store(store.root)
    with pytest.raises(StoreError, match="升级") as err:
        fresh.open(rid)
    assert not isinstance(err.value, DamagedFileError)
    assert store.report_path(rid).read_bytes() == raw
    assert not (store.locks_dir / f"{rid}.owner.json").exists()


def test_every_reader_names_how_many_problems_a_damaged_file_has(store):
    """Opening, copying and reading backups share one load: each
    names the first problems and how many there are in all."""
    rid = saved_report(store)
    path = store.report_path(rid)
    data = json.loads(path.read_text("utf-8"))
    data["answers"] = {str(i): {"path": f"a.f{i}", "value": 1} for i in range(1, 9)}  # no update times
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(DamagedFileError) as opened:
        store.open(rid, readonly=True)
    with pytest.raises(DamagedFileError) as copied:
        store.duplicate(rid)
    newest = store.list_backups(rid)[0].path
    newest.write_bytes(path.read_bytes())
    (_, answered, reason) = store.inspect_backups(rid)[0]
    assert answered is None
    for text in (opened.value.reason, copied.value.reason, reason or ""):
        assert "答案“a.f1”缺少更新时间" in text and "等 8 处问题" in text
