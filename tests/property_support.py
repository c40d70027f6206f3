"""Shared pieces of the property tests (tests/test_property_*.py): a workflow
with a field of every type whose templates print each answer between fixed
characters, hostile text strategies, and the "appears literally" check.

Not a test module itself (no test_ prefix); imported by the property tests.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from workflows.loader import load_workflow_text
from workflows.values import AnswerError, coerce
from workflows.report import Report

# Example counts come from the hypothesis profile (tests/conftest.py, chosen by
# HYPOTHESIS_PROFILE): few in the default suite; the `_slow` twins of the
# properties, run by `pytest -m slow`, always take the "thorough" profile's.
COMMON = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    derandomize=False,
)
default_settings = settings(**COMMON)
slow_settings = settings(settings.get_profile("thorough"), **COMMON)


FUZZ_WORKFLOW = r"""
id: fuzz
title: 模糊测试
version: 1
year_field: basics.year

report:
  title: "标题{{ r.basics.title }}尾"
  name_line: "署名{{ r.basics.name }}尾"
  opening: "开头{{ r.basics.name }}尾"
  closing: "结束{{ r.basics.name }}尾"
  signature: "落款{{ r.basics.name }}"
  date: "{{ r.basics.date | cn_date }}"

sections:
  - id: basics
    title: 基本信息
    items:
      - id: basics
        title: 基本信息
        question: 基本信息？
        fields:
          - {id: title, type: text, label: 标题, max_length: 200000}
          - {id: name, type: text, label: 单位, max_length: 200000}
          - {id: year, type: year, label: 年度}
          - {id: date, type: date, label: 日期}
  - id: main
    title: 主要工作
    heading: 主要工作
    items:
      - id: words
        title: 文字
        question: 文字？
        heading: 文字
        fields:
          - {id: line, type: text, label: 单行, required: true, max_length: 200000}
          - {id: long, type: longtext, label: 多行, max_length: 200000}
          - {id: pick, type: choice, label: 单选, options: [甲, 乙], custom: true}
          - {id: strict, type: choice, label: 严格单选, options: [甲, 乙]}
        template: |
          单行〔{{ line }}〕
          {%- if long %}多行〔{{ long }}〕{% endif %}
          {%- if pick %}单选〔{{ pick }}〕{% endif %}
          {%- if strict %}严格〔{{ strict }}〕{% endif %}。
      - id: lists
        title: 列表
        question: 列表？
        fields:
          - {id: things, type: list, label: 事项, max_length: 200000}
          - {id: docs, type: titles, label: 文件, max_length: 200000}
          - {id: tags, type: multi, label: 标签, options: [学习, 会议], custom: true, max_length: 200000}
        template: |
          {% if things %}事项〔{{ things | join_cn }}〕{% endif %}
          {%- if docs %}文件〔{{ docs | titles }}〕{% endif %}
          {%- if tags %}标签〔{{ tags | join_cn }}〕{% endif %}
      - id: numbers
        title: 数字
        question: 数字？
        fields:
          - {id: n, type: count, label: 次数, unit: 次}
          - {id: flag, type: bool, label: 是否}
        template: |
          次数〔{{ n }}〕{% if flag %}是{% endif %}
      - id: people
        title: 人员
        question: 人员？
        fields:
          - id: people
            type: group
            label: 人员
            fields:
              - {id: who, type: text, label: 姓名, max_length: 200000}
              - {id: note, type: longtext, label: 说明, max_length: 200000}
        template: |
          {% for p in people %}人员〔{{ p.who }}〕说明〔{{ p.note }}〕

          {% endfor %}
"""

_WF = None


def fuzz_workflow():
    global _WF
    if _WF is None:
        _WF = load_workflow_text(FUZZ_WORKFLOW, "fuzz.yaml")
    return _WF


# Text fields of the fuzz workflow that print their value verbatim.
TEXT_PATHS = ("basics.title", "basics.name", "words.line", "words.long", "words.pick")
LIST_PATHS = ("lists.things", "lists.docs", "lists.tags")


# ------------------------------------------------------------ strategies

NASTY_PIECES = [
    "{{ x }}", "{{", "}}", "{% if true %}", "{% endif %}", "{#", "#}", "{%- raw %}",
    "{{ r.basics.name }}", "{{ ''.__class__.__mro__ }}", "{{ 7*7 }}",
    "<w:t>", "</w:p>", "&amp;", "&", "<", ">", "]]>", "<![CDATA[", '<?xml version="1.0"?>',
    "\"", "'", "\\", "\\n",
    "\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x1f", "\x7f", "\x85",
    "\t", "\n", "\r", "\r\n", "\n\n", "\u2028", "\u2029", "\u3000",
    "\u200b", "\u200d", "\ufeff", "\ufffe", "\uffff", "\ue000", "\ue000h", "\ue000e",
    "\u202e", "\u202d", "\u2066",
    "مرحبا بالعالم", "שלום", "👨‍👩‍👧‍👦", "🇨🇳", "😀", "\U0010ffff", "e\u0301",
    "###", "### 标题", "#### ", "# ", "- ", "1. ", "> ", "*", "_", "`", "|", "~~",
    "【待填：x】", "【", "】", "《", "》", "XX", "××",
    "党建", "述职报告", "同志们", "，", "。", "、",
]

pieces = st.one_of(
    st.sampled_from(NASTY_PIECES),
    st.text(max_size=20),
    st.characters(codec="utf-8"),
    st.characters(min_codepoint=0, max_codepoint=0x1F),
)

nasty_text = st.lists(pieces, max_size=12).map("".join)


@st.composite
def long_text(draw, size: int = 100_000) -> str:
    """A string of ``size`` characters built from hostile pieces."""
    seed = draw(st.lists(pieces, min_size=1, max_size=6).map("".join).filter(bool))
    text = (seed * (size // len(seed) + 1))[:size]
    return text


scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    nasty_text, st.dates(), st.datetimes(),
)
any_raw = st.recursive(
    scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(nasty_text, st.sampled_from(["who", "note", "value", "approx"])), children, max_size=4),
    ),
    max_leaves=12,
)


# ------------------------------------------------------------ checks

_LINE_STRIP = " \t\u3000"


def literal_pieces(value: str) -> list[str]:
    """What of ``value`` must survive assembly verbatim: every non-blank
    line (assembly joins the lines of a paragraph and splits paragraphs at
    blank lines, trimming each line's spaces; nothing else may change)."""
    value = value.replace("\r\n", "\n")
    out = []
    for line in value.split("\n"):
        line = line.strip(_LINE_STRIP)
        if line:
            out.append(line)
    return list(dict.fromkeys(out))


def report_text(report: Report) -> str:
    return "\n".join(report.paragraphs())


def strings_in(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for element in value:
            yield from strings_in(element)
    elif isinstance(value, dict):
        for element in value.values():
            yield from strings_in(element)


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


# ------------------------------------------------------------ answers


@st.composite
def text_answers(draw):
    """Answers as the app stores them: typed text through coerce; values
    that do not validate are not stored."""
    wf = fuzz_workflow()
    answers = {}
    # At most one 100,000-character answer per example: rich's wrapping of
    # megabytes of preview text would dominate the run otherwise.
    long_path = draw(st.one_of(st.none(), st.none(), st.sampled_from(TEXT_PATHS)))
    for path in TEXT_PATHS:
        raw = draw(long_text() if path == long_path else nasty_text)
        try:
            value = coerce(wf.field(path), raw)
        except AnswerError:
            continue
        if value is not None:
            answers[path] = value
    for path in LIST_PATHS:
        raw = draw(st.one_of(nasty_text, st.lists(nasty_text, max_size=4)))
        try:
            value = coerce(wf.field(path), raw)
        except AnswerError:
            continue
        if value is not None:
            answers[path] = value
    entries = draw(st.lists(st.fixed_dictionaries({"who": nasty_text, "note": nasty_text}), max_size=3))
    try:
        value = coerce(wf.field("people.people"), entries)
    except AnswerError:
        value = None
    if value is not None:
        answers["people.people"] = value
    answers["numbers.n"] = draw(st.sampled_from([0, 3, "20余"]))
    answers["numbers.flag"] = draw(st.booleans())
    answers["basics.year"] = 2025
    answers["basics.date"] = "2026-01-08"
    return answers


def expected_strings(answers):
    """Every answer string that must appear in the report, as printed: the
    answer as templates see it, i.e. without the punctuation and item
    numbers typed at its ends that templates add themselves (see
    docs/workflow-format.md); the titles filter prints a title inside 《》
    without stray brackets."""
    from workflows.assemble import _cleaned

    wf = fuzz_workflow()
    for path, value in answers.items():
        if path not in TEXT_PATHS + LIST_PATHS + ("people.people",):
            continue
        f = wf.field(path)
        if f.type == "group":
            texts = [_cleaned(sub, entry[sub.id], item_like=sub.type == "text")
                     for entry in value for sub in f.fields if isinstance(entry.get(sub.id), str)]
        else:
            texts = list(strings_in(_cleaned(f, value)))
        for text in texts:
            if path == "lists.docs" and not text.startswith("【"):
                text = text.strip("《》")
            if text:
                yield path, text


