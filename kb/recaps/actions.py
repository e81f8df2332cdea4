"""Which actions a recap talks about, and in which sections.

Names are compared as sequences of folded words (case, accents and punctuation
ignored): the alias "Patch'Work" is found in the heading "Semaine Portes Ouvertes
Patch'Work!". Any name or alias counts in a section heading; in the text of a section
only names of two words or more count, so an acronym like "HD" or a common word like
"lunch" links a section only through its heading.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache

from kb.recaps.recap import Section
from kb.recaps.vocab import Action, Vocabulary
from kb.text.fold import ONE_BYTE, byte_table, one_byte, strip_accents

_WORD = re.compile("[0-9a-z]+")  # what kb.text.fold keeps


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
# each name's words, in ASCII bytes (as _folded gives the sections).
_Table = list[tuple[str, list[tuple[bytes, bool, frozenset[bytes]]]]]
_TABLES: dict[int, tuple[Vocabulary, _Table]] = {}


def _table(vocab: Vocabulary) -> _Table:
    cached = _TABLES.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        if len(_TABLES) > 8:
            _TABLES.clear()
        table = [
            (
                action.slug,
                [
                    (n.encode(), in_text, frozenset(n.encode().split()))
                    for n, in_text in _names(action)
                ],
            )
            for action in vocab.actions
        ]
        cached = _TABLES[id(vocab)] = (vocab, table)
    return cached[1]


def _folded(texts: list[str]) -> bytes:
    """The folded words of the texts (``_fold_words``), in ASCII, with runs of other
    characters as spaces, and the texts separated by NUL."""
    # All texts in one call (none holds a NUL: recaps.decode). Texts of one byte a
    # character fold through a table; others, or a character whose fold is several
    # letters, take the long way.
    joined = "\0".join(texts)
    encoded = one_byte(joined)
    folded = encoded[1].translate(_fold_table(encoded[0])) if encoded else b"\1"
    if b"\1" in folded:
        folded = "\0".join(" ".join(_fold_words(text)) for text in texts).encode("ascii")
    return folded


@lru_cache(maxsize=len(ONE_BYTE))
def _fold_table(codec: str) -> bytes:
    return byte_table(codec, _fold_byte)


def _fold_byte(byte: int, char: str) -> int:
    """A character's fold in one byte: its letter or digit; a space when it has none;
    1 when it has several (``½`` is ``1 2``) or none at all (a lone accent)."""
    if byte == 0:
        return 0  # the separator of texts
    folded = strip_accents(char).lower()
    if len(folded) == 1 and _WORD.match(folded):
        return ord(folded)
    return 1 if not folded or _WORD.search(folded) else ord(" ")


def mentions(vocab: Vocabulary, sections: Sequence[Section]) -> dict[str, list[int]]:
    """action slug -> positions of the sections that mention it, in vocabulary order."""
    # Headings and texts alternate in one string of words, a NUL word between two; each
    # name is looked for once in it.
    folded = _folded([x for s in sections for x in (s.heading, s.text)])
    words = folded.replace(b"\0", b" \0 ").split()
    present = set(words)  # every word of the recap
    joined = b" %s " % b" ".join(words)
    ends = []  # where each heading or text ends
    at = joined.find(b"\0")
    while at >= 0:
        ends.append(at)
        at = joined.find(b"\0", at + 1)
    found: dict[str, list[int]] = {}
    for slug, names in _table(vocab):
        hit: set[int] = set()  # indexes of the sections
        for name, in_text, name_words in names:
            if not name_words <= present:  # some word of it is in no section
                continue
            at = joined.find(name)
            while at >= 0:
                part = bisect_right(ends, at)  # even: a heading, odd: a text
                if in_text or part % 2 == 0:
                    hit.add(part // 2)
                at = joined.find(name, at + 1)
        if hit:
            found[slug] = [sections[i].position for i in sorted(hit)]
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
