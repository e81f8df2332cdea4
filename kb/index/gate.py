"""Who has the index open: a rebuild renames its new file over the index only when no kb
connection to the old one is open.

SQLite finds a database's rollback journal by name (``index.sqlite-journal``). A
connection opened before a rebuild renamed a new file over the index still reads the
old file, but the journal it looks at is the new file's: while a sync writes the new
file, that connection takes its journal for one a crash left behind, plays it back into
the old file and deletes it. The sync then fails ("disk I/O error": its journal is gone)
and the new file has no journal while it is written
(https://sqlite.org/howtocorrupt.html, "unlinking or renaming a database file while in
use"). So every kb connection to the index is opened and closed while holding a shared
lock on ``index.sqlite.lock`` (:func:`reading`), and a rebuild holds it alone while it
renames (:func:`replacing`): a connection is on the old file, closed before the rename,
or on the new one.

Readers come one at a time through a second lock, ``index.sqlite.queue`` (taken for an
instant to get the shared one), which a rebuild holds while it waits: otherwise searches
that overlap without end (a busy web site) would keep the rename waiting forever.

``flock`` locks, released by the system when a process dies (a kill leaves nothing
locked). Where there is no ``fcntl`` (Windows), no lock: there a rename fails while any
process has the file open, and the rebuild tries again for a while (kb.index.sync).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

LOCK = ".lock"  # shared by open connections, held alone by a rebuild's rename
QUEUE = ".queue"  # held by a rebuild waiting for the connections to close


def _open(path: str) -> int | None:
    """The lock file, made if needed; None where it cannot be (a read-only folder: no
    rebuild can rename anything there either)."""
    for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
        try:
            return os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o666)
        except OSError:
            continue
    return None


@contextlib.contextmanager
def _locked(path: str, how: int) -> Iterator[None]:
    fd = _open(path) if fcntl is not None else None
    if fd is None:
        yield
        return
    try:
        fcntl.flock(fd, how)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def reading(index_file: str) -> Iterator[None]:
    """Hold this while a connection to ``index_file`` is open (to read or to sync it)."""
    if fcntl is None:
        yield
        return
    fd = None
    try:
        with _locked(index_file + QUEUE, fcntl.LOCK_EX):  # behind a rebuild that waits
            fd = _open(index_file + LOCK)
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock


@contextlib.contextmanager
def replacing(index_file: str) -> Iterator[None]:
    """Hold this to rename a file over ``index_file``: no kb connection to it is open."""
    if fcntl is None:
        yield
        return
    with _locked(index_file + QUEUE, fcntl.LOCK_EX), _locked(index_file + LOCK, fcntl.LOCK_EX):
        yield
