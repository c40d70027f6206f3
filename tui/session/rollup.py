"""Rolling branch reports up into a bureau report, for the interfaces
(``shuzhi rollup`` and the app's 汇总支部数据): finding the sources (reports
of the branch workflow in this store, or answers files), computing the sums
(``workflows.rollup``), the table that shows them, and writing them
(:meth:`tui.session.Session.apply_rollup`). No Textual here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workflows.rollup import (
    COUNTED,
    EXCLUDED,
    KIND_REPORT,
    MISSING,
    BranchSource,
    RollupResult,
    branch_count,
    branch_source,
    cell_width,
    clip,
    compute_rollup,
    coverage_text,
    load_branch_file,
)

from .errors import SessionError
from .workflows import find_workflow

if TYPE_CHECKING:  # pragma: no cover
    from workflows.model import Workflow

    from .session import Session

ANSWERS_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class SourceSet:
    """The branches found for a roll-up, and what could not be read."""

    sources: list[BranchSource] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # report id -> title


@dataclass
class RollupPlan:
    """A computed roll-up for one bureau report, ready to show or write."""

    result: RollupResult
    errors: list[str]  # everything that forbids writing (unreadable sources too)
    titles: dict[str, str]
    branch_count: int | None  # the bureau report's number of branches, when given

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def coverage(self) -> str:
        return coverage_text(len(self.result.sources), self.branch_count)


def rollup_workflow(session: Session) -> Workflow:
    """The workflow the session's report rolls up (``rollup.from``).
    Raises SessionError when its workflow has no roll-up."""
    wf = session.workflow
    if wf.rollup is None:
        raise SessionError(
            f"报告“{session.title}”使用的工作流“{wf.title}”（{wf.id}）没有定义支部数据汇总（rollup），不能汇总"
        )
    return find_workflow(wf.rollup.source, session.store.root, session.cache)


def branch_reports(store: Any, workflow_id: str) -> list[Any]:
    """The reports in the store of this (branch) workflow (``ReportMeta``),
    as listed (no damaged or deleted ones)."""
    return [m for m in store.list_reports() if m.workflow_id == workflow_id and not m.problem]


def answers_files(folder: str | Path) -> list[Path]:
    """The answers files (``.yaml``/``.yml``/``.json``) in a folder, by name.
    Raises SessionError when the folder cannot be read."""
    folder = Path(folder).expanduser()
    try:
        entries = sorted(p for p in folder.iterdir() if p.suffix.lower() in ANSWERS_SUFFIXES and p.is_file())
    except FileNotFoundError:
        raise SessionError(f"找不到文件夹“{folder}”") from None
    except NotADirectoryError:
        raise SessionError(f"“{folder}”不是文件夹") from None
    except OSError as exc:
        raise SessionError(f"无法读取文件夹“{folder}”：{exc.strerror or exc}") from None
    return entries


def _looks_like_file(ref: str) -> bool:
    return ref.lower().endswith(ANSWERS_SUFFIXES) or "/" in ref or "\\" in ref


def report_source(store: Any, branch: Workflow, ref: str, out: SourceSet) -> None:
    """A report of this store as a branch source (read-only: another
    session may be editing it)."""
    from .session import open_session

    meta = store.find(ref)
    wf = branch if meta.workflow_id == branch.id else None
    with open_session(store, meta.id, readonly=True, workflow=wf) as session:
        values = {p: v for p, v in session.values().items() if v is not None}
        out.sources.append(branch_source(session.workflow, values, meta.id, KIND_REPORT))
        out.titles[meta.id] = meta.title


def load_sources(store: Any, branch: Workflow, refs: Iterable[str]) -> SourceSet:
    """Each ref is a file (an answers file a branch exported) or a report
    of this store (id, id prefix or title prefix). A file that is missing,
    damaged or of another workflow goes to ``errors``; a report that is not
    found or ambiguous raises (``store.NotFound`` / ``store.Ambiguous``)."""
    from store.errors import NotFound
    from workflows.answers import AnswersFileError
    from workflows.loader import WorkflowError

    out = SourceSet()
    for ref in refs:
        path = Path(ref).expanduser()
        if path.is_file() or (_looks_like_file(ref) and not path.is_dir()):
            try:
                out.sources.append(load_branch_file(path.resolve(), branch))
            except AnswersFileError as exc:
                out.errors.append(f"文件 {exc.source or path} 不能汇总：" + "；".join(exc.problems))
            continue
        if path.is_dir():
            out.errors.append(f"“{ref}”是文件夹：请列出其中的答案文件（如 {ref.rstrip('/')}/*.yaml）")
            continue
        try:
            report_source(store, branch, ref, out)
        except NotFound as exc:
            raise NotFound(f"来源“{ref}”既不是文件，也不是本机的报告：{exc}") from None
        except WorkflowError as exc:
            out.errors.append(f"报告“{ref}”的工作流无法读取：{exc}")
    return out


def plan_rollup(session: Session, found: SourceSet, allow_year_mismatch: bool = False) -> RollupPlan:
    """The sums for the session's report from these sources."""
    from .reports import report_year_of

    branch = rollup_workflow(session)
    values = session.values()
    year = report_year_of(session.workflow, values)
    if year is None:
        year = session.meta.year
    result = compute_rollup(session.workflow, branch, found.sources, year, allow_year_mismatch)
    return RollupPlan(
        result, [*found.errors, *result.errors], dict(found.titles), branch_count(session.workflow, values)
    )


# ----------------------------------------------------------------- table


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - cell_width(text))
    return gap + text if right else text + gap


def wrap(text: str, width: int, indent: str = "    ") -> list[str]:
    """``text`` cut into lines of at most ``width`` columns (continuation
    lines indented), preferably after a Chinese comma or enumeration mark."""
    lines: list[str] = []
    line = ""
    first = True
    for ch in text:
        if cell_width(line + ch) > width:
            cut = max(line.rfind("，"), line.rfind("、"), line.rfind("；"))
            lead = cell_width(indent) if not first else 0
            if cut > lead + 4:
                lines.append(line[: cut + 1])
                line = indent + line[cut + 1 :]
            else:
                lines.append(line)
                line = indent
            first = False
        line += ch
    if line.strip():
        lines.append(line)
    return lines


def value_cell(status: str, value: Any) -> str:
    if status == COUNTED:
        return str(value)
    if status == EXCLUDED:
        return "不计"
    return "—"


def source_lines(plan: RollupPlan, width: int = 80) -> list[str]:
    out = []
    for number, s in enumerate(plan.result.sources, 1):
        if s.kind == KIND_REPORT:
            title = plan.titles.get(s.origin)
            where = f"报告 {s.origin}" + (f"“{title}”" if title and title != s.label else "")
        else:
            where = f"文件 {s.origin}"
        year = f"，{s.year}年度" if s.year is not None else ""
        out += wrap(f"  {number:>2}. {s.label}（{where}{year}）", width, "      ")
    return out


def table_lines(result: RollupResult, width: int = 80) -> list[str]:
    """The totals and each branch's value (branches numbered as listed):
    as many branch columns as fit in ``width``, the rest in further blocks."""
    totals = result.totals
    n = len(result.sources)
    if not totals:
        return []
    labels = [f"{t.label}（{t.unit}）" if t.unit else t.label for t in totals]
    total_w = max(
        cell_width("合计"), *(cell_width(str(t.canonical) if t.canonical is not None else "—") for t in totals)
    )
    col_w = max(
        [cell_width(str(n))] + [cell_width(value_cell(v.status, v.value)) for t in totals for v in t.values] + [2]
    )
    # Labels in full where they fit beside three branch columns (or all of them).
    room = width - 2 - total_w - min(n, 3) * (col_w + 2)
    label_w = max(12, min(max(cell_width(label) for label in labels), room, 40))
    fixed = label_w + 2 + total_w
    per_block = max(1, (width - fixed) // (col_w + 2)) if n else 0
    blocks = [range(i, min(i + per_block, n)) for i in range(0, n, per_block)] if n else [range(0)]
    out: list[str] = []
    for b, block in enumerate(blocks):
        if len(blocks) > 1:
            if b:
                out.append("")
            out.append(f"（支部 {block.start + 1}–{block.stop}，共 {n} 个）")
        head = _pad("汇总项", label_w) + "  " + _pad("合计", total_w, right=True)
        head += "".join("  " + _pad(str(i + 1), col_w, right=True) for i in block)
        out.append(head.rstrip())
        for t, label in zip(totals, labels):
            total = str(t.canonical) if t.canonical is not None else "—"
            row = _pad(clip(label, label_w), label_w) + "  " + _pad(total, total_w, right=True)
            row += "".join("  " + _pad(value_cell(t.values[i].status, t.values[i].value), col_w, right=True)
                           for i in block)
            out.append(row.rstrip())
    return out


def missing_lines(result: RollupResult, width: int = 80) -> list[str]:
    """Every branch lacking a value, count by count."""
    out: list[str] = []
    for t in result.totals:
        gaps = [v for v in t.values if v.status == MISSING]
        if not gaps:
            continue
        named = "、".join(f"{v.label}（{v.note}）" if v.note else v.label for v in gaps)
        out += wrap(f"  {t.label}：缺{len(gaps)}个支部——{named}", width)
    return out


def approx_lines(result: RollupResult, width: int = 80) -> list[str]:
    out: list[str] = []
    for t in result.totals:
        if not t.approx:
            continue
        named = "、".join(f"{v.label} {v.value}" for v in t.values if v.status == COUNTED and v.approx)
        out += wrap(f"  {t.label}：合计{t.display()}（约数，来自 {named}）", width)
    return out


def plan_lines(plan: RollupPlan, width: int = 80) -> list[str]:
    """Everything the CLI and the app show about a roll-up before writing:
    sources, the table, the missing values, the approximate totals, notes
    and refusals (plain text, each line at most ``width`` columns where it
    can be cut)."""
    result = plan.result
    out = [f"{plan.coverage}（{result.source_id}）：", *source_lines(plan, width)]
    if result.totals and result.sources:
        out += ["", *table_lines(result, width)]
        legend = "— 未填；不计：按条件不计入（如没有党小组的支部不计党小组会）；合计带“余”的是约数"
        out += wrap(legend, width, "")
    missing = missing_lines(result, width)
    if missing and result.sources:
        out += ["", "缺少数据（这些支部未填，合计中不含）：", *missing]
    approx = approx_lines(result, width)
    if approx:
        out += ["", "约数合计（有支部填的是约数，合计标为“余”）：", *approx]
    if result.notes:
        out += ["", "注意：", *bullets(result.notes, width)]
    if plan.errors:
        out += ["", "不能汇总（未写入任何内容）：", *bullets(plan.errors, width)]
    return out


def bullets(messages: Iterable[str], width: int = 80) -> list[str]:
    """Messages as a list ("  · …"), each wrapped (a message's own lines kept)."""
    out: list[str] = []
    for message in messages:
        for n, line in enumerate(message.splitlines() or [""]):
            out += wrap(("  · " if n == 0 else "    ") + line.strip(), width)
    return out


def missing_count(plan: RollupPlan) -> int:
    """How many (count, branch) values are missing."""
    return sum(len(t.missing) for t in plan.result.totals)


def written_summary(written: dict[str, Any], plan: RollupPlan) -> str:
    """One sentence after the write."""
    skipped = [t.label for t in plan.result.totals if t.canonical is None]
    text = f"已把 {len(written)} 项合计写入本报告，{plan.coverage}"
    if skipped:
        text += f"；{len(skipped)} 项各支部都没有数据，未改动：{'、'.join(skipped)}"
    return text + "。"
