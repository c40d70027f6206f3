"""Answer values: parsing user input into canonical values, and the objects
templates see.

Canonical values are what the store and answers files hold (JSON-able):
count -> int, or "20余" when approximate; text/longtext/choice -> str;
list/titles/multi -> list[str]; bool -> bool; date -> "YYYY-MM-DD";
year -> int; group -> list of {field_id: canonical value}. ``None`` means
"no answer". Each type's own rules live in its module of
``workflows.fieldtypes``; the parsers they share are here.

What the user typed is either such a value or, when it does not validate
(:func:`validate`), a *draft*: kept as typed and shown with its message,
but never used as a value (see ``workflows.answers``).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

from . import fieldtypes
from .model import (
    COUNT_MAX_DEFAULT,
    ITEM_MAX_DEFAULT,
    ITEMS_MAX_DEFAULT,
    YEAR_MAX,
    YEAR_MIN,
    Field,
)

APPROX_SUFFIX = "余"

FULLWIDTH = str.maketrans("０１２３４５６７８９－．／", "0123456789-./")
_COUNT_RE = re.compile(r"^(\d+)\s*(余|多)?\s*(?:次|人|份|个|场|名|期|人次|项|篇)?$")
# "约20" / "大约20": another meaning than "20余" (at least 20), so refused with a hint.
_ABOUT_RE = re.compile(r"^(?:约|大约|近|将近)\s*\d")
_CN_DIGIT_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN_NUMBER_RE = re.compile(r"^[零〇一二两三四五六七八九十百千万]+")


def chinese_number(text: str) -> int | None:
    """二十四 -> 24, 一百零五 -> 105, 十二 -> 12, 三千 -> 3000; None if not a number."""
    if not text or any(ch not in _CN_DIGIT_VALUES and ch not in _CN_UNITS for ch in text):
        return None
    if all(ch in _CN_DIGIT_VALUES for ch in text):  # 二〇二五: digit by digit
        return int("".join(str(_CN_DIGIT_VALUES[ch]) for ch in text))
    total, section, number = 0, 0, 0
    previous_digit = False
    last_unit = 10**9
    for ch in text:
        if ch in _CN_DIGIT_VALUES:
            value = _CN_DIGIT_VALUES[ch]
            if previous_digit and value and number:
                return None  # two digits in a row (二三十)
            number, previous_digit = value, True
            continue
        unit = _CN_UNITS[ch]
        if unit == 10000:
            if section == 0 and number == 0:
                return None
            total += (section + number) * 10000
            section, number, last_unit, previous_digit = 0, 0, 10**9, False
            continue
        if unit >= last_unit or (not previous_digit and unit != 10) or (not previous_digit and section):
            return None  # 十百, 百 without a digit, 一百十
        section += (number if previous_digit else 1) * unit
        number, last_unit, previous_digit = 0, unit, False
    return total + section + number


def _chinese_count(text: str) -> str:
    """The leading Chinese numeral of a count as digits (二十余次 -> 20余次)."""
    match = _CN_NUMBER_RE.match(text)
    if not match:
        return text
    number = chinese_number(match.group(0))
    if number is None:
        return text
    return f"{number}{text[match.end():]}"
_DATE_RES = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


class AnswerError(ValueError):
    """A value that does not fit its field; ``message`` is for the user."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}：{self.message}" if self.path else self.message


class Count:
    """A whole number >= 0, possibly approximate ("20余")."""

    __slots__ = ("approx", "value")

    def __init__(self, value: int, approx: bool = False) -> None:
        self.value = value
        self.approx = approx

    def __str__(self) -> str:
        return f"{self.value}{APPROX_SUFFIX}" if self.approx else str(self.value)

    __html__ = None  # never treated as markup

    def __repr__(self) -> str:
        return f"Count({self.value}, approx={self.approx})"

    def __bool__(self) -> bool:
        return self.value > 0

    def __int__(self) -> int:
        return self.value

    def __index__(self) -> int:
        return self.value

    def __hash__(self) -> int:
        return hash((self.value, self.approx))

    @staticmethod
    def _num(other: Any) -> Any:
        return other.value if isinstance(other, Count) else other

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Count):
            return self.value == other.value and self.approx == other.approx
        return self.value == other

    def __lt__(self, other: Any) -> bool:
        return self.value < self._num(other)

    def __le__(self, other: Any) -> bool:
        return self.value <= self._num(other)

    def __gt__(self, other: Any) -> bool:
        return self.value > self._num(other)

    def __ge__(self, other: Any) -> bool:
        return self.value >= self._num(other)

    def __add__(self, other: Any) -> int:
        return self.value + self._num(other)

    __radd__ = __add__

    def __sub__(self, other: Any) -> int:
        return self.value - self._num(other)

    def __rsub__(self, other: Any) -> int:
        return self._num(other) - self.value

    def canonical(self) -> int | str:
        return str(self) if self.approx else self.value


class Pending:
    """An unanswered required field as templates see it: a visible marker.

    It is true (so the clause that prints it stays), compares like a
    positive number, and iterates as a one-element list of itself.
    """

    __slots__ = ("label", "path")

    def __init__(self, label: str, path: str) -> None:
        self.label = label
        self.path = path

    @property
    def marker(self) -> str:
        # Imported here: the report model (its dataclasses cost ≈ 2 ms to
        # create) is needed only once a report is assembled, not by the
        # quick commands that read a cached check.
        from .report import pending_marker

        return pending_marker(self.label)

    def __str__(self) -> str:
        return self.marker

    def __repr__(self) -> str:
        return f"Pending({self.path})"

    def __bool__(self) -> bool:
        return True

    def __iter__(self):
        yield self

    def __len__(self) -> int:
        return 1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pending) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)

    def __lt__(self, other: Any) -> bool:
        return False

    __le__ = __lt__

    def __gt__(self, other: Any) -> bool:
        return True

    __ge__ = __gt__

    # Arithmetic on a missing number keeps the marker.
    def __add__(self, other: Any) -> Pending:
        return self

    __radd__ = __sub__ = __rsub__ = __add__


class Entry:
    """One entry of a repeatable group: its fields are attributes."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:  # unknown sub-field: no answer
        if name.startswith("__"):
            raise AttributeError(name)
        return None


# ---------------------------------------------------------------- parsing


def checked_text(raw: Any, path: str) -> str:
    """``raw`` as text; AnswerError when it is none, or holds a lone surrogate."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise AnswerError("应为文字", path)
    text = str(raw)
    from .safeparse import find_surrogate

    bad = find_surrogate(text)
    if bad is not None:
        # A lone surrogate cannot be written as UTF-8: refused here, never stored.
        raise AnswerError(f"第{bad + 1}个字符（U+{ord(text[bad]):04X}）不是有效的字符，请删去后重新输入", path)
    return text


def parse_count(raw: Any, f: Field, path: str = "") -> Count:
    if isinstance(raw, Count):
        count = raw
    elif isinstance(raw, bool):
        raise AnswerError("应为整数，不是“是/否”", path)
    elif isinstance(raw, int):
        count = Count(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise AnswerError("应为整数", path)
        if raw != int(raw):
            raise AnswerError(f"应为整数，不能是小数（{raw:g}）", path)
        count = Count(int(raw))
    elif isinstance(raw, dict) and "value" in raw:
        inner = parse_count(raw["value"], f, path)
        count = Count(inner.value, bool(raw.get("approx")) or inner.approx)
    elif isinstance(raw, str):
        text = raw.strip().translate(FULLWIDTH).replace(",", "").replace("，", "")
        if text.startswith("-"):
            raise AnswerError("不能是负数", path)
        if _ABOUT_RE.match(text):
            raise AnswerError(f"“{raw.strip()[:20]}”：约数请写成“20余”（表示20以上），或填确切数字", path)
        text = _chinese_count(text)
        match = _COUNT_RE.match(text)
        if not match:
            raise AnswerError(f"“{raw.strip()[:20]}”不是整数（约数请写成“20余”）", path)
        if len(match.group(1)) > 9:
            raise AnswerError("数字太大", path)
        count = Count(int(match.group(1)), bool(match.group(2)))
    else:
        raise AnswerError("应为整数", path)
    if count.approx and not f.approx:
        raise AnswerError("此项须填写确切数字，不能是约数", path)
    low = 0 if f.min is None else f.min
    high = COUNT_MAX_DEFAULT if f.max is None else f.max
    if count.value < 0:
        raise AnswerError("不能是负数", path)
    if count.value < low:
        raise AnswerError(f"不能少于{low}", path)
    if count.value > high:
        raise AnswerError(f"不能超过{high}", path)
    return count


def parse_date(raw: Any, path: str = "") -> str:
    if isinstance(raw, _dt.datetime):
        raw = raw.date()
    if isinstance(raw, _dt.date):
        raw = raw.isoformat()  # (YAML gives dates) checked like typed ones
    if not isinstance(raw, str):
        raise AnswerError("应为日期，例如 2026-01-08", path)
    text = raw.strip().translate(FULLWIDTH)
    for pattern in _DATE_RES:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                date = _dt.date(year, month, day)
            except ValueError:
                raise AnswerError(f"“{raw.strip()}”不是有效日期", path) from None
            if not YEAR_MIN <= date.year <= YEAR_MAX:
                raise AnswerError(f"年份应在{YEAR_MIN}至{YEAR_MAX}之间", path)
            return date.isoformat()
    raise AnswerError(f"“{raw.strip()[:20]}”不是日期，请写成 2026-01-08 或 2026年1月8日", path)


def parse_lines(raw: Any, f: Field, path: str, strip_title_marks: bool = False) -> list[str]:
    """Entries of a list answer (lines of text, or a list), trimmed, the
    blank ones dropped, each within the field's length; ``strip_title_marks``
    also drops 《》 typed around an entry."""
    if isinstance(raw, str):
        items = raw.splitlines()
    elif isinstance(raw, (list, tuple)):
        items = []
        for index, element in enumerate(raw):
            if isinstance(element, (dict, list, tuple)) or element is None:
                raise AnswerError("列表中的每一条应为文字", f"{path}[{index + 1}]")
            items.append(checked_text(element, f"{path}[{index + 1}]"))
    else:
        raise AnswerError("应为列表（每行一条）", path)
    cleaned: list[str] = []
    limit = f.max_length or ITEM_MAX_DEFAULT
    for element in items:
        element = element.strip()
        if strip_title_marks:
            element = element.strip("《》 　").strip()
        if element:
            if len(element) > limit:
                raise AnswerError(f"第{len(cleaned) + 1}条不能超过{limit}字（现有{len(element)}字）", path)
            cleaned.append(element)
    return cleaned


def check_items(values: list, f: Field, path: str) -> None:
    """The number of entries within the field's min_items / max_items."""
    if f.min_items is not None and values and len(values) < f.min_items:
        raise AnswerError(f"至少需要{f.min_items}条", path)
    limit = f.max_items if f.max_items is not None else ITEMS_MAX_DEFAULT
    if len(values) > limit:
        raise AnswerError(f"最多{limit}条（现有{len(values)}条）", path)


def coerce(f: Field, raw: Any, path: str | None = None) -> Any:
    """Turn ``raw`` (typed text, YAML or stored JSON) into a canonical value,
    as the field's type (``workflows.fieldtypes``) says.

    Returns None for "no answer"; raises AnswerError with a Chinese message.
    """
    path = f.path if path is None else path
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        kind = fieldtypes.get(f.type)
    except KeyError:
        raise AnswerError(f"未知的字段类型“{f.type}”", path) from None
    return kind.coerce(f, raw, path)


def is_empty(value: Any) -> bool:
    """The one definition of "no answer": None, an empty list or empty text."""
    return value is None or value == [] or value == ""


def validate(f: Field, raw: Any, path: str | None = None) -> tuple[Any, str | None]:
    """What the user entered, checked: ``(canonical value, None)`` when it
    validates, else ``(raw, Chinese message)``; ``raw`` is then a draft.

    The one rule for every interface: the editors show the message as the
    user types, and the session saves a draft instead of a value."""
    try:
        return coerce(f, raw, path), None
    except AnswerError as exc:
        return raw, exc.message


# ------------------------------------------------------- template values


def template_value(f: Field, value: Any) -> Any:
    """The object a template sees for a canonical value (None stays None,
    or shows as pending when the field is required)."""
    if value is None:
        if f.required:
            return Pending(f.label, f.path)
        return [] if f.is_list else None
    return fieldtypes.get(f.type).template_value(f, value)


def display_value(f: Field, value: Any) -> str:
    """A short Chinese rendering of a canonical value (CLI, summaries)."""
    if value is None:
        return "（未填）"
    return fieldtypes.get(f.type).display(f, value)


# ---------------------------------------------------------- formatting

_CN_DIGITS = "零一二三四五六七八九"


def cn_num(n: Any) -> str:
    """Chinese numerals for ordinals and fixed terms (0-99999)."""
    try:
        n = int(getattr(n, "value", n))
    except (TypeError, ValueError):
        return str(n)
    if n < 0 or n > 99999:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    units = ["", "十", "百", "千", "万"]
    digits = [int(d) for d in str(n)]
    out: list[str] = []
    zero = False
    for position, digit in enumerate(digits):
        unit = units[len(digits) - position - 1]
        if digit == 0:
            zero = True
            continue
        if zero and out:
            out.append("零")
        zero = False
        out.append(_CN_DIGITS[digit] + unit)
    text = "".join(out)
    if 10 <= n < 20:
        text = text.removeprefix("一")
    return text


def cn_date(value: Any) -> str:
    if isinstance(value, Pending) or value is None:
        return "" if value is None else str(value)
    try:
        iso = parse_date(value)
    except AnswerError:
        return str(value)
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{year}年{month}月{day}日"
