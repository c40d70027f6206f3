"""The full-screen app: ``shuzhi`` alone and ``shuzhi open``."""

from __future__ import annotations

import argparse

from .base import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    cache_of,
    data_dir,
    dumb_terminal,
    err,
    full_screen_possible,
    open_store,
)


def cmd_app(args: argparse.Namespace) -> int:
    if not full_screen_possible():
        why = "终端类型为 dumb" if dumb_terminal() else "当前输入或输出不是终端"
        raise CliError(
            f"shuzhi 的全屏界面需要在完整的终端中运行（{why}）。\n"
            "可以改用逐行问答：shuzhi ask 报告编号（报告列表：shuzhi list）；查看全部命令：shuzhi --help",
            EXIT_USAGE,
        )
    return _run_app(args, None)


def _run_app(args: argparse.Namespace, report_id: str | None, item: str | None = None) -> int:
    from tui.app import create_app

    app = create_app(
        data_dir=data_dir(args), report_id=report_id, start_item=item, handle_signals=True,
        cache=cache_of(args),
    )
    app.run()
    return app.return_code or EXIT_OK


def cmd_open(args: argparse.Namespace) -> int:
    store = open_store(args)
    meta = store.find(args.report)
    item = getattr(args, "item", None)
    if item is not None:
        from tui.session import find_workflow

        wf = find_workflow(meta.workflow_id, store.root, cache_of(args))
        if wf.item(item) is None:
            known = "、".join(i.id for i in wf.items())
            raise CliError(
                f"工作流“{wf.id}”中没有条目“{item}”（条目编号见 shuzhi workflow show {wf.id}；可用：{known}）"
            )
    if not full_screen_possible():
        err("（无法使用全屏界面，改用逐行问答。）")
        args.report = meta.id
        args.pending = False
        from .answers import cmd_ask

        return cmd_ask(args)
    return _run_app(args, meta.id, item)
