"""`checks` expressions are parsed when checks run, not when a workflow loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workflows.checks import check, rule_reads
from workflows.loader import (
    BUILTIN_DIR,
    builtin_ids,
    load_builtin,
    load_workflow,
    load_workflow_text,
)

ROOT = Path(__file__).resolve().parent.parent


def test_loading_a_builtin_workflow_imports_no_jinja():
    # A subprocess: import hygiene is the point (this process has Jinja already).
    code = (
        "import sys\n"
        "from workflows.loader import load_builtin\n"
        "wf = load_builtin('dangjian-shuzhi')\n"
        "assert wf.checks and all(c.reads is None for c in wf.checks)\n"
        "print('jinja2' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("workflow_id", builtin_ids())
def test_lazy_reads_are_what_the_full_analysis_finds(workflow_id):
    full = load_workflow(BUILTIN_DIR / f"{workflow_id}.yaml")
    lazy = load_builtin.__wrapped__(workflow_id)  # a fresh copy: reads not found yet
    assert [c.id for c in lazy.checks] == [c.id for c in full.checks]
    for plain, analysed in zip(lazy.checks, full.checks):
        assert plain.reads is None
        assert rule_reads(lazy, plain) == analysed.reads
        assert plain.reads == analysed.reads  # kept on the rule


WORKFLOW = """
id: lazy
title: 测试
version: 1
report:
  title: 报告
sections:
  - id: s
    title: 部分
    items:
      - id: a
        title: 条目
        question: 多少？
        fields:
          - {id: n, type: count, label: 次数}
          - {id: m, type: count, label: 其中}
checks:
  - id: part
    assert: "r.a.m <= r.a.n"
    message: 其中数不能超过总数
    fields: [a.m]
  - id: broken
    assert: "r.a.n >"
    message: 坏规则
    fields: [a.n]
"""


def test_validate_still_parses_every_expression():
    with pytest.raises(Exception) as info:
        load_workflow_text(WORKFLOW, "lazy.yaml")
    assert "checks[1].assert：表达式语法错误" in "\n".join(info.value.problems)


def test_a_plain_load_checks_at_run_time():
    wf = load_workflow_text(WORKFLOW, "lazy.yaml", check_templates=False)
    assert all(c.reads is None for c in wf.checks)
    result = check(wf, {"a.n": 3, "a.m": 5})
    messages = [p.message for p in result.for_field("a.m")]
    assert any(m.startswith("其中数不能超过总数") for m in messages)
    # the rule that does not parse is reported, never fatal
    assert any("规则“broken”无法计算" in p.message for p in result.for_field("a.n"))
    assert wf.checks[0].reads == ["a.m", "a.n"]


def test_the_type_registry_fills_once_for_every_thread():
    """The app loads a workflow in a worker while the main thread asks the
    registry too: no thread may see it half filled (a field vanished, and
    the built-in workflow failed to load, in one of ten tmux sessions)."""
    import subprocess
    import sys

    code = (
        "import threading\n"
        "from workflows import fieldtypes\n"
        "seen = []\n"
        "start = threading.Barrier(8)\n"
        "def ask():\n"
        "    start.wait()\n"
        "    seen.append(all(fieldtypes.known(t) for t in ('group', 'longtext', 'multi', 'year', 'text')))\n"
        "threads = [threading.Thread(target=ask) for _ in range(8)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(seen.count(True))\n"
    )
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        assert out.strip() == "8"
