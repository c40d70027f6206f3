"""Named layout profiles: every number the Word/PDF export uses, in one place.

The "standard" profile follows GB/T 9704-2012 《党政机关公文格式》 (see
shared/spec/gbt9704.md); other profiles are local house rules. A unit with its
own rules adds a profile here (or builds one with ``dataclasses.replace``)
without touching the exporter.

Units: lengths on the page are in millimetres; line and character spacing in
twips (1/20 pt, what WordprocessingML stores); font sizes in points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import ExportError

TWIPS_PER_MM = 1440 / 25.4
EMU_PER_MM = 36000


def mm_to_twips(mm: float) -> int:
    return int(round(mm * TWIPS_PER_MM))


@dataclass(frozen=True)
class FontSpec:
    """The fonts and size of one kind of text.

    ``east_asia`` goes to w:rFonts/@w:eastAsia (Chinese characters),
    ``latin`` to w:ascii / w:hAnsi / w:cs (digits and Latin letters).
    """

    east_asia: str
    size_pt: float
    latin: str = "Times New Roman"
    bold: bool = False

    @property
    def half_points(self) -> int:
        """The w:sz value (half-points)."""
        return int(round(self.size_pt * 2))


@dataclass(frozen=True)
class LayoutProfile:
    """A page layout (版式) of the Word export: page, grid, fonts, spacing."""

    name: str
    label: str

    # Page (A4) and margins; the 版心 is 156 x 225 mm.
    page_width_mm: float = 210.0
    page_height_mm: float = 297.0
    margin_top_mm: float = 37.0
    margin_bottom_mm: float = 35.0
    margin_left_mm: float = 28.0
    margin_right_mm: float = 26.0

    # Grid: exact line spacing and character spacing (condense) that give
    # lines_per_page x chars_per_line.
    line_spacing_twips: int = 579  # exact 28.95 pt
    char_spacing_twips: int = -5  # w:spacing w:val: condense by 0.25 pt
    lines_per_page: int = 22
    chars_per_line: int = 28

    # Fonts and sizes per element.
    title: FontSpec = FontSpec("方正小标宋简体", 22)
    name_line: FontSpec = FontSpec("楷体_GB2312", 16)
    body: FontSpec = FontSpec("仿宋_GB2312", 16)
    headings: tuple[FontSpec, ...] = (
        FontSpec("黑体", 16),  # 一、
        FontSpec("楷体_GB2312", 16),  # （一）
        FontSpec("仿宋_GB2312", 16),  # 1.
        FontSpec("仿宋_GB2312", 16),  # （1）
    )
    # Bold for the "1.加强理论武装。" part of a run-in level-3/4 paragraph
    # (practice); it is always set in that level's heading font.
    run_in_lead_bold: bool = True
    language: str = "zh-CN"

    # Paragraphs.
    first_line_indent_chars: int = 2  # body paragraphs
    heading_indent_chars: int = 2  # every heading level
    blank_lines_after_title: int = 1  # between the title and the name line / text
    blank_lines_after_name_line: int = 1
    keep_headings_with_next: bool = True
    # Widow/orphan control off: every full page then holds exactly
    # lines_per_page lines, as the 公文 grid requires.
    widow_control: bool = False
    # Break a title too long for one line into a trapezoid of two lines.
    shape_long_title: bool = True

    # Page numbers: "— 1 —", 宋体 4号, half-width digits, odd right / even left,
    # one character in from the edge, the dashes (一字线) 7 mm below the 版心.
    page_number: FontSpec = FontSpec("宋体", 14, latin="宋体")
    page_number_format: str = "— {page} —"
    page_number_edge_indent_chars: float = 1.0  # in body characters
    page_number_gap_mm: float = 7.0
    odd_even_page_numbers: bool = True

    # Signature block (no seal): one blank line after the text; the signature
    # 2 characters in from the right; the date on the next line, its first
    # character 2 characters right of the signature's; if the date is longer,
    # the date sits 2 characters in from the right and the signature moves left.
    blank_lines_before_signature: int = 1
    signature_right_indent_chars: float = 2.0
    date_shift_chars: float = 2.0
    date_min_right_indent_chars: float = 2.0

    # Fonts a Windows machine has when the 公文 fonts are missing (Windows
    # 10/11 ship 仿宋/楷体 but not 仿宋_GB2312/楷体_GB2312): written as
    # w:altName in the font table, where Word looks for a substitute.
    font_alt_names: tuple[tuple[str, str], ...] = (
        ("仿宋_GB2312", "仿宋"),
        ("楷体_GB2312", "楷体"),
        ("黑体", "SimHei"),
        ("宋体", "SimSun"),
        ("方正小标宋简体", "宋体"),
    )

    # Mark leftover placeholders in drafts (Word highlight colour name).
    draft_highlight: str = "yellow"

    # ------------------------------------------------------------- derived
    def heading(self, level: int) -> FontSpec:
        """Font of heading level 1-4 (levels beyond 4 use level 4's)."""
        return self.headings[min(max(level, 1), len(self.headings)) - 1]

    @property
    def text_width_mm(self) -> float:
        return self.page_width_mm - self.margin_left_mm - self.margin_right_mm

    @property
    def text_height_mm(self) -> float:
        return self.page_height_mm - self.margin_top_mm - self.margin_bottom_mm

    @property
    def char_twips(self) -> int:
        """Width of one body character (the unit of "indent N characters")."""
        return int(round(self.body.size_pt * 20))

    @property
    def first_line_indent_twips(self) -> int:
        return self.first_line_indent_chars * self.char_twips

    @property
    def heading_indent_twips(self) -> int:
        return self.heading_indent_chars * self.char_twips

    @property
    def page_number_line_twips(self) -> int:
        return int(round(self.page_number.size_pt * 20))

    @property
    def footer_distance_twips(self) -> int:
        """Page bottom to the bottom of the page-number line (w:pgMar/@w:footer).

        The line is one em high (exact spacing at the number's size) and the
        一字线 runs through its middle, so the line's bottom sits half a line
        below the point page_number_gap_mm under the 版心."""
        return (
            mm_to_twips(self.margin_bottom_mm - self.page_number_gap_mm)
            - self.page_number_line_twips // 2
        )

    def fitted_lines(self) -> int:
        """Lines of body text that fit the 版心 height at this line spacing."""
        return math.floor(mm_to_twips(self.text_height_mm) / self.line_spacing_twips + 1e-6)

    def fitted_chars(self) -> int:
        """Body characters that fit the 版心 width with this character spacing."""
        advance = self.char_twips + self.char_spacing_twips
        return math.floor(self.text_width_mm * TWIPS_PER_MM / advance + 1e-6)

    def check(self) -> list[str]:
        """Inconsistencies between the declared grid and the numbers (Chinese)."""
        problems = []
        if self.fitted_lines() != self.lines_per_page:
            problems.append(
                f"版式“{self.name}”：行距 {self.line_spacing_twips / 20:g} 磅时每页排"
                f" {self.fitted_lines()} 行，不是 {self.lines_per_page} 行"
            )
        if self.fitted_chars() != self.chars_per_line:
            problems.append(
                f"版式“{self.name}”：字距 {self.char_spacing_twips / 20:g} 磅时每行排"
                f" {self.fitted_chars()} 字，不是 {self.chars_per_line} 字"
            )
        if len(self.headings) < 4:
            problems.append(f"版式“{self.name}”：需要一至四级标题的字体")
        if "{page}" not in self.page_number_format:
            problems.append(f"版式“{self.name}”：页码格式缺少 {{page}}")
        return problems


STANDARD = LayoutProfile(
    name="standard",
    label="国家标准 GB/T 9704—2012（行距固定值 28.95 磅，每页 22 行，每行 28 字）",
)

LINE28 = LayoutProfile(
    name="line28",
    label="行距固定值 28 磅（部分单位要求；每页 22 行，每行 28 字）",
    line_spacing_twips=560,
)

PROFILES: dict[str, LayoutProfile] = {p.name: p for p in (STANDARD, LINE28)}


def get_profile(name: str | LayoutProfile) -> LayoutProfile:
    """The profile called ``name`` (a LayoutProfile passes through)."""
    if isinstance(name, LayoutProfile):
        return name
    try:
        return PROFILES[name]
    except (KeyError, TypeError):
        known = "、".join(f"{p.name}（{p.label}）" for p in PROFILES.values())
        raise ExportError(f"没有名为“{name}”的版式。可用的版式：{known}") from None
