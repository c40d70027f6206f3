"""The Word file as format checkers read it: every paragraph and run carries
its formatting directly (the same fonts, size, bold, alignment, indent and
spacing as its style), style names, compatibility mode, app.xml, the font
table and the parts the template would leave behind."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from test_export_support import make_long_report, make_pending_report
from workflows.answers import load_answers_file
from workflows.assemble import assemble
from workflows.export import export_report, get_profile
from workflows.export.docx import HEADING_STYLES
from workflows.loader import load_builtin, sample_answers_path

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RUN_PROPS = ("rFonts/ascii", "rFonts/hAnsi", "rFonts/eastAsia", "sz", "szCs", "b", "spacing")
PARA_PROPS = ("jc", "spacing/line", "spacing/lineRule", "spacing/before", "spacing/after",
              "ind/firstLine", "ind/firstLineChars", "snapToGrid", "outlineLvl")  # keepNext: set per paragraph


def demo_report():
    wf = load_builtin("dangjian-shuzhi")
    answers = load_answers_file(wf, sample_answers_path("dangjian-shuzhi"))
    return assemble(wf, answers, today=dt.date(2026, 11, 25))


@pytest.fixture(scope="module", params=["demo", "long", "draft"])
def exported(request, tmp_path_factory):
    report = {"demo": demo_report, "long": lambda: make_long_report(2), "draft": make_pending_report}[request.param]()
    path = tmp_path_factory.mktemp("direct") / "r.docx"
    export_report(report, "docx", path, draft=request.param == "draft")
    return report, path, docx.Document(str(path))


def _prop(props, path):
    """A property of a w:pPr / w:rPr, by "tag" or "tag/attribute" ("b" is
    its w:val, "on" when present without one); None when absent."""
    if props is None:
        return None
    tag, _, attribute = path.partition("/")
    element = props.find(qn(f"w:{tag}"))
    if element is None:
        return None
    if attribute:
        return element.get(qn(f"w:{attribute}"))
    return element.get(qn("w:val"), "on")


class Styles:
    """Effective style properties: a style's own, then its basedOn chain,
    then docDefaults."""

    def __init__(self, document):
        root = document.styles.element
        self.by_id = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
        defaults = root.find(qn("w:docDefaults"))
        self.default_ppr = defaults.find("w:pPrDefault/w:pPr", root.nsmap)
        self.default_rpr = defaults.find("w:rPrDefault/w:rPr", root.nsmap)
        self.default_para = next(s.get(qn("w:styleId")) for s in root.findall(qn("w:style"))
                                 if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) == "1")

    def chain(self, style_id):
        while style_id:
            style = self.by_id[style_id]
            yield style
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None

    def value(self, style_id, kind, path):
        for style in self.chain(style_id):
            found = _prop(style.find(qn(f"w:{kind}")), path)
            if found is not None:
                return found
        return _prop(self.default_ppr if kind == "pPr" else self.default_rpr, path)


def _paragraphs(document):
    yield from document.element.body.iter(qn("w:p"))
    section = document.sections[0]
    for footer in (section.footer, section.even_page_footer):
        yield from footer._element.iter(qn("w:p"))


def test_every_paragraph_and_run_carries_its_styles_formatting(exported):
    _, _, document = exported
    styles = Styles(document)
    checked_runs = 0
    for p in _paragraphs(document):
        ppr = p.find(qn("w:pPr"))
        assert ppr is not None, "段落没有直接格式"
        style_id = _prop(ppr, "pStyle") or styles.default_para
        for path in PARA_PROPS:
            direct, styled = _prop(ppr, path), styles.value(style_id, "pPr", path)
            if path == "jc" and style_id == "Footer":
                assert direct in ("left", "right")  # odd pages right, even pages left
                continue
            if path in ("ind/firstLine", "ind/firstLineChars") and _prop(ppr, "pStyle") is None \
                    and not "".join(t.text or "" for t in p.iter(qn("w:t"))):
                continue  # a blank line has no first-line indent to show
            assert direct == styled, (style_id, path, direct, styled, "".join(t.text or "" for t in p.iter(qn("w:t"))))
        mark = ppr.find(qn("w:rPr"))
        assert _prop(mark, "rFonts/eastAsia") == styles.value(style_id, "rPr", "rFonts/eastAsia")
        assert _prop(mark, "sz") == styles.value(style_id, "rPr", "sz")
        for r in p.iter(qn("w:r")):
            rpr = r.find(qn("w:rPr"))
            assert rpr is not None, "文字没有直接格式"
            char_style = _prop(rpr, "rStyle")
            for path in RUN_PROPS:
                expected = (styles.value(char_style, "rPr", path) if char_style else None)
                if expected is None:
                    expected = styles.value(style_id, "rPr", path)
                assert _prop(rpr, path) == expected, (style_id, char_style, path)
            theme = {k for k in rpr.find(qn("w:rFonts")).attrib if "Theme" in k}
            assert not theme
            checked_runs += 1
    assert checked_runs > 20


def test_direct_fonts_are_the_gongwen_fonts(exported):
    """The fonts a checker reads off the text itself: 仿宋_GB2312 body, 黑体
    level-1 headings, 楷体_GB2312 level 2, 方正小标宋简体 title, Times New
    Roman digits, 宋体 page numbers; never a Latin font for Chinese text."""
    report, _, document = exported
    profile = get_profile("standard")

    def fonts(paragraph):
        rpr = paragraph.runs[-1]._r.rPr
        f = rpr.find(qn("w:rFonts"))
        return f.get(qn("w:eastAsia")), f.get(qn("w:ascii")), rpr.find(qn("w:sz")).get(qn("w:val"))

    by_style = {}
    for paragraph in document.paragraphs:
        if paragraph.runs:
            by_style.setdefault(paragraph.style.name, fonts(paragraph))
    assert by_style["公文标题"] == ("方正小标宋简体", "Times New Roman", "44")
    assert by_style["Normal"] == ("仿宋_GB2312", "Times New Roman", "32")
    assert by_style["Heading 1"][0] == profile.heading(1).east_asia == "黑体"
    if "Heading 2" in by_style:
        assert by_style["Heading 2"][0] == "楷体_GB2312"
    footer = document.sections[0].footer.paragraphs[0]
    assert fonts(footer) == ("宋体", "宋体", "28")
    assert attr_val(footer._p, "w:pPr/w:jc") == "right"
    assert attr_val(document.sections[0].even_page_footer.paragraphs[0]._p, "w:pPr/w:jc") == "left"
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            east = run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
            assert east not in ("Times New Roman", "Calibri", "Cambria", None)


def attr_val(element, path):
    found = element
    for tag in path.split("/"):
        found = found.find(qn(tag))
    return found.get(qn("w:val"))


def test_alignment_indent_and_spacing_are_direct(exported):
    _, _, document = exported
    body = [p for p in document.paragraphs if p.text.strip()]
    title, *rest = body
    assert title.paragraph_format.alignment is not None and str(title.paragraph_format.alignment).startswith("CENTER")
    normal = next(p for p in rest if p.style.name == "Normal")
    fmt = normal.paragraph_format
    assert str(fmt.alignment).startswith("JUSTIFY")
    assert fmt.first_line_indent.pt == 32 and fmt.line_spacing.pt == pytest.approx(28.95)
    assert fmt.space_before.pt == 0 and fmt.space_after.pt == 0
    assert normal._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    # the title's lines keep their own spacing instead of snapping to the grid
    assert title._p.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"


def test_custom_style_names_begin_with_biaoti_only_for_headings(exported):
    _, _, document = exported
    names = {}
    for style in document.styles.element.findall(qn("w:style")):
        name = style.find(qn("w:name")).get(qn("w:val"))
        names[name] = style
        if style.get(qn("w:customStyle")) == "1":
            assert not name.startswith("标题"), name
    for name in ("公文标题", "署名行", "落款", "段首小标题"):
        assert names[name].get(qn("w:customStyle")) == "1"
    assert "标题下署名" not in names
    for level, name in enumerate(HEADING_STYLES):
        style = document.styles[name]
        assert style.element.find(qn("w:pPr")).find(qn("w:outlineLvl")).get(qn("w:val")) == str(level)


def test_compatibility_mode_is_15(exported):
    _, path, _ = exported
    with zipfile.ZipFile(path) as z:
        settings = etree.fromstring(z.read("word/settings.xml"))
    modes = [s.get(qn("w:val")) for s in settings.iter(qn("w:compatSetting"))
             if s.get(qn("w:name")) == "compatibilityMode"]
    assert modes == ["15"]


def _document_text(document):
    texts = [p.text for p in document.paragraphs]
    return "".join(texts)


def test_app_xml_describes_this_document(exported):
    report, path, document = exported
    with zipfile.ZipFile(path) as z:
        app = etree.fromstring(z.read("docProps/app.xml"))
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    values = {e.tag.removeprefix(ns): e.text for e in app}
    assert values["Application"].startswith("shuzhi ")
    assert re.fullmatch(r"\d{2}\.\d{4}", values["AppVersion"])
    assert "Template" not in values and "Macintosh" not in z_text(path, "docProps/app.xml")
    text = _document_text(document).replace("\n", "")
    assert int(values["Characters"]) == sum(1 for ch in text if not ch.isspace())
    assert int(values["CharactersWithSpaces"]) == len(text)
    chinese = sum(1 for ch in text if not ch.isascii() and not ch.isspace())
    latin = len(re.findall(r"[\x21-\x7e]+", text))
    assert int(values["Words"]) == chinese + latin
    assert int(values["Paragraphs"]) == sum(1 for p in document.paragraphs if p.text.strip())
    pages = int(values["Pages"])
    assert pages >= 2 and int(values["Lines"]) >= 22 * (pages - 1)


def z_text(path, name):
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def test_no_parts_left_from_the_template(exported):
    _, path, _ = exported
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        rels = z.read("_rels/.rels").decode() + z.read("word/_rels/document.xml.rels").decode()
        content_types = z.read("[Content_Types].xml").decode()
    assert not any("thumbnail" in n for n in names)
    assert "word/stylesWithEffects.xml" not in names
    assert "thumbnail" not in rels and "stylesWithEffects" not in rels
    assert "thumbnail" not in content_types


def test_font_table_lists_exactly_the_fonts_used(exported):
    _, path, _ = exported
    used = set()
    with zipfile.ZipFile(path) as z:
        table = etree.fromstring(z.read("word/fontTable.xml"))
        for name in z.namelist():
            if name.startswith("word/") and name.endswith(".xml") and name != "word/fontTable.xml":
                root = etree.fromstring(z.read(name))
                for fonts in root.iter(qn("w:rFonts")):
                    used.update(v for k, v in fonts.attrib.items() if k in {
                        qn("w:ascii"), qn("w:hAnsi"), qn("w:eastAsia"), qn("w:cs")})
    listed = [f.get(qn("w:name")) for f in table.findall(qn("w:font"))]
    assert set(listed) == used
    assert len(listed) == len(set(listed))
    assert not any("ＭＳ" in name or "MS " in name for name in listed)
    for font in table.findall(qn("w:font")):
        charset = font.find(qn("w:charset")).get(qn("w:val"))
        chinese = any(ord(ch) > 0x2E80 for ch in font.get(qn("w:name")))
        assert charset == ("86" if chinese else "00")
