"""Writing an export: whole or not at all, and never where kb would read it as a recap."""

from __future__ import annotations

import os
from pathlib import Path

from kb.config import Location
from kb.errors import KbError, UsageError
from kb.i18n import _


def check_target(target: str, loc: Location, *, option: str) -> None:
    """Refuse a Markdown file inside the knowledge-base folder: the next command would
    index it as a recap (and fail on it, as it has no frontmatter)."""
    if not target.lower().endswith(".md"):
        return
    root = os.path.realpath(loc.folder)
    where = os.path.realpath(target)
    if os.path.commonpath([root, where]) == root:
        raise UsageError(
            _(
                "{option} {target}: inside the knowledge base {folder}, where it would be "
                "read as a recap; write it elsewhere"
            ).format(option=option, target=target, folder=loc.folder)
        )


def write_output(target: str, data: bytes, loc: Location, *, option: str) -> None:
    """Write ``data`` to ``target`` through a temporary file and a rename: the old file or
    the new one, never half of one."""
    from kb.add import write_atomic

    check_target(target, loc, option=option)
    path = Path(target)
    if path.is_dir():
        raise UsageError(
            _("{option} {target}: is a folder; give a file name").format(
                option=option, target=target
            )
        )
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else _default_mode()
        write_atomic(path, data, mode=mode, exclusive=False)
    except OSError as exc:
        raise KbError(
            _("{option} {target}: cannot be written ({reason}); nothing was written").format(
                option=option, target=target, reason=exc.strerror
            )
        ) from None


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
