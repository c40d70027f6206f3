"""Last year's problems and promises, carried into this year's 整改 item.

A workflow declares, as data (the top-level ``carry_over:`` of its file), the
repeatable field that receives them and the fields of last year's report that
feed it::

    carry_over:
      into: rectification.entries     # a group with the subfields below
      problems: [problem_duty.issues, problem_duty.other]       # 存在问题
      commitments: [plan_duty.measures, plan_duty.other]        # 下一步打算
      again: [持续推进]                # optional: last year's entries still open

``new --from LAST`` makes one entry per chosen option or list entry and per
line of a text field, its ``source`` filled (and ``kind`` when the group has
one: 上年度问题 / 上年度承诺), its ``status`` left for the user. Entries of
last year's own 整改 item whose status is listed under ``again`` are carried
as they were (kind and source), to be reported on once more.

The group must have a text or long-text subfield ``source`` and a choice
subfield ``status``; ``kind``, when present, is a choice offering
:data:`KIND_PROBLEM` and :data:`KIND_COMMITMENT`.

Nothing here imports the store or the app: the session layer calls
:func:`carried_entries` when it creates a report from an earlier one, and the
checks call :func:`repeat_problems`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .model import CarryOver, Field, Workflow

if TYPE_CHECKING:  # pragma: no cover
    from .checks import Problem

KIND_PROBLEM = "上年度问题"
KIND_COMMITMENT = "上年度承诺"
SOURCE_FIELD, STATUS_FIELD, KIND_FIELD = "source", "status", "kind"

_KEYS = {"into", "problems", "commitments", "again"}
_FEEDING_TYPES = {"multi", "list", "titles", "text", "longtext"}
# Ends of a line that carry no meaning of their own (so 问题。 and 问题 match).
_EDGE = " \t\u3000。；;，,、.!！?？"


def parse_carry_over(loader: Any, raw: Any, wf: Workflow) -> CarryOver | None:
    """The ``carry_over:`` block of a workflow file, every problem recorded
    on ``loader`` (the workflow loader: ``doc.add``, ``mapping``,
    ``sequence``, ``unknown_keys``) with its place in the file."""
    path: tuple = ("carry_over",)
    data = loader.mapping(raw, path, "carry_over（上年度整改）")
    if data is None:
        return None
    loader.unknown_keys(data, _KEYS, path)
    into = data.get("into")
    spec = CarryOver(into="")
    if not isinstance(into, str) or not into.strip():
        loader.doc.add(path, "缺少必需的键“into”（接收上年度问题和承诺的可重复条目字段，如 rectification.entries）")
    else:
        into = into.strip()
        group = wf.field(into)
        if group is None:
            loader.doc.add(path + ("into",), f"本工作流没有字段“{into}”（应写成“条目id.字段id”）")
        elif group.type != "group":
            loader.doc.add(path + ("into",), f"字段“{into}”（{group.label}）不是可重复条目（group）字段")
        else:
            _check_group(loader, group, path + ("into",))
            spec.into = into
    for key in ("problems", "commitments"):
        for index, source in enumerate(loader.sequence(data.get(key), path + (key,), f"{key}（字段列表）", False)):
            where = path + (key, index)
            if not isinstance(source, str) or source.count(".") != 1:
                loader.doc.add(where, f"“{source}”应写成“条目id.字段id”")
                continue
            f = wf.field(source.strip())
            if f is None:
                loader.doc.add(where, f"本工作流没有字段“{source}”")
            elif f.type not in _FEEDING_TYPES:
                loader.doc.add(where, f"字段“{source}”（{f.label}）不能作为来源：只能是多选、条目列表或文字字段")
            elif spec.into and f.path == spec.into:
                loader.doc.add(where, "不能把接收字段本身作为来源")
            else:
                getattr(spec, key).append(f.path)
    if not spec.problems and not spec.commitments and "problems" not in data and "commitments" not in data:
        loader.doc.add(path, "至少要有 problems 或 commitments 之一（上年度报告中提供问题或承诺的字段）")
    again = loader.sequence(data.get("again"), path + ("again",), "again（整改状态列表）", False)
    status = _subfield(wf.field(spec.into), STATUS_FIELD) if spec.into else None
    for index, value in enumerate(again):
        if status is not None and value not in status.options:
            known = "、".join(status.options)
            loader.doc.add(path + ("again", index), f"“{value}”不是“{status.label}”的选项（可用：{known}）")
        elif isinstance(value, str):
            spec.again.append(value)
    return spec


def _subfield(group: Field | None, field_id: str) -> Field | None:
    if group is None:
        return None
    return next((sub for sub in group.fields if sub.id == field_id), None)


def _check_group(loader: Any, group: Field, path: tuple) -> None:
    source = _subfield(group, SOURCE_FIELD)
    if source is None or source.type not in ("text", "longtext"):
        loader.doc.add(path, f"“{group.path}”须有文字字段“{SOURCE_FIELD}”（上年度的问题或承诺）")
    status = _subfield(group, STATUS_FIELD)
    if status is None or status.type != "choice":
        loader.doc.add(path, f"“{group.path}”须有单选字段“{STATUS_FIELD}”（整改状态）")
    kind = _subfield(group, KIND_FIELD)
    if kind is not None:
        missing = [k for k in (KIND_PROBLEM, KIND_COMMITMENT) if k not in kind.options]
        if kind.type != "choice" or missing:
            loader.doc.add(
                path, f"“{group.path}”的“{KIND_FIELD}”须为单选，选项中要有“{KIND_PROBLEM}”和“{KIND_COMMITMENT}”"
            )


def normalise(text: str) -> str:
    """A line as compared across years: no edge punctuation or spaces."""
    return re.sub(r"\s+", "", str(text)).strip(_EDGE)


def lines_of(value: Any) -> list[str]:
    """Each problem or promise a stored value holds: the entries of a list
    value, the lines of a text."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        parts: Iterable[Any] = value
    else:
        parts = str(value).splitlines()
    lines = []
    for part in parts:
        text = str(part).strip().strip(_EDGE) if part is not None else ""
        if text:
            lines.append(text)
    return lines


def carried_entries(wf: Workflow, previous: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The entries a new report starts with, from the previous report's
    stored answers (``item.field`` -> canonical value): its problems, then
    its commitments, then its own entries still open; each text once."""
    spec = wf.carry_over
    if spec is None or not spec.into:
        return []
    group = wf.field(spec.into)
    has_kind = _subfield(group, KIND_FIELD) is not None
    seen: set[str] = set()
    entries: list[dict[str, Any]] = []

    def add(text: str, kind: str | None) -> None:
        key = normalise(text)
        if not key or key in seen:
            return
        seen.add(key)
        entry: dict[str, Any] = {SOURCE_FIELD: text}
        if has_kind and kind:
            entry[KIND_FIELD] = kind
        entries.append(entry)

    for old in previous.get(spec.into) or []:
        if isinstance(old, Mapping) and old.get(STATUS_FIELD) in spec.again and old.get(SOURCE_FIELD):
            add(str(old[SOURCE_FIELD]), old.get(KIND_FIELD) if isinstance(old.get(KIND_FIELD), str) else None)
    for paths, kind in ((spec.problems, KIND_PROBLEM), (spec.commitments, KIND_COMMITMENT)):
        for path in paths:
            for line in lines_of(previous.get(path)):
                add(line, kind)
    limit = group.max_items if group is not None and group.max_items else None
    return entries[:limit] if limit else entries


def history_records(wf: Workflow, event: str, entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Records of the report's history (``store.schema``: event, item, path,
    source, kind) for ``entries`` of the workflow's carry-over group."""
    spec = wf.carry_over
    if spec is None or not spec.into:
        return []
    out = []
    for entry in entries:
        if not isinstance(entry, Mapping) or not entry.get(SOURCE_FIELD):
            continue
        kind = entry.get(KIND_FIELD)
        out.append({
            "event": event, "item": wf.item_of(spec.into), "path": spec.into,
            "source": str(entry[SOURCE_FIELD]), "kind": kind if isinstance(kind, str) else None,
        })
    return out


def carried_texts(history: Iterable[Mapping[str, Any]], path: str) -> set[str]:
    """Normalised sources of the entries of ``path`` made by ``new --from``
    (the ``carried`` records of a report's history)."""
    return {
        normalise(str(doc.get(SOURCE_FIELD, ""))) for doc in history
        if doc.get("event") == "carried" and doc.get("path") == path
    }


def is_carried(entry: Mapping[str, Any], carried: set[str]) -> bool:
    """An entry whose source is one of those carried over (``carried_texts``)."""
    source = entry.get(SOURCE_FIELD)
    return isinstance(source, str) and bool(source) and normalise(source) in carried


def carried_problem_texts(wf: Workflow, values: Mapping[str, Any]) -> dict[str, str]:
    """normalised text -> text of every entry that names one of last year's
    problems (all entries when the group has no ``kind``)."""
    spec = wf.carry_over
    if spec is None or not spec.into:
        return {}
    has_kind = _subfield(wf.field(spec.into), KIND_FIELD) is not None
    found = {}
    for entry in values.get(spec.into) or []:
        if not isinstance(entry, Mapping) or not entry.get(SOURCE_FIELD):
            continue
        if has_kind and entry.get(KIND_FIELD) != KIND_PROBLEM:
            continue
        found[normalise(entry[SOURCE_FIELD])] = str(entry[SOURCE_FIELD])
    return found


def repeat_problems(wf: Workflow, values: Mapping[str, Any]) -> list[Problem]:
    """A 提醒 for each of this year's problems that repeats one of last
    year's word for word (the same problem two years running)."""
    from .checks import Problem

    last_year = carried_problem_texts(wf, values)
    spec = wf.carry_over
    if not last_year or spec is None:
        return []
    problems = []
    for path in spec.problems:
        for line in lines_of(values.get(path)):
            if normalise(line) in last_year:
                short = line if len(line) <= 24 else line[:23] + "…"
                problems.append(
                    Problem(
                        "warning",
                        wf.item_of(path),
                        path,
                        f"“{short}”与上年度述职查摆的问题一字不差：同一问题连续两年出现，评议时会被追问整改效果。"
                        "请写明今年仍存在的具体表现，或在“上年度整改”中说明未整改到位的原因",
                    )
                )
    return problems
