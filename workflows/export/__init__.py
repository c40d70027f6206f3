"""Exporters: Word (公文格式), Markdown, plain text and PDF.

    from workflows.export import export_report
    result = export_report(report, "docx", "述职报告.docx", problems=checks)

A final export (``draft=False``) refuses with ExportBlocked while required
answers are missing, checks report errors, or placeholder text ("XX", "××",
【待填…】) is left; a draft goes through with the markers visible (highlighted
in Word). Text a file cannot hold (NUL, control characters) is removed with a
note in ``ExportResult.notes``. Files are written atomically.

Importing this package is cheap: python-docx is loaded only when a Word or
PDF export runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..report import Report
from .atomic import atomic_write, check_target
from .checks import clean_report, final_blockers, find_placeholders
from .errors import Blocker, ExportBlocked, ExportError
from .profile import PROFILES, FontSpec, LayoutProfile, get_profile

__all__ = [
    "FORMATS",
    "PROFILES",
    "Blocker",
    "ExportBlocked",
    "ExportError",
    "ExportFormat",
    "ExportResult",
    "FontSpec",
    "LayoutProfile",
    "default_filename",
    "export_report",
    "final_blockers",
    "find_placeholders",
    "get_profile",
    "pdf_available",
    "render",
]


@dataclass(frozen=True)
class ExportFormat:
    key: str
    name: str  # Chinese, shown to the user
    suffix: str


FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in (
        ExportFormat("docx", "Word 文档（公文格式）", ".docx"),
        ExportFormat("md", "Markdown", ".md"),
        ExportFormat("txt", "纯文本（粘贴到 OA 或聊天）", ".txt"),
        ExportFormat("pdf", "PDF（需要 LibreOffice）", ".pdf"),
    )
}


@dataclass
class ExportResult:
    path: Path
    notes: list[str] = field(default_factory=list)


def get_format(fmt: str) -> ExportFormat:
    key = str(fmt).lower().lstrip(".")
    if key in ("markdown",):
        key = "md"
    if key in ("text",):
        key = "txt"
    try:
        return FORMATS[key]
    except KeyError:
        known = "、".join(f"{f.key}（{f.name}）" for f in FORMATS.values())
        raise ExportError(f"不支持导出为“{fmt}”。可选格式：{known}") from None


def pdf_available() -> bool:
    """True when LibreOffice is installed (PDF export possible)."""
    from .pdf import pdf_available as available

    return available()


_ILLEGAL_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                   *(f"LPT{i}" for i in range(1, 10))}


def default_filename(report: Report, fmt: str, *, draft: bool = False) -> str:
    """A file name from the report title, safe on Windows, macOS and Linux."""
    suffix = get_format(fmt).suffix
    stem = " ".join(report.title.split())
    stem = _ILLEGAL_IN_NAME.sub("_", stem)
    stem = re.sub(r"[\ud800-\udfff\ufffe\uffff]", "", stem)
    stem = stem[:60].strip(" ._")
    if not stem or stem.upper() in _RESERVED_NAMES:
        stem = "述职报告" if not stem else f"{stem}_述职报告"
    if draft:
        stem += "（草稿）"
    return stem + suffix


def render(report: Report, fmt: str, *, draft: bool = False,
           profile: str | LayoutProfile = "standard") -> tuple[bytes, list[str]]:
    """The file contents for ``report`` in ``fmt`` and the notes; no checks
    for a final export, no file written."""
    export_format = get_format(fmt)
    layout = get_profile(profile)
    cleaned, notes = clean_report(report)
    if export_format.key == "txt":
        from .text import encode_text, render_text

        return encode_text(render_text(cleaned)), notes
    if export_format.key == "md":
        from .markdown import render_markdown

        return render_markdown(cleaned).encode("utf-8"), notes
    from .docx import render_docx

    if export_format.key == "docx":
        return render_docx(cleaned, layout, draft=draft), notes
    from .pdf import docx_to_pdf, font_notes

    docx_bytes = render_docx(cleaned, layout, draft=draft, libreoffice=True)
    return docx_to_pdf(docx_bytes), notes + font_notes()


def export_report(
    report: Report,
    fmt: str,
    path: str | Path,
    *,
    draft: bool = False,
    profile: str | LayoutProfile = "standard",
    problems: Sequence[Any] = (),
) -> ExportResult:
    """Write ``report`` as ``fmt`` (docx | md | txt | pdf) to ``path``.

    Raises ExportBlocked (a final export with blockers), ExportError
    (unknown format or profile, unwritable path, no LibreOffice …).
    """
    get_format(fmt)
    get_profile(profile)
    target = Path(path).expanduser()
    check_target(target)
    blockers = final_blockers(report, problems)
    if blockers and not draft:
        raise ExportBlocked(blockers)
    try:
        data, notes = render(report, fmt, draft=draft, profile=profile)
    except ExportError:
        raise
    except (ValueError, OSError) as exc:
        raise ExportError(f"生成“{target.name}”时出错：{exc}") from None
    atomic_write(target, data)
    if draft and blockers:
        notes.append(f"这是草稿：还有 {len(blockers)} 处问题（未填的必填项、错误或占位文字），导出正式稿前需要处理")
    return ExportResult(target, notes)
