"""WordprocessingML helpers for the Word exporter: properties written in
the order the schema requires (Word refuses a file whose w:rPr/w:pPr
children are out of order), fonts that reach w:eastAsia with the theme
attributes removed, exact line spacing and indents in both units Word and
LibreOffice read. lxml elements in, nothing imported at module level."""

from __future__ import annotations

from typing import Any

from .profile import FontSpec

_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


# ------------------------------------------------------------------ XML helpers
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _w(tag: str) -> str:
    """The Clark name of w:<tag>."""
    return W_NS + tag


_W_LEN = len(W_NS)


def _child(parent: Any, tag: str, *, order: dict[str, int] | None = None) -> Any:
    """The w:<tag> child of ``parent``, created when missing (placed by the
    schema's ``order`` of the children, when given; else appended)."""
    found = parent.find(W_NS + tag)
    if found is not None:
        return found
    element = _oxml_element()(f"w:{tag}")
    if order is not None:
        rank = order[tag]
        for sibling in parent:
            name = sibling.tag
            if order.get(name[_W_LEN:] if type(name) is str and name.startswith(W_NS) else "", -1) > rank:
                sibling.addprevious(element)
                return element
    parent.append(element)
    return element


def _oxml_element() -> Any:
    """python-docx's ``OxmlElement`` (imported once, when the first element is made)."""
    global _OXML_ELEMENT
    if _OXML_ELEMENT is None:
        from docx.oxml import OxmlElement

        _OXML_ELEMENT = OxmlElement
    return _OXML_ELEMENT


_OXML_ELEMENT: Any = None


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


_RPR_RANK = {tag: i for i, tag in enumerate(_RPR_ORDER)}
_PPR_RANK = {tag: i for i, tag in enumerate(_PPR_ORDER)}


def _rchild(rpr: Any, tag: str) -> Any:
    return _child(rpr, tag, order=_RPR_RANK)


def _pchild(ppr: Any, tag: str) -> Any:
    return _child(ppr, tag, order=_PPR_RANK)


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
