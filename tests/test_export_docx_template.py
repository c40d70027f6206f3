"""The slim Word template shipped with shuzhi (tools/build-docx-template)."""

from __future__ import annotations

import io
import zipfile

import docx
from test_export_support import make_report

from workflows.export import export_report, get_profile
from workflows.export.docx import BUILTIN_STYLES, TEMPLATE, render_docx


def test_template_is_slim_and_holds_the_styles_the_export_formats() -> None:
    names = zipfile.ZipFile(TEMPLATE).namelist()
    assert not [n for n in names if "stylesWithEffects" in n or "thumbnail" in n or n.startswith("customXml")]
    styles = {s.name for s in docx.Document(str(TEMPLATE)).styles}
    assert set(BUILTIN_STYLES) <= styles
    assert len(styles) < 15  # python-docx's default has 160


def test_export_starts_from_the_template(tmp_path) -> None:
    raw = render_docx(make_report(), get_profile("standard"))
    with zipfile.ZipFile(io.BytesIO(raw)) as package:
        styles_xml = package.read("word/styles.xml")
        assert "word/stylesWithEffects.xml" not in package.namelist()
    assert len(styles_xml) < 20_000 and b"latentStyles" not in styles_xml
    result = export_report(make_report(), "docx", tmp_path / "r.docx", draft=True)
    assert docx.Document(str(result.path)).paragraphs
