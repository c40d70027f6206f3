"""The Word export read back with python-docx and as XML: page, margins,
fonts on w:eastAsia, sizes, indents, spacing, heading styles, footers,
and the text equal to the report."""

from __future__ import annotations

import dataclasses
import io

import docx
import pytest
from docx.oxml.ns import qn

from test_export_support import make_long_report, make_pending_report, make_report
from workflows.export import export_report, get_profile
from workflows.export.layout import display_width, signature_indents

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
THEME_ATTRS = {qn("w:asciiTheme"), qn("w:hAnsiTheme"), qn("w:eastAsiaTheme"), qn("w:cstheme")}


def attr(element, name):
    return element.get(qn(f"w:{name}"))


def child(element, path):
    """The first descendant along a path like "w:pPr/w:ind"."""
    found = element
    for tag in path.split("/"):
        found = found.find(qn(tag)) if found is not None else None
    return found


@pytest.fixture(scope="module")
def report():
    return make_long_report(2)


@pytest.fixture(scope="module")
def document(tmp_path_factory, report):
    path = tmp_path_factory.mktemp("docx") / "report.docx"
    result = export_report(report, "docx", path)
    assert result.path == path
    assert result.notes == []
    return docx.Document(str(path))


def style_el(document, name):
    return document.styles[name].element


def test_page_is_a4_with_gbt9704_margins(document):
    section = document.sections[0]
    sect = section._sectPr
    assert (attr(child(sect, "w:pgSz"), "w"), attr(child(sect, "w:pgSz"), "h")) == ("11906", "16838")
    assert abs(section.page_width.mm - 210) < 0.05 and abs(section.page_height.mm - 297) < 0.05
    assert section.page_width.emu == 11906 * 635
    mar = child(sect, "w:pgMar")
    assert {k: attr(mar, k) for k in ("top", "bottom", "left", "right")} == {
        "top": "2098", "bottom": "1984", "left": "1587", "right": "1474",
    }
    assert round(section.top_margin.mm) == 37 and round(section.bottom_margin.mm) == 35
    assert round(section.left_margin.mm) == 28 and round(section.right_margin.mm) == 26
    grid = child(sect, "w:docGrid")
    assert attr(grid, "type") == "lines" and attr(grid, "linePitch") == "579"
    assert attr(grid, "charSpace") is None


def test_no_theme_fonts_anywhere_we_write_fonts(document):
    defaults = document.styles.element.find(qn("w:docDefaults"))
    elements = [defaults] + [
        style_el(document, n)
        for n in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "公文标题",
                  "署名行", "落款", "段首小标题", "Footer")
    ]
    for element in elements:
        for fonts in element.iter(qn("w:rFonts")):
            assert not (set(fonts.attrib) & THEME_ATTRS), fonts.attrib
            assert attr(fonts, "eastAsia")
    for fonts in document.element.body.iter(qn("w:rFonts")):
        assert not (set(fonts.attrib) & THEME_ATTRS)


@pytest.mark.parametrize(
    "style, east_asia, latin, half_points",
    [
        ("Normal", "仿宋_GB2312", "Times New Roman", "32"),
        ("Heading 1", "黑体", "Times New Roman", "32"),
        ("Heading 2", "楷体_GB2312", "Times New Roman", "32"),
        ("Heading 3", "仿宋_GB2312", "Times New Roman", "32"),
        ("Heading 4", "仿宋_GB2312", "Times New Roman", "32"),
        ("公文标题", "方正小标宋简体", "Times New Roman", "44"),
        ("署名行", "楷体_GB2312", "Times New Roman", "32"),
        ("落款", "仿宋_GB2312", "Times New Roman", "32"),
        ("Footer", "宋体", "宋体", "28"),
    ],
)
def test_style_fonts_and_sizes(document, style, east_asia, latin, half_points):
    rpr = child(style_el(document, style), "w:rPr")
    fonts = child(rpr, "w:rFonts")
    assert attr(fonts, "eastAsia") == east_asia
    assert attr(fonts, "ascii") == attr(fonts, "hAnsi") == latin
    assert attr(child(rpr, "w:sz"), "val") == half_points
    assert attr(child(rpr, "w:szCs"), "val") == half_points
    bold = child(rpr, "w:b")
    assert bold is not None and attr(bold, "val") == "0"  # 黑体 is never bolded
    assert child(rpr, "w:color") is None and child(rpr, "w:i") is None


def test_body_grid_spacing_indent_and_language(document):
    normal = style_el(document, "Normal")
    ppr = child(normal, "w:pPr")
    spacing = child(ppr, "w:spacing")
    assert (attr(spacing, "line"), attr(spacing, "lineRule")) == ("579", "exact")
    assert (attr(spacing, "before"), attr(spacing, "after")) == ("0", "0")
    ind = child(ppr, "w:ind")
    assert attr(ind, "firstLineChars") == "200" and attr(ind, "firstLine") == "640"
    assert attr(child(ppr, "w:jc"), "val") == "both"
    assert attr(child(ppr, "w:widowControl"), "val") == "0"
    rpr = child(normal, "w:rPr")
    assert attr(child(rpr, "w:spacing"), "val") == "-5"
    assert attr(child(rpr, "w:lang"), "eastAsia") == "zh-CN"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert attr(child(defaults, "w:rPrDefault/w:rPr/w:lang"), "eastAsia") == "zh-CN"
    default_spacing = child(defaults, "w:pPrDefault/w:pPr/w:spacing")
    assert attr(default_spacing, "after") == "0" and attr(default_spacing, "lineRule") == "exact"
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    assert attr(theme_lang, "eastAsia") == "zh-CN"


def test_heading_styles_are_real_styles_and_used(document, report):
    for level in range(1, 5):
        element = style_el(document, f"Heading {level}")
        ppr = child(element, "w:pPr")
        assert attr(child(ppr, "w:outlineLvl"), "val") == str(level - 1)
        spacing = child(ppr, "w:spacing")
        assert (attr(spacing, "line"), attr(spacing, "lineRule")) == ("579", "exact")
        assert attr(spacing, "before") == "0"
        ind = child(ppr, "w:ind")
        assert attr(ind, "firstLineChars") == "200" and attr(ind, "firstLine") == "640"
    headings = [b for b in report.blocks if b.is_heading]
    used = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert used == [(f"Heading {b.level}", b.full_text) for b in headings]
    assert {name for name, _ in used} == {"Heading 1", "Heading 2", "Heading 3", "Heading 4"}


def test_text_equals_the_report_in_order(document, report):
    texts = [p.text.replace("\n", "") for p in document.paragraphs if p.text.strip()]
    assert texts == list(report.paragraphs())


def test_title_name_line_and_blank_lines(document, report):
    paragraphs = document.paragraphs
    title = paragraphs[0]
    assert title.style.name == "公文标题"
    assert attr(child(title.style.element, "w:pPr/w:jc"), "val") == "center"
    # The long title is broken into two lines, the upper one longer.
    upper, lower = title.text.split("\n")
    assert upper + lower == report.title
    assert display_width(upper) >= display_width(lower)
    assert paragraphs[1].text == ""  # one blank line after the title
    assert paragraphs[2].style.name == "署名行" and paragraphs[2].text == report.name_line
    assert paragraphs[3].text == ""
    ind = child(title.style.element, "w:pPr/w:ind")
    assert attr(ind, "firstLineChars") == "0" and attr(ind, "firstLine") == "0"


def test_run_in_level3_lead_is_bold_in_level3_font(document, report):
    block = next(b for b in report.blocks if b.lead)
    paragraph = next(p for p in document.paragraphs if p.text == block.full_text)
    assert paragraph.style.name == "Normal"
    lead, rest = paragraph.runs[0], paragraph.runs[1]
    assert lead.text == block.number + block.lead == "1.加强理论武装。"
    assert lead.bold is True
    fonts = lead._r.rPr.find(qn("w:rFonts"))
    assert attr(fonts, "eastAsia") == get_profile("standard").heading(3).east_asia
    assert attr(child(lead._r, "w:rPr/w:rStyle"), "val") == "ReportLead"  # 段首小标题
    assert rest.text == block.text and rest.bold is False


def test_run_in_lead_without_bold_in_a_custom_profile(tmp_path):
    profile = dataclasses.replace(get_profile("standard"), name="plain3", run_in_lead_bold=False)
    path = tmp_path / "r.docx"
    export_report(make_report(), "docx", path, profile=profile)
    document = docx.Document(str(path))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("1.加强理论武装。"))
    assert paragraph.runs[0].bold is False


def test_signature_and_date_block(document, report):
    paragraphs = document.paragraphs
    signature, date = paragraphs[-2], paragraphs[-1]
    assert (signature.text, date.text) == (report.signature, report.date)
    assert paragraphs[-3].text == ""  # one blank line after the text
    assert paragraphs[-4].text == report.closing
    expected_sig, expected_date = signature_indents(report.signature, report.date, get_profile("standard"))
    for paragraph, chars in ((signature, expected_sig), (date, expected_date)):
        assert paragraph.style.name == "落款"
        assert attr(child(paragraph.style.element, "w:pPr/w:jc"), "val") == "right"
        ind = child(paragraph._p, "w:pPr/w:ind")
        assert attr(ind, "rightChars") == str(int(round(chars * 100)))
        assert attr(ind, "right") == str(int(round(chars * 320)))
    # The date's first character is two characters right of the signature's.
    assert (expected_sig + display_width(report.signature)) - (
        expected_date + display_width(report.date)
    ) == 2
    # The closing line keeps the signature block company on its page.
    assert child(paragraphs[-4]._p, "w:pPr/w:keepNext") is not None


def _field_runs(paragraph):
    kinds = []
    for r in paragraph._p.iter(qn("w:r")):
        fld = r.find(qn("w:fldChar"))
        instr = r.find(qn("w:instrText"))
        if fld is not None:
            kinds.append(attr(fld, "fldCharType"))
        elif instr is not None:
            kinds.append(instr.text)
    return kinds


def test_page_numbers_odd_right_even_left(document):
    assert document.settings.odd_and_even_pages_header_footer is True
    section = document.sections[0]
    odd, even = section.footer, section.even_page_footer
    assert not odd.is_linked_to_previous and not even.is_linked_to_previous
    for footer, align, side in ((odd, "right", "right"), (even, "left", "left")):
        (paragraph,) = footer.paragraphs
        assert paragraph.style.name == "Footer"
        assert _field_runs(paragraph) == ["begin", " PAGE ", "separate", "end"]
        assert paragraph.text == "— 1 —"
        ppr = child(paragraph._p, "w:pPr")
        assert attr(child(ppr, "w:jc"), "val") == align
        ind = child(ppr, "w:ind")
        assert attr(ind, f"{side}Chars") == "100" and attr(ind, side) == "320"
    # The 一字线 runs through the middle of the 14 pt page-number line, 7 mm
    # below the 版心: the line's bottom is 35 mm - 7 mm - 7 pt above the edge.
    footer_twips = int(attr(child(section._sectPr, "w:pgMar"), "footer"))
    assert footer_twips == round(28 * 1440 / 25.4) - 140
    spacing = child(style_el(document, "Footer"), "w:pPr/w:spacing")
    assert (attr(spacing, "line"), attr(spacing, "lineRule")) == ("280", "exact")


def test_line28_profile_changes_only_the_line_spacing(tmp_path):
    path = tmp_path / "r.docx"
    export_report(make_report(), "docx", path, profile="line28")
    document = docx.Document(str(path))
    spacing = child(style_el(document, "Normal"), "w:pPr/w:spacing")
    assert (attr(spacing, "line"), attr(spacing, "lineRule")) == ("560", "exact")
    assert attr(child(document.sections[0]._sectPr, "w:docGrid"), "linePitch") == "560"
    for level in range(1, 5):
        assert attr(child(style_el(document, f"Heading {level}"), "w:pPr/w:spacing"), "line") == "560"
    assert attr(child(style_el(document, "Normal"), "w:pPr/w:ind"), "firstLine") == "640"


def test_document_properties_are_the_reports(document, report):
    props = document.core_properties
    assert props.title == report.title
    assert props.author == report.signature
    assert "python-docx" not in (props.author + props.last_modified_by + props.comments)
    assert props.language == "zh-CN"


def test_draft_keeps_placeholders_visible_and_highlighted(tmp_path):
    report = make_pending_report()
    path = tmp_path / "draft.docx"
    result = export_report(report, "docx", path, draft=True)
    assert any("草稿" in note for note in result.notes)
    document = docx.Document(str(path))
    texts = [p.text.replace("\n", "") for p in document.paragraphs if p.text.strip()]
    assert texts == list(report.paragraphs())
    highlighted = [
        r.text for p in document.paragraphs for r in p.runs
        if r._r.rPr is not None and r._r.rPr.find(qn("w:highlight")) is not None
    ]
    # body, then signature and date ("X月X日": a lone X before a unit is one)
    assert highlighted == ["【待填：党组会议次数】", "XX", "××", "X", "X"]


def test_xml_illegal_characters_are_cleaned_with_a_note(tmp_path):
    report = make_report()
    blocks = list(report.blocks)
    blocks[6] = dataclasses.replace(blocks[6], text="参加\x00组织生活会\x0b3次\ud800。\ufffe")
    report = dataclasses.replace(report, blocks=tuple(blocks), title=report.title + "\x07")
    path = tmp_path / "clean.docx"
    result = export_report(report, "docx", path)
    assert len(result.notes) == 2
    assert result.notes[0].startswith("标题：删除了 1 个")
    assert "条目 dual_life" in result.notes[1] and "删除了 4 个" in result.notes[1] and "第4段" in result.notes[1]
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert "参加组织生活会3次。" in texts


def test_bytes_render_in_memory():
    from workflows.export import render

    data, notes = render(make_report(), "docx")
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].style.name == "公文标题"
    assert notes == []


def test_font_table_declares_windows_stand_ins(tmp_path):
    import zipfile

    from lxml import etree

    path = tmp_path / "r.docx"
    export_report(make_report(), "docx", path)
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/fontTable.xml"))
    fonts = {e.get(qn("w:name")): e for e in root.findall(qn("w:font"))}
    for name, alt in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("黑体", "SimHei"),
                      ("方正小标宋简体", "宋体")):
        element = fonts[name]
        assert element.find(qn("w:altName")).get(qn("w:val")) == alt
        assert element.find(qn("w:charset")).get(qn("w:val")) == "86"
    assert "Times New Roman" in fonts


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from workflows.export import render  # noqa: E402
from workflows.export.checks import clean_report  # noqa: E402
from workflows.export.layout import paragraph_lines  # noqa: E402
from workflows.report import Block  # noqa: E402

_pasted = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),  # any character, lone surrogates aside
        st.sampled_from("\x00\x01\x08\x0b\x0c\x1b\x1f\t\r\n\ufffe\uffff\ud800\udfff　XX×【待填】"),
    ),
    max_size=60,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # examples: the hypothesis profile
@given(title=_pasted, texts=st.lists(_pasted, min_size=1, max_size=4), lead=_pasted, signature=_pasted)
def test_any_pasted_text_exports_without_crashing(title, texts, lead, signature):
    blocks = [Block(kind="heading", text=texts[0], level=1, number="一、", item_id="a")]
    blocks += [Block(kind="paragraph", text=t, item_id="b") for t in texts[1:]]
    blocks.append(Block(kind="paragraph", text="正文", level=3, number="1.", lead=lead, item_id="c"))
    report = make_report(title=title, blocks=tuple(blocks), signature=signature)
    data, notes = render(report, "docx", draft=True)
    document = docx.Document(io.BytesIO(data))
    cleaned, _ = clean_report(report)
    # The title is one paragraph (its lines joined by line breaks), so are
    # the signature and the date (lines joined by spaces); every other line
    # of pasted text becomes a paragraph of its own.
    expected = ["".join(paragraph_lines(cleaned.title))]
    for text in [cleaned.name_line, *(b.full_text for b in cleaned.blocks), cleaned.closing]:
        expected += paragraph_lines(text)
    expected += [" ".join(paragraph_lines(cleaned.signature)), " ".join(paragraph_lines(cleaned.date))]
    got = [p.text.replace("\n", "") for p in document.paragraphs if p.text.strip()]
    assert got == [e for e in expected if e.strip()]
    for text in ("txt", "md"):
        render(report, text)
