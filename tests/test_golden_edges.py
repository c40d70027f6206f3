"""Edge answer sets for both built-in workflows, assembled and frozen as
golden text (reviewed by reading), and a scan of every golden report for what
a native reader stumbles on: doubled punctuation, 了了, a lone "1.", 等
after a single item, a sentence said twice.

Update the golden files after a reviewed change with
``SHUZHI_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_edges.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from test_builtin_workflows import golden_text
from workflows.answers import load_answers_file
from workflows.assemble import assemble
from workflows.checks import check
from workflows.export.layout import title_lines
from workflows.export.profile import STANDARD
from workflows.loader import builtin_ids, load_builtin

TODAY = dt.date(2026, 11, 25)
EDGE_DIR = Path(__file__).parent / "data" / "edge"
GOLDEN_DIR = Path(__file__).parent / "golden"
EDGE_GOLDEN = GOLDEN_DIR / "edge"
WORKFLOWS = ("dangjian-shuzhi", "personal-summary")
CASES = [(wf_id, path) for wf_id in WORKFLOWS for path in sorted((EDGE_DIR / wf_id).glob("*.yaml"))]


def edge_text(wf_id: str, path: Path) -> str:
    """The golden dump of one edge set: the report, the title's lines, and
    what ``check`` says besides the unanswered fields."""
    wf = load_builtin(wf_id)
    answers = load_answers_file(wf, path)
    report = assemble(wf, answers, today=TODAY)
    assert report.render_errors == ()
    lines = [golden_text(report).rstrip("\n"), "标题分行：" + " ⏎ ".join(title_lines(report.title, STANDARD))]
    for problem in check(wf, answers, today=TODAY).problems:
        if problem.severity != "pending":
            lines.append(f"检查：{problem.severity} {problem.field_path} {problem.message}")
    return "\n".join(lines) + "\n"


def test_there_are_enough_edge_sets():
    counts = {wf_id: sum(1 for w, _ in CASES if w == wf_id) for wf_id in WORKFLOWS}
    assert counts["dangjian-shuzhi"] >= 12 and counts["personal-summary"] >= 4, counts
    names = {name for name, _ in golden_reports()}
    for wf_id, path in CASES:  # every set has its golden file
        assert f"edge/{wf_id}/{path.stem}.txt" in names
    assert {f"builtin_{wf_id}.txt" for wf_id in builtin_ids()} <= names  # and every built-in sample


@pytest.mark.parametrize("wf_id, path", CASES, ids=[f"{w}/{p.stem}" for w, p in CASES])
def test_edge_set_matches_golden(wf_id, path):
    text = edge_text(wf_id, path)
    golden = EDGE_GOLDEN / wf_id / f"{path.stem}.txt"
    if os.environ.get("SHUZHI_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


# ------------------------------------------------------------------ the scan

DOUBLED_PUNCTUATION = re.compile(r"[，、；：。,;:]{2}|《》|“”|（）|^[，。、；：]|[（《“]$|[，、；]$")
# Punctuation typed at the end of an answer, left before the template's words.
STRAY_PUNCTUATION = re.compile(r"[，、；：。][的了地得之等]|[、；。]和|[《“][，、；：。]|[，、；：。][》”]")
DOUBLED_WORD = re.compile(r"([\u4e00-\u9fff]{2})\1")
ZERO_COUNT = re.compile(r"(?<![0-9.])0(次|人|份|个|期|名|场|条|项)")
# 等 that is not the "and so on" of a list: 一等奖, 平等, 等级 …
NOT_ETC = re.compile(r"(?<=[一二三四五六七八九十平同对相均])等|等(?=[级待同于奖])")
# A clause lists several things when it holds one of these.
SEVERAL = ("、", "》《", "和", "及", "与")
NUMBERED = re.compile(r"^\[(H|P)(\d)\] (\d+\.|（\d+）|（[一二三四五六七八九十]+）)")


def golden_reports() -> list[tuple[str, list[str]]]:
    """(name, text lines of the report) for every golden report file."""
    files = (sorted(GOLDEN_DIR.glob("builtin_*.txt")) + sorted(GOLDEN_DIR.glob("zhibu-shuzhi_*.txt"))
             + sorted(EDGE_GOLDEN.glob("*/*.txt")))
    reports = []
    for path in files:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines()
                 if not line.startswith(("标题分行：", "检查："))]
        reports.append((str(path.relative_to(GOLDEN_DIR)), lines))
    return reports


def body(line: str) -> str:
    """A golden line's text without its tag ("[P3] ", "标题：")."""
    if line.startswith("["):
        return line.split("] ", 1)[-1]
    return line.split("：", 1)[-1]


def lone_numbers(lines: list[str]) -> list[str]:
    """Numbered headings ("1.", "（1）", "（一）") with no sibling in their scope."""
    found = []
    for index, line in enumerate(lines):
        match = NUMBERED.match(line)
        if not match or match.group(3) not in ("1.", "（1）", "（一）"):
            continue
        level = int(match.group(2))
        sibling = {"1.": "2.", "（1）": "（2）", "（一）": "（二）"}[match.group(3)]
        for later in lines[index + 1:]:
            other = NUMBERED.match(later)
            if other and other.group(3) == sibling:
                break
            head = re.match(r"^\[H(\d)\]", later)
            if head and int(head.group(1)) < level:
                found.append(line)
                break
        else:
            found.append(line)
    return found


def etc_after_one(text: str) -> list[str]:
    """Clauses where 等 follows a single item."""
    found = []
    for match in re.finditer("等", text):
        if NOT_ETC.match(text, match.start()) or text[match.start() - 1:match.start()] in "一二三四五六七八九十平同对相均":
            continue
        start = max(text.rfind(p, 0, match.start()) for p in "，。；：！？")
        clause = text[start + 1:match.start()]
        if not any(mark in clause for mark in SEVERAL):
            found.append(clause + "等")
    return found


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"[。！？；]", text) if len(s.strip()) >= 8]


@pytest.mark.parametrize("name, lines", golden_reports(), ids=lambda v: v if isinstance(v, str) else "")
def test_golden_reports_read_cleanly(name, lines):
    problems = []
    texts = [body(line) for line in lines if not line.startswith("结束语：") or body(line)]
    for text in texts:
        if DOUBLED_PUNCTUATION.search(text) or STRAY_PUNCTUATION.search(text):
            problems.append(f"标点重复或残缺：{text}")
        if "了了" in text:
            problems.append(f"了了：{text}")
        if DOUBLED_WORD.search(text):
            problems.append(f"词语重复（{DOUBLED_WORD.search(text).group(0)}）：{text}")
        if ZERO_COUNT.search(text):
            problems.append(f"出现0次/0人：{text}")
        if "一是" in text and "二是" not in text:
            problems.append(f"只有“一是”：{text}")
        if "XX" in text or "××" in text:
            problems.append(f"占位文字：{text}")
        problems.extend(f"单项后面用了“等”：{clause}" for clause in etc_after_one(text))
    problems.extend(f"孤立的编号：{line}" for line in lone_numbers(lines))
    seen: dict[str, int] = {}
    for text in texts:
        for sentence in sentences(text):
            seen[sentence] = seen.get(sentence, 0) + 1
    problems.extend(f"同一句话出现{n}次：{s}" for s, n in seen.items() if n > 1)
    if any("以下几个方面" in t for t in texts):
        intro = next(i for i, t in enumerate(texts) if "以下几个方面" in t)
        following = texts[intro + 1:]
        if "一是" not in texts[intro] and not any(t.startswith("2.") for t in following):
            problems.append("“以下几个方面”后面只有一项")
    assert not problems, "\n".join(problems)


def test_the_scan_catches_what_it_looks_for():
    """The scan itself, on the faults it exists for (from the issue)."""
    assert DOUBLED_PUNCTUATION.search("依托“第一议题”。、中心组学习")
    assert STRAY_PUNCTUATION.search("思想、和党的二十大精神；作为")
    assert STRAY_PUNCTUATION.search("市直机关工委，的有力指导下")
    assert STRAY_PUNCTUATION.search("《全市机关党建工作要点。》")
    assert etc_after_one("全年获得优秀公务员等荣誉，这既是肯定。") == ["全年获得优秀公务员等"]
    assert etc_after_one("工作方案1份，主要有《甲》等，推动") == ["主要有《甲》等"]
    assert etc_after_one("主要有《甲》《乙》等，获得全市业务竞赛三等奖。") == []
    assert lone_numbers(["[H1] 一、甲", "[P3] 1.乙。丙", "[H1] 二、丁"]) == ["[P3] 1.乙。丙"]
    assert lone_numbers(["[H1] 一、甲", "[P3] 1.乙。", "[P3] 2.丙。"]) == []
    assert lone_numbers(["[H1] 一、甲", "[H2] （一）乙", "[P] 丙", "[H1] 二、丁"]) == ["[H2] （一）乙"]
    assert DOUBLED_WORD.search("依托依托“第一议题”")
    text = "认真组织实施，推动各项任务按计划落实。本人亲自牵头。认真组织实施，推动各项任务按计划落实。"
    assert sentences(text).count("认真组织实施，推动各项任务按计划落实") == 2


@pytest.mark.parametrize("position, body_name", [("党委书记", "党委"), ("党工委书记", "党工委"),
                                                 ("党组书记、局长", "党组"), ("局长", "党组")])
def test_the_report_speaks_of_the_secretarys_own_party_body(position, body_name):
    wf = load_builtin("dangjian-shuzhi")
    from workflows.loader import sample_answers_path

    answers = load_answers_file(wf, sample_answers_path("dangjian-shuzhi"))
    # The sample's own answers name its 党组 ("党组会议“第一议题”"): a
    # secretary of another body would have typed their own.
    for path, value in answers.items():
        if isinstance(value, str):
            answers[path] = value.replace("党组", body_name)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            answers[path] = [v.replace("党组", body_name) for v in value]
    answers["basics.position"] = position
    report = assemble(wf, answers, today=TODAY)
    text = "".join(b.full_text for b in report.blocks)
    for other in {"党组", "党委", "党工委"} - {body_name}:
        # 党组织 (any Party organisation) and 机关党委 (the organ's committee) are other words.
        pattern = {"党组": r"党组(?!织)", "党委": r"(?<!机关)(?<!直属机关)党委(?!委员会)", "党工委": "党工委"}[other]
        assert not re.search(pattern, text.replace("党委（党组）", "")), (other, re.findall(rf".{{8}}{pattern}.{{8}}", text))
    assert f"{body_name}会议" in text and f"{body_name}理论学习中心组" in text
    members = "党组成员" if body_name == "党组" else f"{body_name}委员"
    assert f"名{members}签订党风廉政建设责任书" in text
    warned = [p for p in check(wf, answers, today=TODAY).problems if p.field_path == "basics.position"]
    assert bool(warned) == (position == "局长")


@pytest.mark.parametrize("wf_id, name, path", [
    ("dangjian-shuzhi", "08-other-fills-required", "problem_duty.issues"),
    ("personal-summary", "03-typed-punctuation", "shortcomings.issues"),
])
def test_a_filled_other_answers_a_required_multi_choice(wf_id, name, path):
    wf = load_builtin(wf_id)
    answers = load_answers_file(wf, EDGE_DIR / wf_id / f"{name}.yaml")
    assert path not in answers  # only 其他 is filled
    result = check(wf, answers, today=TODAY)
    assert not [p for p in result.problems if p.field_path == path]
    assert result.item_states[path.split(".")[0]] == "done"
    report = assemble(wf, answers, today=TODAY)
    assert report.pending == ()
    assert "【待填" not in "".join(b.full_text for b in report.blocks)
    # with 其他 cleared as well, the field is pending again
    other = path.replace("issues", "other")
    del answers[other]
    assert [p.field_path for p in check(wf, answers, today=TODAY).of_severity("pending")] == [path]


def test_answers_that_must_agree_are_errors_at_both_fields():
    wf = load_builtin("dangjian-shuzhi")
    answers = load_answers_file(wf, EDGE_DIR / "dangjian-shuzhi" / "15-answers-disagree.yaml")
    errors = [p for p in check(wf, answers, today=TODAY).problems if p.severity == "error"]
    by_message: dict[str, set[str]] = {}
    for problem in errors:
        by_message.setdefault(problem.message, set()).add(problem.field_path)
    assert sorted(map(sorted, by_message.values())) == [
        ["branch_duty.lessons", "three_one.lessons"],
        ["branch_duty.theme_days", "theme_day.monthly"],
        ["documents.titles", "documents.total"],
        ["dual_life.branch_life", "org_life.meetings"],
        ["three_one.lessons", "three_one.lessons_leaders"],
    ]
    message = next(m for m, paths in by_message.items() if "branch_duty.lessons" in paths)
    assert "支部书记履职中支部书记讲党课12次" in message and "“三会一课”中讲党课10次" in message
