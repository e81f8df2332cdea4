"""Answer from an index in line with its folder: what every reading command does first,
and every page of the web server (kb.web).

A question is a function of (connection, vocabulary) that returns plain data. The index is
brought in line with the folder (a stat of each file; a file is re-read only when it
changed), then asked; the files the sync found invalid come back beside the answer, for
the caller to show (they are not indexed).

This is the one place where kb checks that the index is fresh, in line before each
command and each page. In a large folder (kb.index.folder.start: from ``PARALLEL_FROM``
files) the snapshot is taken by child processes while the index is asked; the answer
stands if the index was up to date. Otherwise (or if asking failed), and in a smaller
folder, the index is synced (taking the snapshot in line if no child did) and asked.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from kb.config import INDEX_DIR, Location
from kb.errors import KbError
from kb.i18n import _

if TYPE_CHECKING:
    from kb.index.folder import Pending
    from kb.index.sync import Progress, Snapshot
    from kb.recaps.vocab import Vocabulary

T = TypeVar("T")
# What is asked of the index: (connection, vocabulary) -> an answer made of plain data
# (the connection is closed once it returns).
Ask = Callable[[sqlite3.Connection, "Vocabulary"], T]
# Where a sync's progress goes: a context manager that gives the progress callback,
# entered only when a sync runs.
Progressing = Callable[[], AbstractContextManager["Progress"]]


@dataclass(frozen=True)
class Answer(Generic[T]):
    """The answer, the vocabulary it was made with, one line per invalid file, and what
    the person asking should know of the index itself (made again, kept elsewhere)."""

    vocab: Vocabulary
    value: T
    problems: list[str]
    notes: list[str] = field(default_factory=list)


def placed(loc: Location) -> list[str]:
    """What to say, once (when it is made), of an index that cannot be beside the recaps."""
    if loc.origin != "cache" or os.path.exists(loc.index_file):
        return []
    beside = os.path.join(loc.folder, INDEX_DIR)
    return [
        _("kb cannot write in {folder}: it keeps the index in {index}").format(
            folder=beside, index=loc.index_file
        )
    ]


def rebuilt(loc: Location, why: str | None) -> list[str]:
    """What to say of an index that could not be read and was made again."""
    if why is None:
        return []
    return [
        _("The index {index} could not be read ({reason}): made again.").format(
            index=loc.index_file, reason=why
        )
    ]


def _quiet() -> AbstractContextManager[Progress]:
    return nullcontext(lambda done, total: None)


def answer(loc: Location, ask: Ask[T], *, progress: Progressing | None = None) -> Answer[T]:
    """Sync the index of ``loc`` with its folder, then ``ask`` it. An index found damaged
    where the sync did not read (a truncated file, say) is made again, and asked again."""
    from kb.index.folder import listing_file, start
    from kb.index.schema import damaged
    from kb.index.sync import replaceable

    pending = start(loc.folder, listing_file(loc.index_file))
    seen = None
    if pending is not None:
        early = _ask_early(loc, pending, ask)
        if early is not None:
            return early
        seen = pending.result()
    notes = placed(loc)
    problems = _synced(loc, notes, progress, seen=seen)
    try:
        return _asked(loc, ask, problems, notes)
    except sqlite3.DatabaseError as exc:
        if not damaged(exc) or not replaceable(loc):
            raise
        why = str(exc)
    problems = _synced(loc, notes, progress, rebuild=why)
    return _asked(loc, ask, problems, notes)


def _synced(
    loc: Location,
    notes: list[str],
    progress: Progressing | None,
    *,
    seen: Snapshot | None = None,
    rebuild: str | None = None,
) -> list[str]:
    """Sync (``rebuild``: why the index must be made again); the invalid files' lines."""
    from kb.index.sync import sync

    with (progress or _quiet)() as callback:
        report = sync(loc, rebuild=rebuild is not None, progress=callback, seen=seen)
    notes += rebuilt(loc, report.rebuilt or rebuild)
    return report.problems


def _asked(loc: Location, ask: Ask[T], problems: list[str], notes: list[str]) -> Answer[T]:
    from kb.index.schema import connect, vocabulary

    conn = connect(loc.index_file)
    try:
        vocab = vocabulary(conn)
        return Answer(vocab, ask(conn, vocab), problems, notes)
    finally:
        conn.close()


def _ask_early(loc: Location, pending: Pending, ask: Ask[T]) -> Answer[T] | None:
    from kb.index.schema import connect, vocabulary
    from kb.index.sync import outdated, settled, state, tidy

    if not os.path.exists(loc.index_file):
        return None
    try:
        conn = connect(loc.index_file)
        try:
            conn.execute("BEGIN")  # the state and the answer from one view of the index
            try:
                was = state(conn)
                if outdated(loc, was):  # kb.yml edited, or another kb: no use asking it
                    return None
                vocab = vocabulary(conn)
                value = ask(conn, vocab)
            finally:
                conn.execute("COMMIT")
        finally:
            conn.close()
    except (KbError, sqlite3.DatabaseError):
        return None  # asked again after the sync, which says what is wrong if it still is
    report = settled(loc, was, pending.result())
    if report is None:
        return None  # the sync tidies
    tidy(loc.index_file)
    return Answer(vocab, value, report.problems)
