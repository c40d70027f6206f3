"""The demo report itself (the built-in sample, assembled) converted by
LibreOffice: 22 lines on page 1 and on every full page, 28 characters a
line, the page count app.xml states, the signature block placed as in Word
and the page numbers' dashes 7 mm below the 版心."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest

from test_export_pdf import MM, _body_lines, _need_tools, _pages, dash_depth_mm
from workflows.answers import load_answers_file
from workflows.assemble import assemble
from workflows.export import export_report, get_profile, render
from workflows.export.layout import display_width, signature_indents
from workflows.loader import load_builtin, sample_answers_path

FULL_WIDTH = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e“”‘’—…]+$")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    _need_tools()
    wf = load_builtin("dangjian-shuzhi")
    answers = load_answers_file(wf, sample_answers_path("dangjian-shuzhi"))
    report = assemble(wf, answers, today=dt.date(2026, 11, 25))
    profile = get_profile("standard")
    path = tmp_path_factory.mktemp("demo") / "demo.pdf"
    export_report(report, "pdf", path, profile=profile)
    return report, profile, path, _pages(path)


def grid_slots(profile, page):
    """The grid lines (0 = the first line of the 版心) that hold text."""
    top = profile.margin_top_mm * MM
    pitch = profile.line_spacing_twips / 20
    return sorted({round((line[1] - top) / pitch) for line in _body_lines(profile, page)})


def test_page_one_and_every_full_page_hold_22_lines(demo):
    report, profile, _, pages = demo
    assert len(pages) >= 5
    first = grid_slots(profile, pages[0])
    # title (two lines), a blank line, the name, a blank line, then text to the last line
    assert first == [0, 1, 3] + list(range(5, 22)), first
    for number, page in enumerate(pages[1:-1], start=2):
        assert grid_slots(profile, page) == list(range(22)), number


def test_full_lines_hold_28_characters(demo):
    report, profile, _, pages = demo
    # lines set only in full-width characters hold 28; one more appears only
    # where LibreOffice squeezes punctuation (standard CJK line breaking)
    lines = [line[3] for page in pages for line in _body_lines(profile, page) if FULL_WIDTH.match(line[3])]
    widths = [len(text) for text in lines]
    assert sum(w == 28 for w in widths) >= 20, widths
    for text in lines:
        assert len(text) <= 28 or (len(text) == 29 and re.search("[，。、；：“”]", text)), text
    # every word of the report is in the PDF, in order (spaces and line breaks aside)
    text = "".join(line[3] for page in pages for line in page)
    for block in report.blocks[:10]:
        assert block.full_text.replace(" ", "")[:12] in text


def test_the_title_breaks_between_words(demo):
    report, profile, _, pages = demo
    title = [line[3] for line in pages[0][:2]]
    assert "".join(title) == report.title
    assert title == ["2025年度青山市自然资源和规划局", "党组书记抓机关党建工作述职报告"]


def test_app_xml_states_the_page_count_libreoffice_sets(demo):
    report, profile, _, pages = demo
    data, _ = render(report, "docx", profile=profile)
    app = zipfile.ZipFile(io.BytesIO(data)).read("docProps/app.xml").decode()
    assert int(re.search(r"<Pages>(\d+)</Pages>", app).group(1)) == len(pages)


def test_signature_block_is_placed_as_in_word(demo):
    """The date ends two characters in from the right and starts two
    characters right of the signature (GB/T 9704 7.3.5.2), although
    LibreOffice adds space between Chinese and digits."""
    report, profile, _, pages = demo
    char = profile.body.size_pt
    right = (profile.page_width_mm - profile.margin_right_mm) * MM
    lines = {line[3]: line for line in pages[-1]}
    signature, date = lines[report.signature], lines[report.date]
    assert abs((right - date[2]) / char - profile.date_min_right_indent_chars) < 0.15
    assert abs((date[0] - signature[0]) / char - profile.date_shift_chars) < 0.15
    # In Word (no extra space) the same rules give these indents:
    sig, dat = signature_indents(report.signature, report.date, profile)
    assert dat == profile.date_min_right_indent_chars
    assert sig + display_width(report.signature) - dat - display_width(report.date) == profile.date_shift_chars


def test_page_number_dashes_7_mm_below_the_banxin(demo):
    _, profile, path, pages = demo
    for page in (1, 2, len(pages)):
        depths = dash_depth_mm(path, page, profile)
        assert depths and all(abs(d - 7) < 0.5 for d in depths), (page, depths)


def test_no_comma_is_lost_after_a_full_line(tmp_path):
    """A “，” just after a full line is drawn (w:overflowPunct): without it
    LibreOffice left three commas of this report out of its PDF (“系统学” at
    a line end, then “推动…” with no comma between)."""
    from pathlib import Path

    _need_tools()
    wf = load_builtin("dangjian-shuzhi")
    edge = Path(__file__).parent / "data" / "edge" / "dangjian-shuzhi" / "05-typed-punctuation.yaml"
    report = assemble(wf, load_answers_file(wf, edge), today=dt.date(2026, 11, 25))
    path = tmp_path / "report.pdf"
    export_report(report, "pdf", path, profile=get_profile("standard"))
    shown = "".join(line[3] for page in _pages(path) for line in page)
    text, _notes = render(report, "txt")
    written = re.sub(r"\s", "", text.decode("utf-8"))
    assert "系统学，推动" in written
    assert "系统学，推动" in shown
    for mark in "，。；、：":
        assert shown.count(mark) == written.count(mark), mark
