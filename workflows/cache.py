"""The one cache: what shuzhi keeps between runs so that a command or the
app starts without redoing work whose inputs have not changed.

    cache = Cache.default()   # an entry point: the user's cache folder
    cache = Cache(tmp_path)   # tests: a folder of their own
    cache = Cache(None)       # in memory only, nothing written

The entry point (``shuzhi`` main, the app, a test) creates it and passes it
to what uses it (``find_workflow``, ``open_session``, the home screen); no
module keeps a cache folder of its own. What it keeps, and what each part
gains (median of 5 cold processes on the shared 2-core machine, the demo
report and 19 copies, that part made unusable and the others warm;
``bench/caches.py``, 1 December 2026):

* ``workflows/``: each workflow file, loaded and validated, as a pickle
  (:meth:`Cache.workflow`): ``shuzhi list`` 310 → 161 ms, ``shuzhi check``
  307 → 130 ms.
* ``templates/``: Jinja bytecode of the report templates
  (:meth:`Cache.template_environment`), for every assembly: ``shuzhi check``
  of a changed report 494 → 355 ms, ``export -f docx`` 790 → 686 ms.
* ``reports/``: each report's check and plain text, keyed by its answers
  (``Session._derived``): ``shuzhi check`` 355 → 130 ms, ``preview`` 247 →
  151 ms.
* ``progress/``: the home screen's progress column (``tui.screens.progress``):
  app start with 20 reports, progress column filled 1104 → 813 ms.

All four off: ``shuzhi check`` 788 ms, all on 130 ms.

* ``code/``: the methods ``dataclasses`` writes for each class (``__init__``,
  ``__repr__``, ``__eq__``…), compiled (:meth:`Cache.keep_compiled_code`): a
  command defines some twenty dataclasses, and compiling their 80-odd
  generated methods took ≈ 10 ms of every ``shuzhi`` start (a third of
  shuzhi's own import time).

Every entry is valid only for the same :meth:`Cache.stamp` (the Python
version and the code that computes what is cached) and the same inputs;
anything unreadable is ignored and rebuilt. Folders are 0700 and files 0600
(the cache holds answer text); a folder that cannot be written just means
no cache: slower, never wrong. Writes go through ``fileio.write_atomic``
(not fsynced: a cache can always be rebuilt).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from types import CodeType

    from jinja2 import Environment

    from .model import Workflow

# Packages whose code decides what is cached (relative to the project root):
# the engine, the store (what a report's answers read back as) and the
# session layer (item states, export blockers, progress).
STAMPED_PACKAGES = ("workflows", "store", "tui/session")


class Cache:
    """What is kept between runs, in ``directory`` (None: memory only)."""

    def __init__(self, directory: str | Path | None) -> None:
        self.directory = Path(directory) if directory is not None else None
        self._stamp: str | None = None
        # (path, its bytes) -> workflow; and id(workflow) -> its key (the
        # workflows stay alive in the memo, so their ids are not reused).
        self._workflows: dict[tuple[str, bytes], Workflow] = {}
        self._workflow_keys: dict[int, str] = {}
        self._environment: Environment | None = None

    @classmethod
    def default(cls) -> Cache:
        """The user's cache folder: ``$XDG_CACHE_HOME/shuzhi`` on Linux (what
        platformdirs answers, without importing it), platformdirs elsewhere."""
        if sys.platform.startswith("linux"):
            base = os.environ.get("XDG_CACHE_HOME", "").strip()
            return cls(Path(base if base.startswith("/") else os.path.expanduser("~/.cache")) / "shuzhi")
        import platformdirs

        return cls(Path(platformdirs.user_cache_dir("shuzhi", appauthor=False)))

    def __repr__(self) -> str:
        return f"Cache({str(self.directory)!r})" if self.directory else "Cache(None)"

    # ------------------------------------------------------------ stamp

    def stamp(self) -> str:
        """Changes whenever code that computes cached results changes (the
        packages in STAMPED_PACKAGES, Jinja, Python): the files' sizes and
        times, no imports (≈ 1 ms)."""
        if self._stamp is None:
            import importlib.util

            root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            parts = [sys.version]
            files: list[tuple[str, str]] = []  # (name shown, path); plain strings: pathlib tripled the time
            for package in STAMPED_PACKAGES:
                for folder, _dirs, names in os.walk(os.path.join(root, package)):  # a quarter of rglob's time
                    shown = os.path.relpath(folder, root).replace(os.sep, "/")
                    files += [(f"{shown}/{name}", os.path.join(folder, name)) for name in names if name.endswith(".py")]
            spec = importlib.util.find_spec("jinja2")
            if spec is not None and spec.origin:
                files.append((spec.origin, spec.origin))
            for name, path in sorted(files):
                try:
                    st = os.stat(path)
                    parts.append(f"{name}:{st.st_mtime_ns}:{st.st_size}")
                except OSError:
                    parts.append(f"{name}:?")
            self._stamp = "|".join(parts)
        return self._stamp

    # ------------------------------------------------------------ files

    def folder(self, *parts: str) -> Path | None:
        """A folder in the cache, it and the cache folder mode 0700 (created
        so, and tightened when they are ours and looser); None without a
        folder or when it cannot be made."""
        if self.directory is None:
            return None
        path = self.directory
        try:
            _private(path, parents=True)
            for part in parts:
                path = path / part
                _private(path)
        except OSError:
            return None
        return path

    def read(self, kind: str, name: str) -> bytes | None:
        """The file ``name`` in the cache's ``kind`` folder (None if absent)."""
        if self.directory is None:
            return None
        try:
            return (self.directory / kind / name).read_bytes()
        except OSError:
            return None

    def write(self, kind: str, name: str, data: bytes) -> None:
        """``data`` as ``name`` in the ``kind`` folder (mode 0600, atomically;
        not fsynced). Failures are ignored: no cache is slower, not wrong."""
        folder = self.folder(kind)
        if folder is None:
            return
        from .fileio import write_atomic

        try:
            write_atomic(folder / name, data, durable=False)
        except OSError:
            pass

    # --------------------------------------------------------- compiled code

    def keep_compiled_code(self) -> None:
        """From now on, the methods ``dataclasses`` generates are compiled
        once and kept in ``code/`` (see :func:`_compiling_exec`); call
        :meth:`save_compiled_code` at the end. The entry points call it
        before importing what defines dataclasses."""
        import dataclasses

        if self.directory is not None:
            import marshal

            try:
                version, memo = marshal.loads(_code_file(self.directory).read_bytes())
                if version == sys.version and type(memo) is dict:
                    for text, code in memo.items():
                        if type(text) is str and type(code) is bytes:
                            _CODE_MEMO.setdefault(text, code)
            except Exception:  # noqa: BLE001 - absent or damaged: compiled again, kept anew
                pass
        dataclasses.exec = _compiling_exec  # type: ignore[attr-defined]  # the module's own name first

    def save_compiled_code(self) -> None:
        """Keep what was compiled since :meth:`keep_compiled_code` (nothing
        written when nothing new was compiled)."""
        global _CODE_NEW
        if not _CODE_NEW or self.directory is None or self.folder("code") is None:
            return
        import marshal

        texts = _CODE_MEMO if len(_CODE_MEMO) <= _CODE_KEEP else _CODE_USED
        try:
            memo = {t: c if type(c) is bytes else marshal.dumps(c) for t in texts for c in (_CODE_MEMO[t],)}
            data = marshal.dumps((sys.version, memo))
        except ValueError:  # pragma: no cover - every code object marshals
            return
        self.write("code", _code_file(self.directory).name, data)
        _CODE_NEW = 0

    # --------------------------------------------------------- workflows

    def workflow(self, path: Path, load: Callable[[Path], Workflow]) -> Workflow:
        """``load(path)``, through the process memo and the ``workflows/`` folder.

        One pickle per workflow file: the file's bytes and the stamp it was
        built with, then the validated workflow; used only while both are
        unchanged (compared in full, not through a digest: exact, and no
        hashlib to import at start).
        """
        import pickle

        try:
            raw = path.read_bytes()
        except OSError:
            return load(path)  # the loader reports the problem in Chinese
        memo_key = (str(path), raw)
        if memo_key in self._workflows:
            return self._workflows[memo_key]
        name = f"{path.stem}.pickle"
        data = self.read("workflows", name)
        wf = None
        if data is not None:
            try:
                import io

                handle = io.BytesIO(data)
                source, built_by = pickle.load(handle)
                if source == raw and built_by == self.stamp():
                    wf = pickle.load(handle)
                    if type(wf).__name__ != "Workflow":
                        wf = None
            except Exception:  # noqa: BLE001 - a damaged cache file is rebuilt
                wf = None
        if wf is None:
            wf = load(path)
            if self.directory is not None:
                import dataclasses

                try:
                    data = pickle.dumps((raw, self.stamp()), protocol=pickle.HIGHEST_PROTOCOL) + pickle.dumps(
                        dataclasses.replace(wf, compiled={}), protocol=pickle.HIGHEST_PROTOCOL
                    )
                except Exception:  # noqa: BLE001 - something unpicklable: no cache for it
                    data = None
                if data is not None:
                    self.write("workflows", name, data)
        self._workflows[memo_key] = wf
        self._workflow_keys[id(wf)] = _fingerprint(str(path), raw)
        return wf

    def workflow_key(self, wf: Workflow) -> str | None:
        """What identifies the file a workflow was loaded from through this
        cache (path, size and checksum of its bytes); None for a workflow
        loaded some other way. Part of the key of what is derived from a
        report's answers."""
        return self._workflow_keys.get(id(wf))

    # --------------------------------------------------------- templates

    def template_environment(self) -> Environment | None:
        """The template environment with its bytecode kept in ``templates/``
        (one subfolder per stamp; older ones removed), or None without a
        folder."""
        if self._environment is None:
            folder = self.folder("templates")
            if folder is None:
                return None
            import zlib

            stamp = self.stamp().encode("utf-8", "surrogatepass")
            current = f"{zlib.crc32(stamp):08x}{zlib.adler32(stamp):08x}"
            try:
                for old in os.listdir(folder):
                    if old != current:
                        _remove(folder / old)
            except OSError:
                pass
            target = self.folder("templates", current)
            if target is None:
                return None
            from jinja2 import FileSystemBytecodeCache

            from .templating import environment

            self._environment = environment().overlay(bytecode_cache=FileSystemBytecodeCache(str(target)))
        return self._environment


# ------------------------------------------------------------ compiled code
#
# ``dataclasses`` builds each class's methods as source text and runs it
# with ``exec`` (a compile of some 80 functions for the classes a command
# imports). Giving the module an ``exec`` of its own that compiles each
# distinct text once and keeps the code objects (keyed by the whole text, so
# a changed class is a new text: exact, nothing to invalidate) makes that a
# dict lookup; the code objects are kept between runs in ``code/`` (marshal,
# one file per Python version). Behaviour is exactly ``exec`` of the text:
# same code, same file name ("<string>"), same globals and namespace.

# text -> its code, or the code's marshal bytes as read from code/ (turned
# into code when first used: a memo also holding the app's classes is 250
# texts, and unmarshalling all of them took 0.7 ms of each command).
_CODE_MEMO: dict[str, CodeType | bytes] = {}
_CODE_USED: set[str] = set()  # the texts this process ran
_CODE_NEW = 0  # texts compiled since the memo was last written
_CODE_KEEP = 2000  # more texts than this (old versions of edited classes): keep only this process's


def _compiling_exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
    global _CODE_NEW
    if type(source) is str:
        code = _CODE_MEMO.get(source)
        if type(code) is bytes:
            import marshal

            try:
                code = marshal.loads(code)
            except Exception:  # noqa: BLE001 - damaged: compiled again
                code = None
            if type(code) is not type(_compiling_exec.__code__):
                code = None
        if code is None:
            code = compile(source, "<string>", "exec")
            _CODE_NEW += 1
        _CODE_MEMO[source] = code
        _CODE_USED.add(source)
        source = code
    exec(source, globals, locals)


def _code_file(directory: Path) -> Path:
    return directory / "code" / f"dataclasses.{sys.implementation.cache_tag}.marshal"


def _fingerprint(path: str, raw: bytes) -> str:
    import zlib

    return f"{path}:{len(raw)}:{zlib.crc32(raw):08x}:{zlib.adler32(raw):08x}"


def _private(path: Path, parents: bool = False) -> None:
    path.mkdir(mode=0o700, parents=parents, exist_ok=True)
    if os.name == "posix":
        info = os.stat(path)
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            os.chmod(path, 0o700)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        import shutil

        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
