"""What a search returns: recaps and their sections, matches marked."""

from __future__ import annotations

from dataclasses import dataclass, field

# Snippet markers: control characters that recaps cannot contain once cleaned.
MARK_START, MARK_END = "\x02", "\x03"


SNIPPET_TOKENS = 24


@dataclass
class SectionHit:
    position: int
    heading: str  # with match markers
    snippet: str  # with match markers
    score: float


@dataclass
class RecapHit:
    id: str
    date: str
    basin: str
    title: str  # with match markers
    path: str
    score: float
    sections: list[SectionHit] = field(default_factory=list)
    # Meaning (kb.search.meaning): how close the recap's nearest section is to the query
    # (cosine, None when not computed); for a recap found by meaning alone, the section
    # words nearest to the query ("aîné·es" for "personnes âgées"), else empty.
    meaning: float | None = None
    near: list[str] = field(default_factory=list)
    words: bool = True  # found by the query's words (False: by meaning alone)
    kind: str = "workshop"  # kb.recaps.recap.KINDS


def strip_marks(text: str) -> str:
    return text.replace(MARK_START, "").replace(MARK_END, "")
