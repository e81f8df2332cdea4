"""The command line: parse options, call one core function, hand the result to render."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from kb import __version__
from kb.cli import commands


class _Group(TyperGroup):
    """Turns every KbError into one ``Error: …`` line on stderr and a non-zero exit."""

    def invoke(self, ctx: Any) -> Any:
        result: list[Any] = []

        def call() -> int:
            result.append(super(_Group, self).invoke(ctx))
            return 0

        code = commands.guarded(call)
        if code:
            raise typer.Exit(code)
        return result[0] if result else None


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


def _exit(code: int) -> None:
    if code:
        raise typer.Exit(code)


@app.command(epilog="Example: kb index --rebuild")
def index(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start from an empty index.")] = False,
    kb_dir: KbDir = None,
    db: Db = None,
) -> None:
    """Bring the index in line with the recaps folder. Exit status 1 if a file is invalid."""
    _exit(commands.index(rebuild=rebuild, kb_dir=kb_dir, db=db))


@app.command(
    epilog='Examples: kb search helpdesk --basin sud;  kb search "portes ouvertes" --year 2025;'
    '  kb search "basin:sud santé mentale -handicap"',
)
def search(
    query: Annotated[
        list[str],
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
    limit: Annotated[
        int, typer.Option(min=1, max=10_000, metavar="N", help="At most this many recaps.")
    ] = commands.DEFAULT_LIMIT,
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
    _exit(
        commands.search(
            query,
            basin=basin,
            action=action,
            since=since,
            until=until,
            year=year,
            limit=limit,
            raw=raw,
            json=json,
            kb_dir=kb_dir,
            db=db,
        )
    )


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
    _exit(
        commands.list_(
            basin=basin,
            action=action,
            year=year,
            since=since,
            until=until,
            json=json,
            kb_dir=kb_dir,
            db=db,
        )
    )


@app.command(epilog="Examples: kb show 2025-02-20-centre-ouest;  kb show 2025-02 (a unique prefix)")
def show(
    ref: Annotated[str, typer.Argument(metavar="ID", help="Recap id, id prefix, or file path.")],
    raw: Annotated[bool, typer.Option("--raw", help="Print the file as it is.")] = False,
    kb_dir: KbDir = None,
    db: Db = None,
) -> None:
    """Show one recap: its metadata, then its text."""
    _exit(commands.show(ref, raw=raw, kb_dir=kb_dir, db=db))


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
    _exit(
        commands.timeline(
            basin=basin,
            action=action,
            since=since,
            until=until,
            year=year,
            json=json,
            kb_dir=kb_dir,
            db=db,
        )
    )


@app.command(epilog="Example: kb basins --json")
def basins(json: Json = False, kb_dir: KbDir = None, db: Db = None) -> None:
    """Per basin: recaps, first and last date, participants, latest team, next meeting."""
    _exit(commands.basins(json=json, kb_dir=kb_dir, db=db))


@app.command(epilog="Examples: kb actions;  kb actions --basin sud-est --json")
def actions(basin: Basin = None, json: Json = False, kb_dir: KbDir = None, db: Db = None) -> None:
    """Every action of kb.yml: how many recaps mention it, in which basins, first and last date."""
    _exit(commands.actions(basin=basin, json=json, kb_dir=kb_dir, db=db))


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
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            "-y",
            help="Do not ask for confirmation (a published text's date or basin that is "
            "only guessed stops kb: pass --date, --basin).",
        ),
    ] = False,
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
    from kb.cli.questions import Options
    from kb.cli.questions import add as run_add
    from kb.config import locate

    options = Options(date, basin, edition, participants, yes, dry_run, force)
    run_add(locate(kb_dir, db), file, from_text, options)


@app.command(epilog="Examples: kb glossary;  kb glossary --json")
def glossary(json: Json = False, kb_dir: KbDir = None, db: Db = None) -> None:
    """List the glossary: acronyms and what they stand for (kb.yml). Search finds both."""
    _exit(commands.glossary(json=json, kb_dir=kb_dir, db=db))
