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


def mentions(vocab: Vocabulary, sections: Sequence[Section]) -> dict[str, list[int]]:
    """action slug -> positions of the sections that mention it, in vocabulary order."""
    # Every heading and text folded in one call (none holds a NUL: recaps.decode).
    folded = strip_accents("\0".join(x for s in sections for x in (s.heading, s.text)))
    parts = iter(folded.lower().split("\0"))
    prepared = []
    present: set[str] = set()  # every word of the recap
    for s in sections:
        heading, text = _WORD.findall(next(parts)), _WORD.findall(next(parts))
        present.update(heading)
        present.update(text)
        prepared.append((s.position, f" {' '.join(heading)} ", f" {' '.join(text)} "))
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
