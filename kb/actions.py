"""Which actions a recap talks about, and in which sections.

Names are compared as sequences of folded words (case, accents and punctuation
ignored): the alias "Patch'Work" is found in the heading "Semaine Portes Ouvertes
Patch'Work!". Any name or alias counts in a section heading; in the text of a section
only names of two words or more count, so an acronym like "HD" or a common word like
"lunch" links a section only through its heading.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from kb.recaps import Section
from kb.text import fold
from kb.vocab import Action, Vocabulary


def _words(text: str) -> str:
    """`` hd du bassin ``: folded words between spaces, for whole-word substring tests."""
    return " " + fold(text).replace("-", " ") + " "


@lru_cache(maxsize=256)
def _names(action: Action) -> tuple[tuple[str, bool], ...]:
    """Each name as folded words, with whether it may count in body text."""
    out = []
    for name in action.names:
        words = _words(name)
        if words.strip():
            out.append((words, len(words.split()) >= 2))
    return tuple(out)


def mentions(vocab: Vocabulary, sections: Sequence[Section]) -> dict[str, list[int]]:
    """action slug -> positions of the sections that mention it, in vocabulary order."""
    prepared = [(s.position, _words(s.heading), _words(s.text)) for s in sections]
    found: dict[str, list[int]] = {}
    for action in vocab.actions:
        names = _names(action)
        positions = [
            position
            for position, heading, text in prepared
            if any(n in heading or (in_text and n in text) for n, in_text in names)
        ]
        if positions:
            found[action.slug] = positions
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
