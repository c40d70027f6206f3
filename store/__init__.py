"""shuzhi's report store on TinyDB: durable, crash-safe, one writer per report.

Typical use::

    from store import Store, data_dir

    store = Store(data_dir(args.data_dir))
    for meta in store.list_reports():
        ...
    meta = store.create("dangjian-shuzhi", 1, "2025年述职报告", "XX市XX局", 2025)
    with store.open(meta.id) as report:
        if report.readonly:
            show(report.notice)          # who else is editing it
        report.set_answer("political.meetings_party_group", 12)

Every failure raises a :class:`StoreError` whose ``str()`` is a Chinese
message for the user.

Modules: ``core`` (:class:`Store`, putting the parts together), ``handle``
(:class:`ReportHandle`: an opened report's answers and every change to
them), ``index`` (the list of reports, finding one, its cache), ``files``
(report files: the on-disk layout, create, duplicate, purge), ``storage``
(the one read, parse → upgrade → check, and the TinyDB storage every write
goes through), ``model`` (:class:`ReportMeta` and the checks of what callers
give), ``schema`` (file formats, validation, migrations), ``locks``,
``backups``, ``answers_io``, ``paths``, ``errors``, ``_fs``.
"""

from .backups import BackupInfo
from .core import ReportHandle, ReportMeta, Store
from .errors import (
    Ambiguous,
    AnswersImportError,
    DamagedFileError,
    DeletedError,
    FutureSchemaError,
    InvalidValueError,
    LockedError,
    NotFound,
    ReadOnlyError,
    StoreError,
)
from .locks import LockInfo
from .paths import ENV_VAR, data_dir
from .schema import SCHEMA_VERSION

__all__ = [
    "ENV_VAR",
    "SCHEMA_VERSION",
    "Ambiguous",
    "AnswersImportError",
    "BackupInfo",
    "DamagedFileError",
    "DeletedError",
    "FutureSchemaError",
    "InvalidValueError",
    "LockInfo",
    "LockedError",
    "NotFound",
    "ReadOnlyError",
    "ReportHandle",
    "ReportMeta",
    "Store",
    "StoreError",
    "data_dir",
]
