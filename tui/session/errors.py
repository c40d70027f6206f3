"""The session layer's own error."""

from __future__ import annotations


class SessionError(Exception):
    """A request that cannot be carried out; ``str()`` is a Chinese message."""


# The name it had when the session layer was ``tui.service``.
ServiceError = SessionError
