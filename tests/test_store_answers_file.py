"""Answers files: export a report's answers, import them into another report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store import AnswersImportError, InvalidValueError, LockedError, Store
from workflows.answers import load_answers_file
from workflows.loader import load_builtin, sample_answers_path

WF = "dangjian-shuzhi"


@pytest.fixture(scope="module")
def wf():
    return load_builtin(WF)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


@pytest.fixture
def sample(wf) -> dict:
    return load_answers_file(wf, sample_answers_path(WF))


def new(store: Store, wf, title: str = "报告") -> str:
    return store.create(wf.id, wf.version, title, "青山市自然资源和规划局", 2025).id


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_between_reports(store, wf, sample, fmt):
    src = new(store, wf, "源报告")
    with store.open(src) as h:
        h.set_answers(sample)
    text = store.export_answers(src, wf, fmt)
    assert "青山市自然资源和规划局" in text and "\\u" not in text
    if fmt == "json":
        assert json.loads(text)["basics"]["unit"] == "青山市自然资源和规划局"
    dst = new(store, wf, "目标报告")
    imported = store.import_answers(dst, text, fmt, wf)
    assert imported == sample
    with store.open(dst) as h:
        assert h.answers == sample
        assert h.export_answers(wf, fmt) == text
    (meta,) = [m for m in store.list_reports() if m.id == dst]
    assert meta.answered == len([v for v in sample.values() if v not in (None, "", [], {})])


def test_invalid_file_saves_nothing_and_lists_every_problem(store, wf):
    rid = new(store, wf)
    with store.open(rid) as h:
        h.set_answer("leading.party_group", 3)
    before = store.report_path(rid).read_bytes()
    text = (
        "leading:\n  party_group: -3\n  conveyed: 也许\n"
        "nosuch:\n  x: 1\n"
        "basics:\n  year: 1800\n  unit: 正确的单位\n"
    )
    with pytest.raises(AnswersImportError) as err:
        store.import_answers(rid, text, "yaml", wf)
    problems = err.value.problems
    assert len(problems) == 4
    for line, path in ((2, "leading.party_group"), (3, "leading.conveyed"), (4, "nosuch"), (7, "basics.year")):
        assert any(p.startswith(f"第{line}行 {path}") for p in problems), (path, problems)
        assert path in str(err.value)
    assert "未保存" in str(err.value)
    assert store.report_path(rid).read_bytes() == before  # nothing saved, not even the valid unit
    with store.open(rid) as h:
        assert h.answers == {"leading.party_group": 3}


def test_syntax_errors_and_bad_format(store, wf):
    rid = new(store, wf)
    with pytest.raises(AnswersImportError, match="JSON"):
        store.import_answers(rid, '{"basics": {', "json", wf)
    with pytest.raises(AnswersImportError, match="YAML"):
        store.import_answers(rid, "basics: [unclosed\n", "yaml", wf)
    with pytest.raises(InvalidValueError, match="格式"):
        store.import_answers(rid, "{}", "toml", wf)
    with store.open(rid) as h:
        assert h.answers == {}


def test_import_keeps_answers_not_in_the_file_unless_replacing(store, wf):
    rid = new(store, wf)
    with store.open(rid) as h:
        h.set_answers({"leading.party_group": 3, "basics.name": "林海川", "retired.field": "旧答案"})
        h.import_answers("leading:\n  party_group: 5\n", "yaml", wf)
        assert h.answers == {"leading.party_group": 5, "basics.name": "林海川", "retired.field": "旧答案"}
        # Replacing clears other answers but never answers to removed fields.
        h.import_answers("leading:\n  party_group: 6\n", "yaml", wf, replace_all=True)
        assert h.answers == {"leading.party_group": 6, "retired.field": "旧答案"}
    # The state before each import was backed up.
    assert len(store.list_backups(rid)) >= 3


def test_import_into_a_report_another_session_edits(store, wf):
    rid = new(store, wf)
    other = Store(store.root)
    with other.open(rid):
        with pytest.raises(LockedError):
            store.import_answers(rid, "leading:\n  party_group: 5\n", "yaml", wf)
        # Exporting only reads: allowed.
        assert store.export_answers(rid, wf, "json").strip() == "{}"
