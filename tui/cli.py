"""The ``shuzhi`` command line.

Every command that does not start the app imports neither Textual nor
python-docx (Word export aside): the modules each command needs are
imported inside its function. Errors go to stderr in Chinese, without a
traceback (set SHUZHI_DEBUG=1 to see one), with these exit codes:

0 success; 1 check failed or invalid input; 2 usage error;
3 report not found, ambiguous, or locked by another session.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Callable, NoReturn, Sequence

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_REPORT = 3
EXIT_INTERRUPTED = 130

PROG = "shuzhi"
DEBUG_ENV = "SHUZHI_DEBUG"

EXIT_CODES_HELP = """\
退出码：
  0  成功
  1  检查未通过，或输入无效（答案文件、工作流文件、导出被拒等）
  2  用法错误（命令或参数不对）
  3  找不到报告、报告名有歧义，或报告正被另一个会话编辑"""

# argparse's own messages, in Chinese (argparse looks them up through
# gettext; see _chinese_argparse).
_ARGPARSE_CN = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示此帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项值 %(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "invalid %(type)s value: %(value)r": "无效的值 %(value)r（应为 %(type)s）",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "多余的参数值 %r",
    "one of the arguments %s is required": "必须给出以下参数之一：%s",
    "unexpected option string: %s": "意外的选项：%s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "subcommands": "命令",
}


class _ChineseArgparse:
    """Within ``with``: argparse's messages and titles in Chinese."""

    def __enter__(self) -> None:
        self._saved = (argparse._, argparse.ngettext)  # type: ignore[attr-defined]
        argparse._ = lambda text: _ARGPARSE_CN.get(text, text)  # type: ignore[attr-defined]
        argparse.ngettext = lambda s, p, n: _ARGPARSE_CN.get(s if n == 1 else p, s if n == 1 else p)  # type: ignore[attr-defined]

    def __exit__(self, *exc: object) -> None:
        argparse._, argparse.ngettext = self._saved  # type: ignore[attr-defined]


class CliError(Exception):
    """A failure to report on stderr with an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help without argparse's "{a,b,c}" line above the list of commands."""

    def __init__(self, prog: str, **kwargs: Any) -> None:
        kwargs.setdefault("max_help_position", 30)
        kwargs.setdefault("width", _terminal_columns() - 2)  # argparse's own default width
        super().__init__(prog, **kwargs)

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS and action.nargs != argparse.PARSER:
            width = _width(self._format_action_invocation(action)) + self._current_indent
            self._action_max_length = max(self._action_max_length, width)

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        if action.nargs == argparse.PARSER:
            return "\n".join(line[2:] if line.startswith("    ") else line for line in text.split("\n")[1:])
        # argparse aligns by len(); Chinese metavars are two columns wide.
        invocation = self._format_action_invocation(action)
        extra = _width(invocation) - len(invocation)
        first, newline, rest = text.partition("\n")
        at = first.find(invocation)
        if extra and at >= 0:
            end = at + len(invocation)
            tail = first[end:]
            gap = len(tail) - len(tail.lstrip(" "))
            if tail.strip() and gap - extra >= 2:
                first = first[:end] + " " * (gap - extra) + tail.lstrip(" ")
        return first + newline + rest


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns`` (COLUMNS, else the terminal on
    stdout, else 80) without importing shutil: argparse would import it for
    every formatter it makes, and with it the compression modules (≈ 2 ms
    at every start)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class Parser(argparse.ArgumentParser):
    """ArgumentParser with Chinese help and errors (stderr, exit 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def format_help(self) -> str:
        import re

        # Section headings end with a full-width colon, as Chinese text does.
        return re.sub(r"(?m)^(\S[^\n:]*):$", r"\1：", super().format_help())

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and value not in action.choices:
            choices = "、".join(str(c) for c in action.choices)
            if isinstance(action, argparse._SubParsersAction):
                message = f"没有“{value}”这个命令（可用：{choices}）"
            else:
                message = f"“{value}”不是可用的值（可选：{choices}）"
            raise argparse.ArgumentError(action, message)

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}：用法错误：{message}\n（运行“{self.prog} --help”查看用法）\n")


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="显示版本号并退出")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        sys.stdout.write(f"{PROG} {version()}\n")
        parser.exit(EXIT_OK)


def version() -> str:
    from importlib.metadata import PackageNotFoundError, version as dist_version

    try:
        return dist_version("shuzhi")
    except PackageNotFoundError:
        return "（未安装）"


# ------------------------------------------------------------------ output


def _out(text: str = "") -> None:
    from workflows.render.controls import visible

    sys.stdout.write(visible(text, lines=True) + "\n")


def _err(text: str) -> None:
    from workflows.render.controls import visible

    sys.stderr.write(visible(text, lines=True) + "\n")


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _clip(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def _json(data: Any) -> None:
    import json

    _out(json.dumps(data, ensure_ascii=False, indent=2))


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


# ------------------------------------------------------------------ store


def _store(args: argparse.Namespace) -> Any:
    from store import Store, data_dir

    store = Store(data_dir(getattr(args, "data_dir", None)))
    _warn_exposed_data_dir()
    return store


def _warn_exposed_data_dir() -> None:
    from store import paths

    if paths.last_warning:
        _err(paths.last_warning)
        paths.last_warning = None


def _data_dir_if_exists(args: argparse.Namespace) -> Any:
    """The data directory without creating it (None if it does not exist)."""
    from pathlib import Path

    from store.paths import ENV_VAR, default_data_dir

    explicit = getattr(args, "data_dir", None)
    if explicit:
        path = Path(explicit)
    elif os.environ.get(ENV_VAR, "").strip():
        path = Path(os.environ[ENV_VAR].strip())
    else:
        path = default_data_dir()
    path = path.expanduser()
    return path if path.is_dir() else None


def _session(args: argparse.Namespace, *, write: bool = False, readonly: bool = False) -> Any:
    from tui.session import open_session

    return open_session(_store(args), args.report, write=write, readonly=readonly, cache=_cache(args))


def _cache(args: argparse.Namespace) -> Any:
    """The cache ``main`` made for this call (``workflows.cache.Cache``)."""
    return getattr(args, "cache", None)


# --------------------------------------------------------------- commands


def _dumb_terminal() -> bool:
    return os.environ.get("TERM", "") == "dumb"


def _full_screen_possible() -> bool:
    return _is_tty(sys.stdout) and _is_tty(sys.stdin) and not _dumb_terminal()


def cmd_app(args: argparse.Namespace) -> int:
    if not _full_screen_possible():
        why = "终端类型为 dumb" if _dumb_terminal() else "当前输入或输出不是终端"
        raise CliError(
            f"shuzhi 的全屏界面需要在完整的终端中运行（{why}）。\n"
            "可以改用逐行问答：shuzhi ask 报告编号（报告列表：shuzhi list）；查看全部命令：shuzhi --help",
            EXIT_USAGE,
        )
    return _run_app(args, None)


def _run_app(args: argparse.Namespace, report_id: str | None, item: str | None = None) -> int:
    from store.paths import data_dir
    from tui.app import create_app

    app = create_app(
        data_dir=data_dir(getattr(args, "data_dir", None)), report_id=report_id, start_item=item, handle_signals=True,
        cache=_cache(args),
    )
    app.run()
    return app.return_code or EXIT_OK


def cmd_open(args: argparse.Namespace) -> int:
    store = _store(args)
    meta = store.find(args.report)
    item = getattr(args, "item", None)
    if item is not None:
        from tui.session import find_workflow

        wf = find_workflow(meta.workflow_id, store.root, _cache(args))
        if wf.item(item) is None:
            known = "、".join(i.id for i in wf.items())
            raise CliError(
                f"工作流“{wf.id}”中没有条目“{item}”（条目编号见 shuzhi workflow show {wf.id}；可用：{known}）"
            )
    if not _full_screen_possible():
        _err("（无法使用全屏界面，改用逐行问答。）")
        args.report = meta.id
        args.pending = False
        return cmd_ask(args)
    return _run_app(args, meta.id, item)


def cmd_new(args: argparse.Namespace) -> int:
    from tui.session import NewReport, create_report, find_workflow, resolve_workflow_ref

    store = _store(args)
    previous = store.find(args.from_report) if args.from_report else None
    if args.workflow:
        workflow = resolve_workflow_ref(args.workflow, store.root, _cache(args))
    elif previous is not None:
        workflow = find_workflow(previous.workflow_id, store.root, _cache(args))
    else:
        raise CliError("请用 --workflow 指定工作流（可用的工作流：shuzhi workflows）", EXIT_USAGE)
    spec = NewReport(
        workflow, year=args.year, unit=args.unit, name=args.name, position=args.position, title=args.title
    )
    meta = create_report(store, spec, previous=previous.id if previous else None)
    _out(meta.id)
    if _is_tty(sys.stderr):
        _err(f"已新建报告“{meta.title}”（编号 {meta.id}）。继续填写：shuzhi open {meta.id}")
        if previous is not None:
            _err(f"已沿用“{previous.title}”的 {meta.unconfirmed} 项答案，请逐项核对（shuzhi check {meta.id}）。")
    return EXIT_OK


def _field_total(store: Any, workflow_id: str, cache: dict[str, int | None], args: Any = None) -> int | None:
    if workflow_id not in cache:
        from tui.session import find_workflow
        from workflows.loader import WorkflowError

        try:
            cache[workflow_id] = sum(1 for _ in find_workflow(workflow_id, store.root, _cache(args)).fields())
        except WorkflowError:
            cache[workflow_id] = None
    return cache[workflow_id]


def cmd_list(args: argparse.Namespace) -> int:
    store = _store(args)
    metas = store.list_reports()
    totals: dict[str, int | None] = {}
    if args.json:
        rows = []
        for m in metas:
            lock = m.locked_by
            rows.append({
                "id": m.id,
                "title": m.title,
                "workflow_id": m.workflow_id,
                "workflow_version": m.workflow_version,
                "unit": m.unit,
                "year": m.year,
                "created": m.created,
                "updated": m.updated,
                "answered": m.answered,
                "fields": _field_total(store, m.workflow_id, totals, args),
                "unconfirmed": m.unconfirmed,
                "from_report": m.from_report,
                "locked_by": None if lock is None else {
                    "pid": lock.pid, "host": lock.host, "user": lock.user, "started": lock.started,
                },
                "problem": m.problem,
            })
        _json(rows)
        return EXIT_OK
    if not metas:
        _out("还没有报告。新建：shuzhi new --workflow dangjian-shuzhi；看示例：shuzhi demo")
        return EXIT_OK
    table = [("编号", "年度", "已填字段", "更新时间", "标题")]
    for m in metas:
        total = _field_total(store, m.workflow_id, totals, args)
        progress = f"{m.answered}/{total}" if total else str(m.answered)
        title = m.title
        if m.locked_by is not None:
            title += "（正由其他会话编辑）"
        if m.problem:
            title += f"（{m.problem}）"
        table.append((m.id, str(m.year or ""), progress, m.updated[:16].replace("T", " "), title))
    widths = [max(_width(row[i]) for row in table) for i in range(4)]
    for row in table:
        _out("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    return EXIT_OK


def cmd_fill(args: argparse.Namespace) -> int:
    with _session(args, write=True) as session:
        if args.file == "-":
            text = _read_stdin_text()
            fmt = "json" if text.lstrip().startswith(("{", "[")) else "yaml"
            imported = session.import_answers_text(text, fmt, "标准输入")
        else:
            imported = session.import_answers_file(args.file)
        result = session.check()
    _out(f"已保存 {len(imported)} 项答案到报告“{session.title}”（{session.report_id}）。")
    pending = len(result.of_severity("pending"))
    errors = len(result.of_severity("error"))
    if pending or errors:
        _out(f"还有 {pending} 处待填、{errors} 处错误（详见 shuzhi check {session.report_id}）。")
    return EXIT_OK


def cmd_answers(args: argparse.Namespace) -> int:
    with _session(args, readonly=True) as session:
        sys.stdout.write(session.export_answers(args.format))
        drafts = session.drafts
    if drafts:
        where = "已作为注释附在末尾" if args.format == "yaml" else "JSON 不能带注释，未输出"
        listing = "、".join(sorted(drafts))
        _err(f"注意：{len(drafts)} 个字段的输入未通过校验，是草稿而不是答案（{where}）：{listing}")
    return EXIT_OK


def cmd_ask(args: argparse.Namespace) -> int:
    from tui.ask import run_ask

    with _session(args, write=True) as session:
        return run_ask(
            session, _Utf8Lines(sys.stdin), sys.stdout,
            only_pending=getattr(args, "pending", False), start_item=getattr(args, "item", None),
        )


def cmd_check(args: argparse.Namespace) -> int:
    from workflows.checks import SEVERITY_NAMES

    with _session(args, readonly=True) as session:
        wf = session.workflow
        result = session.full_check()
        unconfirmed = session.unconfirmed()
        title, report_id = session.title, session.report_id
    extra = result.blockers
    ready = result.ready
    counts = {s: len(result.of_severity(s)) for s in ("pending", "error", "warning")}
    if args.json:
        titles = {item.id: item.title for item in wf.items()}
        _json({
            "report": report_id,
            "title": title,
            "workflow": wf.id,
            "ready": ready,
            "counts": {**counts, "blockers": len(extra)},
            "problems": [{**p.to_json(), "item_title": titles.get(p.item_id, "")} for p in result.problems],
            "blockers": [
                {"kind": b.kind, "item": b.item_id, "message": b.message, "where": b.where} for b in extra
            ],
            "items": result.item_states,
            "unconfirmed": unconfirmed,
            "unconfirmed_items": result.proposed_items,
        })
        return EXIT_OK if ready else EXIT_FAILED
    _out(f"报告“{title}”（{report_id}）检查结果：")
    confirm = f"，待确认 {len(result.proposed_items)} 项" if result.proposed_items else ""
    _out(f"待填 {counts['pending']} 处，错误 {counts['error'] + len(extra)} 处，提醒 {counts['warning']} 条{confirm}。")
    sections = {s.id: s.title for s in wf.sections}
    for item in wf.items():
        problems = result.for_item(item.id)
        blockers = [b for b in extra if b.item_id == item.id]
        if not problems and not blockers:
            continue
        _out()
        _out(f"【{sections.get(item.section_id, '')} › {item.title}】（{item.id}）")
        for p in problems:
            source = f"（依据：{p.source}）" if p.source else ""
            _out(f"  {SEVERITY_NAMES.get(p.severity, p.severity)}  {p.field_path}：{p.message}{source}")
        for b in blockers:
            _out(f"  错误  {b.where or ''}{'：' if b.where else ''}{b.message}")
    loose = [b for b in extra if b.item_id is None or wf.item(b.item_id) is None]
    if loose:
        _out()
        _out("【报告其他部分】")
        for b in loose:
            _out(f"  错误  {b.where or ''}{'：' if b.where else ''}{b.message}")
    if result.proposed_items:
        _out()
        _out(f"待确认 {len(result.proposed_items)} 项（用的是默认内容，尚未确认；不影响导出，请核对）：")
        for item_id in result.proposed_items:
            item = wf.item(item_id)
            if item is not None:
                _out(f"  待确认  {sections.get(item.section_id, '')} › {item.title}（{item.id}）")
        _out(f"  （在界面中看过本项后翻到下一项，或用 shuzhi ask {report_id} 逐项回车，即为确认）")
    if unconfirmed:
        years = "、".join(str(y) for y in sorted(set(unconfirmed.values())))
        _out()
        _out(f"另有 {len(unconfirmed)} 项答案沿用自{years}年，尚未逐项确认（可用 shuzhi ask {report_id} 核对）。")
    _out()
    if ready:
        note = f"（另有 {counts['warning']} 条提醒，不影响导出）" if counts["warning"] else ""
        _out(f"结论：检查通过，可以导出正式稿{note}。")
        return EXIT_OK
    _out(f"结论：还不能导出正式稿；处理以上待填和错误后再导出，或先用 shuzhi export {report_id} --draft 导出草稿。")
    return EXIT_FAILED


def cmd_preview(args: argparse.Namespace) -> int:
    with _session(args, readonly=True) as session:
        if not _is_tty(sys.stdout) or _dumb_terminal():
            from workflows.render.controls import visible

            sys.stdout.write(visible(session.plain_text(), lines=True))  # no escape codes, nothing paged
            return EXIT_OK
        report = session.assemble()
    from rich.console import Console

    from workflows.render.preview import report_renderable, summary_line

    console = Console()  # honours NO_COLOR
    color = not console.no_color
    if color and "LESS" not in os.environ:
        os.environ["LESS"] = "-R"  # let less show the highlighted markers
    with console.pager(styles=color):
        console.print(report_renderable(report))
        console.print()
        console.print(summary_line(report), style="dim" if color else "")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    with _session(args, readonly=True) as session:
        result = session.export(args.format, args.output, draft=args.draft, profile=args.profile)
    for note in result.notes:
        _err(f"注意：{note}")
    _out(str(result.path))
    return EXIT_OK


def cmd_rollup(args: argparse.Namespace) -> int:
    from tui.session.rollup import (
        load_sources,
        missing_count,
        plan_lines,
        plan_rollup,
        rollup_workflow,
        wrap,
        written_summary,
    )
    from workflows.render.preview import visible

    width = max(60, min(_terminal_columns(), 100))

    def say(lines: Sequence[str]) -> None:
        for line in lines:
            # Names and paths come from answers and files: no control characters.
            for part in wrap(visible(line), width) if line else [""]:
                _out(part)

    store = _store(args)
    with _session(args, write=not args.dry_run, readonly=args.dry_run) as session:
        branch = rollup_workflow(session)
        found = load_sources(store, branch, args.sources)
        plan = plan_rollup(session, found, allow_year_mismatch=args.year_mismatch_ok)
        say([f"汇总支部数据到报告“{session.title}”（{session.report_id}）", ""])
        say(plan_lines(plan, width))
        if not plan.ok:
            return EXIT_FAILED
        gaps = missing_count(plan)
        _out()
        if args.strict and gaps:
            say([f"有 {gaps} 处缺少支部数据（见上）；使用了 --strict，未写入任何内容。"])
            return EXIT_FAILED
        if args.dry_run:
            say(["试算（--dry-run）：未写入任何内容。去掉 --dry-run 即写入本报告。"])
            return EXIT_OK
        written = session.apply_rollup(plan)
        say([written_summary(written, plan)])
        if gaps:
            say([f"有 {gaps} 处缺少支部数据（见上），补齐后可重新汇总（再次汇总会替换这些合计）。"])
        say([f"检查：shuzhi check {session.report_id}；预览：shuzhi preview {session.report_id}"])
    return EXIT_OK


def cmd_workflows(args: argparse.Namespace) -> int:
    from tui.session import workflow_choices
    from workflows.loader import builtin_ids

    builtin = set(builtin_ids())
    workflows = workflow_choices(_data_dir_if_exists(args), _cache(args))
    if args.json:
        _json([
            {
                "id": wf.id,
                "title": wf.title,
                "version": wf.version,
                "description": wf.description,
                "builtin": wf.id in builtin,
                "items": sum(1 for _ in wf.items()),
                "fields": sum(1 for _ in wf.fields()),
            }
            for wf in workflows
        ])
        return EXIT_OK
    width = max((_width(wf.id) for wf in workflows), default=0)
    for wf in workflows:
        kind = "内置" if wf.id in builtin else "自定义"
        _out(f"{_pad(wf.id, width)}  {wf.title}（{kind}，第{wf.version}版，{sum(1 for _ in wf.items())} 个条目）")
        if wf.description:
            _out(f"{' ' * width}  {wf.description}")
    return EXIT_OK


def cmd_workflow_show(args: argparse.Namespace) -> int:
    from tui.session import field_hint, find_workflow
    from workflows.loader import WorkflowError, load_workflow

    try:
        wf = find_workflow(args.workflow, _data_dir_if_exists(args), _cache(args))
    except WorkflowError:
        if not (args.workflow.endswith((".yaml", ".yml", ".toml")) or os.path.exists(args.workflow)):
            raise
        wf = load_workflow(args.workflow)
    if args.json:
        _json(wf.to_json())
        return EXIT_OK
    _out(f"{wf.title}（{wf.id}，第{wf.version}版）")
    if wf.description:
        _out(wf.description)
    for section in wf.sections:
        _out()
        _out(f"{section.title}（{section.id}）")
        for item in section.items:
            _out(f"  {item.title}（{item.id}）：{item.question}")
            for f in item.fields:
                _out(f"    {f.path}  {f.label}（{field_hint(f)}）")
                for sub in f.fields:
                    _out(f"      {sub.id}  {sub.label}（{field_hint(sub)}）")
    return EXIT_OK


def cmd_workflow_validate(args: argparse.Namespace) -> int:
    from tui.session.workflows import trial_problems
    from workflows.loader import WorkflowError, load_workflow

    wf = load_workflow(args.file)
    problems = trial_problems(wf, args.file)
    if problems:
        raise WorkflowError(problems, str(args.file))
    items = sum(1 for _ in wf.items())
    fields = sum(1 for _ in wf.fields())
    _out(
        f"工作流“{wf.title}”（{wf.id}，第{wf.version}版）格式正确："
        f"{len(wf.sections)} 个部分，{items} 个条目，{fields} 个字段。"
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tui.session import DEMO_WORKFLOW, create_demo_report, open_session

    folder = Path(args.output).expanduser() if args.output else Path.cwd()
    if folder.exists() and not folder.is_dir():
        raise CliError(f"“{folder}”不是文件夹")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"无法创建文件夹“{folder}”：{exc.strerror or exc}") from None
    store = _store(args)
    meta = create_demo_report(store, DEMO_WORKFLOW)
    with open_session(store, meta.id, readonly=True, cache=_cache(args)) as session:
        paths = [session.export(fmt, folder).path for fmt in ("docx", "txt")]
    for path in paths:
        _out(str(path))
    if _is_tty(sys.stderr):
        _err(f"示例报告已保存（编号 {meta.id}），可以用 shuzhi open {meta.id} 查看和修改。")
    return EXIT_OK


# ------------------------------------------------------------------ parser


def build_parser(only: str | None = None) -> Parser:
    """The ``shuzhi`` parser; with ``only`` (a command name), just that
    command's sub-parser is built (see :func:`_parser_for`), else all of them."""
    common = Parser(add_help=False)
    common.add_argument(
        "--data-dir", metavar="目录", default=argparse.SUPPRESS,
        help="数据目录（默认读环境变量 SHUZHI_DATA_DIR，再用系统默认位置）",
    )
    parser = Parser(
        prog=PROG,
        description="述职：党建工作述职报告的写作助手。不带命令时打开全屏界面。",
        epilog=EXIT_CODES_HELP + "\n\n报告可用编号、编号开头几位或标题开头指定（须唯一）。",
    )
    parser.add_argument(
        "--data-dir", metavar="目录", default=None,
        help="数据目录（默认读环境变量 SHUZHI_DATA_DIR，再用系统默认位置）",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.set_defaults(func=cmd_app)
    sub = parser.add_subparsers(title="命令", metavar="命令", dest="command", parser_class=Parser)

    def command(name: str, help_text: str, func: Callable[[argparse.Namespace], int], **kw: Any) -> Parser | None:
        if only is not None and name != only:
            return None
        p = sub.add_parser(
            name, help=help_text, description=kw.pop("description", help_text), parents=[common],
            **kw,
        )
        p.set_defaults(func=func)
        return p

    report_help = "报告编号、编号开头几位或标题开头"

    if p := command("open", "打开全屏界面并直接进入这份报告的填写向导（输出不是终端时改为逐行问答）", cmd_open):
        p.add_argument("report", metavar="报告", help=report_help)
        p.add_argument("--item", metavar="条目",
                       help="从这个条目开始（条目编号见 shuzhi workflow show）；默认从上次看到的条目继续")

    if p := command("new", "新建报告，输出新报告的编号", cmd_new):
        p.add_argument("--workflow", metavar="工作流", help="工作流编号（见 shuzhi workflows）或工作流文件路径")
        p.add_argument("--year", metavar="年度", help="述职年度，如 2025")
        p.add_argument("--unit", metavar="单位", help="单位名称")
        p.add_argument("--name", metavar="姓名", help="述职人姓名")
        p.add_argument("--position", metavar="职务", help="职务，如 党组书记")
        p.add_argument("--title", metavar="标题", help="报告在列表中的名称（默认按报告标题生成）")
        p.add_argument(
            "--from", dest="from_report", metavar="报告",
            help="以往年的这份报告为基础：沿用其答案（逐项标为待确认），年度自动加一",
        )

    if p := command("list", "列出所有报告", cmd_list):
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

    if p := command(
        "fill", "从 YAML 或 JSON 答案文件合并答案（有任何问题则什么都不保存）", cmd_fill,
        epilog="答案文件的写法：shuzhi answers 报告 导出一份看看；字段清单：shuzhi workflow show 工作流 --json",
    ):
        p.add_argument("report", metavar="报告", help=report_help)
        p.add_argument("file", metavar="文件", help="答案文件（.yaml/.yml 或 .json；“-”表示从标准输入读取）")

    if p := command("answers", "输出报告的答案（答案文件格式）", cmd_answers):
        p.add_argument("report", metavar="报告", help=report_help)
        p.add_argument("--format", choices=("yaml", "json"), default="yaml", metavar="格式",
                       help="yaml（默认）或 json")

    if p := command(
        "ask", "逐行问答，按顺序填写每个条目（适合读屏软件和简单终端）", cmd_ask,
        epilog=(
            "回答方式：直接回车保留当前值；输入“-”清空；多行文字和列表逐行输入，以单独一行“.”结束；\n"
            "选择题可输入序号。每答一项立即保存；按 Ctrl+D 结束。"
        ),
    ):
        p.add_argument("report", metavar="报告", help=report_help)
        p.add_argument("--pending", action="store_true", help="只问还有待填项或错误的条目")

    if p := command("check", "检查待填项、错误和规范提醒；可以导出正式稿时退出码为 0，否则为 1", cmd_check):
        p.add_argument("report", metavar="报告", help=report_help)
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

    if p := command("preview", "预览报告全文（终端中分页显示；管道输出时为纯文本）", cmd_preview):
        p.add_argument("report", metavar="报告", help=report_help)

    if p := command("export", "导出报告，输出写入的文件路径", cmd_export):
        from workflows.export import FORMATS, PROFILES  # the registries (cheap: no python-docx)

        p.add_argument("report", metavar="报告", help=report_help)
        p.add_argument("-f", "--format", choices=tuple(FORMATS), default="docx", metavar="格式",
                       help="docx（默认，公文格式 Word）、md、txt 或 pdf（需要 LibreOffice）")
        p.add_argument("-o", "--output", metavar="路径", help="文件或文件夹（默认：当前文件夹，按标题命名）")
        p.add_argument("--draft", action="store_true", help="导出草稿：允许有待填项，待填处保留标记")
        p.add_argument("--profile", choices=tuple(PROFILES), default="standard", metavar="版式",
                       help="standard（默认，每行28字、每页22行）或 line28")

    if p := command(
        "rollup", "把各党支部的报告或答案文件中的数字汇总到本单位报告（合计写入报告，记录来源）", cmd_rollup,
        description=(
            "把各党支部的数字汇总到本单位（机关党委、局党组）的述职报告：按工作流中 rollup 的规定，"
            "逐项相加各支部的支委会、党员大会、党课、主题党日等次数，一次写入报告，并记录每个合计来自哪些支部。\n"
            "来源可以是本机的支部报告（编号或标题开头），也可以是支部用 shuzhi answers 导出的答案文件。\n"
            "有任何来源不能汇总（工作流不对、同一支部出现两次、年度不一致、文件损坏）时，什么都不写入。"
        ),
        epilog=(
            "示例：\n"
            "  shuzhi rollup 2025年机关党建 第一党支部 第二党支部 三支部.yaml\n"
            "  shuzhi rollup 3fa2 支部答案/*.yaml --dry-run\n"
            "\n再次汇总会替换上次的合计和来源记录；汇总后手工改过的合计，shuzhi check 会提醒。\n"
            + EXIT_CODES_HELP
        ),
    ):
        p.add_argument("report", metavar="报告", help="本单位的报告：" + report_help)
        p.add_argument("sources", metavar="来源", nargs="+",
                       help="支部报告（编号或标题开头）或支部的答案文件（.yaml/.yml/.json），可列多个")
        p.add_argument("--dry-run", action="store_true", help="只计算并显示合计，不写入报告")
        p.add_argument("--strict", action="store_true", help="有任何支部缺少数据时不写入，退出码为 1")
        p.add_argument("--year-mismatch-ok", action="store_true",
                       help="允许来源的述职年度与本报告不同（照常汇总，并提示）")

    if p := command("workflows", "列出可用的工作流", cmd_workflows):
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

    if wp := command("workflow", "查看或校验工作流", lambda a: _usage(wp)):
        wsub = wp.add_subparsers(title="子命令", metavar="子命令", dest="workflow_command", parser_class=Parser)
        p = wsub.add_parser("show", help="显示工作流的条目和字段", description="显示工作流的条目和字段",
                            parents=[common])
        p.add_argument("workflow", metavar="工作流", help="工作流编号或文件路径")
        p.add_argument("--json", action="store_true", help="以 JSON 输出（含每个字段的 id、类型、必填、取值范围、选项）")
        p.set_defaults(func=cmd_workflow_show)
        p = wsub.add_parser("validate", help="校验工作流文件，列出全部问题", description="校验工作流文件，列出全部问题",
                            parents=[common])
        p.add_argument("file", metavar="文件", help="工作流文件（YAML）")
        p.set_defaults(func=cmd_workflow_validate)

    if p := command("demo", "用示例答案生成一份演示报告，导出 Word 和纯文本，输出两个文件路径", cmd_demo):
        p.add_argument("-o", "--output", metavar="文件夹", help="导出到此文件夹（默认：当前文件夹）")

    # -- hardening (issue 14): backups, restore, unlock
    if p := command("backups", "列出报告的备份（时间、已答字段数、大小）", cmd_backups,
                    epilog="恢复某个备份：shuzhi restore 报告 [备份]（备份写序号或文件名；不写则恢复最新的完好备份）"):
        p.add_argument("report", metavar="报告", help=report_help)
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

    if p := command("restore", "从备份恢复报告（默认恢复最新的完好备份；损坏的报告文件会先移到一旁）", cmd_restore):
        p.add_argument("report", metavar="报告", help=report_help)
        p.add_argument("backup", metavar="备份", nargs="?",
                       help="备份的序号（见 shuzhi backups，1 为最新）或文件名；默认为最新的完好备份")

    if p := command("unlock", "解除报告的编辑锁定（只在确定没有别的会话正在编辑时使用）", cmd_unlock):
        p.add_argument("report", metavar="报告", help=report_help)

    if only is not None and only not in sub.choices:
        return build_parser()  # no such command: the whole parser says so, listing them all
    return parser


def _parser_for(argv: Sequence[str]) -> Parser:
    """The parser for this command line: when it names a command, with only
    ``--data-dir`` before it, only that command's sub-parser is built (all
    fourteen sub-parsers cost ≈ 5 ms at every start; the one command parses
    and reports errors exactly as in the whole parser). Anything else (no command,
    ``--help``, ``--version``, a name that is no command) gets the whole
    parser, so help and errors still list every command."""
    i = 0
    while i < len(argv) and (argv[i] == "--data-dir" or argv[i].startswith("--data-dir=")):
        i += 2 if argv[i] == "--data-dir" else 1
    if i < len(argv) and not argv[i].startswith("-"):
        return build_parser(only=argv[i])
    return build_parser()


def _usage(parser: Parser) -> int:
    with _ChineseArgparse():
        parser.print_help(sys.stderr)
    return EXIT_USAGE


# ------------------------------------------------------------- backups


def _find_report_id(store: Any, query: str) -> Any:
    return store.find(query, include_deleted=True)


def _backup_time(info: Any) -> str:
    return info.created.strftime("%Y-%m-%d %H:%M:%S")


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} B"


def cmd_backups(args: argparse.Namespace) -> int:
    import json

    store = _store(args)
    meta = _find_report_id(store, args.report)
    rows = store.inspect_backups(meta.id)
    if args.json:
        _out(json.dumps([
            {"number": i, "time": info.created.isoformat(timespec="seconds"), "file": info.path.name,
             "path": str(info.path), "size": info.size, "answered": answered, "problem": problem}
            for i, (info, answered, problem) in enumerate(rows, 1)
        ], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        _out(f"报告“{meta.title}”（{meta.id}）还没有备份（每次关闭报告时自动备份）。")
        return EXIT_OK
    _out(f"报告“{meta.title}”（{meta.id}）的备份，最新的在前：")
    table = [("序号", "时间", "已答字段", "大小", "文件")]
    for i, (info, answered, problem) in enumerate(rows, 1):
        table.append((str(i), _backup_time(info), "损坏" if answered is None else str(answered), _size(info.size),
                      info.path.name + (f"（无法使用：{problem}）" if problem else "")))
    widths = [max(_width(row[i]) for row in table) for i in range(4)]
    for row in table:
        _out("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    _out(f"恢复最新的完好备份：shuzhi restore {meta.id}；恢复某一个：shuzhi restore {meta.id} 序号")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    store = _store(args)
    meta = _find_report_id(store, args.report)
    chosen = None
    if args.backup:
        listed = store.list_backups(meta.id)
        text = args.backup.strip()
        if text.isdigit():
            number = int(text)
            if not 1 <= number <= len(listed):
                raise CliError(f"报告 {meta.id} 没有序号为 {number} 的备份（共 {len(listed)} 个；"
                               f"查看：shuzhi backups {meta.id}）。")
            chosen = listed[number - 1]
        else:
            from pathlib import Path

            name = Path(text).name
            chosen = next((b for b in listed if b.path.name == name), None)
            if chosen is None:
                raise CliError(f"“{text}”不是报告 {meta.id} 的备份（查看全部备份：shuzhi backups {meta.id}）。")
    if chosen is None:
        chosen = next((info for info, answered, _ in store.inspect_backups(meta.id) if answered is not None), None)
        if chosen is None:
            raise CliError(f"报告 {meta.id} 没有可用的备份（查看：shuzhi backups {meta.id}）。")
    existed = store.report_path(meta.id).exists()
    damaged = set(store.damaged_dir.glob("*")) if store.damaged_dir.is_dir() else set()
    restored = store.restore_backup(meta.id, chosen)
    moved = sorted(set(store.damaged_dir.glob("*")) - damaged) if store.damaged_dir.is_dir() else []
    _out(f"已从 {_backup_time(chosen)} 的备份恢复报告“{restored.title}”（{restored.id}），"
         f"已答 {restored.answered} 个字段。")
    if moved:
        _out(f"损坏的报告文件已原样移到“{moved[0]}”。")
    elif existed:
        _out(f"恢复前的报告文件已另存为一个新备份（查看：shuzhi backups {restored.id}）。")
    return EXIT_OK


def cmd_unlock(args: argparse.Namespace) -> int:
    store = _store(args)
    meta = _find_report_id(store, args.report)
    _err("警告：解除锁定后，如果另一台电脑（或容器）上的会话其实还在编辑这份报告，两边的修改会互相覆盖。"
         "请先确认那个会话已经结束。")
    removed = store.unlock(meta.id)
    if removed is None:
        _out(f"报告“{meta.title}”（{meta.id}）没有被锁定，可以直接编辑。")
    else:
        _out(f"已解除报告“{meta.title}”（{meta.id}）的锁定（原锁定者：{removed.describe()}）。")
    return EXIT_OK


# ------------------------------------------------------------- hardening


def _read_stdin_text() -> str:
    """Standard input as UTF-8 text; other encodings are named with a hint."""
    from workflows.safeparse import ParseLimitError, decode_text, read_bounded

    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a text stream handed in (tests)
        return sys.stdin.read()
    try:
        return decode_text(read_bounded(buffer))
    except ParseLimitError as exc:
        raise CliError("标准输入" + "；".join(exc.problems) + "。未保存任何内容。") from None


class _Utf8Lines:
    """Lines of a stream decoded as UTF-8 one at a time: a line in another
    encoding is reported (with a hint) and skipped, not fatal."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.buffer = getattr(stream, "buffer", None)

    def isatty(self) -> bool:
        return self.stream.isatty()

    def readline(self) -> str:
        if self.buffer is None:
            return self.stream.readline()
        from workflows.safeparse import encoding_hint

        while True:
            raw = self.buffer.readline()
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                _err(f"\n这一行输入{encoding_hint(raw, typed=True)}。这一行未保存，请重新输入。")


def _os_error_message(exc: OSError) -> str | None:
    """A Chinese message for an OSError the user can act on, or None."""
    import errno

    name = exc.filename if isinstance(exc.filename, str) else ""
    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", -1):
        where = f"写入“{name}”时" if name else "写入时"
        return (f"磁盘空间不足，{where}失败：这次的修改没有写入，已保存的内容保持上一次成功保存时的样子。"
                "请清理磁盘空间后重试。")
    if exc.errno == errno.ENAMETOOLONG:
        shown = name if len(name) <= 60 else name[:40] + "…" + name[-12:]
        return f"文件名或路径太长：“{shown}”（一个文件名最多 255 字节，约 85 个汉字）。请换一个短一些的名字。"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and name:
        from pathlib import Path

        path = Path(name)
        for candidate in (path, *path.parents):
            if candidate.exists() and not candidate.is_dir():
                return (f"“{candidate}”应是文件夹，现在却是一个文件（可能被误替换）。"
                        "请把它改名移开，或换用别的位置，然后重试；其他已保存的内容未受影响。")
    if exc.errno in (errno.EACCES, errno.EPERM) and name:
        return f"没有权限访问“{name}”。"
    if exc.errno == errno.EROFS:
        return f"“{name}”所在的磁盘是只读的，无法写入。"
    return None


# ------------------------------------------------------------------ main


def _exit_code(exc: BaseException) -> int | None:
    """Exit code for a library error, or None for an unexpected exception."""
    if isinstance(exc, CliError):
        return exc.code
    try:
        from store.errors import Ambiguous, DeletedError, LockedError, NotFound, ReadOnlyError, StoreError
    except ImportError:  # pragma: no cover
        return None
    if isinstance(exc, (NotFound, Ambiguous, LockedError, ReadOnlyError, DeletedError)):
        return EXIT_REPORT
    if isinstance(exc, StoreError):
        return EXIT_FAILED
    from tui.session import SessionError
    from workflows.answers import AnswersFileError
    from workflows.loader import WorkflowError
    from workflows.values import AnswerError

    if isinstance(exc, (SessionError, AnswersFileError, WorkflowError, AnswerError)):
        return EXIT_FAILED
    if "workflows.export" in sys.modules:
        from workflows.export import ExportError

        if isinstance(exc, ExportError):
            return EXIT_FAILED
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``shuzhi`` command; returns the exit code."""
    if argv is None:
        argv = sys.argv[1:]
    with _ChineseArgparse():
        parser = _parser_for(argv)
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:
            return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    try:
        from workflows.cache import Cache

        args.cache = Cache.default()  # the one cache of this call, passed to what uses it
        return args.func(args)
    except KeyboardInterrupt:
        _err("\n已中断。已保存的答案不会丢失。")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. "| head"); stop quietly.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return EXIT_FAILED
    except Exception as exc:  # noqa: BLE001 - mapped to a Chinese message below
        code = _exit_code(exc)
        if code is None and isinstance(exc, OSError):
            message = _os_error_message(exc)
            if message is not None:
                _err(f"{PROG}：{message}")
                return EXIT_FAILED
        if code is None:
            if os.environ.get(DEBUG_ENV):
                raise
            _err(f"{PROG}：出现意外错误（{type(exc).__name__}：{exc}）。已保存的答案不受影响。"
                 f"设置环境变量 {DEBUG_ENV}=1 可查看详细信息。")
            return EXIT_FAILED
        _err(f"{PROG}：{exc}")
        return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
