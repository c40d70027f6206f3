"""Workflows: ``workflows``, ``workflow show`` and ``workflow validate``."""

from __future__ import annotations

import argparse
import os

from .base import EXIT_OK, cache_of, data_dir_if_exists, out, pad, print_json, width


def cmd_workflows(args: argparse.Namespace) -> int:
    from tui.session import workflow_choices
    from workflows.loader import builtin_ids

    builtin = set(builtin_ids())
    workflows = workflow_choices(data_dir_if_exists(args), cache_of(args))
    if args.json:
        print_json([
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
    id_width = max((width(wf.id) for wf in workflows), default=0)
    for wf in workflows:
        kind = "内置" if wf.id in builtin else "自定义"
        out(f"{pad(wf.id, id_width)}  {wf.title}（{kind}，第{wf.version}版，{sum(1 for _ in wf.items())} 个条目）")
        if wf.description:
            out(f"{' ' * id_width}  {wf.description}")
    return EXIT_OK


def cmd_workflow_show(args: argparse.Namespace) -> int:
    from tui.session import field_hint, find_workflow
    from workflows.loader import WorkflowError, load_workflow

    try:
        wf = find_workflow(args.workflow, data_dir_if_exists(args), cache_of(args))
    except WorkflowError:
        if not (args.workflow.endswith((".yaml", ".yml", ".toml")) or os.path.exists(args.workflow)):
            raise
        wf = load_workflow(args.workflow)
    if args.json:
        print_json(wf.to_json())
        return EXIT_OK
    out(f"{wf.title}（{wf.id}，第{wf.version}版）")
    if wf.description:
        out(wf.description)
    for section in wf.sections:
        out()
        out(f"{section.title}（{section.id}）")
        for item in section.items:
            out(f"  {item.title}（{item.id}）：{item.question}")
            for f in item.fields:
                out(f"    {f.path}  {f.label}（{field_hint(f)}）")
                for sub in f.fields:
                    out(f"      {sub.id}  {sub.label}（{field_hint(sub)}）")
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
    out(
        f"工作流“{wf.title}”（{wf.id}，第{wf.version}版）格式正确："
        f"{len(wf.sections)} 个部分，{items} 个条目，{fields} 个字段。"
    )
    return EXIT_OK
