"""The roll-up of branch counts into a bureau report: the ``rollup:`` section
(loader), the pure computation, and branch answers files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workflows.answers import AnswersFileError, dump_answers, load_answers_file
from workflows.loader import (
    BUILTIN_DIR,
    WorkflowError,
    folder_resolver,
    load_builtin,
    load_workflow,
    load_workflow_text,
    sample_answers_path,
)
from workflows.rollup import (
    COUNTED,
    EXCLUDED,
    KIND_FILE,
    KIND_REPORT,
    MISSING,
    BranchSource,
    RollupError,
    branch_source,
    compute_rollup,
    declared_workflow,
    load_branch_file,
)

BRANCH = """\
id: mini-branch
title: 小支部
version: 1
year_field: basics.year
report: {title: "{{ r.basics.unit }}"}
sections:
  - id: s
    title: 基本
    items:
      - id: basics
        title: 基本
        question: 哪个支部？
        fields:
          - {id: unit, type: text, label: 支部名称}
          - {id: year, type: year, label: 年度}
          - {id: groups, type: count, label: 党小组数}
      - id: work
        title: 工作
        question: 多少？
        fields:
          - {id: meetings, type: count, label: 会议, unit: 次}
          - {id: note, type: text, label: 备注}
"""

BUREAU = """\
id: mini-bureau
title: 小机关
version: 1
year_field: basics.year
report: {title: "{{ r.basics.year }}"}
sections:
  - id: s
    title: 基本
    items:
      - id: basics
        title: 基本
        question: 哪一年？
        fields:
          - {id: year, type: year, label: 年度}
          - {id: remark, type: text, label: 备注}
      - id: totals
        title: 合计
        question: 合计多少？
        fields:
          - {id: meetings, type: count, label: 各支部会议, unit: 次, max: 100}
          - {id: exact, type: count, label: 各支部会议（确数）, unit: 次, approx: false}
          - {id: grouped, type: count, label: 有党小组的支部会议, unit: 次}
"""

ROLLUP = """\
rollup:
  from: mini-branch
  sum:
    totals.meetings: work.meetings
    totals.exact: work.meetings
    totals.grouped: work.meetings
  when:
    totals.grouped: "r.basics.groups > 0"
"""


def mini_branch():
    return load_workflow_text(BRANCH, "mini-branch.yaml")


def resolve_mini(workflow_id):
    return mini_branch() if workflow_id == "mini-branch" else None


def mini_bureau(rollup: str = ROLLUP):
    return load_workflow_text(BUREAU + rollup, "mini-bureau.yaml", resolve=resolve_mini)


def problems_of(rollup: str, resolve=resolve_mini) -> list[str]:
    with pytest.raises(WorkflowError) as info:
        load_workflow_text(BUREAU + rollup, "bureau.yaml", resolve=resolve)
    return info.value.problems


def line_of(text: str, needle: str) -> int:
    lines = (BUREAU + text).splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# ------------------------------------------------------------------ loader


def test_builtin_bureau_rolls_up_at_least_ten_branch_counts():
    bureau = load_workflow(BUILTIN_DIR / "dangjian-shuzhi.yaml")  # full analysis: both sides checked
    branch = load_builtin("zhibu-shuzhi")
    spec = bureau.rollup
    assert spec is not None and spec.source == "zhibu-shuzhi"
    assert len(spec.sums) >= 10
    for target, source in spec.sums.items():
        assert bureau.field(target).type == "count", target
        assert branch.field(source).type == "count", source
    # the example of the issue, and the 党员大会 split by whether a branch has 党小组
    assert spec.sums["three_one.committee"] == "three_one.committee"
    assert spec.when["three_one.congress_solo"] == "r.basics.groups == 0"
    assert spec.when_reads["three_one.congress_grouped"] == ["basics.groups"]
    assert bureau.to_json()["rollup"] == {"from": "zhibu-shuzhi", "sum": spec.sums, "when": spec.when}
    assert load_builtin("zhibu-shuzhi").rollup is None and "rollup" not in branch.to_json()


def test_rollup_section_parsed():
    bureau = mini_bureau()
    assert bureau.rollup.sums == {"totals.meetings": "work.meetings", "totals.exact": "work.meetings",
                                  "totals.grouped": "work.meetings"}
    assert bureau.rollup.when_reads == {"totals.grouped": ["basics.groups"]}


@pytest.mark.parametrize(
    "rollup, needle, message",
    [
        ("rollup:\n  from: mini-branch\n  sum:\n    totals.nothing: work.meetings\n",
         "totals.nothing", "本工作流没有字段“totals.nothing”"),
        ("rollup:\n  from: mini-branch\n  sum:\n    basics.remark: work.meetings\n",
         "basics.remark", "字段“basics.remark”（备注）是单行文字字段，只有次数/人数字段可以汇总"),
        ("rollup:\n  from: mini-branch\n  sum:\n    totals.meetings: work.nothing\n",
         "totals.meetings", "被汇总的工作流“mini-branch”没有字段“work.nothing”"),
        ("rollup:\n  from: mini-branch\n  sum:\n    totals.meetings: work.note\n",
         "totals.meetings", "字段“work.note”（备注）是单行文字字段，不是次数/人数字段"),
        ("rollup:\n  from: mini-branch\n  sum:\n    totals.meetings: meetings\n",
         "totals.meetings", "“meetings”应写成被汇总工作流的“条目id.字段id”"),
        ("rollup:\n  from: no-such-branch\n  sum:\n    totals.meetings: work.meetings\n",
         "from:", "找不到被汇总的工作流“no-such-branch”"),
        ("rollup:\n  from: mini-bureau\n  sum:\n    totals.meetings: work.meetings\n",
         "from:", "不能汇总本工作流自己的报告"),
        ("rollup:\n  from: Mini_Branch\n  sum:\n    totals.meetings: work.meetings\n",
         "from:", "被汇总的工作流 id“Mini_Branch”不合规"),
        ("rollup:\n  from: mini-branch\n", "from:", "缺少必需的键“sum”"),
        ("rollup:\n  from: mini-branch\n  sum: {}\n", "sum:", "rollup.sum：不能为空"),
        ("rollup:\n  from: mini-branch\n  sum: [totals.meetings]\n", "sum:", "rollup.sum应为“键: 值”的映射"),
        ("rollup:\n  from: mini-branch\n  sums:\n    totals.meetings: work.meetings\n",
         "totals.meetings: work", "未知的键“sums”"),
        ("rollup:\n  from: mini-branch\n  sum:\n    totals.meetings: work.meetings\n  when:\n"
         "    totals.exact: \"r.basics.groups > 0\"\n", "totals.exact:", "“totals.exact”不在 rollup.sum 中"),
        ("rollup:\n  from: mini-branch\n  sum:\n    totals.meetings: work.meetings\n  when:\n"
         "    totals.meetings: \"r.basics.groups >\"\n", "groups >", "条件表达式语法错误"),
        ("rollup:\n  from: mini-branch\n  sum:\n    totals.meetings: work.meetings\n  when:\n"
         "    totals.meetings: \"r.basics.branches > 0\"\n", "branches", "引用了不存在的字段“r.basics.branches”"),
        ("rollup:\n  from: mini-branch\n  sum:\n    totals.meetings: work.meetings\n  when:\n"
         "    totals.meetings: \"\"\n", "totals.meetings: \"\"", "应为条件表达式"),
    ],
)
def test_rollup_problems_name_file_line_and_path(rollup, needle, message):
    problems = problems_of(rollup)
    matching = [p for p in problems if message in p]
    assert len(matching) == 1, problems
    assert matching[0].startswith(f"bureau.yaml 第{line_of(rollup, needle)}行 rollup"), problems
    assert len(problems) == (2 if "sums" in rollup else 1), problems  # (sums: and a missing sum:)


def test_every_rollup_problem_is_reported_at_once():
    rollup = ("rollup:\n  from: mini-branch\n  sum:\n    totals.nothing: work.meetings\n"
              "    basics.remark: work.meetings\n    totals.meetings: work.note\n")
    assert len(problems_of(rollup)) == 3


def test_a_broken_source_workflow_is_named():
    def broken(workflow_id):
        raise WorkflowError(["mini-branch.yaml 第3行 version：应为整数，而不是“一”", "第二处"], "mini-branch.yaml")

    problems = problems_of(ROLLUP, resolve=broken)
    assert problems == [
        f"bureau.yaml 第{line_of(ROLLUP, 'from:')}行 rollup.from：被汇总的工作流“mini-branch”无法使用："
        "mini-branch.yaml 第3行 version：应为整数，而不是“一”（另有1处问题）"
    ]


def test_source_workflow_found_beside_the_file(tmp_path):
    (tmp_path / "mini-branch.yaml").write_text(BRANCH, encoding="utf-8")
    (tmp_path / "bureau.yaml").write_text(BUREAU + ROLLUP, encoding="utf-8")
    assert load_workflow(tmp_path / "bureau.yaml").rollup.source == "mini-branch"

    (tmp_path / "mini-branch.yaml").write_text(BRANCH.replace("id: mini-branch", "id: other-branch"), "utf-8")
    with pytest.raises(WorkflowError) as info:
        load_workflow(tmp_path / "bureau.yaml")
    assert "的 id 是“other-branch”，不是“mini-branch”" in str(info.value)

    (tmp_path / "mini-branch.yaml").unlink()
    with pytest.raises(WorkflowError) as info:
        load_workflow(tmp_path / "bureau.yaml")
    assert "找不到被汇总的工作流“mini-branch”" in str(info.value)
    assert "mini-branch.yaml" in str(info.value)  # where to put it


def test_two_workflows_naming_each_other_load(tmp_path):
    """The source workflow is loaded without its own roll-up analysis, so a
    cycle cannot recurse."""
    (tmp_path / "mini-branch.yaml").write_text(
        BRANCH + "rollup:\n  from: mini-bureau\n  sum:\n    work.meetings: totals.meetings\n", "utf-8"
    )
    (tmp_path / "mini-bureau.yaml").write_text(BUREAU + ROLLUP, encoding="utf-8")
    assert load_workflow(tmp_path / "mini-bureau.yaml").rollup is not None
    assert load_workflow(tmp_path / "mini-branch.yaml").rollup.source == "mini-bureau"


def test_builtins_resolve_without_a_folder():
    resolve = folder_resolver(None)
    assert resolve("zhibu-shuzhi").id == "zhibu-shuzhi"
    assert resolve("mini-branch") is None


def test_lazy_load_skips_the_source_workflow():
    """Like templates, the other side is analysed only by a full load (the
    test suite does it for the built-ins)."""
    wf = load_workflow_text(BUREAU + ROLLUP.replace("mini-branch", "not-here"), "b.yaml", check_templates=False)
    assert wf.rollup.source == "not-here" and wf.rollup.when_reads == {}


def test_docs_describe_the_rollup_section():
    text = (Path(__file__).resolve().parents[1] / "docs" / "workflow-format.md").read_text("utf-8")
    assert "rollup:" in text and "when:" in text
    bureau = load_workflow(BUILTIN_DIR / "dangjian-shuzhi.yaml", check_templates=False)
    assert f"adds up {len(bureau.rollup.sums)} counts" in text


# ------------------------------------------------------------- computation


@pytest.fixture(scope="module")
def bureau():
    return load_builtin("dangjian-shuzhi")


@pytest.fixture(scope="module")
def branch():
    return load_builtin("zhibu-shuzhi")


@pytest.fixture(scope="module")
def sample(branch):
    return load_answers_file(branch, sample_answers_path("zhibu-shuzhi"))


def variant(sample, **changes):
    answers = dict(sample)
    for path, value in changes.items():
        path = path.replace("__", ".")
        if value is None:
            answers.pop(path, None)
        else:
            answers[path] = value
    return answers


def three_branches(branch, sample):
    first = branch_source(branch, sample, "r-first")
    second = branch_source(branch, variant(sample, basics__unit="第二党支部", three_one__committee=12,
                                           talks__members="20余", basics__groups=0), "r-second")
    third = branch_source(branch, variant(sample, basics__unit="第三党支部", three_one__committee=None,
                                          three_one__congress=4), "third.yaml", KIND_FILE)
    return [first, second, third]


def test_three_branches_add_up(bureau, branch, sample):
    result = compute_rollup(bureau, branch, three_branches(branch, sample), year=2025)
    assert result.ok and result.errors == () and result.notes == ()
    assert [s.label for s in result.sources] == ["不动产登记中心党支部", "第二党支部", "第三党支部"]
    committee = result.total("three_one.committee")
    assert committee.total == 26 and committee.canonical == 26 and not committee.approx
    assert [(v.label, v.status, v.value) for v in committee.values] == [
        ("不动产登记中心党支部", COUNTED, 14), ("第二党支部", COUNTED, 12), ("第三党支部", MISSING, None)]
    assert committee.missing == ("第三党支部",) and committee.values[2].note == "未填“支委会”"
    # one branch count feeds two bureau counts, split by whether the branch has 党小组
    assert result.total("three_one.congress_solo").total == 5
    assert result.total("three_one.congress_grouped").total == 5 + 4
    assert result.total("recruitment.trained").total == 6  # from the branches' 发展对象
    assert not result.complete
    assert result.missing() == {"three_one.committee": ("第三党支部",)}
    answers = result.answers()
    assert answers["three_one.committee"] == 26 and answers["talks.members"] == "180余"
    assert list(answers) == [t for t in bureau.rollup.sums]  # every count has a total, in rollup order
    assert committee.display() == "26次"


def test_approximate_counts_make_an_approximate_total(bureau, branch, sample):
    result = compute_rollup(bureau, branch, three_branches(branch, sample), year=2025)
    talks = result.total("talks.members")
    assert talks.total == 80 + 20 + 80 and talks.approx and talks.canonical == "180余"
    assert [v.approx for v in talks.values] == [True, True, True]
    assert not result.total("three_one.lessons").approx


def test_when_splits_branches_by_party_groups(bureau, branch, sample):
    result = compute_rollup(bureau, branch, three_branches(branch, sample), year=2025)
    solo = result.total("three_one.congress_solo")
    grouped = result.total("three_one.congress_grouped")
    assert [v.status for v in solo.values] == [EXCLUDED, COUNTED, EXCLUDED]
    assert [v.status for v in grouped.values] == [COUNTED, EXCLUDED, COUNTED]
    assert solo.total == 5 and grouped.total == 5 + 4
    assert solo.excluded == ("不动产登记中心党支部", "第三党支部") and solo.missing == ()
    # a branch without 党小组 holds no 党小组会: left out, not missing
    meetings = result.total("three_one.group_meetings")
    assert meetings.values[1].status == EXCLUDED and meetings.total == 72


def test_when_cannot_decide_without_its_field(bureau, branch, sample):
    source = branch_source(branch, variant(sample, basics__groups=None), "r1")
    result = compute_rollup(bureau, branch, [source], year=2025)
    for target in ("three_one.congress_solo", "three_one.congress_grouped", "three_one.group_meetings"):
        value = result.total(target).values[0]
        assert value.status == MISSING and value.note == "未填“党小组数”，无法判断是否计入"
        assert result.total(target).canonical is None
    assert "three_one.congress_solo" not in result.answers()


def test_a_value_that_no_longer_validates_is_missing(bureau, branch, sample):
    source = branch_source(branch, variant(sample, three_one__lessons="两次", basics__groups="若干"), "r1")
    result = compute_rollup(bureau, branch, [source], year=2025)
    lessons = result.total("three_one.lessons").values[0]
    assert lessons.status == MISSING and "值无效" in lessons.note and "不是整数" in lessons.note
    grouped = result.total("three_one.congress_grouped").values[0]
    assert grouped.status == MISSING and "“党小组数”的值无效" in grouped.note


def test_a_source_of_another_workflow_is_refused(bureau, branch, sample):
    other = BranchSource("青山市自然资源和规划局", 2025, "dangjian-shuzhi", {}, "r-bureau", KIND_REPORT)
    result = compute_rollup(bureau, branch, [branch_source(branch, sample, "r1"), other], year=2025)
    assert not result.ok
    assert result.errors == (
        "“青山市自然资源和规划局”（报告 r-bureau）使用的是工作流“dangjian-shuzhi”，"
        "不是“党支部书记抓党建工作述职报告”（zhibu-shuzhi），不能汇总",
    )
    assert len(result.sources) == 1 and len(result.total("three_one.lessons").values) == 1


def test_the_same_branch_twice_is_refused(bureau, branch, sample):
    once = branch_source(branch, sample, "a.yaml", KIND_FILE)
    spelled = branch_source(branch, variant(sample, basics__unit="不动产登记中心 党支部"), "b.json", KIND_FILE)
    again = branch_source(branch, variant(sample, basics__unit="另一个名字"), "a.yaml", KIND_FILE)
    result = compute_rollup(bureau, branch, [once, spelled, again], year=2025)
    assert result.errors == (
        "支部“不动产登记中心 党支部”出现了两次（文件 a.yaml；文件 b.json），同一支部只能汇总一次",
        "文件 a.yaml列出了两次，同一来源只能汇总一次",
    )
    assert result.total("three_one.lessons").total == 6  # counted once


def test_full_width_names_are_the_same_branch(bureau, branch, sample):
    one = branch_source(branch, variant(sample, basics__unit="第1党支部"), "r1")
    two = branch_source(branch, variant(sample, basics__unit="第１党支部"), "r2")
    assert not compute_rollup(bureau, branch, [one, two], year=2025).ok


def test_a_year_that_differs_is_refused_unless_allowed(bureau, branch, sample):
    old = branch_source(branch, variant(sample, basics__unit="第二党支部", basics__year=2024), "r2")
    undated = branch_source(branch, variant(sample, basics__unit="第三党支部", basics__year=None), "r3")
    sources = [branch_source(branch, sample, "r1"), old, undated]
    refused = compute_rollup(bureau, branch, sources, year=2025)
    assert refused.errors == (
        "“第二党支部”（报告 r2）是2024年度的，与本报告的2025年度不一致",
        "“第三党支部”（报告 r3）没有填写述职年度，与本报告的2025年度不一致",
    )
    allowed = compute_rollup(bureau, branch, sources, year=2025, allow_year_mismatch=True)
    assert allowed.ok and len(allowed.notes) == 2 and "已按要求照常汇总" in allowed.notes[0]
    assert allowed.total("three_one.lessons").total == 18
    assert compute_rollup(bureau, branch, sources, year=None).ok  # no year to check against


def test_nothing_to_add_up(bureau, branch):
    result = compute_rollup(bureau, branch, [], year=2025)
    assert result.errors == ("没有要汇总的支部",) and result.answers() == {}


def test_totals_that_do_not_fit_the_bureau_field():
    bureau, branch = mini_bureau(), mini_branch()
    sources = [branch_source(branch, {"basics.unit": f"第{n}支部", "basics.year": 2025, "basics.groups": 1,
                                      "work.meetings": "60余" if n == 1 else 60}, f"r{n}") for n in (1, 2)]
    result = compute_rollup(bureau, branch, sources, year=2025)
    assert result.total("totals.meetings").canonical == "120余"
    assert result.errors == (
        "“各支部会议”（totals.meetings）的合计120余次不能填入：不能超过100",
        "“各支部会议（确数）”（totals.exact）的合计120余次不能填入：此项须填写确切数字，不能是约数",
    )


def test_rollup_needs_a_rollup_and_its_source_workflow(bureau, branch):
    with pytest.raises(RollupError) as info:
        compute_rollup(branch, branch, [])
    assert "没有定义汇总（rollup）" in str(info.value)
    with pytest.raises(RollupError) as info:
        compute_rollup(bureau, load_builtin("personal-summary"), [])
    assert "汇总的是“zhibu-shuzhi”的报告，不是“personal-summary”的" in str(info.value)


def test_a_lazily_loaded_bureau_reads_its_conditions(branch, sample):
    """load_builtin skips the analysis that records what a ``when`` reads."""
    lazy = load_workflow(BUILTIN_DIR / "dangjian-shuzhi.yaml", check_templates=False)
    assert lazy.rollup.when_reads == {}
    source = branch_source(branch, variant(sample, basics__groups=None), "r1")
    value = compute_rollup(lazy, branch, [source]).total("three_one.congress_solo").values[0]
    assert value.status == MISSING and "党小组数" in value.note


def test_branch_source_names_and_dates_a_report(branch, sample):
    source = branch_source(branch, sample, "0f3a9c")
    assert (source.label, source.year, source.kind, source.workflow_id) == (
        "不动产登记中心党支部", 2025, KIND_REPORT, "zhibu-shuzhi")
    assert source.named == "“不动产登记中心党支部”（报告 0f3a9c）"
    unnamed = branch_source(branch, variant(sample, basics__unit=None), "/tmp/一支部.yaml", KIND_FILE)
    assert unnamed.label == "一支部.yaml" and unnamed.where == "文件 /tmp/一支部.yaml"
    assert branch_source(branch, variant(sample, basics__unit="  二支部。 "), "r").label == "二支部"


# ------------------------------------------------------------ answers files


def test_exported_yaml_names_its_workflow_and_loads(tmp_path, branch, sample):
    path = tmp_path / "一支部.yaml"
    path.write_text(dump_answers(branch, sample, "yaml"), encoding="utf-8")
    assert declared_workflow(path) == "zhibu-shuzhi"
    source = load_branch_file(path, branch)
    assert source.answers == sample and source.kind == KIND_FILE and source.origin == str(path)
    assert (source.label, source.year) == ("不动产登记中心党支部", 2025)


def test_exported_json_is_checked_against_the_branch_workflow(tmp_path, branch, sample):
    path = tmp_path / "一支部.json"
    path.write_text(dump_answers(branch, sample, "json"), encoding="utf-8")
    assert declared_workflow(path) is None
    assert load_branch_file(path, branch).answers == sample


def test_a_bureau_answers_file_is_refused(tmp_path, bureau, branch):
    bureau_answers = load_answers_file(bureau, sample_answers_path("dangjian-shuzhi"))
    yaml_path = tmp_path / "局.yaml"
    yaml_path.write_text(dump_answers(bureau, bureau_answers, "yaml"), encoding="utf-8")
    with pytest.raises(AnswersFileError) as info:
        load_branch_file(yaml_path, branch)
    assert info.value.problems == [
        "这是工作流“dangjian-shuzhi”的答案文件，不是“党支部书记抓党建工作述职报告”（zhibu-shuzhi）的，不能汇总"]
    assert str(yaml_path) in str(info.value)

    json_path = tmp_path / "局.json"
    json_path.write_text(dump_answers(bureau, bureau_answers, "json"), encoding="utf-8")
    with pytest.raises(AnswersFileError) as info:
        load_branch_file(json_path, branch)
    # the line of the key, as in a YAML file
    mandate_line = json_path.read_text("utf-8").splitlines().index('  "mandate": {') + 1
    assert f"第{mandate_line}行 mandate：工作流“zhibu-shuzhi”中没有这个条目" in info.value.problems
    assert info.value.problems[-1].startswith("文件没有注明所属工作流")


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"# shuzhi \xe7\xad\x94\xe6\xa1\x88\nbasics:\n  unit: [unclosed\n", "YAML 格式错误"),
        ("basics:\n  members: 很多\n".encode(), "basics.members：“很多”不是整数"),
        ("basics: {unit: 一支部}\n".encode("gbk"), "不是 UTF-8 编码的文本"),
        (b"", "文件里没有任何答案"),
        (b"{}\n", "文件里没有任何答案"),
        (b"[1, 2]\n", "顶层应为"),
    ],
)
def test_damaged_branch_files_are_refused(tmp_path, branch, content, expected):
    path = tmp_path / "坏.yaml"
    path.write_bytes(content)
    with pytest.raises(AnswersFileError) as info:
        load_branch_file(path, branch)
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_a_missing_branch_file(tmp_path, branch):
    with pytest.raises(AnswersFileError) as info:
        load_branch_file(tmp_path / "没有.yaml", branch)
    assert info.value.problems == [f"找不到文件“{tmp_path / '没有.yaml'}”"]


def test_a_hand_written_file_without_header_loads(tmp_path, branch):
    path = tmp_path / "手写.yml"
    path.write_text("basics:\n  unit: 三支部\n  year: 2025\nthree_one:\n  committee: 12\n", encoding="utf-8")
    source = load_branch_file(path, branch)
    assert source.label == "三支部" and source.answers["three_one.committee"] == 12


def branch_answers(sample: dict, n: int) -> dict:
    answers = dict(sample)
    answers["basics.unit"] = f"第{n}党支部"
    answers["basics.groups"] = n % 3
    answers["three_one.committee"] = 10 + n % 5
    answers["talks.members"] = f"{n}余" if n % 7 == 0 else n
    if n % 10 == 0:
        del answers["recruitment.admitted"]
    return answers


def test_fifty_branch_files_roll_up(tmp_path, bureau, branch, sample):
    paths = []
    for n in range(1, 51):
        fmt = "json" if n % 2 else "yaml"
        path = tmp_path / f"branch{n:02d}.{fmt}"
        path.write_text(dump_answers(branch, branch_answers(sample, n), fmt), encoding="utf-8")
        paths.append(path)
    sources = [load_branch_file(path, branch) for path in paths]
    result = compute_rollup(bureau, branch, sources, year=2025)
    assert result.ok and len(result.sources) == 50
    assert result.total("three_one.committee").total == sum(10 + n % 5 for n in range(1, 51))
    talks = result.total("talks.members")
    assert talks.total == sum(range(1, 51)) and talks.approx
    assert result.missing() == {"recruitment.admitted": tuple(f"第{n}党支部" for n in range(10, 51, 10))}
    solo = result.total("three_one.congress_solo")
    assert len(solo.counted) == sum(1 for n in range(1, 51) if n % 3 == 0) and solo.total == 5 * len(solo.counted)
