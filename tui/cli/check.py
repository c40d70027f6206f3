"""The finished report: ``check``, ``preview`` and ``export``."""

from __future__ import annotations

import argparse
import os
import sys

from .base import (
    EXIT_FAILED,
    EXIT_OK,
    dumb_terminal,
    err,
    is_tty,
    open_report,
    out,
    print_json,
    skip_teardown,
)


def cmd_check(args: argparse.Namespace) -> int:
    from workflows.checks import SEVERITY_NAMES

    with open_report(args, readonly=True) as session:
        wf = session.workflow
        result = session.full_check()
        unconfirmed = session.unconfirmed()
        title, report_id = session.title, session.report_id
    extra = result.blockers
    ready = result.ready
    counts = {s: len(result.of_severity(s)) for s in ("pending", "error", "warning")}
    if args.json:
        titles = {item.id: item.title for item in wf.items()}
        print_json({
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
    out(f"报告“{title}”（{report_id}）检查结果：")
    confirm = f"，待确认 {len(result.proposed_items)} 项" if result.proposed_items else ""
    out(f"待填 {counts['pending']} 处，错误 {counts['error'] + len(extra)} 处，提醒 {counts['warning']} 条{confirm}。")
    sections = {s.id: s.title for s in wf.sections}
    for item in wf.items():
        problems = result.for_item(item.id)
        blockers = [b for b in extra if b.item_id == item.id]
        if not problems and not blockers:
            continue
        out()
        out(f"【{sections.get(item.section_id, '')} › {item.title}】（{item.id}）")
        for p in problems:
            source = f"（依据：{p.source}）" if p.source else ""
            out(f"  {SEVERITY_NAMES.get(p.severity, p.severity)}  {p.field_path}：{p.message}{source}")
        for b in blockers:
            out(f"  错误  {b.where or ''}{'：' if b.where else ''}{b.message}")
    loose = [b for b in extra if b.item_id is None or wf.item(b.item_id) is None]
    if loose:
        out()
        out("【报告其他部分】")
        for b in loose:
            out(f"  错误  {b.where or ''}{'：' if b.where else ''}{b.message}")
    if result.proposed_items:
        out()
        out(f"待确认 {len(result.proposed_items)} 项（用的是默认内容，尚未确认；不影响导出，请核对）：")
        for item_id in result.proposed_items:
            item = wf.item(item_id)
            if item is not None:
                out(f"  待确认  {sections.get(item.section_id, '')} › {item.title}（{item.id}）")
        out(f"  （在界面中看过本项后翻到下一项，或用 shuzhi ask {report_id} 逐项回车，即为确认）")
    if unconfirmed:
        years = "、".join(str(y) for y in sorted(set(unconfirmed.values())))
        out()
        out(f"另有 {len(unconfirmed)} 项答案沿用自{years}年，尚未逐项确认（可用 shuzhi ask {report_id} 核对）。")
    out()
    if ready:
        note = f"（另有 {counts['warning']} 条提醒，不影响导出）" if counts["warning"] else ""
        out(f"结论：检查通过，可以导出正式稿{note}。")
        return EXIT_OK
    out(f"结论：还不能导出正式稿；处理以上待填和错误后再导出，或先用 shuzhi export {report_id} --draft 导出草稿。")
    return EXIT_FAILED


def cmd_preview(args: argparse.Namespace) -> int:
    with open_report(args, readonly=True) as session:
        if not is_tty(sys.stdout) or dumb_terminal():
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
    with open_report(args, readonly=True) as session:
        result = session.export(args.format, args.output, draft=args.draft, profile=args.profile)
    for note in result.notes:
        err(f"注意：{note}")
    out(str(result.path))
    skip_teardown()  # the file is durably in place (atomic write, fsynced) and everything is printed
    return EXIT_OK
