"""PDF export through LibreOffice: the message when it is missing, the font
aliases, and the layout of the converted report (22 lines a page, 28
characters a line, page numbers odd right / even left)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from test_export_support import BLOCKS, make_long_report, make_report
from workflows.export import ExportError, export_report, get_profile
from workflows.export import pdf as pdf_module

MM = 72 / 25.4
# The paragraph of ideographs only (no punctuation, no digits) in the fixture.
IDEOGRAPHS = BLOCKS[-1].text


def test_missing_soffice_names_the_packages(tmp_path, monkeypatch):
    monkeypatch.setenv("SHUZHI_SOFFICE", str(tmp_path / "no-such-soffice"))
    target = tmp_path / "r.pdf"
    with pytest.raises(ExportError) as info:
        export_report(make_report(), "pdf", target)
    message = str(info.value)
    assert "LibreOffice" in message
    assert "libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai" in message
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_alias_file_maps_every_gongwen_font():
    root = ET.parse(pdf_module.alias_file()).getroot()
    mapping = {}
    for match in root.iter("match"):
        tested = match.find("test/string").text
        families = [s.text for s in match.find("edit[@name='family']").iter("string")]
        weight = match.find("edit[@name='weight']/const")
        mapping[tested] = (families, weight.text if weight is not None else None)
    assert mapping["仿宋_GB2312"] == (["FandolFang", "Noto Serif CJK SC"], None)
    assert mapping["楷体_GB2312"][0][0] == "AR PL UKai CN"
    assert mapping["黑体"][0][0] == "Noto Sans CJK SC"
    assert mapping["方正小标宋简体"] == (["Noto Serif CJK SC", "FandolSong"], "bold")
    assert mapping["宋体"][0][0] == "Noto Serif CJK SC"
    profile = get_profile("standard")
    used = {profile.title.east_asia, profile.name_line.east_asia, profile.body.east_asia,
            profile.page_number.east_asia, *(h.east_asia for h in profile.headings)}
    assert used <= set(mapping)


def test_generated_fontconfig_includes_system_and_aliases(tmp_path, monkeypatch):
    monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
    config = pdf_module.fontconfig_config(tmp_path)
    root = ET.parse(config).getroot()
    includes = [e.text for e in root.iter("include")]
    assert includes == ["/etc/fonts/fonts.conf", str(pdf_module.alias_file())]


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig (fc-match) 未安装")
def test_fontconfig_resolves_the_aliases(tmp_path):
    installed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    if "AR PL UKai CN" not in installed or "Noto Serif CJK SC" not in installed:
        pytest.skip("需要 fonts-arphic-ukai 和 fonts-noto-cjk 才能检查字体替换")
    env = {"FONTCONFIG_FILE": str(pdf_module.fontconfig_config(tmp_path)), "PATH": "/usr/bin:/bin"}

    def match(name):
        return subprocess.run(["fc-match", "-f", "%{family[0]}|%{style[0]}", name],
                              capture_output=True, text=True, env=env).stdout

    assert match("楷体_GB2312").startswith("AR PL UKai CN|")
    assert match("方正小标宋简体") == "Noto Serif CJK SC|Bold"
    assert match("黑体").startswith("Noto Sans CJK SC|")
    expected_fang = "FandolFang" if pdf_module.fandol_dirs() else "Noto Serif CJK SC"
    assert match("仿宋_GB2312").startswith(expected_fang + "|")


# ------------------------------------------------------------------ LibreOffice layout
def _need_tools():
    if not pdf_module.pdf_available():
        pytest.skip("未安装 LibreOffice（soffice），跳过 PDF 版面检查："
                    "sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai")
    if shutil.which("pdftotext") is None:
        pytest.skip("未安装 pdftotext，跳过 PDF 版面检查：sudo apt-get install poppler-utils")
    # The grid (28 characters a line) holds only with full-width CJK fonts:
    # without them LibreOffice falls back to a Latin font's narrow glyphs.
    installed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout \
        if shutil.which("fc-list") else ""
    missing = [f for f in ("Noto Serif CJK SC", "Noto Sans CJK SC") if f not in installed]
    if missing:
        pytest.skip(f"未安装 {'、'.join(missing)}，跳过 PDF 版面检查：sudo apt-get install fonts-noto-cjk")


def _pages(pdf: Path):
    """Each page as a list of (xMin, yMin, xMax, text) lines (pdftotext -bbox-layout)."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.findall(r"<page .*?</page>", out, re.S):
        lines = []
        for attrs, body in re.findall(r"<line ([^>]*)>(.*?)</line>", page, re.S):
            box = dict(re.findall(r'(\w+)="([\d.]+)"', attrs))
            words = [html.unescape(w) for w in re.findall(r"<word [^>]*>(.*?)</word>", body)]
            lines.append((float(box["xMin"]), float(box["yMin"]), float(box["xMax"]), "".join(words)))
        pages.append(lines)
    return pages


@pytest.fixture(scope="module", params=["standard", "line28"])
def converted(request, tmp_path_factory):
    _need_tools()
    profile = get_profile(request.param)
    path = tmp_path_factory.mktemp("pdf") / f"{request.param}.pdf"
    result = export_report(make_long_report(3), "pdf", path, profile=profile)
    assert any("替代字体" in note for note in result.notes)
    assert path.read_bytes().startswith(b"%PDF")
    return profile, path, _pages(path)


def _body_lines(profile, page):
    top = profile.margin_top_mm * MM
    bottom = (profile.page_height_mm - profile.margin_bottom_mm) * MM
    return [line for line in page if top - 1 <= line[1] < bottom]


def test_a_full_page_holds_22_lines(converted):
    profile, _, pages = converted
    assert len(pages) >= 5
    counts = [len(_body_lines(profile, page)) for page in pages[:-1]]
    assert max(counts) == profile.lines_per_page == 22, counts
    # Pages end early only where a heading keeps with its paragraph.
    assert sum(c == 22 for c in counts) >= len(counts) // 2, counts
    full = pages[counts.index(22)]
    ys = [line[1] for line in _body_lines(profile, full)]
    nominal = profile.line_spacing_twips / 20
    # Every line sits on the grid (a line's top, as pdftotext measures it,
    # moves by up to a point with the glyphs it holds).
    offsets = [y - (ys[0] + i * nominal) for i, y in enumerate(ys)]
    assert all(abs(o) < 1.2 for o in offsets), offsets
    # 22 lines fill the 版心 height (225 mm) to within one line.
    assert 21 * nominal <= ys[-1] - ys[0] + nominal <= profile.text_height_mm * MM


def test_a_full_line_holds_28_characters(converted):
    profile, _, pages = converted
    texts = [line[3] for page in pages for line in page]
    first = IDEOGRAPHS[:26]  # the first line is indented two characters
    assert first in texts
    rest = IDEOGRAPHS[26:]
    full_lines = [rest[i:i + 28] for i in range(0, len(rest) - 28, 28)]
    assert len(full_lines) >= 3
    for chunk in full_lines:
        assert chunk in texts, chunk
    assert all(len(chunk) == profile.chars_per_line == 28 for chunk in full_lines)
    # Left and right edges of a full line: the 版心 is 156 mm wide.
    line = next(l for page in pages for l in page if l[3] == full_lines[0])
    assert abs(line[0] - profile.margin_left_mm * MM) < 2
    assert abs(line[2] - (profile.page_width_mm - profile.margin_right_mm) * MM) < 3


def test_page_numbers_odd_right_even_left(converted):
    profile, _, pages = converted
    left_edge = profile.margin_left_mm * MM
    right_edge = (profile.page_width_mm - profile.margin_right_mm) * MM
    char = profile.body.size_pt
    below = (profile.page_height_mm - profile.margin_bottom_mm + profile.page_number_gap_mm) * MM
    for number, page in enumerate(pages, start=1):
        footer = [l for l in page if l[1] > (profile.page_height_mm - profile.margin_bottom_mm) * MM]
        assert len(footer) == 1, footer
        x_min, y_min, x_max, text = footer[0]
        assert text.replace(" ", "") == f"—{number}—"
        if number % 2:
            assert abs(x_max - (right_edge - char)) < 3, (number, x_max)
        else:
            assert abs(x_min - (left_edge + char)) < 3, (number, x_min)
        # The number sits just below the 版心 (its dashes: see below).
        assert below - 12 < y_min < below, (number, y_min, below)


def dash_depth_mm(pdf: Path, page: int, profile) -> list[float]:
    """How far below the 版心 the page number's 一字线 run, in mm: the rows
    of the rendered page below the 版心 that hold a dark stroke longer than
    3 mm (pdftoppm at 300 dpi, read as a PGM)."""
    dpi = 300
    data = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
                          capture_output=True, check=True).stdout
    magic, size, _maxval, pixels = data.split(b"\n", 3)
    assert magic == b"P5"
    width, height = map(int, size.split())
    per_mm = dpi / 25.4
    edge = profile.page_height_mm - profile.margin_bottom_mm
    depths = []
    for y in range(int(edge * per_mm), height):
        row = pixels[y * width:(y + 1) * width]
        longest = run = 0
        for value in row:
            run = run + 1 if value < 128 else 0
            longest = max(longest, run)
        if longest > 3 * per_mm:
            depths.append(y / per_mm - edge)
    return depths


def test_page_number_dashes_sit_7_mm_below_the_banxin(converted):
    """GB/T 9704 7.5: 一字线上距版心下边缘 7 mm (odd and even pages)."""
    profile, path, pages = converted
    if shutil.which("pdftoppm") is None:
        pytest.skip("未安装 pdftoppm（poppler-utils）")
    for page in (1, 2):
        depths = dash_depth_mm(path, page, profile)
        assert depths, page
        assert all(abs(d - profile.page_number_gap_mm) < 0.5 for d in depths), (page, depths)


def test_fonts_are_the_mapped_free_fonts(converted):
    _, path, _ = converted
    if shutil.which("pdffonts") is None:
        pytest.skip("未安装 pdffonts（poppler-utils）")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    installed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    if "AR PL UKai CN" in installed:
        assert "UKai" in fonts  # 楷体_GB2312 headings and name line
    if pdf_module.fandol_dirs():
        assert "FandolFang" in fonts  # 仿宋_GB2312 body and level-3 headings
    if "Noto Serif CJK SC" in installed:
        assert re.search(r"NotoSerifCJK\w*-Bold", fonts)  # 方正小标宋简体 title
        assert re.search(r"NotoSansCJK", fonts)  # 黑体 level-1 headings


def _fake_soffice(tmp_path, body: str) -> str:
    script = tmp_path / "fake-soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    return str(script)


def test_a_failing_conversion_is_reported_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("SHUZHI_SOFFICE", _fake_soffice(tmp_path, 'echo "Error: source file could not be loaded" >&2; exit 1'))
    target = tmp_path / "r.pdf"
    target.write_bytes(b"previous")
    with pytest.raises(ExportError, match="LibreOffice 没能把报告转换成 PDF：Error: source file could not be loaded"):
        export_report(make_report(), "pdf", target)
    assert target.read_bytes() == b"previous"


def test_a_conversion_without_output_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("SHUZHI_SOFFICE", _fake_soffice(tmp_path, "exit 0"))
    with pytest.raises(ExportError, match="退出码 0"):
        export_report(make_report(), "pdf", tmp_path / "r.pdf")


def test_a_hanging_conversion_times_out(tmp_path, monkeypatch):
    monkeypatch.setenv("SHUZHI_SOFFICE", _fake_soffice(tmp_path, "sleep 30 & wait"))
    monkeypatch.setattr(pdf_module, "CONVERT_TIMEOUT", 1)
    with pytest.raises(ExportError, match="超过 1 秒仍未完成"):
        export_report(make_report(), "pdf", tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_the_fake_soffice_gets_the_fontconfig_and_a_private_profile(tmp_path, monkeypatch):
    log = tmp_path / "args.txt"
    body = (
        f'echo "$FONTCONFIG_FILE" > {log}; for a in "$@"; do echo "$a" >> {log}; done; '
        'out=""; prev=""; for a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; done; '
        'printf "%%PDF-1.4 fake" > "$out/report.pdf"'
    )
    monkeypatch.setenv("SHUZHI_SOFFICE", _fake_soffice(tmp_path, body))
    result = export_report(make_report(), "pdf", tmp_path / "r.pdf")
    assert (tmp_path / "r.pdf").read_bytes() == b"%PDF-1.4 fake"
    lines = log.read_text().splitlines()
    assert lines[0].endswith("fonts.conf")
    assert lines[1].startswith("-env:UserInstallation=file:///")
    assert "--headless" in lines and "--convert-to" in lines
    assert any("替代字体" in n for n in result.notes)
