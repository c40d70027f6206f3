"""Backups and locks: ``backups``, ``restore`` and ``unlock``."""

from __future__ import annotations

import argparse
from typing import Any

from .base import EXIT_OK, CliError, cache_of, err, open_store, out, print_json, table


def _find_report(store: Any, query: str) -> Any:
    return store.find(query, include_deleted=True)


def cmd_backups(args: argparse.Namespace) -> int:
    store = open_store(args)
    meta = _find_report(store, args.report)
    from tui.session import backup_rows

    rows = backup_rows(store, meta.id)
    if args.json:
        print_json([
            {"number": row.number, "time": row.info.created.isoformat(timespec="seconds"), "file": row.info.path.name,
             "path": str(row.info.path), "size": row.info.size, "answered": row.answered, "problem": row.problem}
            for row in rows
        ])
        return EXIT_OK
    if not rows:
        out(f"报告“{meta.title}”（{meta.id}）还没有备份（每次关闭报告时自动备份）。")
        return EXIT_OK
    out(f"报告“{meta.title}”（{meta.id}）的备份，最新的在前：")
    lines: list[tuple[str, ...]] = [("序号", "时间", "已答字段", "大小", "文件")]
    for row in rows:
        lines.append((str(row.number), row.time, row.answered_text(), row.size,
                       row.info.path.name + (f"（无法使用：{row.problem}）" if row.problem else "")))
    table(lines)
    out(f"恢复最新的完好备份：shuzhi restore {meta.id}；恢复某一个：shuzhi restore {meta.id} 序号")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    store = open_store(args)
    meta = _find_report(store, args.report)
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
    from tui.session import restore_backup

    for line in restore_backup(store, meta.id, chosen, cache=cache_of(args)).lines():
        out(line)
    return EXIT_OK


def cmd_unlock(args: argparse.Namespace) -> int:
    store = open_store(args)
    meta = _find_report(store, args.report)
    err("警告：解除锁定后，如果另一台电脑（或容器）上的会话其实还在编辑这份报告，两边的修改会互相覆盖。"
         "请先确认那个会话已经结束。")
    removed = store.unlock(meta.id)
    if removed is None:
        out(f"报告“{meta.title}”（{meta.id}）没有被锁定，可以直接编辑。")
    else:
        out(f"已解除报告“{meta.title}”（{meta.id}）的锁定（原锁定者：{removed.describe()}）。")
    return EXIT_OK
