"""Property tests over every exporter: reports assembled from hostile answers
(control characters, NUL, emoji, right-to-left text, Jinja and XML syntax,
100,000-character strings) export as Word, Markdown and text without a
crash; every answer's text is in the file (Word read back with python-docx),
except the characters a file cannot hold, which are removed with a note.
PDF (LibreOffice) runs under `pytest -m slow` only.
"""

from __future__ import annotations

import datetime as _dt
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from property_support import (
    COMMON,
    default_settings,
    expected_strings,
    fuzz_workflow,
    literal_pieces,
    slow_settings,
    text_answers,
    xml_clean,
)
from workflows.assemble import assemble
from workflows.checks import check
from workflows.export import ExportBlocked, ExportError, default_filename, export_report, render
from workflows.export.markdown import escape as md_escape

TODAY = _dt.date(2025, 12, 1)
_MD_INLINE = re.compile(r"([\\`*_\[\]<>~&|])")


def export_parts(piece: str) -> list[str]:
    """What of an assembled piece of answer text a file must hold: the
    exporters drop characters XML cannot hold, print each line of a block
    as its own paragraph and trim white space around it."""
    text = xml_clean(piece).replace("\r\n", "\n").replace("\r", "\n")
    return [part.strip() for part in text.split("\n") if part.strip()]


def wanted(answers):
    for path, value in expected_strings(answers):
        for piece in literal_pieces(value):
            for part in export_parts(piece):
                yield path, part


def docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    # A title broken over two lines (a <w:br/>) reads back with "\n".
    return "\n".join(p.text.replace("\n", "") for p in document.paragraphs)


def txt_text(data: bytes) -> str:
    assert data.startswith(b"\xef\xbb\xbf")
    return data.decode("utf-8-sig").replace("\r\n", "\n")


def md_contains(part: str, text: str) -> bool:
    return _MD_INLINE.sub(r"\\\1", part) in text or md_escape(part) in text


def _exports_keep_text(answers, formats=("docx", "md", "txt")):
    wf = fuzz_workflow()
    report = assemble(wf, answers, TODAY)
    dirty = any(xml_clean(line) != line for line in report.paragraphs())
    for fmt in formats:
        data, notes = render(report, fmt, draft=True)
        assert isinstance(data, bytes) and data
        # Removed characters are reported, and only then.
        assert bool(notes) == dirty, (fmt, notes)
        assert all(isinstance(n, str) and n for n in notes)
        if fmt == "docx":
            text = docx_text(data)
            assert xml_clean(text) == text
        elif fmt == "txt":
            text = txt_text(data)
        else:
            text = data.decode("utf-8")
        for path, part in wanted(answers):
            if fmt == "md":
                assert md_contains(part, text), f"md: {path}: {part[:60]!r} missing"
            else:
                assert part in text, f"{fmt}: {path}: {part[:60]!r} missing"
    return report


@default_settings
@given(text_answers())
def test_every_exporter_keeps_the_text(answers):
    _exports_keep_text(answers)


@pytest.mark.slow
@slow_settings
@given(text_answers())
def test_every_exporter_keeps_the_text_slow(answers):
    _exports_keep_text(answers)


def _export_command(answers, tmp_path, fmt):
    """The whole export as the app and CLI run it: file name from the
    title, draft always written, final written or refused with reasons."""
    wf = fuzz_workflow()
    report = assemble(wf, answers, TODAY)
    problems = check(wf, answers, TODAY).problems
    for draft in (True, False):
        name = default_filename(report, fmt, draft=draft)
        assert "/" not in name and "\x00" not in name and name.endswith("." + fmt)
        target = tmp_path / name
        try:
            result = export_report(report, fmt, target, draft=draft, problems=problems)
        except ExportBlocked as exc:
            assert not draft
            assert exc.blockers and all(b.describe() for b in exc.blockers)
            assert not target.exists()
            continue
        assert result.path == target and target.stat().st_size > 0


@settings(**COMMON)
@given(text_answers(), st.sampled_from(["docx", "md", "txt"]))
def test_export_command_writes_or_explains(tmp_path_factory, answers, fmt):
    _export_command(answers, tmp_path_factory.mktemp("export"), fmt)


def test_hundred_thousand_characters_in_every_format():
    """One explicit worst case always runs."""
    wf = fuzz_workflow()
    from workflows.values import coerce

    seed = "{{ r.basics.name }}{% if x %}<w:t>&amp;]]>\x00\x1b[31mمرحبا\u202e👨‍👩‍👧#### \ufffe"
    big = (seed * (100_000 // len(seed) + 1))[:100_000]
    answers = {p: coerce(wf.field(p), big) for p in ("basics.title", "basics.name", "words.line", "words.long")}
    answers["lists.things"] = [big]
    answers["people.people"] = [{"who": big, "note": big}]
    _exports_keep_text(answers)


@pytest.mark.slow
@settings(max_examples=3, **COMMON)
@given(text_answers())
def test_pdf_export_survives_hostile_text_slow(tmp_path_factory, answers):
    wf = fuzz_workflow()
    report = assemble(wf, answers, TODAY)
    target = tmp_path_factory.mktemp("pdf") / "report.pdf"
    try:
        export_report(report, "pdf", target, draft=True)
    except ExportError as exc:
        from workflows.export import pdf_available

        if not pdf_available():
            pytest.skip(f"LibreOffice is not installed: {exc}")
        raise
    assert target.read_bytes().startswith(b"%PDF")
