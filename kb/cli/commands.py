"""What each reading command does, with plain arguments: ask the knowledge base, render.

The typer app (kb/cli/app.py) calls these with the options it read. Each opens the
knowledge base (kb.base's KnowledgeBase), asks it one question and hands the answer to
render; each returns the exit status; a KbError goes up to the caller, which reports it
with :func:`fail`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from kb.cli import render
from kb.errors import ConfigError, KbError, UsageError
from kb.i18n import _, ngettext, number

if TYPE_CHECKING:
    from kb.base import KnowledgeBase
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


def knowledge_base(kb_dir: PathArg, db: PathArg) -> KnowledgeBase:
    """The knowledge base the options name, which says on stderr what each sync has to
    say (notes on the index, invalid files skipped) and shows a progress bar while a long
    sync runs: every command."""
    from kb.base import KnowledgeBase

    def told(notes: list[str], problems: list[str]) -> None:
        for line in notes:
            render.note(line)
        render.warnings(problems)

    return KnowledgeBase.open(
        kb_dir, db, told=told, progress=lambda: render.progress(_("Indexing"))
    )


def index(*, rebuild: bool = False, kb_dir: PathArg = None, db: PathArg = None) -> int:
    report = knowledge_base(kb_dir, db).index(rebuild=rebuild)
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
    query = " ".join(words)
    kb = knowledge_base(kb_dir, db)
    outcome = kb.search(
        query,
        basin=basin,
        action=action,
        since=since,
        until=until,
        year=year,
        kind=kind,
        limit=limit,
        raw=raw,
        meaning=not words_only,
        scores=json,
    )
    hits = outcome.hits
    for hit in hits:
        hit.path = kb.loc.shown(hit.path)
    if json:
        render.search_notes(outcome.notes, to_stderr=True)
        render.search_json(hits)
        return 0
    numbered = render.on_terminal()  # kb show N takes the Nth recap the reader saw
    if numbered:
        kb.remember(query, [hit.id for hit in hits])
    with render.paged(not no_pager):
        render.search_notes(outcome.notes, to_stderr=False)
        render.search_results(hits, kb.vocab, query, limit=limit, numbered=numbered)
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
    kb = knowledge_base(kb_dir, db)
    rows = kb.recaps(basin=basin, action=action, year=year, since=since, until=until, kind=kind)
    for row in rows:
        row["path"] = kb.loc.shown(row["path"])
    if json:
        render.as_json(rows)
        return 0
    with render.paged(not no_pager):
        render.recap_table(rows, kb.vocab)
    return 0


def show(
    ref: str,
    *,
    raw: bool = False,
    no_pager: bool = False,
    kb_dir: PathArg = None,
    db: PathArg = None,
) -> int:
    kb = knowledge_base(kb_dir, db)
    meta, text, related = kb.recap(ref, text=True, related=0 if raw else SEE_ALSO)
    assert text is not None
    meta["path"] = kb.loc.shown(meta["path"])
    with render.paged(not no_pager):
        if raw:
            render.raw(text)
            return 0
        from kb.recaps.recap import body_of

        render.recap(meta, body_of(text.removeprefix("\ufeff").replace("\r\n", "\n")), kb.vocab)
        render.see_also(related, kb.vocab)
    return 0


SEE_ALSO = 3  # related sections under a recap shown (kb similar shows more)


def similar(
    ref: str,
    *,
    limit: int = 5,
    json: bool = False,
    kb_dir: PathArg = None,
    db: PathArg = None,
) -> int:
    """The sections of other recaps that speak of what this one's do."""
    kb = knowledge_base(kb_dir, db)
    found = [r._replace(path=kb.loc.shown(r.path)) for r in kb.similar(ref, limit=limit)]
    if json:
        render.as_json([r._asdict() for r in found])
        return 0
    render.see_also(found, kb.vocab, heading=False)
    return 0


def open_(ref: str, *, kb_dir: PathArg = None, db: PathArg = None) -> int:
    """Run $VISUAL or $EDITOR on a recap's file."""
    from kb.cli.editor import run_editor

    status = run_editor(knowledge_base(kb_dir, db).path(ref))
    if status:
        raise KbError(_("the editor exited with status {status}").format(status=status))
    return 0


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
    kb = knowledge_base(kb_dir, db)
    _filters, entries = kb.timeline(
        basin=basin, action=action, since=since, until=until, year=year, kind=kind
    )
    if json:
        render.as_json([entry.to_dict() for entry in entries])
        return 0
    with render.paged(not no_pager):
        render.timeline(entries, kb.vocab)
    return 0


def basins(*, json: bool = False, kb_dir: PathArg = None, db: PathArg = None) -> int:
    kb = knowledge_base(kb_dir, db)
    rows = kb.basins()
    if json:
        render.as_json(rows)
    else:
        render.basins(rows, kb.vocab)
    return 0


def actions(
    *, basin: str | None = None, json: bool = False, kb_dir: PathArg = None, db: PathArg = None
) -> int:
    kb = knowledge_base(kb_dir, db)
    rows = kb.actions(basin=basin)
    if json:
        render.as_json(rows)
    else:
        render.actions(rows, kb.vocab)
    return 0


def glossary(*, json: bool = False, kb_dir: PathArg = None, db: PathArg = None) -> int:
    render.glossary(knowledge_base(kb_dir, db).glossary(), json_output=json)
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
    if ics is not None and json:
        raise UsageError(_("--ics and --json: give one (the calendar file, or JSON on stdout)"))
    kb = knowledge_base(kb_dir, db)
    day = kb.today()
    _filters, meetings = kb.agenda(
        basin=basin, since=since, until=until, year=year, past=past, today=day
    )
    if ics is not None:
        return _calendar(kb, meetings, ics, past=past or since is not None, force=force)
    if json:
        render.as_json([meeting.to_dict() for meeting in meetings])
    else:
        render.agenda(meetings, kb.vocab, today=day, past=past or since is not None)
    return 0


def _calendar(
    kb: KnowledgeBase,
    meetings: list[Meeting],
    target: str,
    *,
    past: bool,
    force: bool = False,
) -> int:
    kb.check_target(target, option="--ics", force=force)
    if not meetings:
        if past:
            none = _("--ics {file}: no meeting to put in the calendar; nothing written")
        else:
            none = _(
                "--ics {file}: no meeting to put in the calendar; --all adds the past ones; "
                "nothing written"
            )
        raise KbError(none.format(file=target))
    _write(kb, target, kb.calendar(meetings), option="--ics", force=force)
    if target != STDOUT:
        written = ngettext(
            "{n} meeting written to {file}", "{n} meetings written to {file}", len(meetings)
        )
        render.note(written.format(n=number(len(meetings)), file=target))
    return 0


def _write(
    kb: KnowledgeBase, target: str | None, data: bytes, *, option: str, force: bool = False
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
    kept = kb.write(target, data, option=option, force=force)
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
    kb = knowledge_base(kb_dir, db)
    data, count = kb.export(
        fmt,
        output=output,
        force=force,
        basin=basin,
        action=action,
        since=since,
        until=until,
        year=year,
    )
    _write(kb, output, data, option="--output", force=force)
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
    kb = knowledge_base(kb_dir, db)
    kb.vocabulary()
    loc = kb.loc
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
