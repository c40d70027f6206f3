"""Word (.docx) in 公文格式 (GB/T 9704-2012), built with python-docx.

Every number comes from a LayoutProfile. python-docx and lxml are imported
inside the functions so that importing this module stays cheap.

The traps handled here (shared/spec/gbt9704.md): the default template is US
Letter with 11 pt text and 10 pt after every paragraph; ``font.name`` never
reaches w:eastAsia and theme attributes override explicit fonts; the
first-line indent needs both w:firstLineChars (Word) and w:firstLine
(LibreOffice); page numbers need a hand-built PAGE field; odd/even footers
need the settings flag.
"""

from __future__ import annotations

import datetime as _dt
import io
from typing import Any

from ..report import Report
from .checks import PLACEHOLDER
from .layout import paragraph_lines, signature_indents, split_title, title_capacity
from .profile import FontSpec, LayoutProfile, mm_to_twips

# Custom paragraph styles: (styleId, name shown in WPS/Word).
TITLE_STYLE = ("ReportTitle", "公文标题")
NAME_LINE_STYLE = ("ReportNameLine", "标题下署名")
SIGNATURE_STYLE = ("ReportSignature", "落款")
HEADING_STYLES = ("Heading 1", "Heading 2", "Heading 3", "Heading 4")

_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


# ------------------------------------------------------------------ XML helpers
def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def _child(parent: Any, tag: str, *, before: tuple[str, ...] = ()) -> Any:
    """The w:<tag> child of ``parent``, created when missing (inserted before
    the first of ``before`` present, to keep the schema's order)."""
    from docx.oxml import OxmlElement

    found = parent.find(_w(tag))
    if found is not None:
        return found
    element = OxmlElement(f"w:{tag}")
    for name in before:
        successor = parent.find(_w(name))
        if successor is not None:
            successor.addprevious(element)
            return element
    parent.append(element)
    return element


def _remove(parent: Any, *tags: str) -> None:
    for tag in tags:
        for element in parent.findall(_w(tag)):
            parent.remove(element)


def _set(element: Any, **attrs: Any) -> Any:
    for key, value in attrs.items():
        element.set(_w(key), str(value))
    return element


# Schema order of w:rPr children (the subset we write) and w:pPr children.
_RPR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike",
    "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid",
    "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz",
    "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
    "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath",
)
_PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr",
    "widowControl", "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs",
    "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap",
    "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl",
    "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
)


def _rchild(rpr: Any, tag: str) -> Any:
    return _child(rpr, tag, before=_RPR_ORDER[_RPR_ORDER.index(tag) + 1:])


def _pchild(ppr: Any, tag: str) -> Any:
    return _child(ppr, tag, before=_PPR_ORDER[_PPR_ORDER.index(tag) + 1:])


def _toggle(rpr: Any, tag: str, on: bool) -> None:
    element = _rchild(rpr, tag)
    if on:
        element.attrib.pop(_w("val"), None)
    else:
        _set(element, val="0")


def apply_font(rpr: Any, font: FontSpec, *, char_spacing: int | None = None,
               language: str | None = None, bold: bool | None = None) -> None:
    """Fonts on every w:rFonts slot (w:eastAsia included, theme attributes
    removed), size, bold, character spacing and language on a w:rPr."""
    fonts = _rchild(rpr, "rFonts")
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(_w(attr), None)
    _set(fonts, ascii=font.latin, hAnsi=font.latin, cs=font.latin, eastAsia=font.east_asia)
    is_bold = font.bold if bold is None else bold
    _toggle(rpr, "b", is_bold)
    _toggle(rpr, "bCs", is_bold)
    _remove(rpr, "i", "iCs", "color")
    if char_spacing is not None:
        _set(_rchild(rpr, "spacing"), val=char_spacing)
    _set(_rchild(rpr, "sz"), val=font.half_points)
    _set(_rchild(rpr, "szCs"), val=font.half_points)
    if language:
        _set(_rchild(rpr, "lang"), val="en-US", eastAsia=language, bidi="ar-SA")


def _spacing_exact(ppr: Any, line_twips: int) -> None:
    spacing = _pchild(ppr, "spacing")
    spacing.attrib.clear()
    _set(spacing, before=0, beforeLines=0, after=0, afterLines=0, line=line_twips, lineRule="exact")


def _indent(ppr: Any, *, first_chars: float = 0, char_twips: int, left_chars: float = 0,
            right_chars: float = 0) -> None:
    """w:ind in characters (hundredths, read by Word/WPS) and in twips (read
    by LibreOffice), always both."""
    ind = _pchild(ppr, "ind")
    ind.attrib.clear()
    _set(
        ind,
        leftChars=int(round(left_chars * 100)),
        left=int(round(left_chars * char_twips)),
        rightChars=int(round(right_chars * 100)),
        right=int(round(right_chars * char_twips)),
        firstLineChars=int(round(first_chars * 100)),
        firstLine=int(round(first_chars * char_twips)),
    )


def _jc(ppr: Any, value: str) -> None:
    _set(_pchild(ppr, "jc"), val=value)


def _flag(ppr: Any, tag: str, on: bool) -> None:
    element = _pchild(ppr, tag)
    if on:
        element.attrib.pop(_w("val"), None)
    else:
        _set(element, val="0")


# ------------------------------------------------------------------ document setup
def _setup_section(section: Any, profile: LayoutProfile) -> None:
    sect = section._sectPr
    pg_sz = _child(sect, "pgSz")
    pg_sz.attrib.clear()
    _set(pg_sz, w=mm_to_twips(profile.page_width_mm), h=mm_to_twips(profile.page_height_mm))
    pg_mar = _child(sect, "pgMar")
    pg_mar.attrib.clear()
    _set(
        pg_mar,
        top=mm_to_twips(profile.margin_top_mm),
        right=mm_to_twips(profile.margin_right_mm),
        bottom=mm_to_twips(profile.margin_bottom_mm),
        left=mm_to_twips(profile.margin_left_mm),
        header=mm_to_twips(15),
        footer=profile.footer_distance_twips,
        gutter=0,
    )
    # A line grid only: a character grid (linesAndChars) breaks LibreOffice.
    grid = _child(sect, "docGrid")
    grid.attrib.clear()
    _set(grid, type="lines", linePitch=profile.line_spacing_twips)


def _setup_defaults(styles_el: Any, profile: LayoutProfile) -> None:
    defaults = styles_el.find(_w("docDefaults"))
    rpr = defaults.find(_w("rPrDefault")).find(_w("rPr"))
    apply_font(rpr, profile.body, language=profile.language)
    ppr = defaults.find(_w("pPrDefault")).find(_w("pPr"))
    _spacing_exact(ppr, profile.line_spacing_twips)


def _paragraph_style(doc: Any, style_id: str, name: str, base: str = "Normal") -> Any:
    from docx.enum.style import WD_STYLE_TYPE

    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(_w("styleId"), style_id)
    style.base_style = doc.styles[base]
    style.quick_style = True
    return style


def _setup_styles(doc: Any, profile: LayoutProfile) -> dict[str, Any]:
    styles_el = doc.styles.element
    _setup_defaults(styles_el, profile)
    char_twips = profile.char_twips

    normal = doc.styles["Normal"]
    ppr = normal.element.get_or_add_pPr()
    _flag(ppr, "widowControl", profile.widow_control)
    _spacing_exact(ppr, profile.line_spacing_twips)
    _indent(ppr, first_chars=profile.first_line_indent_chars, char_twips=char_twips)
    _jc(ppr, "both")
    apply_font(normal.element.get_or_add_rPr(), profile.body,
               char_spacing=profile.char_spacing_twips, language=profile.language)

    for level, style_name in enumerate(HEADING_STYLES, start=1):
        style = doc.styles[style_name]
        element = style.element
        _remove(element, "link")
        ppr = element.get_or_add_pPr()
        _flag(ppr, "keepNext", profile.keep_headings_with_next)
        _flag(ppr, "keepLines", True)
        _spacing_exact(ppr, profile.line_spacing_twips)
        _indent(ppr, first_chars=profile.heading_indent_chars, char_twips=char_twips)
        _jc(ppr, "both")
        _set(_pchild(ppr, "outlineLvl"), val=level - 1)
        apply_font(element.get_or_add_rPr(), profile.heading(level),
                   char_spacing=profile.char_spacing_twips)

    title = _paragraph_style(doc, *TITLE_STYLE)
    ppr = title.element.get_or_add_pPr()
    _flag(ppr, "keepNext", True)
    _spacing_exact(ppr, profile.line_spacing_twips)
    _indent(ppr, char_twips=char_twips)
    _jc(ppr, "center")
    apply_font(title.element.get_or_add_rPr(), profile.title)

    name_line = _paragraph_style(doc, *NAME_LINE_STYLE)
    ppr = name_line.element.get_or_add_pPr()
    _spacing_exact(ppr, profile.line_spacing_twips)
    _indent(ppr, char_twips=char_twips)
    _jc(ppr, "center")
    apply_font(name_line.element.get_or_add_rPr(), profile.name_line)

    signature = _paragraph_style(doc, *SIGNATURE_STYLE)
    ppr = signature.element.get_or_add_pPr()
    _flag(ppr, "keepNext", True)
    _spacing_exact(ppr, profile.line_spacing_twips)
    # No automatic space between Chinese and digits in the date: the block's
    # indents are computed from the characters' own widths.
    _flag(ppr, "autoSpaceDE", False)
    _flag(ppr, "autoSpaceDN", False)
    _indent(ppr, right_chars=profile.signature_right_indent_chars, char_twips=char_twips)
    _jc(ppr, "right")
    apply_font(signature.element.get_or_add_rPr(), profile.body)

    footer = doc.styles["Footer"]
    element = footer.element
    _remove(element, "link")
    ppr = element.get_or_add_pPr()
    _remove(ppr, "tabs")
    spacing = _pchild(ppr, "spacing")
    spacing.attrib.clear()
    _set(spacing, before=0, after=0, line=profile.page_number_line_twips, lineRule="exact")
    _indent(ppr, char_twips=char_twips)
    apply_font(element.get_or_add_rPr(), profile.page_number, char_spacing=0)
    return {"title": title, "name_line": name_line, "signature": signature}


def _setup_settings(doc: Any, profile: LayoutProfile) -> None:
    settings = doc.settings
    settings.odd_and_even_pages_header_footer = profile.odd_even_page_numbers
    lang = settings.element.find(_w("themeFontLang"))
    if lang is not None:
        _set(lang, val="en-US", eastAsia=profile.language)


def _setup_font_table(doc: Any, profile: LayoutProfile) -> None:
    """Declare the 公文 fonts in word/fontTable.xml as Chinese (GB2312
    charset) fonts with their Windows stand-ins as w:altName."""
    from lxml import etree

    part = next(
        (rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable")),
        None,
    )
    if part is None:
        return
    root = etree.fromstring(part.blob)
    fonts = {e.get(_w("name")): e for e in root.findall(_w("font"))}
    for name, alt in profile.font_alt_names:
        element = fonts.get(name)
        if element is None:
            element = etree.SubElement(root, _w("font"))
            element.set(_w("name"), name)
        for child in list(element):
            element.remove(child)
        for tag, value in (("altName", alt), ("charset", "86"), ("family", "modern"), ("pitch", "fixed")):
            etree.SubElement(element, _w(tag)).set(_w("val"), value)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _setup_core(doc: Any, report: Report, profile: LayoutProfile) -> None:
    props = doc.core_properties
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.title = "".join(paragraph_lines(report.title))[:255]
    props.author = report.signature[:255]
    props.last_modified_by = report.signature[:255]
    props.comments = ""
    props.subject = ""
    props.keywords = ""
    props.category = ""
    props.language = profile.language
    props.created = now
    props.modified = now
    props.revision = 1


# ------------------------------------------------------------------ content
def _add_text(paragraph: Any, text: str, *, draft: bool, profile: LayoutProfile,
              font: FontSpec | None = None, bold: bool | None = None) -> None:
    """Runs for ``text``; in a draft, placeholders are highlighted."""
    pieces: list[tuple[str, bool]] = []
    if draft:
        pos = 0
        for match in PLACEHOLDER.finditer(text):
            if match.start() > pos:
                pieces.append((text[pos:match.start()], False))
            pieces.append((match.group(0), True))
            pos = match.end()
        if pos < len(text):
            pieces.append((text[pos:], False))
    else:
        pieces.append((text, False))
    for piece, mark in pieces:
        run = paragraph.add_run(piece)
        if font is not None or bold is not None or mark:
            rpr = run._r.get_or_add_rPr()
            if font is not None:
                apply_font(rpr, font, bold=bold)
            elif bold is not None:
                _toggle(rpr, "b", bold)
                _toggle(rpr, "bCs", bold)
            if mark:
                _set(_rchild(rpr, "highlight"), val=profile.draft_highlight)


def _add_paragraph(doc: Any, style: str) -> Any:
    """``doc.add_paragraph(style=style)`` with the style resolved once per
    document: python-docx looks a style name up, and scans every style for
    the default, at each call (more than half of the build time of a
    report). Same XML."""
    ids = doc.__dict__.setdefault("_shuzhi_style_ids", {})
    if style not in ids:
        from docx.enum.style import WD_STYLE_TYPE

        found = doc.styles[style]
        ids[style] = None if found == doc.styles.default(WD_STYLE_TYPE.PARAGRAPH) else found.style_id
    paragraph = doc.add_paragraph()
    paragraph._p.style = ids[style]  # None: the default style (an empty w:pPr, as python-docx writes)
    return paragraph


def _blank(doc: Any, count: int, *, keep_with_next: bool = False) -> None:
    for _ in range(count):
        paragraph = _add_paragraph(doc, "Normal")
        if keep_with_next:
            _flag(paragraph._p.get_or_add_pPr(), "keepNext", True)


def _add_page_number(paragraph: Any, profile: LayoutProfile) -> None:
    from docx.oxml import OxmlElement

    before, _, after = profile.page_number_format.partition("{page}")

    def field_char(kind: str) -> None:
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        _set(char, fldCharType=kind)
        run._r.append(char)

    if before:
        paragraph.add_run(before)
    field_char("begin")
    instr_run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    instr_run._r.append(instr)
    field_char("separate")
    paragraph.add_run("1")
    field_char("end")
    if after:
        paragraph.add_run(after)


def _setup_footers(doc: Any, profile: LayoutProfile) -> None:
    section = doc.sections[0]
    edge = profile.page_number_edge_indent_chars
    targets = [(section.footer, "right", 0.0, edge)]
    if profile.odd_even_page_numbers:
        targets.append((section.even_page_footer, "left", edge, 0.0))
    for footer, align, left, right in targets:
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.style = "Footer"
        ppr = paragraph._p.get_or_add_pPr()
        _indent(ppr, left_chars=left, right_chars=right, char_twips=profile.char_twips)
        _jc(ppr, align)
        _add_page_number(paragraph, profile)


def build_document(report: Report, profile: LayoutProfile, *, draft: bool = False) -> Any:
    """The python-docx Document for ``report`` (cleaned of XML-illegal text)."""
    from docx import Document

    doc = Document()
    body = doc.element.body
    for paragraph in list(body.iterchildren(_w("p"))):
        body.remove(paragraph)

    _setup_section(doc.sections[0], profile)
    _setup_styles(doc, profile)
    _setup_settings(doc, profile)
    _setup_font_table(doc, profile)
    _setup_core(doc, report, profile)

    title_lines: list[str] = []
    for line in paragraph_lines(report.title):
        if profile.shape_long_title:
            title_lines.extend(split_title(line, title_capacity(profile)))
        else:
            title_lines.append(line)
    title = _add_paragraph(doc, TITLE_STYLE[1])
    for i, line in enumerate(title_lines):
        if i:
            title.add_run().add_break()
        _add_text(title, line, draft=draft, profile=profile)
    _blank(doc, profile.blank_lines_after_title)

    name_lines = paragraph_lines(report.name_line)
    for line in name_lines:
        _add_text(_add_paragraph(doc, NAME_LINE_STYLE[1]), line, draft=draft, profile=profile)
    if name_lines:
        _blank(doc, profile.blank_lines_after_name_line)

    for block in report.blocks:
        lines = paragraph_lines(block.full_text)
        if block.is_heading:
            style = HEADING_STYLES[min(max(block.level, 1), 4) - 1]
            for line in lines:
                _add_text(_add_paragraph(doc, style), line, draft=draft, profile=profile)
            continue
        lead = f"{block.number}{block.lead}".strip() if block.lead else ""
        for i, line in enumerate(lines):
            paragraph = _add_paragraph(doc, "Normal")
            if i == 0 and lead and line.startswith(lead):
                _add_text(paragraph, lead, draft=draft, profile=profile,
                          font=profile.heading(block.level or 3), bold=profile.run_in_lead_bold)
                line = line[len(lead):]
                if not line:
                    continue
            _add_text(paragraph, line, draft=draft, profile=profile)

    signature = " ".join(paragraph_lines(report.signature))
    date = " ".join(paragraph_lines(report.date))
    # The closing line stays on the page of the signature block, which never
    # stands alone on a page.
    for line in paragraph_lines(report.closing):
        paragraph = _add_paragraph(doc, "Normal")
        if signature or date:
            _flag(paragraph._p.get_or_add_pPr(), "keepNext", True)
        _add_text(paragraph, line, draft=draft, profile=profile)

    if signature or date:
        _blank(doc, profile.blank_lines_before_signature, keep_with_next=True)
        sig_right, date_right = signature_indents(signature, date, profile)
        for text, right in ((signature, sig_right), (date, date_right)):
            if not text:
                continue
            paragraph = _add_paragraph(doc, SIGNATURE_STYLE[1])
            _indent(paragraph._p.get_or_add_pPr(), right_chars=right, char_twips=profile.char_twips)
            _add_text(paragraph, text, draft=draft, profile=profile)

    _setup_footers(doc, profile)
    return doc


def render_docx(report: Report, profile: LayoutProfile, *, draft: bool = False) -> bytes:
    doc = build_document(report, profile, draft=draft)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
