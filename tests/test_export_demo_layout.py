"""The demo report itself (the built-in sample, assembled) converted by
LibreOffice: 22 lines a page, 28 characters a line."""

from __future__ import annotations

import datetime as dt
import re

from test_export_pdf import _body_lines, _need_tools, _pages
from workflows.answers import load_answers_file
from workflows.assemble import assemble
from workflows.export import export_report, get_profile
from workflows.loader import load_builtin, sample_answers_path

FULL_WIDTH = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e“”‘’—…]+$")


def test_demo_report_lays_out_on_the_gongwen_grid(tmp_path):
    _need_tools()
    wf = load_builtin("dangjian-shuzhi")
    report = assemble(wf, load_answers_file(wf, sample_answers_path("dangjian-shuzhi")), today=dt.date(2026, 11, 25))
    profile = get_profile("standard")
    path = tmp_path / "demo.pdf"
    export_report(report, "pdf", path, profile=profile)
    pages = _pages(path)
    assert len(pages) >= 5
    counts = [len(_body_lines(profile, page)) for page in pages[:-1]]
    # no page holds more than 22 lines, most hold exactly 22
    assert max(counts) == 22, counts
    assert sum(c >= 21 for c in counts) >= len(counts) // 2, counts
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
