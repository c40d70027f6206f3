"""A field type added from a fixture module (tests/fixtures/fieldtype_phone*.py:
the type and its editor) is validated, stored and reported through the CLI
and through the app, with no change to the package."""

from __future__ import annotations

import importlib
import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from tests.test_tui_support import async_test, wait_saved, wizard_at
from tui.cli import main
from workflows import fieldtypes
from workflows.loader import load_workflow
from workflows.values import AnswerError, coerce

WORKFLOW = Path(__file__).parent / "data" / "phone-contacts.yaml"


@pytest.fixture
def phone(monkeypatch, tmp_path):
    """The 电话号码 type and its editor registered for one test, then removed;
    the CLI's data and cache folders under ``tmp_path``."""
    from tests.fixtures import fieldtype_phone, fieldtype_phone_editor

    importlib.reload(fieldtype_phone)
    importlib.reload(fieldtype_phone_editor)
    monkeypatch.setenv("SHUZHI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yield fieldtype_phone.TYPE
    from tui.widgets.editors import unregister_editor

    fieldtypes.unregister("phone")
    unregister_editor("phone")


def shuzhi(*args: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def new_report(monkeypatch) -> str:
    code, out, err = shuzhi("new", "--workflow", str(WORKFLOW), "--year", "2025", "--unit", "城东支部")
    assert code == 0, err
    return out.strip().splitlines()[-1].split()[0]


def test_the_type_validates_and_the_loader_knows_it(phone):
    wf = load_workflow(WORKFLOW)  # the full analysis: templates, keys
    f = wf.field("contact.phone")
    assert f is not None and f.type == "phone"
    assert coerce(f, "138 0013 8000") == "138-0013-8000"
    assert coerce(f, "（010）12345678") == "010-12345678"
    with pytest.raises(AnswerError, match="不是电话号码"):
        coerce(f, "12345")
    assert f.to_json()["type"] == "phone"


def test_without_the_fixture_the_type_is_unknown():
    assert not fieldtypes.known("phone")
    with pytest.raises(Exception) as info:
        load_workflow(WORKFLOW)
    assert "未知的字段类型“phone”" in "\n".join(info.value.problems)


def test_fill_through_the_cli(phone, monkeypatch, tmp_path):
    report = new_report(monkeypatch)
    bad = tmp_path / "bad.yaml"
    bad.write_text("contact:\n  phone: 12345\n", encoding="utf-8")
    code, _out, err = shuzhi("fill", report, str(bad))
    assert code == 1 and "不是电话号码" in err
    good = tmp_path / "good.yaml"
    good.write_text("contact:\n  phone: 13800138000\n", encoding="utf-8")
    code, _out, err = shuzhi("fill", report, str(good))
    assert code == 0, err
    code, out, _err = shuzhi("answers", report, "--format", "json")
    assert code == 0 and '"phone": "138-0013-8000"' in out
    code, out, _err = shuzhi("preview", report)
    assert code == 0 and "支部联系电话：138-0013-8000。" in out
    code, out, _err = shuzhi("workflow", "show", "phone-contacts")
    assert code == 0 and "联系电话（电话号码，必填）" in out


def test_ask_through_the_plain_prompts(phone, monkeypatch):
    report = new_report(monkeypatch)
    # unit and year kept (Enter), then a wrong number, then a right one
    code, out, err = shuzhi("ask", report, stdin="\n\n12\n010 8765 4321\n", monkeypatch=monkeypatch)
    assert code == 0, err
    assert "联系电话（电话号码，必填，如 13800138000 或 010-12345678）" in out
    assert "输入有误：“12”不是电话号码" in out
    assert "已保存：010-87654321" in out


@async_test
async def test_fill_through_the_app(phone, monkeypatch, tmp_path):
    report = new_report(monkeypatch)
    async with wizard_at(tmp_path, report, "contact") as (_app, pilot, wizard):
        editor = wizard.form().editor("contact.phone")
        assert type(editor).__name__ == "PhoneEditor"
        assert "手机或固定电话" in str(editor.border_title)
        editor.focus_input()
        await pilot.press(*"123")
        await pilot.pause()
        assert "不是电话号码" in editor.message_text()[0]  # shown as typed, kept as a draft
        assert "contact.phone" not in wizard.session.answers
        await pilot.press("backspace", "backspace", "backspace", *"13912345678")
        await pilot.pause()
        await wait_saved(pilot)
        assert wizard.session.answers["contact.phone"] == "139-1234-5678"
        shown = " ".join(getattr(block, "text", "") for block in wizard.session.render_item("contact"))
        assert "支部联系电话：139-1234-5678。" in shown
    _code, out, _err = shuzhi("preview", report)
    assert "支部联系电话：139-1234-5678。" in out
