"""Bounded parsing of workflow and answers files.

Every file a user hands us is read under limits, so that a hostile or broken
file is refused quickly, in bounded memory, with the file, the line and the
reason:

- a size cap (:data:`MAX_FILE_BYTES`), checked before anything is parsed;
- a nesting limit (:data:`MAX_DEPTH`), checked on the raw text for JSON and
  flow-style YAML before the parser recurses, and on the YAML node graph;
- a node budget (:data:`MAX_NODES`) for YAML: aliases are counted as if they
  were expanded (memoised, so a "billion laughs" file costs linear time), and
  recursive aliases are refused;
- duplicate keys in a mapping are refused, naming the key and both lines.

Problems are raised as :class:`ParseLimitError` (a list of Chinese lines,
each starting with "第N行" where a line is known); callers wrap it in their
own error type.
"""

from __future__ import annotations

import re
from typing import Any

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64


class ParseLimitError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def located(source: str, problem: str) -> str:
    """``problem`` prefixed with the file it is in."""
    if not source:
        return problem
    return f"{source} {problem}" if problem.startswith("第") else f"{source}：{problem}"


def _size_text(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{n / 1024:.0f} KB"


def check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise ParseLimitError(
            [f"文件太大（{_size_text(size)}，上限 {_size_text(MAX_FILE_BYTES)}），未读取"]
        )


def read_bounded(path: Any) -> bytes:
    """The bytes of ``path``, refusing anything over the size cap without
    reading it whole (OSError passes through for the caller's message)."""
    if hasattr(path, "read"):  # an open binary stream (standard input)
        raw = path.read(MAX_FILE_BYTES + 1)
    else:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    check_size(len(raw))
    return raw


def decode_text(raw: bytes) -> str:
    """UTF-8 text (a BOM is dropped); other encodings are named with a hint."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ParseLimitError([f"第{line}行：{encoding_hint(raw)}"]) from None


def encoding_hint(raw: bytes, typed: bool = False) -> str:
    """Why ``raw`` is not accepted, and how to convert it (``typed``: it
    came from a terminal, whose encoding is to be changed)."""
    guess = ""
    for name, label in (("utf-16", "UTF-16"), ("gb18030", "GBK/GB18030"), ("big5", "Big5")):
        if name == "utf-16" and raw[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            continue
        try:
            raw.decode(name)
        except UnicodeDecodeError:
            continue
        guess = label
        break
    if typed:
        found = f"，看起来是 {guess} 编码" if guess else ""
        return (f"不是 UTF-8 编码的文字{found}；请把终端的字符编码设为 UTF-8"
                "（如 PuTTY：窗口 › 转换 › UTF-8；Linux 终端：export LANG=zh_CN.UTF-8）")
    if guess:
        src = {"UTF-16": "UTF-16", "GBK/GB18030": "GB18030", "Big5": "BIG5"}[guess]
        return (
            f"不是 UTF-8 编码的文本，看起来是 {guess} 编码；"
            f"请另存为 UTF-8（例如 iconv -f {src} -t UTF-8 原文件 > 新文件）"
        )
    return "不是 UTF-8 编码的文本；请用编辑器另存为 UTF-8 编码"


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def find_surrogate(text: str) -> int | None:
    match = _LONE_SURROGATE.search(text)
    return match.start() if match else None


# ------------------------------------------------------------------ JSON

_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|\n', re.S)


def _check_bracket_depth(text: str, tokens: re.Pattern) -> None:
    """Brackets nested past the limit, counted on the text (``tokens``
    matches strings and comments to skip, brackets and line breaks) before
    a parser recurses into them."""
    depth = 0
    line = 1
    for match in tokens.finditer(text):
        tok = match.group()
        if tok == "\n":
            line += 1
        elif tok in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseLimitError([f"第{line}行：嵌套过深（超过 {MAX_DEPTH} 层），未读取"])
        elif tok in "]}":
            depth = max(0, depth - 1)
        else:
            line += tok.count("\n")


def check_json_depth(text: str) -> None:
    _check_bracket_depth(text, _JSON_TOKENS)


def _json_pairs_hook(lines: dict[int, list[tuple[str, int]]]):
    def hook(pairs: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for key, value in pairs:
            if key in out:
                raise _DuplicateJSONKey(key)
            out[key] = value
        return out

    return hook


class _DuplicateJSONKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


class _BigJSONNumber(Exception):
    def __init__(self, digits: str) -> None:
        self.digits = digits


def _json_key_lines(text: str, key: str) -> list[int]:
    import json

    needle = json.dumps(key, ensure_ascii=False)
    lines = []
    for match in re.finditer(re.escape(needle) + r"\s*:", text):
        lines.append(text.count("\n", 0, match.start()) + 1)
    if len(lines) < 2:  # the key was written with escapes: fall back to the ASCII form
        needle = json.dumps(key)
        for match in re.finditer(re.escape(needle) + r"\s*:", text):
            lines.append(text.count("\n", 0, match.start()) + 1)
    return lines


def parse_json(text: str) -> Any:
    """JSON under the limits; json.JSONDecodeError passes through."""
    import json

    check_size(len(text.encode("utf-8", "surrogatepass")))
    check_json_depth(text)
    def parse_int(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
            raise _BigJSONNumber(digits)
        return int(digits)

    try:
        return json.loads(text, object_pairs_hook=_json_pairs_hook({}), parse_int=parse_int)
    except _BigJSONNumber as exc:
        line = text.count("\n", 0, max(0, text.find(exc.digits))) + 1
        count = len(exc.digits.lstrip("-"))
        raise ParseLimitError([f"第{line}行：数字太长（{count} 位，最多 {MAX_NUMBER_DIGITS} 位）"]) from None
    except _DuplicateJSONKey as exc:
        lines = _json_key_lines(text, exc.key)
        if len(lines) >= 2:
            where = f"第{lines[1]}行：键“{exc.key}”重复出现（第{lines[0]}行已有）"
        else:
            where = f"键“{exc.key}”重复出现"
        raise ParseLimitError([f"{where}；请合并成一处"]) from None
    except RecursionError:
        raise ParseLimitError([f"嵌套过深（超过 {MAX_DEPTH} 层），未读取"]) from None


_JSON_SCAN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]|\n|[^\s\[\]{},:"]+', re.S)


def json_lines(text: str) -> dict[str, int]:
    """The line of each path ("basics.date", "leading.matters[0]") of a
    JSON text that :func:`parse_json` accepted, as ``compose_yaml`` gives
    for YAML: a key's line for an object's member, the value's line for an
    array's entry. One pass over the tokens, no recursion."""
    import json

    lines: dict[str, int] = {}
    line = 1
    # open containers: [is_object, path, index, key, expecting_key]
    stack: list[list[Any]] = []
    for match in _JSON_SCAN.finditer(text):
        tok = match.group()
        if tok == "\n":
            line += 1
            continue
        top = stack[-1] if stack else None
        if top is not None and top[0] and top[4]:  # an object's key (or its end)
            if tok.startswith('"'):
                top[3], top[4] = json.loads(tok), False
                lines.setdefault(_child_path(top[1], top[3]), line)
            elif tok == "}":
                stack.pop()
            continue
        if tok == ":":
            continue
        if tok == ",":
            if top is not None:
                if top[0]:
                    top[4] = True
                else:
                    top[2] += 1
            continue
        if tok in "]}":
            if stack:
                stack.pop()
            continue
        # a value starts here
        path = "" if top is None else _child_path(top[1], top[3] if top[0] else top[2])
        if top is not None and not top[0]:
            lines.setdefault(path, line)
        if tok == "{":
            stack.append([True, path, 0, None, True])
        elif tok == "[":
            stack.append([False, path, 0, None, False])
    return lines


# ------------------------------------------------------------------ YAML

_YAML_FLOW = re.compile(r"""'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|#[^\n]*|[\[\]{}]|\n""", re.S)


def check_yaml_flow_depth(text: str) -> None:
    """Flow collections (``[[[…]]]``) nested past the limit. Quoted strings
    and comments are skipped; a quote inside a plain scalar may fool this
    count into a too-low depth, which the node walk then catches."""
    _check_bracket_depth(text, _YAML_FLOW)


def compose_yaml(text: str, duplicates: bool = True, lines: dict[str, int] | None = None) -> Any:
    """The YAML node graph of a single document, checked against the node
    budget, the nesting limit and duplicate keys; yaml.YAMLError passes
    through (a syntax error)."""
    import yaml

    check_size(len(text.encode("utf-8", "surrogatepass")))
    check_yaml_flow_depth(text)
    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_cls(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise ParseLimitError([f"嵌套过深（超过 {MAX_DEPTH} 层），未读取"]) from None
    finally:
        loader.dispose()
    if node is not None:
        check_nodes(node, duplicates, lines)
    return node


MAX_NUMBER_DIGITS = 30
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


def _where(node: Any, path: str) -> str:
    line = node.start_mark.line + 1
    return f"第{line}行 {path}" if path else f"第{line}行"


def _check_scalar(node: Any, path: str) -> None:
    """Scalars the constructor would choke on (a ValueError with no line):
    numbers too long to convert, dates that do not exist."""
    if node.tag in (_INT_TAG, _FLOAT_TAG):
        digits = sum(ch.isdigit() for ch in node.value)
        if digits > MAX_NUMBER_DIGITS:
            raise ParseLimitError(
                [f"{_where(node, path)}：数字太长（{digits} 位，最多 {MAX_NUMBER_DIGITS} 位）"]
            )
    elif node.tag == _TIMESTAMP_TAG:
        import yaml

        try:
            yaml.SafeLoader("").construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise ParseLimitError(
                [f"{_where(node, path)}：日期“{node.value}”不存在（{_date_reason(exc)}）"]
            ) from None


def _date_reason(exc: Exception) -> str:
    text = str(exc)
    if "day is out of range" in text:
        return "这个月没有这一天"
    if "month must be" in text:
        return "月份应在1至12之间"
    return "请按“2025-01-31”的格式写"


def _child_path(path: str, part: Any) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else str(part)


def check_nodes(root: Any, duplicates: bool = True, lines: dict[str, int] | None = None) -> None:
    """Expanded size, depth, cycles, duplicate keys and unconstructable
    scalars of a node graph, in time linear in the number of distinct nodes.
    ``lines`` (when given) gets the line of each path ("basics.date")."""
    import yaml

    sizes: dict[int, int] = {}
    active: set[int] = set()
    # iterative post-order walk: (node, depth, children pushed, path)
    stack: list[tuple[Any, int, bool, str]] = [(root, 1, False, "")]
    while stack:
        node, depth, expanded, path = stack.pop()
        key = id(node)
        if not expanded:
            if lines is not None and path:
                lines.setdefault(path, node.start_mark.line + 1)
            if key in sizes:
                continue
            if key in active:
                line = node.start_mark.line + 1
                raise ParseLimitError([f"第{line}行：别名指向自身（递归别名），未读取"])
            if depth > MAX_DEPTH:
                line = node.start_mark.line + 1
                raise ParseLimitError([f"第{line}行：嵌套过深（超过 {MAX_DEPTH} 层），未读取"])
            if isinstance(node, yaml.ScalarNode):
                _check_scalar(node, path)
                sizes[key] = 1
                continue
            active.add(key)
            stack.append((node, depth, True, path))
            if isinstance(node, yaml.MappingNode):
                seen: dict[str, int] = {}
                for key_node, value_node in node.value:
                    name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                    if isinstance(key_node, yaml.ScalarNode):
                        here = key_node.start_mark.line + 1
                        if duplicates and name in seen and name != "<<":
                            raise ParseLimitError(
                                [f"第{here}行：键“{name}”重复出现（第{seen[name]}行已有）；请合并成一处"]
                            )
                        seen[name] = here
                    child = _child_path(path, name)
                    if lines is not None:  # the key's line: where "basics.date:" is written
                        lines.setdefault(child, key_node.start_mark.line + 1)
                    stack.append((key_node, depth + 1, False, path))
                    stack.append((value_node, depth + 1, False, child))
            else:
                for index, child in enumerate(node.value):
                    stack.append((child, depth + 1, False, _child_path(path, index)))
            continue
        active.discard(key)
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = node.value
        total = 1 + sum(sizes.get(id(child), 1) for child in children)
        if total > MAX_NODES:
            line = node.start_mark.line + 1
            raise ParseLimitError(
                [f"第{line}行：展开别名后超过 {MAX_NODES} 个节点（可能是“别名炸弹”），未读取"]
            )
        sizes[key] = total


def parse_yaml(text: str, lines: dict[str, int] | None = None) -> Any:
    """YAML data under the limits (safe types only); ``lines`` (when given)
    gets the line of each path, for messages about the values."""
    import yaml

    node = compose_yaml(text, lines=lines)
    if node is None:
        return None
    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_cls("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def with_lines(problems: list[str], lines: dict[str, int]) -> list[str]:
    """Problems that start with a field path ("basics.date：…") prefixed
    with the line that path is on."""
    out = []
    for problem in problems:
        head = problem.split("：", 1)[0]
        # messages count list entries from 1, the parsed paths from 0
        zero_based = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) - 1}]", head)
        line = lines.get(zero_based) or lines.get(head.split("[", 1)[0])
        out.append(f"第{line}行 {problem}" if line and not problem.startswith("第") else problem)
    return out
