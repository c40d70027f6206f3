"""The session layer: everything the interfaces do with reports, in one
place and without Textual. The app (``tui.app``, ``tui.screens``), the
line-by-line questions (``tui.ask``) and every ``shuzhi`` command go
through it; screens and widgets never touch the store's report handle.

* :mod:`tui.session.session` — :func:`open_session` and :class:`Session`:
  a report opened read-write or read-only; read its answers, drafts,
  defaults, checks and paragraphs; set one or many answers; confirm; import
  and export answers files; export the report; close. The one validation
  rule (``workflows.values.validate``), values vs drafts, defaults as
  proposals, and the listed unit, year and title kept in step. The class
  is built from :mod:`tui.session.base` (what a session holds, reading it),
  :mod:`tui.session.changes` (input, flush, the validating writes, answers
  files) and :mod:`tui.session.derived` (assembly, the cached check and
  text); :mod:`tui.session.checks` has :class:`ReportCheck` and the item
  states.
* :mod:`tui.session.reports` — creating reports (:func:`create_report`,
  :func:`create_demo_report`) and the basics (unit, name, position, year).
* :mod:`tui.session.backups` — a report's backups as listed
  (:func:`backup_rows`) and restoring one (:func:`restore_backup`), for
  ``shuzhi backups``/``restore`` and the app's restore dialog.
* :mod:`tui.session.workflows` — finding and installing workflows
  (:func:`find_workflow`), through the cache the entry point passes
  (``workflows.cache.Cache``, also what :func:`open_session` takes).

Every error raised here has a Chinese message (:class:`SessionError`,
``store.errors.StoreError``, ``workflows.loader.WorkflowError``,
``workflows.answers.AnswersFileError``, ``workflows.values.AnswerError``,
``workflows.export.errors.ExportError``). Nothing heavy is imported at
import time: the CLI's quick commands import this package.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - the names, for the type checker; imported on first use below
    from .backups import BackupRow, Restored, backup_rows, restore_backup
    from .errors import ServiceError, SessionError
    from .reports import (
        BASICS_NAMES,
        DEMO_WORKFLOW,
        NewReport,
        basics_answers,
        basics_field,
        basics_item_id,
        create_demo_report,
        create_report,
        default_title,
        field_hint,
        listed_basics,
        report_year_of,
        sample_answers,
        title_for,
        year_bound_paths,
    )
    from .session import (
        STATE_COPIED,
        STATE_PROPOSED,
        ExtraBlocker,
        ReportCheck,
        Session,
        answers_format,
        open_session,
        shown_states,
    )
    from .workflows import (
        USER_WORKFLOWS_DIR,
        find_workflow,
        install_workflow,
        resolve_workflow_ref,
        user_workflows_dir,
        workflow_choices,
    )


# Each name's module, imported when the name is first used (PEP 562): a
# command imports only the parts it needs (``shuzhi list`` reads report
# states, tui.session.state, and needs no session: ≈ 10 ms of imports).
_WHERE = {
    "BASICS_NAMES": "reports",
    "BackupRow": "backups",
    "DEMO_WORKFLOW": "reports",
    "ExtraBlocker": "session",
    "NewReport": "reports",
    "ReportCheck": "session",
    "Restored": "backups",
    "STATE_COPIED": "session",
    "STATE_PROPOSED": "session",
    "ServiceError": "errors",
    "Session": "session",
    "SessionError": "errors",
    "USER_WORKFLOWS_DIR": "workflows",
    "answers_format": "session",
    "backup_rows": "backups",
    "basics_answers": "reports",
    "basics_field": "reports",
    "basics_item_id": "reports",
    "create_demo_report": "reports",
    "create_report": "reports",
    "default_title": "reports",
    "field_hint": "reports",
    "find_workflow": "workflows",
    "install_workflow": "workflows",
    "listed_basics": "reports",
    "open_session": "session",
    "report_year_of": "reports",
    "resolve_workflow_ref": "workflows",
    "restore_backup": "backups",
    "sample_answers": "reports",
    "shown_states": "session",
    "title_for": "reports",
    "user_workflows_dir": "workflows",
    "workflow_choices": "workflows",
    "year_bound_paths": "reports",
}

__all__ = [
    "BASICS_NAMES",
    "BackupRow",
    "DEMO_WORKFLOW",
    "STATE_COPIED",
    "STATE_PROPOSED",
    "USER_WORKFLOWS_DIR",
    "ExtraBlocker",
    "NewReport",
    "ReportCheck",
    "Restored",
    "ServiceError",
    "Session",
    "SessionError",
    "answers_format",
    "backup_rows",
    "basics_answers",
    "basics_field",
    "basics_item_id",
    "create_demo_report",
    "create_report",
    "default_title",
    "field_hint",
    "find_workflow",
    "install_workflow",
    "listed_basics",
    "open_session",
    "report_year_of",
    "resolve_workflow_ref",
    "restore_backup",
    "sample_answers",
    "shown_states",
    "title_for",
    "user_workflows_dir",
    "workflow_choices",
    "year_bound_paths",
]



def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
