"""Answers: defaults, drafts, and answers files (YAML / JSON) in and out.

Answers are a flat mapping ``"item.field" -> canonical value`` (see
values.py). An explicit ``None`` means the user cleared the field: its
default no longer applies.

Drafts are a second mapping ``"item.field" -> what was typed`` for input
that does not validate yet: kept and shown with its message, counted as an
error by the checks, never a value. A stored value that no longer
validates (the workflow changed) is a draft too (:func:`split_answers`).

Defaults (``default``, ``default_by_year``, ``default_rule``) are
*proposals*: used for a field never answered, but its item waits for the
user to accept them (:func:`proposed`), which stores them as answers.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping
from typing import Any

from .errors import ProblemsError
from .model import Field, Workflow
from .values import AnswerError, coerce, is_empty, validate

FORMATS = ("yaml", "json")


class AnswersFileError(ProblemsError):
    """An answers file that cannot be used; nothing was saved."""

    what = "答案文件"
    outcome = "未保存任何内容"


def default_report_year(today: _dt.date | None = None) -> int:
    """This year from October on (reports are written at year end), else last year."""
    today = today or _dt.date.today()
    return today.year if today.month >= 10 else today.year - 1


def field_default(f: Field, year: int, today: _dt.date | None = None) -> Any:
    if f.default_rule == "report_year":
        return default_report_year(today)
    if f.default_rule == "today":
        return (today or _dt.date.today()).isoformat()
    if f.default_by_year:
        eligible = [y for y in f.default_by_year if y <= year]
        key = max(eligible) if eligible else min(f.default_by_year)
        value = f.default_by_year[key]
        return list(value) if isinstance(value, list) else value
    if isinstance(f.default, list):
        return [dict(v) if isinstance(v, dict) else v for v in f.default]
    return f.default


def report_year(wf: Workflow, answers: Mapping[str, Any], today: _dt.date | None = None) -> int:
    if wf.year_field:
        value = answers.get(wf.year_field)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return default_report_year(today)


def effective_answers(
    wf: Workflow, answers: Mapping[str, Any], today: _dt.date | None = None
) -> dict[str, Any]:
    """Stored answers plus the defaults of fields never answered."""
    year = report_year(wf, answers, today)
    out: dict[str, Any] = {}
    for f in wf.fields():
        if f.path in answers:
            out[f.path] = answers[f.path]
        else:
            out[f.path] = field_default(f, year, today)
    return out


def split_answers(
    wf: Workflow, stored: Mapping[str, Any], drafts: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Stored answers as ``(values, drafts)``: every value canonical, and
    every stored value that does not validate (any more) moved to the drafts.
    Answers to fields the workflow does not have are kept as they are."""
    values: dict[str, Any] = {}
    out = dict(drafts or {})
    for path, value in stored.items():
        f = wf.field(path)
        if f is None or value is None:
            values[path] = value
            continue
        try:
            values[path] = coerce(f, value)
        except AnswerError:
            out[path] = value
    return values, out


def proposed(
    wf: Workflow,
    stored: Mapping[str, Any],
    item_ids: Any = None,
    today: _dt.date | None = None,
) -> dict[str, Any]:
    """Defaults still only proposed: field path -> default, for the fields
    (of the items ``item_ids``, default all) that have a default and neither
    an answer nor a draft in ``stored``. Accepting an item stores these."""
    year = report_year(wf, stored, today)
    out: dict[str, Any] = {}
    for item in wf.items():
        if item_ids is not None and item.id not in item_ids:
            continue
        for f in item.fields:
            if f.path in stored:
                continue
            value = field_default(f, year, today)
            if not is_empty(value):
                out[f.path] = value
    return out


def proposed_items(wf: Workflow, stored: Mapping[str, Any], today: _dt.date | None = None) -> list[str]:
    """Items (in workflow order) whose defaults the user has not accepted yet."""
    return list(dict.fromkeys(wf.item_of(path) for path in proposed(wf, stored, None, today)))


def initial_answers(
    wf: Workflow, year: int | None = None, today: _dt.date | None = None, **basics: Any
) -> dict[str, Any]:
    """The answers a new report starts with: every default, made explicit."""
    seed: dict[str, Any] = {}
    if year is not None and wf.year_field:
        seed[wf.year_field] = year
    answers = {k: v for k, v in effective_answers(wf, seed, today).items() if not is_empty(v)}
    for path, value in basics.items():
        if value is not None:
            answers[path] = value
    return answers


# ------------------------------------------------------------ files


def _parse(text: str, fmt: str, source: str, lines: dict[str, int] | None = None) -> Any:
    from .safeparse import ParseLimitError, json_lines, parse_json, parse_yaml

    try:
        if fmt == "json":
            try:
                data = parse_json(text)
                if lines is not None:  # where each value is, for the messages about them
                    lines.update(json_lines(text))
                return data
            except json.JSONDecodeError as exc:
                problem = f"第{exc.lineno}行第{exc.colno}列：JSON 格式错误（{exc.msg}）"
                raise AnswersFileError([problem], source) from None
        if fmt == "yaml":
            import yaml

            try:
                return parse_yaml(text, lines)
            except yaml.MarkedYAMLError as exc:
                mark = exc.problem_mark or exc.context_mark
                where = f"第{mark.line + 1}行第{mark.column + 1}列：" if mark else ""
                raise AnswersFileError([f"{where}YAML 格式错误（{exc.problem or exc.context}）"], source) from None
            except yaml.YAMLError as exc:
                raise AnswersFileError([f"YAML 格式错误（{exc}）"], source) from None
    except ParseLimitError as exc:
        raise AnswersFileError(exc.problems, source) from None
    raise AnswersFileError([f"不支持的格式“{fmt}”（可用：yaml、json）"], source)


def guess_format(filename: str) -> str:
    return "json" if str(filename).lower().endswith(".json") else "yaml"


def load_answers_data(wf: Workflow, data: Any, source: str = "") -> dict[str, Any]:
    """Validate nested ``{item: {field: value}}`` (or flat ``"item.field"``)
    data against the workflow. All problems are collected; raises
    AnswersFileError if there is any."""
    problems: list[str] = []
    out: dict[str, Any] = {}
    if data is None:
        return out
    if not isinstance(data, dict):
        raise AnswersFileError(["顶层应为“条目id: {字段id: 值}”的映射"], source)
    pairs: list[tuple[str, Any]] = []
    for key, value in data.items():
        key = str(key)
        if "." in key:
            pairs.append((key, value))
            continue
        item = wf.item(key)
        if item is None:
            problems.append(f"{key}：工作流“{wf.id}”中没有这个条目")
            continue
        if value is None:
            continue
        if not isinstance(value, dict):
            problems.append(f"{key}：应为“字段id: 值”的映射")
            continue
        for field_id, field_value in value.items():
            pairs.append((f"{key}.{field_id}", field_value))
    for path, value in pairs:
        f = wf.field(path)
        if f is None:
            problems.append(f"{path}：工作流“{wf.id}”中没有这个字段")
            continue
        try:
            out[path] = coerce(f, value)
        except AnswerError as exc:
            problems.append(str(exc))
    if problems:
        raise AnswersFileError(problems, source)
    return out


def load_answers_text(wf: Workflow, text: str, fmt: str = "yaml", source: str = "") -> dict[str, Any]:
    from .safeparse import with_lines

    lines: dict[str, int] = {}
    data = _parse(text, fmt, source, lines)
    try:
        return load_answers_data(wf, data, source)
    except AnswersFileError as exc:
        if not lines:
            raise
        raise AnswersFileError(with_lines(exc.problems, lines), source) from None


def load_answers_file(wf: Workflow, path: Any) -> dict[str, Any]:
    from pathlib import Path

    path = Path(path)
    from .safeparse import ParseLimitError, decode_text, read_bounded

    try:
        text = decode_text(read_bounded(path))
    except ParseLimitError as exc:
        raise AnswersFileError(exc.problems, str(path)) from None
    except FileNotFoundError:
        raise AnswersFileError([f"找不到文件“{path}”"], str(path)) from None
    except OSError as exc:
        raise AnswersFileError([f"无法读取“{path}”：{exc.strerror or exc}"], str(path)) from None
    return load_answers_text(wf, text, guess_format(path.name), str(path))


def nest_answers(wf: Workflow, answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Flat answers in workflow order as ``{item: {field: value}}``."""
    nested: dict[str, dict[str, Any]] = {}
    for item in wf.items():
        values = {f.id: answers[f.path] for f in item.fields if not is_empty(answers.get(f.path))}
        if values:
            nested[item.id] = values
    return nested


DRAFTS_HEAD = "草稿：以下输入未通过校验，不是答案，shuzhi fill 不会读入；改正后删去行首的“# ”即可读入"


def dump_answers(
    wf: Workflow, answers: Mapping[str, Any], fmt: str = "yaml", drafts: Mapping[str, Any] | None = None
) -> str:
    """An answers file of the valid ``answers``: what it prints reads back
    with :func:`load_answers_text`. ``drafts`` are written as YAML comments
    after the answers, each with its problem; JSON has no comments, so a
    JSON file leaves them out (the caller says so)."""
    nested = nest_answers(wf, answers)
    if fmt == "json":
        return json.dumps(nested, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        import yaml

        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

        def dump(data: Any) -> str:
            return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000)

        body = dump(nested) if nested else ""
        text = f"# shuzhi 答案文件：{wf.title}（{wf.id}，第{wf.version}版）\n" + body
        shown = [(f, raw) for f in wf.fields() for path, raw in (drafts or {}).items() if path == f.path]
        if shown:
            text += f"\n# {DRAFTS_HEAD}\n"
            for f, raw in shown:
                _value, problem = validate(f, raw)
                text += f"# 问题：{problem or '未通过校验'}\n"
                text += "".join(f"# {line}\n" for line in dump({f.path: raw}).splitlines())
        return text
    raise AnswersFileError([f"不支持的格式“{fmt}”（可用：yaml、json）"])
