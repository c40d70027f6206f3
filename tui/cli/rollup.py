"""``rollup``: branch figures summed into the bureau's report."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .base import EXIT_FAILED, EXIT_OK, open_report, open_store, out, terminal_columns


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

    width = max(60, min(terminal_columns(), 100))

    def say(lines: Sequence[str]) -> None:
        for line in lines:
            # Names and paths come from answers and files: no control characters.
            for part in wrap(visible(line), width) if line else [""]:
                out(part)

    store = open_store(args)
    with open_report(args, write=not args.dry_run, readonly=args.dry_run) as session:
        branch = rollup_workflow(session)
        found = load_sources(store, branch, args.sources)
        plan = plan_rollup(session, found, allow_year_mismatch=args.year_mismatch_ok)
        say([f"汇总支部数据到报告“{session.title}”（{session.report_id}）", ""])
        say(plan_lines(plan, width))
        if not plan.ok:
            return EXIT_FAILED
        gaps = missing_count(plan)
        out()
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
