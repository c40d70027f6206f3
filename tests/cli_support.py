"""Running the ``shuzhi`` command for the CLI tests.

``cli(*args)`` runs it in process through ``tui.cli.main(argv)``, with the
environment, working directory and standard streams of a real run (set for
the call and restored after it); ``cli.run(*args)`` runs the installed
command in a subprocess, for tests where the real process is the point."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).with_name("shuzhi")


def command() -> list[str]:
    """The installed console script, or the module when it is not installed."""
    if SCRIPT.exists():
        return [str(SCRIPT)]
    return [sys.executable, "-m", "tui.cli"]


def base_env(data_dir: Path, cache_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHUZHI_", "NO_COLOR", "PAGER", "LESS"))}
    env.update(
        SHUZHI_DATA_DIR=str(data_dir),
        XDG_CACHE_HOME=str(cache_dir),
        SHUZHI_DEBUG="1",  # an unexpected exception shows its traceback (and fails the tests)
        PYTHONPATH=str(ROOT),
        LANG="C.UTF-8",
        COLUMNS="100",
    )
    env.update(extra)
    return env


@dataclass
class Result:
    code: int
    out: str
    err: str
    args: tuple[str, ...] = ()

    def json(self) -> Any:
        return json.loads(self.out)

    def __repr__(self) -> str:  # shown by pytest when an assertion fails
        return f"Result(shuzhi {' '.join(self.args)} -> {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err})"


@dataclass
class Cli:
    data_dir: Path
    cache_dir: Path
    cwd: Path
    env_extra: dict[str, str] = field(default_factory=dict)

    def env(self, **extra: str) -> dict[str, str]:
        return base_env(self.data_dir, self.cache_dir, **{**self.env_extra, **extra})

    def __call__(self, *args: str, input: str | None = None, cwd: Path | None = None, **env: str) -> Result:
        """``shuzhi *args`` in this process."""
        from store import paths
        from tui.cli import main

        saved_env, saved_cwd = dict(os.environ), os.getcwd()
        saved_streams = sys.stdin, sys.stdout, sys.stderr
        stdin = io.TextIOWrapper(io.BytesIO((input or "").encode("utf-8")), encoding="utf-8")
        stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
        stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
        os.environ.clear()
        os.environ.update(self.env(**env))
        try:
            os.chdir(cwd or self.cwd)
            sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
            code = main(list(args))
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved_streams
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
            paths.last_warning = None
        texts = []
        for stream in (stdout, stderr):
            stream.flush()
            texts.append(stream.buffer.getvalue().decode("utf-8"))  # type: ignore[attr-defined]
        result = Result(code, texts[0], texts[1], args)
        assert "Traceback" not in result.err, result
        return result

    def run(self, *args: str, input: str | None = None, cwd: Path | None = None, **env: str) -> Result:
        """``shuzhi *args`` as a real process (the installed command)."""
        proc = subprocess.run(
            [*command(), *args],
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=cwd or self.cwd,
            env=self.env(**env),
            timeout=120,
        )
        result = Result(proc.returncode, proc.stdout, proc.stderr, args)
        assert "Traceback" not in proc.stderr, result
        return result

    def new(self, *args: str) -> str:
        result = self("new", *args)
        assert result.code == 0, result
        report_id = result.out.strip()
        assert report_id and "\n" not in report_id, result
        return report_id
