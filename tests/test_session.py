"""The session layer (tui/session): values and drafts, defaults as
proposals, the listed unit, year and title in step, one validation rule."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import pytest

from store.core import Store
from store.errors import ReadOnlyError
from tui.session import NewReport, create_report, open_session
from workflows.answers import proposed, split_answers
from workflows.loader import load_builtin
from workflows.values import AnswerError, validate

TODAY = _dt.date(2025, 12, 1)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "data")
    yield s
    s.close()


@pytest.fixture
def wf():
    return load_builtin("dangjian-shuzhi")


def make(store: Store, wf, **basics) -> str:
    spec = NewReport(wf, **{"year": 2025, "unit": "某局", "name": "王五", **basics})
    return create_report(store, spec, today=TODAY).id


def test_validate_is_the_one_rule(wf) -> None:
    f = wf.field("leading.party_group")
    assert validate(f, "12") == (12, None)
    assert validate(f, "20余") == ("20余", None)
    raw, message = validate(f, "两次")
    assert raw == "两次" and "不是整数" in message


def test_a_new_report_stores_only_what_was_given(store, wf) -> None:
    rid = make(store, wf)
    with store.open(rid, readonly=True) as handle:
        assert handle.answers == {"basics.unit": "某局", "basics.name": "王五", "basics.year": 2025}
    with open_session(store, rid, readonly=True, today=TODAY) as session:
        values = session.values()
        assert values["mandate.judgement"] == "较好地完成"  # the default, proposed
        assert values["basics.position"] == "党组书记"
        check = session.full_check()
    assert check.proposed_items == ["basics", "mandate", "theory", "inspection", "plan_duty"]
    assert check.ready is False  # required answers are missing; proposals never block
    states = check.shown_states()
    assert states["mandate"] == "proposed" and check.item_states["mandate"] == "done"


def test_input_keeps_a_draft_and_never_uses_it(store, wf) -> None:
    rid = make(store, wf)
    with open_session(store, rid, today=TODAY) as session:
        assert session.input("leading.party_group", "两三回") is not None
        assert session.drafts == {"leading.party_group": "两三回"}
        assert "leading.party_group" not in session.answers
        assert session.shown("leading.party_group") == "两三回"
        assert session.input("leading.organ_committee", "4") is None
        assert session.dirty
        assert session.flush() is None and not session.dirty
        result = session.check()
        errors = [p for p in result.problems if p.severity == "error"]
        assert [p.field_path for p in errors] == ["leading.party_group"]
        assert result.item_states["leading"] == "error"
        text = "".join(b.full_text for b in session.assemble().blocks)
        assert "两三回" not in text and "【待填：主持召开党组（党委）会议】" in text
    with store.open(rid, readonly=True) as handle:
        assert handle.drafts == {"leading.party_group": "两三回"}
        assert handle.answers["leading.organ_committee"] == 4
        assert "leading.party_group" not in handle.answers
        assert handle.meta.answered == 4  # a draft is no answer
    # A value replaces the draft (and the other way round).
    with open_session(store, rid, today=TODAY) as session:
        assert session.input("leading.party_group", "12") is None
    with store.open(rid, readonly=True) as handle:
        assert handle.drafts == {} and handle.answers["leading.party_group"] == 12


def test_a_stored_value_that_no_longer_validates_is_a_draft(store, wf) -> None:
    rid = make(store, wf)
    with store.open(rid) as handle:  # as an earlier version saved what was typed
        handle.set_answer("leading.party_group", "两次")
    values, drafts = split_answers(wf, {"leading.party_group": "两次", "leading.organ_committee": 3, "gone.field": 1})
    assert drafts == {"leading.party_group": "两次"}
    assert values == {"leading.organ_committee": 3, "gone.field": 1}
    with open_session(store, rid, readonly=True) as session:
        assert session.drafts == {"leading.party_group": "两次"}
        dumped = session.export_answers("yaml")
        as_json = json.loads(session.export_answers("json"))
    assert "# leading.party_group: 两次" in dumped
    assert "leading" not in as_json  # JSON has no comments: the draft is left out
    # What answers prints, fill reads (the draft comment included).
    with open_session(store, make(store, wf), write=True) as other:
        other.import_answers_text(dumped, "yaml", "dump")


def test_strict_writes_refuse_bad_input_and_save_nothing(store, wf) -> None:
    rid = make(store, wf)
    with open_session(store, rid, today=TODAY) as session:
        with pytest.raises(AnswerError) as caught:
            session.set_answers({"leading.organ_committee": 3, "leading.party_group": "很多"})
        assert caught.value.path == "leading.party_group"
        assert session.set_answer("leading.party_group", "１２") == 12
    with store.open(rid, readonly=True) as handle:
        assert "leading.organ_committee" not in handle.answers
        assert handle.answers["leading.party_group"] == 12


def test_accepting_an_item_stores_its_defaults(store, wf) -> None:
    rid = make(store, wf)
    with open_session(store, rid, today=TODAY) as session:
        assert session.proposed_paths("mandate") == {"mandate.superior", "mandate.checklist", "mandate.judgement"}
        session.leave_item("mandate", "theory")
        assert session.proposed_paths("mandate") == set()
        assert session.last_item == "theory"
        # Answering a field accepts its item's other defaults.
        session.input("inspection.organ_checks", "2")
        assert "inspection.rule" in session.answers
        # A field the user empties stays empty: its default no longer applies.
        session.input("basics.position", "")
        assert session.answers["basics.position"] is None
        assert session.values()["basics.position"] is None
        assert session.confirm_item("plan_duty") == 1
    with store.open(rid, readonly=True) as handle:
        stored = handle.answers
        assert handle.last_item == "theory"
    assert stored["mandate.judgement"] == "较好地完成" and stored["plan_duty.lessons"] == 1
    assert proposed(wf, stored, {"mandate", "inspection", "plan_duty"}, TODAY) == {}


def test_import_accepts_the_items_it_writes(store, wf, tmp_path: Path) -> None:
    rid = make(store, wf)
    path = tmp_path / "a.yaml"
    path.write_text("mandate:\n  superior: 省委\n", encoding="utf-8")
    with open_session(store, rid, write=True, today=TODAY) as session:
        assert session.import_answers_file(path) == {"mandate.superior": "省委"}
        assert "mandate" not in session.proposed_items()
    with store.open(rid, readonly=True) as handle:
        assert handle.answers["mandate.judgement"] == "较好地完成"
        assert handle.answers["mandate.superior"] == "省委"


def test_unit_year_and_automatic_title_follow_the_basics(store, wf) -> None:
    rid = make(store, wf)
    assert store.get_meta(rid).title == "2025年度某局党组书记抓机关党建工作述职报告"
    with open_session(store, rid, today=TODAY) as session:
        session.input("basics.unit", "青山市林业局")
        session.input("basics.year", "2024")
        assert session.flush() is None
        assert session.title == "2024年度青山市林业局党组书记抓机关党建工作述职报告"
    meta = store.get_meta(rid)
    assert (meta.unit, meta.year) == ("青山市林业局", 2024)
    # A title the user gave is theirs: it stays.
    store.rename(rid, "我的述职")
    with open_session(store, rid, today=TODAY) as session:
        session.set_answer("basics.unit", "青山市水利局")
    meta = store.get_meta(rid)
    assert (meta.title, meta.unit) == ("我的述职", "青山市水利局")


def test_a_read_only_session_changes_nothing(store, wf) -> None:
    rid = make(store, wf)
    with open_session(store, rid, readonly=True) as session:
        assert session.input("leading.party_group", "3") is None
        assert not session.dirty
        with pytest.raises(ReadOnlyError):
            session.set_answer("leading.party_group", 3)
    with store.open(rid, readonly=True) as handle:
        assert "leading.party_group" not in handle.answers


def test_a_failed_write_is_kept_and_retried(store, wf, monkeypatch) -> None:
    rid = make(store, wf)
    with open_session(store, rid, today=TODAY) as session:
        session.input("leading.party_group", "5")
        calls = []
        original = session._handle.set_answers

        def fail_once(*args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                raise OSError(28, "No space left on device")
            return original(*args, **kwargs)

        monkeypatch.setattr(session._handle, "set_answers", fail_once)
        error = session.flush()
        assert error and "No space left" in error and session.failed == error
        assert session.dirty
        session.input("leading.organ_committee", "2")  # typed meanwhile
        assert session.flush() is None and session.failed is None
    with store.open(rid, readonly=True) as handle:
        assert handle.answers["leading.party_group"] == 5 and handle.answers["leading.organ_committee"] == 2


def test_store_keeps_drafts_apart_from_values(store, wf) -> None:
    rid = make(store, wf)
    with store.open(rid) as handle:
        handle.set_answers({"leading.organ_committee": 3}, {"leading.party_group": "两次"}, last_item="leading")
        assert handle.drafts == {"leading.party_group": "两次"}
        updated = handle.meta.updated
        handle.set_last_item("talks")  # reading state: the report's update time stays
        assert handle.meta.updated == updated and handle.last_item == "talks"
        handle.set_answer("leading.party_group", 12)
        assert handle.drafts == {} and handle.answers["leading.party_group"] == 12
        with pytest.raises(Exception):
            handle.set_answers({"a.b": 1}, {"a.b": "x"})
    raw = json.loads((store.reports_dir / f"{rid}.json").read_text(encoding="utf-8"))
    docs = {d["path"]: d for d in raw["answers"].values()}
    assert "draft" not in docs["leading.party_group"]
    assert raw["report"]["1"]["last_item"] == "talks"


def test_the_generation_moves_with_every_change_of_what_the_session_holds(store, wf) -> None:
    """What the wizard keeps (the checks, the paragraphs) is reused while the
    generation stays: it must move with any change of answers or drafts."""
    rid = make(store, wf)
    with open_session(store, rid, write=True, today=TODAY) as session:
        seen = [session.generation]

        def moved() -> bool:
            seen.append(session.generation)
            return seen[-1] != seen[-2]

        assert session.answers and session.check() is not None  # reading changes nothing
        assert not moved()
        session.input("leading.party_group", "25")
        assert moved()
        session.input("leading.party_group", "二十几")  # a draft
        assert moved()
        session.set_answers({"leading.party_group": 26})
        assert moved()
        session.leave_item("leading", "documents")  # nothing left to accept there: no change
        assert not moved()
        session.flush()
        assert not moved()
        session.leave_item("mandate", "theory")  # its defaults become answers
        assert moved()
        session.import_answers_text("leading:\n  party_group: 27\n", "yaml")
        assert moved()
