"""Errors a user can act on.

The core raises these with a plain one-line message; the CLI prints ``Error: …`` on
stderr and exits non-zero. Anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

from kb.i18n import _


class KbError(Exception):
    """A mistake the user can fix. ``str(error)`` is one line that says how."""

    exit_code = 1


class UsageError(KbError):
    """An option or argument has a value kb cannot use."""

    exit_code = 2


class ConfigError(KbError):
    """The knowledge base's data file (kb.yml) or its location is wrong."""


class RecapError(KbError):
    """One recap file is invalid; ``path`` is the file as the user sees it."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(_("{path}: {reason}").format(path=path, reason=message))
        self.path = path
        self.reason = message


class NotFoundError(KbError):
    """A recap, basin or action named by the user does not exist."""
