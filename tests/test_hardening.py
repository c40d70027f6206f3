"""Issue 14 (hardening): hostile files from tests/data/hostile and other
hostile inputs are refused with a precise Chinese message, in bounded time
and memory, and nothing already saved is lost."""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path

import pytest

from cli_support import Cli, command

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def cli(tmp_path: Path, cache_dir: Path) -> Cli:
    work = tmp_path / "work"
    work.mkdir()
    return Cli(tmp_path / "data", cache_dir, work)


def run_limited(cli: Cli, *args: str, memory_mb: int = 1024, seconds: int = 20) -> subprocess.CompletedProcess:
    """The command under an address-space and CPU limit: a file that blows
    either up kills the process instead of passing."""

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024, memory_mb * 1024 * 1024))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))

    return subprocess.run(
        [*command(), *args], capture_output=True, text=True, encoding="utf-8",
        cwd=cli.cwd, env=cli.env(), preexec_fn=limits, timeout=60,
    )


def answers_of(cli: Cli, report_id: str) -> dict:
    result = cli("answers", report_id, "--format", "json")
    assert result.code == 0, result
    return result.json()


# ------------------------------------------------------- 1. bounded parsing


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("alias_bomb.yaml", "第6行：展开别名后超过"),
        ("recursive_alias.yaml", "第2行：别名指向自身"),
        ("deep.yaml", "第1行：嵌套过深"),
    ],
)
def test_hostile_workflow_is_refused_in_bounded_memory(cli: Cli, name: str, fragment: str) -> None:
    proc = run_limited(cli, "workflow", "validate", str(HOSTILE / name))
    assert proc.returncode == 1, proc
    assert "Traceback" not in proc.stderr
    assert name in proc.stderr and fragment in proc.stderr, proc.stderr


def test_oversized_workflow_is_refused_before_reading(cli: Cli, tmp_path: Path) -> None:
    from workflows.safeparse import MAX_FILE_BYTES

    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    result = cli("workflow", "validate", str(big))
    assert result.code == 1, result
    assert "文件太大" in result.err and "big.yaml" in result.err, result


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("alias_bomb_answers.yaml", "第8行：展开别名后超过"),
        ("deep.json", "第1行：嵌套过深"),
        ("deep.yaml", "第1行：嵌套过深"),
    ],
)
def test_hostile_answers_file_is_refused_and_nothing_saved(cli: Cli, name: str, fragment: str) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    before = answers_of(cli, report_id)
    proc = run_limited(cli, "fill", report_id, str(HOSTILE / name))
    assert proc.returncode == 1, proc
    assert "Traceback" not in proc.stderr
    assert fragment in proc.stderr and "未保存任何内容" in proc.stderr, proc.stderr
    assert answers_of(cli, report_id) == before


def test_alias_within_budget_still_works() -> None:
    from workflows.safeparse import parse_yaml

    assert parse_yaml("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}


# ------------------------------------------------------- 8. duplicate keys


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("dup_keys.yaml", "第4行：键“basics”重复出现（第1行已有）"),
        ("dup_keys.json", "第3行：键“basics”重复出现（第2行已有）"),
    ],
)
def test_duplicate_keys_name_the_key_and_both_lines(cli: Cli, name: str, fragment: str) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    before = answers_of(cli, report_id)
    result = cli("fill", report_id, str(HOSTILE / name))
    assert result.code == 1, result
    assert fragment in result.err and "未保存任何内容" in result.err, result
    assert answers_of(cli, report_id) == before


def test_duplicate_nested_key_in_yaml_is_refused() -> None:
    from workflows.safeparse import ParseLimitError, parse_yaml

    with pytest.raises(ParseLimitError) as info:
        parse_yaml("basics:\n  unit: 甲\n  unit: 乙\n")
    assert "第3行：键“unit”重复出现（第2行已有）" in info.value.problems[0]


# ------------------------------------------------------- 7. precise messages


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("bad_date.yaml", "第3行 basics.date：日期“2025-02-30”不存在（这个月没有这一天）"),
        ("huge_count.yaml", "第2行 leading.party_group：数字太长（5000 位"),
        ("huge_count.json", "第1行：数字太长（5000 位"),
        ("surrogate.json", "basics.unit：第1个字符（U+D800）不是有效的字符"),
        ("gbk.yaml", "看起来是 GBK/GB18030 编码；请另存为 UTF-8"),
        ("quoted_values.yaml", "第3行 basics.date：“2025-02-30”不是有效日期"),
        ("quoted_values.yaml", "第5行 leading.party_group：数字太大"),
        # JSON: the line of the value, found after parsing (as YAML's)
        ("bad_values.json", "第4行 basics.date：“2025-02-30”不是有效日期"),
        ("bad_values.json", "第7行 leading.party_group：不能是负数"),
        ("bad_values.json", "第10行 leading.matters[2]：列表中的每一条应为文字"),
        ("bad_values.json", "第13行 basics.year：“明年”不是年份"),
    ],
)
def test_precise_message_for_bad_answers_file(cli: Cli, name: str, fragment: str) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    before = answers_of(cli, report_id)
    result = cli("fill", report_id, str(HOSTILE / name))
    assert result.code == 1, result
    assert fragment in result.err, result
    assert "意外错误" not in result.err
    assert answers_of(cli, report_id) == before


def run_bytes(cli: Cli, *args: str, stdin: bytes) -> subprocess.CompletedProcess:
    return subprocess.run([*command(), *args], input=stdin, capture_output=True, cwd=cli.cwd, env=cli.env(), timeout=60)


def test_gbk_on_fill_stdin_names_the_encoding(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    before = answers_of(cli, report_id)
    proc = run_bytes(cli, "fill", report_id, "-", stdin="basics:\n  unit: 某某局\n".encode("gbk"))
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 1, err
    assert "标准输入第2行：不是 UTF-8 编码的文本，看起来是 GBK/GB18030 编码" in err and "未保存任何内容" in err
    assert answers_of(cli, report_id) == before


def test_gbk_typed_into_ask_is_reported_and_skipped(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    proc = run_bytes(cli, "ask", report_id, stdin="某某局\n".encode("gbk") + "乙局\n".encode("utf-8"))
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 0, err
    assert "看起来是 GBK/GB18030 编码；请把终端的字符编码设为 UTF-8" in err
    assert answers_of(cli, report_id)["basics"]["unit"] == "乙局"


def test_export_name_too_long(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    result = cli("export", report_id, "-o", "长" * 100 + ".md")
    assert result.code == 1, result
    assert "文件名或路径太长" in result.err and "意外错误" not in result.err, result


def test_reports_folder_replaced_by_a_file(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    reports = cli.data_dir / "reports"
    reports.rename(cli.data_dir / "reports.moved")
    reports.write_text("not a folder")
    for args in (("list",), ("fill", report_id, str(HOSTILE / "dup_keys.yaml"))):
        result = cli(*args)
        assert result.code == 1, result
        assert f"“{reports}”应是文件夹，现在却是一个文件" in result.err, result
    assert reports.read_text() == "not a folder"


def test_disk_full_says_what_was_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import errno
    import os

    from tui import cli as cli_module

    monkeypatch.setenv("SHUZHI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SHUZHI_DEBUG", raising=False)
    assert cli_module.main(["new", "--workflow", "dangjian-shuzhi", "--unit", "甲局"]) == 0
    report_id = capsys.readouterr().out.strip()
    answers = tmp_path / "a.yaml"
    answers.write_text("basics:\n  unit: 乙局\n", encoding="utf-8")
    real_write = os.write

    def full(fd: int, data) -> int:
        if len(data) > 200:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    code = cli_module.main(["fill", report_id, str(answers)])
    monkeypatch.setattr(os, "write", real_write)
    err = capsys.readouterr().err
    assert code == 1, err
    assert "磁盘空间不足" in err and "这次的修改没有写入" in err and "意外错误" not in err, err
    assert cli_module.main(["answers", report_id, "--format", "json"]) == 0
    assert '"甲局"' in capsys.readouterr().out


# ------------------------------------------------------- 10. terminal output

HOSTILE_UNIT = "AB\x1b]0;HACKED\x07\x1b[2J\x9b31m局"


def test_control_characters_never_reach_the_terminal(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", HOSTILE_UNIT)
    outputs = [
        cli("list"),
        cli("check", report_id),
        cli("preview", report_id),
        cli("fill", report_id, str(HOSTILE / "dup_keys.yaml")),  # an error message naming the report
        cli("open", "AB\x1b[2J"),  # an unknown report named in the message
    ]
    for result in outputs:
        for stream in (result.out, result.err):
            assert "\x1b" not in stream and "\x07" not in stream and "\x9b" not in stream, result
    assert "AB␛]0;HACKED␇␛[2J" in outputs[0].out, outputs[0]


# ------------------------------------------------------- 3. export targets


def _special_targets(folder: Path) -> dict[str, tuple[Path, str]]:
    import os
    import socket
    import stat

    made: dict[str, tuple[Path, str]] = {}
    fifo = folder / "fifo.md"
    os.mkfifo(fifo)
    made["fifo"] = (fifo, "命名管道（FIFO）")
    device = folder / "null.md"
    try:
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        made["device"] = (device, "字符设备")
    except (PermissionError, OSError):
        pass
    sock_path = folder / "sock.md"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    sock.close()
    made["socket"] = (sock_path, "套接字")
    (folder / "dir.md").mkdir()
    made["folder"] = (folder / "dir.md", "是一个文件夹")
    (folder / "link-fifo.md").symlink_to(fifo)
    made["link to fifo"] = (folder / "link-fifo.md", "是指向命名管道（FIFO）的链接")
    (folder / "link-dir.md").symlink_to(folder / "dir.md")
    made["link to folder"] = (folder / "link-dir.md", "是指向文件夹的链接")
    return made


def test_export_refuses_special_files(cli: Cli, tmp_path: Path) -> None:
    import os
    import stat

    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    folder = tmp_path / "targets"
    folder.mkdir()
    targets = _special_targets(folder)
    if "device" not in targets:
        pytest.skip("mknod needs CAP_MKNOD")  # pragma: no cover - the rest is checked below anyway
    from workflows.export.atomic import check_target
    from workflows.export.errors import ExportError

    for what, (target, fragment) in targets.items():
        with pytest.raises(ExportError) as info:
            check_target(target)
        assert fragment in str(info.value), what
        if "folder" in what:
            continue  # the CLI's -o FOLDER means "in this folder, under the usual name"
        mode_before = os.lstat(target).st_mode
        result = cli("export", report_id, "--draft", "-o", str(target))
        assert result.code == 1, (what, result)
        assert fragment in result.err, (what, result)
        assert os.lstat(target).st_mode == mode_before, what
    assert stat.S_ISFIFO(os.stat(folder / "fifo.md").st_mode)
    assert not [p for p in os.listdir(folder) if p.endswith(".tmp")]


def test_export_writes_through_a_link_to_a_regular_file(cli: Cli, tmp_path: Path) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    result = cli("export", report_id, "--draft", "-f", "md", "-o", str(link))
    assert result.code == 0, result
    assert link.is_symlink() and "甲局" in real.read_text(encoding="utf-8")


def test_export_temp_file_removed_on_failure_and_stale_ones_cleaned(tmp_path: Path, monkeypatch) -> None:
    import os

    from workflows.export import atomic
    from workflows.export.errors import ExportError

    target = tmp_path / "out.md"
    dead = tmp_path / ".out.md.999999999.abcd.tmp"  # left by a killed export (no such pid)
    dead.write_text("x")
    real_replace = os.replace

    def failing(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(ExportError) as info:
        atomic.atomic_write(target, b"data")
    monkeypatch.setattr(os, "replace", real_replace)
    assert "磁盘空间不足" in str(info.value)
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------- 4. data and cache folders


@pytest.mark.parametrize("mode", [0o1777, 0o555, 0o750])
def test_existing_data_folder_keeps_its_mode(tmp_path: Path, cache_dir: Path, mode: int) -> None:
    import os

    data = tmp_path / "shared"
    data.mkdir()
    os.chmod(data, mode)
    cli = Cli(data, cache_dir, tmp_path)
    result = cli("list")
    assert os.stat(data).st_mode & 0o7777 == mode
    if mode & 0o044:
        assert f"权限是 {mode:04o}" in result.err and "chmod 700" in result.err, result
    else:
        assert "权限是" not in result.err, result


def test_new_data_folder_is_private(tmp_path: Path, cache_dir: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        cli = Cli(tmp_path / "a" / "data", cache_dir, tmp_path)
        cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "a" / "data").st_mode & 0o777 == 0o700
    assert "权限是" not in cli("list").err


def test_cache_folder_and_files_are_private(tmp_path: Path) -> None:
    import os

    cache = tmp_path / "cache"
    cli = Cli(tmp_path / "data", cache, tmp_path)
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    assert cli("check", report_id).code in (0, 1)
    assert cli("workflow", "validate", str(Path(__file__).resolve().parent.parent / "workflows" / "builtin" / "zhibu-shuzhi.yaml")).code == 0
    root = cache / "shuzhi"
    paths = [root, *root.rglob("*")]
    assert len(paths) > 2
    for path in paths:
        mode = os.stat(path).st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_crash_log_is_private_and_not_in_tmp(tmp_path: Path) -> None:
    import os

    from tui.session.crash import write_crash_log

    old = os.umask(0o022)
    try:
        path = write_crash_log("Traceback … 答案原文", tmp_path / "data")
    finally:
        os.umask(old)
    assert path is not None and path.parent == tmp_path / "data" / "crash"
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(path.parent).st_mode & 0o777 == 0o700
    assert path.read_text(encoding="utf-8") == "Traceback … 答案原文"


# ------------------------------------------------------- 5. backups and restore

SAMPLE = Path(__file__).resolve().parent.parent / "workflows" / "builtin" / "dangjian-shuzhi.sample.yaml"


def test_restore_after_truncating_the_report_file(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    assert cli("fill", report_id, str(SAMPLE)).code == 0
    full = answers_of(cli, report_id)
    listing = cli("backups", report_id)
    assert listing.code == 0, listing
    assert "已答字段" in listing.out and f"shuzhi restore {report_id}" in listing.out
    as_json = cli("backups", report_id, "--json").json()
    assert as_json[0]["answered"] == max(row["answered"] for row in as_json) and as_json[0]["size"] > 0

    path = cli.data_dir / "reports" / f"{report_id}.json"
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 3])
    damaged = cli("check", report_id)
    assert damaged.code != 0 and f"恢复命令：shuzhi restore {report_id}" in damaged.err, damaged

    restored = cli("restore", report_id)
    assert restored.code == 0, restored
    assert "已从" in restored.out and "损坏的报告文件已原样移到" in restored.out, restored
    assert answers_of(cli, report_id) == full
    moved = list((cli.data_dir / "damaged").iterdir())
    assert [p.read_bytes() for p in moved] == [raw[: len(raw) // 3]]


def test_restore_a_named_backup_and_unknown_ones(cli: Cli) -> None:
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    assert cli("fill", report_id, str(SAMPLE)).code == 0
    rows = cli("backups", report_id, "--json").json()
    oldest = rows[-1]
    result = cli("restore", report_id, str(len(rows)))
    assert result.code == 0, result
    assert "恢复前的报告文件已另存为一个新备份" in result.out
    assert len(cli("backups", report_id, "--json").json()) >= len(rows)
    listed = {m["id"]: m for m in cli("list", "--json").json()}
    assert listed[report_id]["answered"] == oldest["answered"] < rows[0]["answered"]
    for bad in ("99", "nope.json"):
        result = cli("restore", report_id, bad)
        assert result.code == 1 and f"shuzhi backups {report_id}" in result.err, result
    assert cli("backups", "nosuchreport").code == 3


# ------------------------------------------------------- 6. locks that heal


def _unshare_works() -> bool:
    import shutil

    if not shutil.which("unshare"):
        return False
    try:
        return subprocess.run(["unshare", "-u", "hostname", "shuzhi-probe"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _wait_owner(cli: Cli, report_id: str) -> dict:
    import json
    import time

    owner = cli.data_dir / "locks" / f"{report_id}.owner.json"
    for _ in range(600):
        if owner.exists():
            try:
                return json.loads(owner.read_text(encoding="utf-8"))
            except ValueError:
                pass
        time.sleep(0.05)
    raise AssertionError("the session never took the lock")


@pytest.mark.skipif(not _unshare_works(), reason="unshare -u is not available here")
def test_lock_taken_over_after_a_kill_under_another_hostname(cli: Cli) -> None:
    import os
    import signal

    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    proc = subprocess.Popen(
        ["unshare", "-u", "sh", "-c", 'hostname shuzhi-elsewhere && exec "$@"', "sh", *command(), "ask", report_id],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cli.env(), cwd=cli.cwd,
    )
    try:
        owner = _wait_owner(cli, report_id)
        assert owner["host"] == "shuzhi-elsewhere" and owner["pid"] == proc.pid
        assert owner["boot_id"] and isinstance(owner["process_start"], int)
        busy = cli("fill", report_id, str(SAMPLE))
        assert busy.code == 3 and "正由另一个会话编辑" in busy.err, busy
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    healed = cli("fill", report_id, str(SAMPLE))
    assert healed.code == 0, healed
    assert answers_of(cli, report_id)["basics"]["unit"] == "青山市自然资源和规划局"


def test_lock_of_another_machine_needs_unlock(cli: Cli) -> None:
    import json

    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    owner = cli.data_dir / "locks" / f"{report_id}.owner.json"
    record = {"pid": 4242, "host": "another-machine", "started": "2026-01-05T09:30:00", "user": "clerk",
              "boot_id": "00000000-0000-0000-0000-000000000000", "process_start": 1}
    owner.write_text(json.dumps(record), encoding="utf-8")
    blocked = cli("fill", report_id, str(SAMPLE))
    assert blocked.code == 3, blocked
    assert "another-machine" in blocked.err and f"shuzhi unlock {report_id}" in blocked.err, blocked
    unlocked = cli("unlock", report_id)
    assert unlocked.code == 0, unlocked
    assert "警告" in unlocked.err and "another-machine" in unlocked.out, unlocked
    assert not owner.exists()
    assert cli("fill", report_id, str(SAMPLE)).code == 0
    again = cli("unlock", report_id)
    assert again.code == 0 and "没有被锁定" in again.out, again


def test_unlock_refuses_a_live_session_here(cli: Cli) -> None:
    import os
    import signal

    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    proc = subprocess.Popen([*command(), "ask", report_id], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=cli.env(), cwd=cli.cwd)
    try:
        _wait_owner(cli, report_id)
        result = cli("unlock", report_id)
        assert result.code == 1 and "不能解锁" in result.err, result
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


# ------------------------------------------------------- 2. bounded templates


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("runaway_template.yaml", "模板运行超过 2 秒"), ("flood_template.yaml", "字的上限")],
)
def test_runaway_template_is_refused_and_never_installed(cli: Cli, name: str, fragment: str) -> None:
    for args in (("workflow", "validate", str(HOSTILE / name)), ("new", "--workflow", str(HOSTILE / name))):
        proc = run_limited(cli, *args, seconds=30)
        assert proc.returncode == 1, proc
        assert "条目“基本情况”（basics）的模板出错" in proc.stderr and fragment in proc.stderr, proc.stderr
    assert not (cli.data_dir / "workflows").exists() or not list((cli.data_dir / "workflows").iterdir())
    assert cli("list").out.strip() == "" or "runaway" not in cli("list").out


def test_render_budget_stops_a_loop_that_prints_nothing() -> None:
    from workflows.templating import TemplateBudgetError, compile_template, render_bounded

    template = compile_template("t", "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}")
    with pytest.raises(TemplateBudgetError):
        render_bounded(template, {})
    assert render_bounded(compile_template("ok", "{{ a }}和{{ b }}"), {"a": 1, "b": "乙"}) == "1和乙"


def test_render_budget_stops_a_flood_of_output(monkeypatch) -> None:
    from workflows import templating

    monkeypatch.setattr(templating, "RENDER_SECONDS", 3600.0)  # only the output budget can stop it
    template = templating.compile_template("flood", "{% for i in range(99999) %}{{ x }}{% endfor %}")
    with pytest.raises(templating.TemplateBudgetError) as info:
        templating.render_bounded(template, {"x": "很" * 100})
    assert "字的上限" in str(info.value)


# ------------------------------------------------------- 9. PDF export


def _lo_processes(marker: str) -> list[int]:
    import os

    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as handle:
                cmdline = handle.read()
        except OSError:
            continue
        if marker.encode() in cmdline and b"soffice" in cmdline:
            found.append(int(name))
    return found


def _pdf_ready() -> bool:
    from workflows.export.pdf import pdf_available

    return pdf_available() and Path("/proc/self/cmdline").exists()


@pytest.mark.slow  # starts LibreOffice and kills it mid-export
@pytest.mark.skipif(not _pdf_ready(), reason="LibreOffice is not installed")
def test_killed_pdf_export_leaves_no_process_and_nothing_in_home(cli: Cli, tmp_path: Path) -> None:
    import os
    import signal
    import time

    home = tmp_path / "home"
    home.mkdir()
    temp = tmp_path / "tmp"
    temp.mkdir()
    report_id = cli.new("--workflow", "dangjian-shuzhi", "--unit", "甲局")
    env = cli.env(HOME=str(home), TMPDIR=str(temp))
    proc = subprocess.Popen([*command(), "export", report_id, "--draft", "-f", "pdf", "-o", str(tmp_path / "r.pdf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cli.cwd)
    marker = str(temp / "shuzhi-pdf-")
    for _ in range(600):
        if _lo_processes(marker) or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the export ended before LibreOffice could be seen"
    time.sleep(0.5)  # let soffice start its own children
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for _ in range(200):
        if not _lo_processes(marker) and not list(temp.glob("shuzhi-pdf-*")):
            break
        time.sleep(0.05)
    assert _lo_processes(marker) == []
    assert list(temp.glob("shuzhi-pdf-*")) == []
    assert not (tmp_path / "r.pdf").exists() and not list(tmp_path.glob(".r.pdf.*"))
    assert list(home.iterdir()) == []

    done = subprocess.run([*command(), "export", report_id, "--draft", "-f", "pdf", "-o", str(tmp_path / "r.pdf")],
                          capture_output=True, text=True, env=env, cwd=cli.cwd, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert list(home.iterdir()) == [], "a PDF export created files in the user's home"
    assert _lo_processes(marker) == [] and list(temp.glob("shuzhi-pdf-*")) == []


def test_pdf_leftovers_of_a_dead_export_are_cleaned(tmp_path: Path, monkeypatch) -> None:
    import tempfile

    from workflows.export import pdf

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale = tmp_path / "shuzhi-pdf-stale"
    (stale / "lo-profile").mkdir(parents=True)
    (stale / "owner.pid").write_text("999999999")
    live = tmp_path / "shuzhi-pdf-live"
    live.mkdir()
    import os

    (live / "owner.pid").write_text(str(os.getppid()))
    assert pdf.cleanup_leftovers() == [stale]
    assert not stale.exists() and live.exists()


def _pdf_leftovers(root: Path) -> tuple[Path, Path]:
    """A leftover of a killed PDF export (owner pid dead) and the folder of a
    running one (owner: this test's parent, alive), in ``root``."""
    import os

    from workflows.pdftemp import OWNER_FILE, TEMP_PREFIX

    dead = root / f"{TEMP_PREFIX}killed"
    (dead / "lo-profile" / "user").mkdir(parents=True)
    (dead / OWNER_FILE).write_text("999999999", encoding="ascii")
    live = root / f"{TEMP_PREFIX}running"
    live.mkdir()
    (live / OWNER_FILE).write_text(str(os.getppid()), encoding="ascii")
    return dead, live


def test_pdf_leftovers_are_cleaned_at_the_next_start_of_the_cli(cli: Cli, tmp_path: Path, monkeypatch) -> None:
    import tempfile

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    dead, live = _pdf_leftovers(temp)
    result = cli("list")
    assert result.code == 0, result
    assert not dead.exists(), "the folder of a dead export was left"
    assert live.exists(), "the folder of a running export was removed"


# ------------------------------------------------------- 11. default caps


def test_default_length_caps_and_per_field_override() -> None:
    from workflows.loader import load_workflow_text
    from workflows.model import ITEM_MAX_DEFAULT, ITEMS_MAX_DEFAULT, LONGTEXT_MAX_DEFAULT, TEXT_MAX_DEFAULT
    from workflows.values import AnswerError, coerce

    wf = load_workflow_text(
        """
id: caps
title: 上限
version: 1
report: {title: 报告}
sections:
  - id: s
    title: 部分
    items:
      - id: i
        title: 条目
        question: 问
        fields:
          - {id: t, type: text, label: 单行}
          - {id: lt, type: longtext, label: 多行}
          - {id: l, type: list, label: 列表}
          - {id: wide, type: list, label: 长列表, max_length: 1000, max_items: 500}
        template: "{{ r.i.t }}"
""",
        "caps.yaml",
    )
    cases = [
        ("i.t", "字" * (TEXT_MAX_DEFAULT + 1), f"不能超过{TEXT_MAX_DEFAULT}字"),
        ("i.lt", "字" * (LONGTEXT_MAX_DEFAULT + 1), f"不能超过{LONGTEXT_MAX_DEFAULT}字"),
        ("i.l", ["短", "长" * (ITEM_MAX_DEFAULT + 1)], f"第2条不能超过{ITEM_MAX_DEFAULT}字"),
        ("i.l", ["条"] * (ITEMS_MAX_DEFAULT + 1), f"最多{ITEMS_MAX_DEFAULT}条"),
        ("i.l", ["x" * 1_000_000] * 3, f"第1条不能超过{ITEM_MAX_DEFAULT}字"),
    ]
    for path, value, fragment in cases:
        with pytest.raises(AnswerError) as info:
            coerce(wf.field(path), value)
        assert fragment in str(info.value), (path, str(info.value))
    assert coerce(wf.field("i.t"), "字" * TEXT_MAX_DEFAULT) == "字" * TEXT_MAX_DEFAULT
    wide = coerce(wf.field("i.wide"), ["长" * 1000] * 500)
    assert len(wide) == 500


def test_caps_are_documented() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "workflow-format.md").read_text(encoding="utf-8")
    assert "Length caps" in text and "max_length: 120   # each title" in text


# ------------------------------------------------------- 12. offline install

ROOT = Path(__file__).resolve().parent.parent


def test_offline_pins_satisfy_the_declared_dependencies() -> None:
    import tomllib

    from packaging.requirements import Requirement

    pins = {}
    for line in (ROOT / "requirements-offline.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for text in declared:
        req = Requirement(text)
        name = req.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not pinned in requirements-offline.txt"
        assert req.specifier.contains(pins[name]), f"{name}=={pins[name]} does not satisfy {text}"


def test_offline_install_is_documented_and_run_by_ci() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "tools/build-wheelhouse wheelhouse" in readme and "--no-index --find-links wheelhouse shuzhi" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "tools/build-wheelhouse" in ci and "--no-index" in ci and "shuzhi\" --version" in ci and "demo" in ci
    assert (ROOT / "tools" / "build-wheelhouse").stat().st_mode & 0o111


def test_ci_runs_the_readme_test_command_then_the_slow_tests_and_the_checkers() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if "-m pytest" in line and line.startswith("python3 -m venv"))
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci.splitlines()
    assert "HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest -q -p no:cacheprovider -m slow" in ci
    assert "ruff check tui workflows store" in ci and "mypy tui workflows store" in ci


def test_a_surrogate_already_stored_never_stops_saving() -> None:
    import json

    from store import _fs

    raw = _fs.dumps({"answers": {"1": {"path": "basics.unit", "value": "甲\ud800局"}}})
    assert json.loads(raw.decode("utf-8"))["answers"]["1"]["value"] == "甲\ufffd局"


def test_render_budget_also_holds_in_a_worker_thread() -> None:
    import threading

    from workflows.templating import TemplateBudgetError, compile_template, render_bounded

    template = compile_template("t2", "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}")
    caught: list[BaseException] = []

    def work() -> None:
        try:
            render_bounded(template, {})
        except TemplateBudgetError as exc:
            caught.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(60)
    assert not worker.is_alive() and len(caught) == 1 and "模板运行超过" in str(caught[0])


def test_json_lines_follow_keys_and_list_entries() -> None:
    """The line of every path of a JSON text, strings with brackets, colons
    and escaped quotes included (they are not structure)."""
    import json

    from workflows.safeparse import json_lines

    text = ('{"a": {\n "b": "x:{[,",\n "c": [\n  1,\n  {"d": "\\"]"}, [],\n  "e"\n ]},\n'
            ' "f.g": null, "h": {}\n}')
    json.loads(text)
    assert json_lines(text) == {
        "a": 1, "a.b": 2, "a.c": 3, "a.c[0]": 4, "a.c[1]": 5, "a.c[1].d": 5, "a.c[2]": 5, "a.c[3]": 6,
        "f.g": 8, "h": 8,
    }
