"""``shuzhi ask``: the checklist as plain line-by-line prompts.

For screen readers, dumb terminals and slow links (and whenever the full
screen app cannot run): every item in order with its question, guidance and
example, then each field with a type hint. The same validation as the app
(``workflows.values.coerce``); each answer is saved the moment it is given.

At a prompt: Enter keeps the current value (and confirms an answer carried
over from last year; a default shown is accepted once the item is done),
"-" clears the field, several lines (longtext, lists) end with a line
holding only ".", choices accept their number. End of input (Ctrl+D)
stops cleanly with a summary. No escape codes, no cursor movement.
"""

from __future__ import annotations

from typing import IO, Any

from tui.session import field_hint
from workflows import fieldtypes
from workflows.values import AnswerError, display_value, is_empty

END_MARK = "."
CLEAR_MARK = "-"


class _EndOfInput(Exception):
    pass


class Asker:
    def __init__(self, session: Any, inp: IO[str], out: IO[str]) -> None:
        self.session = session
        self.wf = session.workflow
        self.inp = inp
        self.out = out
        self.saved = 0
        # Piped input is not echoed by a terminal: echo it, so that the
        # transcript reads as question and answer.
        try:
            self.echo = not inp.isatty()
        except (AttributeError, ValueError):
            self.echo = True

    # -- i/o ---------------------------------------------------------------
    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def read(self, prompt: str) -> str:
        self.out.write(prompt)
        self.out.flush()
        line = self.inp.readline()
        if line == "":
            if self.echo:
                self.out.write("\n")
            raise _EndOfInput
        line = line.rstrip("\r\n")
        if self.echo:
            self.out.write(line + "\n")
        return line

    def read_lines(self, prompt: str) -> list[str] | None:
        """Lines up to a "." line; None when the first line is empty (keep)."""
        first = self.read(prompt)
        if first.strip() == "":
            return None
        if first.strip() in (CLEAR_MARK, END_MARK):
            return [first.strip()]
        lines = [first]
        while True:
            try:
                line = self.read("  ……（继续输入，单独一行“.”结束）：")
            except _EndOfInput:
                break
            if line.strip() == END_MARK:
                break
            lines.append(line)
        return lines

    # -- prompts -----------------------------------------------------------
    def hint(self, f: Any) -> str:
        return field_hint(f, options=False) + fieldtypes.get(f.type).ask_hint(f)

    def options_line(self, f: Any) -> str:
        numbered = "；".join(f"{i} {o}" for i, o in enumerate(f.options, 1))
        return f"  可选：{numbered}" + ("（也可以直接输入其他内容）" if f.custom else "")

    def raw_value(self, f: Any, prompt: str) -> tuple[str, Any]:
        """("keep" | "clear" | "set", raw value) from what the user types;
        the field's type reads the reply (workflows.fieldtypes)."""
        kind = fieldtypes.get(f.type)
        if kind.multiline:
            lines = self.read_lines(prompt)
            if lines is None or lines == [END_MARK]:
                return "keep", None
            if lines == [CLEAR_MARK]:
                return "clear", None
            return "set", kind.from_prompt(f, lines)
        text = self.read(prompt)
        if text.strip() == "":
            return "keep", None
        if text.strip() == CLEAR_MARK:
            return "clear", None
        return "set", kind.from_prompt(f, text)

    def current_text(self, f: Any, value: Any) -> str:
        if is_empty(value):
            return ""
        shown = display_value(f, value).replace("\n", " ")
        return shown if len(shown) <= 60 else shown[:59] + "…"

    def ask_field(self, f: Any, values: dict[str, Any], unconfirmed: dict[str, int]) -> None:
        if fieldtypes.get(f.type).nested:
            self.ask_group(f, values, unconfirmed)
            return
        if f.help:
            self.say(f"  提示：{f.help}")
        if f.options:
            self.say(self.options_line(f))
        current = self.current_text(f, values.get(f.path))
        carried = f.path in unconfirmed
        suffix = ""
        if current:
            suffix = f"［当前：{current}" + (f"，沿用{unconfirmed[f.path]}年，回车确认" if carried else "") + "］"
        draft = self.session.drafts.get(f.path)
        if draft is not None:
            from workflows.values import validate

            shown = str(draft).replace("\n", " ")[:40]
            suffix = f"［草稿：{shown}，{validate(f, draft)[1] or '未通过校验'}；请重新填写］"
        prompt = f"  {f.label}（{self.hint(f)}）{suffix}："
        while True:
            action, raw = self.raw_value(f, prompt)
            if action == "keep":
                self.keep(f, carried)
                return
            if action == "clear":
                self.clear(f)
                return
            try:
                value = self.session.set_answer(f.path, raw)
            except AnswerError as exc:
                self.say(f"  输入有误：{exc.message}。请重新输入（回车保留原值）。")
                continue
            self.saved += 1
            self.say(f"  已保存：{self.current_text(f, value) or '（空）'}")
            return

    def keep(self, f: Any, carried: bool) -> None:
        """Enter: keep the value; an answer carried over from last year is confirmed."""
        if carried:
            self.session.confirm(f.path)
            self.say("  已确认。")

    def clear(self, f: Any) -> None:
        self.session.set_answer(f.path, None)
        self.saved += 1
        note = "（必填项，导出正式稿前需要填写）" if f.required else ""
        self.say(f"  已清空{note}。")

    def ask_group(self, f: Any, values: dict[str, Any], unconfirmed: dict[str, int]) -> None:
        entries = values.get(f.path) or []
        limits = []
        if f.min_items:
            limits.append(f"至少{f.min_items}条")
        if f.max_items:
            limits.append(f"最多{f.max_items}条")
        limit_text = f"（{'，'.join(limits)}）" if limits else ""
        self.say(f"  {f.label}：可重复的条目{limit_text}，现有{len(entries)}条。")
        for index, existing in enumerate(entries, 1):
            first = next((str(v) for v in existing.values() if not is_empty(v)), "")
            self.say(f"    第{index}条：{first[:40]}")
        carried = f.path in unconfirmed
        keep_hint = "回车保留" + ("并确认沿用的内容" if carried else "")
        while True:
            answer = self.read(f"  {keep_hint}；输入“重填”逐条重新填写；输入“-”清空：").strip()
            if answer == "":
                self.keep(f, carried)
                return
            if answer == CLEAR_MARK:
                self.clear(f)
                return
            if answer in ("重填", "r", "R"):
                break
            self.say("  请直接回车、输入“重填”或“-”。")
        new_entries: list[dict[str, Any]] = []
        while True:
            number = len(new_entries) + 1
            self.say(f"  —— 第{number}条 ——")
            old = entries[number - 1] if number <= len(entries) else {}
            entry: dict[str, Any] = {}
            for sub in f.fields:
                entry_value = self.ask_sub(sub, old.get(sub.id), f"{f.path}[{number}].{sub.id}")
                if not is_empty(entry_value):
                    entry[sub.id] = entry_value
            if entry:
                new_entries.append(entry)
            if f.max_items and len(new_entries) >= f.max_items:
                break
            more = self.read("  还要再添加一条吗？（是/否，回车为否）：").strip()
            if more not in ("是", "y", "Y", "yes", "1"):
                break
        try:
            value = self.session.set_answer(f.path, new_entries)
        except AnswerError as exc:
            self.say(f"  输入有误：{exc.message}。本项未保存，保留原有内容。")
            return
        self.saved += 1
        self.say(f"  已保存：{len(value or [])}条")

    def ask_sub(self, sub: Any, current: Any, path: str) -> Any:
        """One sub-field of a group entry; validated, not saved on its own."""
        from workflows.values import coerce

        if sub.options:
            self.say("  " + self.options_line(sub))
        shown = self.current_text(sub, current)
        prompt = f"    {sub.label}（{self.hint(sub)}）" + (f"［当前：{shown}］" if shown else "") + "："
        while True:
            action, raw = self.raw_value(sub, prompt)
            if action == "keep":
                return current
            if action == "clear":
                return None
            try:
                return coerce(sub, raw, path)
            except AnswerError as exc:
                self.say(f"    输入有误：{exc.message}。请重新输入。")

    # -- the walk ----------------------------------------------------------
    def run(self, only_pending: bool = False, start_item: str | None = None) -> int:
        session = self.session
        if session.readonly:  # pragma: no cover - open_session(write=True) prevents it
            self.say(session.notice or "报告只读，不能修改。")
            return 3
        items = list(self.wf.items())
        sections = {s.id: s.title for s in self.wf.sections}
        self.say(f"报告：{session.title}（{session.report_id}）")
        self.say("回车保留当前值；“-”清空；多行内容以单独一行“.”结束；每答一项立即保存；Ctrl+D 结束。")
        todo = None
        if only_pending:
            result = session.check()
            todo = {p.item_id for p in result.problems if p.severity in ("pending", "error")}
        ended = False
        try:
            started = start_item is None
            for number, item in enumerate(items, 1):
                started = started or item.id == start_item
                if not started or (todo is not None and item.id not in todo):
                    continue
                self.say()
                self.say(f"第{number}项，共{len(items)}项：{sections.get(item.section_id, '')} › {item.title}")
                self.say(f"问：{item.question}")
                if item.guidance:
                    self.say(f"说明：{item.guidance.strip()}")
                if item.example:
                    self.say(f"示例：{item.example.strip()}")
                values = session.values()
                unconfirmed = session.unconfirmed()
                for f in item.fields:
                    self.ask_field(f, values, unconfirmed)
                if session.confirm_item(item.id):
                    self.say("  本项的默认内容已确认。")
                for p in session.check().for_item(item.id):
                    if p.severity == "warning":
                        self.say(f"  提醒：{p.message}" + (f"（依据：{p.source}）" if p.source else ""))
                    elif p.severity == "error":
                        self.say(f"  错误：{p.message}")
        except _EndOfInput:
            ended = True
        self.summary(ended)
        return 0

    def summary(self, ended: bool) -> None:
        result = self.session.check()
        pending = len(result.of_severity("pending"))
        errors = len(result.of_severity("error"))
        self.say()
        if ended:
            self.say("输入结束。")
        self.say(f"本次保存了 {self.saved} 项答案。")
        if pending or errors:
            self.say(f"还有 {pending} 处待填、{errors} 处错误。查看详情：shuzhi check {self.session.report_id}")
        else:
            self.say(f"所有必填项都已填写，可以导出：shuzhi export {self.session.report_id}")


def run_ask(
    session: Any, inp: IO[str], out: IO[str], only_pending: bool = False, start_item: str | None = None
) -> int:
    """Walk the report's checklist with plain prompts (from ``start_item``
    on, when given); returns the exit code."""
    return Asker(session, inp, out).run(only_pending, start_item)
