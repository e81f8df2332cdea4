"""User query text -> FTS5 MATCH expressions, without ever producing an FTS5 syntax error.

Plain words must all match; ``"a phrase"`` matches a phrase; a trailing ``*`` makes a
prefix. All other punctuation is text: it splits words the way the index tokenizer does,
so ``centre-ouest`` is the phrase "centre ouest" and ``l'hôpital`` the phrase "l hôpital".
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Letters and digits: what FTS5's unicode61 tokenizer keeps as token characters.
_TOKEN = re.compile(r"[^\W_]+")
_PART = re.compile(r'"([^"]*)"|(\S+)')


class Term(NamedTuple):
    """One thing to match: a word, or several words that must be adjacent (a phrase)."""

    tokens: tuple[str, ...]
    prefix: bool = False

    def fts(self) -> str:
        quoted = '"' + " ".join(self.tokens) + '"'
        return quoted + "*" if self.prefix else quoted

    @property
    def text(self) -> str:
        return " ".join(self.tokens) + ("*" if self.prefix else "")


def parse(query: str) -> list[Term]:
    """The terms of a plain query. An unbalanced double quote is ordinary text."""
    if query.count('"') % 2:
        query = query.replace('"', " ")
    terms: list[Term] = []
    for match in _PART.finditer(query):
        phrase, word = match.group(1), match.group(2)
        text = phrase if phrase is not None else word
        tokens = tuple(_TOKEN.findall(text))
        if tokens:
            prefix = phrase is None and word.endswith("*")
            terms.append(Term(tokens, prefix))
    return terms


def all_of(terms: list[Term]) -> str:
    return " AND ".join(t.fts() for t in terms)


def any_of(terms: list[Term]) -> str:
    return " OR ".join(t.fts() for t in terms)
