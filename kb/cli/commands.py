"""What each reading command does, with plain arguments: locate, sync, query, render.

Both front ends call these: the typer app (kb/cli/app.py: help, completion, every command)
and the fast launcher (kb/cli/launch.py: the common forms of the reading commands, without
importing typer). Each returns the exit status; a KbError goes up to the caller, which
reports it with :func:`fail`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from kb.cli import render
from kb.errors import ConfigError, KbError

if TYPE_CHECKING:
    from kb.config import Location
    from kb.index.folder import Pending
    from kb.index.sync import Snapshot
    from kb.recaps.vocab import Vocabulary

PathArg = str | os.PathLike[str] | None
DEFAULT_LIMIT = 10


def fail(exc: KbError) -> int:
    """Report a user's mistake in one line on stderr; the exit status to use."""
    render.error(str(exc))
    return exc.exit_code


def guarded(call: Callable[[], int]) -> int:
    """Run a command; what goes wrong in a way the user can act on is one line on stderr
    and an exit status, never a traceback."""
    try:
        return call()
    except KbError as exc:
        return fail(exc)
    except sqlite3.DatabaseError as exc:
        return fail(
            ConfigError(
                f"the index cannot be used ({exc}); run kb index --rebuild, or delete it: "
                "it is rebuilt from the recaps"
            )
        )
    except KeyboardInterrupt:
        render.error("interrupted")
        return 130
    except UnicodeEncodeError as exc:  # an output that cannot show French text
        return fail(
            KbError(
                f"the output's encoding ({exc.encoding}) cannot show the recaps' text; "
                "use UTF-8 (PYTHONIOENCODING=utf-8)"
            )
        )


T = TypeVar("T")
# What a reading command asks the index: (knowledge base, connection, vocabulary) -> answer
Work = Callable[["Location", sqlite3.Connection, "Vocabulary"], T]


def _answer(kb_dir: PathArg, db: PathArg, work: Work[T]) -> tuple[Location, Vocabulary, T]:
    """Locate the knowledge base, make sure its index is up to date with the folder,
    report invalid files, and answer: every reading command.

    When the launcher started the folder's snapshot (kb.index.folder), the index is asked first,
    while the snapshot is taken; the answer stands if the index was up to date.
    Otherwise (or if asking failed) the index is synced and asked again.
    """
    from kb.config import locate
    from kb.index.folder import take
    from kb.index.schema import damaged
    from kb.index.sync import replaceable

    loc = locate(kb_dir, db)
    pending = take(loc.folder)
    seen = None
    if pending is not None:
        early = _ask_early(loc, pending, work)
        if early is not None:
            return early
        seen = pending.result()
    _synced(loc, seen=seen)
    try:
        return _asked(loc, work)
    except sqlite3.DatabaseError as exc:
        # Damaged where the sync did not read (a truncated file, say): made again.
        if not damaged(exc) or not replaceable(loc):
            raise
        why = str(exc)
    _synced(loc, rebuild=why)
    return _asked(loc, work)


def _synced(loc: Location, *, seen: Snapshot | None = None, rebuild: str | None = None) -> None:
    """Sync the index (``rebuild``: why it must be made again), saying what the person
    at the terminal should know: invalid files, an index made again or kept elsewhere."""
    from kb.index.sync import sync

    _placed(loc)
    with render.progress("Indexing") as progress:
        report = sync(loc, rebuild=rebuild is not None, progress=progress, seen=seen)
    _rebuilt(loc, report.rebuilt or rebuild)
    render.warnings(report.problems)


def _asked(loc: Location, work: Work[T]) -> tuple[Location, Vocabulary, T]:
    from kb.index.schema import connect, vocabulary

    conn = connect(loc.index_file)
    vocab = vocabulary(conn)
    return loc, vocab, work(loc, conn, vocab)


def _placed(loc: Location) -> None:
    """Say once (when it is made) where an index that cannot be beside the recaps goes."""
    if loc.origin == "cache" and not os.path.exists(loc.index_file):
        from kb.config import INDEX_DIR

        beside = os.path.join(loc.folder, INDEX_DIR)
        render.note(f"kb cannot write in {beside}: it keeps the index in {loc.index_file}")


def _rebuilt(loc: Location, why: str | None) -> None:
    if why is not None:
        render.note(f"The index {loc.index_file} could not be read ({why}): made again.")


def _ask_early(
    loc: Location, pending: Pending, work: Work[T]
) -> tuple[Location, Vocabulary, T] | None:
    from kb.index.schema import connect, vocabulary
    from kb.index.sync import outdated, settled, state, tidy

    if not os.path.exists(loc.index_file):
        return None
    try:
        conn = connect(loc.index_file)
        conn.execute("BEGIN")  # the state and the answer from one view of the index
        try:
            was = state(conn)
            if outdated(loc, was):  # kb.yml edited, or another kb: no use asking it
                return None
            vocab = vocabulary(conn)
            answer = work(loc, conn, vocab)
        finally:
            conn.execute("COMMIT")
    except (KbError, sqlite3.DatabaseError):
        return None  # asked again after the sync, which says what is wrong if it still is
    report = settled(loc, was, pending.result())
    if report is None:
        return None  # the sync tidies
    tidy(loc.index_file)
    render.warnings(report.problems)
    return loc, vocab, answer


def _filters(vocab: Vocabulary, **options: Any) -> Any:
    from kb.search.filters import make_filters

    return make_filters(vocab, **options)


def index(*, rebuild: bool = False, kb_dir: PathArg = None, db: PathArg = None) -> int:
    from kb.config import locate
    from kb.index.sync import sync

    loc = locate(kb_dir, db)
    _placed(loc)
    with render.progress("Indexing") as progress:
        report = sync(loc, rebuild=rebuild, progress=progress)
    _rebuilt(loc, report.rebuilt)
    render.sync_summary(report)
    return 1 if report.invalid else 0


def search(
    words: list[str],
    *,
    basin: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
    year: int | None = None,
    limit: int = DEFAULT_LIMIT,
    raw: bool = False,
    json: bool = False,
    kb_dir: PathArg = None,
    db: PathArg = None,
) -> int:
    from kb.search.ranking import Outcome
    from kb.search.ranking import search as french_search
    from kb.search.raw import search as raw_search

    query = " ".join(words)

    def work(loc: Location, conn: sqlite3.Connection, vocab: Vocabulary) -> Outcome:
        filters = _filters(vocab, basin=basin, action=action, since=since, until=until, year=year)
        if raw:
            return Outcome(raw_search(conn, query, filters=filters, limit=limit))
        return french_search(conn, query, vocab=vocab, filters=filters, limit=limit)

    loc, vocab, outcome = _answer(kb_dir, db, work)
    hits = outcome.hits
    for hit in hits:
        hit.path = loc.shown(hit.path)
    render.search_notes(outcome.notes, to_stderr=json)
    if json:
        render.search_json(hits)
    else:
        render.search_results(hits, vocab, query, limit=limit)
    return 0


def list_(
    *,
    basin: str | None = None,
    action: str | None = None,
    year: int | None = None,
    since: str | None = None,
    until: str | None = None,
    json: bool = False,
    kb_dir: PathArg = None,
    db: PathArg = None,
) -> int:
    from kb.search.lookup import list_recaps

    def work(loc: Location, conn: sqlite3.Connection, vocab: Vocabulary) -> list[dict[str, Any]]:
        filters = _filters(vocab, basin=basin, action=action, since=since, until=until, year=year)
        return list_recaps(conn, filters=filters)

    loc, vocab, rows = _answer(kb_dir, db, work)
    for row in rows:
        row["path"] = loc.shown(row["path"])
    if json:
        render.as_json(rows)
    else:
        render.recap_table(rows, vocab)
    return 0


def show(ref: str, *, raw: bool = False, kb_dir: PathArg = None, db: PathArg = None) -> int:
    from kb.search.lookup import get_recap

    def work(
        loc: Location, conn: sqlite3.Connection, vocab: Vocabulary
    ) -> tuple[dict[str, Any], str]:
        meta = get_recap(conn, loc, ref)
        return meta, _read(os.path.join(loc.folder, meta["path"]))

    loc, vocab, (meta, text) = _answer(kb_dir, db, work)
    meta["path"] = loc.shown(meta["path"])
    if raw:
        render.raw(text)
        return 0
    from kb.recaps.recap import body_of

    render.recap(meta, body_of(text.removeprefix("\ufeff").replace("\r\n", "\n")), vocab)
    return 0


def _read(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", errors="replace")
    except OSError as exc:
        raise KbError(f"{path}: cannot be read ({exc.strerror})") from None


def timeline(
    *,
    basin: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
    year: int | None = None,
    json: bool = False,
    kb_dir: PathArg = None,
    db: PathArg = None,
) -> int:
    from kb.config import today
    from kb.timeline.entries import Entry
    from kb.timeline.entries import timeline as build_timeline

    day = today()

    def work(loc: Location, conn: sqlite3.Connection, vocab: Vocabulary) -> list[Entry]:
        filters = _filters(vocab, basin=basin, action=action, since=since, until=until, year=year)
        return build_timeline(conn, vocab, filters=filters, today=day)

    _, vocab, entries = _answer(kb_dir, db, work)
    if json:
        render.as_json([entry.to_dict() for entry in entries])
    else:
        render.timeline(entries, vocab)
    return 0


def basins(*, json: bool = False, kb_dir: PathArg = None, db: PathArg = None) -> int:
    from kb.config import today
    from kb.timeline.summaries import basins_summary

    day = today()
    _, vocab, rows = _answer(
        kb_dir, db, lambda _, conn, vocab: basins_summary(conn, vocab, today=day)
    )
    if json:
        render.as_json(rows)
    else:
        render.basins(rows, vocab)
    return 0


def actions(
    *, basin: str | None = None, json: bool = False, kb_dir: PathArg = None, db: PathArg = None
) -> int:
    from kb.timeline.summaries import actions_summary

    def work(loc: Location, conn: sqlite3.Connection, vocab: Vocabulary) -> list[dict[str, Any]]:
        return actions_summary(conn, vocab, basin=vocab.resolve_basin(basin) if basin else None)

    _, vocab, rows = _answer(kb_dir, db, work)
    if json:
        render.as_json(rows)
    else:
        render.actions(rows, vocab)
    return 0


def glossary(*, json: bool = False, kb_dir: PathArg = None, db: PathArg = None) -> int:
    _, vocab, _ = _answer(kb_dir, db, lambda *_: None)
    render.glossary(vocab.glossary, json_output=json)
    return 0
