"""避头尾 in every wrapped panel of the app (#12 item 9), read from the screen
at 80×24: no line starts with 、，。；：！？）》” and none ends with （《“.

The wizard is walked over every item of both 述职 workflows (sample answers,
so that the paragraph panel has text), guidance shown; the lines of the
question, the guidance and example, the options, the lines under the form and
the paragraph panel are collected as drawn. The preview's paragraphs too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from screen_text import screen_lines
from test_tui_support import async_test, make_app, wait_screen

from tui.widgets.itemform import ParagraphPanel
from tui.widgets.options import OptionPicker
from tui.widgets.wrapped import WrappedStatic

BAD_START = "、，。；：！？）》”"
BAD_END = "（《“"
# What a line may begin with before its text: an indent, a focus bar, an option's mark.
_LEAD = " 　█▌▶☐☑●○"


def _bad_lines(lines: list[str]) -> list[str]:
    bad = []
    for line in lines:
        text = line.strip(" 　")
        body = text.lstrip(_LEAD)
        if (body and body[0] in BAD_START) or (text and text[-1] in BAD_END):
            bad.append(line)
    return bad


def _visible(app: Any, widget: Any) -> Any:
    """The part of ``widget``'s content on screen (inside every scrolling container round it)."""
    region = widget.content_region.intersection(app.screen.region)
    for ancestor in widget.ancestors:
        if getattr(ancestor, "is_scrollable", False) and ancestor is not app.screen:
            region = region.intersection(ancestor.scrollable_content_region)
    return region


def _drawn(app: Any, widget: Any) -> list[str]:
    """The rows of ``widget``'s content as they are on screen (what is scrolled into view)."""
    region = _visible(app, widget)
    return [line.rstrip() for line in screen_lines(app, region)] if region.height else []


def _demo(data_dir: Path, workflow_id: str) -> str:
    from store.core import Store
    from tui.session import create_demo_report

    return create_demo_report(Store(data_dir), workflow_id).id


def _panels(wizard: Any) -> list[Any]:
    return [
        *wizard.query(WrappedStatic).results(),
        *wizard.query(ParagraphPanel).results(),
        *(picker for picker in wizard.query(OptionPicker).results() if picker.vertical),
    ]


@pytest.mark.parametrize("workflow", ["dangjian-shuzhi", "zhibu-shuzhi"])
@async_test
async def test_no_wrapped_line_of_the_wizard_breaks_避头尾_at_80x24(tmp_path: Path, workflow: str) -> None:
    report_id = _demo(tmp_path / "data", workflow)
    app = make_app(tmp_path, report_id)
    found: dict[str, list[str]] = {}
    guidance_lines = drawn_lines = 0
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await wait_screen(pilot, "WizardScreen")
        assert not app.guidance_folded
        for item in wizard.items:
            await wizard.go_to(item.id)
            await pilot.pause()
            intro = wizard.query_one("#item-intro", WrappedStatic)
            width = intro.size.width
            if item.guidance:
                # The whole guidance, as rendered (part of it may be scrolled away).
                rendered = intro.render().plain.split("\n")
                assert all(cell_len(line) <= width for line in rendered)  # no second wrap by Textual
                guidance_lines += len(rendered)
                found.update({f"{item.id} guidance": _bad_lines(rendered)})
                drawn = _drawn(app, intro)
                first = _visible(app, intro).y - intro.content_region.y  # rows scrolled away above
                drawn_lines += len(drawn)
                expected = [line.rstrip() for line in rendered[first : first + len(drawn)]]
                assert expected == drawn, f"{item.id}: the guidance is not drawn as rendered"
            for panel in _panels(wizard):
                if panel.display and panel.region.height:
                    found[f"{item.id} {panel.id or type(panel).__name__}"] = _bad_lines(_drawn(app, panel))
    assert guidance_lines > 50 and drawn_lines > 30  # the walk saw the guidance of the items, drawn
    assert {where: lines for where, lines in found.items() if lines} == {}


@async_test
async def test_no_preview_paragraph_breaks_避头尾(tmp_path: Path) -> None:
    report_id = _demo(tmp_path / "data", "dangjian-shuzhi")
    app = make_app(tmp_path, report_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "WizardScreen")
        await pilot.press("f2")
        preview = await wait_screen(pilot, "PreviewScreen")
        lines = preview.lines()
        assert len(lines) > 20
        bad: list[str] = []
        wrapped = 0
        for line in lines:
            width = line.size.width
            rendered = line.render().plain.split("\n")
            wrapped += len(rendered) > 1
            assert all(cell_len(part) <= width for part in rendered)
            bad += _bad_lines(rendered)
        assert wrapped > 10  # paragraphs longer than a line were wrapped here, not by Textual
        # And on screen, page by page.
        body = preview.query_one("#preview-body")
        while True:
            bad += _bad_lines(_drawn(app, body))
            if body.scroll_y >= body.max_scroll_y:
                break
            body.scroll_page_down(animate=False)
            await pilot.pause()
    assert bad == []


@async_test
async def test_the_prose_of_home_help_and_dialogs_keeps_避头尾(tmp_path: Path) -> None:
    """The home screen's welcome (its 。 once began a line at 80 columns), the
    help and a question dialog, as drawn at 80×24 and at 100 columns."""
    for width in (80, 100):
        (tmp_path / str(width)).mkdir()
        app = make_app(tmp_path / str(width))
        async with app.run_test(size=(width, 24)) as pilot:
            await wait_screen(pilot, "HomeScreen")
            await pilot.pause(0.2)
            drawn = {"home": screen_lines(app)}
            await pilot.press("f1")
            await wait_screen(pilot, "HelpScreen")
            await pilot.pause(0.2)
            drawn["help"] = screen_lines(app)
            await pilot.press("escape")
            await wait_screen(pilot, "HomeScreen")
        bad = {where: _bad_lines(lines) for where, lines in drawn.items()}
        assert bad == {"home": [], "help": []}, (width, bad)
        assert "自动保存" in "".join(line.strip() for line in drawn["home"]), drawn["home"]
