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
from typing import TYPE_CHECKING

from ..pdftemp import OWNER_FILE, TEMP_PREFIX, cleanup_leftovers
from .errors import ExportError

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report
    from .profile import LayoutProfile

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
        env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_config(Path(tmp))),
                   HOME=tmp, XDG_CACHE_HOME=str(Path(tmp) / "cache"), XDG_CONFIG_HOME=str(Path(tmp) / "config"))
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


# The watchdog: a tiny separate process that outlives shuzhi. It reads its
# standard input (a pipe whose other end only shuzhi holds); "done" means the
# conversion finished. End of input without it means shuzhi died (even by
# SIGKILL): the watchdog kills LibreOffice's process group and removes the
# temporary folder. It runs in its own session, so a Ctrl+C to the terminal's
# process group does not reach it before it has cleaned up.
_WATCHDOG = """
import os, shutil, signal, sys
pgid, folder = int(sys.argv[1]), sys.argv[2]
data = sys.stdin.buffer.read()
if not data.startswith(b"done"):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass
    shutil.rmtree(folder, ignore_errors=True)
"""


def _die_with_parent() -> None:
    """In the child before exec (Linux): SIGKILL when shuzhi dies."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort; the watchdog covers the rest
        pass
    os.setsid()


def _start_watchdog(pgid: int, folder: Path) -> subprocess.Popen[bytes] | None:
    import sys

    if os.name != "posix" or not sys.executable:
        return None
    try:
        return subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _WATCHDOG, str(pgid), str(folder)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True,
        )
    except OSError:
        return None


def _stop_watchdog(watchdog: subprocess.Popen[bytes] | None) -> None:
    if watchdog is None:
        return
    try:
        assert watchdog.stdin is not None
        watchdog.stdin.write(b"done")
        watchdog.stdin.close()
        watchdog.wait(timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        pass


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, bytes]:
    """Run soffice in its own process group, watched: on timeout, on any
    error, and when shuzhi itself dies (the watchdog), the whole group
    (soffice.bin and its helpers) is killed."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_die_with_parent if os.name == "posix" else None,
    )
    watchdog = _start_watchdog(process.pid, cwd)
    try:
        _, stderr = process.communicate(timeout=CONVERT_TIMEOUT)
    except BaseException:
        _kill_group(process)
        raise
    finally:
        _kill_group(process, only_helpers=True)
        _stop_watchdog(watchdog)
    return process.returncode, stderr or b""


def _kill_group(process: subprocess.Popen[bytes], only_helpers: bool = False) -> None:
    """Kill LibreOffice's process group (after a normal end: anything of it
    still running, such as a helper left behind)."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass
    if not only_helpers:
        try:
            process.kill()
        except OSError:
            pass
        try:
            process.communicate(timeout=10)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass


def docx_to_pdf(docx_bytes: bytes) -> bytes:
    """Convert a .docx (bytes) to PDF bytes with LibreOffice."""
    soffice = find_soffice()
    if soffice is None:
        raise ExportError(MISSING_SOFFICE)
    cleanup_leftovers()
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as tmp:  # mode 0700
        work = Path(tmp)
        (work / OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
        source = work / "report.docx"
        source.write_bytes(docx_bytes)
        out_dir = work / "out"
        out_dir.mkdir()
        user_dir = work / "lo-profile"
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(fontconfig_config(work))
        # Nothing in the user's home: LibreOffice, fontconfig and dconf get
        # a private home and XDG folders inside the temporary folder.
        home = work / "home"
        home.mkdir(mode=0o700)
        env["HOME"] = str(home)
        for name, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"), ("XDG_DATA_HOME", "data"),
                          ("XDG_STATE_HOME", "state")):
            env[name] = str(home / sub)
        env.pop("XDG_RUNTIME_DIR", None)
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


def export_pdf(report: Report, profile: LayoutProfile, draft: bool) -> tuple[bytes, list[str]]:
    """The exporter of FORMATS["pdf"]: the Word file as LibreOffice lays it
    out, converted; notes on the fonts LibreOffice stood in."""
    from .docx import render_docx

    return docx_to_pdf(render_docx(report, profile, draft=draft, libreoffice=True)), font_notes()
