"""The command line: parse options, call one core function, hand the result to render.

This typer app is the ``kb`` program (:func:`run`) and the only declaration of its
commands and options. A run imports typer (with click), rich and what its command uses:
kb's heavier modules are imported inside the commands (tests/cli/test_launch.py counts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from kb import __version__
from kb.cli import commands, complete, render
from kb.i18n import _, bind


class _Group(TyperGroup):
    """Speaks the reader's language, and turns every KbError into one ``Error: …`` line on
    stderr and a non-zero exit."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        bind()  # click's and typer's own words from kb's catalogue (kb/cli/usage.py)
        return super().main(*args, **kwargs)

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
    help=_("Search and browse the recaps of the Ateliers du Changement."),
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion (values: kb/cli/complete.py)
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    suggest_commands=False,  # click suggests them, in words gettext translates (typer's do not)
)

KbDir = Annotated[
    Optional[Path],
    typer.Option(
        "--kb-dir",
        metavar="DIR",
        help=_("Knowledge-base folder [default: $KB_DIR, else ./recaps]."),
        show_default=False,
    ),
]
Db = Annotated[
    Optional[Path],
    typer.Option(
        "--db",
        metavar="FILE",
        help=_("Index file [default: $KB_DB, else <kb-dir>/.kb/index.sqlite]."),
        show_default=False,
    ),
]
Basin = Annotated[
    Optional[str],
    typer.Option(
        "--basin",
        "-b",
        metavar="BASIN",
        help=_("Basin slug or name."),
        autocompletion=complete.basins,
    ),
]
Action = Annotated[
    Optional[str],
    typer.Option(
        "--action",
        "-a",
        metavar="ACTION",
        help=_("Action slug, name or alias."),
        autocompletion=complete.actions,
    ),
]
RecapRef = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help=_("Recap id, id prefix, file path, or N: the last search's Nth."),
        autocompletion=complete.recap_ids,
    ),
]
Since = Annotated[
    Optional[str],
    typer.Option(metavar="DATE", help=_("From this date (YYYY, YYYY-MM or YYYY-MM-DD).")),
]
Until = Annotated[
    Optional[str], typer.Option(metavar="DATE", help=_("Up to this date, inclusive."))
]
Year = Annotated[Optional[int], typer.Option(metavar="YEAR", help=_("Only this year."))]
KindOpt = Annotated[
    Optional[str],
    typer.Option(
        "--kind",
        metavar="KIND",
        help=_("Only this kind of text: workshop, concertation, report, news…"),
    ),
]
Json = Annotated[bool, typer.Option("--json", help=_("Print JSON instead of a table."))]
NoPager = Annotated[
    bool, typer.Option("--no-pager", help=_("Never page: print at once, however long."))
]
ForceOutput = Annotated[
    bool,
    typer.Option(
        "--force",
        help=_("Replace a file of the knowledge-base folder (kept as <file>.bak beside it)."),
    ),
]


def _color(value: bool) -> None:
    render.use_color(not value)  # called on every run, flag or not


# Acted on while the options are read (the callback), so command bodies never see it.
NoColor = Annotated[
    bool,
    typer.Option(
        "--no-color", help=_("No colours (as NO_COLOR=1)."), callback=_color, expose_value=False
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kb {__version__}")
        raise typer.Exit()


@app.callback(
    help=_("Search and browse the recaps of the Ateliers du Changement."),
)
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=_("Show the version.")),
    ] = False,
) -> None:
    # The app's help is given above (translated): a docstring here would not be.
    pass


def _exit(code: int) -> None:
    if code:
        raise typer.Exit(code)


@app.command(
    epilog=_("Example: {examples}").format(examples="kb index --rebuild"),
    help=_("Bring the index in line with the recaps folder. Exit status 1 if a file is invalid."),
)
def index(
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help=_("Start from an empty index."))
    ] = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    _exit(commands.index(rebuild=rebuild, kb_dir=kb_dir, db=db))


@app.command(
    epilog=_("Examples: {examples}").format(
        examples=(
            'kb search helpdesk --basin sud;  kb search "portes ouvertes" --year '
            '2025;  kb search "basin:sud santé mentale -handicap"'
        )
    ),
    help=_(
        "Full-text search of the recaps, best matches first, grouped by "
        "recap.\n\nFrench-aware: plurals and other forms of a word (stems), "
        "inclusive writing, l'/d'/qu', the glossary's acronyms. Inline filters "
        "work as the options: basin:sud, action:helpdesk, year:2024, "
        "since:2024-06, until:2025; -word leaves out recaps with the word; a OR "
        "b (or a | b) finds either, and parentheses group: (helpdesk | HD) "
        "palliatifs."
    ),
)
def search(
    query: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY",
            help=_(
                'Words (all must match), "a phrase" (exact), pref*, -word, a OR b, (a | b),'
                " basin:sud..."
            ),
        ),
    ],
    basin: Basin = None,
    action: Action = None,
    since: Since = None,
    until: Until = None,
    year: Year = None,
    kind: KindOpt = None,
    limit: Annotated[
        int, typer.Option(min=1, max=10_000, metavar="N", help=_("At most this many recaps."))
    ] = commands.DEFAULT_LIMIT,
    raw: Annotated[bool, typer.Option("--raw", help=_("Pass QUERY to SQLite FTS5 as is."))] = False,
    words_only: Annotated[
        bool,
        typer.Option(
            "--words-only",
            help=_("Find the query's words only, not recaps that say the same in other words."),
        ),
    ] = False,
    json: Json = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_pager: NoPager = False,
    no_color: NoColor = False,
) -> None:
    _exit(
        commands.search(
            query,
            basin=basin,
            action=action,
            since=since,
            until=until,
            year=year,
            kind=kind,
            limit=limit,
            raw=raw,
            words_only=words_only,
            json=json,
            no_pager=no_pager,
            kb_dir=kb_dir,
            db=db,
        )
    )


@app.command(
    "list",
    epilog=_("Example: {examples}").format(examples='kb list --basin "Centre-Ouest" --year 2025'),
    help=_("List the recaps by date, oldest first."),
)
def list_(
    basin: Basin = None,
    action: Action = None,
    year: Year = None,
    since: Since = None,
    until: Until = None,
    kind: KindOpt = None,
    json: Json = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_pager: NoPager = False,
    no_color: NoColor = False,
) -> None:
    _exit(
        commands.list_(
            basin=basin,
            action=action,
            year=year,
            since=since,
            until=until,
            kind=kind,
            json=json,
            no_pager=no_pager,
            kb_dir=kb_dir,
            db=db,
        )
    )


@app.command(
    epilog=_(
        "Examples: kb show 2025-02-20-centre-ouest;  kb show 2025-02 (a unique prefix);  "
        "kb show 2 (the 2nd result of the last search)"
    ),
    help=_("Show one recap: its metadata, then its text."),
)
def show(
    ref: RecapRef,
    raw: Annotated[bool, typer.Option("--raw", help=_("Print the file as it is."))] = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_pager: NoPager = False,
    no_color: NoColor = False,
) -> None:
    _exit(commands.show(ref, raw=raw, no_pager=no_pager, kb_dir=kb_dir, db=db))


@app.command(
    epilog=_("Examples: kb similar 2025-02-20-centre-ouest;  kb similar 2 --json"),
    help=_(
        "The sections of other recaps that speak of the same things as this one's, "
        "other basins first: what the others did."
    ),
)
def similar(
    ref: RecapRef,
    limit: Annotated[
        int, typer.Option(min=1, max=10_000, metavar="N", help=_("At most this many sections."))
    ] = 5,
    json: Json = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    _exit(commands.similar(ref, limit=limit, json=json, kb_dir=kb_dir, db=db))


@app.command(
    "open",
    epilog=_(
        "Examples: kb open 2025-02-20-centre-ouest;  kb open 2 (the 2nd result of the last search)"
    ),
    help=_("Open a recap's file in your editor ($VISUAL, else $EDITOR)."),
)
def open_(
    ref: RecapRef,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    _exit(commands.open_(ref, kb_dir=kb_dir, db=db))


@app.command(
    epilog=_("Examples: {examples}").format(
        examples="kb timeline --basin centre-ouest;  kb timeline --action portes-ouvertes"
    ),
    help=_(
        "The recaps oldest first, with announced meetings and editions that have "
        "no recap.\n\nWith --action, each recap shows what it says about that "
        "action. Today is the clock's date, or $KB_TODAY (YYYY-MM-DD)."
    ),
)
def timeline(
    basin: Basin = None,
    action: Action = None,
    since: Since = None,
    until: Until = None,
    year: Year = None,
    kind: KindOpt = None,
    json: Json = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_pager: NoPager = False,
    no_color: NoColor = False,
) -> None:
    _exit(
        commands.timeline(
            basin=basin,
            action=action,
            since=since,
            until=until,
            year=year,
            kind=kind,
            json=json,
            no_pager=no_pager,
            kb_dir=kb_dir,
            db=db,
        )
    )


@app.command(
    epilog=_("Example: {examples}").format(examples="kb basins --json"),
    help=_("Per basin: recaps, first and last date, participants, latest team, next meeting."),
)
def basins(
    json: Json = False, kb_dir: KbDir = None, db: Db = None, no_color: NoColor = False
) -> None:
    _exit(commands.basins(json=json, kb_dir=kb_dir, db=db))


@app.command(
    epilog=_("Examples: {examples}").format(
        examples="kb actions;  kb actions --basin sud-est --json"
    ),
    help=_(
        "Every action of kb.yml: how many recaps mention it, in which basins, first and last date."
    ),
)
def actions(
    basin: Basin = None,
    json: Json = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    _exit(commands.actions(basin=basin, json=json, kb_dir=kb_dir, db=db))


@app.command(
    epilog=_(
        "Examples: kb add draft.md;  kb add --from-text recap.txt --dry-run;  kb add "
        "(opens $VISUAL or $EDITOR on a template)"
    ),
    help=_(
        "Add a recap: a Markdown file, the text as published, or a template in "
        "an editor.\n\nThe recap is checked, written as <date>-<basin>.md in the "
        "knowledge base and indexed. With a published text, the options --date, "
        "--basin, --edition and --participants override what is read from it."
    ),
)
def add(
    files: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="[FILE.md]",
            help=_(
                "A recap in Markdown with its frontmatter (- for standard input); with "
                "--from-text, more published texts or folders of .txt texts."
            ),
            show_default=False,
        ),
    ] = None,
    from_text: Annotated[
        Optional[str],
        typer.Option(
            "--from-text",
            metavar="FILE",
            help=_("Import the text as published (- for standard input)."),
        ),
    ] = None,
    from_html: Annotated[
        Optional[str],
        typer.Option(
            "--from-html",
            metavar="FILE",
            help=_("Import a web page saved as HTML: its main text, title and publication date."),
        ),
    ] = None,
    from_url: Annotated[
        Optional[str],
        typer.Option(
            "--from-url",
            metavar="URL",
            help=_("Import the web page at this address (fetched once, with a timeout)."),
        ),
    ] = None,
    date: Annotated[
        Optional[str],
        typer.Option(metavar="DATE", help=_("The workshop's date (2025-02-20 or 20/02/2025).")),
    ] = None,
    basin: Basin = None,
    kind: Annotated[
        Optional[str],
        typer.Option(
            "--kind",
            metavar="KIND",
            help=_(
                "What the text is, when not a workshop recap: concertation, report, "
                "colloquium, news, presentation, press or newsletter."
            ),
        ),
    ] = None,
    edition: Annotated[
        Optional[int], typer.Option(min=1, metavar="N", help=_("The workshop's number."))
    ] = None,
    participants: Annotated[
        Optional[int], typer.Option(min=0, metavar="N", help=_("How many took part."))
    ] = None,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            "-y",
            help=_(
                "Do not ask for confirmation (a published text's date or basin that is "
                "only guessed stops kb: pass --date, --basin)."
            ),
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Print the Markdown; write nothing."))
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help=_("Replace the recap with the same id (kept as <file>.bak beside it).")
        ),
    ] = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    from kb.cli.questions import Options
    from kb.cli.questions import add as run_add
    from kb.config import locate

    options = Options(date, basin, edition, participants, yes, dry_run, force, kind)
    run_add(
        locate(kb_dir, db), files or [], from_text, options, from_html=from_html, from_url=from_url
    )


@app.command(
    epilog=_("Examples: {examples}").format(examples="kb glossary;  kb glossary --json"),
    help=_("List the glossary: acronyms and what they stand for (kb.yml). Search finds both."),
)
def glossary(
    json: Json = False, kb_dir: KbDir = None, db: Db = None, no_color: NoColor = False
) -> None:
    _exit(commands.glossary(json=json, kb_dir=kb_dir, db=db))


@app.command(
    epilog=_("Examples: {examples}").format(
        examples=(
            "kb agenda;  kb agenda --all --basin centre-ouest;  kb agenda --all --ics agenda.ics"
        )
    ),
    help=_(
        "The meetings the recaps announce: date, time, basin, place, the recap "
        "that announced it.\n\nUpcoming ones first, soonest first; with --all (or "
        "--since), then the past ones, latest first, each held (a recap of it "
        "exists) or without a recap yet. Today is the clock's date, or $KB_TODAY "
        "(YYYY-MM-DD)."
    ),
)
def agenda(
    basin: Basin = None,
    since: Since = None,
    until: Until = None,
    year: Year = None,
    past: Annotated[
        bool, typer.Option("--all", help=_("Past meetings too, and whether they have a recap."))
    ] = False,
    ics: Annotated[
        Optional[str],
        typer.Option(
            "--ics",
            metavar="FILE",
            help=_("Write an iCalendar file for calendar apps (- for standard output)."),
        ),
    ] = None,
    json: Json = False,
    force: ForceOutput = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    _exit(
        commands.agenda(
            basin=basin,
            since=since,
            until=until,
            year=year,
            past=past,
            ics=ics,
            json=json,
            force=force,
            kb_dir=kb_dir,
            db=db,
        )
    )


@app.command(
    epilog=_("Examples: {examples}").format(
        examples=(
            "kb export --format csv --output recaps.csv;  kb export --format md "
            "--action helpdesk --output helpdesk.md;  kb export --format jsonl"
        )
    ),
    help=_(
        "Export the recaps with their metadata, oldest first: for a spreadsheet, "
        "a program or a document to share.\n\ncsv: one row per recap, UTF-8 with a "
        'BOM (Excel reads the accents), lists joined with "; ". md with '
        "--action: what each recap says about the action."
    ),
)
def export(
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            "-f",
            metavar="csv|jsonl|md",
            help=_(
                "csv (a spreadsheet), jsonl (one JSON object a line) or md (one document) "
                "[default: the --output file's extension]."
            ),
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help=_("Write to FILE (whole or not at all) [default: standard output]."),
            show_default=False,
        ),
    ] = None,
    basin: Basin = None,
    action: Action = None,
    year: Year = None,
    since: Since = None,
    until: Until = None,
    force: ForceOutput = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    _exit(
        commands.export(
            fmt=fmt,
            output=output,
            basin=basin,
            action=action,
            since=since,
            until=until,
            year=year,
            force=force,
            kb_dir=kb_dir,
            db=db,
        )
    )


@app.command(
    epilog=_("Examples: {examples}").format(examples="kb serve;  kb serve --port 8080"),
    help=_(
        "A read-only web site over the recaps: search, a page per recap, "
        "timeline, agenda.\n\nIt answers from the same index as the commands, kept "
        "up to date with the folder, and never writes to the recaps. Ctrl+C "
        "stops it."
    ),
)
def serve(
    host: Annotated[
        str,
        typer.Option(
            metavar="HOST", help=_("Address to listen on (127.0.0.1: this machine only).")
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, metavar="PORT", help=_("Port to listen on."))
    ] = 8001,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    _exit(commands.serve(host=host, port=port, kb_dir=kb_dir, db=db))


@app.command(
    epilog=_("Examples: {examples}").format(examples="kb site site/;  kb site /var/www/adc"),
    help=_(
        "Write the web site's pages as static files into OUT, for any web host: search "
        "(Pagefind, in the browser), a page per recap, timeline, agenda, with the "
        "calendar file and the CSV export.\n\nA rebuild rewrites only what changed and "
        "says what it wrote. OUT must be new, empty, or a site kb site wrote: a folder "
        "that holds anything else is refused."
    ),
)
def site(
    out: Annotated[str, typer.Argument(metavar="OUT", help=_("The site's folder."))],
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    from kb.cli import sharing

    _exit(sharing.site(out=out, kb_dir=kb_dir, db=db))


@app.command(
    epilog=_("Examples: {examples}").format(
        examples="kb datasette > metadata.json;  datasette recaps/.kb/index.sqlite -m metadata.json"
    ),
    help=_(
        "Print Datasette's metadata for the index (JSON): its tables named and described, "
        "full-text search, facets by basin, action and year.\n\nDatasette then opens or "
        "publishes the index as it is (docs/sharing.md)."
    ),
)
def datasette(kb_dir: KbDir = None, db: Db = None, no_color: NoColor = False) -> None:
    from kb.cli import sharing

    _exit(sharing.datasette(kb_dir=kb_dir, db=db))


def run(argv: list[str] | None = None) -> None:
    """Entry point of the ``kb`` script and of ``python -m kb`` (``argv``: the arguments,
    else the command line's)."""
    import sys

    args = sys.argv[1:] if argv is None else list(argv)
    _check_utf8(args)
    _named(args)(args=args, prog_name="kb")


def _named(args: list[str]) -> typer.Typer:
    """The app with only the command ``args`` name, when they name one: typer turns every
    registered command into click's on each run (18 ms of CPU for kb's), and a run needs
    one. The whole app for anything else: ``kb``, ``kb --help``, a mistyped command, and
    shell completion (the shell sets ``_KB_COMPLETE``), which offers the commands."""
    import copy
    import os

    if not args or os.environ.get("_KB_COMPLETE"):
        return app
    chosen = [
        info
        for info in app.registered_commands
        if args[0] == (info.name or getattr(info.callback, "__name__", "").replace("_", "-"))
    ]
    if len(chosen) != 1:
        return app
    one = copy.copy(app)
    one.registered_commands = chosen
    return one


def _check_utf8(args: list[str]) -> None:
    """Arguments that are not UTF-8 (bytes the shell passed as they were) cannot be
    searched for, stored or shown: say so in one line rather than fail further on."""
    for arg in args:
        if not arg.isascii():
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                from kb.errors import UsageError
                from kb.text.shown import printable

                raise SystemExit(
                    commands.fail(
                        UsageError(
                            _("'{argument}': not UTF-8 text; kb takes UTF-8 arguments").format(
                                argument=printable(arg)
                            )
                        )
                    )
                ) from None
