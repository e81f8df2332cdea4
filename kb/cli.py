"""The command line: parse options, call one core function, hand the result to render."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from kb import __version__, render
from kb.errors import KbError
from kb.vocab import Vocabulary


class _Group(TyperGroup):
    """Turns every KbError into one ``Error: …`` line on stderr and a non-zero exit."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KbError as exc:
            render.error(str(exc))
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    cls=_Group,
    help="Search and browse the recaps of the Ateliers du Changement.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

KbDir = Annotated[
    Optional[Path],
    typer.Option(
        "--kb-dir",
        metavar="DIR",
        help="Knowledge-base folder [default: $KB_DIR, else ./recaps].",
        show_default=False,
    ),
]
Db = Annotated[
    Optional[Path],
    typer.Option(
        "--db",
        metavar="FILE",
        help="Index file [default: $KB_DB, else <kb-dir>/.kb/index.sqlite].",
        show_default=False,
    ),
]
Basin = Annotated[
    Optional[str], typer.Option("--basin", "-b", metavar="BASIN", help="Basin slug or name.")
]
Action = Annotated[
    Optional[str],
    typer.Option("--action", "-a", metavar="ACTION", help="Action slug, name or alias."),
]
Since = Annotated[
    Optional[str],
    typer.Option(metavar="DATE", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
]
Until = Annotated[Optional[str], typer.Option(metavar="DATE", help="Up to this date, inclusive.")]
Year = Annotated[Optional[int], typer.Option(metavar="YEAR", help="Only this year.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kb {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Search and browse the recaps of the Ateliers du Changement."""


def _open(kb_dir: Path | None, db: Path | None) -> tuple[Any, sqlite3.Connection, Vocabulary]:
    """Locate the knowledge base, sync its index, report invalid files: every reading command."""
    from kb.config import locate
    from kb.index import connect, sync, vocabulary

    loc = locate(kb_dir, db)
    with render.progress("Indexing") as progress:
        report = sync(loc, progress=progress)
    render.warnings(report.problems)
    conn = connect(loc.db)
    return loc, conn, vocabulary(conn)


@app.command(epilog="Example: kb index --rebuild")
def index(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start from an empty index.")] = False,
    kb_dir: KbDir = None,
    db: Db = None,
) -> None:
    """Bring the index in line with the recaps folder. Exit status 1 if a file is invalid."""
    from kb.config import locate
    from kb.index import sync

    loc = locate(kb_dir, db)
    with render.progress("Indexing") as progress:
        report = sync(loc, rebuild=rebuild, progress=progress)
    render.sync_summary(report)
    if report.invalid:
        raise typer.Exit(1)


@app.command(
    epilog='Examples: kb search helpdesk --basin sud;  kb search "portes ouvertes" --year 2025;'
    '  kb search "basin:sud santé mentale -handicap"',
)
def search(
    query: Annotated[
        str,
        typer.Argument(
            metavar="QUERY",
            help='Words (all must match), "a phrase" (exact), pref*, -word, basin:sud...',
        ),
    ],
    basin: Basin = None,
    action: Action = None,
    since: Since = None,
    until: Until = None,
    year: Year = None,
    limit: Annotated[int, typer.Option(min=1, metavar="N", help="At most this many recaps.")] = 10,
    raw: Annotated[bool, typer.Option("--raw", help="Pass QUERY to SQLite FTS5 as is.")] = False,
    json: Json = False,
    kb_dir: KbDir = None,
    db: Db = None,
) -> None:
    """Full-text search of the recaps, best matches first, grouped by recap.

    French-aware: plurals and other forms of a word (stems), inclusive writing, l'/d'/qu',
    the glossary's acronyms. Inline filters work as the options: basin:sud, action:helpdesk,
    year:2024, since:2024-06, until:2025; -word leaves out recaps with the word.
    """
    from kb.french_search import Outcome
    from kb.french_search import search as french_search
    from kb.search import make_filters
    from kb.search import search as run_search

    loc, conn, vocab = _open(kb_dir, db)
    filters = make_filters(vocab, basin=basin, action=action, since=since, until=until, year=year)
    if raw:
        outcome = Outcome(run_search(conn, query, filters=filters, limit=limit, raw=True))
    else:
        outcome = french_search(conn, query, vocab=vocab, filters=filters, limit=limit)
    hits = outcome.hits
    for hit in hits:
        hit.path = loc.shown(hit.path)
    render.search_notes(outcome.notes, to_stderr=json)
    if json:
        render.search_json(hits)
    else:
        render.search_results(hits, vocab, query, limit=limit)


@app.command("list", epilog='Example: kb list --basin "Centre-Ouest" --year 2025')
def list_(
    basin: Basin = None,
    action: Action = None,
    year: Year = None,
    since: Since = None,
    until: Until = None,
    json: Json = False,
    kb_dir: KbDir = None,
    db: Db = None,
) -> None:
    """List the recaps by date, oldest first."""
    from kb.search import list_recaps, make_filters

    loc, conn, vocab = _open(kb_dir, db)
    filters = make_filters(vocab, basin=basin, action=action, since=since, until=until, year=year)
    rows = list_recaps(conn, filters=filters)
    for row in rows:
        row["path"] = loc.shown(row["path"])
    if json:
        render.as_json(rows)
    else:
        render.recap_table(rows, vocab)


@app.command(epilog="Examples: kb show 2025-02-20-centre-ouest;  kb show 2025-02 (a unique prefix)")
def show(
    ref: Annotated[str, typer.Argument(metavar="ID", help="Recap id, id prefix, or file path.")],
    raw: Annotated[bool, typer.Option("--raw", help="Print the file as it is.")] = False,
    kb_dir: KbDir = None,
    db: Db = None,
) -> None:
    """Show one recap: its metadata, then its text."""
    from kb.search import get_recap

    loc, conn, vocab = _open(kb_dir, db)
    meta = get_recap(conn, loc, ref)
    text = _read(loc.kb_dir / meta["path"])
    meta["path"] = loc.shown(meta["path"])
    if raw:
        render.raw(text)
        return
    from kb.recaps import body_of

    render.recap(meta, body_of(text.removeprefix("\ufeff").replace("\r\n", "\n")), vocab)


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        raise KbError(f"{path}: cannot be read ({exc.strerror})") from None


@app.command(
    epilog="Examples: kb timeline --basin centre-ouest;  kb timeline --action portes-ouvertes"
)
def timeline(
    basin: Basin = None,
    action: Action = None,
    since: Since = None,
    until: Until = None,
    year: Year = None,
    json: Json = False,
    kb_dir: KbDir = None,
    db: Db = None,
) -> None:
    """The recaps oldest first, with announced meetings and editions that have no recap.

    With --action, each recap shows what it says about that action. Today is the clock's
    date, or $KB_TODAY (YYYY-MM-DD).
    """
    from kb.config import today
    from kb.search import make_filters
    from kb.timeline import timeline as build_timeline

    day = today()
    _, conn, vocab = _open(kb_dir, db)
    filters = make_filters(vocab, basin=basin, action=action, since=since, until=until, year=year)
    entries = build_timeline(conn, vocab, filters=filters, today=day)
    if json:
        render.as_json([entry.to_dict() for entry in entries])
    else:
        render.timeline(entries, vocab)


@app.command(epilog="Example: kb basins --json")
def basins(json: Json = False, kb_dir: KbDir = None, db: Db = None) -> None:
    """Per basin: recaps, first and last date, participants, latest team, next meeting."""
    from kb.config import today
    from kb.timeline import basins_summary

    day = today()
    _, conn, vocab = _open(kb_dir, db)
    rows = basins_summary(conn, vocab, today=day)
    if json:
        render.as_json(rows)
    else:
        render.basins(rows, vocab)


@app.command(epilog="Examples: kb actions;  kb actions --basin sud-est --json")
def actions(basin: Basin = None, json: Json = False, kb_dir: KbDir = None, db: Db = None) -> None:
    """Every action of kb.yml: how many recaps mention it, in which basins, first and last date."""
    from kb.timeline import actions_summary

    _, conn, vocab = _open(kb_dir, db)
    rows = actions_summary(conn, vocab, basin=vocab.resolve_basin(basin) if basin else None)
    if json:
        render.as_json(rows)
    else:
        render.actions(rows, vocab)


@app.command(
    epilog="Examples: kb add draft.md;  kb add --from-text recap.txt --dry-run;  "
    "kb add (opens $VISUAL or $EDITOR on a template)"
)
def add(
    file: Annotated[
        Optional[str],
        typer.Argument(
            metavar="[FILE.md]",
            help="A recap in Markdown with its frontmatter (- for standard input).",
            show_default=False,
        ),
    ] = None,
    from_text: Annotated[
        Optional[str],
        typer.Option(
            "--from-text",
            metavar="FILE",
            help="Import the text as published (- for standard input).",
        ),
    ] = None,
    date: Annotated[
        Optional[str],
        typer.Option(metavar="DATE", help="The workshop's date (2025-02-20 or 20/02/2025)."),
    ] = None,
    basin: Basin = None,
    edition: Annotated[
        Optional[int], typer.Option(min=1, metavar="N", help="The workshop's number.")
    ] = None,
    participants: Annotated[
        Optional[int], typer.Option(min=0, metavar="N", help="How many took part.")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the Markdown; write nothing.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace the recap with the same id (kept as <file>.bak beside it)."
        ),
    ] = False,
    kb_dir: KbDir = None,
    db: Db = None,
) -> None:
    """Add a recap: a Markdown file, the text as published, or a template in an editor.

    The recap is checked, written as <date>-<basin>.md in the knowledge base and indexed.
    With a published text, the options --date, --basin, --edition and --participants
    override what is read from it.
    """
    from kb.config import locate
    from kb.interactive import Options
    from kb.interactive import add as run_add

    options = Options(date, basin, edition, participants, yes, dry_run, force)
    run_add(locate(kb_dir, db), file, from_text, options)


@app.command(epilog="Examples: kb glossary;  kb glossary --json")
def glossary(json: Json = False, kb_dir: KbDir = None, db: Db = None) -> None:
    """List the glossary: acronyms and what they stand for (kb.yml). Search finds both."""
    _, _, vocab = _open(kb_dir, db)
    render.glossary(vocab.glossary, json_output=json)
