"""The options several commands share (typer's ``Annotated`` types), and the eager ones
acted on while the options are read (``--no-color``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from kb.cli import complete, console
from kb.i18n import _

DEFAULT_LIMIT = 10

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
    console.use_color(not value)  # called on every run, flag or not


# Acted on while the options are read (the callback), so command bodies never see it.
NoColor = Annotated[
    bool,
    typer.Option(
        "--no-color", help=_("No colours (as NO_COLOR=1)."), callback=_color, expose_value=False
    ),
]


def done(code: int) -> None:
    """A command's exit status: nothing for 0, else typer's exit with it."""
    if code:
        raise typer.Exit(code)
