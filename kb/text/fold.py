"""Folding text for comparison: accents, case, one-byte tables, close matches."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from kb.i18n import N_, _

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")

# Combining diacritical marks (the blocks Latin, Greek and Cyrillic letters use).
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def strip_accents(text: str) -> str:
    """``"Hôpital"`` -> ``"Hopital"``: drop combining marks after NFKD."""
    if text.isascii():
        return text
    return _MARKS.sub("", unicodedata.normalize("NFKD", text))


# Codecs of one byte a character that French texts fit in: latin-1 first (a text of only
# such characters is stored by Python one byte a character, and is copied as it is),
# then cp1252 (curly quotes, œ, the euro sign).
ONE_BYTE = ("latin-1", "cp1252")


def one_byte(text: str) -> tuple[str, bytes] | None:
    """``text`` encoded one byte a character, and the codec; None if no codec fits it.
    Bytes are what ``bytes.translate`` maps through a table: a pass in C over a text
    where a Unicode regex class or NFKD costs ten times more."""
    for codec in ONE_BYTE:
        try:
            return codec, text.encode(codec)
        except UnicodeEncodeError:
            continue
    return None


def byte_table(codec: str, convert: Callable[[int, str], int]) -> bytes:
    """A ``bytes.translate`` table for texts in ``codec``: each byte to ``convert(byte,
    its character)``; a byte the codec has no character for (never encoded) to a space."""
    table = bytearray(b" " * 256)
    for byte in range(256):
        char = bytes([byte]).decode(codec, "ignore")
        if char:
            table[byte] = convert(byte, char)
    return bytes(table)


def fold(text: str) -> str:
    """A comparison key: lower case, no accents, runs of other characters as one ``-``.

    ``"Centre Ouest"``, ``"centre-ouest"`` and ``"CENTRE_OUEST"`` all fold to
    ``"centre-ouest"``.
    """
    return _NOT_ALNUM.sub("-", strip_accents(text).lower()).strip("-")


def close_matches(word: str, candidates: list[str], n: int = 3) -> list[str]:
    """Candidates that look like ``word`` (by folded form), best first: those that extend
    it, then those nearly as similar as the best one."""
    import difflib  # lazy: only error messages need it

    key = fold(word)
    by_key = {fold(c): c for c in candidates}
    scored = []
    for k in by_key:
        matcher = difflib.SequenceMatcher(None, key, k)
        scored.append((matcher.ratio(), k))
    scored.sort(reverse=True)
    best = scored[0][0] if scored else 0.0
    near = [k for ratio, k in scored if ratio >= 0.7 and ratio >= best - 0.04]
    prefixed = [k for k in by_key if key and k.startswith(key)]
    ordered = list(dict.fromkeys(near + prefixed))
    return [by_key[k] for k in ordered[:n]]


# One message for each number of close matches (did_you_mean shows three at most).
_DID_YOU_MEAN = (
    N_(" (did you mean {first}?)"),
    N_(" (did you mean {first} or {second}?)"),
    N_(" (did you mean {first} or {second} or {third}?)"),
)


def did_you_mean(word: str, candidates: list[str]) -> str:
    """`` (did you mean a or b?)`` or an empty string."""
    matches = close_matches(word, candidates, n=len(_DID_YOU_MEAN))
    if not matches:
        return ""
    names = dict(zip(("first", "second", "third"), matches, strict=False))
    return _(_DID_YOU_MEAN[len(matches) - 1]).format(**names)
