"""``shuzhi rollup``: branch reports and answers files rolled up into the
bureau report (in-process, through ``tui.cli.main``), the provenance it
keeps, ``check``'s 提醒 after a hand edit, and the bureau report's text."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from store import Store
from tui.cli import main
from tui.session import open_session
from workflows.loader import load_builtin, sample_answers_path
from workflows.rollup import cell_width

GOLDEN = Path(__file__).parent / "golden" / "rollup_dangjian-shuzhi.txt"
BRANCH_SAMPLE = sample_answers_path("zhibu-shuzhi").read_text(encoding="utf-8")
BUREAU_SAMPLE = sample_answers_path("dangjian-shuzhi")


@dataclass
class Result:
    code: int
    out: str
    err: str

    def __repr__(self) -> str:
        return f"Result({self.code}\nstdout:\n{self.out}\nstderr:\n{self.err})"


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SHUZHI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("SHUZHI_DEBUG", "1")  # an unexpected exception fails the test
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Result:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    yield run


def branch_text(unit: str, *, year: int = 2025, **changes: str) -> str:
    """The zhibu sample for another branch; ``changes``: "item.field" (dots
    as __) -> new value, or "" to drop the line."""
    text = BRANCH_SAMPLE.replace("不动产登记中心党支部", unit).replace("year: 2025", f"year: {year}")
    for key, value in changes.items():
        item, _, name = key.partition("__")
        block = re.search(rf"(?ms)^{item}:\n(.*?)(?=^\S|\Z)", text)
        assert block, item
        body = block.group(1)
        line = re.search(rf"(?m)^  {name}: .*\n", body)
        assert line, key
        new_body = body.replace(line.group(0), f"  {name}: {value}\n" if value else "")
        text = text[: block.start(1)] + new_body + text[block.end(1) :]
    return text


def new_report(cli, workflow: str, unit: str, answers: str | Path | None = None, year: int = 2025) -> str:
    result = cli("new", "--workflow", workflow, "--unit", unit, "--year", year)
    assert result.code == 0, result
    report_id = result.out.strip()
    if answers is not None:
        path = answers if isinstance(answers, Path) else Path(f"{report_id}.yaml")
        if not isinstance(answers, Path):
            path.write_text(answers, encoding="utf-8")
        filled = cli("fill", report_id, path)
        assert filled.code == 0, filled
    return report_id


@dataclass
class Scene:
    bureau: str
    first: str
    second: str
    third_file: Path

    def data(self) -> Path:
        return Path(os.environ["SHUZHI_DATA_DIR"])

    def report_bytes(self) -> bytes:
        return (self.data() / "reports" / f"{self.bureau}.json").read_bytes()

    def session(self):
        return open_session(Store(self.data()), self.bureau, readonly=True)


@pytest.fixture
def scene(cli, tmp_path) -> Scene:
    """The bureau report (the sample, 12 branches) and three branches: two
    reports in the store, one answers file. The second gives two
    approximate counts; the third has no 党小组 and no 书记讲党课."""
    bureau = new_report(cli, "dangjian-shuzhi", "青山市自然资源和规划局", BUREAU_SAMPLE)
    assert cli("fill", bureau, write(tmp_path / "count.yaml", "standardisation:\n  branch_count: 12\n")).code == 0
    first = new_report(cli, "zhibu-shuzhi", "第一党支部", branch_text("第一党支部"))
    second = new_report(
        cli, "zhibu-shuzhi", "第二党支部",
        branch_text("第二党支部", three_one__committee="12", three_one__lessons="10余"),
    )
    third_report = new_report(
        cli, "zhibu-shuzhi", "第三党支部",
        branch_text("第三党支部", basics__groups="0", three_one__lessons_secretary=""),
    )
    exported = cli("answers", third_report)
    assert exported.code == 0
    third_file = write(tmp_path / "branches" / "第三党支部.yaml", exported.out)
    return Scene(bureau, first, second, third_file)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def widths_ok(text: str, width: int = 80) -> bool:
    return all(cell_width(line) <= width for line in text.splitlines())


# ------------------------------------------------------------ the roll-up


def test_three_branches_two_reports_and_a_file(cli, scene):
    result = cli("rollup", scene.bureau, scene.first, "2025年度第二", scene.third_file)
    assert result.code == 0, result
    out = result.out
    assert "已汇总 3/12 个支部" in out
    assert f"报告 {scene.first}" in out and f"报告 {scene.second}" in out and "第三党支部.yaml" in out
    assert re.search(r"(?m)^召开支委会（次）\s+40\s+14\s+12\s+14$", out), out
    assert re.search(r"(?m)^召开党小组会（次）\s+72\s+36\s+36\s+不计$", out), out
    assert "已把 17 项合计写入本报告" in out
    assert widths_ok(out), out
    with scene.session() as session:
        answers = session.answers
        records = session.rollups
        check = session.full_check()
    assert answers["three_one.committee"] == 40
    assert answers["three_one.committee"] == 40
    assert answers["three_one.congress_solo"] == 5  # only the branch without 党小组
    assert answers["three_one.congress_grouped"] == 10
    assert answers["branch_duty.lessons"] == 4  # the third gave none
    record = records["three_one.committee"]
    assert record["total"] == 40 and record["from"] == "zhibu-shuzhi" and record["at"]
    assert [(s["branch"], s["value"], s["kind"]) for s in record["sources"]] == [
        ("第一党支部", 14, "report"), ("第二党支部", 12, "report"), ("第三党支部", 14, "file"),
    ]
    assert record["sources"][0]["origin"] == scene.first and record["sources"][0]["title"].startswith("2025年度第一")
    assert record["sources"][2]["origin"] == str(scene.third_file.resolve())
    assert not [p for p in check.problems if "汇总" in p.message]  # nothing edited since


def test_a_branch_missing_a_count_is_named_count_by_count(cli, scene):
    result = cli("rollup", scene.bureau, scene.first, scene.second, scene.third_file)
    assert result.code == 0, result
    missing = result.out.split("缺少数据", 1)[1].split("\n\n", 1)[0]
    assert "支部书记讲党课：缺1个支部——第三党支部（未填“其中本人讲党课”）" in missing
    assert "第一党支部" not in missing and "第二党支部" not in missing
    assert "有 1 处缺少支部数据" in result.out
    with scene.session() as session:
        assert session.answers["branch_duty.lessons"] == 4
        sources = session.rollups["branch_duty.lessons"]["sources"]
    assert [s["status"] for s in sources] == ["counted", "counted", "missing"]


def test_strict_refuses_to_write_when_anything_is_missing(cli, scene):
    before = scene.report_bytes()
    result = cli("rollup", scene.bureau, scene.first, scene.second, scene.third_file, "--strict")
    assert result.code == 1, result
    assert "--strict，未写入任何内容" in result.out
    assert scene.report_bytes() == before
    complete = cli("rollup", scene.bureau, scene.first, scene.second, "--strict")
    assert complete.code == 0, complete


def test_approximate_counts_make_approximate_totals(cli, scene):
    result = cli("rollup", scene.bureau, scene.first, scene.second, scene.third_file)
    assert result.code == 0
    assert re.search(r"(?m)^讲党课（次）\s+22余\s+6\s+10余\s+6$", result.out), result.out
    assert "讲党课：合计22余次（约数，来自 第二党支部 10余）" in result.out
    with scene.session() as session:
        assert session.answers["three_one.lessons"] == "22余"
        assert "讲党课22余次" in session.plain_text()


def test_dry_run_writes_nothing(cli, scene):
    before = scene.report_bytes()
    result = cli("rollup", scene.bureau, scene.first, scene.second, scene.third_file, "--dry-run")
    assert result.code == 0, result
    assert "召开支委会" in result.out and "未写入任何内容" in result.out
    assert scene.report_bytes() == before


@pytest.mark.parametrize("case", ["duplicate", "wrong_workflow", "year", "damaged", "missing_file"])
def test_refusals_write_nothing(cli, scene, tmp_path, case):
    sources: list[str | Path] = [scene.first, scene.second]
    if case == "duplicate":
        sources.append(write(tmp_path / "again.yaml", branch_text("第一党支部")))
        expected = "支部“第一党支部”出现了两次"
    elif case == "wrong_workflow":
        sources.append(scene.bureau)
        expected = "使用的是工作流“dangjian-shuzhi”，不是“党支部书记抓党建工作述职报告”（zhibu-shuzhi）"
    elif case == "year":
        sources.append(write(tmp_path / "old.yaml", branch_text("第四党支部", year=2024)))
        expected = "是2024年度的，与本报告的2025年度不一致"
    elif case == "damaged":
        sources.append(write(tmp_path / "broken.yaml", "basics: [\n  unit: 第五党支部\n"))
        expected = "broken.yaml 不能汇总"
    else:
        sources.append(tmp_path / "nowhere.yaml")
        expected = "找不到文件"
    before = scene.report_bytes()
    result = cli("rollup", scene.bureau, *sources)
    assert result.code == 1, result
    assert "不能汇总（未写入任何内容）" in result.out
    assert expected in re.sub(r"\n\s+", "", result.out), result.out
    assert scene.report_bytes() == before


def test_a_year_mismatch_can_be_allowed(cli, scene, tmp_path):
    old = write(tmp_path / "old.yaml", branch_text("第四党支部", year=2024))
    result = cli("rollup", scene.bureau, scene.first, old, "--year-mismatch-ok")
    assert result.code == 0, result
    assert "已按要求照常汇总" in result.out
    with scene.session() as session:
        assert session.answers["three_one.committee"] == 28


def test_a_hand_edit_is_flagged_by_check(cli, scene, tmp_path):
    assert cli("rollup", scene.bureau, scene.first, scene.second, scene.third_file).code == 0
    clean = cli("check", scene.bureau)
    assert "汇总" not in clean.out and clean.code == 0
    edit = write(tmp_path / "edit.yaml", "three_one:\n  committee: 41\n")
    assert cli("fill", scene.bureau, edit).code == 0
    flagged = cli("check", scene.bureau)
    assert flagged.code == clean.code == 0  # a 提醒: the exit code does not change
    line = next(line for line in flagged.out.splitlines() if "three_one.committee" in line)
    assert line.strip().startswith("提醒")
    assert "“召开支委会”现为41次，与最近一次汇总的合计40次不一致" in line
    as_json = json.loads(cli("check", scene.bureau, "--json").out)
    (warning,) = [p for p in as_json["problems"] if p["field"] == "three_one.committee"]
    assert warning["severity"] == "warning" and as_json["items"]["three_one"] == "warning"
    # Rolling up again replaces the values and the provenance: the 提醒 goes.
    again = cli("rollup", scene.bureau, scene.first, scene.second)
    assert again.code == 0, again
    assert "汇总" not in cli("check", scene.bureau).out.split("检查结果", 1)[1]
    with scene.session() as session:
        assert session.answers["three_one.committee"] == 26
        assert [s["branch"] for s in session.rollups["three_one.committee"]["sources"]] == ["第一党支部", "第二党支部"]


def test_provenance_survives_reopening_and_other_edits(cli, scene, tmp_path):
    assert cli("rollup", scene.bureau, scene.first, scene.second, scene.third_file).code == 0
    with scene.session() as session:
        first = session.rollups
    assert cli("fill", scene.bureau, write(tmp_path / "name.yaml", "basics:\n  name: 王五\n")).code == 0
    with open_session(Store(scene.data()), scene.bureau, write=True) as session:
        assert session.rollups == first
        note = session.rollup_note("three_one.committee", 80)
        assert note.startswith("已汇总 3/12 个支部：第一党支部 14，第二党支部 12")
        assert session.rollup_note("standardisation.branch_count").startswith("已汇总 3/12 个支部（")
    raw = json.loads((scene.data() / "reports" / f"{scene.bureau}.json").read_text(encoding="utf-8"))
    assert len(raw["rollups"]) == 17


def test_the_bureau_report_text_after_the_rollup(cli, scene):
    assert cli("rollup", scene.bureau, scene.first, scene.second, scene.third_file).code == 0
    text = cli("preview", scene.bureau).out  # plain text: stdout is no terminal
    assert "全年各党支部共召开党员大会15次，其中未设党小组的支部5次、设有党小组的支部10次；召开支委会40次、党小组会72次" in text
    assert "全年累计带头讲党课4次，组织开展主题党日活动36次" in text
    if os.environ.get("SHUZHI_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


# --------------------------------------------------------------- edges


def test_control_characters_are_neutralised(cli, scene, tmp_path):
    text = branch_text("第六党支部").replace("unit: 第六党支部", 'unit: "第六党支部\\e[2J\\a"')
    evil = write(tmp_path / "evil.yaml", text)
    result = cli("rollup", scene.bureau, scene.first, evil, "--dry-run")
    assert result.code == 0, result
    assert "\x1b" not in result.out and "\x07" not in result.out
    assert "第六党支部␛[2J␇" in result.out


def test_many_branches_fit_eighty_columns(cli, scene, tmp_path):
    files = [write(tmp_path / "many" / f"b{n:02}.yaml", branch_text(f"机关第{n}党支部")) for n in range(1, 15)]
    result = cli("rollup", scene.bureau, *files, "--dry-run")
    assert result.code == 0, result
    assert widths_ok(result.out), result.out
    assert "（支部 1–" in result.out and "共 14 个）" in result.out
    assert "已汇总 14/12 个支部（多于本报告填写的所属党支部数 12，请核对）" in result.out


def test_usage_and_not_found(cli, scene):
    assert cli("rollup", scene.bureau).code == 2
    assert cli("rollup", "没有这份报告", scene.first).code == 3
    unknown = cli("rollup", scene.bureau, "不存在的来源")
    assert unknown.code == 3 and "既不是文件，也不是本机的报告" in unknown.err
    not_bureau = cli("rollup", scene.first, scene.second)
    assert not_bureau.code == 1 and "没有定义支部数据汇总" in not_bureau.err
    assert cli("rollup", "--help").code == 0


def test_help_is_chinese(cli):
    result = cli("rollup", "--help")
    assert result.code == 0
    for text in ("--dry-run", "--strict", "--year-mismatch-ok", "只计算并显示合计", "支部", "退出码"):
        assert text in result.out
    assert "usage" not in result.out and "show this help" not in result.out
    assert "rollup" in cli("--help").out


def test_branch_count_field_is_in_the_bureau_workflow():
    wf = load_builtin("dangjian-shuzhi")
    f = wf.field("standardisation.branch_count")
    assert f is not None and f.type == "count" and f.label == "所属党支部数" and not f.approx
