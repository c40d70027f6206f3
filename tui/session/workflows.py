"""Workflows for reports: the built-in ones and the user's own (kept in
``<data dir>/workflows`` so that a report always finds its workflow again),
loaded through a process memo and an on-disk cache.

No Textual, no python-docx: the CLI's quick commands import this module.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workflows.loader import (
    BUILTIN_DIR,
    WorkflowError,
    builtin_ids,
    load_builtin,
    load_workflow,
)

from .errors import SessionError

if TYPE_CHECKING:  # pragma: no cover
    from workflows.model import Workflow

USER_WORKFLOWS_DIR = "workflows"

# ------------------------------------------------------------- caches


_CACHE_DIR: Path | None = None
_LOADED: dict[tuple[str, bytes], Workflow] = {}  # (path, its bytes) -> workflow


def enable_caches(directory: str | Path | None = None) -> None:
    """Keep loaded workflows and compiled templates between runs, in
    ``directory`` (default: the user's cache folder from platformdirs,
    ``$XDG_CACHE_HOME/shuzhi`` on Linux). Entry points (the CLI, the app)
    call it once at start; it costs nothing until a workflow is loaded. A
    folder that cannot be written just means no cache."""
    global _CACHE_DIR
    from workflows.cache import set_cache_dir

    if directory is None:
        directory = _user_cache_dir()
    _CACHE_DIR = Path(directory)
    set_cache_dir(_CACHE_DIR)


def _user_cache_dir() -> Path:
    if sys.platform.startswith("linux"):  # what platformdirs answers, without importing it
        base = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(base if base.startswith("/") else os.path.expanduser("~/.cache")) / "shuzhi"
    import platformdirs

    return Path(platformdirs.user_cache_dir("shuzhi", appauthor=False))


_STAMP: str | None = None


def _code_stamp() -> str:
    """Changes whenever the engine's code (the ``workflows`` package, Jinja,
    Python) changes, so that nothing cached is read back by code that would
    have built it differently."""
    global _STAMP
    if _STAMP is None:
        import importlib.util

        import workflows

        parts = [sys.version]
        package = Path(workflows.__file__).parent  # os.walk: a quarter of rglob's time
        files = sorted(Path(folder, name) for folder, _, names in os.walk(package) for name in names
                       if name.endswith(".py"))
        spec = importlib.util.find_spec("jinja2")
        if spec is not None and spec.origin:
            files.append(Path(spec.origin))
        for path in files:
            try:
                st = path.stat()
                parts.append(f"{path.name}:{st.st_mtime_ns}:{st.st_size}")
            except OSError:
                parts.append(f"{path.name}:?")
        _STAMP = "|".join(parts)
    return _STAMP


# id(workflow) -> its build token (see _load_cached); the workflows stay alive in _LOADED.
_WORKFLOW_KEYS: dict[int, str] = {}


def _remember(memo_key: tuple[str, bytes], token: str, wf: Workflow) -> Workflow:
    _LOADED[memo_key] = wf
    _WORKFLOW_KEYS[id(wf)] = token
    return wf


def _load_cached(path: Path, load: Any) -> Workflow:
    """``load(path)``, through the process memo and the on-disk cache.

    The cache keeps one pickle per workflow file: the file's bytes and the
    engine's code stamp it was built from, a random token naming that
    build, then the validated workflow. It is used only while the bytes
    and the code are unchanged (compared in full, not through a digest:
    exact, and no hashlib, whose OpenSSL costs ≈ 3 ms at every start);
    anything unreadable there is ignored and rebuilt. The token is the
    workflow's part of the key of ``Session._derived`` (see :func:`workflow_key`).
    """
    import pickle

    try:
        raw = path.read_bytes()
    except OSError:
        return load(path)  # the loader reports the problem in Chinese
    stamp = _code_stamp()
    memo_key = (str(path), raw)
    if memo_key in _LOADED:
        return _LOADED[memo_key]
    cache_file = None
    if _CACHE_DIR is not None:
        cache_file = _CACHE_DIR / "workflows" / f"{path.stem}.pickle"
        try:
            with open(cache_file, "rb") as handle:
                source, built_by, token = pickle.load(handle)
                if source == raw and built_by == stamp:
                    wf = pickle.load(handle)
                    if type(wf).__name__ == "Workflow":
                        return _remember(memo_key, token, wf)
        except Exception:
            pass
    token = os.urandom(8).hex()
    wf = _remember(memo_key, token, load(path))
    if cache_file is not None:
        try:
            from workflows.cache import private_cache_dir

            if private_cache_dir("workflows") != cache_file.parent:
                raise OSError("no cache folder")
            for old in cache_file.parent.glob(f"{path.stem}-{'[0-9a-f]' * 24}.pickle"):
                old.unlink(missing_ok=True)  # the earlier layout: one file per digest of the bytes
            from workflows.fileio import write_atomic

            data = pickle.dumps((raw, stamp, token), protocol=pickle.HIGHEST_PROTOCOL) + pickle.dumps(
                dataclasses.replace(wf, compiled={}), protocol=pickle.HIGHEST_PROTOCOL
            )
            write_atomic(cache_file, data, durable=False)
        except Exception:
            pass
    return wf


# ------------------------------------------------------------- workflows


def user_workflows_dir(data_dir: Path) -> Path:
    return Path(data_dir) / USER_WORKFLOWS_DIR


def find_workflow(workflow_id: str, data_dir: Path | None = None) -> Workflow:
    """A workflow by id: built-in first, then the user's installed copies.

    Raises WorkflowError (Chinese) when there is no such workflow or the
    installed file no longer loads.
    """
    if workflow_id in builtin_ids():
        return _load_cached(BUILTIN_DIR / f"{workflow_id}.yaml", lambda _path: load_builtin(workflow_id))
    if data_dir is not None:
        path = user_workflows_dir(data_dir) / f"{workflow_id}.yaml"
        if path.is_file():
            return _load_cached(path, load_workflow)
    known = "、".join(w for w in _all_ids(data_dir)) or "（无）"
    raise WorkflowError([f"没有名为“{workflow_id}”的工作流（可用：{known}）"], workflow_id)


def _all_ids(data_dir: Path | None) -> list[str]:
    ids = list(builtin_ids())
    if data_dir is not None:
        folder = user_workflows_dir(data_dir)
        if folder.is_dir():
            ids += sorted(p.stem for p in folder.glob("*.yaml") if p.stem not in ids)
    return ids


def workflow_choices(data_dir: Path | None = None) -> list[Workflow]:
    """Every workflow a new report can use: built-in ones, then installed ones.

    An installed file that no longer loads is skipped (``shuzhi workflow
    validate`` tells what is wrong with it).
    """
    out = []
    for workflow_id in _all_ids(data_dir):
        try:
            out.append(find_workflow(workflow_id, data_dir))
        except WorkflowError:
            continue
    return out


def install_workflow(path: str | Path, data_dir: Path) -> Workflow:
    """Validate a workflow file and keep a copy in the data directory so that
    reports made from it can be opened later, wherever the file goes.

    A built-in id cannot be replaced. Raises WorkflowError / SessionError.
    """
    path = Path(path)
    wf = load_workflow(path)
    if wf.id in builtin_ids():
        raise SessionError(f"工作流“{wf.id}”与内置工作流同名，请在文件中换一个 id")
    problems = trial_problems(wf, path)
    if problems:  # nothing installed: a report made from it could never be previewed or exported
        raise WorkflowError(problems, str(path))
    folder = user_workflows_dir(data_dir)
    target = folder / f"{wf.id}.yaml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        source = path.read_bytes()
        if not (target.exists() and target.read_bytes() == source):
            from workflows.fileio import write_atomic

            write_atomic(target, source)
    except OSError as exc:
        raise SessionError(f"无法把工作流保存到“{folder}”：{exc.strerror or exc}") from None
    return wf


def trial_problems(wf: Workflow, path: str | Path) -> list[str]:
    """The trial render of a workflow file before it is used: the whole
    report with no answers, and with its sample answers when a
    ``<name>.sample.yaml`` lies beside it (problems in that file count too)."""
    from workflows.answers import AnswersFileError, load_answers_file
    from workflows.assemble import trial_render

    path = Path(path)
    samples = []
    sample = path.with_name(f"{path.stem}.sample.yaml")
    problems: list[str] = []
    if sample.is_file():
        try:
            samples.append((f"示例答案 {sample.name}", load_answers_file(wf, sample)))
        except AnswersFileError as exc:
            problems += [f"示例答案“{sample}”：{p}" for p in exc.problems]
    return problems + trial_render(wf, samples)


def resolve_workflow_ref(ref: str, data_dir: Path) -> Workflow:
    """``--workflow`` value: an id (built-in or installed) or a file path
    (validated and installed)."""
    if ref in _all_ids(data_dir):
        return find_workflow(ref, data_dir)
    path = Path(ref)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        return install_workflow(path, data_dir)
    return find_workflow(ref, data_dir)  # raises with the list of known ids


def workflow_key(wf: Workflow) -> str | None:
    """The build token of a workflow loaded through the cache (None for a
    workflow loaded some other way): part of the key of what is derived
    from a report's answers."""
    return _WORKFLOW_KEYS.get(id(wf))


def cache_dir() -> Path | None:
    """The cache folder set by :func:`enable_caches` (None: no caching)."""
    return _CACHE_DIR


def disable_caches() -> None:
    """Forget the cache folder (tests)."""
    global _CACHE_DIR
    from workflows.cache import set_cache_dir

    _CACHE_DIR = None
    set_cache_dir(None)

