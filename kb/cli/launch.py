"""The ``kb`` program: a fast path for the reading commands, typer for everything else.

typer (with its bundled click) costs more to import than a search takes on 10,000 recaps,
and every run of a command-line tool pays it. So the plain forms of the reading commands
(``kb search helpdesk --basin sud``) are parsed here with argparse and run through
:mod:`kb.cli.commands`; anything else (``--help``, ``kb add``, a mistake in the options,
shell completion) goes to the typer app, which owns help texts and error messages. The
option tables below mirror kb/cli/app.py; tests/cli/test_launch.py fails when the two
differ.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

# Option tables: (dest, flags, kind); kind is bool for a flag, else str or int.
Option = tuple[str, tuple[str, ...], type]
LOCATION: tuple[Option, ...] = (("kb_dir", ("--kb-dir",), str), ("db", ("--db",), str))
JSON: tuple[Option, ...] = (("json", ("--json",), bool),)
NO_PAGER: Option = ("no_pager", ("--no-pager",), bool)
NO_COLOR: Option = ("no_color", ("--no-color",), bool)
FILTERS: tuple[Option, ...] = (
    ("basin", ("--basin", "-b"), str),
    ("action", ("--action", "-a"), str),
    ("since", ("--since",), str),
    ("until", ("--until",), str),
    ("year", ("--year",), int),
)
KIND: Option = ("kind", ("--kind",), str)
# command -> (function name in kb.cli.commands, positional (dest, nargs) or None, options)
FAST: dict[str, tuple[str, tuple[str, str] | None, tuple[Option, ...]]] = {
    "index": ("index", None, (("rebuild", ("--rebuild",), bool), *LOCATION, NO_COLOR)),
    "search": (
        "search",
        ("words", "+"),
        (
            *FILTERS,
            KIND,
            ("limit", ("--limit",), int),
            ("raw", ("--raw",), bool),
            *JSON,
            *LOCATION,
            NO_PAGER,
            NO_COLOR,
        ),
    ),
    "list": ("list_", None, (*FILTERS, KIND, *JSON, *LOCATION, NO_PAGER, NO_COLOR)),
    "show": ("show", ("ref", "?"), (("raw", ("--raw",), bool), *LOCATION, NO_PAGER, NO_COLOR)),
    "open": ("open_", ("ref", "?"), (*LOCATION, NO_COLOR)),
    "timeline": ("timeline", None, (*FILTERS, KIND, *JSON, *LOCATION, NO_PAGER, NO_COLOR)),
    "basins": ("basins", None, (*JSON, *LOCATION, NO_COLOR)),
    "actions": ("actions", None, (FILTERS[0], *JSON, *LOCATION, NO_COLOR)),
    "glossary": ("glossary", None, (*JSON, *LOCATION, NO_COLOR)),
    "agenda": (
        "agenda",
        None,
        (
            FILTERS[0],
            *FILTERS[2:],
            ("past", ("--all",), bool),
            ("ics", ("--ics",), str),
            *JSON,
            *LOCATION,
            NO_COLOR,
        ),
    ),
    "export": (
        "export",
        None,
        (
            ("fmt", ("--format", "-f"), str),
            ("output", ("--output", "-o"), str),
            *FILTERS,
            *LOCATION,
            NO_COLOR,
        ),
    ),
}
# Not a reading command: `kb serve` runs for hours, and goes to the typer app.
SLOW = ("add", "serve", "site", "datasette")


MAX_LIMIT = 10_000  # the same bound as kb/cli/app.py's --limit


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


class _NotFast(Exception):
    """The arguments are not a plain form of a reading command: typer takes them."""


def fast_call(args: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """``(function name, keyword arguments)`` when ``args`` can skip typer, else None."""
    if not args or args[0] not in FAST or any(a in ("--help", "-h") for a in args):
        return None
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> Any:  # typer will say it, in its own words
            raise _NotFast(message)

    name, positional, options = FAST[args[0]]
    parser = Parser(
        add_help=False,
        allow_abbrev=False,
        argument_default=argparse.SUPPRESS,
        # A width, so that argparse does not import shutil (and bz2, lzma) to ask the
        # terminal's: this parser never prints help.
        formatter_class=lambda prog: argparse.HelpFormatter(prog, width=80),
    )
    for dest, flags, kind in options:
        if kind is bool:
            parser.add_argument(*flags, dest=dest, action="store_true")
        else:
            parser.add_argument(*flags, dest=dest, type=kind)
    if positional is not None:
        parser.add_argument(positional[0], nargs=positional[1])
    try:
        values = vars(parser.parse_args(args[1:]))
    except _NotFast:
        return None
    if positional is not None and positional[0] not in values:
        return None  # a missing argument: typer's message
    if not 1 <= values.get("limit", 1) <= MAX_LIMIT:
        return None  # out of range: typer's message
    if "--" not in args and any(
        str(value).startswith("-")
        for value in _listed(values.get(positional[0]) if positional else None)
    ):
        return None  # click reads a word starting with "-" as an option: typer says so
    return name, values


COMPLETE_VAR = "_KB_COMPLETE"  # set by the shell's completion script (typer's name for it)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``kb`` script and of ``python -m kb``."""
    args = list(sys.argv[1:] if argv is None else argv)
    _check_utf8(args)
    # Shell completion is typer's: its scripts run kb with no arguments, but whatever
    # the arguments, a run with the variable set is a completion, as typer reads it.
    call = None if os.environ.get(COMPLETE_VAR) else fast_call(args)
    if call is None:
        from kb.cli.app import app

        app(args=args, prog_name="kb")
        return
    name, values = call
    color = not values.pop("no_color", False)
    if name != "index":
        _begin_scan(values)
    from kb.cli import commands, render

    render.use_color(color)
    raise SystemExit(commands.guarded(lambda: getattr(commands, name)(**values)))


def _check_utf8(args: list[str]) -> None:
    """Arguments that are not UTF-8 (bytes the shell passed as they were) cannot be
    searched for, stored or shown: say so in one line rather than fail further on."""
    for arg in args:
        if not arg.isascii():
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                from kb.cli import commands
                from kb.errors import UsageError
                from kb.i18n import _
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


def _begin_scan(values: dict[str, Any]) -> None:
    """Start the folder's snapshot in child processes first thing: the walk (one stat per
    file) then runs beside the imports and the query (see kb.cli.commands._answer)."""
    from kb.config import locate
    from kb.errors import ConfigError
    from kb.index.folder import begin, listing_file

    try:
        loc = locate(values.get("kb_dir"), values.get("db"))
    except ConfigError:
        return  # no such folder: the command says so
    begin(loc.folder, listing_file(loc.index_file))
