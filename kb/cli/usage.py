"""typer's own words (usage lines, help headings, usage errors) in the reader's language.

typer 0.28 ships its own copy of click, whose messages are plain English literals with no
catalogue, and calls gettext's default domain for a few of its own. :func:`install`
routes both through kb's catalogue: typer's ``_`` becomes kb's, the usage prefix and the
help option's text are translated where click writes them, and a usage error's message
is matched against click's known phrasings and said again in the reader's words. A
message this does not know stays English (see docs/commands.md).

kb pins typer below 0.29 (see pyproject.toml); tests/cli/test_usage.py fails if a
newer typer moves what this relies on.
"""

from __future__ import annotations

import re
from typing import IO, Any

from kb.i18n import N_, _

# typer's own messages (typer/core.py calls gettext with these): listed so that the
# catalogue holds them.
TYPER_MESSAGES = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    # the help of --install-completion and --show-completion (typer/completion.py)
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
    N_("Install completion for the specified shell."),
    N_("Show completion for the specified shell, to copy it or customize the installation."),
)

# click's phrasings (typer/_click), each as a pattern and the message that says it.
_CLICK: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), message)
    for pattern, message in (
        (r"No such option: (?P<name>.+)", N_("No such option: {name}")),
        (
            r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)",
            N_("Unexpected argument: {args}"),
        ),
        (r"Option (?P<name>'.+') requires an argument\.", N_("Option {name} needs a value.")),
        (
            r"Option (?P<name>'.+') requires (?P<n>\d+) arguments\.",
            N_("Option {name} needs {n} values."),
        ),
        (r"Option (?P<name>'.+') does not take a value\.", N_("Option {name} takes no value.")),
        # typer 0.28's copy of click names its types "int", "int range", "float"...
        (r"(?P<value>'.*') is not a valid int(?: range)?\.", N_("{value} is not a whole number.")),
        (r"(?P<value>'.*') is not a valid float(?: range)?\.", N_("{value} is not a number.")),
        (
            r"(?P<value>.+) is not in the range (?P<range>.+)\.",
            N_("{value} is not in the range {range}."),
        ),
        (r"No such command (?P<name>'.+')\.", N_("No such command {name!r}.")),
    )
)
_SUGGESTION = re.compile(r"(?P<message>.+?)\.? Did you mean (?P<names>.+)\?", re.S)


def say(message: str) -> str:
    """A click message in the reader's words (as it is when no phrasing matches)."""
    suggestion = _SUGGESTION.fullmatch(message)
    if suggestion:
        return _("{message} Did you mean {names}?").format(
            message=say(suggestion["message"] + "."), names=suggestion["names"]
        )
    for pattern, msgid in _CLICK:
        found = pattern.fullmatch(message)
        if found:
            values = found.groupdict()
            if msgid == "No such command {name!r}.":
                values["name"] = values["name"].strip("'")
            return _(msgid).format(**values)
    return message


def _missing(exc: Any) -> str:
    """MissingParameter's message, built again from its parts."""
    from typer._click.exceptions import _join_param_hints

    hint = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx)
    hint = _join_param_hints(hint) if hint else ""
    kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "")
    if kind == "argument":
        return _("Missing argument {name}.").format(name=hint)
    if kind == "option":
        return _("Missing option {name}.").format(name=hint)
    return _("Missing value {name}.").format(name=hint)


def message(exc: Any) -> str:  # a typer._click UsageError
    """What a usage error says, in the reader's words."""
    from typer._click import exceptions

    if isinstance(exc, exceptions.MissingParameter):
        return _missing(exc)
    if isinstance(exc, exceptions.NoSuchOption):
        text = say(exc.message)
        if exc.possibilities:
            options = ", ".join(sorted(exc.possibilities))
            text += " " + _("(possible options: {options})").format(options=options)
        return text
    if isinstance(exc, exceptions.BadParameter):
        hint = exc.param_hint
        if hint is None and exc.param is not None:
            hint = exc.param.get_error_hint(exc.ctx)  # type: ignore[arg-type]  # as click does
        if hint is None:
            return _("Invalid value: {message}").format(message=say(exc.message))
        return _("Invalid value for {name}: {message}").format(
            name=exceptions._join_param_hints(hint), message=say(exc.message)
        )
    return say(exc.format_message())


def _show(self: Any, file: IO[Any] | None = None) -> None:
    from typer._click._compat import get_text_stderr
    from typer._click.utils import echo

    if file is None:
        file = get_text_stderr()
    ctx = getattr(self, "ctx", None)
    color = None
    if ctx is not None:
        color = ctx.color
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = (
                _("Try '{command} {option}' for help.").format(
                    command=ctx.command_path, option=ctx.help_option_names[0]
                )
                + "\n"
            )
        echo(f"{ctx.get_usage()}\n{hint}", file=file, color=color)
    echo(_("Error: {message}").format(message=message(self)), file=file, color=color)


_installed = False


def install() -> None:
    """Route typer's and click's words through kb's catalogue (once, before the app runs)."""
    global _installed
    if _installed:
        return
    _installed = True
    from typer import core as typer_core
    from typer._click import core as click_core
    from typer._click import exceptions, formatting

    typer_core._ = _  # type: ignore[attr-defined]
    exceptions.UsageError.show = _show  # type: ignore[method-assign]
    exceptions.ClickException.show = _show  # type: ignore[method-assign]

    write_usage = formatting.HelpFormatter.write_usage

    def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, _("Usage: ") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = usage  # type: ignore[method-assign]

    help_option = click_core.Command.get_help_option

    def translated_help(self: Any, ctx: Any) -> Any:
        option = help_option(self, ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    click_core.Command.get_help_option = translated_help  # type: ignore[method-assign]

    # An option's help as the catalogue says it: typer's own (completion) are English
    # literals; kb's are translated already, and are not msgids, so they stay as they are.
    for kind in (typer_core.TyperOption, typer_core.TyperArgument):
        record = kind.get_help_record

        def translated_record(self: Any, ctx: Any, record: Any = record) -> Any:
            if getattr(self, "help", None):
                self.help = _(self.help)
            return record(self, ctx)

        kind.get_help_record = translated_record  # type: ignore[method-assign]
