"""Jinja2 in a sandbox, with filters for 公文 style.

Answers are data, never templates: a value is printed as it is, and the
characters that carry structure in template output ("#" at a paragraph start)
are escaped while the value is printed and restored after the text has been
split into paragraphs and headings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from jinja2 import Environment, Template, nodes
from jinja2.sandbox import SandboxedEnvironment

from .values import Count, Pending, cn_date, cn_num

# Escape scheme for printed values: ESC + "h" stands for "#", ESC + "e" for ESC.
ESC = "\ue000"
_UNESCAPE_RE = re.compile(ESC + "(.)", re.S)
_TRAILING_PUNCT = "。．.，,；;、：: \t\n　"

# Punctuation a template adds around an answer (joiners, sentence ends): an
# answer typed with it at either end would print it twice.
BOUNDARY_PUNCT = "、，,。．；;：: \t\n\r　"
# A list item typed with its own number ("1.", "（2）", "③", "一是", "二、").
_ITEM_NUMBER_RE = re.compile(
    r"^(?:\d{1,2}\s*[.．、)）]|[（(]\s*\d{1,2}\s*[)）]|[\u2460-\u2473\u2776-\u277f]"
    r"|[一二三四五六七八九十]{1,2}(?:是|、)|[（(][一二三四五六七八九十]{1,2}[)）])\s*"
)
_TITLE_MARKS = "《》〈〉"


# A paragraph typed in a longtext field keeps its full stop (a template may
# print it as it is); its other end punctuation goes.
_PARAGRAPH_END = "、，,；;：: \t\n\r　"


def clean_text(text: str, *, paragraph: bool = False) -> str:
    """An answer without the punctuation at its ends that templates add (a
    ``paragraph`` keeps the full stop it ends with)."""
    if paragraph:
        return text.lstrip(BOUNDARY_PUNCT).rstrip(_PARAGRAPH_END)
    return text.strip(BOUNDARY_PUNCT)


def clean_item(text: str, *, title: bool = False) -> str:
    """A list item without its typed number and boundary punctuation (and,
    for a document title, its book-title marks)."""
    previous = None
    while text != previous:
        previous = text
        text = _ITEM_NUMBER_RE.sub("", clean_text(text), count=1)
        if title:
            text = text.strip(_TITLE_MARKS)
    return clean_text(text)


def _escape(text: str) -> str:
    return text.replace(ESC, ESC + "e").replace("#", ESC + "h")


def unescape(text: str) -> str:
    return _UNESCAPE_RE.sub(lambda m: "#" if m.group(1) == "h" else ESC, text)


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (Count, Pending, bool, int)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return _escape("、".join(str(v) for v in value))
    return _escape(str(value))


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, Pending):
        return [str(value)]
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v is not None and str(v) != ""]


def _parts(value: Any, strip: str = BOUNDARY_PUNCT) -> list[str]:
    """The non-empty strings of ``value``, stripped of ``strip`` at both ends."""
    return [part for part in (text.strip(strip) for text in _strings(value)) if part]


def f_titles(value: Any) -> str:
    parts = []
    for text in _strings(value):
        if text.startswith("【"):
            parts.append(text)
        else:
            cleaned = clean_item(text, title=True)
            if cleaned:
                parts.append(f"《{cleaned}》")
    return "".join(parts)


def f_join(value: Any, d: str = "", attribute: Any = None) -> str:
    """Jinja's ``join``; when the separator is punctuation, each part loses
    that punctuation at its ends first, so "A；" + "；" + "B" gives "A；B"."""
    if attribute is not None:
        value = [getattr(v, str(attribute), None) if not isinstance(v, dict) else v.get(attribute)
                 for v in value]
    strip = "".join(ch for ch in d if ch in BOUNDARY_PUNCT)
    if strip:
        return d.join(_parts(value, BOUNDARY_PUNCT))
    return d.join(_strings(value))


def f_join_cn(value: Any, conj: str = "和", sep: str = "、") -> str:
    parts = _parts(value)
    if len(parts) <= 1:
        return "".join(parts)
    return sep.join(parts[:-1]) + conj + parts[-1]


def f_join_etc(value: Any, etc: str = "等", sep: str = "、") -> str:
    """"A、B、C等" for two or more items, "A" for one: 等 never follows a
    single item (nor a second 等)."""
    parts = _parts(value)
    if len(parts) <= 1:
        return "".join(parts)
    text = sep.join(parts)
    return text if text.endswith(etc) else text + etc


def f_clause(value: Any) -> str:
    if value is None:
        return ""
    return str(value).rstrip(_TRAILING_PUNCT)


def f_sentence(value: Any) -> str:
    text = f_clause(value)
    if not text:
        return ""
    if text.endswith(("！", "？", "!", "?", "】")):
        return text
    return text + "。"


def f_perfective(value: Any, obj: str) -> str:
    """A judgement completed with its object: "较好地完成" and "较好地完成了"
    both give "较好地完成了<obj>"; a judgement that already names what was
    done ("全年各项任务圆满完成", "较好地完成了全年任务") is kept as typed."""
    if value is None:
        return ""
    if isinstance(value, Pending):
        return f"{value}了{obj}"
    text = clean_text(str(value))
    if not text:
        return ""
    if any(noun in text for noun in _OBJECT_NOUNS):
        return text
    verb = text.removesuffix("了")
    if verb != text or verb.endswith(_COMPLETION_VERBS):
        return f"{verb}了{obj}"
    return text


_COMPLETION_VERBS = ("完成", "落实", "实现", "达成", "达到", "履行", "推进", "兑现")
# Words that show a judgement already names its object (or subject).
_OBJECT_NOUNS = ("任务", "目标", "工作", "要求", "职责", "各项")


def f_total(value: Any) -> Any:
    """The sum of some counts (unanswered ones left out); approximate ("余")
    when any of them is. A missing required count keeps its marker."""
    total = 0
    approx = False
    seen = False
    for count in value or ():
        if isinstance(count, Pending):
            return count
        if count is None or count == "":
            continue
        seen = True
        total += int(getattr(count, "value", count))
        approx = approx or bool(getattr(count, "approx", False))
    return Count(total, approx) if seen else None


# The Party body a secretary's position names: 党委, 党工委 or 党组 (the default).
_PARTY_BODIES = ("党工委", "党委", "党组")


def f_party_org(value: Any) -> str:
    text = "" if value is None or isinstance(value, Pending) else str(value)
    for body in _PARTY_BODIES:
        if body in text.replace("机关党委", ""):
            return body
    for body in _PARTY_BODIES:
        if body in text:
            return body
    return "党组"


FILTERS = {
    "titles": f_titles,
    "join": f_join,
    "join_cn": f_join_cn,
    "join_etc": f_join_etc,
    "cn_date": cn_date,
    "cn_num": cn_num,
    "sentence": f_sentence,
    "clause": f_clause,
    "perfective": f_perfective,
    "total": f_total,
    "party_org": f_party_org,
}

# Names every template may use besides its own fields (``section_items``:
# in a section's intro, how many of its items print text; 0 elsewhere).
GLOBAL_NAMES = frozenset(
    {"r", "year", "section_items", "loop", "range", "dict", "namespace",
     "true", "false", "none", "True", "False", "None"}
)


# Template sources by name, for the loader (see compile_template).
_SOURCES: dict[str, str] = {}


# --------------------------------------------------------------- budgets

# Every render of a template has a time and an output budget: a workflow
# file is data from anywhere, and a runaway loop must not hang a preview or
# an export. Over budget, the render raises TemplateBudgetError, which the
# assembler reports against the item (and a final export refuses).
RENDER_SECONDS = 2.0
RENDER_MAX_CHARS = 2_000_000
_MAX_EXPONENT = 256


class TemplateBudgetError(Exception):
    """A render over its time or output budget (a Chinese message)."""


class _BoundedEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and not isinstance(times, bool):
                    if len(seq) * max(times, 0) > RENDER_MAX_CHARS:
                        raise TemplateBudgetError(f"模板生成的文字超过 {RENDER_MAX_CHARS} 字的上限")
        elif operator == "**":
            if isinstance(right, int) and isinstance(left, int) and right > _MAX_EXPONENT and abs(left) > 1:
                raise TemplateBudgetError(f"模板中的乘方过大（指数 {right}，最多 {_MAX_EXPONENT}）")
        return super().call_binop(context, operator, left, right)


def render_bounded(template: Any, context: dict[str, Any]) -> str:
    """``template`` rendered in ``context`` within the time and output
    budgets. In the main thread (the CLI) a timer signal enforces the time;
    elsewhere (the app's workers) a trace hook on template frames checks it
    on every line the template's code runs. Either way loops that print
    nothing are caught too."""
    import threading

    if threading.current_thread() is threading.main_thread() and _alarm_usable():
        return _render_with_alarm(template, context)
    return _render_traced(template, context)


def _over_time() -> TemplateBudgetError:
    return TemplateBudgetError(f"模板运行超过 {RENDER_SECONDS:g} 秒，已停止（可能有过大的循环）")


def _collect(template: Any, context: dict[str, Any], deadline: float) -> str:
    import time

    parts: list[str] = []
    size = 0
    for chunk in template.generate(context):
        size += len(chunk)
        if size > RENDER_MAX_CHARS:
            raise TemplateBudgetError(f"模板生成的文字超过 {RENDER_MAX_CHARS} 字的上限")
        if time.monotonic() > deadline:
            raise _over_time()
        parts.append(chunk)
    return "".join(parts)


def _alarm_usable() -> bool:
    import signal

    if not hasattr(signal, "setitimer"):
        return False
    # Someone else's timer or handler (a test runner's, say) is left alone.
    return signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and signal.getsignal(signal.SIGALRM) in (
        signal.SIG_DFL, signal.SIG_IGN, None,
    )


def _render_with_alarm(template: Any, context: dict[str, Any]) -> str:
    import signal
    import time

    active = [True]

    def on_alarm(signum: int, frame: Any) -> None:
        if active[0]:
            raise _over_time()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, RENDER_SECONDS)
    try:
        return _collect(template, context, time.monotonic() + RENDER_SECONDS)
    finally:
        active[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _render_traced(template: Any, context: dict[str, Any]) -> str:
    import sys
    import time

    deadline = time.monotonic() + RENDER_SECONDS
    filename = "<template>"
    counter = [0]

    def local(frame: Any, event: str, arg: Any) -> Any:
        counter[0] += 1
        if counter[0] & 0x3FF == 0 and time.monotonic() > deadline:
            raise _over_time()
        return local

    def hook(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename == filename:
            return local
        return None

    previous = sys.gettrace()
    sys.settrace(hook)
    try:
        return _collect(template, context, deadline)
    finally:
        sys.settrace(previous)


def make_environment() -> SandboxedEnvironment:
    from jinja2 import FunctionLoader

    env = _BoundedEnvironment(
        autoescape=False,
        finalize=_finalize,
        keep_trailing_newline=False,
        trim_blocks=False,
        lstrip_blocks=False,
        loader=FunctionLoader(_SOURCES.get),
        auto_reload=False,
        cache_size=-1,
    )
    env.filters.update(FILTERS)
    return env


def compile_template(hint: str, source: str, env: Environment | None = None) -> Template:
    """A compiled template for ``source``, in ``env`` (default: the one
    environment). ``workflows.cache.Cache.template_environment`` gives one
    that keeps the bytecode between runs: then the compilation is done once
    per source text and code stamp, not once per process."""
    import hashlib

    digest = hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    name = f"{hint}@{digest}"
    _SOURCES[name] = source
    return (env or environment()).get_template(name)


_ENV: SandboxedEnvironment | None = None


def environment() -> SandboxedEnvironment:
    global _ENV
    if _ENV is None:
        _ENV = make_environment()
    return _ENV


# ------------------------------------------------------ static analysis


def referenced_names(ast: nodes.Template) -> set[str]:
    """Names a template reads from its context.

    Jinja counts a name set inside a branch as undeclared (it may be unset
    at run time); here any name the template assigns anywhere is its own.
    """
    from jinja2 import meta

    assigned = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    return set(meta.find_undeclared_variables(ast)) - assigned


def report_references(ast: nodes.Node) -> Iterable[tuple[str, str | None]]:
    """Yield (item, field) for every ``r.item.field`` (field None for ``r.item``)."""
    for node in ast.find_all(nodes.Getattr):
        inner = node.node
        if isinstance(inner, nodes.Name) and inner.name == "r":
            yield node.attr, None
        elif (
            isinstance(inner, nodes.Getattr)
            and isinstance(inner.node, nodes.Name)
            and inner.node.name == "r"
        ):
            yield inner.attr, node.attr


# --------------------------------------------------- paragraph layout

_HEADING_RE = re.compile(r"^(#{3,4})[ \t]+(.*)$", re.S)


def split_paragraphs(text: str) -> list[tuple[int, str, str]]:
    """Split rendered text into (heading level or 0, lead, text) tuples.

    Paragraphs are separated by blank lines; lines inside one are joined
    without spaces. ``### title`` alone is a level-3 heading; followed by
    lines in the same paragraph it becomes a run-in lead.
    """
    out: list[tuple[int, str, str]] = []
    for chunk in re.split(r"\n[ \t\u3000]*\n", text.replace("\r\n", "\n")):
        lines = [line.strip(" \t\u3000") for line in chunk.split("\n")]
        lines = [line for line in lines if line.strip(" \t\u3000")]
        if not lines:
            continue
        match = _HEADING_RE.match(lines[0])
        if match:
            level = len(match.group(1))
            head = unescape(match.group(2).strip())
            body = unescape("".join(lines[1:]))
            if body:
                out.append((level, head, body))
            else:
                out.append((level, "", head))
        else:
            out.append((0, "", unescape("".join(lines))))
    return out
