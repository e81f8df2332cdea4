"""Writing an export: whole or not at all, never where kb would read it as a recap, and
never over a file of the knowledge base unless asked (then kept as ``<file>.bak``)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from kb.config import DATA_FILE, Location
from kb.errors import KbError, UsageError
from kb.i18n import _


def _inside(loc: Location, path: str) -> bool:
    root = os.path.realpath(loc.folder)
    return os.path.commonpath([root, path]) == root


def _replaced(target: str) -> str:
    """The file a write to ``target`` replaces: the rename lands on the name itself (a
    link named there is replaced, not its target), in its folder's real place."""
    folder, name = os.path.split(os.path.abspath(target))
    return os.path.join(os.path.realpath(folder), name)


def check_target(target: str, loc: Location, *, option: str, force: bool = False) -> None:
    """Refuse a Markdown file inside the knowledge-base folder: the next command would
    index it as a recap (and fail on it, as it has no frontmatter). Without ``force``,
    refuse any file of the knowledge base that exists (a recap, kb.yml, a file kb did
    not write: kb cannot tell an export of its own from one of yours), and kb.yml even
    when there is none: every command would then read the export as the vocabulary."""
    if target.lower().endswith(".md") and _inside(loc, os.path.realpath(target)):
        raise UsageError(
            _(
                "{option} {target}: inside the knowledge base {folder}, where it would be "
                "read as a recap; write it elsewhere"
            ).format(option=option, target=target, folder=loc.folder)
        )
    where = _replaced(target)
    if force or not _inside(loc, where) or os.path.isdir(where):
        return
    data_file = os.path.join(os.path.realpath(loc.folder), DATA_FILE)
    if os.path.lexists(where) or where == data_file:
        from kb.add import backup_path

        raise UsageError(
            _(
                "{option} {target}: a file of the knowledge base {folder}; pass --force to "
                "replace it (the current file is then kept as {backup})"
            ).format(
                option=option,
                target=target,
                folder=loc.folder,
                backup=backup_path(Path(target)).name,
            )
        )


def write_output(
    target: str, data: bytes, loc: Location, *, option: str, force: bool = False
) -> str | None:
    """Write ``data`` to ``target`` through a temporary file and a rename: the old file or
    the new one, never half of one. A file of the knowledge base it replaces (only with
    ``force``) is kept first as ``<file>.bak``: that name is returned, else None."""
    from kb.add import backup_path, write_atomic

    check_target(target, loc, option=option, force=force)
    path = Path(target)
    if path.is_dir():
        raise UsageError(
            _("{option} {target}: is a folder; give a file name").format(
                option=option, target=target
            )
        )
    kept = None
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else _default_mode()
        if os.path.lexists(path) and _inside(loc, _replaced(target)):
            kept = backup_path(path)
            _keep(path, kept, mode)
        write_atomic(path, data, mode=mode, exclusive=False)
    except OSError as exc:
        if kept is not None and os.path.lexists(path):  # nothing replaced: no copy either
            with contextlib.suppress(OSError):
                os.unlink(kept)
        raise KbError(
            _("{option} {target}: cannot be written ({reason}); nothing was written").format(
                option=option, target=target, reason=exc.strerror
            )
        ) from None
    return None if kept is None else str(kept)


def _keep(path: Path, kept: Path, mode: int) -> None:
    """The file about to be replaced, under the name ``kept``: the file itself (a hard
    link), or where the file system has none, a copy written whole."""
    from kb.add import write_atomic

    try:
        os.link(path, kept, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError:
        write_atomic(kept, path.read_bytes(), mode=mode, exclusive=True)


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
