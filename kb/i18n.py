"""What kb says, in the reader's language: gettext with a French catalogue, English else.

The language is the first of ``$KB_LANG``, ``$LANGUAGE``, ``$LC_ALL``, ``$LC_MESSAGES``
and ``$LANG`` that is set (a list like ``de:fr`` is tried in order), as gettext reads
them; ``KB_LANG`` overrides the system's. Messages are marked ``_("…")`` (placeholders
as ``{name}``, filled with ``.format`` after translation) and ``ngettext`` for plurals;
``kb/locale/kb.pot`` lists them and ``kb/locale/fr/LC_MESSAGES/kb.po`` translates them
(see docs/development.md). English needs no catalogue: the gettext module is only
imported when another language has one.

Only what is shown to people goes through here: JSON keys and values never change with
the language.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Protocol

DOMAIN = "kb"
LOCALEDIR = os.path.join(os.path.dirname(__file__), "locale")
LANGUAGES = ("fr",)  # those with a catalogue; English is the messages themselves
_VARIABLES = ("KB_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


class _Catalogue(Protocol):
    def gettext(self, message: str) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


class _English:
    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


_catalogue: _Catalogue | None = None
_language: str | None = None


def language() -> str:
    """``fr`` or ``en``: the first language asked for that kb speaks."""
    global _language
    if _language is None:
        _language = _choose(os.environ)
    return _language


def _choose(environ: Mapping[str, str]) -> str:
    for variable in _VARIABLES:
        value = environ.get(variable)
        if not value:
            continue
        for item in value.split(":"):
            code = item.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in LANGUAGES:
                return code
            if code in ("en", "c", "posix"):
                return "en"
        if variable != "LANGUAGE":  # as gettext: only LANGUAGE falls through to the next
            return "en"
    return "en"


def _load() -> _Catalogue:
    global _catalogue
    if _catalogue is None:
        code = language()
        if code == "en":
            _catalogue = _English()
        else:
            import gettext

            _catalogue = gettext.translation(DOMAIN, _folder(), languages=[code], fallback=True)
    return _catalogue


def _folder() -> str:
    # KB_LOCALEDIR: another folder of catalogues (a translator's, the tests').
    return os.environ.get("KB_LOCALEDIR") or LOCALEDIR


def bind() -> None:
    """Make kb's catalogue gettext's global domain, in the language kb speaks: what the
    libraries that call ``gettext.gettext`` say (click's usage errors and help, typer's
    headings) then comes from kb's catalogue, as click documents it.

    gettext's global functions choose the language from ``$LANGUAGE``, ``$LC_ALL``,
    ``$LC_MESSAGES`` and ``$LANG``; when that choice is not kb's (``KB_LANG`` set, or a
    ``$LANGUAGE`` that lists no language kb speaks), ``$LANGUAGE`` is set to kb's.
    """
    import gettext

    folder = _folder()
    gettext.bindtextdomain(DOMAIN, folder)
    gettext.textdomain(DOMAIN)
    code = language()
    if gettext.find(DOMAIN, folder) != gettext.find(DOMAIN, folder, languages=[code]):
        os.environ["LANGUAGE"] = code


def reset() -> None:
    """Read the environment again at the next message (tests change it)."""
    global _catalogue, _language
    _catalogue = _language = None


def _(message: str) -> str:
    """``message`` in the reader's language."""
    return _load().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for ``n``, in the reader's language."""
    return _load().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; ``_()`` translates it where
    it is shown (a message in a table built at import time, say)."""
    return message


# -- dates, times and numbers where text is shown ------------------------------------------
# English keeps what kb always wrote (ISO days, 14:00, 1552); French reads as French
# readers write them. Tables and JSON keep ISO days in every language.

_MONTHS = (
    *("janvier", "février", "mars", "avril", "mai", "juin"),
    *("juillet", "août", "septembre", "octobre", "novembre", "décembre"),
)


def day(iso: str) -> str:
    """An ISO day as text: ``20 février 2025`` (``1er`` for the first of a month) in
    French, as it is in English. A value that is not an ISO day is returned as it is."""
    if language() != "fr":
        return iso
    try:
        year, month, number = (int(part) for part in iso[:10].split("-"))
        name = _MONTHS[month - 1]
    except (ValueError, IndexError):
        return iso
    return f"{'1er' if number == 1 else number} {name} {year}"


def clock(hhmm: str) -> str:
    """A time of day as text: ``14 h 00`` in French, ``14:00`` in English."""
    if language() != "fr" or ":" not in hhmm:
        return hhmm
    hours, _, minutes = hhmm.partition(":")
    return f"{int(hours)} h {minutes}" if hours.isdigit() else hhmm


def number(n: int) -> str:
    """A count as text: ``1 552`` in French (a narrow no-break space between thousands),
    ``1552`` in English."""
    return f"{n:,}".replace(",", "\u202f") if language() == "fr" else str(n)
