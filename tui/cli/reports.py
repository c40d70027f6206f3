"""Reports: ``new``, ``list`` and ``demo``."""

from __future__ import annotations

import argparse
import sys

from .base import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    cache_of,
    err,
    is_tty,
    open_store,
    out,
    print_json,
    table,
)


def cmd_new(args: argparse.Namespace) -> int:
    from tui.session import (
        NewReport,
        create_report,
        find_workflow,
        resolve_workflow_ref,
    )

    store = open_store(args)
    previous = store.find(args.from_report) if args.from_report else None
    if args.workflow:
        workflow = resolve_workflow_ref(args.workflow, store.root, cache_of(args))
    elif previous is not None:
        workflow = find_workflow(previous.workflow_id, store.root, cache_of(args))
    else:
        raise CliError("请用 --workflow 指定工作流（可用的工作流：shuzhi workflows）", EXIT_USAGE)
    spec = NewReport(
        workflow, year=args.year, unit=args.unit, name=args.name, position=args.position, title=args.title
    )
    meta = create_report(store, spec, previous=previous.id if previous else None)
    _keep_state(store, meta, args)
    out(meta.id)
    if is_tty(sys.stderr):
        err(f"已新建报告“{meta.title}”（编号 {meta.id}）。继续填写：shuzhi open {meta.id}")
        if previous is not None:
            err(f"已沿用“{previous.title}”的 {meta.unconfirmed} 项答案，请逐项核对（shuzhi check {meta.id}）。")
    return EXIT_OK


def _keep_state(store: object, meta: object, args: argparse.Namespace) -> None:
    """Check a new report now (its title was just assembled: Jinja is
    loaded anyway) and keep its state in the index, so that ``list`` need not."""
    from tui.session.state import states_for

    states_for(store, [meta], cache=cache_of(args))


def cmd_list(args: argparse.Namespace) -> int:
    from tui.session.state import progress_text, states_for, summary_text

    limit = _limit(args)
    store = open_store(args)
    metas = store.list_reports(limit=limit)
    total = store.index.last_total
    # Each report's progress and check as the index holds them; only a
    # report changed since (or never listed) is checked now, and kept.
    states = states_for(store, metas, cache=cache_of(args))
    if args.json:
        rows = []
        for m in metas:
            lock = m.locked_by
            state = states.get(m.id)
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
                "fields": state["fields"] if state else None,
                "unconfirmed": m.unconfirmed,
                "from_report": m.from_report,
                "items_done": state["done"] if state else None,
                "items": state["total"] if state else None,
                "check": None if state is None else {
                    "ready": state["ready"], "pending": state["pending"], "error": state["errors"],
                    "warning": state["warnings"],
                },
                "locked_by": None if lock is None else {
                    "pid": lock.pid, "host": lock.host, "user": lock.user, "started": lock.started,
                },
                "problem": m.problem,
            })
        print_json(rows)
        return EXIT_OK
    if not metas:
        out("还没有报告。新建：shuzhi new --workflow dangjian-shuzhi；看示例：shuzhi demo")
        return EXIT_OK
    lines: list[tuple[str, ...]] = [("编号", "年度", "进度", "检查", "更新时间", "标题")]
    for m in metas:
        state = states.get(m.id)
        progress = progress_text(state) if state else "（无法检查）"
        summary = summary_text(state) if state else ""
        title = m.title
        if m.locked_by is not None:
            title += "（正由其他会话编辑）"
        if m.problem:
            title += f"（{m.problem}）"
            progress = "（无法读取）"
        lines.append((m.id, str(m.year or ""), progress, summary, m.updated[:16].replace("T", " "), title))
    table(lines)
    if total > len(metas):
        out(f"共 {total} 份报告，以上是最近更新的 {len(metas)} 份（全部：shuzhi list --all；"
            "查找一份：用编号或标题开头，如 shuzhi check 标题开头）。")
    return EXIT_OK


LIST_PAGE = 100  # reports ``list`` shows without --all or --limit


def _limit(args: argparse.Namespace) -> int | None:
    """How many reports to list: --limit, all with --all (and by default
    with --json, for scripts), else the first page."""
    raw = getattr(args, "limit", None)
    if raw is not None:
        text = str(raw).strip()
        if not text.isdigit() or int(text) < 1:
            raise CliError(f"--limit 应为正整数，实为“{raw}”", EXIT_USAGE)
        return int(text)
    if getattr(args, "all", False) or args.json:
        return None
    return LIST_PAGE


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
    store = open_store(args)
    meta = create_demo_report(store, DEMO_WORKFLOW)
    _keep_state(store, meta, args)
    with open_session(store, meta.id, readonly=True, cache=cache_of(args)) as session:
        paths = [session.export(fmt, folder).path for fmt in ("docx", "txt")]
    for path in paths:
        out(str(path))
    if is_tty(sys.stderr):
        err(f"示例报告已保存（编号 {meta.id}），可以用 shuzhi open {meta.id} 查看和修改。")
    return EXIT_OK
