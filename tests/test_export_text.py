"""Golden tests for the Markdown and plain-text exports.

Regenerate the golden files after an intended change with
    SHUZHI_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_export_text.py
and review the diff.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from test_export_support import make_pending_report, make_report
from workflows.export import export_report
from workflows.export.markdown import escape, render_markdown
from workflows.export.text import render_text
from workflows.report import Block

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SHUZHI_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
    assert path.is_file(), f"golden file {path} missing: run with SHUZHI_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name, report",
    [("export_report", make_report()), ("export_draft", make_pending_report())],
)
def test_markdown_golden(name, report):
    check_golden(f"{name}.md", render_markdown(report))


@pytest.mark.parametrize(
    "name, report",
    [("export_report", make_report()), ("export_draft", make_pending_report())],
)
def test_text_golden(name, report):
    check_golden(f"{name}.txt", render_text(report))


def test_text_shape():
    report = make_report()
    lines = render_text(report).split("\n")
    assert lines[0] == report.title and lines[1] == report.name_line and lines[2] == ""
    body = lines[3:-4]
    for block, line in zip(report.blocks, body):
        expected = block.full_text if block.is_heading else "\u3000\u3000" + block.full_text
        assert line == expected
    assert lines[-4:] == ["", report.signature, report.date, ""]


def test_markdown_shape():
    report = make_report()
    text = render_markdown(report)
    assert text.startswith(f"# {report.title}\n\n{report.name_line}\n\n")
    assert "\n\n## 一、提升政治站位，扛牢管党治党政治责任\n\n" in text
    assert "\n\n### （一）坚持以理论武装凝心铸魂\n\n" in text
    assert "\n\n#### 1.完善党建目标责任制\n\n" in text
    assert "\n\n##### （1）支部书记履职情况\n\n" in text
    # A run-in heading in bold, the closing "**" before the punctuation so
    # that CommonMark closes it.
    assert "\n\n**1.加强理论武装**。全年主持召开党组会议12次" in text
    assert text.endswith(f"\n\n{report.closing}\n\n{report.signature}\n\n{report.date}\n")


def test_markdown_escapes_what_would_change_meaning():
    assert escape("# 不是标题") == "\\# 不是标题"
    assert escape("1. 不是列表") == "1\\. 不是列表"
    assert escape("1.加强") == "1.加强"
    assert escape("a*b*_c_ [x](y) <b>") == "a\\*b\\*\\_c\\_ \\[x\\](y) \\<b\\>"
    report = make_report(blocks=(Block(kind="paragraph", text="- 列表？*强调*"),))
    assert "\\- 列表？\\*强调\\*" in render_markdown(report)


def test_embedded_line_breaks_and_pasted_indents():
    report = make_report(blocks=(Block(kind="paragraph", text="　　第一段。\n\n  第二段。\r\n第三段。"),))
    text = render_text(report)
    assert "\u3000\u3000第一段。\n\u3000\u3000第二段。\n\u3000\u3000第三段。\n" in text
    assert "\n\n第一段。\n\n第二段。\n\n第三段。\n\n" in render_markdown(report)


def test_text_file_is_utf8_with_bom_and_crlf(tmp_path):
    report = make_report()
    path = tmp_path / "r.txt"
    result = export_report(report, "txt", path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == render_text(report).count("\n")
    assert data.decode("utf-8-sig").replace("\r\n", "\n") == render_text(report)
    assert result.notes == []


def test_markdown_file_is_plain_utf8(tmp_path):
    path = tmp_path / "r.md"
    export_report(make_report(), "md", path)
    assert path.read_bytes() == render_markdown(make_report()).encode("utf-8")


def test_control_characters_cleaned_in_text_exports_too(tmp_path):
    report = make_report()
    report = dataclasses.replace(report, closing="以上述职，\x00请予评议。")
    result = export_report(report, "txt", tmp_path / "r.txt")
    assert result.notes == ["结束语：删除了 1 个无法写入文件的控制字符（多为粘贴时带入）"]
    assert "\u3000\u3000以上述职，请予评议。" in (tmp_path / "r.txt").read_text(encoding="utf-8-sig")
