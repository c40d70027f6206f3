"""The example in docs/workflow-format.md loads and assembles as documented."""

import datetime as dt

from workflows.assemble import assemble
from workflows.checks import check
from workflows.loader import load_workflow

TODAY = dt.date(2026, 11, 25)


def test_docs_example_loads_and_assembles(minimal_workflow_path):
    wf = load_workflow(minimal_workflow_path)
    assert wf.id == "minimal-example"
    answers = {
        "basics.unit": "青山市统计局",
        "basics.date": "2026-12-30",
        "meetings.count": 5,
        "meetings.topics": ["年度计划", "统计执法"],
    }
    report = assemble(wf, answers, today=TODAY)
    assert report.title == "2026年青山市统计局季度工作小结"
    assert [b.full_text for b in report.blocks] == [
        "现将本季度主要工作情况报告如下：",
        "一、主要工作",
        "本季度共召开工作会议5次，重点研究了年度计划和统计执法。",
    ]
    assert report.closing == "特此报告。"
    assert report.date == "2026年12月30日"
    assert check(wf, answers, today=TODAY).ready


def test_docs_example_without_topics_drops_clause(minimal_workflow_path):
    wf = load_workflow(minimal_workflow_path)
    report = assemble(wf, {"basics.unit": "某局", "meetings.count": "20余"}, today=TODAY)
    assert report.blocks[-1].text == "本季度共召开工作会议20余次。"
