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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    "Exporter",
    "FontSpec",
    "LayoutProfile",
    "available_formats",
    "default_filename",
    "export_report",
    "final_blockers",
    "find_placeholders",
    "format_choices",
    "get_format",
    "get_profile",
    "pdf_available",
    "render",
]


# What an exporter module provides: the file's bytes for a report (already
# cleaned of what a file cannot hold) in a layout, and notes for the user.
Exporter = Callable[[Report, LayoutProfile, bool], tuple[bytes, list[str]]]


@dataclass(frozen=True)
class ExportFormat:
    """One export format: everything the CLI, the export dialog and
    :func:`render` know about it. Adding a format is one entry in FORMATS
    and its exporter module (a function ``(report, layout, draft) ->
    (bytes, notes)``)."""

    key: str  # the --format value and the file suffix without the dot
    name: str  # Chinese, in messages and the CLI's help
    label: str  # Chinese, short: the export dialog's choice
    suffix: str
    exporter: str  # "module:function" in this package, imported when an export runs
    aliases: tuple[str, ...] = ()  # other --format spellings
    needs_libreoffice: bool = False  # offered only when LibreOffice is installed
    unavailable: str = ""  # the dialog's note when it is not offered

    def available(self) -> bool:
        """True when this machine can write the format."""
        return not self.needs_libreoffice or pdf_available()

    def exporter_function(self) -> Exporter:
        import importlib

        module, _, function = self.exporter.partition(":")
        exporter: Exporter = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return exporter


FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in (
        ExportFormat("docx", "Word 文档（公文格式）", "Word（公文格式）", ".docx", "docx:export_docx"),
        ExportFormat("md", "Markdown", "Markdown", ".md", "markdown:export_markdown", aliases=("markdown",)),
        ExportFormat("txt", "纯文本（粘贴到 OA 或聊天）", "纯文本", ".txt", "text:export_text", aliases=("text",)),
        ExportFormat("pdf", "PDF（需要 LibreOffice）", "PDF", ".pdf", "pdf:export_pdf", needs_libreoffice=True,
                     unavailable="PDF 需要安装 LibreOffice（未找到），可先导出 Word 再另存为 PDF。"),
    )
}


def available_formats() -> list[ExportFormat]:
    """The formats this machine can write, in FORMATS order (what the export
    dialog offers)."""
    return [f for f in FORMATS.values() if f.available()]


def format_choices() -> list[str]:
    """Every ``--format`` value the CLI takes: the keys, then the aliases."""
    return [*FORMATS, *(alias for f in FORMATS.values() for alias in f.aliases)]


@dataclass
class ExportResult:
    """An export written: the file's path and notes for the user."""

    path: Path
    notes: list[str] = field(default_factory=list)


def get_format(fmt: str | ExportFormat) -> ExportFormat:
    """The format called ``fmt`` (its key, an alias or a suffix, any case; an
    ExportFormat passes through). Raises ExportError listing the formats."""
    if isinstance(fmt, ExportFormat):
        return fmt
    key = str(fmt).lower().lstrip(".")
    for export_format in FORMATS.values():
        if key == export_format.key or key in export_format.aliases:
            return export_format
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
    data, more = export_format.exporter_function()(cleaned, layout, draft)
    return data, notes + more


def export_report(
    report: Report,
    fmt: str,
    path: str | Path,
    *,
    draft: bool = False,
    profile: str | LayoutProfile = "standard",
    problems: Sequence[Any] = (),
) -> ExportResult:
    """Write ``report`` as ``fmt`` (a key of FORMATS, or an alias) to ``path``.

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
