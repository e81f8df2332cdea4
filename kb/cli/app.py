"""The ``kb`` program: a typer app made of the command groups of kb/cli.

Each group module (index, search, timeline, add, sharing) declares its commands and
options, asks the knowledge base (kb.base) and prints the answer; this module puts them
together in the order of ``kb --help`` (:data:`COMMANDS`). A run builds only the
command it names (:func:`run`): it imports typer (with click), rich and that command's
module; kb's heavier modules are imported inside the commands (tests/cli/test_launch.py
counts).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.models import CommandInfo

from kb import __version__
from kb.cli import console
from kb.i18n import _, bind

# Each command and the module of kb/cli that declares it, in the order of `kb --help`.
COMMANDS = {
    "index": "index",
    "search": "search",
    "list": "search",
    "show": "search",
    "similar": "search",
    "open": "search",
    "timeline": "timeline",
    "basins": "timeline",
    "actions": "timeline",
    "add": "add",
    "glossary": "timeline",
    "agenda": "timeline",
    "export": "sharing",
    "serve": "sharing",
    "site": "sharing",
    "datasette": "sharing",
}


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

        code = console.guarded(call)
        if code:
            raise typer.Exit(code)
        return result[0] if result else None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kb {__version__}")
        raise typer.Exit()


def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=_("Show the version.")),
    ] = False,
) -> None:
    # The app's help is given to typer (translated): a docstring here would not be.
    pass


def _name(info: CommandInfo) -> str:
    return info.name or getattr(info.callback, "__name__", "").replace("_", "-")


def _commands(names: list[str]) -> list[CommandInfo]:
    """The commands ``names``, from the modules that declare them."""
    import importlib

    found: dict[str, CommandInfo] = {}
    for module in dict.fromkeys(COMMANDS[name] for name in names):
        group: typer.Typer = importlib.import_module(f"kb.cli.{module}").app
        found.update((_name(info), info) for info in group.registered_commands)
    return [found[name] for name in names]


def program(names: list[str] | None = None) -> typer.Typer:
    """The ``kb`` app with the commands ``names`` (every command when None)."""
    kb = typer.Typer(
        cls=_Group,
        help=_("Search and browse the recaps of the Ateliers du Changement."),
        no_args_is_help=True,
        add_completion=True,  # --install-completion, --show-completion (kb/cli/complete.py)
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        suggest_commands=False,  # click suggests them, in words gettext translates (typer's do not)
    )
    kb.callback(help=_("Search and browse the recaps of the Ateliers du Changement."))(main)
    kb.registered_commands = _commands(list(COMMANDS) if names is None else names)
    return kb


def __getattr__(name: str) -> typer.Typer:
    """``app``: the whole program (every command), made when first asked for: a run of
    the ``kb`` script makes only the command it runs."""
    if name == "app":
        whole = globals()["app"] = program()
        return whole
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    import os

    if not args or os.environ.get("_KB_COMPLETE") or args[0] not in COMMANDS:
        return program()
    return program([args[0]])


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
                    console.fail(
                        UsageError(
                            _("'{argument}': not UTF-8 text; kb takes UTF-8 arguments").format(
                                argument=printable(arg)
                            )
                        )
                    )
                ) from None
