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
import math
import re
from copy import deepcopy
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..report import Report
from .checks import PLACEHOLDER
from .layout import display_width, paragraph_lines, signature_indents, title_lines
from .ooxml import (
    _child,
    _flag,
    _indent,
    _jc,
    _pchild,
    _rchild,
    _remove,
    _set,
    _spacing_exact,
    _w,
    apply_font,
)
from .profile import FontSpec, LayoutProfile, mm_to_twips

TEMPLATE = Path(__file__).resolve().parent / "template.docx"

# Custom styles: (styleId, name shown in WPS/Word). Only headings have names
# beginning with 标题 (checkers take such a style for a heading).
TITLE_STYLE = ("ReportTitle", "公文标题")
NAME_LINE_STYLE = ("ReportNameLine", "署名行")
SIGNATURE_STYLE = ("ReportSignature", "落款")
LEAD_STYLE = ("ReportLead", "段首小标题")  # character style of a run-in heading
HEADING_STYLES = ("Heading 1", "Heading 2", "Heading 3", "Heading 4")
FOOTER_STYLE = "Footer"
BUILTIN_STYLES = ("Normal", *HEADING_STYLES, FOOTER_STYLE)
COMPATIBILITY_MODE = 15  # Word 2013 and later
# The space LibreOffice adds between a Chinese and a Latin character, in
# characters (measured: 3.2 pt at 16 pt).
LIBREOFFICE_AUTOSPACE = 0.2

# ------------------------------------------------------------------ formats
@dataclass(frozen=True)
class ParaFormat:
    """The effective formatting of one kind of paragraph: written on its
    style AND directly on every such paragraph and its runs (format checkers
    and converters in offices read only direct formatting, as WPS and Word
    write it; the styles keep the navigation pane and style edits working)."""

    font: FontSpec
    jc: str
    line_twips: int
    first_chars: float = 0.0
    left_chars: float = 0.0
    right_chars: float = 0.0
    keep_next: bool = False
    keep_lines: bool = False
    widow_control: bool = False
    outline_level: int | None = None
    # False: the lines keep their own exact spacing instead of snapping to
    # the page's line grid (a 22 pt title would otherwise take two grid lines
    # a line in LibreOffice).
    snap_to_grid: bool = True
    # False: no extra space between Chinese and digits (the signature block's
    # indents are computed from the characters' own widths).
    auto_space: bool = True
    char_spacing: int | None = None
    language: str | None = None
    bold: bool | None = None


def paragraph_formats(profile: LayoutProfile) -> dict[str, ParaFormat]:
    """Formatting per paragraph style name (and "lead": the run-in heading
    at the start of a level-3/4 paragraph, a character format)."""
    line = profile.line_spacing_twips
    spacing = profile.char_spacing_twips
    body = ParaFormat(profile.body, "both", line, first_chars=profile.first_line_indent_chars,
                      widow_control=profile.widow_control, char_spacing=spacing, language=profile.language)
    formats = {"Normal": body}
    for level, name in enumerate(HEADING_STYLES, start=1):
        formats[name] = replace(body, font=profile.heading(level), first_chars=profile.heading_indent_chars,
                                keep_next=profile.keep_headings_with_next, keep_lines=True,
                                outline_level=level - 1)
    formats[TITLE_STYLE[1]] = replace(body, font=profile.title, jc="center", first_chars=0, keep_next=True,
                                      snap_to_grid=False)
    formats[NAME_LINE_STYLE[1]] = replace(body, font=profile.name_line, jc="center", first_chars=0)
    formats[SIGNATURE_STYLE[1]] = replace(body, jc="right", first_chars=0, keep_next=True, auto_space=False,
                                          right_chars=profile.signature_right_indent_chars)
    formats[FOOTER_STYLE] = ParaFormat(profile.page_number, "right", profile.page_number_line_twips,
                                       right_chars=profile.page_number_edge_indent_chars, char_spacing=0,
                                       snap_to_grid=False)
    formats[LEAD_STYLE[1]] = replace(body, font=profile.heading(3), bold=profile.run_in_lead_bold)
    return formats


def apply_paragraph(ppr: Any, fmt: ParaFormat, profile: LayoutProfile) -> None:
    """Write ``fmt``'s paragraph properties on a w:pPr (style or paragraph)."""
    _flag(ppr, "keepNext", fmt.keep_next)
    _flag(ppr, "keepLines", fmt.keep_lines)
    _flag(ppr, "widowControl", fmt.widow_control)
    # Punctuation may hang past the margin (w:overflowPunct). Without it
    # LibreOffice leaves out a “，” that falls just after a full line, in
    # the PDF and on paper (three commas of one report were missing); with
    # it, it carries the last character down with the comma.
    _flag(ppr, "overflowPunct", True)
    _flag(ppr, "autoSpaceDE", fmt.auto_space)
    _flag(ppr, "autoSpaceDN", fmt.auto_space)
    _flag(ppr, "snapToGrid", fmt.snap_to_grid)
    _spacing_exact(ppr, fmt.line_twips)
    _indent(ppr, first_chars=fmt.first_chars, left_chars=fmt.left_chars, right_chars=fmt.right_chars,
            char_twips=profile.char_twips)
    _jc(ppr, fmt.jc)
    if fmt.outline_level is not None:
        _set(_pchild(ppr, "outlineLvl"), val=fmt.outline_level)


def apply_run(rpr: Any, fmt: ParaFormat) -> None:
    """Write ``fmt``'s character properties on a w:rPr."""
    apply_font(rpr, fmt.font, char_spacing=fmt.char_spacing, language=fmt.language, bold=fmt.bold)


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


def _new_style(styles_el: Any, kind: str, style_id: str, name: str, based_on: str | None) -> Any:
    """A custom w:style (built as XML: python-docx's add_style scans every
    style by name, twice, for each one added)."""
    from docx.oxml import OxmlElement

    style = OxmlElement("w:style")
    _set(style, type=kind, customStyle=1, styleId=style_id)
    _set(_child(style, "name"), val=name)
    if based_on:
        _set(_child(style, "basedOn"), val=based_on)
    _child(style, "qFormat")
    styles_el.append(style)
    return style


def _setup_styles(doc: Any, profile: LayoutProfile, formats: dict[str, ParaFormat]) -> dict[str, Any]:
    """Every style the report uses, formatted; returns name -> w:style."""
    from docx.styles import BabelFish

    styles_el = doc.styles.element
    defaults = styles_el.find(_w("docDefaults"))
    body = formats["Normal"]
    apply_run(defaults.find(_w("rPrDefault")).find(_w("rPr")), replace(body, char_spacing=None))
    _spacing_exact(defaults.find(_w("pPrDefault")).find(_w("pPr")), profile.line_spacing_twips)

    by_name = {}
    for style in styles_el.iterchildren(_w("style")):
        name = style.find(_w("name"))
        if name is not None:
            by_name[name.get(_w("val"))] = style
    elements = {name: by_name[BabelFish.ui2internal(name)] for name in formats if name in BUILTIN_STYLES}
    normal_id = elements["Normal"].get(_w("styleId"))
    for style_id, name in (TITLE_STYLE, NAME_LINE_STYLE, SIGNATURE_STYLE):
        elements[name] = _new_style(styles_el, "paragraph", style_id, name, normal_id)
    elements[LEAD_STYLE[1]] = _new_style(styles_el, "character", LEAD_STYLE[0], LEAD_STYLE[1], None)
    for name, fmt in formats.items():
        element = elements[name]
        _remove(element, "link")
        if name != LEAD_STYLE[1]:
            ppr = element.get_or_add_pPr()
            _remove(ppr, "tabs")
            apply_paragraph(ppr, fmt, profile)
        apply_run(element.get_or_add_rPr(), fmt)
    return elements


def _setup_settings(doc: Any, profile: LayoutProfile) -> None:
    settings = doc.settings
    settings.odd_and_even_pages_header_footer = profile.odd_even_page_numbers
    lang = settings.element.find(_w("themeFontLang"))
    if lang is not None:
        _set(lang, val="en-US", eastAsia=profile.language)
    # Word 2013 and later (15): the template's 14 opens in 兼容模式.
    compat = _child(settings.element, "compat")
    for setting in compat.findall(_w("compatSetting")):
        if setting.get(_w("name")) == "compatibilityMode":
            setting.set(_w("val"), str(COMPATIBILITY_MODE))


# Font table entries: (charset, family, pitch) per font; a Chinese font also
# names the font Word on Windows substitutes when it is missing (w:altName).
_LATIN_FONT = ("00", "roman", "variable")
_CHINESE_FONT = ("86", "modern", "fixed")


_FONT_ATTRS = ("ascii", "hAnsi", "eastAsia", "cs")


def used_fonts(doc: Any, formats: dict[str, ParaFormat]) -> list[str]:
    """Every font the document names: the report's fonts first, then any
    other font a style or list definition of the template refers to."""
    from lxml import etree

    names: list[str] = []
    for fmt in formats.values():
        names.extend((fmt.font.east_asia, fmt.font.latin))
    roots = [doc.styles.element]
    roots += [etree.fromstring(rel.target_part.blob) for rel in doc.part.rels.values()
              if rel.reltype.endswith("/numbering")]
    for root in roots:
        for fonts in root.iter(_w("rFonts")):
            names.extend(v for a in _FONT_ATTRS if (v := fonts.get(_w(a))))
    return list(dict.fromkeys(names))


def _setup_font_table(doc: Any, profile: LayoutProfile, formats: dict[str, ParaFormat]) -> None:
    """word/fontTable.xml lists exactly the fonts the document names (the
    template's list names Japanese ＭＳ fonts and others never used). Call
    it once the styles are set up."""
    from lxml import etree

    part = next(
        (rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable")),
        None,
    )
    if part is None:
        return
    root = etree.fromstring(part.blob)
    for element in root.findall(_w("font")):
        root.remove(element)
    alt_names = dict(profile.font_alt_names)
    for name in used_fonts(doc, formats):
        element = etree.SubElement(root, _w("font"))
        element.set(_w("name"), name)
        chinese = any(ord(ch) > 0x2E80 for ch in name)
        charset, family, pitch = _CHINESE_FONT if chinese else _LATIN_FONT
        if name in alt_names:
            etree.SubElement(element, _w("altName")).set(_w("val"), alt_names[name])
        for tag, value in (("charset", charset), ("family", family), ("pitch", pitch)):
            etree.SubElement(element, _w(tag)).set(_w("val"), value)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_template_parts(doc: Any) -> None:
    """Parts python-docx's template carries that describe another document:
    its thumbnail picture, and stylesWithEffects (Word 2010's copy of the
    template's styles, which would disagree with ours)."""
    for rels, suffix in ((doc.part.package.rels, "/thumbnail"), (doc.part.rels, "/stylesWithEffects")):
        for r_id in [r for r, rel in rels.items() if rel.reltype.endswith(suffix)]:
            rels.pop(r_id)


def _setup_core(doc: Any, report: Report, profile: LayoutProfile) -> None:
    props = doc.core_properties
    now = _dt.datetime.now(_dt.UTC).replace(microsecond=0, tzinfo=None)
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


def _app_version() -> tuple[str, str]:
    """("shuzhi 0.1.0", "00.0001"): the application, and its version in the
    XX.YYYY form app.xml requires."""
    text = _installed_version()
    numbers = [int(n) for n in re.findall(r"\d+", text)[:3]] + [0, 0, 0]
    return f"shuzhi {text}", f"{numbers[0]:02d}.{numbers[1] * 100 + numbers[2]:04d}"


def _installed_version() -> str:
    """shuzhi's installed version, from its ``shuzhi-X.Y.Z.dist-info``
    folder on the path ("0" when run from a source tree). Not
    importlib.metadata: importing it took 17–23 ms of a 300 ms export."""
    import os
    import sys

    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith("shuzhi-") and name.endswith(".dist-info"):
                return name[len("shuzhi-"):-len(".dist-info")]
    return "0"


def _escape(text: str) -> str:
    """XML text escaping (xml.sax.saxutils imports urllib.request, http,
    email and ssl: 50 ms of an export)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _setup_app(doc: Any, stats: DocumentStats) -> None:
    """docProps/app.xml for this document (the template's says "Microsoft
    Macintosh Word", 1 page, 0 words)."""

    part = next(
        (rel.target_part for rel in doc.part.package.rels.values() if rel.reltype.endswith("/extended-properties")),
        None,
    )
    if part is None:
        return
    application, app_version = _app_version()
    fields = [
        ("TotalTime", 0), ("Pages", stats.pages), ("Words", stats.words), ("Characters", stats.characters),
        ("Application", _escape(application)), ("DocSecurity", 0), ("Lines", stats.lines),
        ("Paragraphs", stats.paragraphs), ("ScaleCrop", "false"), ("LinksUpToDate", "false"),
        ("CharactersWithSpaces", stats.characters_with_spaces), ("SharedDoc", "false"),
        ("HyperlinksChanged", "false"), ("AppVersion", app_version),
    ]
    body = "".join(f"<{tag}>{value}</{tag}>" for tag, value in fields)
    part._blob = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{body}</Properties>"
    ).encode()


# ------------------------------------------------------------------ content
class _Builder:
    """Adds paragraphs and runs with their style and, directly, the style's
    effective formatting; keeps the counts app.xml reports."""

    def __init__(self, doc: Any, profile: LayoutProfile, formats: dict[str, ParaFormat],
                 styles: dict[str, Any], draft: bool) -> None:
        self.doc = doc
        self.profile = profile
        self.formats = formats
        self.draft = draft
        self.stats = DocumentStats(profile)
        # Style ids resolved once (the default style, Normal, is left unnamed
        # on its paragraphs, as Word writes it).
        self.style_ids = {name: (None if name == "Normal" else element.get(_w("styleId")))
                          for name, element in styles.items() if name != LEAD_STYLE[1]}
        self._pprs: dict[tuple[str | None, ParaFormat], Any] = {}
        self._rprs: dict[tuple[ParaFormat, bool], Any] = {}

    def paragraph(self, style: str, **overrides: Any) -> Any:
        fmt = replace(self.formats[style], **overrides) if overrides else self.formats[style]
        paragraph = self.doc.add_paragraph()
        paragraph._p.insert(0, self._ppr(self.style_ids[style], fmt))
        paragraph._shuzhi_format = fmt
        return paragraph

    # The properties of each kind of paragraph and run are built once and
    # copied (building them element by element for each of a report's
    # hundreds of runs would triple the export's time).
    def _ppr(self, style_id: str | None, fmt: ParaFormat) -> Any:
        key = (style_id, fmt)
        template = self._pprs.get(key)
        if template is None:
            from docx.oxml import OxmlElement

            template = OxmlElement("w:pPr")
            if style_id is not None:
                _set(_pchild(template, "pStyle"), val=style_id)
            apply_paragraph(template, fmt, self.profile)
            # The paragraph mark's own font and size (what an empty line shows).
            apply_run(_pchild(template, "rPr"), fmt)
            self._pprs[key] = template
        return deepcopy(template)

    def _rpr(self, fmt: ParaFormat, lead: bool) -> Any:
        key = (fmt, lead)
        template = self._rprs.get(key)
        if template is None:
            from docx.oxml import OxmlElement

            template = OxmlElement("w:rPr")
            if lead:
                _set(_rchild(template, "rStyle"), val=LEAD_STYLE[0])
            apply_run(template, fmt)
            self._rprs[key] = template
        return deepcopy(template)

    def text(self, paragraph: Any, text: str, *, lead: bool = False) -> None:
        """Runs for ``text`` (a run-in ``lead`` in the lead character style);
        in a draft, placeholders are highlighted."""
        fmt = self.formats[LEAD_STYLE[1]] if lead else paragraph._shuzhi_format
        pieces: list[tuple[str, bool]] = []
        if self.draft:
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
            rpr = self._rpr(fmt, lead)
            run._r.insert(0, rpr)
            if mark:
                _set(_rchild(rpr, "highlight"), val=self.profile.draft_highlight)
        self.stats.add_text(text)

    def line(self, style: str, text: str, *, lead: str = "", **overrides: Any) -> Any:
        """One paragraph of ``text`` (its first ``lead`` characters as a run-in heading)."""
        paragraph = self.paragraph(style, **overrides)
        if lead:
            self.text(paragraph, lead, lead=True)
            text = text[len(lead):]
        if text:
            self.text(paragraph, text)
        fmt = paragraph._shuzhi_format
        self.stats.add_paragraph(lead + text, fmt, style in HEADING_STYLES)
        return paragraph

    def blank(self, count: int, *, keep_with_next: bool = False) -> None:
        for _ in range(count):
            self.paragraph("Normal", first_chars=0, keep_next=keep_with_next)
            self.stats.add_blank()


_SPACE = re.compile(r"\s")
_WIDE_CHAR = re.compile(r"[^\x00-\x7f\s]")
_LATIN_WORD = re.compile(r"[\x21-\x7e]+")


class DocumentStats:
    """What docProps/app.xml says of the document: pages, lines and
    paragraphs (set on the profile's grid, as the exporter lays it out),
    words and characters counted as Word counts them (each Chinese
    character or full-width mark is a word; so is each run of Latin letters
    and digits)."""

    def __init__(self, profile: LayoutProfile) -> None:
        self.profile = profile
        self.words = self.characters = self.characters_with_spaces = 0
        self.paragraphs = self.lines = 0
        self._page_lines = 0  # lines on the current page
        self.pages = 1
        self._keep: list[int] = []  # line counts of headings waiting for their paragraph

    def add_text(self, text: str) -> None:
        self.characters_with_spaces += len(text)
        self.characters += len(text) - len(_SPACE.findall(text))
        self.words += len(_WIDE_CHAR.findall(text)) + len(_LATIN_WORD.findall(text))

    def add_paragraph(self, text: str, fmt: ParaFormat, keep_with_next: bool) -> None:
        self.paragraphs += 1
        self._place(self._lines_of(text, fmt), keep_with_next)

    def add_lines(self, count: int, keep_with_next: bool = False) -> None:
        self._place(count, keep_with_next)

    def add_blank(self) -> None:
        self._place(1, False)

    def _lines_of(self, text: str, fmt: ParaFormat) -> int:
        per_line = self.profile.chars_per_line - fmt.left_chars - fmt.right_chars
        if fmt.font.size_pt > self.profile.body.size_pt:
            per_line = per_line * self.profile.body.size_pt / fmt.font.size_pt
        width = display_width(text) + fmt.first_chars
        return max(1, math.ceil(width / per_line - 1e-9))

    def _place(self, lines: int, keep_with_next: bool) -> None:
        """Lines go onto the page; a heading (keep with next) moves to the
        next page with its paragraph when that paragraph's first line does
        not fit."""
        self.lines += lines
        if keep_with_next:
            self._keep.append(lines)
            return
        group = sum(self._keep) + 1
        held = sum(self._keep)
        self._keep = []
        room = self.profile.lines_per_page - self._page_lines
        if group > room and held:
            self._new_page()
            self._page_lines = held
        else:
            self._page_lines += held
        self._page_lines += lines
        while self._page_lines > self.profile.lines_per_page:
            self._page_lines -= self.profile.lines_per_page
            self.pages += 1

    def _new_page(self) -> None:
        self.pages += 1
        self._page_lines = 0


def _add_page_number(paragraph: Any, builder: _Builder) -> None:
    from docx.oxml import OxmlElement

    before, _, after = builder.profile.page_number_format.partition("{page}")
    fmt = paragraph._shuzhi_format

    def run() -> Any:
        r = paragraph.add_run()
        r._r.insert(0, builder._rpr(fmt, False))
        return r

    def field_char(kind: str) -> None:
        char = OxmlElement("w:fldChar")
        _set(char, fldCharType=kind)
        run()._r.append(char)

    if before:
        run().text = before
    field_char("begin")
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    run()._r.append(instr)
    field_char("separate")
    run().text = "1"
    field_char("end")
    if after:
        run().text = after


def _setup_footers(doc: Any, builder: _Builder) -> None:
    profile = builder.profile
    section = doc.sections[0]
    edge = profile.page_number_edge_indent_chars
    targets = [(section.footer, "right", 0.0, edge)]
    if profile.odd_even_page_numbers:
        targets.append((section.even_page_footer, "left", edge, 0.0))
    footer_id = builder.style_ids[FOOTER_STYLE]
    for footer, align, left, right in targets:
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        fmt = replace(builder.formats[FOOTER_STYLE], jc=align, left_chars=left, right_chars=right)
        ppr = paragraph._p.get_or_add_pPr()
        _set(_pchild(ppr, "pStyle"), val=footer_id)
        apply_paragraph(ppr, fmt, profile)
        apply_run(_pchild(ppr, "rPr"), fmt)
        paragraph._shuzhi_format = fmt
        _add_page_number(paragraph, builder)


def build_document(report: Report, profile: LayoutProfile, *, draft: bool = False,
                   libreoffice: bool = False) -> Any:
    """The python-docx Document for ``report`` (cleaned of XML-illegal text).
    ``libreoffice``: the file LibreOffice converts to PDF. LibreOffice's
    Word import ignores w:autoSpaceDE/DN and puts a fifth of a character
    between Chinese and Latin characters everywhere; the signature block's
    indents are then computed with that space, so that the date still ends
    two characters in from the right with its first character two
    characters right of the signature's, as in Word."""
    from docx import Document

    # The slim template shipped with shuzhi (tools/build-docx-template):
    # python-docx's default without the parts a report never uses.
    doc = Document(str(TEMPLATE)) if TEMPLATE.is_file() else Document()
    body = doc.element.body
    for paragraph in list(body.iterchildren(_w("p"))):
        body.remove(paragraph)

    formats = paragraph_formats(profile)
    _setup_section(doc.sections[0], profile)
    styles = _setup_styles(doc, profile, formats)
    _setup_settings(doc, profile)
    _setup_font_table(doc, profile, formats)
    _drop_template_parts(doc)
    _setup_core(doc, report, profile)
    build = _Builder(doc, profile, formats, styles, draft)

    title_lines = split_title_lines(report.title, profile)
    title = build.paragraph(TITLE_STYLE[1])
    for i, line in enumerate(title_lines):
        if i:
            run = title.add_run()
            run._r.insert(0, build._rpr(title._shuzhi_format, False))
            run.add_break()
        build.text(title, line)
    build.stats.paragraphs += 1
    build.stats.add_lines(len(title_lines), keep_with_next=True)
    build.blank(profile.blank_lines_after_title)

    name_lines = paragraph_lines(report.name_line)
    for line in name_lines:
        build.line(NAME_LINE_STYLE[1], line)
    if name_lines:
        build.blank(profile.blank_lines_after_name_line)

    for block in report.blocks:
        lines = paragraph_lines(block.full_text)
        if block.is_heading:
            style = HEADING_STYLES[min(max(block.level, 1), 4) - 1]
            for line in lines:
                build.line(style, line)
            continue
        lead = f"{block.number}{block.lead}".strip() if block.lead else ""
        for i, line in enumerate(lines):
            build.line("Normal", line, lead=lead if i == 0 and lead and line.startswith(lead) else "")

    signature = " ".join(paragraph_lines(report.signature))
    date = " ".join(paragraph_lines(report.date))
    # The closing line stays on the page of the signature block, which never
    # stands alone on a page.
    for line in paragraph_lines(report.closing):
        build.line("Normal", line, keep_next=bool(signature or date))

    if signature or date:
        build.blank(profile.blank_lines_before_signature, keep_with_next=True)
        sig_right, date_right = signature_indents(
            signature, date, profile, autospace=LIBREOFFICE_AUTOSPACE if libreoffice else 0.0)
        for text, right in ((signature, sig_right), (date, date_right)):
            if text:
                build.line(SIGNATURE_STYLE[1], text, right_chars=right)

    _setup_footers(doc, build)
    _setup_app(doc, build.stats)
    return doc


def split_title_lines(title: str, profile: LayoutProfile) -> list[str]:
    """The title's lines as the Word file sets them."""
    return title_lines(title, profile)


def render_docx(report: Report, profile: LayoutProfile, *, draft: bool = False,
                libreoffice: bool = False) -> bytes:
    doc = build_document(report, profile, draft=draft, libreoffice=libreoffice)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def export_docx(report: Report, profile: LayoutProfile, draft: bool) -> tuple[bytes, list[str]]:
    """The exporter of FORMATS["docx"]."""
    return render_docx(report, profile, draft=draft), []
