"""The built-in workflows: valid, and assembled from their sample answers
into the reviewed golden text."""

from __future__ import annotations

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
    assert builtin_ids() == ["dangjian-shuzhi", "personal-summary"]


@pytest.mark.parametrize("workflow_id", ["dangjian-shuzhi", "personal-summary"])
def test_builtin_validates_fully(workflow_id):
    wf = load_workflow(BUILTIN_DIR / f"{workflow_id}.yaml", check_templates=True)
    assert wf.id == workflow_id
    assert all(item.question and item.guidance for item in wf.items())
    assert all(f.label for f in wf.fields())


@pytest.mark.parametrize("workflow_id", ["dangjian-shuzhi", "personal-summary"])
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


@pytest.mark.parametrize("workflow_id", ["dangjian-shuzhi", "personal-summary"])
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


def test_dangjian_norms_cite_their_source():
    wf = load_workflow(BUILTIN_DIR / "dangjian-shuzhi.yaml")
    norms = [f for f in wf.fields() if f.norm is not None]
    assert len(norms) >= 4
    assert all(f.norm.source.startswith("《") for f in norms)
