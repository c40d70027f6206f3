"""Reading a workflow file: YAML or TOML text to data, with the line where
each path starts (for the loader's messages)."""

from __future__ import annotations

import re
from typing import Any


class Doc:
    """Parsed data plus where each path starts in the file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[tuple, int] = {}
        self.block: dict[tuple, bool] = {}
        self.folded: set[tuple] = set()
        self.problems: list[str] = []

    def line(self, path: tuple) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def add(self, path: tuple, message: str) -> None:
        line = self.line(path)
        where = f"{self.source} 第{line}行" if line else self.source
        self.problems.append(f"{where} {format_path(path)}：{message}" if path else f"{where}：{message}")


def format_path(path: tuple) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def index_nodes(doc: Doc, node: Any, path: tuple) -> None:
    import yaml

    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        doc.block[path] = node.style in ("|", ">")
        if node.style == ">":
            doc.folded.add(path)
    elif isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                doc.lines[path + (key,)] = key_node.start_mark.line + 1
                doc.add(path + (key,), f"键“{key}”重复出现（第{seen[key]}行已有）")
            seen[key] = key_node.start_mark.line + 1
            index_nodes(doc, value_node, path + (key,))
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            index_nodes(doc, child, path + (index,))


def parse_yaml(text: str, doc: Doc) -> Any:
    import yaml

    from .safeparse import ParseLimitError, compose_yaml, located

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        try:
            node = compose_yaml(text, duplicates=False)
        except ParseLimitError as exc:
            doc.problems.extend(located(doc.source, p) for p in exc.problems)
            return None
        if node is None:
            return None
        index_nodes(doc, node, ())
        loader = loader_cls("")
        try:
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" 第{mark.line + 1}行第{mark.column + 1}列" if mark else ""
        doc.problems.append(f"{doc.source}{line}：YAML 格式错误（{exc.problem or exc.context}）")
    except yaml.YAMLError as exc:
        doc.problems.append(f"{doc.source}：YAML 格式错误（{exc}）")
    return None


def parse_toml(text: str, doc: Doc) -> Any:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+), column (\d+)", str(exc))
        where = f" 第{match.group(1)}行第{match.group(2)}列" if match else ""
        doc.problems.append(f"{doc.source}{where}：TOML 格式错误（{exc}）")
    return None
