"""Load and validate workflow files.

Every problem is collected (not just the first) and reported in Chinese with
the file, the line and the path inside the file; loading never raises
anything but WorkflowError.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from . import fieldtypes
from .errors import ProblemsError
from .model import (
    SHORT_TITLE_MAX,
    Check,
    Field,
    Item,
    Norm,
    ReportTemplates,
    Rollup,
    Section,
    Workflow,
)
from .values import AnswerError, coerce
from .wfparse import Doc, format_path, parse_toml, parse_yaml

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"

_WORKFLOW_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef“”‘’"
# A pattern, not a compiled regex: compiling it takes ≈ 2.5 ms (lookarounds
# over wide ranges), paid on first use (re caches it), not at every start.
_CJK_FOLD = f"(?<=[{_CJK}]) (?=[{_CJK}])"
_RESERVED = {"r", "year", "loop", "true", "false", "none", "self"}

_TOP_KEYS = {
    "id", "title", "short_title", "version", "description", "year_field", "report", "sections", "checks", "rollup",
    "carry_over",
}
_REPORT_KEYS = {"title", "name_line", "opening", "closing", "signature", "date"}
_SECTION_KEYS = {"id", "title", "heading", "intro", "items"}
_ITEM_KEYS = {"id", "title", "question", "guidance", "example", "heading", "fields", "template", "optional"}
_FIELD_COMMON = {
    "id", "type", "label", "required", "help", "placeholder", "default",
    "default_by_year", "default_rule", "norm",
}
_CHECK_KEYS = {"id", "assert", "message", "fields", "severity"}
_NORM_KEYS = {"message", "source", "min", "equals"}
_ROLLUP_KEYS = {"from", "sum", "when"}

# Finds the workflow a ``rollup.from`` names: the workflow, or None when
# there is none by that id; raises WorkflowError when it exists but is broken.
Resolver = Callable[[str], "Workflow | None"]


class WorkflowError(ProblemsError):
    """A workflow file that cannot be used; ``problems`` are Chinese lines."""

    what = "工作流文件"


# ------------------------------------------------------------ validation


class _Builder:
    def __init__(self, doc: Doc, check_templates: bool, resolve: Resolver | None = None) -> None:
        self.doc = doc
        self.check_templates = check_templates
        self.resolve = resolve
        self.item_ids: dict[str, tuple] = {}
        self.templates: list[tuple[tuple, str, str, set[str]]] = []

    # -- small typed getters; each records a problem and returns a fallback

    def unknown_keys(self, data: dict, allowed: set[str], path: tuple) -> None:
        for key in data:
            if str(key) not in allowed:
                self.doc.add(path + (str(key),), f"未知的键“{key}”（可用：{'、'.join(sorted(allowed))}）")

    def string(self, data: dict, key: str, path: tuple, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.doc.add(path, f"缺少必需的键“{key}”")
            return ""
        if not isinstance(value, str):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)
            self.doc.add(path + (key,), "应为文字")
            return ""
        if required and not value.strip():
            self.doc.add(path + (key,), "不能为空")
        if path + (key,) in self.doc.folded:
            # YAML folds lines with a space, which Chinese text does not have.
            value = re.sub(_CJK_FOLD, "", value)
        return value

    def integer(self, data: dict, key: str, path: tuple, minimum: int | None = None) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.doc.add(path + (key,), f"应为整数，而不是“{value}”")
            return None
        if minimum is not None and value < minimum:
            self.doc.add(path + (key,), f"不能小于{minimum}")
            return None
        return value

    def boolean(self, data: dict, key: str, path: tuple, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.doc.add(path + (key,), "应为 true 或 false")
            return default
        return value

    def name(self, data: dict, key: str, path: tuple, pattern: re.Pattern, what: str, reserved: bool = True) -> str:
        value = self.string(data, key, path, required=True)
        if value and not pattern.match(value):
            rule = "小写字母、数字和“-”" if pattern is _WORKFLOW_ID_RE else "小写字母开头，只含小写字母、数字和下划线"
            self.doc.add(path + (key,), f"{what}“{value}”不合规（应为{rule}）")
        elif reserved and value in _RESERVED:
            self.doc.add(path + (key,), f"{what}“{value}”是保留字，请换一个")
        return value

    def mapping(self, value: Any, path: tuple, what: str) -> dict | None:
        if not isinstance(value, dict):
            self.doc.add(path, f"{what}应为“键: 值”的映射")
            return None
        return value

    def sequence(self, value: Any, path: tuple, what: str, non_empty: bool = True) -> list:
        if value is None:
            if non_empty:
                self.doc.add(path, f"缺少{what}")
            return []
        if not isinstance(value, list):
            self.doc.add(path, f"{what}应为列表")
            return []
        if non_empty and not value:
            self.doc.add(path, f"{what}不能为空")
        return value

    def template(self, data: dict, key: str, path: tuple, own: set[str], required: bool = False) -> str:
        text = self.string(data, key, path, required=required)
        if text:
            self.templates.append((path + (key,), text, key, own))
        return text

    # -- structure

    def workflow(self, data: Any) -> Workflow | None:
        data = self.mapping(data, (), "工作流文件的顶层")
        if data is None:
            return None
        self.unknown_keys(data, _TOP_KEYS, ())
        wf_id = self.name(data, "id", (), _WORKFLOW_ID_RE, "工作流 id")
        title = self.string(data, "title", (), required=True)
        short_title = self.string(data, "short_title", ()).strip()
        if len(short_title) > SHORT_TITLE_MAX:
            self.doc.add(("short_title",), f"最多 {SHORT_TITLE_MAX} 个字（主页报告列表“工作流”一栏的宽度），"
                                           f"现在是 {len(short_title)} 个字")
            short_title = ""
        version = self.integer(data, "version", (), minimum=1)
        if "version" not in data:
            self.doc.add((), "缺少必需的键“version”")
        report_data = self.mapping(data.get("report"), ("report",), "report") if "report" in data else None
        if "report" not in data:
            self.doc.add((), "缺少必需的键“report”")
        report = ReportTemplates(title="")
        if report_data is not None:
            self.unknown_keys(report_data, _REPORT_KEYS, ("report",))
            report = ReportTemplates(
                **{k: self.template(report_data, k, ("report",), set(), required=(k == "title")) for k in _REPORT_KEYS}
            )
        sections = []
        section_ids: set[str] = set()
        listed = self.sequence(data.get("sections"), ("sections",), "sections（部分列表）")
        for index, section_data in enumerate(listed):
            section = self.section(section_data, ("sections", index))
            if section is None:
                continue
            if section.id in section_ids:
                self.doc.add(("sections", index, "id"), f"部分 id“{section.id}”重复")
            section_ids.add(section.id)
            sections.append(section)
        wf = Workflow(
            id=wf_id,
            title=title,
            version=version or 1,
            report=report,
            sections=sections,
            description=self.string(data, "description", ()),
            year_field=self.string(data, "year_field", ()),
            short_title=short_title,
            source=self.doc.source,
        )
        if wf.year_field:
            f = wf.field(wf.year_field)
            if f is None:
                self.doc.add(("year_field",), f"year_field 指向不存在的字段“{wf.year_field}”")
            elif f.type != "year":
                self.doc.add(("year_field",), f"year_field 指向的字段“{wf.year_field}”不是年度类型")
        for index, check_data in enumerate(self.sequence(data.get("checks"), ("checks",), "checks", non_empty=False)):
            check = self.check(check_data, ("checks", index), wf)
            if check is not None:
                wf.checks.append(check)
        if "rollup" in data:
            wf.rollup = self.rollup(data["rollup"], wf)
        if "carry_over" in data:
            from .carryover import parse_carry_over

            wf.carry_over = parse_carry_over(self, data["carry_over"], wf)
        if self.check_templates:
            self.validate_templates(wf)
        return wf

    def section(self, data: Any, path: tuple) -> Section | None:
        data = self.mapping(data, path, "部分")
        if data is None:
            return None
        self.unknown_keys(data, _SECTION_KEYS, path)
        section_id = self.name(data, "id", path, _NAME_RE, "部分 id")
        items = []
        for index, item_data in enumerate(self.sequence(data.get("items"), path + ("items",), "items（条目列表）")):
            item = self.item(item_data, path + ("items", index), section_id)
            if item is not None:
                items.append(item)
        return Section(
            id=section_id,
            title=self.string(data, "title", path, required=True),
            items=items,
            heading=self.string(data, "heading", path),
            intro=self.template(data, "intro", path, set()),
        )

    def item(self, data: Any, path: tuple, section_id: str) -> Item | None:
        data = self.mapping(data, path, "条目")
        if data is None:
            return None
        self.unknown_keys(data, _ITEM_KEYS, path)
        item_id = self.name(data, "id", path, _NAME_RE, "条目 id")
        if item_id in self.item_ids:
            first = self.doc.line(self.item_ids[item_id])
            self.doc.add(path + ("id",), f"条目 id“{item_id}”重复（第{first}行已有）")
        elif item_id:
            self.item_ids[item_id] = path + ("id",)
        fields = self.fields(data.get("fields"), path + ("fields",), item_id, allow_group=True)
        own = {f.id for f in fields}
        return Item(
            id=item_id,
            title=self.string(data, "title", path, required=True),
            question=self.string(data, "question", path, required=True),
            section_id=section_id,
            fields=fields,
            guidance=self.string(data, "guidance", path),
            example=self.string(data, "example", path),
            heading=self.string(data, "heading", path),
            template=self.template(data, "template", path, own),
            optional=self.boolean(data, "optional", path, False),
        )

    def fields(self, raw: Any, path: tuple, prefix: str, allow_group: bool) -> list[Field]:
        out: list[Field] = []
        seen: set[str] = set()
        for index, field_data in enumerate(self.sequence(raw, path, "fields（字段列表）")):
            f = self.field(field_data, path + (index,), prefix, allow_group)
            if f is None:
                continue
            if f.id in seen:
                self.doc.add(path + (index, "id"), f"字段 id“{f.id}”在同一条目中重复")
            seen.add(f.id)
            out.append(f)
        return out

    def field(self, data: Any, path: tuple, prefix: str, allow_group: bool) -> Field | None:
        data = self.mapping(data, path, "字段")
        if data is None:
            return None
        field_id = self.name(data, "id", path, _NAME_RE, "字段 id", reserved=False)
        kind = self.string(data, "type", path, required=True)
        if not kind:
            return None
        if not fieldtypes.known(kind):
            self.doc.add(path + ("type",), f"未知的字段类型“{kind}”（可用：{'、'.join(fieldtypes.names())}）")
            return None
        ft = fieldtypes.get(kind)
        if ft.nested and not allow_group:
            self.doc.add(path + ("type",), f"可重复条目（group）内不能再嵌套 {kind}")
            return None
        self.unknown_keys(data, _FIELD_COMMON | ft.keys, path)
        f = Field(
            id=field_id,
            type=kind,
            label=self.string(data, "label", path, required=True),
            path=f"{prefix}.{field_id}",
            required=self.boolean(data, "required", path, False),
            help=self.string(data, "help", path),
            placeholder=self.string(data, "placeholder", path),
            min=self.integer(data, "min", path),
            max=self.integer(data, "max", path),
            unit=self.string(data, "unit", path),
            approx=self.boolean(data, "approx", path, True),
            max_length=self.integer(data, "max_length", path, minimum=1),
            custom=self.boolean(data, "custom", path, ft.custom_default),
            min_items=self.integer(data, "min_items", path, minimum=0),
            max_items=self.integer(data, "max_items", path, minimum=1),
            default_rule=data.get("default_rule"),
        )
        if f.min is not None and f.max is not None and f.min > f.max:
            self.doc.add(path + ("min",), f"最小值{f.min}大于最大值{f.max}")
        if f.min_items is not None and f.max_items is not None and f.min_items > f.max_items:
            self.doc.add(path + ("min_items",), f"最少条数{f.min_items}大于最多条数{f.max_items}")
        if "options" in ft.keys:
            options = self.sequence(data.get("options"), path + ("options",), "options（可选项）")
            f.options = [str(o) for o in options if isinstance(o, (str, int)) and not isinstance(o, bool)]
            if len(f.options) != len(options):
                self.doc.add(path + ("options",), "可选项应为文字")
            if len(set(f.options)) != len(f.options):
                self.doc.add(path + ("options",), "可选项有重复")
        if ft.nested:
            f.fields = self.fields(data.get("fields"), path + ("fields",), f"{prefix}.{field_id}[]", allow_group=False)
        if f.default_rule is not None:
            rules = sorted({rule for name in fieldtypes.names() for rule in fieldtypes.get(name).default_rules})
            if f.default_rule not in rules:
                known = "、".join(rules)
                self.doc.add(path + ("default_rule",), f"未知的 default_rule“{f.default_rule}”（可用：{known}）")
                f.default_rule = None
            elif f.default_rule not in ft.default_rules:
                self.doc.add(path + ("default_rule",), f"default_rule“{f.default_rule}”不适用于{ft.label}字段")
                f.default_rule = None
        if "default" in data:
            f.default = self.default_value(f, data["default"], path + ("default",))
        if "default_by_year" in data:
            table = self.mapping(data["default_by_year"], path + ("default_by_year",), "default_by_year")
            for key, value in (table or {}).items():
                key_path = path + ("default_by_year", str(key))
                if isinstance(key, bool) or not isinstance(key, int):
                    self.doc.add(key_path, f"default_by_year 的键应为年份，而不是“{key}”")
                    continue
                f.default_by_year[key] = self.default_value(f, value, key_path)
        if "norm" in data:
            f.norm = self.norm(data["norm"], path + ("norm",), f)
        return f

    def default_value(self, f: Field, raw: Any, path: tuple) -> Any:
        try:
            return coerce(f, raw)
        except AnswerError as exc:
            self.doc.add(path, f"默认值不合规：{exc.message}")
            return None

    def norm(self, raw: Any, path: tuple, f: Field) -> Norm | None:
        data = self.mapping(raw, path, "norm（清单要求）")
        if data is None:
            return None
        self.unknown_keys(data, _NORM_KEYS, path)
        norm = Norm(
            message=self.string(data, "message", path, required=True),
            source=self.string(data, "source", path, required=True),
            min=self.integer(data, "min", path, minimum=0),
            equals=data.get("equals"),
        )
        if norm.min is None and norm.equals is None:
            self.doc.add(path, "norm 需要 min 或 equals 之一")
        if norm.min is not None and f.type != "count":
            self.doc.add(path + ("min",), "norm.min 只适用于次数/人数字段")
        return norm

    def check(self, raw: Any, path: tuple, wf: Workflow) -> Check | None:
        data = self.mapping(raw, path, "check（交叉校验）")
        if data is None:
            return None
        self.unknown_keys(data, _CHECK_KEYS, path)
        check = Check(
            id=self.string(data, "id", path, required=True),
            expr=self.string(data, "assert", path, required=True),
            message=self.string(data, "message", path, required=True),
            fields=[],
            severity=self.string(data, "severity", path) or "error",
        )
        if check.severity not in ("error", "warning"):
            self.doc.add(path + ("severity",), "severity 应为 error 或 warning")
            check.severity = "error"
        marked = self.sequence(data.get("fields"), path + ("fields",), "fields（出错时标注的字段）")
        for index, field_path in enumerate(marked):
            if not isinstance(field_path, str) or wf.field(field_path) is None:
                self.doc.add(path + ("fields", index), f"字段“{field_path}”不存在（应写成“条目id.字段id”）")
            else:
                check.fields.append(field_path)
        if check.expr and self.check_templates:
            # Parsed only by the full analysis (validate, install, the test
            # suite): a plain load leaves ``reads`` to the first check run
            # (workflows.checks.rule_reads), so loading never imports Jinja.
            from jinja2 import TemplateSyntaxError

            from .templating import environment

            env = environment()
            try:
                ast = env.parse("{{ (" + check.expr + ") }}")
            except TemplateSyntaxError as exc:
                self.doc.add(path + ("assert",), f"表达式语法错误：{exc.message}")
                return None
            check.reads = self.references(ast, wf, path + ("assert",), own=set())
        return check

    # -- roll-up

    def rollup(self, raw: Any, wf: Workflow) -> Rollup | None:
        path = ("rollup",)
        data = self.mapping(raw, path, "rollup（汇总）")
        if data is None:
            return None
        self.unknown_keys(data, _ROLLUP_KEYS, path)
        spec = Rollup(source=self.name(data, "from", path, _WORKFLOW_ID_RE, "被汇总的工作流 id", reserved=False))
        if spec.source and spec.source == wf.id:
            self.doc.add(path + ("from",), "不能汇总本工作流自己的报告（from 应为支部等下级报告所用的工作流）")
        if "sum" not in data:
            self.doc.add(path, "缺少必需的键“sum”（本工作流字段: 被汇总工作流字段）")
        sums = self.mapping(data["sum"], path + ("sum",), "rollup.sum") if "sum" in data else None
        if sums is not None and not sums:
            self.doc.add(path + ("sum",), "不能为空")
        for target, source in (sums or {}).items():
            target = str(target)
            key_path = path + ("sum", target)
            f = wf.field(target)
            if f is None:
                self.doc.add(key_path, f"本工作流没有字段“{target}”（应写成“条目id.字段id”）")
            elif f.type != "count":
                kind = fieldtypes.label(f.type)
                self.doc.add(key_path, f"字段“{target}”（{f.label}）是{kind}字段，只有次数/人数字段可以汇总")
            if not isinstance(source, str) or source.count(".") != 1 or not all(source.split(".")):
                self.doc.add(key_path, f"“{source}”应写成被汇总工作流的“条目id.字段id”")
            elif f is not None and f.type == "count":
                spec.sums[target] = source.strip()
        when = self.mapping(data["when"], path + ("when",), "rollup.when") if "when" in data else None
        for target, expr in (when or {}).items():
            target = str(target)
            key_path = path + ("when", target)
            if sums is None or target not in sums:
                self.doc.add(key_path, f"“{target}”不在 rollup.sum 中（when 只能限定要汇总的字段）")
            elif not isinstance(expr, str) or not expr.strip():
                self.doc.add(key_path, "应为条件表达式，如“r.basics.groups > 0”")
            elif target in spec.sums:
                spec.when[target] = expr.strip()
        if self.check_templates and _WORKFLOW_ID_RE.match(spec.source) and spec.source != wf.id:
            self.rollup_source(spec, path)
        return spec

    def rollup_source(self, spec: Rollup, path: tuple) -> None:
        """Both sides of every sum: the source workflow's fields exist and are counts."""
        resolve = self.resolve or folder_resolver(None)
        try:
            other = resolve(spec.source)
        except WorkflowError as exc:
            more = f"（另有{len(exc.problems) - 1}处问题）" if len(exc.problems) > 1 else ""
            self.doc.add(path + ("from",), f"被汇总的工作流“{spec.source}”无法使用：{exc.problems[0]}{more}")
            return
        if other is None:
            self.doc.add(
                path + ("from",),
                f"找不到被汇总的工作流“{spec.source}”（内置工作流有：{'、'.join(builtin_ids())}；"
                f"自定义的请放在本文件所在的文件夹，文件名为 {spec.source}.yaml）",
            )
            return
        for target, source in spec.sums.items():
            f = other.field(source)
            if f is None:
                self.doc.add(path + ("sum", target), f"被汇总的工作流“{other.id}”没有字段“{source}”")
            elif f.type != "count":
                self.doc.add(
                    path + ("sum", target),
                    f"被汇总的工作流“{other.id}”的字段“{source}”（{f.label}）是{fieldtypes.label(f.type)}字段，不是次数/人数字段",
                )
        if spec.when:
            from jinja2 import TemplateSyntaxError

            from .templating import environment

            env = environment()
            for target, expr in spec.when.items():
                try:
                    ast = env.parse("{{ (" + expr + ") }}")
                except TemplateSyntaxError as exc:
                    self.doc.add(path + ("when", target), f"条件表达式语法错误：{exc.message}")
                    continue
                spec.when_reads[target] = self.references(ast, other, path + ("when", target), own=set())

    # -- templates

    def references(self, ast: Any, wf: Workflow, path: tuple, own: set[str]) -> list[str]:
        from .templating import GLOBAL_NAMES, referenced_names, report_references

        for name in sorted(referenced_names(ast) - GLOBAL_NAMES - own):
            hint = (
                f"（本条目的字段有：{'、'.join(sorted(own))}）" if own else "（其他条目的字段请写成 r.条目id.字段id）"
            )
            self.doc.add(path, f"引用了不存在的字段“{name}”{hint}")
        reads = []
        for item_id, field_id in report_references(ast):
            item = wf.item(item_id)
            if item is None:
                self.doc.add(path, f"引用了不存在的条目“r.{item_id}”")
            elif field_id is not None:
                if item.field(field_id) is None:
                    self.doc.add(path, f"引用了不存在的字段“r.{item_id}.{field_id}”")
                else:
                    reads.append(f"{item_id}.{field_id}")
        return sorted(set(reads))

    def validate_templates(self, wf: Workflow) -> None:
        from jinja2 import TemplateSyntaxError

        from .templating import environment

        env = environment()
        for path, text, _key, own in self.templates:
            try:
                ast = env.parse(text)
            except TemplateSyntaxError as exc:
                base = self.doc.lines.get(path)
                line = None
                if base is not None and exc.lineno:
                    line = base + (1 if self.doc.block.get(path) else 0) + exc.lineno - 1
                where = f"{self.doc.source} 第{line}行" if line else self.doc.source
                self.doc.problems.append(f"{where} {format_path(path)}：模板语法错误（{exc.message}）")
                continue
            self.references(ast, wf, path, own)


# ---------------------------------------------------------------- public


def load_workflow_text(
    text: str,
    source: str = "（文本）",
    fmt: str = "yaml",
    check_templates: bool = True,
    resolve: Resolver | None = None,
) -> Workflow:
    """Parse and validate a workflow.

    ``check_templates`` is the full analysis: templates, check expressions
    and the roll-up's source workflow (found with ``resolve``; by default
    among the built-ins only). Lazy loads of the built-ins skip it; the test
    suite runs it on them.
    """
    from .safeparse import ParseLimitError, check_size, located

    try:
        check_size(len(text.encode("utf-8", "surrogatepass")))
    except ParseLimitError as exc:
        raise WorkflowError([located(source, p) for p in exc.problems], source) from None
    doc = Doc(source)
    data = parse_toml(text, doc) if fmt == "toml" else parse_yaml(text, doc)
    if doc.problems:
        raise WorkflowError(doc.problems, source)
    if data is None:
        raise WorkflowError([f"{source}：文件是空的"], source)
    builder = _Builder(doc, check_templates, resolve)
    wf = builder.workflow(data)
    if doc.problems or wf is None:
        raise WorkflowError(doc.problems or [f"{source}：无法读取工作流"], source)
    return wf


def load_workflow(path: str | Path, check_templates: bool = True, resolve: Resolver | None = None) -> Workflow:
    """A workflow file; a ``rollup.from`` is looked up among the built-ins and
    then beside the file (``<id>.yaml``), unless ``resolve`` is given."""
    path = Path(path)
    from .safeparse import ParseLimitError, decode_text, located, read_bounded

    try:
        raw = read_bounded(path)
        text = decode_text(raw)
    except ParseLimitError as exc:
        raise WorkflowError([located(str(path), p) for p in exc.problems], str(path)) from None
    except FileNotFoundError:
        raise WorkflowError([f"找不到文件“{path}”"], str(path)) from None
    except IsADirectoryError:
        raise WorkflowError([f"“{path}”是文件夹，不是工作流文件"], str(path)) from None
    except OSError as exc:
        raise WorkflowError([f"无法读取“{path}”：{exc.strerror or exc}"], str(path)) from None
    fmt = "toml" if path.suffix.lower() == ".toml" else "yaml"
    return load_workflow_text(text, str(path), fmt, check_templates, resolve or folder_resolver(path.parent))


def folder_resolver(folder: str | Path | None) -> Resolver:
    """Finds a workflow by id: a built-in, else ``<folder>/<id>.yaml`` (or
    .yml / .toml). Workflows found this way are loaded without the full
    analysis, so two workflows naming each other cannot loop."""

    def resolve(workflow_id: str) -> Workflow | None:
        if workflow_id in builtin_ids():
            return load_builtin(workflow_id)
        if folder is not None:
            for suffix in (".yaml", ".yml", ".toml"):
                candidate = Path(folder) / f"{workflow_id}{suffix}"
                if candidate.is_file():
                    other = load_workflow(candidate, check_templates=False)
                    if other.id != workflow_id:
                        raise WorkflowError([f"{candidate} 的 id 是“{other.id}”，不是“{workflow_id}”"], str(candidate))
                    return other
        return None

    return resolve


def builtin_ids() -> list[str]:
    return sorted(
        p.stem for p in BUILTIN_DIR.glob("*.yaml") if not p.name.endswith(".sample.yaml")
    )


@cache
def load_builtin(workflow_id: str) -> Workflow:
    """A shipped workflow (validated by the test suite, so templates are
    compiled lazily rather than analysed at every start)."""
    path = BUILTIN_DIR / f"{workflow_id}.yaml"
    if workflow_id not in builtin_ids():
        known = "、".join(builtin_ids())
        raise WorkflowError([f"没有名为“{workflow_id}”的工作流（可用：{known}）"], workflow_id)
    return load_workflow(path, check_templates=False)


def sample_answers_path(workflow_id: str) -> Path:
    return BUILTIN_DIR / f"{workflow_id}.sample.yaml"
