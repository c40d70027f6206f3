"""Jinja2 in a sandbox, with filters for 公文 style.

Answers are data, never templates: a value is printed as it is, and the
characters that carry structure in template output ("#" at a paragraph start)
are escaped while the value is printed and restored after the text has been
split into paragraphs and headings.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from .values import Count, Pending, cn_date, cn_num

# Escape scheme for printed values: ESC + "h" stands for "#", ESC + "e" for ESC.
ESC = "\ue000"
_UNESCAPE_RE = re.compile(ESC + "(.)", re.S)
_TRAILING_PUNCT = "。．.，,；;、：: \t\n　"


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


def f_titles(value: Any) -> str:
    parts = []
    for text in _strings(value):
        if text.startswith("【"):
            parts.append(text)
        else:
            parts.append(f"《{text.strip('《》')}》")
    return "".join(parts)


def f_join_cn(value: Any, conj: str = "和", sep: str = "、") -> str:
    parts = _strings(value)
    if len(parts) <= 1:
        return "".join(parts)
    return sep.join(parts[:-1]) + conj + parts[-1]


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


FILTERS = {
    "titles": f_titles,
    "join_cn": f_join_cn,
    "cn_date": cn_date,
    "cn_num": cn_num,
    "sentence": f_sentence,
    "clause": f_clause,
}

# Names every template may use besides its own fields.
GLOBAL_NAMES = frozenset(
    {"r", "year", "loop", "range", "dict", "namespace", "true", "false", "none", "True", "False", "None"}
)


# Bumped whenever the environment's settings change, so that compiled
# templates cached on disk by an older version are never reused.
ENGINE_VERSION = "1"

# Template sources by name, for the loader (see compile_template).
_SOURCES: dict[str, str] = {}


def make_environment() -> SandboxedEnvironment:
    from jinja2 import FunctionLoader

    env = SandboxedEnvironment(
        autoescape=False,
        finalize=_finalize,
        keep_trailing_newline=False,
        trim_blocks=False,
        lstrip_blocks=False,
        loader=FunctionLoader(_SOURCES.get),
        auto_reload=False,
        cache_size=-1,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(FILTERS)
    return env


def compile_template(hint: str, source: str):
    """A compiled template for ``source``; with a bytecode cache enabled the
    compilation is done once per source text, not once per process."""
    import hashlib

    digest = hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    name = f"v{ENGINE_VERSION}/{hint}@{digest}"
    _SOURCES[name] = source
    return environment().get_template(name)


def _bytecode_cache():
    from . import cache

    directory = cache.template_cache_dir()
    if directory is None:
        return None
    from jinja2 import FileSystemBytecodeCache

    return FileSystemBytecodeCache(str(directory))


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
