"""The text of what an app shows, row by row (for layout tests)."""

from __future__ import annotations

from typing import Any


def screen_lines(app: Any, region: Any = None) -> list[str]:
    """The characters on screen, one string per row (a wide character
    once); only the columns and rows of ``region`` when given."""
    width, height = app.size
    strips = app.screen._compositor.render_strips()[:height]
    if region is None:
        return [strip.text for strip in strips]
    return [strip.crop(region.x, region.right).text for strip in strips[region.y : region.bottom]]
