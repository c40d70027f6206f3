"""The report title broken into lines (GB/T 9704-2012 7.3.1: 词意完整，排列
对称，长短适宜; 梯形或菱形): never inside a word, never a lone character, a
trapezoid or diamond, at most the lines it needs; the same lines in the Word
file; a check reminder beyond three lines."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from workflows.assemble import assemble
from workflows.checks import check
from workflows.export import get_profile, render
from workflows.export.layout import display_width, split_title, title_capacity, title_lines
from workflows.loader import load_builtin

PROFILE = get_profile("standard")
CAPACITY = title_capacity(PROFILE)
UNITS = [
    "青山市统计局",
    "青山市自然资源和规划局",
    "青山市市场监督管理局",
    "中共青山市委组织部",
    "广州市公安局",
    "青山市城市管理综合行政执法局",
    "国家税务总局青山市青江区税务局",
    "青山市住房和城乡建设局（青山市人民防空办公室）",
    # 39 characters
    "青山市青江经济技术开发区管理委员会规划建设和自然资源局（青江区综合行政执法局）",
]
POSITIONS = ["党组书记", "党委书记", "党组书记、局长", "党委书记、局长", "党工委书记"]
# Words no line may end inside (the unit's own words among them).
WORDS = ["党组书记", "党委书记", "党工委书记", "书记", "局长", "述职报告", "机关党建", "年度", "2025",
         "自然资源", "规划", "市场", "监督", "管理", "组织部", "公安局", "城市", "综合", "行政", "执法",
         "税务", "住房", "城乡", "建设", "人民", "防空", "办公室", "经济", "技术", "开发区", "委员会",
         "青山市", "青江区", "国家"]


def titles():
    for unit in UNITS:
        for position in POSITIONS:
            yield f"2025年度{unit}{position}抓机关党建工作述职报告"


def splits_a_word(lines):
    title = "".join(lines)
    cuts, pos = set(), 0
    for line in lines[:-1]:
        pos += len(line)
        cuts.add(pos)
    for word in WORDS:
        start = title.find(word)
        while start != -1:
            if any(start < cut < start + len(word) for cut in cuts):
                return word
            start = title.find(word, start + 1)
    return None


@pytest.mark.parametrize("title", list(titles()))
def test_title_lines_keep_words_whole_in_a_trapezoid_or_diamond(title):
    assert len("青山市青江经济技术开发区管理委员会规划建设和自然资源局（青江区综合行政执法局）") == 39
    lines = split_title(title, CAPACITY)
    assert "".join(lines) == title
    widths = [display_width(line) for line in lines]
    assert all(w <= CAPACITY for w in widths), lines
    assert splits_a_word(lines) is None, (splits_a_word(lines), lines)
    assert min(widths) > 2, lines  # no lone "告"
    # no more lines than needed, give or take one to keep a word whole
    assert len(lines) <= -(-display_width(title) // CAPACITY) + 1, lines
    if len(lines) >= 3:
        inner = widths[1:-1]
        assert min(inner) >= min(widths[0], widths[-1]), ("hourglass", lines)
    for line in lines[1:]:
        assert line[0] not in "，、。：；）》”", lines
    for line in lines:
        assert line.count("（") == line.count("）"), ("a bracket broken", lines)
    # the position stays on one line
    position = next(p for p in sorted(POSITIONS, key=len, reverse=True) if p in title)
    assert any(position in line for line in lines), lines


def test_short_titles_stay_on_one_line():
    assert split_title("2025年度个人工作总结", CAPACITY) == ["2025年度个人工作总结"]
    assert split_title("2025年度青山市统计局党组书记抓机关党建工作述职报告", CAPACITY) == [
        "2025年度青山市统计局党组书记", "抓机关党建工作述职报告"]


def test_the_issues_titles():
    """The breaks the issue found: 党组⏎书记, 党委⏎书记, 党组⏎书记、局长."""
    for position in ("党组书记", "党委书记", "党组书记、局长"):
        lines = split_title(f"2025年度青山市自然资源和规划局{position}抓机关党建工作述职报告", CAPACITY)
        assert lines[0] == "2025年度青山市自然资源和规划局", lines
        assert lines[1].startswith(position)


@pytest.mark.parametrize("unit, position, lines_expected", [
    ("青山市自然资源和规划局", "党委书记", 2),
    ("青山市青江经济技术开发区管理委员会规划建设和自然资源局（青江区综合行政执法局）", "党组书记、局长", 4),
])
def test_word_title_and_check_reminder(unit, position, lines_expected):
    wf = load_builtin("dangjian-shuzhi")
    answers = {"basics.unit": unit, "basics.position": position, "basics.name": "张明",
               "basics.year": 2025, "basics.date": "2026-01-08"}
    report = assemble(wf, answers, today=dt.date(2026, 11, 25))
    data, _ = render(report, "docx", draft=True)
    title = docx.Document(io.BytesIO(data)).paragraphs[0]
    assert title.text.split("\n") == title_lines(report.title, PROFILE)
    assert len(title.text.split("\n")) == lines_expected
    reminders = [p for p in check(wf, answers, today=dt.date(2026, 11, 25)).problems
                 if "标题排成" in p.message]
    if lines_expected > 3:
        assert [(p.severity, p.field_path) for p in reminders] == [("warning", "basics.unit")]
        assert f"标题排成{lines_expected}行" in reminders[0].message
    else:
        assert reminders == []
