"""The loader: every broken workflow file gets its own precise Chinese message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workflows.loader import WorkflowError, load_workflow, load_workflow_text

BROKEN = Path(__file__).parent / "data" / "broken"

# file -> every message fragment the report must contain (line numbers included)
EXPECTED = {
    "bad_yaml.yaml": ["第3行第10列：YAML 格式错误"],
    "bad_toml.toml": ["第2行第12列：TOML 格式错误"],
    "unknown_type.yaml": ["第15行 sections[0].items[0].fields[0].type：未知的字段类型“number”"],
    "template_syntax.yaml": ["第17行 sections[0].items[0].template：模板语法错误"],
    "missing_field.yaml": [
        "第5行 report.title：引用了不存在的字段“r.a.unit”",
        "第15行 sections[0].items[0].template：引用了不存在的字段“meetings”",
    ],
    "duplicate_ids.yaml": [
        "第15行 sections[0].items[0].fields[1].id：字段 id“n”在同一条目中重复",
        "第16行 sections[0].items[1].id：条目 id“a”重复（第10行已有）",
    ],
    "duplicate_key.yaml": ["第3行 title：键“title”重复出现（第2行已有）"],
    "bad_check.yaml": [
        "第17行 checks[0].assert：引用了不存在的字段“r.a.total”",
        "第23行 checks[1].fields[0]：字段“a.nope”不存在",
        "第21行 checks[1].assert：表达式语法错误",
    ],
    "bad_values.yaml": [
        "第1行 id：工作流 id“Bad_ID”不合规",
        "第3行 version：应为整数",
        "第6行 report.footer：未知的键“footer”",
        "第15行 sections[0].items[0].fields[0].min：最小值10大于最大值5",
        "第16行 sections[0].items[0].fields[1].options：缺少",
        "第17行 sections[0].items[0].fields[2].default：默认值不合规：不能是负数",
        "第18行 sections[0].items[0].fields[3].default_rule：default_rule“today”不适用于年度字段",
        "第22行 sections[0].items[0].fields[4].norm：缺少必需的键“source”",
    ],
    "empty.yaml": ["文件是空的"],
    "not_utf8.yaml": ["不是 UTF-8 编码的文本"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_gives_precise_message(name: str) -> None:
    path = BROKEN / name
    with pytest.raises(WorkflowError) as info:
        load_workflow(path)
    text = str(info.value)
    assert text.startswith(f"工作流文件“{path}”有")
    for fragment in EXPECTED[name]:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    # each problem names the file
    assert all(str(path) in problem for problem in info.value.problems)
    assert len(info.value.problems) == len(EXPECTED[name])


def test_corpus_is_fully_covered() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(EXPECTED)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(WorkflowError, match="找不到文件"):
        load_workflow(tmp_path / "nope.yaml")
    with pytest.raises(WorkflowError, match="是文件夹"):
        load_workflow(tmp_path)


def test_toml_workflow_loads() -> None:
    text = """
id = "toml-example"
title = "TOML 示例"
version = 2
[report]
title = "{{ r.a.name }}的报告"
[[sections]]
id = "s"
title = "部分"
[[sections.items]]
id = "a"
title = "条目"
question = "叫什么？"
template = "名称是{{ name }}。"
[[sections.items.fields]]
id = "name"
type = "text"
label = "名称"
required = true
"""
    wf = load_workflow_text(text, "x.toml", fmt="toml")
    assert wf.version == 2
    assert wf.field("a.name").required


def test_top_level_must_be_mapping() -> None:
    with pytest.raises(WorkflowError, match="顶层应为"):
        load_workflow_text("- a\n- b\n", "list.yaml")


def test_group_cannot_nest_and_subfield_paths() -> None:
    text = """
id: g
title: 组
version: 1
report: {title: 标题}
sections:
  - id: s
    title: 部分
    items:
      - id: a
        title: 条目
        question: 问？
        fields:
          - id: entries
            type: group
            label: 条目
            fields:
              - {id: name, type: text, label: 名称, required: true}
              - {id: inner, type: group, label: 内层, fields: [{id: x, type: text, label: x}]}
"""
    with pytest.raises(WorkflowError) as info:
        load_workflow_text(text, "g.yaml")
    assert "不能再嵌套 group" in str(info.value)
    assert re.search(r"第19行 sections\[0\]\.items\[0\]\.fields\[0\]\.fields\[1\]\.type", str(info.value))


def test_folded_chinese_text_has_no_spaces() -> None:
    text = """
id: folded
title: 折叠
version: 1
description: >-
  第一行中文，
  第二行中文 and English
  words.
report: {title: 标题}
sections:
  - id: s
    title: 部分
    items:
      - {id: a, title: 条目, question: 问？, fields: [{id: n, type: count, label: 数量}]}
"""
    wf = load_workflow_text(text, "folded.yaml")
    assert wf.description == "第一行中文，第二行中文 and English words."
