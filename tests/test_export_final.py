"""Final vs draft exports, the facade, file names and atomic writes."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from test_export_support import make_pending_report, make_report
from workflows.export import (
    FORMATS,
    ExportBlocked,
    ExportError,
    default_filename,
    export_report,
    final_blockers,
)
from workflows.report import Pending, pending_marker


@dataclasses.dataclass
class Problem:
    severity: str
    item_id: str | None
    field_path: str
    message: str


def test_formats():
    assert list(FORMATS) == ["docx", "md", "txt", "pdf"]
    assert [f.suffix for f in FORMATS.values()] == [".docx", ".md", ".txt", ".pdf"]
    assert all(f.name for f in FORMATS.values())


def test_clean_report_has_no_blockers():
    assert final_blockers(make_report()) == []
    warnings = [Problem("warning", "basics", "meetings.democratic", "民主评议党员一年一次")]
    assert final_blockers(make_report(), warnings) == []


def test_final_export_refuses_and_lists_each_blocker_with_its_item(tmp_path):
    report = make_pending_report()
    problems = [
        Problem("error", "political", "lessons.by_leaders", "领导干部讲党课次数不能多于党课总数"),
        Problem("pending", "political", "meetings.party_group", "必填项“党组会议次数”还没有填写"),
        Problem("warning", "basics", "x", "只是提醒"),
    ]
    target = tmp_path / "report.docx"
    with pytest.raises(ExportBlocked) as info:
        export_report(report, "docx", target, problems=problems)
    blockers = info.value.blockers
    kinds = [(b.kind, b.item_id) for b in blockers]
    assert kinds == [
        ("pending", "political"),  # listed once although both sources name it
        ("error", "political"),
        ("placeholder", "dual_life"),  # "XX" in a paragraph
        ("placeholder", None),  # "××" as the signature
        ("placeholder", None),  # "X月X日" in the date, listed once
        # the 【待填：党组会议次数】 marker is the pending entry, not listed again
    ]
    message = str(info.value)
    assert message.startswith("不能导出正式稿：还有 5 处问题")
    assert "条目 political，字段 meetings.party_group：必填项“党组会议次数”还没有填写" in message
    assert "领导干部讲党课次数不能多于党课总数" in message
    assert "条目 dual_life，第4段（“我以普通党员身份参加XX…”）：还有占位文字“XX”" in message
    assert "落款署名：还有占位文字“××”" in message
    assert "成文日期：还有占位文字“X”" in message
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_draft_export_goes_through(tmp_path):
    target = tmp_path / "draft.md"
    result = export_report(make_pending_report(), "md", target, draft=True)
    text = target.read_text(encoding="utf-8")
    assert pending_marker("党组会议次数") in text and "XX支部" in text
    assert result.notes == ["这是草稿：还有 4 处问题（未填的必填项、错误或占位文字），导出正式稿前需要处理"]


def test_placeholders_everywhere_are_found():
    report = make_report(
        title="2025年度XX局党组书记述职报告",
        name_line="xx局党组书记",
        closing="以上述职，请ＸＸ评议。",
        date="【待填：日期】",
    )
    blockers = final_blockers(report)
    assert [(b.where, b.message) for b in blockers] == [
        ("标题", "还有占位文字“XX”"),
        ("标题下的署名行", "还有占位文字“xx”"),
        ("结束语", "还有占位文字“ＸＸ”"),
        ("成文日期", "还有占位文字“【待填：日期】”"),
    ]


def test_latin_words_are_not_placeholders():
    report = make_report(closing="赴XXL公司调研；以上述职，请予评议。")
    assert final_blockers(report) == []


def test_render_errors_block():
    report = make_report(render_errors=(("focus", "模板变量 count 未定义"),))
    (blocker,) = final_blockers(report)
    assert (blocker.kind, blocker.item_id) == ("error", "focus")
    assert "模板变量 count 未定义" in blocker.message


def test_pending_from_the_report_alone_blocks():
    report = make_report(pending=(Pending("basics", "name", "姓名"),))
    (blocker,) = final_blockers(report)
    assert blocker.describe() == "条目 basics，字段 name：必填项“姓名”还没有填写"


def test_default_filename():
    assert default_filename(make_report(), "docx") == "2025年度市统计局党组书记抓机关党建工作述职报告.docx"
    assert default_filename(make_report(), "md", draft=True).endswith("述职报告（草稿）.md")
    odd = make_report(title='关于"A/B"：述职<报告>?*|\x00 ')
    assert default_filename(odd, "txt") == "关于_A_B_：述职_报告.txt"
    assert default_filename(make_report(title="  ..  "), "pdf") == "述职报告.pdf"
    assert default_filename(make_report(title="CON"), "txt") == "CON_述职报告.txt"
    assert len(default_filename(make_report(title="长" * 300), "docx")) <= 65


def test_unknown_format_and_profile(tmp_path):
    with pytest.raises(ExportError, match="不支持导出为“rtf”"):
        export_report(make_report(), "rtf", tmp_path / "x.rtf")
    with pytest.raises(ExportError, match="没有名为“a5”的版式"):
        export_report(make_report(), "docx", tmp_path / "x.docx", profile="a5")
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_and_folder_as_target(tmp_path):
    with pytest.raises(ExportError) as info:
        export_report(make_report(), "docx", tmp_path / "nope" / "r.docx")
    assert f"文件夹“{tmp_path / 'nope'}”不存在" in str(info.value)
    with pytest.raises(ExportError, match="是一个文件夹"):
        export_report(make_report(), "docx", tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="不是文件夹"):
        export_report(make_report(), "txt", blocker / "r.txt")


def test_unwritable_folder_names_the_path(tmp_path, monkeypatch):
    import workflows.export.atomic as atomic

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic, "write_atomic", refuse)
    with pytest.raises(ExportError) as info:
        export_report(make_report(), "docx", tmp_path / "r.docx")
    assert str(tmp_path / "r.docx") in str(info.value)
    assert "没有权限" in str(info.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="没有权限"):
            export_report(make_report(), "txt", folder / "r.txt")
    finally:
        folder.chmod(0o700)


def test_failed_write_leaves_the_existing_file_untouched(tmp_path, monkeypatch):
    target = tmp_path / "report.docx"
    target.write_bytes(b"the previous export")
    import workflows.export.atomic as atomic

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(ExportError, match="磁盘空间不足"):
        export_report(make_report(), "docx", target)
    assert target.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]


def test_failed_render_leaves_the_existing_file_untouched(tmp_path, monkeypatch):
    target = tmp_path / "report.docx"
    target.write_bytes(b"the previous export")
    import workflows.export.docx as docx_module

    def broken(*args, **kwargs):
        raise ValueError("renderer broke")

    monkeypatch.setattr(docx_module, "render_docx", broken)
    with pytest.raises(ExportError, match="生成“report.docx”时出错"):
        export_report(make_report(), "docx", target)
    assert target.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]


def test_interrupted_write_removes_the_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "report.txt"
    import workflows.export.atomic as atomic

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        export_report(make_report(), "txt", target)
    assert list(tmp_path.iterdir()) == []


def test_export_replaces_an_existing_file_keeping_its_mode(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old")
    target.chmod(0o640)
    result = export_report(make_report(), "md", target)
    assert result.path == target
    assert target.read_text(encoding="utf-8").startswith("# 2025年度")
    assert (target.stat().st_mode & 0o777) == 0o640


def test_new_file_mode_follows_umask(tmp_path):
    old = os.umask(0o022)
    try:
        export_report(make_report(), "txt", tmp_path / "r.txt")
    finally:
        os.umask(old)
    assert (Path(tmp_path / "r.txt").stat().st_mode & 0o777) == 0o644
