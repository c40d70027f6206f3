"""Workflows for reports: the built-in ones and the user's own (kept in
``<data dir>/workflows`` so that a report always finds its workflow again),
loaded through the cache the entry point passes (``workflows.cache.Cache``).

No Textual, no python-docx: the CLI's quick commands import this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from workflows.cache import Cache
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

# Workflows loaded in this process for callers that pass no cache (memory
# only: nothing is written, no folder is kept here). Loading the big
# built-in workflow takes ≈ 100 ms; from the memo, nothing.
_MEMO = Cache(None)


def _cache(cache: Cache | None) -> Cache:
    return cache if cache is not None else _MEMO


# ------------------------------------------------------------- workflows


def user_workflows_dir(data_dir: Path) -> Path:
    return Path(data_dir) / USER_WORKFLOWS_DIR


def find_workflow(workflow_id: str, data_dir: Path | None = None, cache: Cache | None = None) -> Workflow:
    """A workflow by id: built-in first, then the user's installed copies;
    through ``cache`` (default: a memo of this process).

    Raises WorkflowError (Chinese) when there is no such workflow or the
    installed file no longer loads.
    """
    if workflow_id in builtin_ids():
        return _cache(cache).workflow(BUILTIN_DIR / f"{workflow_id}.yaml", lambda _path: load_builtin(workflow_id))
    if data_dir is not None:
        path = user_workflows_dir(data_dir) / f"{workflow_id}.yaml"
        if path.is_file():
            return _cache(cache).workflow(path, load_workflow)
    known = "、".join(w for w in _all_ids(data_dir)) or "（无）"
    raise WorkflowError([f"没有名为“{workflow_id}”的工作流（可用：{known}）"], workflow_id)


def _all_ids(data_dir: Path | None) -> list[str]:
    ids = list(builtin_ids())
    if data_dir is not None:
        folder = user_workflows_dir(data_dir)
        if folder.is_dir():
            ids += sorted(p.stem for p in folder.glob("*.yaml") if p.stem not in ids)
    return ids


def workflow_choices(data_dir: Path | None = None, cache: Cache | None = None) -> list[Workflow]:
    """Every workflow a new report can use: built-in ones, then installed ones.

    An installed file that no longer loads is skipped (``shuzhi workflow
    validate`` tells what is wrong with it).
    """
    out = []
    for workflow_id in _all_ids(data_dir):
        try:
            out.append(find_workflow(workflow_id, data_dir, cache))
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


def resolve_workflow_ref(ref: str, data_dir: Path, cache: Cache | None = None) -> Workflow:
    """``--workflow`` value: an id (built-in or installed) or a file path
    (validated and installed)."""
    if ref in _all_ids(data_dir):
        return find_workflow(ref, data_dir, cache)
    path = Path(ref)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        return install_workflow(path, data_dir)
    return find_workflow(ref, data_dir, cache)  # raises with the list of known ids
