"""click's and typer's own words (usage lines, help headings, usage errors) in the reader's
language, the way click documents it.

click's messages are ``gettext`` calls in gettext's global domain, and so are typer's
headings; :func:`kb.i18n.bind` makes kb's catalogue that domain, in the language kb
speaks. The messages below are theirs, word for word (click 8.4, typer 0.25): listed here
so that kb's catalogue (kb/locale/fr/LC_MESSAGES/kb.po) holds their French; nothing
imports this module when kb runs. A message that click or typer write without gettext
stays English (docs/commands.md lists them).
"""

from __future__ import annotations

from kb.i18n import N_, ngettext

# typer/core.py: the help's headings and notes.
TYPER = (
    N_("Arguments"),
    N_("Options"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Aborted!"),
)

# click: usage lines, the help option, usage errors (click/core.py, click/parser.py,
# click/exceptions.py, click/types.py, click/formatting.py).
CLICK = (
    N_("Usage:"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing command."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
)


def plurals() -> tuple[str, ...]:
    """click's messages with a plural form (click calls ``ngettext``), marked for the
    catalogue: kb never calls this, click asks gettext for them itself."""
    return (
        ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1),
        ngettext(
            "Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1
        ),
        ngettext(
            "Option {name!r} requires an argument.",
            "Option {name!r} requires {nargs} arguments.",
            1,
        ),
    )
