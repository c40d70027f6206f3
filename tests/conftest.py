"""Shared fixtures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def docs_example_text() -> str:
    """The minimal workflow printed in docs/workflow-format.md."""
    doc = (ROOT / "docs" / "workflow-format.md").read_text(encoding="utf-8")
    match = re.search(r"## Minimal example.*?```yaml\n(.*?)```", doc, re.S)
    assert match, "docs/workflow-format.md lost its minimal example"
    return match.group(1)


@pytest.fixture
def minimal_workflow_path(tmp_path: Path) -> Path:
    path = tmp_path / "minimal-example.yaml"
    path.write_text(docs_example_text(), encoding="utf-8")
    return path
