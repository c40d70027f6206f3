"""Rolling branch counts up into a bureau report: the pure computation.

A workflow's ``rollup:`` section (see :class:`workflows.model.Rollup`) says
which of its counts are totals over reports of another workflow (a bureau's
over its Party branches). Given the branches' answers, :func:`compute_rollup`
adds them up field by field and says, for every total, what each branch
gave, which branches lack a value and whether the total is approximate
(a branch answered "20余"); it also refuses sources that must not be added:
another workflow's, the same branch twice, another year.

The branches come as :class:`BranchSource` objects: from a report in the
store (:func:`branch_source`, given its answers) or from an answers file a
branch exported with ``shuzhi answers`` (:func:`load_branch_file`). Nothing
here touches the store or writes anything.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .answers import AnswersFileError, load_answers_file
from .errors import ProblemsError
from .model import Field, Rollup, Workflow
from .values import AnswerError, Count, coerce, is_empty, parse_count

KIND_FILE = "file"
KIND_REPORT = "report"

COUNTED = "counted"  # the branch's value is in the total
MISSING = "missing"  # the branch gives no (valid) value: the total lacks it
EXCLUDED = "excluded"  # the field's ``when`` leaves the branch out (not a gap)

# The first line ``shuzhi answers`` writes into a YAML answers file
# (workflows.answers.dump_answers): "# shuzhi 答案文件：<title>（<id>，第<n>版）".
_HEADER_RE = re.compile(r"^#\s*shuzhi 答案文件：.*（(?P<id>[a-z0-9][a-z0-9-]{0,63})，第(?P<version>\d+)版）\s*$")
_NAME_SPACES = re.compile(r"\s+")


class RollupError(ProblemsError):
    """A roll-up that cannot even be computed (the workflow has no rollup,
    or the branch workflow is not the one it names)."""

    what = "汇总"


@dataclass(frozen=True)
class BranchSource:
    """One branch's answers, as the roll-up reads them."""

    label: str  # the branch's name (its 支部名称), or the file / report when unanswered
    year: int | None  # the report year it answers, None when unanswered
    workflow_id: str
    answers: Mapping[str, Any]  # "item.field" -> canonical value
    origin: str  # the file's path, or the report's id in the store
    kind: str = KIND_FILE  # KIND_FILE or KIND_REPORT

    @property
    def where(self) -> str:
        """Where it came from, for messages."""
        return f"文件 {self.origin}" if self.kind == KIND_FILE else f"报告 {self.origin}"

    @property
    def named(self) -> str:
        return f"“{self.label}”（{self.where}）"


@dataclass(frozen=True)
class BranchValue:
    """What one branch gives for one total."""

    label: str
    origin: str
    status: str  # COUNTED, MISSING or EXCLUDED
    value: int | str | None = None  # canonical count (12 or "20余") when COUNTED
    note: str = ""  # why MISSING or EXCLUDED

    @property
    def approx(self) -> bool:
        return isinstance(self.value, str)


@dataclass(frozen=True)
class FieldTotal:
    """One count of the bureau report and the branch values it adds up."""

    target: str  # bureau "item.field"
    source: str  # branch "item.field"
    label: str  # the bureau field's label
    unit: str
    total: int
    approx: bool  # some branch gave an approximate value ("20余")
    values: tuple[BranchValue, ...]  # one per accepted branch, in source order

    @property
    def counted(self) -> tuple[BranchValue, ...]:
        return tuple(v for v in self.values if v.status == COUNTED)

    @property
    def missing(self) -> tuple[str, ...]:
        """Labels of the branches that lack a value for this count."""
        return tuple(v.label for v in self.values if v.status == MISSING)

    @property
    def excluded(self) -> tuple[str, ...]:
        return tuple(v.label for v in self.values if v.status == EXCLUDED)

    @property
    def canonical(self) -> int | str | None:
        """The value to store (``"32余"`` when approximate); 0 when the
        ``when`` condition leaves every branch out (none of them holds such
        meetings); None when some branch lacks a value and none gave one."""
        if not self.counted:
            return 0 if self.values and not self.missing else None
        return Count(self.total, self.approx).canonical()

    def display(self) -> str:
        value = self.canonical
        return "（无）" if value is None else f"{value}{self.unit}"


@dataclass(frozen=True)
class RollupResult:
    workflow_id: str  # the bureau workflow
    source_id: str  # the branch workflow
    year: int | None  # the bureau report's year the branches were checked against
    sources: tuple[BranchSource, ...]  # the branches added up, in order
    totals: tuple[FieldTotal, ...]  # in the order of the rollup's ``sum``
    errors: tuple[str, ...]  # any error: nothing may be written
    notes: tuple[str, ...] = ()  # accepted oddities (a year mismatch allowed)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def complete(self) -> bool:
        """Every branch gave a value for every total."""
        return not any(t.missing for t in self.totals)

    def answers(self) -> dict[str, int | str]:
        """Bureau "item.field" -> total, for every count some branch gave."""
        return {t.target: t.canonical for t in self.totals if t.canonical is not None}

    def missing(self) -> dict[str, tuple[str, ...]]:
        """Bureau "item.field" -> the branches lacking a value, where any does."""
        return {t.target: t.missing for t in self.totals if t.missing}

    def total(self, target: str) -> FieldTotal | None:
        for t in self.totals:
            if t.target == target:
                return t
        return None


# --------------------------------------------------------------- sources


def name_field(wf: Workflow) -> Field | None:
    """The field that names a branch: ``unit`` in the item holding the year
    (or in ``basics``), the one ``shuzhi new --unit`` fills."""
    item_id = wf.item_of(wf.year_field) if wf.year_field else "basics"
    item = wf.item(item_id)
    return item.field("unit") if item is not None else None


def branch_source(
    wf: Workflow, answers: Mapping[str, Any], origin: str, kind: str = KIND_REPORT, label: str | None = None
) -> BranchSource:
    """A branch's answers (e.g. a report in the store) as a roll-up source:
    its name from the unit field, its year from the year field."""
    if label is None:
        f = name_field(wf)
        unit = answers.get(f.path) if f is not None else None
        label = unit.strip().rstrip("。，；、") if isinstance(unit, str) else ""
        if not label:
            label = Path(origin).name if kind == KIND_FILE else origin
    year = answers.get(wf.year_field) if wf.year_field else None
    if not isinstance(year, int) or isinstance(year, bool):
        year = None
    return BranchSource(label, year, wf.id, dict(answers), str(origin), kind)


def declared_workflow(path: str | Path) -> str | None:
    """The workflow id a YAML answers file names in its first line (as
    ``shuzhi answers`` writes it), or None."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(2048)
    except OSError:
        return None
    lines = head.decode("utf-8-sig", errors="replace").splitlines()
    match = _HEADER_RE.match(lines[0].strip()) if lines else None
    return match.group("id") if match else None


def load_branch_file(path: str | Path, expected: Workflow) -> BranchSource:
    """A branch's answers file (YAML or JSON, as ``shuzhi answers`` exports
    it) read as a roll-up source of workflow ``expected``.

    The file's first line names its workflow; one naming another workflow is
    refused. A file that names none (JSON, or written by hand) is checked
    against ``expected``. Raises AnswersFileError (Chinese problems, with the
    file) for a missing, damaged, foreign or empty file.
    """
    path = Path(path)
    declared = declared_workflow(path)
    if declared is not None and declared != expected.id:
        raise AnswersFileError(
            [f"这是工作流“{declared}”的答案文件，不是“{expected.title}”（{expected.id}）的，不能汇总"], str(path)
        )
    try:
        answers = load_answers_file(expected, path)
    except AnswersFileError as exc:
        problems = list(exc.problems)
        if declared is None and path.is_file():
            problems.append(
                f"文件没有注明所属工作流（shuzhi answers 导出的 YAML 文件第一行会注明），已按“{expected.id}”检查"
            )
        raise AnswersFileError(problems, exc.source or str(path)) from None
    if not answers:
        raise AnswersFileError(["文件里没有任何答案"], str(path))
    return branch_source(expected, answers, str(path), KIND_FILE)


# ----------------------------------------------------------- computation


def _branch_key(label: str) -> str:
    """Two spellings of one branch name compare equal (full-width forms,
    spaces)."""
    return _NAME_SPACES.sub("", unicodedata.normalize("NFKC", label))


class _Condition:
    """A ``when`` expression, compiled once, evaluated per branch."""

    def __init__(self, spec: Rollup, target: str, branch: Workflow) -> None:
        from .templating import environment, report_references

        env = environment()
        self.expr = spec.when[target]
        reads = spec.when_reads.get(target)
        if reads is None:  # a lazily loaded workflow: find them here
            ast = env.parse("{{ (" + self.expr + ") }}")
            reads = sorted({f"{i}.{f}" for i, f in report_references(ast) if f is not None})
        self.reads = [branch.field(path) for path in reads]
        self.compiled = env.compile_expression(self.expr)

    def decide(self, namespace: Any, answers: Mapping[str, Any]) -> tuple[bool | None, str]:
        """(True/False, "") or (None, why it cannot be decided)."""
        for f in self.reads:
            if f is None:
                return None, f"条件“{self.expr}”引用了不存在的字段"
            raw = answers.get(f.path)
            if is_empty(raw):
                return None, f"未填“{f.label}”，无法判断是否计入"
            try:
                coerce(f, raw)
            except AnswerError as exc:
                return None, f"“{f.label}”的值无效（{exc.message}），无法判断是否计入"
        try:
            return bool(self.compiled(r=namespace)), ""
        except Exception as exc:  # a condition that cannot be evaluated is reported, not fatal
            return None, f"条件“{self.expr}”无法计算：{exc}"


def _accepted_sources(
    branch: Workflow, sources: Sequence[BranchSource], year: int | None, allow_year_mismatch: bool
) -> tuple[list[BranchSource], list[str], list[str]]:
    accepted: list[BranchSource] = []
    errors: list[str] = []
    notes: list[str] = []
    by_origin: dict[str, BranchSource] = {}
    by_name: dict[str, BranchSource] = {}
    for s in sources:
        if s.workflow_id != branch.id:
            errors.append(f"{s.named}使用的是工作流“{s.workflow_id}”，不是“{branch.title}”（{branch.id}），不能汇总")
            continue
        origin_key = f"{s.kind}:{s.origin}"
        if origin_key in by_origin:
            errors.append(f"{s.where}列出了两次，同一来源只能汇总一次")
            continue
        key = _branch_key(s.label)
        if key in by_name:
            errors.append(f"支部“{s.label}”出现了两次（{by_name[key].where}；{s.where}），同一支部只能汇总一次")
            continue
        by_origin[origin_key] = by_name[key] = s
        if year is not None and s.year != year:
            found = "没有填写述职年度" if s.year is None else f"是{s.year}年度的"
            message = f"{s.named}{found}，与本报告的{year}年度不一致"
            if allow_year_mismatch:
                notes.append(message + "（已按要求照常汇总）")
            else:
                errors.append(message)
        accepted.append(s)
    if not sources:
        errors.append("没有要汇总的支部")
    return accepted, errors, notes


def compute_rollup(
    bureau: Workflow,
    branch: Workflow,
    sources: Sequence[BranchSource],
    year: int | None = None,
    allow_year_mismatch: bool = False,
) -> RollupResult:
    """Add up the branches' counts as ``bureau.rollup`` declares.

    ``branch`` is the workflow ``rollup.from`` names; ``year`` the bureau
    report's year (None: not checked). Sources of another workflow and a
    branch given twice (by name or by origin) are refused and left out of
    the totals; a year that differs is refused unless
    ``allow_year_mismatch``. Every refusal is in ``errors``: nothing may be
    written then, but the totals of the accepted sources are still there to
    show. Raises RollupError if ``bureau`` has no rollup or ``branch`` is not
    its source workflow.
    """
    spec = bureau.rollup
    if spec is None:
        raise RollupError([f"工作流“{bureau.title}”（{bureau.id}）没有定义汇总（rollup）"], bureau.id)
    if branch.id != spec.source:
        raise RollupError(
            [f"工作流“{bureau.id}”汇总的是“{spec.source}”的报告，不是“{branch.id}”的"], bureau.id
        )
    accepted, errors, notes = _accepted_sources(branch, sources, year, allow_year_mismatch)
    conditions = {target: _Condition(spec, target, branch) for target in spec.when}
    namespaces: dict[int, Any] = {}

    def namespace(index: int) -> Any:
        if index not in namespaces:
            from .assemble import report_namespace

            namespaces[index] = report_namespace(branch, accepted[index].answers, pending=False)
        return namespaces[index]

    totals: list[FieldTotal] = []
    for target, source_path in spec.sums.items():
        target_field = bureau.field(target)
        source_field = branch.field(source_path)
        if target_field is None or source_field is None:
            errors.append(f"汇总规则“{target}: {source_path}”指向不存在的字段（请检查工作流文件）")
            continue
        condition = conditions.get(target)
        values: list[BranchValue] = []
        total = 0
        approx = False
        for index, s in enumerate(accepted):
            if condition is not None:
                decided, why = condition.decide(namespace(index), s.answers)
                if decided is None:
                    values.append(BranchValue(s.label, s.origin, MISSING, note=why))
                    continue
                if not decided:
                    values.append(BranchValue(s.label, s.origin, EXCLUDED, note=f"不符合条件“{condition.expr}”"))
                    continue
            raw = s.answers.get(source_path)
            if is_empty(raw):
                values.append(BranchValue(s.label, s.origin, MISSING, note=f"未填“{source_field.label}”"))
                continue
            try:
                count = parse_count(raw, source_field, source_path)
            except AnswerError as exc:
                values.append(
                    BranchValue(s.label, s.origin, MISSING, note=f"“{source_field.label}”的值无效（{exc.message}）")
                )
                continue
            total += count.value
            approx = approx or count.approx
            values.append(BranchValue(s.label, s.origin, COUNTED, count.canonical()))
        result = FieldTotal(
            target, source_path, target_field.label, target_field.unit, total, approx, tuple(values)
        )
        if result.canonical is not None:
            try:
                coerce(target_field, result.canonical)
            except AnswerError as exc:
                errors.append(f"“{target_field.label}”（{target}）的合计{result.display()}不能填入：{exc.message}")
        totals.append(result)
    return RollupResult(
        workflow_id=bureau.id,
        source_id=branch.id,
        year=year,
        sources=tuple(accepted),
        totals=tuple(totals),
        errors=tuple(errors),
        notes=tuple(notes),
    )


# ------------------------------------------------------------ provenance
#
# What a roll-up wrote, kept with the bureau report (the store's
# ``rollups`` table, one record per rolled-up field): the total, when, and
# every branch's value with where it came from. The check compares a
# field's value with its record (:func:`stale_rollups`); the wizard shows
# the record under the field (:func:`provenance_line`).

BRANCH_COUNT_FIELD = "branch_count"  # the bureau's count of its branches (已汇总 9/12 个支部)


def provenance_records(
    result: RollupResult, at: str, titles: Mapping[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """The provenance of every total of ``result``, as the store keeps it:
    bureau "item.field" -> record. ``at`` is the time of the roll-up (ISO);
    ``titles`` names the reports among the sources (report id -> title)."""
    titles = titles or {}
    kinds = {(s.label, s.origin): s.kind for s in result.sources}
    records: dict[str, dict[str, Any]] = {}
    for t in result.totals:
        sources = []
        for v in t.values:
            kind = kinds.get((v.label, v.origin), KIND_FILE)
            entry: dict[str, Any] = {
                "branch": v.label,
                "status": v.status,
                "value": v.value,
                "kind": kind,
                "origin": v.origin,
            }
            if kind == KIND_REPORT and v.origin in titles:
                entry["title"] = titles[v.origin]
            if v.note:
                entry["note"] = v.note
            sources.append(entry)
        records[t.target] = {
            "path": t.target,
            "total": t.canonical,
            "from": result.source_id,
            "at": at,
            "sources": sources,
        }
    return records


def _comparable(value: Any) -> Any:
    """A count as (number, approximate), anything else as it is."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return (value, False)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("余") and text[:-1].isdigit():
            return (int(text[:-1]), True)
        if text.isdigit():
            return (int(text), False)
        return text
    return value


def same_value(a: Any, b: Any) -> bool:
    """Two stored counts are the same (``32`` and ``"32"``; ``"20余"``)."""
    return _comparable(a) == _comparable(b)


def short_time(iso: str) -> str:
    """"2025-12-01T10:00:05+08:00" -> "2025-12-01 10:00"."""
    return iso[:16].replace("T", " ") if isinstance(iso, str) else ""


def record_branches(record: Mapping[str, Any]) -> list[str]:
    return [s.get("branch", "") for s in record.get("sources", []) if isinstance(s, Mapping)]


def stale_rollups(wf: Workflow, stored: Mapping[str, Any], records: Mapping[str, Mapping[str, Any]]) -> list[Any]:
    """A 提醒 (warning) for every rolled-up field whose value is no longer
    the last roll-up's total (edited by hand, or cleared): the check adds
    them (``workflows.checks.Problem``, severity "warning")."""
    from .checks import Problem

    out = []
    for path, record in records.items():
        f = wf.field(path)
        if f is None:
            continue
        total = record.get("total")
        current = stored.get(path)
        if is_empty(current) and total is None:
            continue
        if total is not None and not is_empty(current) and same_value(current, total):
            continue
        n = len(record.get("sources", []))
        when = short_time(record.get("at", ""))
        unit = f.unit or ""
        now = "已清空" if is_empty(current) else f"现为{current}{unit}"
        if total is None:
            last = f"最近一次汇总时各支部都没有这项数据（{when}，{n} 个支部）"
        else:
            last = f"与最近一次汇总的合计{total}{unit}不一致（{when}，{n} 个支部）"
        message = f"“{f.label}”{now}，{last}：核实无误可保留，否则请重新汇总支部数据"
        out.append(Problem("warning", wf.item_of(path), path, message))
    return out


def cell_width(text: str) -> int:
    """Terminal columns of ``text`` (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def branch_value_text(source: Mapping[str, Any], unit: str = "") -> str:
    status = source.get("status")
    if status == COUNTED:
        return f"{source.get('value')}{unit}"
    if status == EXCLUDED:
        return "不计入"
    return "未填"


def _clip_cells(text: str, width: int) -> str:
    out = ""
    for ch in text:
        if cell_width(out + ch) > width:
            break
        out += ch
    return out


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns, "…" marking the cut."""
    if cell_width(text) <= width:
        return text
    return _clip_cells(text, max(0, width - 1)) + "…"


def provenance_line(record: Mapping[str, Any], width: int = 76, branch_count: int | None = None) -> str:
    """One line under a rolled-up field: "由 3 个支部汇总：第一党支部 32，
    第二党支部 20余，第三党支部 未填" (with the bureau's number of branches:
    "已汇总 3/12 个支部：…" where it fits), cut after a branch ("…等 N 个")
    to fit ``width`` terminal columns."""
    sources = [s for s in record.get("sources", []) if isinstance(s, Mapping)]
    n = len(sources)
    parts = [f"{s.get('branch', '')} {branch_value_text(s)}" for s in sources if s.get("status") != EXCLUDED]
    left_out = n - len(parts)
    aside = f"，另 {left_out} 个不计入" if left_out and parts else (f"（{left_out} 个不计入）" if left_out else "")
    heads = [f"由 {n} 个支部汇总："]
    if branch_count:
        heads.insert(0, f"已汇总 {n}/{branch_count} 个支部：")
    if not parts:
        return clip(heads[0].rstrip("：") + aside, width)
    for head in heads:  # everything, with the longer head first
        line = head + "，".join(parts) + aside
        if cell_width(line) <= width:
            return line
    head = heads[-1]
    more = f"…等 {len(parts)} 个" + aside
    for shown in range(len(parts) - 1, 0, -1):
        line = head + "，".join(parts[:shown]) + more
        if cell_width(line) <= width:
            return line
    return clip(head + parts[0], max(0, width - cell_width(more)) + 1).rstrip("…") + more


def branch_count_field(wf: Workflow) -> Field | None:
    """The bureau's field for its number of branches (id ``branch_count``)."""
    for f in wf.fields():
        if f.id == BRANCH_COUNT_FIELD and f.type == "count":
            return f
    return None


def branch_count(wf: Workflow, values: Mapping[str, Any]) -> int | None:
    """The bureau report's number of branches, when it gives one."""
    f = branch_count_field(wf)
    if f is None:
        return None
    try:
        count = parse_count(values.get(f.path), f, f.path) if not is_empty(values.get(f.path)) else None
    except AnswerError:
        return None
    return count.value if count is not None and count.value > 0 else None


def coverage_text(branches: int, of: int | None) -> str:
    """"已汇总 9/12 个支部", or "已汇总 9 个支部" when the count is unknown."""
    if of:
        text = f"已汇总 {branches}/{of} 个支部"
        if branches > of:
            text += f"（多于本报告填写的所属党支部数 {of}，请核对）"
        return text
    return f"已汇总 {branches} 个支部"
