"""Another program can fill a report from ``shuzhi workflow show --json`` alone.

The answers file below is built only from the JSON description (field ids,
types, limits, options); nothing here knows the built-in workflows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli_support import Cli

COUNT = 3  # one value for every count keeps "part <= whole" rules true
LIST_TYPES = ("list", "titles", "multi", "group")


@pytest.fixture
def cli(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    work = tmp_path / "work"
    work.mkdir()
    return Cli(tmp_path / "data", tmp_path_factory.getbasetemp() / "schema-cache", work)


def _clamp(value: int, low: int | None, high: int | None) -> int:
    if low is not None:
        value = max(value, low)
    if high is not None:
        value = min(value, high)
    return value


def _items_wanted(f: dict[str, Any]) -> int:
    return _clamp(1, f.get("min_items"), f.get("max_items"))


def _text(f: dict[str, Any], n: int = 1) -> str:
    text = f"{f['label']}{n}"
    limit = f.get("max_length")
    return text[:limit] if limit else text


def value_for(f: dict[str, Any]) -> Any:
    kind = f["type"]
    if kind == "count":
        return _clamp(COUNT, f.get("min"), f.get("max"))
    if kind == "year":
        return _clamp(2025, f.get("min"), f.get("max"))
    if kind == "date":
        return "2026-01-08"
    if kind == "bool":
        return True
    if kind in ("text", "longtext"):
        return _text(f)
    if kind == "choice":
        return f["options"][0] if f["options"] else _text(f)
    if kind == "multi":
        options = f["options"] or [_text(f, n) for n in range(1, 10)]
        return options[: _items_wanted(f)]
    if kind in ("list", "titles"):
        return [_text(f, n) for n in range(1, _items_wanted(f) + 1)]
    if kind == "group":
        return [
            {sub["key"]: value_for(sub) for sub in f["fields"]}
            for _ in range(_items_wanted(f))
        ]
    raise AssertionError(f"a field type the test does not know: {kind}")


def answers_from_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Flat ``{"item.field": value}`` for every field of the workflow."""
    answers = {}
    for section in schema["sections"]:
        for item in section["items"]:
            for f in item["fields"]:
                answers[f["id"]] = value_for(f)
    return answers


@pytest.mark.parametrize("workflow_id", ["dangjian-shuzhi", "personal-summary", "zhibu-shuzhi"])
def test_answers_built_from_workflow_json_pass_check(cli: Cli, tmp_path: Path, workflow_id: str) -> None:
    schema = cli("workflow", "show", workflow_id, "--json")
    assert schema.code == 0, schema
    answers = answers_from_schema(schema.json())
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers, ensure_ascii=False, indent=2), encoding="utf-8")

    report_id = cli.new("--workflow", workflow_id)
    filled = cli("fill", report_id, str(path))
    assert filled.code == 0, filled
    check = cli("check", report_id)
    assert check.code == 0, check
    assert "检查通过" in check.out
    exported = cli("export", report_id, "-f", "txt")
    assert exported.code == 0, exported
    text = Path(exported.out.strip()).read_text(encoding="utf-8-sig")
    assert "【待填" not in text
