"""Property tests over the engine: any input through validation (coerce,
answers files, checks), assembly and the terminal preview never crashes, and
every answer's text appears literally in the report.

Default runs keep the example counts modest; `pytest -m slow` runs the same
properties with many more examples (the "thorough" hypothesis profile, tests/conftest.py).
"""

from __future__ import annotations

import datetime as _dt
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from property_support import (
    TEXT_PATHS,
    any_raw,
    default_settings,
    expected_strings,
    fuzz_workflow,
    literal_pieces,
    nasty_text,
    report_text,
    slow_settings,
    text_answers,
)
from workflows.answers import AnswersFileError, dump_answers, load_answers_data, load_answers_text
from workflows.assemble import assemble, render_item
from workflows.checks import check
from workflows.render.preview import report_lines, report_renderable, summary_line, visible
from workflows.values import AnswerError, coerce

TODAY = _dt.date(2025, 12, 1)


def all_fields(wf):
    for f in wf.fields():
        yield f
        yield from f.fields


# ------------------------------------------------------------ validation


def _coerce_never_crashes(data):
    wf = fuzz_workflow()
    f = data.draw(st.sampled_from(list(all_fields(wf))), label="field")
    raw = data.draw(any_raw, label="raw")
    try:
        value = coerce(f, raw)
    except AnswerError as exc:
        assert exc.message and isinstance(exc.message, str)
        return
    # A canonical value is accepted again unchanged (what the store holds
    # must load back as it is).
    assert coerce(f, value) == value


KNOWN_NASTY = [
    float("inf"), float("-inf"), float("nan"), 1e300, -0.0, 10**30, -(10**30), 2**63,
    True, "", " ", "\x00", "\n\n", "２０余", "约 20 多次", "1" * 40, "-1", "2026-02-30",
    "2026年13月1日", "9999-01-01", [], [None], [[]], [{}], {}, {"value": float("inf")},
    {"value": "x"}, [{"who": float("nan")}], [{"nobody": 1}], _dt.date(1, 1, 1),
    _dt.datetime(2026, 1, 8, 12, 0), b"bytes", object(),
]


@pytest.mark.parametrize("raw", KNOWN_NASTY, ids=repr)
def test_coerce_known_nasty_values(raw):
    wf = fuzz_workflow()
    for f in all_fields(wf):
        try:
            value = coerce(f, raw)
        except AnswerError as exc:
            assert exc.message
        else:
            assert coerce(f, value) == value


@default_settings
@given(st.data())
def test_coerce_raises_only_answer_error(data):
    _coerce_never_crashes(data)


@pytest.mark.slow
@slow_settings
@given(st.data())
def test_coerce_raises_only_answer_error_slow(data):
    _coerce_never_crashes(data)


def _answers_file_never_crashes(data):
    """Arbitrary nested data as an answers file: loads or AnswersFileError."""
    wf = fuzz_workflow()
    items = [i.id for i in wf.items()] + ["nosuch"]
    fields = {i.id: [f.id for f in i.fields] + ["nosuch"] for i in wf.items()}
    payload = {}
    for item_id in data.draw(st.lists(st.sampled_from(items), max_size=5, unique=True)):
        names = fields.get(item_id, ["x"])
        chosen = data.draw(st.lists(st.sampled_from(names), max_size=4, unique=True))
        payload[item_id] = {name: data.draw(any_raw) for name in chosen}
    try:
        answers = load_answers_data(wf, payload)
    except AnswersFileError as exc:
        assert exc.problems
        return
    # What loaded dumps to a file that loads back to the same answers.
    for fmt in ("yaml", "json"):
        assert load_answers_text(wf, dump_answers(wf, answers, fmt), fmt) == {
            k: v for k, v in answers.items() if v not in (None, [], "")
        }
    check(wf, answers, TODAY)
    assemble(wf, answers, TODAY)


@default_settings
@given(st.data())
def test_answers_files_load_or_explain(data):
    _answers_file_never_crashes(data)


@pytest.mark.slow
@slow_settings
@given(st.data())
def test_answers_files_load_or_explain_slow(data):
    _answers_file_never_crashes(data)


@default_settings
@given(nasty_text)
def test_answers_text_never_crashes(text):
    wf = fuzz_workflow()
    for fmt in ("yaml", "json"):
        try:
            load_answers_text(wf, text, fmt)
        except AnswersFileError as exc:
            assert exc.problems


# ------------------------------------------------------------ assembly


def _assembly_keeps_text(answers):
    wf = fuzz_workflow()
    result = check(wf, answers, TODAY)
    assert all(p.message for p in result.problems)
    report = assemble(wf, answers, TODAY)
    assert report.render_errors == ()
    text = report_text(report)
    for path, value in expected_strings(answers):
        for piece in literal_pieces(value):
            assert piece in text, f"{path}: {piece[:60]!r} missing from the report"
    for item in wf.items():
        render_item(wf, answers, item.id, TODAY)
    return report


def _preview_keeps_text(answers, report):
    lines = report_lines(report)
    plain = "\n".join(line.plain for line, _item in lines)
    for path, value in expected_strings(answers):
        for piece in literal_pieces(value):
            piece = visible(piece)
            if piece:
                assert piece in plain, f"{path}: {piece[:60]!r} missing from the preview"
    console = Console(file=io.StringIO(), width=80, color_system=None, legacy_windows=False)
    console.print(report_renderable(report))
    console.print(summary_line(report))
    assert console.file.getvalue()


@default_settings
@given(text_answers())
def test_assembly_and_preview_keep_text_literally(answers):
    report = _assembly_keeps_text(answers)
    _preview_keeps_text(answers, report)


@pytest.mark.slow
@slow_settings
@given(text_answers())
def test_assembly_and_preview_keep_text_literally_slow(answers):
    report = _assembly_keeps_text(answers)
    _preview_keeps_text(answers, report)


def test_hundred_thousand_characters_of_template_syntax():
    """One explicit worst case always runs: 100,000 characters of Jinja,
    XML and right-to-left text in every text field."""
    wf = fuzz_workflow()
    seed = "{{ r.basics.name }}{% if x %}<w:t>&amp;]]>مرحبا\u202e👨‍👩‍👧#### "
    big = (seed * (100_000 // len(seed) + 1))[:100_000]
    answers = {path: coerce(wf.field(path), big) for path in TEXT_PATHS}
    answers["lists.things"] = [big]
    answers["people.people"] = [{"who": big, "note": big}]
    report = _assembly_keeps_text(answers)
    _preview_keeps_text(answers, report)
