"""Which actions a recap talks about, and in which sections.

Names are compared as sequences of folded words (case, accents and punctuation
ignored): the alias "Patch'Work" is found in the heading "Semaine Portes Ouvertes
Patch'Work!". Any name or alias counts in a section heading; in the text of a section
only names of two words or more count, so an acronym like "HD" or a common word like
"lunch" links a section only through its heading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from kb.recaps import Section
from kb.text import strip_accents
from kb.vocab import Action, Vocabulary

_WORD = re.compile("[0-9a-z]+")  # what kb.text.fold keeps
_NOT_WORDS = re.compile("[^0-9a-z\0]+")


def _fold_words(text: str) -> list[str]:
    """The words of ``fold(text)``, found without substituting every space."""
    return _WORD.findall(strip_accents(text).lower())


def _words(text: str) -> str:
    """`` hd du bassin ``: folded words between spaces, for whole-word substring tests."""
    return " " + " ".join(_fold_words(text)) + " "


@lru_cache(maxsize=256)
def _names(action: Action) -> tuple[tuple[str, bool], ...]:
    """Each name as folded words, with whether it may count in body text."""
    out = []
    for name in action.names:
        words = _words(name)
        if words.strip():
            out.append((words, len(words.split()) >= 2))
    return tuple(out)


# Per vocabulary (by identity, kept alive here): each action's slug and names, with
# each name's words.
_Table = list[tuple[str, list[tuple[str, bool, frozenset[str]]]]]
_TABLES: dict[int, tuple[Vocabulary, _Table]] = {}


def _table(vocab: Vocabulary) -> _Table:
    cached = _TABLES.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        if len(_TABLES) > 8:
            _TABLES.clear()
        table = [
            (action.slug, [(n, in_text, frozenset(n.split())) for n, in_text in _names(action)])
            for action in vocab.actions
        ]
        cached = _TABLES[id(vocab)] = (vocab, table)
    return cached[1]


def _spaced(texts: list[str]) -> list[str]:
    """``_words`` of each text: its folded words between single spaces."""
    # All texts in one call (none holds a NUL: recaps.decode). Most recaps are written
    # in characters cp1252 has; those fold one byte to one byte through a table, where
    # NFKD and a substitution per accent cost ten times more. Others take the long way.
    joined = "\0".join(texts)
    try:
        folded = joined.encode("cp1252").translate(_cp1252_fold())
    except UnicodeEncodeError:
        folded = b"\1"
    if b"\1" in folded:  # a character cp1252 has but whose fold is several letters
        spaced = _NOT_WORDS.sub(" ", strip_accents(joined).lower())
        return [f" {' '.join(part.split())} " for part in spaced.split("\0")]
    return [f" {' '.join(part.split())} " for part in folded.decode("ascii").split("\0")]


@lru_cache(maxsize=1)
def _cp1252_fold() -> bytes:
    """A bytes.translate table: each cp1252 byte to its folded letter or digit, to a
    space when its fold has none, to 1 when its fold is several (``½`` is ``1 2``)."""
    table = bytearray(b" " * 256)
    table[0] = 0
    for byte in range(1, 256):
        try:
            char = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            continue  # cp1252 has no character there: never encoded
        folded = strip_accents(char).lower()
        if len(folded) == 1 and _WORD.match(folded):
            table[byte] = ord(folded)
        elif not folded or _WORD.search(folded):
            table[byte] = 1
    return bytes(table)


def mentions(vocab: Vocabulary, sections: Sequence[Section]) -> dict[str, list[int]]:
    """action slug -> positions of the sections that mention it, in vocabulary order."""
    spaced = _spaced([x for s in sections for x in (s.heading, s.text)])
    present = {w for part in spaced for w in part.split()}  # every word of the recap
    parts = iter(spaced)
    prepared = [(s.position, next(parts), next(parts)) for s in sections]
    found: dict[str, list[int]] = {}
    for slug, all_names in _table(vocab):
        # Only names whose words are all in the recap can be in one of its sections.
        names = [(n, in_text) for n, in_text, words in all_names if words <= present]
        if not names:
            continue
        positions = [
            position
            for position, heading, text in prepared
            if any(n in heading or (in_text and n in text) for n, in_text in names)
        ]
        if positions:
            found[slug] = positions
    return found


def detect_actions(vocab: Vocabulary, sections: Sequence[Section]) -> list[str]:
    """The actions a recap mentions: what ``actions:`` is filled with on import."""
    return list(mentions(vocab, sections))


def links(
    vocab: Vocabulary, named: Sequence[str], sections: Sequence[Section]
) -> dict[str, list[int]]:
    """Every action a recap is linked to -> the positions of the sections that mention it.

    The actions its frontmatter names come first, in its order (with no position when no
    section mentions them), then the other mentioned actions, in vocabulary order.
    """
    found = mentions(vocab, sections)
    linked = {slug: found.get(slug, []) for slug in dict.fromkeys(named)}
    linked.update((slug, positions) for slug, positions in found.items() if slug not in linked)
    return linked


def named_in_heading(action: Action, heading: str) -> bool:
    """Whether ``heading`` contains the action's name or one of its aliases."""
    words = _words(heading)
    return any(n in words for n, _ in _names(action))


def named_in_text(action: Action, text: str) -> bool:
    """Whether ``text`` contains one of the action's names that count in body text."""
    words = _words(text)
    return any(n in words for n, in_text in _names(action) if in_text)
