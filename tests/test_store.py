"""Report store: reports, answers, data directory, file modes, year over year."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from store import (
    Ambiguous,
    DeletedError,
    InvalidValueError,
    NotFound,
    Store,
    StoreError,
    data_dir,
)
from store import backups as backups_mod

WF = "dangjian-shuzhi"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


def new(store: Store, title: str = "2025年述职报告", year: int = 2025, **kw) -> str:
    return store.create(WF, 1, title, "某某市某某局", year, **kw).id


# ---------------------------------------------------------------- data dir


def test_data_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SHUZHI_DATA_DIR", raising=False)
    default = data_dir()
    assert default.is_relative_to(tmp_path)
    assert "shuzhi" in default.parts[-1]

    monkeypatch.setenv("SHUZHI_DATA_DIR", str(tmp_path / "from-env"))
    assert data_dir() == (tmp_path / "from-env").resolve()
    assert data_dir(tmp_path / "explicit") == (tmp_path / "explicit").resolve()
    assert data_dir(str(tmp_path / "explicit2")) == (tmp_path / "explicit2").resolve()
    for d in (default, tmp_path / "from-env", tmp_path / "explicit"):
        assert stat.S_IMODE(os.stat(d).st_mode) == 0o700


def test_data_dir_that_is_a_file_is_a_clear_error(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(StoreError, match="不是目录"):
        data_dir(f)


def test_file_and_directory_modes_even_with_open_umask(tmp_path):
    old = os.umask(0)
    try:
        store = Store(tmp_path / "data")
        rid = new(store)
        with store.open(rid) as h:
            h.set_answer("basics.unit", "某某局")
        store.duplicate(rid)
        store.delete(rid)
        # A damaged file moved aside keeps its private mode too.
        other = new(store, "另一份")
        store.report_path(other).write_bytes(b"{broken")
        with pytest.raises(StoreError):
            store.open(other)
    finally:
        os.umask(old)
    seen_files = seen_dirs = 0
    for path in [store.root, *store.root.rglob("*")]:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        if path.is_dir():
            seen_dirs += 1
            assert mode == 0o700, path
        else:
            seen_files += 1
            assert mode == 0o600, path
    assert seen_files >= 6 and seen_dirs >= 5


def test_json_is_utf8_readable_chinese(store):
    rid = new(store, "二〇二五年度述职报告")
    with store.open(rid) as h:
        h.set_answer("theory.topics", ["习近平新时代中国特色社会主义思想", "党章"])
    for path in (store.report_path(rid), store.index_path):
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        assert "\\u" not in text
        assert "述职报告" in text
    assert "党章" in store.report_path(rid).read_text("utf-8")
    data = json.loads(store.report_path(rid).read_text("utf-8"))
    assert data["schema"]["1"] == {"format": "shuzhi-report", "schema_version": 1}
    assert json.loads(store.index_path.read_text("utf-8"))["schema"]["1"]["format"] == "shuzhi-index"


# ---------------------------------------------------------------- reports


def test_create_list_open_and_meta(store):
    rid = new(store)
    (meta,) = store.list_reports()
    assert meta.id == rid and len(rid) == 8
    assert (meta.workflow_id, meta.workflow_version, meta.title, meta.unit, meta.year) == (
        WF, 1, "2025年述职报告", "某某市某某局", 2025,
    )
    assert meta.created and meta.updated and not meta.deleted and meta.answered == 0
    with store.open(rid) as h:
        assert not h.readonly and h.locked_by is None and h.notice is None
        assert h.meta.title == "2025年述职报告"
        assert h.answers == {}


def test_answers_and_field_meta(store):
    rid = new(store)
    with store.open(rid) as h:
        h.set_answer("political.meetings_party_group", 12)
        h.set_answer("documents.total", "20余")
        h.set_answer("theory.topics", ("甲", "乙"))
        h.set_answer("review.yishuyiping", True)
        h.set_answer("basics.date", "2026-01-08")
        h.set_answer("focus.entries", [{"name": "专项整治", "led": True}])
        h.set_answer("basics.name", None)  # emptied by the user: kept as explicit null
        answers = h.answers
        assert answers["political.meetings_party_group"] == 12
        assert answers["documents.total"] == "20余"
        assert answers["theory.topics"] == ["甲", "乙"]
        assert answers["focus.entries"] == [{"name": "专项整治", "led": True}]
        assert "basics.name" in answers and answers["basics.name"] is None
        fm = h.field_meta
        assert set(fm) == set(answers)
        assert all(m["from_year"] is None and m["updated"] for m in fm.values())
        # Copies: mutating what we got back changes nothing stored.
        answers["theory.topics"].append("丙")
        assert h.get("theory.topics") == ["甲", "乙"]
        h.clear_answer("documents.total")
        assert "documents.total" not in h.answers
        h.clear_answer("never.answered")  # no-op
        assert h.meta.answered == 5  # the explicit null does not count
    with store.open(rid, readonly=True) as h:
        assert h.answers["political.meetings_party_group"] == 12
    assert store.list_reports()[0].answered == 5


def test_set_answers_is_all_or_nothing(store):
    rid = new(store)
    with store.open(rid) as h:
        h.set_answer("a.x", 1)
        before = store.report_path(rid).read_bytes()
        with pytest.raises(InvalidValueError, match="b.bad"):
            h.set_answers({"a.x": 2, "a.y": 3, "b.bad": {1, 2}})
        with pytest.raises(InvalidValueError):
            h.set_answers({"a.x": 2, "": 3})
        with pytest.raises(InvalidValueError, match="有限"):
            h.set_answer("a.z", float("nan"))
        assert store.report_path(rid).read_bytes() == before
        assert h.answers == {"a.x": 1}
        writes = h._storage.writes
        h.set_answers({"a.x": 2, "a.y": 3, "a.z": [1]})
        assert h._storage.writes == writes + 1
        assert h.answers == {"a.x": 2, "a.y": 3, "a.z": [1]}


def test_saving_an_answer_does_not_rewrite_the_index(store):
    rid = new(store)
    for i in range(5):
        new(store, f"其他报告{i}")
    with store.open(rid) as h:
        h.set_answer("a.x", 0)
        st = os.stat(store.index_path)
        for i in range(20):
            h.set_answer("a.x", i)
        st2 = os.stat(store.index_path)
        assert (st.st_ino, st.st_mtime_ns, st.st_size) == (st2.st_ino, st2.st_mtime_ns, st2.st_size)
        # Yet another session's listing shows the current progress.
        h.set_answer("a.y", 1)
        (meta,) = [m for m in Store(store.root).list_reports() if m.id == rid]
        assert meta.answered == 2
    (meta,) = [m for m in store.list_reports() if m.id == rid]
    assert meta.answered == 2


def test_rename_update_meta_delete_restore_duplicate_purge(store):
    rid = new(store)
    with store.open(rid) as h:
        h.set_answer("a.x", 1)
    assert store.rename(rid, "  新  标题 ").title == "新 标题"
    with pytest.raises(InvalidValueError):
        store.rename(rid, "   ")
    with store.open(rid) as h:
        meta = h.update_meta(unit="新单位", year=2024)
        assert (meta.unit, meta.year) == ("新单位", 2024)
        with pytest.raises(InvalidValueError, match="年度"):
            h.update_meta(year=99)
        with pytest.raises(InvalidValueError):
            h.update_meta(colour="red")
    (listed,) = store.list_reports()
    assert (listed.title, listed.unit, listed.year) == ("新 标题", "新单位", 2024)

    dup = store.duplicate(rid)
    assert dup.id != rid and dup.title == "新 标题（副本）" and dup.answered == 1
    with store.open(dup.id) as h:
        assert h.answers == {"a.x": 1}
        h.set_answer("a.x", 2)
    with store.open(rid, readonly=True) as h:
        assert h.answers == {"a.x": 1}
    assert store.duplicate(rid, title="自定").title == "自定"

    deleted = store.delete(rid)
    assert deleted.deleted and deleted.deleted_at
    assert rid not in {m.id for m in store.list_reports()}
    assert rid in {m.id for m in store.list_reports(include_deleted=True)}
    with pytest.raises(DeletedError, match="回收站"):
        store.open(rid)
    with store.open(rid, readonly=True) as h:  # can still be looked at
        assert h.readonly and h.answers == {"a.x": 1}
    assert store.report_path(rid).exists()  # recoverable: nothing removed
    restored = store.restore(rid)
    assert not restored.deleted
    with store.open(rid) as h:
        assert h.answers == {"a.x": 1}

    with pytest.raises(StoreError, match="回收站"):
        store.purge(rid)
    store.delete(rid)
    store.purge(rid)
    assert not store.report_path(rid).exists()
    assert rid not in {m.id for m in store.list_reports(include_deleted=True)}
    assert store.list_backups(rid) == []


def test_find_by_id_prefix_and_title(store):
    a = store.create(WF, 1, "2025年述职报告", "甲局", 2025)
    b = store.create(WF, 1, "2025年述职报告（修改稿）", "甲局", 2025)
    c = store.create(WF, 1, "2024年述职报告", "甲局", 2024)
    assert store.find(a.id).id == a.id
    assert store.find(c.id[:6]).id == c.id
    assert store.find("2024").id == c.id
    # An exact title wins over a prefix shared with a longer title.
    assert store.find("2025年述职报告").id == a.id
    assert store.find("2025年述职报告（").id == b.id
    with pytest.raises(Ambiguous) as err:
        store.find("2025")
    assert {m.id for m in err.value.candidates} == {a.id, b.id}
    assert a.id in str(err.value) and "多个" in str(err.value)
    with pytest.raises(NotFound, match="没有找到"):
        store.find("不存在")
    with pytest.raises(NotFound):
        store.find("  ")
    store.delete(c.id)
    with pytest.raises(NotFound, match="回收站"):
        store.find("2024")
    assert store.find("2024", include_deleted=True).id == c.id


def test_open_unknown_or_invalid_id(store):
    with pytest.raises(NotFound, match="deadbeef"):
        store.open("deadbeef")
    with pytest.raises(NotFound):
        store.open("../etc/passwd")


def test_create_validates(store):
    with pytest.raises(InvalidValueError, match="标题"):
        store.create(WF, 1, "", "单位", 2025)
    with pytest.raises(InvalidValueError, match="年度"):
        store.create(WF, 1, "标题", "单位", 1800)
    with pytest.raises(InvalidValueError, match="工作流"):
        store.create("", 1, "标题", "单位", 2025)
    with pytest.raises(InvalidValueError):
        store.create(WF, 1, "标题", "单位", 2025, answers={"a.b": object()})
    assert store.list_reports() == []


def test_create_with_answers(store):
    meta = store.create(WF, 1, "标题", "单位", 2025, answers={"basics.unit": "单位", "basics.year": 2025})
    assert meta.answered == 2
    with store.open(meta.id) as h:
        assert h.answers == {"basics.unit": "单位", "basics.year": 2025}
        assert h.unconfirmed() == {}


# ---------------------------------------------------------------- year over year


def test_new_report_from_earlier_year_marks_copied_answers(store):
    old = new(store, "2024年述职报告", 2024)
    with store.open(old) as h:
        h.set_answers({"basics.unit": "某某局", "leading.party_group": 12, "basics.date": "2025-01-08", "x.empty": ""})
    meta = store.create(
        WF, 2, "2025年述职报告", "某某局", 2025, from_report=old,
        exclude_paths=["basics.date"], answers={"basics.year": 2025},
    )
    assert (meta.from_report, meta.from_year, meta.unconfirmed, meta.answered) == (old, 2024, 2, 3)
    with store.open(meta.id) as h:
        assert h.answers == {"basics.unit": "某某局", "leading.party_group": 12, "basics.year": 2025}
        assert h.unconfirmed() == {"basics.unit": 2024, "leading.party_group": 2024}
        assert h.field_meta["basics.year"]["from_year"] is None
        h.confirm("basics.unit")  # accepted as is
        h.set_answer("leading.party_group", 15)  # changed
        assert h.unconfirmed() == {}
        assert h.answers["basics.unit"] == "某某局"
        with pytest.raises(InvalidValueError):
            h.confirm("not.answered")
    assert store.list_reports()[0].unconfirmed == 0
    # A mark survives a second carry-over with its original year.
    again = store.create(WF, 2, "2026年", "某某局", 2026, from_report=meta.id)
    with store.open(again.id) as h:
        assert h.unconfirmed() == {"basics.unit": 2025, "leading.party_group": 2025, "basics.year": 2025}
        assert h.confirm_all() == 3 and h.unconfirmed() == {}


def test_changed_workflow_version_keeps_orphaned_answers(store):
    rid = new(store)
    with store.open(rid) as h:
        h.set_answers({"basics.unit": "某某局", "removed.field": 7})
    # The workflow is now version 2 and no longer has "removed.field".
    known = {"basics.unit", "basics.year"}
    with store.open(rid) as h:
        assert h.meta.workflow_version == 1
        assert h.orphans(known) == {"removed.field": 7}
        h.update_meta(workflow_version=2)
        h.set_answer("basics.year", 2025)
    with store.open(rid) as h:
        assert h.meta.workflow_version == 2
        assert h.answers["removed.field"] == 7
        assert h.orphans(known) == {"removed.field": 7}


# ---------------------------------------------------------------- backups


def test_backups_on_open_and_close(store):
    rid = new(store)
    with store.open(rid) as h:
        h.set_answer("a.x", 1)
    first = store.list_backups(rid)
    assert len(first) == 2  # the state before the session, and after it
    with store.open(rid) as h:
        pass  # nothing changed: no new copy
    assert len(store.list_backups(rid)) == 2
    with store.open(rid) as h:
        h.set_answer("a.x", 2)
    backups = store.list_backups(rid)
    assert len(backups) == 3
    newest = json.loads(backups[0].path.read_text("utf-8"))
    assert [d["value"] for d in newest["answers"].values()] == [2]


def test_backups_while_saving_are_rolled(store, monkeypatch):
    from store import handle

    monkeypatch.setattr(handle, "BACKUP_INTERVAL", 0.0)  # a copy after every save
    rid = new(store)
    with store.open(rid) as h:
        for i in range(25):
            h.set_answer("a.x", i)
    kept = store.list_backups(rid)
    # The newest N (plus, just after midnight, yesterday's last copy).
    assert backups_mod.KEEP_LAST <= len(kept) <= backups_mod.KEEP_LAST + 1
    newest = json.loads(kept[0].path.read_text("utf-8"))
    assert [d["value"] for d in newest["answers"].values()] == [24]


def test_orphans_accepts_a_workflow(store):
    from workflows.loader import load_builtin

    wf = load_builtin(WF)
    rid = new(store)
    with store.open(rid) as h:
        h.set_answers({"basics.unit": "某某局", "gone.field": 1})
        assert h.orphans(wf) == {"gone.field": 1}


def test_backup_pruning_keeps_last_n_and_one_per_day(tmp_path):
    root = tmp_path / "b"
    folder = root / "r1"
    folder.mkdir(parents=True)
    from datetime import datetime, timedelta

    today = datetime.now().replace(hour=12, minute=0, second=0, microsecond=0)
    names = []
    for day in range(5):  # 5 days, 4 copies each
        for k in range(4):
            t = today - timedelta(days=day, minutes=10 * k)
            name = t.strftime("%Y%m%dT%H%M%S_%f") + ".json"
            (folder / name).write_text("{}")
            names.append(name)
    old = (today - timedelta(days=400)).strftime("%Y%m%dT%H%M%S_%f") + ".json"
    (folder / old).write_text("{}")
    backups_mod.prune(root, "r1", keep_last=6, keep_days=90)
    kept = sorted((p.name for p in folder.iterdir()), reverse=True)
    newest_six = sorted(names, reverse=True)[:6]
    per_day_newest = [sorted(names, reverse=True)[4 * d] for d in range(5)]
    assert set(kept) == set(newest_six) | set(per_day_newest)
    assert old not in kept


def test_listing_repairs_an_index_that_lost_a_report(store):
    rid = new(store)
    with store.open(rid) as h:
        h.set_answer("a.x", 1)
    # Simulate a crash between writing the report file and the index.
    data = json.loads(store.index_path.read_text("utf-8"))
    data["reports"] = {}
    store.index_path.write_text(json.dumps(data), "utf-8")
    (meta,) = Store(store.root).list_reports()
    assert meta.id == rid and meta.answered == 1
    assert rid in json.loads(store.index_path.read_text("utf-8"))["reports"]["1"]["id"]


def clone_reports(store: Store, count: int) -> list[str]:
    """``count`` reports written directly as files (fast), then indexed."""
    template = json.loads(store.report_path(new(store, "模板")).read_text("utf-8"))
    ids = []
    for i in range(count - 1):
        rid = f"c{i:07d}"
        template["report"]["1"].update(id=rid, title=f"报告{i}")
        store.report_path(rid).write_text(json.dumps(template, ensure_ascii=False), "utf-8")
        ids.append(rid)
    assert store.rebuild_index() == count
    return ids


def test_listing_many_reports_reads_only_the_index(store, monkeypatch):
    clone_reports(store, 300)
    calls = []
    from store.files import ReportFiles

    original = ReportFiles.load

    def spy(self, rid):
        calls.append(rid)
        return original(self, rid)

    monkeypatch.setattr(ReportFiles, "load", spy)
    assert len(Store(store.root).list_reports()) == 300
    assert calls == []
