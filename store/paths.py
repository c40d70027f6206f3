"""Where the data lives."""

from __future__ import annotations

import os
from pathlib import Path

from . import _fs
from .errors import StoreError

ENV_VAR = "SHUZHI_DATA_DIR"
APP_NAME = "shuzhi"

# The warning about the data directory found by the last data_dir() call
# (others can read it), for the entry point to show; None when private.
last_warning: str | None = None


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def locate(explicit: str | os.PathLike[str] | None = None) -> tuple[Path, str]:
    """Where the data directory is, and which setting says so (nothing is
    created): ``explicit`` (--data-dir) > $SHUZHI_DATA_DIR > platformdirs."""
    if explicit is not None and str(explicit).strip():
        path, source = Path(explicit), "--data-dir"
    elif os.environ.get(ENV_VAR, "").strip():
        path, source = Path(os.environ[ENV_VAR].strip()), f"环境变量 {ENV_VAR}"
    else:
        path, source = default_data_dir(), "默认位置"
    return path.expanduser(), source


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: ``explicit`` (--data-dir) > $SHUZHI_DATA_DIR > platformdirs.

    Created if missing, mode 0700; an existing folder's mode is left as it
    is (:data:`last_warning` says when others can read it).
    """
    path, source = locate(explicit)
    global last_warning
    last_warning = _fs.exposure(path) if path.is_dir() else None
    if path.exists() and not path.is_dir():
        raise StoreError(f"数据目录“{path}”（来自{source}）已存在但不是目录。")
    try:
        _fs.ensure_private_dir(path)
    except OSError as exc:
        raise StoreError(
            f"无法创建数据目录“{path}”（来自{source}）：{exc.strerror or exc}。"
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise StoreError(f"数据目录“{path}”（来自{source}）不可写。")
    return path.resolve()
