"""PDF through LibreOffice: the Word export converted by ``soffice --headless
--convert-to pdf``, with a fontconfig alias file that maps the 公文 fonts to
installed free fonts (workflows/fonts/shuzhi-fonts.conf)."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

from .errors import ExportError

INSTALL_PACKAGES = "libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai"
# FandolFang, the free stand-in for 仿宋, ships in TeX Live's Chinese package.
FANG_PACKAGE = "texlive-lang-chinese"
MISSING_SOFFICE = (
    "导出 PDF 需要 LibreOffice，本机没有找到 soffice 命令。"
    f"在 Debian/Ubuntu 上请安装：sudo apt-get install {INSTALL_PACKAGES}"
    "（后两个是替代黑体、宋体、小标宋和楷体的免费字体）；"
    f"仿宋的替代字体 FandolFang 在 {FANG_PACKAGE} 中：sudo apt-get install --no-install-recommends {FANG_PACKAGE}。"
    "也可以先导出 Word 文档，在 WPS 或 Word 中另存为 PDF。"
)
# The 公文 fonts the PDF notes name, with the stand-in each should get and
# the package that brings it.
STAND_INS = (
    ("仿宋_GB2312", "FandolFang", f"--no-install-recommends {FANG_PACKAGE}"),
    ("楷体_GB2312", "AR PL UKai CN", "fonts-arphic-ukai"),
    ("黑体", "Noto Sans CJK SC", "fonts-noto-cjk"),
    ("方正小标宋简体", "Noto Serif CJK SC", "fonts-noto-cjk"),
)
CONVERT_TIMEOUT = 240  # seconds; the first start of LibreOffice is slow

_SOFFICE_CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)

# Where FandolFang & co. live when texlive-lang-chinese is installed (not on
# the fontconfig path by default).
_FANDOL_GLOBS = (
    "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol",
    "/usr/share/texmf/fonts/opentype/public/fandol",
    "/usr/local/texlive/*/texmf-dist/fonts/opentype/public/fandol",
)


def find_soffice() -> str | None:
    """Path of the LibreOffice binary, or None."""
    override = os.environ.get("SHUZHI_SOFFICE")
    if override:
        return override if os.path.exists(override) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _SOFFICE_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    return None


def pdf_available() -> bool:
    return find_soffice() is not None


def alias_file() -> Path:
    """The shipped fontconfig alias file."""
    path = resources.files("workflows").joinpath("fonts/shuzhi-fonts.conf")
    return Path(str(path))


def fandol_dirs() -> list[str]:
    found: list[str] = []
    for pattern in _FANDOL_GLOBS:
        found.extend(sorted(d for d in glob.glob(pattern) if os.path.isdir(d)))
    return found


def fontconfig_config(work_dir: Path) -> Path:
    """A fontconfig file that includes the system configuration, the Fandol
    font folders when present, and shuzhi's aliases."""
    system = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    aliases = alias_file()
    if not aliases.is_file():
        raise ExportError(f"找不到字体替换配置文件“{aliases}”，安装可能不完整，请重新安装 shuzhi")
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<fontconfig>",
        f'  <include ignore_missing="yes">{_xml(system)}</include>',
    ]
    lines.extend(f"  <dir>{_xml(d)}</dir>" for d in fandol_dirs())
    lines.append(f"  <include>{_xml(str(aliases))}</include>")
    lines.append("</fontconfig>")
    config = work_dir / "fonts.conf"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def stand_ins() -> dict[str, str]:
    """The family fontconfig gives each 公文 font under shuzhi's aliases
    (the intended stand-in when fc-match is missing)."""
    found = {name: wanted for name, wanted, _package in STAND_INS}
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return found
    with tempfile.TemporaryDirectory(prefix="shuzhi-fonts-") as tmp:
        env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_config(Path(tmp))))
        for name in found:
            try:
                result = subprocess.run([fc_match, "-f", "%{family[0]}", name], capture_output=True,
                                        text=True, env=env, timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                continue
            if result.returncode == 0 and result.stdout.strip():
                found[name] = result.stdout.strip()
    return found


def font_notes() -> list[str]:
    """What the PDF's fonts are (Chinese notes for the user), and how to get
    the closer stand-in where one is missing."""
    used = stand_ins()
    bold = {"方正小标宋简体": " Bold"}
    pairs = "，".join(f"{name}→{used[name]}{bold.get(name, '')}" for name, _w, _p in STAND_INS)
    notes = [f"PDF 使用免费替代字体排版（{pairs}），仅供预览和打印核对；报送请以 Word 文档为准。"]
    for name, wanted, package in STAND_INS:
        if used[name] != wanted:
            notes.append(f"本机没有 {wanted}，{name}用 {used[name]} 代替；"
                         f"安装后 PDF 更接近原字体：sudo apt-get install {package}")
    return notes


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, bytes]:
    """Run soffice in its own process group; on timeout the whole group
    (soffice.bin and its helpers) is killed, then TimeoutExpired re-raised."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=CONVERT_TIMEOUT)
    except subprocess.TimeoutExpired:
        if hasattr(os, "killpg"):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                pass
        process.kill()
        process.communicate()
        raise
    return process.returncode, stderr or b""


def docx_to_pdf(docx_bytes: bytes) -> bytes:
    """Convert a .docx (bytes) to PDF bytes with LibreOffice."""
    soffice = find_soffice()
    if soffice is None:
        raise ExportError(MISSING_SOFFICE)
    with tempfile.TemporaryDirectory(prefix="shuzhi-pdf-") as tmp:
        work = Path(tmp)
        source = work / "report.docx"
        source.write_bytes(docx_bytes)
        out_dir = work / "out"
        out_dir.mkdir()
        user_dir = work / "lo-profile"
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(fontconfig_config(work))
        env.setdefault("HOME", str(work))
        command = [
            soffice,
            f"-env:UserInstallation={user_dir.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out_dir),
            str(source),
        ]
        try:
            returncode, stderr = _run(command, work, env)
        except subprocess.TimeoutExpired:
            raise ExportError(
                f"LibreOffice 转换 PDF 超过 {CONVERT_TIMEOUT} 秒仍未完成，已放弃。"
                "请关闭其他 LibreOffice 窗口后重试，或导出 Word 文档后在 WPS/Word 中另存为 PDF。"
            ) from None
        except OSError as exc:
            raise ExportError(f"无法运行 LibreOffice（{soffice}）：{exc.strerror or exc}") from None
        pdf = out_dir / "report.pdf"
        if returncode != 0 or not pdf.is_file():
            detail = stderr.decode("utf-8", "replace").strip()
            detail = detail.splitlines()[-1] if detail else f"退出码 {returncode}"
            raise ExportError(f"LibreOffice 没能把报告转换成 PDF：{detail}")
        return pdf.read_bytes()
