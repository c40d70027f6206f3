"""Values, checks and assembly edge cases on a small workflow built for them."""

from __future__ import annotations

import re

import datetime as dt

import pytest

from workflows.answers import (
    AnswersFileError,
    default_report_year,
    dump_answers,
    effective_answers,
    initial_answers,
    load_answers_text,
)
from workflows.assemble import assemble, render_item
from workflows.checks import check
from workflows.loader import load_workflow_text
from workflows.values import AnswerError, Count, coerce, cn_num

TODAY = dt.date(2026, 11, 25)

EDGE = """
id: edge
title: 边界情况
version: 1
year_field: basics.year
report:
  title: "{{ r.basics.year }}年度{{ r.basics.unit }}述职报告"
  name_line: "{{ r.basics.name }}"
  opening: "本人依据{{ r.basics.docs | titles }}履行职责。\\n\\n现述职如下："
  closing: 以上述职，请予评议。
  signature: "{{ r.basics.name }}"
  date: "{{ r.basics.date | cn_date }}"
sections:
  - id: basics
    title: 基本信息
    items:
      - id: basics
        title: 基本信息
        question: 基本信息？
        fields:
          - {id: unit, type: text, label: 单位名称, required: true}
          - {id: name, type: text, label: 姓名, required: true}
          - {id: year, type: year, label: 年度, default_rule: report_year}
          - {id: date, type: date, label: 成文日期, default_rule: today}
          - {id: docs, type: titles, label: 上级文件, default: [党章]}
          - id: theory
            type: list
            label: 理论学习
            default_by_year:
              2023: [甲]
              2025: [甲, 乙]
  - id: work
    title: 工作
    heading: 履职情况
    items:
      - id: meetings
        title: 会议
        heading: 会议情况
        question: 开了多少会？
        fields:
          - {id: group_meetings, type: count, label: 党组会议次数, unit: 次, required: true}
          - {id: committee, type: count, label: 机关党委会议次数, unit: 次}
          - {id: conveyed, type: bool, label: 是否传达上级精神, required: true}
          - id: themed_days
            type: count
            label: 主题党日次数
            norm: {min: 12, message: 主题党日应每月开展, source: 《中国共产党支部工作条例（试行）》}
        template: |
          {% set parts = [] -%}
          {% if group_meetings %}{% set _ = parts.append("召开党组会议" ~ group_meetings ~ "次") %}{% endif -%}
          {% if committee %}{% set _ = parts.append("机关党委会议" ~ committee ~ "次") %}{% endif -%}
          {% if parts %}全年{{ parts | join("，") }}{% if conveyed %}，及时传达上级会议精神{% endif %}。{% endif %}
      - id: lessons
        title: 党课
        question: 讲了多少党课？
        fields:
          - {id: total, type: count, label: 党课总次数}
          - {id: by_leaders, type: count, label: 领导干部讲党课次数}
        template: |
          ### 抓好党课教育。
          {% if total %}全年开展党课{{ total }}次{% if by_leaders %}，其中领导干部讲党课{{ by_leaders }}次{% endif %}。{% else %}党课教育有待加强。{% endif %}

          #### 细化要求
      - id: tasks
        title: 重点任务
        heading: 重点任务
        question: 有哪些重点任务？
        fields:
          - id: entries
            type: group
            label: 重点任务
            min_items: 1
            max_items: 3
            fields:
              - {id: name, type: text, label: 任务名称, required: true}
              - {id: outcome, type: longtext, label: 成效}
        template: |
          {% for e in entries %}
          ### {{ e.name }}

          {{ e.outcome | sentence }}

          {% endfor %}
      - id: notes
        title: 备注
        question: 其他？
        fields:
          - {id: text, type: longtext, label: 补充说明}
        template: "{{ text }}"
checks:
  - id: leaders-le-total
    assert: "r.lessons.by_leaders <= r.lessons.total"
    message: 领导干部讲党课次数不能多于党课总次数
    fields: [lessons.by_leaders]
"""


@pytest.fixture(scope="module")
def wf():
    return load_workflow_text(EDGE, "edge.yaml")


def full(**extra):
    answers = {
        "basics.unit": "青山市某局",
        "basics.name": "张明",
        "basics.year": 2026,
        "basics.date": "2027-01-08",
        "meetings.group_meetings": 12,
        "meetings.committee": 6,
        "meetings.conveyed": True,
        "meetings.themed_days": 12,
        "lessons.total": 8,
        "lessons.by_leaders": 3,
        "tasks.entries": [{"name": "作风整治", "outcome": "成效明显。"}],
    }
    answers.update(extra)
    return answers


def texts(report):
    return [b.full_text for b in report.blocks]


# ----------------------------------------------------------------- values


@pytest.mark.parametrize(
    "raw, expected",
    [(12, 12), ("12", 12), ("１２", 12), ("20余", "20余"), (" 7 次", 7), (0, 0),
     ("二十四", 24), ("二十余", "20余"), ("十二次", 12), ("一百零五", 105), ("三千", 3000), ("十", 10),
     ({"value": 20, "approx": True}, "20余"), (3.0, 3)],
)
def test_count_parsing(wf, raw, expected):
    assert coerce(wf.field("meetings.committee"), raw) == expected


@pytest.mark.parametrize(
    "raw, message",
    [(-1, "不能是负数"), ("-3", "不能是负数"), ("abc", "不是整数"), (2.5, "不能是小数"), (True, "不是“是/否”"),
     (100001, "不能超过100000"), ([1], "应为整数"), ("约20", "约数请写成“20余”"), ("大约 20", "约数请写成“20余”"),
     ("二三十", "不是整数"), ("十百", "不是整数")],
)
def test_count_errors(wf, raw, message):
    with pytest.raises(AnswerError, match=message):
        coerce(wf.field("meetings.committee"), raw)


def test_other_types(wf):
    assert coerce(wf.field("basics.date"), "2027年1月8日") == "2027-01-08"
    assert coerce(wf.field("basics.date"), dt.date(2027, 1, 8)) == "2027-01-08"
    with pytest.raises(AnswerError, match="不是有效日期"):
        coerce(wf.field("basics.date"), "2027-02-30")
    assert coerce(wf.field("basics.year"), "2025年") == 2025
    with pytest.raises(AnswerError, match="2000至2100"):
        coerce(wf.field("basics.year"), 1999)
    assert coerce(wf.field("meetings.conveyed"), "是") is True
    assert coerce(wf.field("meetings.conveyed"), "否") is False
    with pytest.raises(AnswerError, match="“是”或“否”"):
        coerce(wf.field("meetings.conveyed"), "也许")
    assert coerce(wf.field("basics.docs"), ["《党章》", " 条例 ", ""]) == ["党章", "条例"]
    assert coerce(wf.field("basics.docs"), "甲\n乙") == ["甲", "乙"]
    assert coerce(wf.field("basics.unit"), "  ") is None
    with pytest.raises(AnswerError, match="不能包含换行"):
        coerce(wf.field("basics.unit"), "甲\n乙")
    with pytest.raises(AnswerError, match="最多3条"):
        coerce(wf.field("tasks.entries"), [{"name": str(i)} for i in range(4)])
    with pytest.raises(AnswerError, match="没有名为“bogus”的字段"):
        coerce(wf.field("tasks.entries"), [{"bogus": 1}])


def test_count_object_behaves_like_a_number():
    assert str(Count(20, True)) == "20余" and not Count(0) and Count(3) > 2 and Count(3) <= Count(3)
    assert [cn_num(n) for n in (1, 10, 11, 20, 105, 1010)] == ["一", "十", "十一", "二十", "一百零五", "一千零一十"]


def test_defaults_depend_on_year(wf):
    assert effective_answers(wf, {"basics.year": 2024}, TODAY)["basics.theory"] == ["甲"]
    assert effective_answers(wf, {"basics.year": 2026}, TODAY)["basics.theory"] == ["甲", "乙"]
    assert effective_answers(wf, {"basics.year": 2020}, TODAY)["basics.theory"] == ["甲"]
    # an explicit None (cleared by the user) keeps the default away
    assert effective_answers(wf, {"basics.theory": None}, TODAY)["basics.theory"] is None
    assert default_report_year(dt.date(2026, 10, 1)) == 2026
    assert default_report_year(dt.date(2026, 9, 30)) == 2025
    seeded = initial_answers(wf, year=2024, today=TODAY, **{"basics.unit": "某局"})
    assert seeded["basics.year"] == 2024 and seeded["basics.theory"] == ["甲"] and seeded["basics.unit"] == "某局"


# --------------------------------------------------------------- assembly


def test_full_report_structure(wf):
    report = assemble(wf, full(), today=TODAY)
    assert report.title == "2026年度青山市某局述职报告"
    assert report.name_line == "张明"
    assert texts(report) == [
        "本人依据《党章》履行职责。",
        "现述职如下：",
        "一、履职情况",
        "（一）会议情况",
        "全年召开党组会议12次，机关党委会议6次，及时传达上级会议精神。",
        # alone at their level: no "1." and no "（1）"
        "抓好党课教育。全年开展党课8次，其中领导干部讲党课3次。",
        "细化要求",
        "（二）重点任务",
        "作风整治",
        "成效明显。",
    ]
    run_in = report.blocks[5]
    assert (run_in.kind, run_in.level, run_in.number, run_in.lead) == ("paragraph", 3, "", "抓好党课教育。")
    assert report.blocks[6].is_heading and report.blocks[6].level == 4
    assert report.date == "2027年1月8日" and report.signature == "张明"
    assert report.pending == () and report.render_errors == ()
    assert check(wf, full(), today=TODAY).ready


def test_zero_counts_and_empty_optionals_leave_no_broken_sentence(wf):
    report = assemble(wf, full(**{"meetings.committee": 0, "lessons.total": 0, "lessons.by_leaders": None}), today=TODAY)
    body = texts(report)
    assert "全年召开党组会议12次，及时传达上级会议精神。" in body
    assert "抓好党课教育。党课教育有待加强。" in body
    report = assemble(wf, full(**{"meetings.group_meetings": 0, "meetings.committee": 0}), today=TODAY)
    # the whole meetings sentence drops, and so does its heading
    assert "（一）会议情况" not in texts(report)
    assert texts(report)[3] == "抓好党课教育。全年开展党课8次，其中领导干部讲党课3次。"
    assert not any(t.endswith("，。") or "。。" in t or t.startswith("，") for t in texts(report))


def test_approximate_counts(wf):
    report = assemble(wf, full(**{"meetings.group_meetings": "20余", "lessons.total": "30余"}), today=TODAY)
    assert "全年召开党组会议20余次，机关党委会议6次，及时传达上级会议精神。" in texts(report)
    assert any("全年开展党课30余次" in t for t in texts(report))


def test_missing_required_fields_show_markers(wf):
    answers = full()
    for path in ("basics.unit", "meetings.group_meetings", "meetings.conveyed"):
        del answers[path]
    report = assemble(wf, answers, today=TODAY)
    assert report.title == "2026年度【待填：单位名称】述职报告"
    body = texts(report)
    assert "全年召开党组会议【待填：党组会议次数】次，机关党委会议6次，及时传达上级会议精神。" in body
    # the yes/no field is never printed by the template: its marker is appended
    assert "【待填：是否传达上级精神】" in body
    assert [p.field_path for p in report.pending] == ["basics.unit", "meetings.group_meetings", "meetings.conveyed"]
    result = check(wf, answers, today=TODAY)
    assert not result.ready
    assert {p.field_path for p in result.of_severity("pending")} == {
        "basics.unit", "meetings.group_meetings", "meetings.conveyed"}
    assert result.item_states["meetings"] == "partial"


def test_empty_answers_assemble_without_errors(wf):
    report = assemble(wf, {}, today=TODAY)
    assert report.render_errors == ()
    assert "【待填：党组会议次数】" in "".join(texts(report))


def test_template_syntax_in_answers_is_literal(wf):
    nasty = "{{ r.basics.name }}{% raw %}{# x #}### 标题 #{{7*7}}\ue000h"
    report = assemble(wf, full(**{"notes.text": nasty, "basics.unit": "{% if true %}甲{% endif %}"}), today=TODAY)
    assert nasty in texts(report)
    assert report.title == "2026年度{% if true %}甲{% endif %}述职报告"


def test_answer_starting_with_hashes_is_not_a_heading(wf):
    report = assemble(wf, full(**{"notes.text": "### 不是标题"}), today=TODAY)
    block = report.blocks[-1]
    assert (block.kind, block.number, block.text) == ("paragraph", "", "### 不是标题")


def test_longtext_blank_lines_split_paragraphs(wf):
    report = assemble(wf, full(**{"notes.text": "第一段。\n\n第二段。"}), today=TODAY)
    assert texts(report)[-2:] == ["第一段。", "第二段。"]


def test_norm_warning_and_cross_field_error(wf):
    result = check(wf, full(**{"meetings.themed_days": 10, "lessons.by_leaders": 9}), today=TODAY)
    warnings = result.of_severity("warning")
    assert [(p.field_path, p.message, p.source) for p in warnings] == [
        ("meetings.themed_days", "主题党日应每月开展", "《中国共产党支部工作条例（试行）》")]
    errors = result.of_severity("error")
    # the message quotes both answers (the rule reads two fields)
    assert [(p.field_path, p.message) for p in errors] == [
        ("lessons.by_leaders", "领导干部讲党课次数不能多于党课总次数（已填：党课中领导干部讲党课次数9、党课总次数8）")]
    assert result.item_states["lessons"] == "error" and result.item_states["meetings"] == "warning"
    assert not result.ready
    # a warning alone never blocks
    assert check(wf, full(**{"meetings.themed_days": 10}), today=TODAY).ready


def test_cross_field_check_waits_for_both_answers(wf):
    answers = full()
    del answers["lessons.total"]
    assert not check(wf, answers, today=TODAY).of_severity("error")


def test_invalid_stored_value_is_an_error_not_a_crash(wf):
    answers = full(**{"meetings.committee": "很多"})
    result = check(wf, answers, today=TODAY)
    assert [p.field_path for p in result.of_severity("error")] == ["meetings.committee"]
    report = assemble(wf, answers, today=TODAY)
    assert any("【待填：机关党委会议次数】" in t for t in texts(report))


def test_render_item_numbers_locally(wf):
    blocks = render_item(wf, full(), "lessons", today=TODAY)
    assert [b.full_text for b in blocks] == ["抓好党课教育。全年开展党课8次，其中领导干部讲党课3次。", "细化要求"]
    two = full(**{"tasks.entries": [{"name": "作风整治"}, {"name": "品牌创建", "outcome": "见效。"}]})
    assert [b.full_text for b in render_item(wf, two, "tasks", today=TODAY)] == [
        "1.作风整治", "2.品牌创建", "见效。"]
    assert render_item(wf, full(), "nope") == []


def test_answers_file_round_trip(wf):
    answers = full(**{"meetings.group_meetings": "20余"})
    for fmt in ("yaml", "json"):
        text = dump_answers(wf, answers, fmt)
        assert "青山市某局" in text  # readable Chinese, not escapes
        assert load_answers_text(wf, text, fmt) == {k: v for k, v in answers.items()}


def test_answers_file_lists_every_problem(wf):
    text = """
basics:
  unit: 某局
  year: 1888
meetings:
  group_meetings: 很多
  bogus: 1
nosuch:
  x: 1
tasks:
  entries:
    - name: 甲
      outcome: [1, 2]
"""
    with pytest.raises(AnswersFileError) as info:
        load_answers_text(wf, text, "yaml", "a.yaml")
    assert "第8行 nosuch：工作流“edge”中没有这个条目" in info.value.problems  # each with its line
    assert "第13行 tasks.entries[1].outcome：应为文字" in info.value.problems
    problems = [re.sub(r"^第\d+行 ", "", p) for p in info.value.problems]
    assert "nosuch：工作流“edge”中没有这个条目" in problems
    assert "meetings.bogus：工作流“edge”中没有这个字段" in problems
    assert any(p.startswith("basics.year：") and "2000至2100" in p for p in problems)
    assert any(p.startswith("meetings.group_meetings：") for p in problems)
    assert any(p.startswith("tasks.entries[1].outcome：") for p in problems)
    assert len(problems) == 5
    assert "未保存任何内容" in str(info.value)


def test_answers_file_syntax_errors(wf):
    with pytest.raises(AnswersFileError, match="第2行.*YAML 格式错误"):
        load_answers_text(wf, "a: 1\n b: [\n", "yaml")
    with pytest.raises(AnswersFileError, match="JSON 格式错误"):
        load_answers_text(wf, "{", "json")
    with pytest.raises(AnswersFileError, match="顶层应为"):
        load_answers_text(wf, "[1, 2]", "json")


def test_preview_never_sends_control_codes_to_the_terminal(wf):
    import io

    from rich.console import Console

    from workflows.render.preview import report_renderable

    report = assemble(wf, full(**{"notes.text": "前\x1b[2J\x07后\x9b", "basics.unit": "某\x00局"}), today=TODAY)
    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(report_renderable(report))
    text = out.getvalue()
    assert "前␛[2J␇后\ufffd" in text and "某␀局" in text
    assert not any(ord(ch) < 0x20 and ch != "\n" for ch in text)
