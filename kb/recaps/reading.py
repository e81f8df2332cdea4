"""What reading a published text gives: each field with how sure kb is of it.

A field read from a text is a :class:`Reading`: its value, its confidence, the words it
came from, a note saying what was inferred or guessed (and from where), and the
candidates kb would propose when it is unsure. The confidence levels:

- ``found``: tied to a workshop cue ("l'Atelier du Changement du 20 février 2025", "s'est
  tenu le …", the title, "Bassin Sud-Est"), with its year in the same date or in the
  title;
- ``inferred``: tied to the workshop, but the year comes from elsewhere in the text (or a
  basin from places and actions that belong to one basin only);
- ``guessed``: tied to nothing (a date alone on its line; places of several basins);
- ``none``: nothing to read;
- ``given``: the person said it (an option or an answer), not the text.

:class:`PublishedText` is the text as the readers see it: the title and the paragraphs in
the order of the text, with the sentence and folding helpers they share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from kb.text.fold import strip_accents

FOUND = "found"
INFERRED = "inferred"
GUESSED = "guessed"
NONE = "none"
GIVEN = "given"
# What kb writes without asking (``--yes``): the text ties it to the workshop, or the
# person gave it. An inferred value is written, and said.
SURE = frozenset({FOUND, INFERRED, GIVEN})

WORKSHOP = "workshop"


class Candidate(NamedTuple):
    """A value kb could propose, the words it came from, and why it is one."""

    value: Any
    phrase: str
    why: str


@dataclass(frozen=True)
class Reading:
    """One field as read from a text (see the module's docstring for the levels)."""

    value: Any = None
    confidence: str = NONE
    phrase: str | None = None
    note: str | None = None
    candidates: tuple[Candidate, ...] = ()

    @property
    def sure(self) -> bool:
        return self.confidence in SURE and self.value is not None


class Kind(NamedTuple):
    """What a text is: ``workshop`` (a recap of one Atelier du Changement), or what it
    looks like instead (``concertation``, ``report``, ``colloquium``, ``newsletter``)."""

    name: str
    looks_like: str  # "a concertation recap"
    phrase: str  # the words that say so


A_WORKSHOP = Kind(WORKSHOP, "", "")

# Sentences end at . ! ? … followed by a space, or at a line end.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n")


def _fold_char(char: str) -> str:
    folded = strip_accents(char).lower()
    return folded if len(folded) == 1 else char


def folded(text: str) -> str:
    """Lower case without accents, one character for one: positions stay those of
    ``text``, so a match in the folded text names the words of the original."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


@dataclass(frozen=True)
class PublishedText:
    """A published text as the readers see it: ``paras`` in the order of the text, the
    title at ``title_at`` (None without a title). Paragraphs before the title are the
    page's chrome (a section name, a date line, a banner)."""

    title: str | None
    paras: tuple[str, ...]
    title_at: int | None = None

    @cached_property
    def folded(self) -> tuple[str, ...]:
        return tuple(folded(p) for p in self.paras)

    @cached_property
    def full(self) -> str:
        return "\n\n".join(self.paras)

    def bounds(self, i: int, start: int, end: int) -> tuple[int, int]:
        """Where the sentence of paragraph ``i`` around ``start:end`` begins and ends."""
        text = self.folded[i]
        begin = 0
        for m in _SENTENCE_END.finditer(text, 0, start):
            begin = m.end()
        stop = _SENTENCE_END.search(text, end)
        return begin, stop.start() if stop else len(text)

    def sentence(self, i: int, start: int, end: int) -> tuple[str, str]:
        """The folded text of paragraph ``i``'s sentence around ``start:end``: before
        it and after it."""
        begin, stop = self.bounds(i, start, end)
        return self.folded[i][begin:start], self.folded[i][end:stop]

    def line(self, i: int, start: int, end: int) -> str:
        """The line of paragraph ``i`` that holds ``start:end``, as written."""
        text = self.paras[i]
        begin = text.rfind("\n", 0, start) + 1
        stop = text.find("\n", end)
        return text[begin : stop if stop >= 0 else len(text)]
