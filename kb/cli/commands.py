"""What each reading command does, with plain arguments: locate, sync, query, render.

The typer app (kb/cli/app.py) calls these with the options it read. Each returns the exit
status; a KbError goes up to the caller, which reports it with :func:`fail`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from kb.cli import render
from kb.errors import ConfigError, KbError, UsageError
from kb.i18n import _, ngettext, number

if TYPE_CHECKING:
    from kb.config import Location
    from kb.recaps.vocab import Vocabulary
    from kb.timeline.agenda import Meeting

PathArg = str | os.PathLike[str] | None
DEFAULT_LIMIT = 10
STDOUT = "-"  # an --output or --ics of "-": standard output


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
                _(
                    "the index cannot be used ({reason}); run kb index --rebuild, or delete "
                    "it: it is rebuilt from the recaps"
                ).format(reason=exc)
            )
        )
    except KeyboardInterrupt:
        render.error(_("interrupted"))
        return 130
    except UnicodeEncodeError as exc:  # an output that cannot show French text
        return fail(
            KbError(
                _(
                    "the output's encoding ({encoding}) cannot show the recaps' text; "
                    "use UTF-8 (PYTHONIOENCODING=utf-8)"
                ).format(encoding=exc.encoding)
            )
        )


T = TypeVar("T")
# What a reading command asks the index: (knowledge base, connection, vocabulary) -> answer
Work = Callable[["Location", sqlite3.Connection, "Vocabulary"], T]


def _answer(kb_dir: PathArg, db: PathArg, work: Work[T]) -> tuple[Location, Vocabulary, T]:
    """Locate the knowledge base, make sure its index is up to date with the folder
    (kb.index.fresh), report invalid files, and answer: every reading command."""
    from kb.config import locate
    from kb.index.fresh import answer

    loc = locate(kb_dir, db)
    done = answer(
        loc,
        lambda conn, vocab: work(loc, conn, vocab),
        progress=lambda: render.progress(_("Indexing")),
    )
    for line in done.notes:
        render.note(line)
    render.warnings(done.problems)
    return loc, done.vocab, done.value


def _filters(vocab: Vocabulary, **options: Any) -> Any:
    from kb.search.filters import make_filters

    return make_filters(vocab, **options)


def index(*, rebuild: bool = False, kb_dir: PathArg = None, db: PathArg = None) -> int:
    from kb.config import locate
    from kb.index.fresh import placed, rebuilt
    from kb.index.sync import sync

    loc = locate(kb_dir, db)
    for line in placed(loc):
        render.note(line)
    with render.progress(_("Indexing")) as progress:
        report = sync(loc, rebuild=rebuild, progress=progress)
    for line in rebuilt(loc, report.rebuilt):
        render.note(line)
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
    kind: str | None = None,
    limit: int = DEFAULT_LIMIT,
    raw: bool = False,
    words_only: bool = False,
    json: bool = False,
    no_pager: bool = False,
    kb_dir: PathArg = None,
    db: PathArg = None,
) -> int:
    from kb.search.ranking import Outcome
    from kb.search.ranking import search as french_search
    from kb.search.raw import search as raw_search

    query = " ".join(words)

    def work(loc: Location, conn: sqlite3.Connection, vocab: Vocabulary) -> Outcome:
        filters = _filters(
            vocab, basin=basin, action=action, since=since, until=until, year=year, kind=kind
        )
        if raw:
            return Outcome(raw_search(conn, query, filters=filters, limit=limit))
        return french_search(
            conn,
            query,
            vocab=vocab,
            filters=filters,
            limit=limit,
            meaning=not words_only,
            scores=json,
        )

    loc, vocab, outcome = _answer(kb_dir, db, work)
    hits = outcome.hits
    for hit in hits:
        hit.path = loc.shown(hit.path)
    if json:
        render.search_notes(outcome.notes, to_stderr=True)
        render.search_json(hits)
        return 0
    numbered = render.on_terminal()  # kb show N takes the Nth recap the reader saw
    if numbered:
        from kb.search.last import save

        save(loc.index_file, query, [hit.id for hit in hits])
    with render.paged(not no_pager):
        render.search_notes(outcome.notes, to_stderr=False)
        render.search_results(hits, vocab, query, limit=limit, numbered=numbered)
    return 0


def list_(
    *,
    basin: str | None = None,
    action: str | None = None,
    year: int | None = None,
    since: str | None = None,
    until: str | None = None,
    kind: str | None = None,
    json: bool = False,
    no_pager: bool = False,
    kb_dir: PathArg = None,
    db: PathArg = None,
) -> int:
    from kb.search.lookup import list_recaps

    def work(loc: Location, conn: sqlite3.Connection, vocab: Vocabulary) -> list[dict[str, Any]]:
        filters = _filters(
            vocab, basin=basin, action=action, since=since, until=until, year=year, kind=kind
        )
        return list_recaps(conn, filters=filters)

    loc, vocab, rows = _answer(kb_dir, db, work)
    for row in rows:
        row["path"] = loc.shown(row["path"])
    if json:
        render.as_json(rows)
        return 0
    with render.paged(not no_pager):
        render.recap_table(rows, vocab)
    return 0


def show(
    ref: str,
    *,
    raw: bool = False,
    no_pager: bool = False,
    kb_dir: PathArg = None,
    db: PathArg = None,
) -> int:
    from kb.search.lookup import find_recap

    def work(
        loc: Location, conn: sqlite3.Connection, vocab: Vocabulary
    ) -> tuple[dict[str, Any], str, list[Any]]:
        meta = find_recap(conn, loc, ref)
        text = _read(os.path.join(loc.folder, meta["path"]))
        return meta, text, [] if raw else _related(conn, meta["id"], SEE_ALSO)

    loc, vocab, (meta, text, related) = _answer(kb_dir, db, work)
    meta["path"] = loc.shown(meta["path"])
    with render.paged(not no_pager):
        if raw:
            render.raw(text)
            return 0
        from kb.recaps.recap import body_of

        render.recap(meta, body_of(text.removeprefix("\ufeff").replace("\r\n", "\n")), vocab)
        render.see_also(related, vocab)
    return 0


SEE_ALSO = 3  # related sections under a recap shown (kb similar shows more)


def _related(conn: sqlite3.Connection, recap_id: str, limit: int) -> list[Any]:
    from kb.search.meaning import related

    return related(conn, recap_id, limit)


def similar(
    ref: str,
    *,
    limit: int = 5,
    json: bool = False,
    kb_dir: PathArg = None,
    db: PathArg = None,
) -> int:
    """The sections of other recaps that speak of what this one's do."""
    from kb.search.lookup import find_recap

    def work(loc: Location, conn: sqlite3.Connection, vocab: Vocabulary) -> list[Any]:
        meta = find_recap(conn, loc, ref)
        return _related(conn, meta["id"], limit)

    loc, vocab, found = _answer(kb_dir, db, work)
    found = [r._replace(path=loc.shown(r.path)) for r in found]
    if json:
        render.as_json([r._asdict() for r in found])
        return 0
    render.see_also(found, vocab, heading=False)
    return 0


def open_(ref: str, *, kb_dir: PathArg = None, db: PathArg = None) -> int:
    """Run $VISUAL or $EDITOR on a recap's file."""
    from kb.cli.editor import run_editor
    from kb.search.lookup import find_recap

    loc, _vocab, meta = _answer(kb_dir, db, lambda loc, conn, _vocab: find_recap(conn, loc, ref))
    status = run_editor(os.path.join(loc.folder, meta["path"]))
    if status:
        raise KbError(_("the editor exited with status {status}").format(status=status))
    return 0


def _read(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", errors="replace")
    except OSError as exc:
        raise KbError(
            _("{path}: cannot be read ({reason})").format(path=path, reason=exc.strerror)
        ) from None


def timeline(
    *,
    basin: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    json: bool = False,
    no_pager: bool = False,
    kb_dir: PathArg = None,
    db: PathArg = None,
) -> int:
    from kb.config import today
    from kb.timeline.entries import Entry
    from kb.timeline.entries import timeline as build_timeline

    day = today()

    def work(loc: Location, conn: sqlite3.Connection, vocab: Vocabulary) -> list[Entry]:
        filters = _filters(
            vocab, basin=basin, action=action, since=since, until=until, year=year, kind=kind
        )
        return build_timeline(conn, vocab, filters=filters, today=day)

    _loc, vocab, entries = _answer(kb_dir, db, work)
    if json:
        render.as_json([entry.to_dict() for entry in entries])
        return 0
    with render.paged(not no_pager):
        render.timeline(entries, vocab)
    return 0


def basins(*, json: bool = False, kb_dir: PathArg = None, db: PathArg = None) -> int:
    from kb.config import today
    from kb.timeline.summaries import basins_summary

    day = today()
    _loc, vocab, rows = _answer(
        kb_dir, db, lambda _loc, conn, vocab: basins_summary(conn, vocab, today=day)
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

    _loc, vocab, rows = _answer(kb_dir, db, work)
    if json:
        render.as_json(rows)
    else:
        render.actions(rows, vocab)
    return 0


def glossary(*, json: bool = False, kb_dir: PathArg = None, db: PathArg = None) -> int:
    _loc, vocab, _none = _answer(kb_dir, db, lambda *_args: None)
    render.glossary(vocab.glossary, json_output=json)
    return 0


def agenda(
    *,
    basin: str | None = None,
    since: str | None = None,
    until: str | None = None,
    year: int | None = None,
    past: bool = False,
    ics: str | None = None,
    json: bool = False,
    force: bool = False,
    kb_dir: PathArg = None,
    db: PathArg = None,
) -> int:
    from kb.config import today
    from kb.timeline.agenda import agenda as meetings_of

    if ics is not None and json:
        raise UsageError(_("--ics and --json: give one (the calendar file, or JSON on stdout)"))
    day = today()

    def work(loc: Location, conn: sqlite3.Connection, vocab: Vocabulary) -> list[Meeting]:
        filters = _filters(vocab, basin=basin, since=since, until=until, year=year)
        return meetings_of(conn, filters=filters, today=day, past=past)

    loc, vocab, meetings = _answer(kb_dir, db, work)
    if ics is not None:
        return _calendar(loc, vocab, meetings, ics, past=past or since is not None, force=force)
    if json:
        render.as_json([meeting.to_dict() for meeting in meetings])
    else:
        render.agenda(meetings, vocab, today=day, past=past or since is not None)
    return 0


def _calendar(
    loc: Location,
    vocab: Vocabulary,
    meetings: list[Meeting],
    target: str,
    *,
    past: bool,
    force: bool = False,
) -> int:
    import datetime as dt

    from kb.share.files import check_target
    from kb.share.ics import calendar

    if target != STDOUT:
        check_target(target, loc, option="--ics", force=force)
    if not meetings:
        if past:
            none = _("--ics {file}: no meeting to put in the calendar; nothing written")
        else:
            none = _(
                "--ics {file}: no meeting to put in the calendar; --all adds the past ones; "
                "nothing written"
            )
        raise KbError(none.format(file=target))
    data = calendar(meetings, vocab, stamp=dt.datetime.now(dt.timezone.utc))
    _write(target, data, loc, option="--ics", force=force)
    if target != STDOUT:
        written = ngettext(
            "{n} meeting written to {file}", "{n} meetings written to {file}", len(meetings)
        )
        render.note(written.format(n=number(len(meetings)), file=target))
    return 0


def _write(
    target: str | None, data: bytes, loc: Location, *, option: str, force: bool = False
) -> None:
    """An export to its file (atomically), or to stdout as bytes, whole."""
    if target is None or target == STDOUT:
        import sys

        if render.on_terminal():  # bytes as they are go to a file or a pipe only
            from kb.text.shown import escaped

            data = escaped(data.decode("utf-8", errors="replace")).encode("utf-8")
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from kb.share.files import write_output

    kept = write_output(target, data, loc, option=option, force=force)
    if kept is not None:
        render.note(
            _("{file}: the former file is kept as {backup}").format(file=target, backup=kept)
        )


def export(
    *,
    fmt: str | None = None,
    output: str | None = None,
    basin: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
    year: int | None = None,
    force: bool = False,
    kb_dir: PathArg = None,
    db: PathArg = None,
) -> int:
    from kb.config import today
    from kb.share.export import export as make_export
    from kb.share.export import export_format

    chosen = export_format(fmt, output)
    day = today()

    def work(loc: Location, conn: sqlite3.Connection, vocab: Vocabulary) -> tuple[bytes, int]:
        if output not in (None, STDOUT):
            from kb.share.files import check_target

            check_target(str(output), loc, option="--output", force=force)  # before any work
        filters = _filters(vocab, basin=basin, action=action, since=since, until=until, year=year)
        return make_export(conn, loc, vocab, fmt=chosen, filters=filters, today=day)

    loc, _vocab, (data, count) = _answer(kb_dir, db, work)
    _write(output, data, loc, option="--output", force=force)
    if output not in (None, STDOUT):
        written = ngettext("{n} recap written to {file}", "{n} recaps written to {file}", count)
        render.note(written.format(n=number(count), file=output))
    return 0


def serve(
    *, host: str = "127.0.0.1", port: int = 8001, kb_dir: PathArg = None, db: PathArg = None
) -> int:
    from kb.web.app import create_app
    from kb.web.server import LOOPBACK, address, listen, server

    # Synced once first: a knowledge base that cannot be used is said here, in one line,
    # rather than on the first page; invalid files are listed; the first page is quick.
    loc, _vocab, _none = _answer(kb_dir, db, lambda *_args: None)
    app = create_app(loc)
    sock = listen(host, port)
    render.note(
        _("Serving the recaps of {folder} at {address} (Ctrl+C stops)").format(
            folder=loc.folder, address=address(sock)
        )
    )
    if host not in LOOPBACK:
        render.note(
            _("warning: --host {host}: whoever can reach this machine can read the recaps").format(
                host=host
            )
        )
    try:
        server(app).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn stopped on Ctrl+C, then raises it again: done
        pass
    finally:
        sock.close()
    render.note(_("Stopped."))
    return 0
