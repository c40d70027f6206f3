"""File formats, schema versions, validation and migrations.

Every file the store writes is a TinyDB database (a JSON object of tables,
each a JSON object of documents keyed by document id). Every file has a
``schema`` table whose document 1 names the format and its schema version::

    {"schema": {"1": {"format": "shuzhi-report", "schema_version": 1}},
     "report": {"1": {"id": "3fa2c1d0", "title": "...", ...}},
     "answers": {"1": {"path": "political.meetings", "value": 12,
                       "updated": "2025-12-01T10:00:00+08:00",
                       "from_year": null}, ...}}

An answer document may instead hold a ``draft`` (what the user typed that
does not validate yet) with ``value`` null; files without drafts are the
same as before, and older readers see a draft as an empty answer. The
report document may hold ``last_item``, the item last shown.

A report may hold a ``rollups`` table: the provenance of answers a roll-up
of branch reports wrote (``shuzhi rollup``), one document per field::

    "rollups": {"1": {"path": "branch_duty.committee", "total": 96,
                      "from": "zhibu-shuzhi", "at": "2025-12-01T10:00:00+08:00",
                      "sources": [{"branch": "第一党支部", "status": "counted",
                                   "value": 32, "kind": "report",
                                   "origin": "3fa2c1d0", "title": "..."}, ...]}}

It is optional and additive, like drafts: files without it are the same as
before (no migration: schema version 1 still), and an older reader keeps
the table as it is (TinyDB writes back every table) and simply does not
use it. The answer itself stays in ``answers``: a hand edit changes the
answer, not its provenance, which is how ``check`` sees it.

A report may hold a ``history`` table: changes kept on record, one
document per event, in order (a deliberate removal of an entry carried
over from last year's report, say; the answers hold only the result)::

    "history": {"1": {"at": "2025-12-01T10:00:00+08:00", "event": "carried",
                      "item": "rectification", "path": "rectification.entries",
                      "source": "党建与业务结合不紧", "kind": "上年度问题"}, ...}

Events: ``carried`` (an entry made by ``new --from``), ``removed`` (the
user deleted such an entry), ``restored`` (the deletion was undone). Like
``rollups`` it is optional and additive (schema version 1 still).

The index (``index.json``) has the format ``shuzhi-index`` and a ``reports``
table with one document per report (see ``INDEX_FIELDS``).

Migrations: when the layout changes, raise ``SCHEMA_VERSION`` and register a
function in ``MIGRATIONS[format][old_version]`` that turns the raw data of
version ``old_version`` into version ``old_version + 1`` (it must also set the
new number in the schema table; :func:`upgrade` does that for you if the
function does not). Files from an older version are backed up, migrated and
written back when opened for writing; files from a newer version are refused
and never touched.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from .errors import StoreError

REPORT_FORMAT = "shuzhi-report"
INDEX_FORMAT = "shuzhi-index"

SCHEMA_VERSION = 1

Migration = Callable[[dict], dict]
MIGRATIONS: dict[str, dict[int, Migration]] = {REPORT_FORMAT: {}, INDEX_FORMAT: {}}

FORMAT_NAMES = {REPORT_FORMAT: "报告文件", INDEX_FORMAT: "报告索引"}

# Fields of a report document (the ``report`` table, doc 1) and their types.
REPORT_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "workflow_id": (str,),
    "workflow_version": (int, str),
    "title": (str,),
    "unit": (str,),
    "year": (int, type(None)),
    "created": (str,),
    "updated": (str,),
    "deleted": (bool,),
    "deleted_at": (str, type(None)),
    "from_report": (str, type(None)),
    "from_year": (int, type(None)),
}

# An index entry: the report fields plus counts for the home screen.
INDEX_FIELDS: dict[str, tuple[type, ...]] = {
    **REPORT_FIELDS,
    "answered": (int,),
    "unconfirmed": (int,),
}

TYPE_NAMES = {
    str: "文本",
    int: "整数",
    bool: "是/否",
    type(None): "空",
    dict: "对象",
    list: "列表",
}


class Damage(Exception):
    """The bytes are not a valid file of the expected format; ``reason`` is Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Future(Exception):
    """The file was written by a newer schema version."""

    def __init__(self, found: int):
        super().__init__(found)
        self.found = found


def schema_doc(fmt: str) -> dict:
    return {"1": {"format": fmt, "schema_version": SCHEMA_VERSION}}


def _type_name(types: tuple[type, ...]) -> str:
    return "或".join(TYPE_NAMES.get(t, t.__name__) for t in types)


def _is_type(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in types:
        return False  # JSON true is not a number here
    return isinstance(value, types)


def parse(raw: bytes, fmt: str) -> tuple[dict, int]:
    """Decode and check the envelope. Returns ``(data, schema_version)``.

    Raises :class:`Damage` or :class:`Future`.
    """
    if not raw.strip():
        raise Damage("文件是空的（可能在写入时被中断或被其他程序清空）")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise Damage(f"文件中有空字节（第 {nul} 字节处；常见于断电后没有写完的文件）")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Damage(f"不是有效的 UTF-8 文本（第 {exc.start} 字节处）") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        body = text.rstrip()
        if body.startswith("{") and not body.endswith("}"):
            lines = body.count("\n") + 1
            raise Damage(f"文件不完整，在第 {lines} 行中断（可能被截断）") from None
        raise Damage(f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）") from None
    except RecursionError:
        raise Damage("JSON 嵌套过深，无法读取") from None
    if not isinstance(data, dict):
        raise Damage("文件内容不是 JSON 对象")
    schema = data.get("schema")
    doc = schema.get("1") if isinstance(schema, dict) else None
    if not isinstance(doc, dict):
        raise Damage("缺少数据格式信息（schema 表）")
    found_fmt = doc.get("format")
    if found_fmt != fmt:
        expected = FORMAT_NAMES.get(fmt, fmt)
        raise Damage(f"不是{expected}（格式标记为“{found_fmt}”，应为“{fmt}”）")
    version = doc.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Damage(f"数据格式版本无效：{version!r}")
    if version > SCHEMA_VERSION:
        raise Future(version)
    for name, table in data.items():
        if not isinstance(table, dict):
            raise Damage(f"表“{name}”不是 JSON 对象")
        for doc_id, entry in table.items():
            if not doc_id.isdigit() or not isinstance(entry, dict):
                raise Damage(f"表“{name}”中的文档“{doc_id}”格式错误")
    return data, version


def upgrade(data: dict, fmt: str, version: int) -> dict:
    """Apply the registered migrations from ``version`` up to ``SCHEMA_VERSION``."""
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(fmt, {}).get(version)
        if step is None:
            # A programming error, not a damaged file: never move the file aside.
            raise StoreError(f"本程序缺少从数据格式版本 {version} 升级到 {version + 1} 的方法，文件未作改动。")
        data = step(data)
        version += 1
        data["schema"] = {"1": {**data["schema"]["1"], "format": fmt, "schema_version": version}}
    return data


_MISSING = object()
_EXACT: dict[int, tuple[tuple[str, frozenset], ...]] = {}


def _check_fields(doc: dict, fields: dict[str, tuple[type, ...]], where: str) -> list[str]:
    exact = _EXACT.get(id(fields))
    if exact is None:
        exact = _EXACT[id(fields)] = tuple((k, frozenset(ts)) for k, ts in fields.items())
    for key, exact_types in exact:  # fast path: JSON values have exact types
        if type(doc.get(key, _MISSING)) not in exact_types:
            break
    else:
        return []
    problems = []
    for key, types in fields.items():
        if key not in doc:
            problems.append(f"{where}缺少“{key}”")
        elif not _is_type(doc[key], types):
            problems.append(f"{where}的“{key}”应为{_type_name(types)}，实为 {doc[key]!r}")
    return problems


def json_problem(value: Any, path: str = "值", depth: int = 0) -> str | None:
    """Why ``value`` cannot be stored as plain JSON, or None if it can."""
    if depth > 50:
        return f"{path} 嵌套过深"
    if value is None or isinstance(value, (bool, int, str)):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{path} 不是有限的数"
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            problem = json_problem(item, f"{path}[{i}]", depth + 1)
            if problem:
                return problem
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{path} 的键 {key!r} 不是文本"
            problem = json_problem(item, f"{path}.{key}", depth + 1)
            if problem:
                return problem
        return None
    return f"{path} 的类型 {type(value).__name__} 无法保存"


def check_report(data: dict, report_id: str | None = None) -> list[str]:
    """Problems in a report file's content (empty if it is valid)."""
    problems = []
    for table in ("report", "answers"):
        if table not in data:
            problems.append(f"缺少“{table}”表")
    if problems:
        return problems
    meta = data["report"].get("1")
    if not isinstance(meta, dict):
        return ["“report”表缺少报告信息（文档 1）"]
    problems += _check_fields(meta, REPORT_FIELDS, "报告信息")
    if report_id is not None and meta.get("id") != report_id:
        problems.append(f"报告编号“{meta.get('id')}”与文件名“{report_id}”不符")
    seen: set[str] = set()
    for doc_id, doc in data["answers"].items():
        where = f"答案（文档 {doc_id}）"
        path = doc.get("path")
        if not isinstance(path, str) or not path:
            problems.append(f"{where}缺少字段路径")
            continue
        where = f"答案“{path}”"
        if path in seen:
            problems.append(f"{where}重复")
        seen.add(path)
        if "value" not in doc:
            problems.append(f"{where}缺少值")
        else:
            bad = json_problem(doc["value"])
            if bad:
                problems.append(f"{where}：{bad}")
        draft = doc.get("draft")
        if draft is not None:
            bad = json_problem(draft, "草稿")
            if bad:
                problems.append(f"{where}：{bad}")
            elif doc.get("value") is not None:
                problems.append(f"{where}既有值又有草稿")
        if not isinstance(doc.get("updated"), str):
            problems.append(f"{where}缺少更新时间")
        fy = doc.get("from_year")
        if fy is not None and not _is_type(fy, (int,)):
            problems.append(f"{where}的“from_year”应为整数")
    problems += check_rollups(data.get(ROLLUPS_TABLE))
    problems += check_history(data.get(HISTORY_TABLE))
    return problems


ROLLUPS_TABLE = "rollups"
ROLLUP_STATUSES = ("counted", "missing", "excluded")


def check_rollups(table: Any) -> list[str]:
    """Problems in a report's ``rollups`` table (empty if valid or absent)."""
    if table is None:
        return []
    problems = []
    seen: set[str] = set()
    for doc_id, doc in table.items():
        path = doc.get("path")
        if not isinstance(path, str) or not path:
            problems.append(f"汇总记录（文档 {doc_id}）缺少字段路径")
            continue
        where = f"汇总记录“{path}”"
        if path in seen:
            problems.append(f"{where}重复")
        seen.add(path)
        if not isinstance(doc.get("at"), str):
            problems.append(f"{where}缺少汇总时间")
        total = doc.get("total")
        if total is not None and not _is_type(total, (int, str)):
            problems.append(f"{where}的合计应为整数或文本")
        sources = doc.get("sources")
        if not isinstance(sources, list):
            problems.append(f"{where}缺少来源列表")
            continue
        for n, source in enumerate(sources, 1):
            if not isinstance(source, dict):
                problems.append(f"{where}的第 {n} 个来源格式错误")
                continue
            if not isinstance(source.get("branch"), str) or not isinstance(source.get("origin"), str):
                problems.append(f"{where}的第 {n} 个来源缺少支部名称或出处")
            elif source.get("status") not in ROLLUP_STATUSES:
                problems.append(f"{where}的第 {n} 个来源状态无效：{source.get('status')!r}")
            value = source.get("value")
            if value is not None and not _is_type(value, (int, str)):
                problems.append(f"{where}的第 {n} 个来源的值应为整数或文本")
    return problems


HISTORY_TABLE = "history"
HISTORY_EVENTS = ("carried", "removed", "restored")


def check_history(table: Any) -> list[str]:
    """Problems in a report's ``history`` table (empty if valid or absent)."""
    if table is None:
        return []
    if not isinstance(table, dict):
        return ["修改记录（history）格式错误"]
    problems = []
    for doc_id, doc in table.items():
        where = f"修改记录（文档 {doc_id}）"
        if not isinstance(doc, dict):
            problems.append(f"{where}格式错误")
            continue
        if doc.get("event") not in HISTORY_EVENTS:
            problems.append(f"{where}的事件无效：{doc.get('event')!r}")
        for key in ("at", "item", "path", "source"):
            if not isinstance(doc.get(key), str):
                problems.append(f"{where}缺少“{key}”")
        if doc.get("kind") is not None and not isinstance(doc.get("kind"), str):
            problems.append(f"{where}的“kind”应为文本")
    return problems


def check_index(data: dict) -> list[str]:
    reports = data.get("reports")
    if not isinstance(reports, dict):
        return ["缺少“reports”表"]
    problems = []
    seen: set[str] = set()
    for doc_id, doc in reports.items():
        where = f"索引条目 {doc_id}"
        problems += _check_fields(doc, INDEX_FIELDS, where)
        rid = doc.get("id")
        if rid in seen:
            problems.append(f"{where}：报告编号“{rid}”重复")
        seen.add(rid)
    return problems
