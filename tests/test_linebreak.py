"""避头尾: wrapped Chinese lines never start with a closing mark or end with an opening one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text

from workflows.render.linebreak import NO_END, NO_START, cell_width, wrap, wrap_rich

GUIDANCE = (
    "“下一步”部分宜简短，约占全文五分之一以内；每个方向选两三条即可。党委（党组）书记每年至少讲1次党课"
    "（《中国共产党支部工作条例（试行）》）。没有自我批评的述职报告通不过评议，本项至少选择或填写一条"
    "（只填“其他问题”也可以）。可多选，也可自行补充；问题要具体，最好结合本单位实际改写。"
)


def assert_kinsoku(lines: list[str], width: int) -> None:
    for number, line in enumerate(lines):
        assert cell_width(line) <= width, (number, line)
        if number:
            assert line[:1] not in NO_START, (number, line)
        if number < len(lines) - 1:
            assert line[-1:] not in NO_END, (number, line)


def test_guidance_at_every_panel_width():
    for width in range(20, 81):
        lines = wrap(GUIDANCE, width)
        assert "".join(lines) == GUIDANCE
        assert_kinsoku(lines, width)


def test_a_mark_that_would_start_a_line_takes_the_character_before_it_along():
    # 10 columns hold five CJK characters: “，” would start line two.
    assert wrap("一二三四五，六七", 10) == ["一二三四", "五，六七"]
    # “（” would end line one: it moves down with what it opens.
    assert wrap("一二三四（五六）", 10) == ["一二三四", "（五六）"]


def test_latin_words_and_numbers_are_kept_whole():
    lines = wrap("请导出 Word 文档，2025年度共讲党课12次", 12)
    assert "".join(lines).replace(" ", "") == "请导出Word文档，2025年度共讲党课12次"
    for line in lines:
        assert "Wo" not in line or "Word" in line
    assert any("2025" in line for line in lines)


def test_own_line_breaks_are_kept():
    assert wrap("说明：一\n示例：二", 40) == ["说明：一", "示例：二"]


def test_rich_text_keeps_its_styles():
    text = Text("说明：")
    text.append(GUIDANCE, style="dim")
    wrapped = wrap_rich(text, 30)
    lines = wrapped.plain.split("\n")
    assert_kinsoku(lines, 30)
    assert wrapped.plain.replace("\n", "") == text.plain
    assert any(span.style == "dim" for span in wrapped.spans)


# Sentences as people write them: words of one to four characters, each
# followed by at most one mark, brackets and quotes around words.
_WORDS = st.text(alphabet=st.sampled_from(list("党建工作述职报告一二三ab12")), min_size=1, max_size=4)
_TOKEN = st.one_of(
    st.tuples(_WORDS, st.sampled_from(["", "、", "，", "。", "；", "：", "！", "？"])).map("".join),
    _WORDS.map(lambda w: f"（{w}）"),
    _WORDS.map(lambda w: f"《{w}》"),
    _WORDS.map(lambda w: f"“{w}”"),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TOKEN, max_size=40).map("".join), st.integers(min_value=8, max_value=80))
def test_any_sentence_at_any_width(text, width):
    lines = wrap(text, width)
    assert "".join(lines) == text
    assert_kinsoku(lines, width)
