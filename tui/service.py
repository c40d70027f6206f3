"""Operations shared by the ``shuzhi`` command line and the Textual app.

No Textual, no python-docx at import time: the CLI's quick commands import
this module, so everything heavy is imported inside the functions that need
it. Every error raised here is a library error with a Chinese message
(:class:`ServiceError`, ``store.errors.StoreError``,
``workflows.loader.WorkflowError``, ``workflows.answers.AnswersFileError``,
``workflows.values.AnswerError``, ``workflows.export.errors.ExportError``).

Main entry points:

* :func:`workflow_choices`, :func:`find_workflow`, :func:`install_workflow` —
  the built-in workflows plus the user's own (kept in ``<data dir>/workflows``
  so a report always finds its workflow again).
* :func:`create_report` — a new report with initial answers and basics
  (unit, name, position, year), optionally started from an earlier
  report (year over year, see :func:`year_bound_paths`).
* :func:`create_demo_report` — the demo report, filled from a workflow's
  sample answers.
* :func:`open_session` — a report opened with its workflow: answers,
  check, assemble, export (:class:`Session`).
* :func:`enable_caches` — entry points call it once: loaded workflows,
  compiled templates, check results and report text are then kept between
  runs.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from workflows.answers import effective_answers, initial_answers
from workflows.loader import BUILTIN_DIR, WorkflowError, builtin_ids, load_builtin, load_workflow
from workflows.values import coerce, is_empty

if TYPE_CHECKING:  # pragma: no cover
    from workflows.checks import CheckResult
    from workflows.model import Field, Workflow
    from workflows.report import Report

DEMO_WORKFLOW = "dangjian-shuzhi"
USER_WORKFLOWS_DIR = "workflows"

# The basics a new report can be given (``shuzhi new --unit/--name/
# --position/--year``), by field id, looked up in the item holding the
# workflow's year field (or an item called "basics"); their Chinese names.
BASICS_NAMES = {"unit": "单位名称", "name": "姓名", "position": "职务", "year": "年度"}


class ServiceError(Exception):
    """A request that cannot be carried out; ``str()`` is a Chinese message."""


# ------------------------------------------------------------- caches


_CACHE_DIR: Path | None = None
_LOADED: dict[tuple[str, bytes], "Workflow"] = {}  # (path, its bytes) -> workflow


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


def _remember(memo_key: tuple[str, bytes], token: str, wf: "Workflow") -> "Workflow":
    _LOADED[memo_key] = wf
    _WORKFLOW_KEYS[id(wf)] = token
    return wf


def _load_cached(path: Path, load: Any) -> "Workflow":
    """``load(path)``, through the process memo and the on-disk cache.

    The cache keeps one pickle per workflow file: the file's bytes and the
    engine's code stamp it was built from, a random token naming that
    build, then the validated workflow. It is used only while the bytes
    and the code are unchanged (compared in full, not through a digest:
    exact, and no hashlib, whose OpenSSL costs ≈ 3 ms at every start);
    anything unreadable there is ignored and rebuilt. The token is the
    workflow's part of the key of :meth:`Session._derived`.
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
        except Exception:  # noqa: BLE001 - a missing or stale cache entry is rebuilt
            pass
    token = os.urandom(8).hex()
    wf = _remember(memo_key, token, load(path))
    if cache_file is not None:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            for old in cache_file.parent.glob(f"{path.stem}-{'[0-9a-f]' * 24}.pickle"):
                old.unlink(missing_ok=True)  # the earlier layout: one file per digest of the bytes
            tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as handle:
                pickle.dump((raw, stamp, token), handle, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(dataclasses.replace(wf, compiled={}), handle, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(cache_file)
        except Exception:  # noqa: BLE001 - no cache is slower, not wrong
            pass
    return wf


# ------------------------------------------------------------- workflows


def user_workflows_dir(data_dir: Path) -> Path:
    return Path(data_dir) / USER_WORKFLOWS_DIR


def find_workflow(workflow_id: str, data_dir: Path | None = None) -> "Workflow":
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


def workflow_choices(data_dir: Path | None = None) -> list["Workflow"]:
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


def install_workflow(path: str | Path, data_dir: Path) -> "Workflow":
    """Validate a workflow file and keep a copy in the data directory so that
    reports made from it can be opened later, wherever the file goes.

    A built-in id cannot be replaced. Raises WorkflowError / ServiceError.
    """
    path = Path(path)
    wf = load_workflow(path)
    if wf.id in builtin_ids():
        raise ServiceError(f"工作流“{wf.id}”与内置工作流同名，请在文件中换一个 id")
    folder = user_workflows_dir(data_dir)
    target = folder / f"{wf.id}.yaml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not (target.exists() and target.read_bytes() == path.read_bytes()):
            tmp = target.with_suffix(".yaml.tmp")
            import shutil

            shutil.copyfile(path, tmp)
            tmp.replace(target)
    except OSError as exc:
        raise ServiceError(f"无法把工作流保存到“{folder}”：{exc.strerror or exc}") from None
    return wf


def resolve_workflow_ref(ref: str, data_dir: Path) -> "Workflow":
    """``--workflow`` value: an id (built-in or installed) or a file path
    (validated and installed)."""
    if ref in _all_ids(data_dir):
        return find_workflow(ref, data_dir)
    path = Path(ref)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        return install_workflow(path, data_dir)
    return find_workflow(ref, data_dir)  # raises with the list of known ids


# ---------------------------------------------------------------- basics


def basics_item_id(wf: "Workflow") -> str | None:
    """The item holding the cover basics (unit, name, position, year)."""
    if wf.year_field:
        return wf.item_of(wf.year_field)
    if wf.item("basics") is not None:
        return "basics"
    return None


def basics_field(wf: "Workflow", key: str) -> "Field | None":
    """The field for a basics key ("unit", "name", "position", "year")."""
    if key == "year" and wf.year_field:
        return wf.field(wf.year_field)
    item_id = basics_item_id(wf)
    item = wf.item(item_id) if item_id else None
    return item.field(key) if item else None


def basics_answers(wf: "Workflow", **values: Any) -> dict[str, Any]:
    """Validated answers for the given basics (None values are skipped).

    Raises AnswerError when a value is invalid and ServiceError when the
    workflow has no such field.
    """
    out: dict[str, Any] = {}
    for key, raw in values.items():
        if raw is None:
            continue
        f = basics_field(wf, key)
        if f is None:
            name = BASICS_NAMES.get(key, key)
            raise ServiceError(f"工作流“{wf.id}”没有“{name}”字段，不能指定{name}")
        value = coerce(f, raw)
        if value is not None:
            out[f.path] = value
    return out


def field_hint(f: "Field", options: bool = True) -> str:
    """A short Chinese description of what a field takes: type, required,
    range, unit, length, options (prompts and ``workflow show``)."""
    from workflows.model import FIELD_TYPES

    parts = [FIELD_TYPES.get(f.type, f.type)]
    if f.required:
        parts.append("必填")
    if f.type in ("count", "year") and (f.min is not None or f.max is not None):
        parts.append(f"{'' if f.min is None else f.min}–{'' if f.max is None else f.max}")
    if f.unit:
        parts.append(f"单位：{f.unit}")
    if f.max_length:
        parts.append(f"最多{f.max_length}字")
    if f.min_items or f.max_items:
        parts.append(f"{f.min_items or 0}–{f.max_items or '不限'}条")
    if f.options and options:
        parts.append("可选：" + "、".join(f.options) + ("，或自填" if f.custom else ""))
    return "，".join(parts)


def report_year_of(wf: "Workflow", answers: Mapping[str, Any]) -> int | None:
    if not wf.year_field:
        return None
    value = answers.get(wf.year_field)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def default_title(wf: "Workflow", answers: Mapping[str, Any]) -> str:
    """A report's name in lists: unit, year and the workflow's title."""
    f = basics_field(wf, "unit")
    unit = answers.get(f.path) if f else None
    year = report_year_of(wf, answers)
    parts = [unit if isinstance(unit, str) else "", f"{year}年" if year else "", wf.title]
    return "".join(parts)


# ---------------------------------------------------------------- create


def year_bound_paths(wf: "Workflow") -> set[str]:
    """Fields whose value follows the report year or the day: the year field
    and fields with ``default_rule`` or ``default_by_year``. They are never
    carried over from an earlier report (last year's plenary sessions or date
    must not slip into this year's report); they take the new defaults."""
    paths = {f.path for f in wf.fields() if f.default_rule or f.default_by_year}
    if wf.year_field:
        paths.add(wf.year_field)
    return paths


def title_for(wf: "Workflow", answers: Mapping[str, Any]) -> str:
    """The report's name in lists: the assembled title when it is complete,
    else unit + year + the workflow's title."""
    from workflows.report import PENDING_OPEN

    try:
        title = assemble_answers(wf, answers).title.strip()
    except Exception:  # noqa: BLE001 - a title is a convenience, never fatal
        title = ""
    if title and PENDING_OPEN not in title and len(title) <= 200:
        return title
    return default_title(wf, answers)


@dataclass
class NewReport:
    """What a new report starts with (see :func:`create_report`).

    ``year``, ``unit``, ``name`` and ``position`` are raw values (validated
    against the workflow's basics fields); ``title`` defaults to the
    assembled report title.
    """

    workflow: "Workflow"
    year: int | str | None = None
    unit: str | None = None
    name: str | None = None
    position: str | None = None
    title: str | None = None


def create_report(
    store: Any, spec: NewReport, previous: str | None = None, today: _dt.date | None = None
) -> Any:
    """Create a report and return its ``store.ReportMeta``.

    Every default is made explicit, the basics given are validated and set.
    With ``previous`` (the id of an earlier report of the same workflow) the
    new report starts from its answers, each marked "from <year>" until the
    user confirms or changes it, except the year-bound fields
    (:func:`year_bound_paths`); the year defaults to the earlier year + 1.

    Raises AnswerError (a basic is invalid), ServiceError, StoreError.
    """
    wf = spec.workflow
    basics = basics_answers(wf, unit=spec.unit, name=spec.name, position=spec.position)
    year: int | None = None
    if spec.year is not None:
        year_f = basics_field(wf, "year")
        if year_f is None:
            raise ServiceError(f"工作流“{wf.id}”没有年度字段，不能指定年度")
        year = coerce(year_f, spec.year)
    exclude: set[str] = set()
    carried: set[str] = set()
    if previous is not None:
        prev_meta = store.get_meta(previous)
        if prev_meta.workflow_id != wf.id:
            raise ServiceError(
                f"报告“{prev_meta.title}”（{prev_meta.id}）使用的是工作流“{prev_meta.workflow_id}”，"
                f"不能作为“{wf.id}”新报告的基础"
            )
        with store.open(previous, readonly=True) as handle:
            old = handle.answers
        if year is None:
            old_year = report_year_of(wf, old)
            if old_year is None:
                old_year = prev_meta.year
            year = old_year + 1 if isinstance(old_year, int) else None
        exclude = year_bound_paths(wf) | set(basics)
        carried = {p for p, v in old.items() if p not in exclude and not is_empty(v)}
    answers = {p: v for p, v in initial_answers(wf, year, today).items() if p not in carried}
    answers.update(basics)
    title = spec.title if spec.title is not None else title_for(wf, answers)
    unit_f = basics_field(wf, "unit")
    unit = answers.get(unit_f.path) if unit_f else None
    return store.create(
        wf.id,
        wf.version,
        title,
        unit if isinstance(unit, str) else "",
        report_year_of(wf, answers),
        answers,
        from_report=previous,
        exclude_paths=sorted(exclude),
    )


def create_demo_report(store: Any, workflow_id: str = DEMO_WORKFLOW) -> Any:
    """A report filled from a built-in workflow's sample answers; returns its
    ``ReportMeta``. The title says it is a demo."""
    wf = find_workflow(workflow_id)
    sample = sample_answers(workflow_id)
    answers = initial_answers(wf, report_year_of(wf, sample))
    answers.update(sample)
    title = f"示例：{title_for(wf, answers)}"
    unit_f = basics_field(wf, "unit")
    unit = answers.get(unit_f.path) if unit_f else None
    return store.create(
        wf.id, wf.version, title[:200], unit if isinstance(unit, str) else "",
        report_year_of(wf, answers), answers,
    )


# -------------------------------------------------------- report results


def check_answers(wf: "Workflow", answers: Mapping[str, Any]) -> "CheckResult":
    from workflows.checks import check

    return check(wf, answers)


def assemble_answers(wf: "Workflow", answers: Mapping[str, Any]) -> "Report":
    from workflows.assemble import assemble

    return assemble(wf, answers)


def sample_answers(workflow_id: str) -> dict[str, Any]:
    """The sample answers shipped with a built-in workflow (validated)."""
    from workflows.answers import load_answers_file
    from workflows.loader import sample_answers_path

    wf = load_builtin(workflow_id)
    path = sample_answers_path(workflow_id)
    if not path.is_file():
        raise ServiceError(f"内置工作流“{workflow_id}”没有示例答案")
    return load_answers_file(wf, path)


# --------------------------------------------------------------- session


def _read_text_file(path: Path, what: str) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ServiceError(f"找不到{what}“{path}”") from None
    except IsADirectoryError:
        raise ServiceError(f"“{path}”是文件夹，不是{what}") from None
    except UnicodeDecodeError:
        raise ServiceError(f"{what}“{path}”不是 UTF-8 编码的文本") from None
    except OSError as exc:
        raise ServiceError(f"无法读取{what}“{path}”：{exc.strerror or exc}") from None


def answers_format(path: str | Path) -> str:
    """"json" for ``*.json``, "yaml" for anything else."""
    from workflows.answers import guess_format

    return guess_format(str(path))


@dataclass(frozen=True)
class ExtraBlocker:
    """Something a final export refuses that is not a check problem:
    leftover placeholder text ("XX", "××") or a template failure."""

    kind: str  # "placeholder" | "error"
    item_id: str | None
    message: str
    where: str = ""


@dataclass
class ReportCheck:
    """Everything ``shuzhi check`` reports: the engine's problems (pending,
    error, warning), item states, and the extra export blockers."""

    problems: list[Any]  # workflows.checks.Problem
    item_states: dict[str, str]
    blockers: list[ExtraBlocker]

    @property
    def ready(self) -> bool:
        """A final export would go through."""
        return not self.blockers and not any(p.severity in ("pending", "error") for p in self.problems)

    def of_severity(self, severity: str) -> list[Any]:
        return [p for p in self.problems if p.severity == severity]

    def for_item(self, item_id: str) -> list[Any]:
        return [p for p in self.problems if p.item_id == item_id]

    def to_cache(self) -> dict[str, Any]:
        return {
            "problems": [p.to_json() for p in self.problems],
            "item_states": self.item_states,
            "blockers": [dataclasses.asdict(b) for b in self.blockers],
        }

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> "ReportCheck":
        from workflows.checks import Problem

        problems = [
            Problem(p["severity"], p["item"], p["field"], p["message"], p.get("source", ""))
            for p in data["problems"]
        ]
        blockers = [ExtraBlocker(**b) for b in data["blockers"]]
        return cls(problems, dict(data["item_states"]), blockers)


class Session:
    """A report opened with its workflow.

    ``handle`` is the store's ReportHandle (``readonly`` when another session
    holds the report, see ``notice``). Every write validates against the
    workflow first and is on disk when the method returns. Close it (or use
    it as a context manager) to release the report's lock.
    """

    def __init__(self, store: Any, handle: Any, workflow: "Workflow") -> None:
        self.store = store
        self.handle = handle
        self.workflow = workflow

    # -- reading ------------------------------------------------------------
    @property
    def report_id(self) -> str:
        return self.handle.id

    @property
    def meta(self) -> Any:
        return self.handle.meta

    @property
    def title(self) -> str:
        return self.handle.meta.title

    @property
    def readonly(self) -> bool:
        return bool(self.handle.readonly)

    @property
    def notice(self) -> str | None:
        return self.handle.notice

    @property
    def answers(self) -> dict[str, Any]:
        """Stored answers (a copy): field path -> canonical value."""
        return self.handle.answers

    def values(self) -> dict[str, Any]:
        """Stored answers plus the defaults of fields never answered."""
        return effective_answers(self.workflow, self.handle.answers)

    def unconfirmed(self) -> dict[str, int]:
        """Field path -> year, for answers carried over and not yet confirmed."""
        return self.handle.unconfirmed()

    def check(self) -> "CheckResult":
        return check_answers(self.workflow, self.handle.answers)

    def assemble(self) -> "Report":
        return assemble_answers(self.workflow, self.handle.answers)

    def full_check(self) -> ReportCheck:
        """The check plus what a final export would refuse beyond it
        (cached, see :meth:`_derived`)."""
        answers = self.handle.answers
        cached = self._derived("check", answers)
        if cached is not None:
            return ReportCheck.from_cache(cached)
        from workflows.export import final_blockers

        result = check_answers(self.workflow, answers)
        report = assemble_answers(self.workflow, answers)
        extra = [
            ExtraBlocker(b.kind, b.item_id, b.message, b.where)
            for b in final_blockers(report, result.problems)
            if b.kind == "placeholder" or (b.kind == "error" and not b.field_path)
        ]
        outcome = ReportCheck(result.problems, result.item_states, extra)
        self._derived("check", answers, outcome.to_cache())
        return outcome

    def plain_text(self) -> str:
        """The report as plain text, as the text export writes it (no
        control characters; cached, see :meth:`_derived`)."""
        answers = self.handle.answers
        cached = self._derived("text", answers)
        if isinstance(cached, str):
            return cached
        from workflows.export.checks import clean_report
        from workflows.export.text import render_text

        text = render_text(clean_report(assemble_answers(self.workflow, answers))[0])
        self._derived("text", answers, text)
        return text

    def _derived(self, kind: str, answers: Mapping[str, Any], value: Any = None) -> Any:
        """Read (``value`` None) or write what is derived from the answers.

        Kept per report in the cache folder (see :func:`enable_caches`),
        keyed by the answers, the workflow, the engine's code and today's
        date, so ``shuzhi check`` or ``preview`` of an unchanged report
        neither assembles it nor imports Jinja. The key is that material
        itself, compared in full (exact, and no hashlib to import). Returns
        None when there is nothing usable; a cache that cannot be written is
        skipped.
        """
        import json

        wf_key = _WORKFLOW_KEYS.get(id(self.workflow))
        if _CACHE_DIR is None or wf_key is None:
            return None
        key = json.dumps(  # ASCII (\u escapes), so that any text in an answer can be written out
            [answers, wf_key, _code_stamp(), _dt.date.today().isoformat()], sort_keys=True, default=str,
        )
        cache_file = _CACHE_DIR / "reports" / f"{self.report_id}.json"
        try:
            entry = json.loads(cache_file.read_text(encoding="utf-8"))
            if not isinstance(entry, dict) or entry.get("key") != key:
                entry = {"key": key}
        except Exception:  # noqa: BLE001 - missing or damaged: start afresh
            entry = {"key": key}
        if value is None:
            return entry.get(kind)
        entry[kind] = value
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
            tmp.replace(cache_file)
        except OSError:
            pass
        return value

    # -- writing ------------------------------------------------------------
    def set_answer(self, path: str, raw: Any) -> Any:
        """Validate ``raw`` for the field at ``path`` and save it; returns the
        canonical value (None when the answer is now empty: the field is
        cleared and its default no longer applies). Raises AnswerError
        (Chinese message) without saving anything when ``raw`` is invalid."""
        f = self.workflow.field(path)
        if f is None:
            raise ServiceError(f"工作流“{self.workflow.id}”中没有字段“{path}”")
        value = coerce(f, raw)
        self.handle.set_answer(path, value)
        self._sync_meta({path})
        return value

    def confirm(self, path: str) -> None:
        """Accept an answer carried over from an earlier year as it is."""
        self.handle.confirm(path)

    def import_answers_file(self, path: str | Path) -> dict[str, Any]:
        """Merge an answers file (YAML or JSON, by extension) into the report.

        All or nothing: raises ``store.AnswersImportError`` listing every
        problem with its field path, and nothing is saved. Returns the
        imported answers.
        """
        path = Path(path)
        text = _read_text_file(path, "答案文件")
        return self.import_answers_text(text, answers_format(path), str(path))

    def import_answers_text(self, text: str, fmt: str, source: str = "") -> dict[str, Any]:
        """Like :meth:`import_answers_file` for text in hand (``fmt`` "yaml"
        or "json"; ``source`` names it in messages)."""
        from store import AnswersImportError

        try:
            imported = self.handle.import_answers(text, fmt, self.workflow)
        except AnswersImportError as exc:
            head = f"答案文件“{source}”" if source else "答案文件"
            listing = "\n".join(f"  - {p}" for p in exc.problems)
            raise AnswersImportError(
                f"{head}有 {len(exc.problems)} 处问题，未保存任何内容：\n{listing}", exc.problems
            ) from None
        self._sync_meta(set(imported))
        return imported

    def export_answers(self, fmt: str = "yaml") -> str:
        return self.handle.export_answers(self.workflow, fmt)

    def _sync_meta(self, changed: set[str]) -> None:
        """Keep the report's unit and year (shown in lists) in step with the
        basics fields."""
        changes: dict[str, Any] = {}
        unit_f = basics_field(self.workflow, "unit")
        answers = None
        if unit_f is not None and unit_f.path in changed:
            answers = self.handle.answers
            unit = answers.get(unit_f.path)
            unit = unit if isinstance(unit, str) else ""
            if unit != self.handle.meta.unit:
                changes["unit"] = unit
        if self.workflow.year_field and self.workflow.year_field in changed:
            answers = answers if answers is not None else self.handle.answers
            year = report_year_of(self.workflow, answers)
            if year != self.handle.meta.year:
                changes["year"] = year
        if changes:
            self.handle.update_meta(**changes)

    # -- export -------------------------------------------------------------
    def export(
        self,
        fmt: str = "docx",
        path: str | Path | None = None,
        *,
        draft: bool = False,
        profile: str = "standard",
    ) -> Any:
        """Write the report; returns ``workflows.export.ExportResult``.

        ``path`` may be a file, a folder (the default file name is used in
        it) or None (the current folder). A final export (``draft=False``)
        raises ExportBlocked listing every blocker; a draft is written with
        the markers visible. An existing file that is read-only is refused
        and left untouched.
        """
        from workflows.export import ExportError, default_filename, export_report, get_format

        get_format(fmt)
        report = self.assemble()
        target = Path(path).expanduser() if path is not None else Path.cwd()
        if target.is_dir():
            target = target / default_filename(report, fmt, draft=draft)
        if target.exists() and not target.is_dir() and not os.access(target, os.W_OK):
            raise ExportError(f"文件“{target}”是只读的，未覆盖；请换一个文件名或位置")
        problems = self.check().problems
        return export_report(report, fmt, target, draft=draft, profile=profile, problems=problems)

    # -- life cycle ---------------------------------------------------------
    def close(self) -> None:
        self.handle.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_session(store: Any, query: str, *, readonly: bool = False, write: bool = False) -> Session:
    """Find a report (id, id prefix or title prefix) and open it with its workflow.

    ``readonly`` opens without taking the lock. ``write`` insists on the
    lock: raises ``store.LockedError`` (Chinese, naming the other session)
    when another session holds it; otherwise a locked report comes back
    read-only (``Session.readonly``, ``Session.notice``). Raises NotFound /
    Ambiguous (store) and WorkflowError when the report's workflow is gone.
    """
    from store import LockedError

    meta = store.find(query)
    handle = store.open(meta.id, readonly=readonly)
    try:
        if write and handle.readonly:
            raise LockedError(handle.notice or "报告正由另一个会话编辑，当前不能修改。", handle.locked_by)
        workflow = find_workflow(meta.workflow_id, store.root)
    except BaseException:
        handle.close()
        raise
    return Session(store, handle, workflow)
