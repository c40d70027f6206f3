"""A realistic hand-built report shared by the export tests, and tests of
the layout profiles and layout helpers."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from workflows.report import Block, Pending, Report, pending_marker


def H(level: int, number: str, text: str, item: str | None = None) -> Block:
    return Block(kind="heading", text=text, level=level, number=number, item_id=item)


def P(text: str, item: str | None = None, *, level: int = 0, number: str = "", lead: str = "") -> Block:
    return Block(kind="paragraph", text=text, level=level, number=number, lead=lead, item_id=item)


OPENING = (
    "2025年，在市委的坚强领导下，我认真履行党组书记抓机关党建第一责任人职责，"
    "对照《机关党委书记抓党建责任清单》，坚持党建工作与业务工作同谋划、同部署、同落实，"
    "较好地完成了全年各项任务。现将有关情况述职如下："
)

BLOCKS: tuple[Block, ...] = (
    P(OPENING),
    H(1, "一、", "提升政治站位，扛牢管党治党政治责任", "political"),
    H(2, "（一）", "坚持以理论武装凝心铸魂", "political"),
    P(
        "全年主持召开党组会议12次、直属机关党委会议4次、机关党员大会2次，"
        "第一时间传达学习上级会议精神，专题听取机关党建工作汇报，"
        "把党的二十大和二十届历次全会精神纳入党组理论学习中心组的重点内容。",
        "political",
        level=3,
        number="1.",
        lead="加强理论武装。",
    ),
    P(
        "围绕责任落实、组织生活、党员教育管理等关键环节，制定印发制度文件20余份，"
        "形成了用制度管人管事的工作格局。",
        "political",
        level=3,
        number="2.",
        lead="健全制度机制。",
    ),
    H(2, "（二）", "严格落实双重组织生活制度", "dual_life"),
    P(
        "我以普通党员身份参加所在支部组织生活会3次，与基层党组织书记开展集体谈心谈话，"
        "带头讲党课、作表率，坚持一述一评，亲自参加督查考核5次，推动责任层层落实。",
        "dual_life",
    ),
    H(1, "二、", "聚焦主责主业，夯实基层组织建设", "grassroots"),
    H(2, "（一）", "压实主体责任", "grassroots"),
    H(3, "1.", "完善党建目标责任制", "grassroots"),
    P(
        "将党建工作纳入效能目标考核，与8名党组成员签订党风廉政建设责任书，"
        "与26名基层组织负责人签订一岗双责目标责任书，做到责任到人、任务到岗。",
        "grassroots",
    ),
    H(4, "（1）", "支部书记履职情况", "grassroots"),
    P(
        "各支部全年召开支委会96次、党员大会32次，讲党课28次，开展主题党日活动96次，"
        "传达学习上级决议决定40次，向机关党委报告工作24次。",
        "grassroots",
    ),
    H(4, "（2）", "书记队伍建设", "grassroots"),
    P(
        "选派支部书记参加上级培训15人，自行举办培训班2期，培训300余人次，"
        "支部书记抓党建的能力明显增强。",
        "grassroots",
    ),
    H(2, "（二）", "抓实基础性工作", "basics"),
    P(
        "对标对表规范化建设要求，完成支部标准化建设12个，每个支部委员会均配备纪检委员。"
        "严格落实三会一课制度，全年开展民主评议党员，坚持每月开展主题党日，"
        "党员信息管理系统由专人维护，办理组织关系转接18人。",
        "basics",
    ),
    P(
        "发展党员工作坚持标准、严格程序，培训发展对象6人，接收预备党员4人，"
        "按期办理预备党员转正3人；党费按规定收缴、使用和报告。",
        "basics",
    ),
    H(1, "三、", "坚持问题导向，推动重点工作落地见效", "focus"),
    P(
        "持续开展作风建设专项整治，本人亲自部署推动，向各支部印发学习材料12份，"
        "召开推进会3次，查找并整改突出问题9个；常态化开展督查，机关党委督查4次，"
        "党组抽查2次，半年讲评2次，把党建考核结果与个人考核挂钩。",
        "focus",
    ),
    H(1, "四、", "存在的问题", "problems"),
    P(
        "对照新时代党的建设总要求，工作中还存在一些不足：一是党建与业务融合还不够紧密，"
        "有的支部仍有两张皮现象；二是党员教育管理还不够严格，个别党员学习主动性不强；"
        "三是党务干部能力水平有待提高，创新方法不多。",
        "problems",
    ),
    H(1, "五、", "下一步工作打算", "next_steps"),
    P(
        "一是进一步压实责任，完善责任清单和考核办法；二是推动党建与业务同谋划、同部署、同考核；"
        "三是创新工作机制，加强与人事、纪检、工会、共青团的协同，本人每年至少讲党课1次。",
        "next_steps",
    ),
    # A paragraph of ideographs only: on the 28-character grid each full line
    # holds exactly 28 characters (used by the LibreOffice layout test).
    P(
        "我们将始终坚持以习近平新时代中国特色社会主义思想为指导深入学习贯彻党的二十大精神"
        "全面落实新时代党的建设总要求以党的政治建设为统领不断提高机关党建工作质量"
        "持续推动全面从严治党向纵深发展为圆满完成全年各项目标任务提供坚强政治保证"
        "以实际行动践行初心使命在新征程上展现新担当新作为努力创造无愧于时代的新业绩",
        "next_steps",
    ),
)


def make_report(**changes) -> Report:
    report = Report(
        workflow_id="dangjian-shuzhi",
        title="2025年度市统计局党组书记抓机关党建工作述职报告",
        name_line="市统计局党组书记　王建国",
        blocks=BLOCKS,
        closing="以上述职，请予评议。",
        signature="王建国",
        date="2026年1月8日",
    )
    return dataclasses.replace(report, **changes) if changes else report


def make_long_report(copies: int = 3) -> Report:
    """The report with its sections repeated: several full pages of text."""
    report = make_report()
    body = report.blocks[1:]
    return dataclasses.replace(report, blocks=(report.blocks[0],) + body * copies)


def make_pending_report() -> Report:
    """A draft with an unanswered required field and a leftover "XX"."""
    report = make_report()
    marker = pending_marker("党组会议次数")
    blocks = list(report.blocks)
    blocks[3] = dataclasses.replace(blocks[3], text=f"全年主持召开党组会议{marker}次，传达学习上级会议精神。")
    blocks[6] = dataclasses.replace(blocks[6], text="我以普通党员身份参加XX支部组织生活会3次。")
    return dataclasses.replace(
        report,
        blocks=tuple(blocks),
        date="2026年X月X日",
        signature="××",
        pending=(Pending("political", "meetings.party_group", "党组会议次数"),),
    )


# ------------------------------------------------------------------ profiles
from workflows.export import PROFILES, ExportError, get_profile  # noqa: E402
from workflows.export.layout import (  # noqa: E402
    display_width,
    signature_indents,
    split_title,
    title_capacity,
)


def test_profiles_are_consistent():
    assert {"standard", "line28"} <= set(PROFILES)
    for profile in PROFILES.values():
        assert profile.check() == [], profile.check()
    standard = get_profile("standard")
    assert standard.line_spacing_twips == 579
    assert standard.char_spacing_twips == -5
    assert (standard.fitted_lines(), standard.fitted_chars()) == (22, 28)
    assert round(standard.text_width_mm) == 156 and round(standard.text_height_mm) == 225
    assert get_profile("line28").line_spacing_twips == 560
    assert get_profile(standard) is standard


def test_profile_check_catches_a_wrong_grid():
    wrong = dataclasses.replace(get_profile("standard"), name="loose", line_spacing_twips=600,
                                char_spacing_twips=0)
    problems = wrong.check()
    assert any("21 行" in p for p in problems)
    assert any("27 字" in p for p in problems)


def test_unknown_profile_has_a_chinese_message():
    with pytest.raises(ExportError) as info:
        get_profile("letter")
    assert "没有名为“letter”的版式" in str(info.value)
    assert "standard" in str(info.value)


def test_display_width():
    assert display_width("2026年1月8日") == 2 + 3 + 1
    assert display_width("王建国") == 3


def test_long_title_breaks_into_a_trapezoid_at_a_word_boundary():
    profile = get_profile("standard")
    capacity = title_capacity(profile)
    assert capacity == 20
    title = "2025年度市统计局党组书记抓机关党建工作述职报告"
    lines = split_title(title, capacity)
    assert "".join(lines) == title
    assert len(lines) == 2
    assert lines == ["2025年度市统计局党组书记", "抓机关党建工作述职报告"]
    assert display_width(lines[0]) >= display_width(lines[1])
    assert split_title("述职报告", capacity) == ["述职报告"]
    # No word boundary at all: the fewest, most even lines.
    assert split_title("甲" * 30, capacity) == ["甲" * 15, "甲" * 15]


def test_signature_block_follows_the_standard():
    profile = get_profile("standard")
    # A long signature: name 2 characters in, the date starts 2 characters
    # right of the signature's start.
    sig, date = signature_indents("中共某某市统计局党组书记王建国", "2026年1月8日", profile)
    assert sig == 2
    start_sig = sig + display_width("中共某某市统计局党组书记王建国")
    start_date = date + display_width("2026年1月8日")
    assert start_sig - start_date == 2
    # The date longer than the name: the date is 2 characters in and the
    # signature moves left so that the date still starts 2 characters right.
    sig, date = signature_indents("王建国", "2026年1月8日", profile)
    assert date == 2
    assert (sig + 3) - (date + 6) == 2


def test_importing_export_stays_cheap():
    code = (
        "import sys, workflows.export, workflows.export.profile, workflows.export.text, "
        "workflows.export.markdown, workflows.export.docx, workflows.export.pdf\n"
        "bad = [m for m in ('docx', 'lxml', 'textual', 'tinydb') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
