"""Listings that trust ``index.seen`` (store.index): the record that the
index held exactly the report files, while neither the index nor the
reports folder changed since; everything else lists the folder again."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from store import Store
from store.files import ReportFiles
from store.index import SEEN_NAME, ReportIndex

WF = "dangjian-shuzhi"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


def make(store: Store, title: str) -> str:
    return store.create(WF, 1, title, "某局", 2025).id


def quiet(store: Store, ns: int | None = None) -> int:
    """The reports folder as if last changed ten seconds ago (or at ``ns``)."""
    when = time.time_ns() - 10_000_000_000 if ns is None else ns
    os.utime(store.files.reports_dir, ns=(when, when))
    return when


def no_folder_listing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the reports folder or every id of the index was listed")

    monkeypatch.setattr(ReportFiles, "ids_and_quiet", refuse)
    monkeypatch.setattr(ReportIndex, "_ids_of", staticmethod(refuse))


def ids(metas: list) -> list[str]:
    return [m.id for m in metas]


def seen(store: Store) -> dict:
    return json.loads((store.root / SEEN_NAME).read_text(encoding="ascii"))


def test_a_quiet_store_is_listed_from_the_index_alone(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    made = [make(store, f"报告{i}") for i in range(4)]
    store.delete(made[0])
    quiet(store)
    first = store.list_reports(limit=2)
    assert store.index.last_total == 3
    record = seen(store)
    assert record["entries"] == 4 and record["deleted"] == 1
    again = Store(store.root)  # another process
    no_folder_listing(monkeypatch)
    assert ids(again.list_reports(limit=2)) == ids(first)
    assert again.index.last_total == 3
    assert again.list_reports(include_deleted=True, limit=1) and again.index.last_total == 4
    assert sorted(ids(again.list_reports())) == sorted(made[1:])
    assert sorted(ids(again.list_reports(include_deleted=True))) == sorted(made)


def test_a_report_file_the_index_does_not_know_is_listed(store: Store) -> None:
    """A create killed between the report file and the index (or a file
    copied in by hand), even with the folder's time put back as it was."""
    made = [make(store, "甲"), make(store, "乙")]
    when = quiet(store)
    store.list_reports(limit=10)
    assert seen(store)["entries"] == 2
    fields = dict(store.files.read(made[0]).data["report"]["1"], title="丙")
    meta = store.files.add(fields, [])  # the file only, no index entry
    quiet(store, when)  # same modification time: the change time still moved
    again = Store(store.root)
    listed = again.list_reports(limit=10)
    assert meta.id in ids(listed) and again.index.last_total == 3
    assert meta.id in again.index.entries()  # and the index repaired


def test_a_report_file_removed_behind_the_index_is_named(store: Store) -> None:
    made = [make(store, "甲"), make(store, "乙")]
    when = quiet(store)
    store.list_reports(limit=10)
    os.unlink(store.files.path(made[1]))
    quiet(store, when)
    listed = {m.id: m for m in Store(store.root).list_reports(limit=10)}
    assert "报告文件缺失" in (listed[made[1]].problem or "")
    assert not listed[made[0]].problem


def test_the_index_written_since_is_verified_again(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    made = [make(store, "甲"), make(store, "乙")]
    quiet(store)
    store.list_reports(limit=10)
    before = seen(store)
    other = Store(store.root)
    other.rebuild_index()  # a new index file, the folder untouched
    calls = []
    listing = ReportFiles.ids_and_quiet

    def counted(self: ReportFiles) -> tuple[set[str], bool]:
        calls.append(1)
        return listing(self)

    monkeypatch.setattr(ReportFiles, "ids_and_quiet", counted)
    assert sorted(ids(Store(store.root).list_reports(limit=10))) == sorted(made)
    assert calls == [1]
    assert seen(store)["index"] != before["index"]  # recorded anew for the new file
    assert sorted(ids(Store(store.root).list_reports(limit=10))) == sorted(made)
    assert calls == [1]  # trusted again


@pytest.mark.parametrize("content", [
    b"", b"{not json", b"[]", b'{"v": 99}',
    None,  # a record with impossible counts
])
def test_a_damaged_record_means_one_listing_of_the_folder(store: Store, content: bytes | None,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    made = [make(store, "甲"), make(store, "乙")]
    quiet(store)
    store.list_reports(limit=10)
    path = store.root / SEEN_NAME
    if content is None:
        content = json.dumps({**seen(store), "entries": 1, "deleted": 2}).encode()
    path.write_bytes(content)
    calls = []
    listing = ReportFiles.ids_and_quiet
    monkeypatch.setattr(ReportFiles, "ids_and_quiet", lambda self: calls.append(1) or listing(self))
    assert sorted(ids(Store(store.root).list_reports(limit=10))) == sorted(made)
    assert calls == [1]
    assert seen(store)["entries"] == 2  # rewritten


def test_a_folder_changed_just_now_is_not_recorded(store: Store) -> None:
    """Its last change may share a clock tick with the next one."""
    make(store, "甲")
    store.list_reports(limit=10)  # created a moment ago
    assert not (store.root / SEEN_NAME).exists()


def test_a_folder_being_written_is_not_recorded(store: Store) -> None:
    rid = make(store, "甲")
    # A live writer's temporary file (this process: never cleaned up as stale).
    (store.files.reports_dir / f".{rid}.json.{os.getpid()}.abcd1234.tmp").write_bytes(b"{")
    quiet(store)
    assert ids(store.list_reports(limit=10)) == [rid]
    assert not (store.root / SEEN_NAME).exists()


def test_a_report_being_edited_is_still_read_from_its_file(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    rid = make(store, "甲")
    quiet(store)
    before = store.list_reports(limit=10)[0].answered
    elsewhere = Store(store.root)
    handle = elsewhere.open(rid)
    handle.set_answer("basics.name", "张三")  # the index lags (dirty marker) until closed
    try:
        quiet(store)  # the save's rename moved the folder's time: put it back, the record still fails
        listed = Store(store.root).list_reports(limit=10)
        assert listed[0].answered == before + 1 and listed[0].locked_by is not None
        assert seen(store)["entries"] == 1
        no_folder_listing(monkeypatch)
        listed = Store(store.root).list_reports(limit=10)  # trusted now: the edited report still from its file
        assert listed[0].answered == before + 1 and listed[0].locked_by is not None
    finally:
        handle.close()


def test_a_page_is_read_from_the_start_of_the_index(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import store.index as index

    made = [make(store, f"报告{i:02d}") for i in range(12)]
    for rid in made[-4:]:  # the newest ones in the bin: a page reads past them
        store.delete(rid)
    quiet(store)
    everything = Store(store.root).list_reports()
    store.list_reports(limit=3)  # recorded
    for per_entry, least in ((0, 300), (0, 900), (50, 0), (1024, 8192)):
        monkeypatch.setattr(index, "PAGE_BYTES_PER_ENTRY", per_entry)
        monkeypatch.setattr(index, "PAGE_READ_MIN", least)
        for limit in (1, 3, 8, 20):
            fresh = Store(store.root)
            assert ids(fresh.list_reports(limit=limit)) == ids(everything)[:limit], (per_entry, least, limit)
            assert fresh.index.last_total == 8
            assert len(fresh.list_reports(limit=limit, include_deleted=True)) == min(limit, 12)
    # With the defaults, a page of a recorded store reads neither the whole index nor the folder.
    monkeypatch.setattr(ReportIndex, "_layout", lambda self: (_ for _ in ()).throw(AssertionError("read whole")))
    no_folder_listing(monkeypatch)
    fresh = Store(store.root)
    assert ids(fresh.list_reports(limit=3)) == ids(everything)[:3] and fresh.index.last_total == 8


def test_a_write_of_states_only_keeps_the_record(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    made = [make(store, "甲"), make(store, "乙")]
    quiet(store)
    store.list_reports(limit=10)
    store.index.put_states({made[0]: {"v": 0, "note": "a state"}})  # the index rewritten, no id came or went
    assert seen(store)["index"][0] == store.index_path.stat().st_ino
    calls = []
    listing = ReportFiles.ids_and_quiet
    monkeypatch.setattr(ReportFiles, "ids_and_quiet", lambda self: calls.append(1) or listing(self))
    assert sorted(ids(Store(store.root).list_reports(limit=10))) == sorted(made)
    assert calls == []  # trusted: the folder is not listed


def test_an_index_write_that_drops_an_id_is_not_trusted(store: Store) -> None:
    """The index loses an entry whose file stays (the folder untouched): the
    record is not carried over, the next listing finds the file again."""
    made = [make(store, "甲"), make(store, "乙")]
    quiet(store)
    store.list_reports(limit=10)
    store.index.put(removes=[made[1]])
    fresh = Store(store.root)
    assert sorted(ids(fresh.list_reports(limit=10))) == sorted(made)
    assert fresh.index.last_total == 2
    assert made[1] in fresh.index.entries()  # repaired from its file
