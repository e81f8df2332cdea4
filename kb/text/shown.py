"""Text as it is shown: control characters removed or escaped, whitespace tidied."""

from __future__ import annotations

import re
from functools import lru_cache

from kb.i18n import _
from kb.text.fold import ONE_BYTE, byte_table, one_byte

# C0/C1 control characters except tab and newline: never sent to a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_SPACES = re.compile(r"\s+")

# What a terminal acts on rather than shows: C0 controls (but a tab, a newline and the
# carriage return of a CRLF line end), DEL, C1 (escape sequences, a bell, a screen
# clear), and the bidirectional controls that reorder what follows them (a name with
# U+202E shows "evil\u202edm.txt.md" as if it ended in .txt).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ACTIVE = re.compile(f"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")
# In a message (one line by design), newlines and tabs too: a name cannot split it.
_ACTIVE_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")


def clean(text: str) -> str:
    """Text safe to show on a terminal: control characters (escape sequences) removed."""
    encoded = one_byte(text)  # most texts have none: looking in bytes is faster
    if encoded is not None and b"\1" not in encoded[1].translate(_control_table(encoded[0])):
        return text
    return _CONTROL.sub("", text)


@lru_cache(maxsize=len(ONE_BYTE))
def _control_table(codec: str) -> bytes:
    """Each byte of a character ``clean`` removes to 1, any other to 0."""
    return byte_table(codec, lambda byte, char: 1 if _CONTROL.match(char) else 0)


def escaped(text: str, *, line: bool = False) -> str:
    """Text for a terminal with what it would act on shown as an escape (``\\x1b``,
    ``\\u202e``) rather than removed: the reader sees that it is there. ``line``: a
    message, whose newlines and tabs are escaped too (a file name may hold them)."""
    return (_ACTIVE_IN_LINE if line else _ACTIVE).sub(_escape, text)


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def squash(text: str) -> str:
    """Clean text with whitespace runs (newlines included) as single spaces, ends kept."""
    return _SPACES.sub(" ", clean(text))


def one_line(text: str) -> str:
    """Clean text with all whitespace runs folded to single spaces."""
    return " ".join(clean(text).split())


def quoted(value: object, width: int = 80) -> str:
    """A value as a one-line message quotes it: its repr, cut to ``width`` characters.

    Whatever a file holds: a list of a million items is not copied into the message, and
    an integer of more than 4,300 digits (which Python refuses to write in decimal) is
    named, not shown."""
    try:
        text = repr(value)
    except ValueError:
        return _("a number too long to write out")
    return text if len(text) <= width else text[: width - 1] + "…"


def printable(name: str) -> str:
    """A file name as a message can show it: bytes that are not UTF-8 (which Python holds
    as lone surrogates) written as ``\\xff``."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file system gave: as an escape
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
