"""Shared fixtures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def docs_example_text() -> str:
    """The minimal workflow printed in docs/workflow-format.md."""
    doc = (ROOT / "docs" / "workflow-format.md").read_text(encoding="utf-8")
    match = re.search(r"## Minimal example.*?```yaml\n(.*?)```", doc, re.S)
    assert match, "docs/workflow-format.md lost its minimal example"
    return match.group(1)


@pytest.fixture
def minimal_workflow_path(tmp_path: Path) -> Path:
    path = tmp_path / "minimal-example.yaml"
    path.write_text(docs_example_text(), encoding="utf-8")
    return path


# ------------------------------------------------------------------ caches
# (added by the s-cache helper) No module keeps a cache folder: the entry
# point makes a workflows.cache.Cache. `shuzhi` run in process (main(argv))
# makes Cache.default() from XDG_CACHE_HOME, so every test gets a folder of
# its own (outside tmp_path, whose listing some tests check); `cache` is one
# to pass in by hand.


@pytest.fixture(autouse=True)
def _isolated_cache_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache-home")))


@pytest.fixture
def cache(tmp_path_factory: pytest.TempPathFactory):  # -> workflows.cache.Cache
    from workflows.cache import Cache

    return Cache(tmp_path_factory.mktemp("cache") / "shuzhi")


# ------------------------------------------------------------ hypothesis profiles
# (s-tests) Example counts come from a profile chosen by HYPOTHESIS_PROFILE:
# "default" keeps the default suite quick; "thorough" is what CI's second run
# (`-m slow`) uses, and what a developer sets to search hard. Registered here,
# before any test module builds its settings, so every @settings without its
# own max_examples inherits the profile's.
import os  # noqa: E402

from hypothesis import HealthCheck, settings  # noqa: E402

_HYPOTHESIS_COMMON = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
settings.register_profile("default", max_examples=12, **_HYPOTHESIS_COMMON)
settings.register_profile("thorough", max_examples=500, **_HYPOTHESIS_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
