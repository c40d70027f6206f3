"""The built-in workflows: valid, and assembled from their sample answers
into the reviewed golden text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from pathlib import Path

import pytest

from workflows.answers import load_answers_file
from workflows.assemble import assemble
from workflows.checks import check
from workflows.loader import BUILTIN_DIR, builtin_ids, load_workflow, sample_answers_path
from workflows.report import Report

GOLDEN = Path(__file__).parent / "golden"
EDGE_SETS = Path(__file__).parent / "data" / "zhibu"
BUILTINS = ["dangjian-shuzhi", "personal-summary", "zhibu-shuzhi"]
TODAY = dt.date(2026, 11, 25)
BROKEN_PUNCTUATION = re.compile(r"[，、；：]。|。。|，，|，、|、，|^[，。、；]|[（《“]$|，$")


def golden_text(report: Report) -> str:
    """A renderer-independent dump of the report model, one block a line."""
    lines = [f"标题：{report.title}", f"署名行：{report.name_line}"]
    for block in report.blocks:
        tag = f"H{block.level}" if block.is_heading else ("P" if not block.lead else f"P{block.level}")
        lines.append(f"[{tag}] {block.full_text}")
    lines += [f"结束语：{report.closing}", f"署名：{report.signature}", f"日期：{report.date}"]
    return "\n".join(lines) + "\n"


def test_builtin_ids():
    assert builtin_ids() == BUILTINS


@pytest.mark.parametrize("workflow_id", BUILTINS)
def test_builtin_validates_fully(workflow_id):
    wf = load_workflow(BUILTIN_DIR / f"{workflow_id}.yaml", check_templates=True)
    assert wf.id == workflow_id
    assert all(item.question and item.guidance for item in wf.items())
    assert all(f.label for f in wf.fields())


@pytest.mark.parametrize("workflow_id", BUILTINS)
def test_sample_matches_golden(workflow_id):
    wf = load_workflow(BUILTIN_DIR / f"{workflow_id}.yaml")
    answers = load_answers_file(wf, sample_answers_path(workflow_id))
    report = assemble(wf, answers, today=TODAY)
    assert report.pending == () and report.render_errors == ()
    result = check(wf, answers, today=TODAY)
    assert result.ready, result.problems
    text = golden_text(report)
    path = GOLDEN / f"builtin_{workflow_id}.txt"
    if os.environ.get("SHUZHI_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
    for line in text.splitlines():
        assert not BROKEN_PUNCTUATION.search(line.split("] ", 1)[-1]), line
        assert "XX" not in line and "××" not in line


def test_dangjian_sample_is_a_full_length_report():
    wf = load_workflow(BUILTIN_DIR / "dangjian-shuzhi.yaml")
    report = assemble(wf, load_answers_file(wf, sample_answers_path("dangjian-shuzhi")), today=TODAY)
    assert 3000 <= report.char_count() <= 5000
    headings = [b.full_text for b in report.blocks if b.is_heading and b.level == 1]
    assert [h[:2] for h in headings] == ["一、", "二、", "三、", "四、", "五、"]
    # "next steps" stays short: at most about a fifth of the text
    last = [i for i, b in enumerate(report.blocks) if b.is_heading and b.level == 1][-1]
    tail = sum(len(b.full_text) for b in report.blocks[last:])
    assert tail <= report.char_count() / 5


@pytest.mark.parametrize("workflow_id", BUILTINS)
def test_empty_and_zero_answers_read_cleanly(workflow_id):
    wf = load_workflow(BUILTIN_DIR / f"{workflow_id}.yaml")
    zeros = {f.path: 0 for f in wf.fields() if f.type == "count" and not (f.min or 0)}
    falses = {f.path: False for f in wf.fields() if f.type == "bool"}
    for answers in ({}, zeros, {**zeros, **falses}):
        report = assemble(wf, answers, today=TODAY)
        assert report.render_errors == ()
        for block in report.blocks:
            assert not BROKEN_PUNCTUATION.search(block.full_text), block.full_text
            assert not re.search(r"(?<![0-9])0(次|人|份|个|期|名|场|条)", block.full_text), block.full_text
        required = {f.path for f in wf.fields() if f.required}
        pending = {p.field_path for p in check(wf, answers, today=TODAY).of_severity("pending")}
        assert pending <= required


@pytest.mark.parametrize("workflow_id, at_least", [("dangjian-shuzhi", 4), ("zhibu-shuzhi", 10)])
def test_norms_cite_their_source(workflow_id, at_least):
    wf = load_workflow(BUILTIN_DIR / f"{workflow_id}.yaml")
    norms = [f for f in wf.fields() if f.norm is not None]
    assert len(norms) >= at_least
    assert all(f.norm.source.startswith("《") and f.norm.source.endswith("》") for f in norms)
    assert all(f.norm.message for f in norms)


# ------------------------------------------------ 党支部书记述职 (zhibu-shuzhi)

ZHIBU_SETS = ["required_only", "zeros", "one_item", "punctuation", "mixed"]
SENTENCE_END = re.compile(r"[。！？；]")
ZERO_COUNT = re.compile(r"(?<![0-9])0(次|人|份|个|期|名|场|条)")


def zhibu_answers(name: str) -> dict:
    wf = load_workflow(BUILTIN_DIR / "zhibu-shuzhi.yaml")
    if name == "sample":
        return load_answers_file(wf, sample_answers_path("zhibu-shuzhi"))
    if name == "zeros":  # every optional count 0 and every yes/no 否, on top of the required answers
        answers = load_answers_file(wf, EDGE_SETS / "required_only.yaml")
        answers.update({f.path: 0 for f in wf.fields() if f.type == "count" and not (f.min or 0)})
        answers.update({f.path: False for f in wf.fields() if f.type == "bool"})
        return answers
    return load_answers_file(wf, EDGE_SETS / f"{name}.yaml")


def prose_problems(report: Report) -> list[str]:
    """What a reader would mark in red: broken or doubled punctuation, a
    sentence said twice, 一是 without 二是, a lone numbered sub-item, a zero
    count, a gap left open."""
    found = []
    texts = [report.title, report.name_line, *(b.full_text for b in report.blocks), report.closing]
    seen: dict[str, str] = {}
    for text in texts:
        if BROKEN_PUNCTUATION.search(text) or re.search(r"([，。、；：！？])\1", text) or "了了" in text:
            found.append(f"punctuation: {text}")
        if ZERO_COUNT.search(text) or "【待填" in text or "XX" in text:
            found.append(f"zero count or gap: {text}")
        if "一是" in text and "二是" not in text:
            found.append(f"一是 alone: {text}")
        for sentence in SENTENCE_END.split(text):
            sentence = sentence.strip()
            if len(sentence) >= 6 and sentence in seen:
                found.append(f"said twice: {sentence}")
            seen.setdefault(sentence, text)
    # a numbered sub-item (1.) must have a sibling under the same heading
    scope: list = []
    for block in [*report.blocks, None]:
        if block is None or (block.is_heading and block.level <= 2):
            if len(scope) == 1:
                found.append(f"lone {scope[0].number}: {scope[0].full_text}")
            scope = []
        elif block.level == 3:
            scope.append(block)
    return found


def test_zhibu_sample_is_a_full_length_report():
    wf = load_workflow(BUILTIN_DIR / "zhibu-shuzhi.yaml")
    report = assemble(wf, zhibu_answers("sample"), today=TODAY)
    assert 2000 <= report.char_count() <= 3500
    headings = [b.full_text for b in report.blocks if b.is_heading and b.level == 1]
    assert [h[:2] for h in headings] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    assert report.title == "2025年度不动产登记中心党支部书记抓党建工作述职报告"
    assert prose_problems(report) == []


@pytest.mark.parametrize("name", ZHIBU_SETS)
def test_zhibu_edge_answers_match_golden(name):
    """Each edge answer set reads as finished prose (reviewed by reading the
    golden file) and passes the reader's checks."""
    wf = load_workflow(BUILTIN_DIR / "zhibu-shuzhi.yaml")
    answers = zhibu_answers(name)
    report = assemble(wf, answers, today=TODAY)
    assert report.pending == () and report.render_errors == ()
    assert check(wf, answers, today=TODAY).ready
    text = golden_text(report)
    path = GOLDEN / f"zhibu-shuzhi_{name}.txt"
    if os.environ.get("SHUZHI_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
    assert prose_problems(report) == []


def test_zhibu_prose_checker_catches_what_it_looks_for():
    wf = load_workflow(BUILTIN_DIR / "zhibu-shuzhi.yaml")
    report = assemble(wf, zhibu_answers("sample"), today=TODAY)
    first_sub = next(b for b in report.blocks if b.level == 3)
    blocks = [b for b in report.blocks if b.level != 3 or b is first_sub]  # leaves a lone "1."
    blocks[-1] = dataclasses.replace(blocks[-1], text=blocks[-1].text + "再上台阶。。")
    blocks.append(dataclasses.replace(blocks[0]))  # the opening said twice
    blocks.append(dataclasses.replace(blocks[0], text="一是只有一条措施。"))
    found = prose_problems(dataclasses.replace(report, blocks=tuple(blocks)))
    assert {p.split(":")[0] for p in found} >= {"punctuation", "said twice", "lone 1.", "一是 alone"}


def test_zhibu_templates_never_add_deng():
    """等 only after a list the user typed would be wrong after one item or a
    complete list, so the templates never write it."""
    wf = load_workflow(BUILTIN_DIR / "zhibu-shuzhi.yaml")
    sources = [wf.report.opening, *(i.template for i in wf.items())]
    for source in sources:
        assert "等" not in re.sub(r"options:.*", "", source)


def test_zhibu_norms_warn_on_a_thin_year():
    wf = load_workflow(BUILTIN_DIR / "zhibu-shuzhi.yaml")
    warned = {p.field_path for p in check(wf, zhibu_answers("zeros"), today=TODAY).of_severity("warning")}
    assert {"three_one.congress", "three_one.committee", "three_one.lessons", "three_one.lessons_secretary",
            "theme_day.monthly", "org_life.meetings", "org_life.review", "talks.committee",
            "talks.committee_members", "talks.members"} <= warned
    one = check(wf, zhibu_answers("one_item"), today=TODAY)
    messages = {p.field_path: p.message for p in one.of_severity("warning")}
    assert "党小组会" in messages["three_one.group_meetings"]  # a branch with 党小组: 12 a year
    assert "12次" in messages["theme_day.count"]
    assert "three_one.group_meetings" not in warned  # no 党小组: no 党小组会 norm


def test_zhibu_cross_field_errors():
    wf = load_workflow(BUILTIN_DIR / "zhibu-shuzhi.yaml")
    answers = zhibu_answers("sample")
    answers.update({"basics.probationary": 30, "three_one.lessons_secretary": 7, "three_one.lessons_leaders": 9})
    errors = {p.field_path for p in check(wf, answers, today=TODAY).of_severity("error")}
    assert errors == {"basics.probationary", "three_one.lessons_secretary", "three_one.lessons_leaders"}


def test_year_hint_states_the_default_rule():
    """The 述职年度 hint says what the default does (October on: this year; before: last year)."""
    import datetime as dt

    from workflows.answers import default_report_year
    from workflows.loader import builtin_ids, load_builtin

    assert default_report_year(dt.date(2026, 10, 1)) == 2026
    assert default_report_year(dt.date(2026, 12, 31)) == 2026
    assert default_report_year(dt.date(2027, 1, 8)) == 2026
    assert default_report_year(dt.date(2027, 9, 30)) == 2026
    for workflow_id in builtin_ids():
        wf = load_builtin(workflow_id)
        year = wf.field(wf.year_field)
        assert year.default_rule == "report_year"
        assert "10月至12月撰写时默认填本年" in year.help and "1月至9月补写时默认填上一年" in year.help
        basics = wf.item("basics")
        assert "仍填上一年度" not in (basics.guidance or "")
