"""The ``shuzhi`` command line, run in process through ``main(argv)`` (a real
process where the process itself is the point: exit codes, terminals, imports)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cli_support import Cli, command
from conftest import docs_example_text

ESC = "\x1b"
BUILTINS = ("dangjian-shuzhi", "personal-summary", "zhibu-shuzhi")


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def cli(tmp_path: Path, cache_dir: Path) -> Cli:
    work = tmp_path / "work"
    work.mkdir()
    return Cli(tmp_path / "data", cache_dir, work)


@pytest.fixture
def minimal_file(tmp_path: Path) -> Path:
    path = tmp_path / "minimal-example.yaml"
    path.write_text(docs_example_text(), encoding="utf-8")
    return path


def store_answers(cli: Cli, report_id: str) -> dict:
    result = cli("answers", report_id, "--format", "json")
    assert result.code == 0, result
    return result.json()


# ------------------------------------------------------------ help, usage


def test_help_is_chinese_and_documents_exit_codes(cli: Cli) -> None:
    result = cli("--help")
    assert result.code == 0, result
    text = result.out
    assert text.startswith("用法：shuzhi")
    for english in ("usage:", "options:", "positional arguments", "show this help", "subcommands"):
        assert english not in text
    for name in ("open", "new", "list", "fill", "answers", "ask", "check", "preview", "export",
                 "workflows", "workflow", "demo", "--data-dir", "--version"):
        assert name in text
    assert "退出码" in text
    for code in ("0  成功", "1  检查未通过", "2  用法错误", "3  找不到报告"):
        assert code in text


def test_subcommand_help_is_chinese(cli: Cli) -> None:
    for args in (("check", "--help"), ("export", "-h"), ("workflow", "show", "--help"), ("new", "--help")):
        result = cli(*args)
        assert result.code == 0, result
        assert result.out.startswith("用法："), result
        assert "usage:" not in result.out and "options:" not in result.out
        assert "选项：" in result.out


def test_version(cli: Cli) -> None:
    result = cli.run("--version")  # the installed command, as a real process
    assert result.code == 0
    assert re.fullmatch(r"shuzhi \d+\.\d+\.\d+\S*\n", result.out), result


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("bogus",), "没有“bogus”这个命令"),
        (("check",), "缺少必需的参数：报告"),
        (("export", "x", "-f", "doc"), "“doc”不是可用的值"),
        (("list", "--jsn"), "无法识别的参数"),
        (("workflow",), "用法："),
    ],
)
def test_usage_errors_exit_2_in_chinese(cli: Cli, args: tuple[str, ...], fragment: str) -> None:
    result = cli(*args)
    assert result.code == 2, result
    assert fragment in result.err
    assert result.out == ""
    assert "usage:" not in result.err and "error:" not in result.err


def test_app_without_terminal_suggests_ask(cli: Cli) -> None:
    result = cli.run()  # a real process whose stdin and stdout are no terminal
    assert result.code == 2, result
    assert "shuzhi ask" in result.err
    assert "终端" in result.err


def test_new_without_workflow_is_a_usage_error(cli: Cli) -> None:
    result = cli("new")
    assert result.code == 2, result
    assert "--workflow" in result.err


# --------------------------------------------------------------- workflows


def test_workflows_lists_builtins(cli: Cli) -> None:
    result = cli("workflows")
    assert result.code == 0, result
    for wid in BUILTINS:
        assert wid in result.out
    data = cli("workflows", "--json").json()
    assert {w["id"] for w in data} >= set(BUILTINS)
    assert all(w["builtin"] and w["fields"] > 0 and w["title"] for w in data)


@pytest.mark.parametrize("workflow_id", BUILTINS)
def test_workflow_show(cli: Cli, workflow_id: str) -> None:
    text = cli("workflow", "show", workflow_id)
    assert text.code == 0, text
    data = cli("workflow", "show", workflow_id, "--json").json()
    assert data["id"] == workflow_id
    fields = [f for s in data["sections"] for i in s["items"] for f in i["fields"]]
    assert fields
    for f in fields:
        for key in ("id", "type", "required", "min", "max", "options"):
            assert key in f, (key, f)
        assert f["id"] in text.out  # the text listing names every field path too
        if f["type"] == "group":
            assert f["fields"] and "min_items" in f and "max_items" in f


def test_workflow_show_json_includes_the_rollup(cli: Cli) -> None:
    data = cli("workflow", "show", "dangjian-shuzhi", "--json").json()
    rollup = data["rollup"]
    assert rollup["from"] == "zhibu-shuzhi"
    assert rollup["sum"]["three_one.committee"] == "three_one.committee" and len(rollup["sum"]) >= 10
    assert rollup["when"]["three_one.congress_grouped"] == "r.basics.groups > 0"
    bureau_fields = {f["id"]: f for s in data["sections"] for i in s["items"] for f in i["fields"]}
    branch = cli("workflow", "show", "zhibu-shuzhi", "--json").json()
    branch_fields = {f["id"]: f for s in branch["sections"] for i in s["items"] for f in i["fields"]}
    for target, source in rollup["sum"].items():
        assert bureau_fields[target]["type"] == branch_fields[source]["type"] == "count"
    assert "rollup" not in branch and "rollup" not in cli("workflow", "show", "personal-summary", "--json").json()


def test_workflow_validate_checks_both_sides_of_a_rollup(cli: Cli, tmp_path: Path) -> None:
    branch = tmp_path / "my-branch.yaml"
    branch.write_text(docs_example_text().replace("id: minimal-example", "id: my-branch"), encoding="utf-8")
    bureau = tmp_path / "my-bureau.yaml"
    bureau.write_text(
        docs_example_text().replace("id: minimal-example", "id: my-bureau")
        + "rollup:\n  from: my-branch\n  sum:\n    meetings.count: meetings.count\n", encoding="utf-8")
    assert cli("workflow", "validate", str(bureau)).code == 0
    bureau.write_text(bureau.read_text("utf-8").replace("meetings.count: meetings.count", "meetings.count: meetings.topics"),
                      encoding="utf-8")
    result = cli("workflow", "validate", str(bureau))
    assert result.code == 1, result
    assert "rollup.sum.meetings.count：被汇总的工作流“my-branch”的字段“meetings.topics”（研究的主要事项）是条目列表字段" in result.err
    assert "第" in result.err and "my-bureau.yaml" in result.err


def test_workflow_show_unknown(cli: Cli) -> None:
    result = cli("workflow", "show", "no-such-flow")
    assert result.code == 1, result
    assert "没有名为“no-such-flow”的工作流" in result.err
    assert "dangjian-shuzhi" in result.err


def test_workflow_validate(cli: Cli, minimal_file: Path) -> None:
    result = cli("workflow", "validate", str(minimal_file))
    assert result.code == 0, result
    assert "格式正确" in result.out and "minimal-example" in result.out


def test_workflow_validate_lists_every_problem(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = docs_example_text().replace("type: count", "type: number").replace("required: true}", "required: maybe}")
    bad.write_text(text, encoding="utf-8")
    result = cli("workflow", "validate", str(bad))
    assert result.code == 1, result
    assert "number" in result.err and "第" in result.err
    assert len([line for line in result.err.splitlines() if line.strip().startswith("-")]) >= 2
    missing = cli("workflow", "validate", str(tmp_path / "nope.yaml"))
    assert missing.code == 1 and "找不到文件" in missing.err


# ------------------------------------------------------------ new and list


def test_new_and_list(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--year", "2025", "--unit", "青山市某局",
                        "--name", "张三", "--position", "党组书记")
    listing = cli("list")
    assert listing.code == 0, listing
    assert report_id in listing.out and "青山市某局" in listing.out
    rows = cli("list", "--json").json()
    (row,) = rows
    assert row["id"] == report_id and row["year"] == 2025 and row["unit"] == "青山市某局"
    assert row["workflow_id"] == "dangjian-shuzhi" and row["fields"] > row["answered"] > 0
    answers = store_answers(cli, report_id)
    assert answers["basics"]["name"] == "张三" and answers["basics"]["year"] == 2025


def test_list_empty(cli: Cli) -> None:
    result = cli("list")
    assert result.code == 0 and "还没有报告" in result.out
    assert cli("list", "--json").json() == []


def test_new_rejects_bad_input(cli: Cli) -> None:
    bad_year = cli("new", "--workflow", "dangjian-shuzhi", "--year", "1900")
    assert bad_year.code == 1, bad_year
    assert "年份应在" in bad_year.err
    unknown = cli("new", "--workflow", "no-such-flow")
    assert unknown.code == 1 and "没有名为“no-such-flow”的工作流" in unknown.err
    no_field = cli("new", "--workflow", "personal-summary", "--position", "x" * 500)
    assert no_field.code == 1 and "不能超过" in no_field.err
    assert cli("list", "--json").json() == []  # nothing was created


def test_new_from_own_workflow_file(cli: Cli, minimal_file: Path) -> None:
    report_id = cli.new("--workflow", str(minimal_file), "--unit", "某办公室", "--year", "2025")
    minimal_file.unlink()  # the report keeps working without the original file
    check = cli("check", report_id)
    assert check.code == 1, check
    assert "meetings.count" in check.out
    assert cli("workflows").out.count("minimal-example") == 1
    missing_name = cli("new", "--workflow", "minimal-example", "--name", "张三")
    assert missing_name.code == 1 and "没有“姓名”字段" in missing_name.err


def test_new_from_last_year(cli: Cli) -> None:
    old = cli.new("--workflow", "personal-summary", "--year", "2024", "--unit", "某局", "--name", "李四",
                  "--position", "科员")
    new = cli.new("--from", old[:6])
    rows = {r["id"]: r for r in cli("list", "--json").json()}
    assert rows[new]["year"] == 2025 and rows[new]["from_report"] == old
    assert rows[new]["unconfirmed"] > 0
    answers = store_answers(cli, new)
    assert answers["basics"]["name"] == "李四" and answers["basics"]["year"] == 2025
    check = cli("check", new)
    assert "沿用自2024年" in check.out


# --------------------------------------------------------- finding reports


@pytest.mark.parametrize(
    "args",
    [("check", "zzzz"), ("preview", "zzzz"), ("export", "zzzz"), ("answers", "zzzz"), ("ask", "zzzz"),
     ("open", "zzzz"), ("new", "--from", "zzzz")],
)
def test_unknown_report_exits_3(cli: Cli, args: tuple[str, ...]) -> None:
    cli.new("--workflow", "personal-summary")
    result = cli(*args)
    assert result.code == 3, result
    assert "zzzz" in result.err and "没有找到" in result.err


def test_fill_unknown_report_exits_3(cli: Cli, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("basics: {name: 张三}\n", encoding="utf-8")
    result = cli("fill", "nope", str(answers))
    assert result.code == 3, result


def test_ambiguous_prefix_exits_3(cli: Cli) -> None:
    first = cli.new("--workflow", "personal-summary", "--title", "甲单位总结一")
    second = cli.new("--workflow", "personal-summary", "--title", "甲单位总结二")
    result = cli("check", "甲单位")
    assert result.code == 3, result
    assert "匹配多个报告" in result.err and first in result.err and second in result.err
    assert cli("check", "甲单位总结二").code in (0, 1)  # a longer prefix is unambiguous
    assert cli("answers", first).code == 0


# --------------------------------------------------------- fill / answers


def test_fill_yaml_and_answers_round_trip(cli: Cli, tmp_path: Path) -> None:
    report_id = cli.new("--workflow", "personal-summary")
    answers_file = tmp_path / "answers.yaml"
    answers_file.write_text(
        "basics:\n  name: 王五\n  unit: 某局\n  position: 科员\nstudy:\n  topics: [甲, 乙]\n", encoding="utf-8"
    )
    result = cli("fill", report_id, str(answers_file))
    assert result.code == 0, result
    assert "已保存 4 项答案" in result.out
    dumped = cli("answers", report_id)
    assert dumped.code == 0 and "name: 王五" in dumped.out
    as_json = store_answers(cli, report_id)
    assert as_json["study"]["topics"] == ["甲", "乙"]
    # The JSON dump fills another report to the same answers.
    json_file = tmp_path / "answers.json"
    json_file.write_text(json.dumps(as_json, ensure_ascii=False), encoding="utf-8")
    other = cli.new("--workflow", "personal-summary")
    assert cli("fill", other, str(json_file)).code == 0
    assert store_answers(cli, other) == as_json


def test_invalid_answers_file_saves_nothing(cli: Cli, tmp_path: Path) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "某局")
    before = store_answers(cli, report_id)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "basics:\n  name: 张三\n  year: abc\n"
        "leading:\n  party_group: -3\n"
        "nosuchitem:\n  x: 1\n"
        "basics_typo: 1\n",
        encoding="utf-8",
    )
    result = cli("fill", report_id, str(bad))
    assert result.code == 1, result
    for path in ("basics.year", "leading.party_group", "nosuchitem", "basics_typo"):
        assert path in result.err, path
    assert "未保存任何内容" in result.err and str(bad) in result.err
    assert store_answers(cli, report_id) == before  # the valid "name" was not saved either


def test_fill_broken_files(cli: Cli, tmp_path: Path) -> None:
    report_id = cli.new("--workflow", "personal-summary")
    before = store_answers(cli, report_id)
    broken_yaml = tmp_path / "broken.yaml"
    broken_yaml.write_text("basics: [unclosed\n", encoding="utf-8")
    broken_json = tmp_path / "broken.json"
    broken_json.write_text('{"basics": {"name": }', encoding="utf-8")
    for path, fragment in ((broken_yaml, "YAML"), (broken_json, "JSON"), (tmp_path / "none.yaml", "找不到")):
        result = cli("fill", report_id, str(path))
        assert result.code == 1, result
        assert fragment in result.err
    assert store_answers(cli, report_id) == before


# ------------------------------------------------------------------ check


def test_check_pending_report(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "某局", "--name", "张三")
    result = cli("check", report_id)
    assert result.code == 1, result
    assert "待填" in result.out and "leading.party_group" in result.out
    assert "--draft" in result.out
    data = cli("check", report_id, "--json")
    assert data.code == 1
    payload = data.json()
    assert payload["ready"] is False and payload["report"] == report_id
    assert payload["counts"]["pending"] >= 1
    assert {"severity", "item", "field", "message", "source"} <= set(payload["problems"][0])


def test_check_errors_and_warnings(cli: Cli, tmp_path: Path) -> None:
    assert cli("demo", "-o", str(tmp_path / "demo")).code == 0  # a ready report to spoil
    rows = cli("list", "--json").json()
    demo_id = rows[0]["id"]
    assert cli("check", demo_id).code == 0
    spoil = tmp_path / "spoil.yaml"
    spoil.write_text("three_one:\n  lessons: 2\n  lessons_leaders: 5\n", encoding="utf-8")
    assert cli("fill", demo_id, str(spoil)).code == 0
    result = cli("check", demo_id)
    assert result.code == 1, result
    assert "错误" in result.out and "领导干部讲党课次数不能多于党课总次数" in result.out
    payload = cli("check", demo_id, "--json").json()
    severities = {p["severity"] for p in payload["problems"]}
    assert "error" in severities and payload["ready"] is False


def test_check_placeholder_text_blocks(cli: Cli, tmp_path: Path) -> None:
    report_id = cli.new("--workflow", "personal-summary", "--unit", "XX局", "--name", "张三", "--position", "科员")
    filled = tmp_path / "f.yaml"
    filled.write_text(
        "study: {topics: [甲]}\ntasks: {entries: [{title: 甲项目}]}\n", encoding="utf-8"
    )
    cli("fill", report_id, str(filled))
    payload = cli("check", report_id, "--json").json()
    assert payload["ready"] is False
    assert any("XX" in b["message"] for b in payload["blockers"]), payload


# ---------------------------------------------------------------- preview


def test_preview_piped_is_plain_text(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "某局", "--year", "2025")
    for env in ({}, {"TERM": "xterm-256color", "FORCE_COLOR": "1"}, {"NO_COLOR": "1"}):
        result = cli("preview", report_id, **env)
        assert result.code == 0, result
        assert ESC not in result.out
        assert "2025年度某局" in result.out
        assert "【待填：" in result.out


def test_preview_piped_matches_text_export_and_strips_control_codes(cli: Cli, tmp_path: Path) -> None:
    report_id = cli.new("--workflow", "personal-summary", "--unit", "某局", "--name", "张三", "--position", "科员")
    sneaky = tmp_path / "sneaky.json"
    sneaky.write_text(json.dumps({"study": {"topics": ["\x1b[31m红色\x1b[0m文件"]}}), encoding="utf-8")
    assert cli("fill", report_id, str(sneaky)).code == 0
    first = cli("preview", report_id)
    again = cli("preview", report_id)  # from the cache
    assert first.code == again.code == 0
    assert first.out == again.out
    assert ESC not in first.out and "红色" in first.out
    exported = cli("export", report_id, "-f", "txt", "--draft")
    text = Path(exported.out.strip()).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    assert first.out == text


def _run_in_pty(args: list[str], env: dict[str, str], cwd: Path, typed: bytes = b"") -> str:
    """Output of ``args`` run in a pseudo-terminal (``typed`` is sent as keyboard input)."""
    text, _code = _pty(args, env, cwd, typed)
    return text


def _pty(args: list[str], env: dict[str, str], cwd: Path, typed: bytes = b"") -> tuple[str, int]:
    import pty
    import select

    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, close_fds=True)
    os.close(slave)
    if typed:
        os.write(master, typed)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            proc.kill()
            break
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    code = proc.wait(timeout=30)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace"), code


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_preview_in_terminal_is_paged_and_honours_no_color(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "某局", "--year", "2025")
    base = {"TERM": "xterm-256color", "PAGER": "cat", "COLUMNS": "100", "LINES": "40"}
    colored = _run_in_pty([*command(), "preview", report_id], cli.env(**base), cli.cwd)
    assert "某局" in colored and "【待填：" in colored
    assert re.search("\x1b\\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)", colored), "pending markers highlighted"
    plain = _run_in_pty([*command(), "preview", report_id], cli.env(NO_COLOR="1", **base), cli.cwd)
    assert "某局" in plain
    assert not re.search("\x1b\\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)[0-9;]*m", plain), "no colour with NO_COLOR"


# ----------------------------------------------------------------- export


def test_export_final_refused_then_draft(cli: Cli) -> None:
    report_id = cli.new("--workflow", "personal-summary", "--unit", "某局")
    refused = cli("export", report_id, "-f", "txt")
    assert refused.code == 1, refused
    assert "不能导出正式稿" in refused.err and "basics.name" in refused.err
    assert list(cli.cwd.iterdir()) == []
    draft = cli("export", report_id, "-f", "txt", "--draft")
    assert draft.code == 0, draft
    path = Path(draft.out.strip())
    assert path.parent == cli.cwd and path.name.endswith("（草稿）.txt")
    assert "【待填：" in path.read_text(encoding="utf-8-sig")


def test_export_formats_and_paths(cli: Cli, tmp_path: Path) -> None:
    cli("demo", "-o", str(tmp_path / "demo"))
    demo_id = cli("list", "--json").json()[0]["id"]
    out = tmp_path / "out"
    out.mkdir()
    md = cli("export", demo_id, "-f", "md", "-o", str(out))
    assert md.code == 0, md
    md_path = Path(md.out.strip())
    assert md_path.parent == out and md_path.suffix == ".md" and md_path.read_text(encoding="utf-8").startswith("#")
    named = cli("export", demo_id, "-o", str(out / "报告.docx"))
    assert named.code == 0, named
    assert Path(named.out.strip()) == out / "报告.docx"
    assert (out / "报告.docx").read_bytes()[:2] == b"PK"
    missing_dir = cli("export", demo_id, "-o", str(tmp_path / "nowhere" / "x.docx"))
    assert missing_dir.code == 1 and "不存在" in missing_dir.err


def _make_unwritable(folder: Path) -> bool:
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return True
    return subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0


def _make_writable(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


def test_export_unwritable_path_leaves_existing_file(cli: Cli, tmp_path: Path) -> None:
    cli("demo", "-o", str(tmp_path / "demo"))
    demo_id = cli("list", "--json").json()[0]["id"]
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "述职报告.txt"
    target.write_text("旧内容", encoding="utf-8")
    if not _make_unwritable(folder):
        pytest.skip("cannot make a folder unwritable here (root without chattr)")
    try:
        result = cli("export", demo_id, "-f", "txt", "-o", str(target))
    finally:
        _make_writable(folder)
    assert result.code == 1, result
    assert "述职报告.txt" in result.err or str(folder) in result.err
    assert target.read_text(encoding="utf-8") == "旧内容"
    assert sorted(p.name for p in folder.iterdir()) == ["述职报告.txt"]


# ------------------------------------------------------------------- demo


def test_demo_in_one_command(cli: Cli, tmp_path: Path) -> None:
    result = cli("demo")
    assert result.code == 0, result
    paths = [Path(line) for line in result.out.splitlines()]
    assert [p.suffix for p in paths] == [".docx", ".txt"]
    assert all(p.parent == cli.cwd and p.stat().st_size > 1000 for p in paths)
    assert "（草稿）" not in paths[0].name  # a finished report, not a draft
    text = paths[1].read_text(encoding="utf-8-sig")
    assert "【待填" not in text and "述职" in text
    elsewhere = cli("demo", "-o", str(tmp_path / "new" / "folder"))
    assert elsewhere.code == 0
    assert all(Path(line).parent == tmp_path / "new" / "folder" for line in elsewhere.out.splitlines())


# -------------------------------------------------------------------- ask


def test_ask_saves_each_answer_and_validates(cli: Cli) -> None:
    report_id = cli.new("--workflow", "personal-summary", "--year", "2025")
    lines = [
        "张三",            # name
        "某局",            # unit
        "",                # position: keep (empty) -> still pending
        "abc",             # year: invalid -> asked again
        "2024",            # year
        "2026-01-08",      # date
        "-",               # overall: cleared
        "学习甲",          # study topics, two lines then "."
        "学习乙",
        ".",
        "很多",            # a count that is not a number -> asked again
        "4",
    ]
    result = cli("ask", report_id, input="\n".join(lines) + "\n")
    assert result.code == 0, result
    out = result.out
    assert "问：" in out and "说明：" in out and "示例：" in out
    assert "输入有误" in out and "不是年份" in out
    assert "输入结束" in out and "本次保存了" in out
    assert ESC not in out
    answers = store_answers(cli, report_id)
    assert answers["basics"]["name"] == "张三" and answers["basics"]["unit"] == "某局"
    assert answers["basics"]["year"] == 2024 and answers["basics"]["date"] == "2026-01-08"
    assert "overall" not in answers["basics"]
    assert answers["study"]["topics"] == ["学习甲", "学习乙"]
    assert answers["study"]["trainings"] == 4


def test_ask_answers_are_saved_even_when_interrupted(cli: Cli) -> None:
    report_id = cli.new("--workflow", "personal-summary")
    result = cli("ask", report_id, input="张三\n")  # then end of input
    assert result.code == 0, result
    assert store_answers(cli, report_id)["basics"]["name"] == "张三"


def test_ask_choices_by_number_and_groups(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi")
    payload = cli("workflow", "show", "dangjian-shuzhi", "--json").json()
    items = [i for s in payload["sections"] for i in s["items"]]
    fields = [f for i in items for f in i["fields"]]
    first_choice = next(f for f in fields if f["type"] == "choice")
    # Enter (keep) at every field before the first choice, "2" there, then end of input.
    keys = [""] * fields.index(first_choice)
    result = cli("ask", report_id, input="\n".join([*keys, "2"]) + "\n")
    assert result.code == 0, result
    item_id, field_id = first_choice["id"].split(".")
    assert store_answers(cli, report_id)[item_id][field_id] == first_choice["options"][1]


def test_ask_group_entries(cli: Cli) -> None:
    report_id = cli.new("--workflow", "personal-summary")
    payload = cli("workflow", "show", "personal-summary", "--json").json()
    fields = [f for s in payload["sections"] for i in s["items"] for f in i["fields"]]
    group = next(f for f in fields if f["type"] == "group")
    before = fields[: fields.index(group)]
    keys = [""] * len(before)  # Enter keeps every field before the group
    entry = []
    for sub in group["fields"]:
        if sub["type"] in ("longtext", "list", "titles"):
            entry += [f"{sub['label']}内容", "."]
        elif sub["type"] == "count":
            entry.append("3")
        elif sub["type"] == "bool":
            entry.append("是")
        elif sub["type"] in ("choice", "multi"):
            entry.append("1")
        else:
            entry.append(f"{sub['label']}一")
    lines = [*keys, "重填", *entry, "否"]
    result = cli("ask", report_id, input="\n".join(lines) + "\n")
    assert result.code == 0, result
    item_id, field_id = group["id"].split(".")
    saved = store_answers(cli, report_id)[item_id][field_id]
    assert len(saved) == 1 and saved[0][group["fields"][0]["key"]]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_dumb_terminal_gets_plain_prompts(cli: Cli) -> None:
    report_id = cli.new("--workflow", "personal-summary")
    env = cli.env(TERM="dumb")
    text, code = _pty([*command()], env, cli.cwd)
    assert code == 2 and "dumb" in text and "shuzhi ask" in text
    text, code = _pty([*command(), "open", report_id], env, cli.cwd, typed="钱七\n\x04".encode())
    assert code == 0, text
    assert "改用逐行问答" in text and "问：" in text and ESC not in text
    assert store_answers(cli, report_id)["basics"]["name"] == "钱七"


def test_fill_from_standard_input(cli: Cli) -> None:
    report_id = cli.new("--workflow", "personal-summary")
    assert cli("fill", report_id, "-", input='{"basics": {"name": "孙八"}}').code == 0
    assert cli("fill", report_id, "-", input="study:\n  topics: [甲]\n").code == 0
    answers = store_answers(cli, report_id)
    assert answers["basics"]["name"] == "孙八" and answers["study"]["topics"] == ["甲"]
    bad = cli("fill", report_id, "-", input="basics: {year: 12}\n")
    assert bad.code == 1 and "标准输入" in bad.err and "basics.year" in bad.err


def test_ask_enter_confirms_answers_from_last_year(cli: Cli) -> None:
    old = cli.new("--workflow", "personal-summary", "--year", "2024", "--name", "李四", "--unit", "某局")
    new = cli.new("--from", old)
    before = {r["id"]: r for r in cli("list", "--json").json()}[new]["unconfirmed"]
    result = cli("ask", new, input="\n")  # Enter at the name: keep and confirm
    assert result.code == 0, result
    assert "沿用2024年" in result.out and "已确认" in result.out
    after = {r["id"]: r for r in cli("list", "--json").json()}[new]["unconfirmed"]
    assert after == before - 1
    assert store_answers(cli, new)["basics"]["name"] == "李四"


def test_open_without_terminal_falls_back_to_ask(cli: Cli) -> None:
    report_id = cli.new("--workflow", "personal-summary")
    result = cli("open", report_id[:5], input="赵六\n")
    assert result.code == 0, result
    assert "改用逐行问答" in result.err and "问：" in result.out
    assert store_answers(cli, report_id)["basics"]["name"] == "赵六"


def test_open_at_an_item_and_unknown_items(cli: Cli) -> None:
    report_id = cli.new("--workflow", "personal-summary")
    bad = cli("open", report_id, "--item", "nosuch")
    assert bad.code == 1, bad
    assert "没有条目“nosuch”" in bad.err and "workflow show personal-summary" in bad.err and "Traceback" not in bad.err
    payload = cli("workflow", "show", "personal-summary", "--json").json()
    second = payload["sections"][0]["items"][1] if len(payload["sections"][0]["items"]) > 1 else (
        payload["sections"][1]["items"][0])
    result = cli("open", report_id, "--item", second["id"], input="")  # no terminal: ask from that item on
    assert result.code == 0, result
    assert second["question"] in result.out and payload["sections"][0]["items"][0]["question"] not in result.out


# ----------------------------------------------------------- defaults, drafts


def test_check_lists_unconfirmed_defaults_and_fill_confirms_them(cli: Cli, tmp_path: Path) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "某局", "--name", "张三", "--year", "2025")
    assert "mandate" not in store_answers(cli, report_id)  # defaults are not answers
    result = cli("check", report_id)
    assert result.code == 1, result  # pending answers, as before: proposals never change the code
    assert "待确认 5 项" in result.out and "待确认  封面信息 › 上级党委与依据（mandate）" in result.out
    payload = cli("check", report_id, "--json").json()
    assert "mandate" in payload["unconfirmed_items"]
    answers = tmp_path / "a.yaml"
    answers.write_text("mandate:\n  superior: 县委\n", encoding="utf-8")
    assert cli("fill", report_id, str(answers)).code == 0
    stored = store_answers(cli, report_id)["mandate"]
    assert stored["superior"] == "县委" and stored["judgement"] == "较好地完成"  # the item is accepted
    assert "mandate" not in cli("check", report_id, "--json").json()["unconfirmed_items"]
    # A complete report with proposals left still checks out (exit 0) and says so.
    demo = cli("demo", "-o", str(tmp_path / "demo"))
    assert demo.code == 0, demo


def test_answers_prints_drafts_as_comments_and_fill_reads_it_back(cli: Cli, tmp_path: Path) -> None:
    from store import Store

    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "某局")
    with Store(cli.data_dir).open(report_id) as handle:  # what the app saves for 两次 typed in a count
        handle.set_answers({"leading.organ_committee": 4}, {"leading.party_group": "两次"})
    dumped = cli("answers", report_id)
    assert dumped.code == 0, dumped
    assert "organ_committee: 4" in dumped.out
    assert "\n# leading.party_group: 两次\n" in dumped.out and "\n  party_group: 两次" not in dumped.out
    assert "草稿" in dumped.out and "不是整数" in dumped.out
    assert "leading.party_group" in dumped.err and "草稿" in dumped.err
    as_json = cli("answers", report_id, "--format", "json")
    assert "两次" not in as_json.out and "JSON 不能带注释" in as_json.err
    path = tmp_path / "dump.yaml"
    path.write_text(dumped.out, encoding="utf-8")
    filled = cli("fill", report_id, str(path))
    assert filled.code == 0, filled  # the round trip the README promises
    check = cli("check", report_id, "--json").json()
    assert any(p["field"] == "leading.party_group" and p["severity"] == "error" for p in check["problems"])
    # ask shows the draft and asks for the field again.
    ask = cli("ask", report_id, "--pending", input="\n" * 9)
    assert "［草稿：两次" in ask.out and "不是整数" in ask.out, ask
    # Uncommenting a corrected draft line makes it an answer.
    path.write_text(dumped.out.replace("# leading.party_group: 两次", "leading.party_group: 2"), encoding="utf-8")
    assert cli("fill", report_id, str(path)).code == 0
    assert store_answers(cli, report_id)["leading"]["party_group"] == 2


def test_ask_accepts_the_defaults_of_each_item_it_walks(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "某局", "--name", "张三", "--year", "2025")
    # basics: six Enters keep what is there; then mandate's first field, and end of input.
    result = cli("ask", report_id, input="\n" * 6)
    assert result.code == 0, result
    assert "本项的默认内容已确认" in result.out
    stored = store_answers(cli, report_id)
    assert stored["basics"]["position"] == "党组书记" and "mandate" not in stored


# ----------------------------------------------------------------- locking


def test_locked_report(cli: Cli, tmp_path: Path) -> None:
    from store import Store

    report_id = cli.new("--workflow", "personal-summary")
    answers_file = tmp_path / "a.yaml"
    answers_file.write_text("basics: {name: 张三}\n", encoding="utf-8")
    store = Store(cli.data_dir)
    handle = store.open(report_id)
    try:
        assert not handle.readonly
        for args, kwargs in ((("fill", report_id, str(answers_file)), {}), (("ask", report_id), {"input": "张三\n"})):
            result = cli(*args, **kwargs)
            assert result.code == 3, result
            assert "另一个会话" in result.err
        # Reading still works while it is being edited elsewhere.
        assert cli("check", report_id).code == 1
        assert cli("preview", report_id).code == 0
        assert "正由其他会话编辑" in cli("list").out
    finally:
        handle.close()
        store.close()
    assert "name" not in store_answers(cli, report_id).get("basics", {})
    assert cli("fill", report_id, str(answers_file)).code == 0


# ---------------------------------------------------------- data directory


def test_data_dir_option_and_environment(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other-data"
    report_id = cli.new("--workflow", "personal-summary", "--data-dir", str(other))
    assert cli("list", "--json").json() == []  # not in $SHUZHI_DATA_DIR
    assert cli("--data-dir", str(other), "list", "--json").json()[0]["id"] == report_id
    assert cli("list", "--json", SHUZHI_DATA_DIR=str(other)).json()[0]["id"] == report_id
    clash = tmp_path / "a-file"
    clash.write_text("x", encoding="utf-8")
    bad = cli("list", "--data-dir", str(clash))
    assert bad.code == 1 and "不是目录" in bad.err


# -------------------------------------------------------- lazy imports


def _modules_after(cli: Cli, args: list[str]) -> set[str]:
    code = (
        "import sys, json\n"
        "from tui.cli import main\n"
        f"code = main({args!r})\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write('\\nMODULES=' + json.dumps(sorted(sys.modules)) + '\\n')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], input="", capture_output=True, text=True,
                          env=cli.env(), cwd=cli.cwd)
    assert "Traceback" not in proc.stderr, proc.stderr
    line = next(line for line in proc.stderr.splitlines() if line.startswith("MODULES="))
    return set(json.loads(line[len("MODULES="):]))


def test_quick_commands_do_not_import_the_app_or_word(cli: Cli) -> None:
    cli("demo", "-o", str(cli.cwd / "demo"))
    report_id = cli("list", "--json").json()[0]["id"]
    for args in (["check", report_id], ["preview", report_id], ["list"], ["answers", report_id],
                 ["export", report_id, "-f", "txt", "-o", str(cli.cwd)], ["workflows"],
                 ["workflow", "show", "dangjian-shuzhi", "--json"], ["ask", report_id],
                 ["new", "--workflow", "personal-summary"]):
        modules = _modules_after(cli, args)
        heavy = sorted(m for m in modules if m.split(".")[0] in ("textual", "docx", "lxml"))
        assert not heavy, (args, heavy)
    assert "jinja2" not in _modules_after(cli, ["list"])



def test_a_listing_of_checked_reports_imports_no_session_nor_workflow(cli: Cli) -> None:
    """Once each report's state is in the index, ``list`` reads the index
    only: neither the session layer nor the workflow model is imported."""
    cli("demo", "-o", str(cli.cwd / "demo"))
    assert cli("list").code == 0
    modules = _modules_after(cli, ["list"])
    unneeded = {"tui.session.session", "tui.session.reports", "tui.session.backups", "workflows.loader",
                "workflows.model", "workflows.values", "shutil", "signal", "jinja2", "yaml"}
    assert not unneeded & modules, sorted(unneeded & modules)
    import tui.session
    from tui.session.state import builtin_dir
    from workflows.loader import BUILTIN_DIR

    assert builtin_dir() == BUILTIN_DIR
    for name in tui.session.__all__:  # every name still there, imported on first use
        assert getattr(tui.session, name) is not None
    with pytest.raises(AttributeError):
        tui.session.no_such_name  # noqa: B018


# ------------------------------------------------------------------ caches


def test_check_cache_gives_the_same_answer(cli: Cli, tmp_path: Path) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "XX局")
    first = cli("check", report_id, "--json")
    again = cli("check", report_id, "--json")  # from the cache
    fresh = cli("check", report_id, "--json", XDG_CACHE_HOME=str(tmp_path / "empty-cache"))
    assert first.code == again.code == fresh.code == 1
    assert first.json() == again.json() == fresh.json()
    assert any("XX" in b["message"] for b in first.json()["blockers"])
    cached = list((cli.cache_dir / "shuzhi" / "reports").glob(f"{report_id}.json"))
    assert cached, "the check result was cached"
    cached[0].write_text("{not json", encoding="utf-8")
    assert cli("check", report_id, "--json").json() == first.json()
    for leftover in (cli.cache_dir / "shuzhi" / "workflows").glob("*.pickle"):
        leftover.write_bytes(b"garbage")
    assert cli("check", report_id, "--json").json() == first.json()


def test_unwritable_cache_folder_is_not_an_error(cli: Cli, tmp_path: Path) -> None:
    report_id = cli.new("--workflow", "personal-summary")
    blocked = tmp_path / "cache-is-a-file"
    blocked.write_text("x", encoding="utf-8")
    result = cli("check", report_id, XDG_CACHE_HOME=str(blocked))
    assert result.code == 1 and "待填" in result.out, result


def test_word_export_of_a_checked_report_imports_only_what_it_needs(cli: Cli) -> None:
    cli("demo", "-o", str(cli.cwd / "demo"))
    report_id = cli("list", "--json").json()[0]["id"]
    assert cli("check", report_id).code == 0  # the check keeps the assembled report in the cache
    modules = _modules_after(cli, ["export", report_id, "-o", str(cli.cwd / "out.docx")])
    assert "docx" in modules
    unneeded = {"jinja2", "tempfile", "xml.sax.saxutils", "urllib.request", "importlib.metadata", "secrets",
                "base64", "workflows.assemble", "textual", "tinydb"}
    assert not unneeded & modules, sorted(unneeded & modules)
    # Reading a report needs no TinyDB (only writes go through its tables).
    assert "tinydb" not in _modules_after(cli, ["check", report_id])
    assert "tinydb" not in _modules_after(cli, ["preview", report_id])


def test_the_installed_command_exits_at_once_after_an_export(cli: Cli) -> None:
    """The entry point (not main(), which tests call in process) skips the
    interpreter's teardown once the file is written; output and exit code stay."""
    cli("demo", "-o", str(cli.cwd / "demo"))
    report_id = cli("list", "--json").json()[0]["id"]
    target = cli.cwd / "out.docx"
    code = ("import atexit, sys\n"
            "atexit.register(lambda: sys.stderr.write('TEARDOWN\\n'))\n"
            "from tui.cli import entry\n"
            f"sys.argv = ['shuzhi', *{['export', report_id, '-o', str(target)]!r}]\n"
            "entry()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli.env(), cwd=cli.cwd)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(target) and target.stat().st_size > 0
    assert "TEARDOWN" not in proc.stderr
    listing = subprocess.run([sys.executable, "-c", code.replace(f"{['export', report_id, '-o', str(target)]!r}",
                                                                  "['list']")],
                             capture_output=True, text=True, env=cli.env(), cwd=cli.cwd)
    assert listing.returncode == 0 and "TEARDOWN" in listing.stderr  # other commands end normally


def test_terminal_width_counts_wide_characters_twice() -> None:
    import unicodedata

    from tui.cli.base import pad, width

    samples = ["", "abc", "编号", "基准报告09902", "29/29项", "可导出（待填1）", "ｆｕｌｌ", "é e\u0301",
               "混合 mixed 文本"]
    for text in samples:
        expected = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
        assert width(text) == expected == width(text), text  # the second time from what it learnt
    assert pad("编号", 6) == "编号  " and pad("abc", 2) == "abc"
