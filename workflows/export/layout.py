"""Renderer-neutral layout helpers: text width in characters, the title's
trapezoid break and the signature block's indents (GB/T 9704-2012 7.3.5)."""

from __future__ import annotations

import bisect
import re
import unicodedata

from .profile import LayoutProfile


def display_width(text: str) -> float:
    """Width in full-width characters: CJK and full-width forms count 1,
    half-width digits and Latin letters 0.5 (what 公文 typesetters count)."""
    width = 0.0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        east = unicodedata.east_asian_width(ch)
        width += 1.0 if east in ("W", "F", "A") else 0.5
    return width


def paragraph_lines(text: str) -> list[str]:
    """The paragraphs one block's text prints as: split at line breaks, each
    stripped of surrounding white space (a pasted "　　" indent would double the
    first-line indent), empty ones dropped."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return [line for line in lines if line]


# ------------------------------------------------------------------ titles
# GB/T 9704-2012 7.3.1: a title that needs more than one line breaks where
# the words stay whole (词意完整), into lines shaped like a trapezoid or a
# diamond (梯形或菱形), never a rectangle or an hourglass.
#
# Break points, best first: at the title's own structure (after the year,
# before the position, before 抓/关于/履行, after a comma); inside the unit's
# name after a level of administration (市, 区, 委员会, 人民政府 …) or after a
# unit ending in 局/厅/院/委; anywhere else between two Chinese characters
# only when nothing better fits (and never inside the words below).
_POSITION = r"(?:机关党委|党工委|党总支|党支部|党委|党组)副?书记"
_GOOD_BEFORE = re.compile(rf"(?={_POSITION})|(?=抓)|(?=关于)|(?=履行)|(?=述职报告)|(?=个人(?:年度)?工作总结)")
_GOOD_AFTER = re.compile(r"(?<=\d年度)|(?<=\d年)(?!度)|(?<=[，、：；])")
_UNIT_AFTER = re.compile(
    r"(?<=[省市县区州旗盟])(?<![城都超门]市)(?![委政直级属辖场民域容长内外区县市省镇乡州旗盟界])"
    r"|(?<=委员会)(?![主委副])|(?<=人民政府)|(?<=管委会)|(?<=工委)(?!书记)"
    r"|(?<=[局厅院署])(?![长属级部面内])|(?<=[省市县区州]委)(?![员会书])"
)
# Words a break never splits (the position, the report's own words).
_WORDS = re.compile(
    rf"{_POSITION}(?:、[^、，抓]{{1,6}}?(?:长|主任|书记))*|局长|厅长|主任|部长|院长|处长|书记|述职报告|述职|报告|机关党建|党建|工作|总结"
    r"|年度|中共|人民|委员会|[A-Za-z0-9０-９]+年?"
)
_NO_BREAK_BEFORE = "，、。：；？！）》”’〉」』…—"
_NO_BREAK_AFTER = "（《“‘〈「『"

BREAK_GOOD, BREAK_UNIT, BREAK_ANY = 0, 10, 200


def title_breaks(title: str) -> dict[int, int]:
    """Positions where ``title`` may break (a line ends before index i), with
    their cost: BREAK_GOOD, BREAK_UNIT or BREAK_ANY."""
    forbidden: set[int] = set()
    for match in _WORDS.finditer(title):
        forbidden.update(range(match.start() + 1, match.end()))
    costs: dict[int, int] = {}
    for i in range(1, len(title)):
        if i in forbidden or title[i] in _NO_BREAK_BEFORE or title[i - 1] in _NO_BREAK_AFTER:
            continue
        costs[i] = BREAK_ANY
    # Inside brackets (a unit's second name) only where nothing better fits.
    bracketed: set[int] = set()
    depth = 0
    for i, ch in enumerate(title):
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif depth:
            bracketed.add(i)
    for pattern, cost in ((_UNIT_AFTER, BREAK_UNIT), (_GOOD_BEFORE, BREAK_GOOD), (_GOOD_AFTER, BREAK_GOOD)):
        for match in pattern.finditer(title):
            i = match.start()
            if i in costs and i not in bracketed:
                costs[i] = min(costs[i], cost)
    return costs


def _shape_cost(widths: list[float]) -> float:
    """How far lines of these widths are from a trapezoid or a diamond."""
    if len(widths) == 1:
        return 0.0
    cost = 2.0 * (max(widths) - min(widths))
    if widths[-1] <= 2 or widths[0] <= 2:
        cost += 80  # a lone "告"
    inner = widths[1:-1]
    if inner and min(inner) < min(widths[0], widths[-1]):
        cost += 60  # an hourglass: long, short, long
    steps = [b - a for a, b in zip(widths, widths[1:])]
    rising = all(d >= 0 for d in steps)
    falling = all(d <= 0 for d in steps)
    top = widths.index(max(widths))
    diamond = all(d >= 0 for d in steps[:top]) and all(d <= 0 for d in steps[top:])
    if not (rising or falling or diamond):
        cost += 40  # a zigzag
    if len(set(widths)) == 1 and len(widths) > 2:
        cost += 10  # a rectangle
    return cost


MAX_SHAPED_LINES = 5


def split_title(title: str, capacity: float) -> list[str]:
    """Lines for a title: one line when it fits; otherwise the fewest lines
    that break only between words, as even as a trapezoid or diamond allows
    (one more line is preferred to a word split). A title that needs more
    than MAX_SHAPED_LINES lines is filled line by line."""
    total = display_width(title)
    if total <= capacity or not title:
        return [title]
    costs = title_breaks(title)
    widths = [display_width(ch) for ch in title]
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    least = int(-(-total // capacity))
    if least > MAX_SHAPED_LINES:
        return _fill(title, capacity, costs, prefix)
    positions = sorted(costs)
    best: tuple[float, list[int]] | None = None

    def search(start: int, lines_left: int, cuts: list[int], penalty: float) -> None:
        nonlocal best
        rest = prefix[len(title)] - prefix[start]
        if lines_left == 1:
            if rest <= capacity:
                line_widths = [prefix[b] - prefix[a] for a, b in zip([0, *cuts], [*cuts, len(title)])]
                cost = 100 * (len(cuts) + 1) + penalty + _shape_cost(line_widths)
                if best is None or cost < best[0]:
                    best = (cost, list(cuts))
            return
        if rest > capacity * lines_left:
            return
        for i in positions:
            if i <= start:
                continue
            width = prefix[i] - prefix[start]
            if width > capacity:
                break
            cost = penalty + costs[i]
            if best is not None and cost + 100 * (len(cuts) + 2) >= best[0]:
                continue
            search(i, lines_left - 1, cuts + [i], cost)

    for lines in range(least, min(least + 2, MAX_SHAPED_LINES) + 1):
        search(0, lines, [], 0.0)
    if best is None:
        return _fill(title, capacity, costs, prefix)
    cuts = best[1]
    return [title[a:b] for a, b in zip([0, *cuts], [*cuts, len(title)])]


def _fill(title: str, capacity: float, costs: dict[int, int], prefix: list[float]) -> list[str]:
    """Line by line: each line as long as fits, ending at the last allowed
    break (or anywhere, when a stretch has none)."""
    # Linear in the title's length (``prefix`` never decreases): a line ends
    # at the last break at or before the widest end that fits.
    positions = sorted(costs)
    lines, start = [], 0
    while prefix[len(title)] - prefix[start] > capacity:
        base = prefix[start]
        widest = bisect.bisect_right(prefix, capacity, lo=start + 1, key=lambda p: p - base) - 1
        at = bisect.bisect_right(positions, widest) - 1
        end = positions[at] if at >= 0 and positions[at] > start else widest
        end = max(end, start + 1)
        lines.append(title[start:end])
        start = end
    lines.append(title[start:])
    return lines


def title_capacity(profile: LayoutProfile) -> float:
    """Full-width title characters that fit one line of the 版心."""
    advance = profile.title.size_pt * 20 + profile.char_spacing_twips
    return int(profile.text_width_mm * 1440 / 25.4 // advance)


def title_lines(title: str, profile: LayoutProfile) -> list[str]:
    """The lines the title is set in (each paragraph of it shaped on its own)."""
    lines: list[str] = []
    for line in paragraph_lines(title):
        if profile.shape_long_title:
            lines.extend(split_title(line, title_capacity(profile)))
        else:
            lines.append(line)
    return lines


def script_changes(text: str) -> int:
    """How many times ``text`` passes between Chinese and Latin letters or
    digits (where a word processor may add Chinese–Latin spacing)."""
    kinds = []
    for ch in text:
        if ch.isascii():
            kind = "latin" if ch.isalnum() else ""
        else:
            kind = "cjk" if display_width(ch) == 1 and not ch.isspace() else ""
        if kind:
            kinds.append(kind)
    return sum(1 for a, b in zip(kinds, kinds[1:]) if a != b)


def signature_indents(signature: str, date: str, profile: LayoutProfile,
                      autospace: float = 0.0) -> tuple[float, float]:
    """Right indents, in characters, of the signature line and the date line.

    The signature sits ``signature_right_indent_chars`` in from the right; the
    date's first character is ``date_shift_chars`` right of the signature's
    first character. When that would push the date closer than
    ``date_min_right_indent_chars`` to the edge (a date longer than the
    signature), the date keeps that indent and the signature moves left.
    ``autospace``: the space, in characters, the renderer adds at each change
    between Chinese and Latin characters (0 in Word, where the block turns
    it off).
    """
    sig_w = display_width(signature) + autospace * script_changes(signature)
    date_w = display_width(date) + autospace * script_changes(date)
    sig_right = profile.signature_right_indent_chars
    if not signature:
        return 0.0, profile.date_min_right_indent_chars
    if not date:
        return sig_right, 0.0
    date_right = sig_right + sig_w - date_w - profile.date_shift_chars
    if date_right < profile.date_min_right_indent_chars:
        date_right = profile.date_min_right_indent_chars
        sig_right = date_right + date_w + profile.date_shift_chars - sig_w
    return sig_right, date_right
