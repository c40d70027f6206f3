"""Last year's problems and promises become this year's 整改 (issue: carry-over).

``new --from LAST`` carries every problem and commitment of last year's report
into the item ``rectification``; ``check`` lists each entry until it has a
status, and warns when a problem comes back word for word; the report says
every entry, grouped by status, and has no such section without a predecessor.
Run in process through ``tui.cli.main``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from cli_support import Cli

from workflows.answers import load_answers_file
from workflows.carryover import KIND_COMMITMENT, KIND_PROBLEM, carried_entries, lines_of
from workflows.loader import WorkflowError, load_builtin, load_workflow_text, sample_answers_path

GOLDEN = Path(__file__).parent / "golden"
STATUSES = ("已整改到位", "基本完成", "持续推进")


@pytest.fixture
def cli(tmp_path):
    """``shuzhi`` in this process (tests/cli_support.py), working in ``tmp_path``."""
    shared = Cli(tmp_path / "data", tmp_path / "cache", tmp_path)
    return lambda *args: shared(*(str(a) for a in args))


def expected_sources(workflow_id: str) -> tuple[list[str], list[str]]:
    """Every problem and every commitment in the workflow's sample answers,
    read from the fields its ``carry_over:`` names."""
    wf = load_builtin(workflow_id)
    sample = load_answers_file(wf, sample_answers_path(workflow_id))
    spec = wf.carry_over
    assert spec is not None
    problems = [line for path in spec.problems for line in lines_of(sample.get(path))]
    commitments = [line for path in spec.commitments for line in lines_of(sample.get(path))]
    return problems, commitments


def sample_report(cli, workflow_id: str) -> str:
    made = cli("new", "--workflow", workflow_id)
    assert made.code == 0, made
    report_id = made.out.strip()
    filled = cli("fill", report_id, sample_answers_path(workflow_id))
    assert filled.code == 0, filled
    return report_id


def stored_entries(cli, report_id: str) -> list[dict]:
    shown = cli("answers", report_id, "--format", "json")
    assert shown.code == 0, shown
    import json

    return json.loads(shown.out).get("rectification", {}).get("entries") or []


def section(text: str, heading: str) -> str:
    """The text of the numbered section whose heading contains ``heading``."""
    match = re.search(rf"(?ms)^[一二三四五六七八九十]+、[^\n]*{heading}[^\n]*\n.*?(?=^[一二三四五六七八九十]+、|\Z)", text)
    return match.group(0) if match else ""


@pytest.mark.parametrize("workflow_id", ["dangjian-shuzhi", "zhibu-shuzhi"])
def test_new_from_carries_every_problem_and_commitment(cli, workflow_id):
    last = sample_report(cli, workflow_id)
    made = cli("new", "--from", last)
    assert made.code == 0, made
    this = made.out.strip()
    entries = stored_entries(cli, this)
    problems, commitments = expected_sources(workflow_id)
    assert problems and commitments
    assert [e["source"] for e in entries] == problems + commitments
    assert [e["kind"] for e in entries] == [KIND_PROBLEM] * len(problems) + [KIND_COMMITMENT] * len(commitments)
    assert all("status" not in e for e in entries)

    checked = cli("check", this)
    assert checked.code != 0, checked
    pending = [line for line in checked.out.splitlines() if "rectification" in line and "待填" in line]
    assert len(pending) == len(entries), checked
    assert all("整改状态" in line for line in pending)


@pytest.mark.parametrize("workflow_id", ["dangjian-shuzhi", "zhibu-shuzhi"])
def test_the_report_says_every_entry_grouped_by_status(cli, workflow_id, tmp_path):
    last = sample_report(cli, workflow_id)
    this = cli("new", "--from", last).out.strip()
    entries = stored_entries(cli, this)
    for index, entry in enumerate(entries):
        entry["status"] = STATUSES[index % 3]
        if index % 2 == 0:
            entry["measures"] = f"制定整改方案，第{index + 1}项措施已落实。"
    answers = tmp_path / "rect.yaml"
    answers.write_text(yaml.safe_dump({"rectification": {"entries": entries}}, allow_unicode=True), encoding="utf-8")
    assert cli("fill", this, answers).code == 0

    checked = cli("check", this, "--json")
    assert not [p for p in __import__("json").loads(checked.out)["problems"] if p["item"] == "rectification"]

    out = tmp_path / "r.txt"
    exported = cli("export", this, "-f", "txt", "-o", out, "--draft")
    assert exported.code == 0, exported
    text = out.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    part = section(text, "整改")
    assert part, text[:800]
    for entry in entries:  # never one dropped
        quoted = entry["source"].replace("“", "‘").replace("”", "’")
        assert f"“{quoted}”" in part, entry["source"]
    for status in STATUSES:
        assert re.search(rf"\d+\.{status}", part)
    golden = GOLDEN / f"carryover_{workflow_id}.txt"
    if not golden.exists():  # pragma: no cover - written once, then reviewed and committed
        golden.write_text(part, encoding="utf-8")
    assert part == golden.read_text(encoding="utf-8")


def test_a_problem_repeated_word_for_word_is_flagged(cli):
    last = sample_report(cli, "dangjian-shuzhi")
    this = cli("new", "--from", last).out.strip()
    checked = cli("check", this)
    repeated = [line for line in checked.out.splitlines() if "一字不差" in line]
    problems, _ = expected_sources("dangjian-shuzhi")
    # The sample's problems were carried into this year's 存在问题 too (as proposals): each repeats.
    assert len(repeated) == len(problems), checked
    assert any(line.strip().startswith("提醒  problem_duty.issues") for line in repeated)


def test_no_predecessor_no_section(cli, tmp_path):
    for workflow_id in ("dangjian-shuzhi", "zhibu-shuzhi"):
        report_id = sample_report(cli, workflow_id)
        out = tmp_path / f"{workflow_id}.txt"
        assert cli("export", report_id, "-f", "txt", "-o", out, "--draft").code == 0
        text = out.read_text(encoding="utf-8-sig")
        assert "整改" not in section(text, "整改") and "上年度问题整改" not in text
        assert not stored_entries(cli, report_id)


def test_demo_still_makes_one_report(cli):
    assert cli("demo").code == 0
    listed = cli("list", "--json")
    assert len(__import__("json").loads(listed.out)) == 1


def test_open_entries_are_carried_again_and_each_text_once():
    wf = load_builtin("dangjian-shuzhi")
    previous = {
        "rectification.entries": [
            {"kind": KIND_PROBLEM, "source": "前年的问题", "status": "持续推进"},
            {"kind": KIND_PROBLEM, "source": "已经解决的问题", "status": "已整改到位"},
        ],
        "problem_duty.issues": ["抓党建的精力投入还不够多，有时存在重业务、轻党建的倾向"],
        "problem_duty.other": "第一条补充。\n\n 第二条补充；\n前年的问题。",
        "plan_duty.measures": ["严格落实主体责任、书记第一责任人职责和班子成员“一岗双责”"],
    }
    entries = carried_entries(wf, previous)
    assert [e["source"] for e in entries] == [
        "前年的问题",
        "抓党建的精力投入还不够多，有时存在重业务、轻党建的倾向",
        "第一条补充",
        "第二条补充",
        "严格落实主体责任、书记第一责任人职责和班子成员“一岗双责”",
    ]
    assert entries[-1]["kind"] == KIND_COMMITMENT


BAD = """
id: bad-carry
title: 测试
version: 1
report: {title: 标题}
sections:
  - id: s
    title: 部分
    items:
      - id: rect
        title: 整改
        question: 问？
        fields:
          - id: entries
            type: group
            label: 事项
            fields:
              - {id: source, type: longtext, label: 问题}
          - {id: note, type: count, label: 次数}
        template: "x"
carry_over:
  into: rect.entries
  problems: [rect.note, nowhere.field]
  again: [持续推进]
"""


def test_a_bad_carry_over_block_is_explained_with_its_place():
    with pytest.raises(WorkflowError) as info:
        load_workflow_text(BAD, "bad.yaml")
    text = "\n".join(info.value.problems)
    assert "carry_over" in text
    assert "单选字段“status”" in text  # the group has no status
    assert "rect.note" in text and "不能作为来源" in text
    assert "nowhere.field" in text


def test_the_item_is_done_when_empty_and_pending_while_an_entry_lacks_a_status():
    from workflows.checks import check

    wf = load_builtin("dangjian-shuzhi")
    sample = load_answers_file(wf, sample_answers_path("dangjian-shuzhi"))
    assert wf.item("rectification").optional
    assert check(wf, sample).item_states["rectification"] == "done"  # a first-year report: nothing to report
    carried = dict(sample, **{"rectification.entries": [{"kind": KIND_PROBLEM, "source": "问题"}]})
    assert check(wf, carried).item_states["rectification"] == "partial"
    given = dict(sample, **{"rectification.entries": [{"kind": KIND_PROBLEM, "source": "问题", "status": "基本完成"}]})
    assert check(wf, given).item_states["rectification"] == "done"
