"""Passages first: among recaps that match equally well, those that hold the query's
words close together come before those that hold them far apart.

bm25 scores a recap by how often its words occur, wherever they are: a recap whose one
sentence says "un exercice « brise-glace »" scores no better than one with "exercice"
in one section and "brise-glace" three sections further. Meilisearch ranks by the
distance between the words (its proximity rule) and Lucene by sloppy phrases; here,
the best recaps bm25 gives (:data:`RERANK` of them) are put in three classes by the
smallest stretch of text that holds every word, and keep bm25's order within a class:

- together: the words are at most :data:`TOGETHER` tokens apart (one sentence);
- near: at most :data:`NEAR` tokens apart (one passage, a few sentences);
- apart: further.

Where the words are comes from the index's stem column (one stem per token of the
text, in order): read for those recaps in one query and split, the positions of the
query's stems are counted in tokens (an inclusive form's stems are there too; a word
found only in the title is not in the text, and is as near as any).
Only queries with two words or more are re-ranked; the ranking's tiers (words as
written before stems) are kept: each tier is re-ranked on its own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import NamedTuple

from kb.search.query import Term, leaves
from kb.text import french

# How many of bm25's best recaps are re-ranked: enough to bring up a recap that bm25
# put 18th of 300 behind recaps with the same words scattered; few enough that the
# work stays small beside the search (reading and scanning 100 stem columns: a few ms).
RERANK = 100
# Tokens between the words (beyond the words themselves): a sentence, a passage.
TOGETHER = 8
NEAR = 30
# Beyond this many words, a query is not words remembered from one passage (a pasted
# text, a long list of OR): bm25's order is kept, and the work stays bounded.
MOST_TERMS = 12


class Near(NamedTuple):
    """What to look for in the recaps' stem column to find where each term is: for each
    alternative of each term, its stems as they are written in the column (with the
    spaces around them, without the last one for a prefix), how many tokens they are,
    and the term."""

    needles: tuple[tuple[str, int, int], ...]


def near(terms: Sequence[Term]) -> Near | None:
    """What locates each positive term, or None when there are fewer than two (nothing
    to be near) or more than :data:`MOST_TERMS`."""
    positive = [i for i, term in enumerate(terms) if not term.negated]
    if not 2 <= len(positive) <= MOST_TERMS:
        return None
    needles: dict[tuple[str, int, int], None] = {}
    for i in positive:
        for alt in leaves(terms[i]):
            if not alt.tokens:
                continue
            # A word alternative is looked for by its stems; a prefix is of the word, and
            # stems of the text start as their words do.
            stems = alt.tokens if alt.kind == "stem" else tuple(map(french.stem, alt.tokens))
            if alt.prefix:
                stems = (*stems[:-1], alt.tokens[-1])
            needle = " " + " ".join(stems) + ("" if alt.prefix else " ")
            needles[(needle, len(stems), i)] = None
    return Near(tuple(needles))


def closest_first(
    conn: sqlite3.Connection, rows: list[sqlite3.Row], where: Near, key: str = "n"
) -> list[sqlite3.Row]:
    """The first :data:`RERANK` rows (recaps, best first by bm25, ``key`` their rowid in
    ``recaps_fr``) put in order of how close their words are, bm25's order kept within
    each class; the rows beyond them follow as they were."""
    head, tail = rows[:RERANK], rows[RERANK:]
    if len(head) < 2:
        return rows
    slots = ",".join("?" * len(head))
    stems = dict(
        conn.execute(
            f"SELECT rowid, body_stem FROM recaps_fr WHERE rowid IN ({slots})",
            [row[key] for row in head],
        ).fetchall()
    )
    classes = [closeness(gap(stems.get(row[key]) or "", where)) for row in head]
    order = sorted(range(len(head)), key=lambda k: (classes[k], k))
    return [head[k] for k in order] + tail


def closeness(tokens_between: int) -> int:
    """0 together, 1 near, 2 apart."""
    if tokens_between <= TOGETHER:
        return 0
    return 1 if tokens_between <= NEAR else 2


def gap(stems: str, where: Near) -> int:
    """The fewest tokens between the terms found in ``stems`` (a stem column: stems
    separated by one space), in the smallest stretch that holds each of them once; 0
    when fewer than two are found. The stems are found with ``str.find`` and counted
    with ``str.count``: no loop over the tokens in Python."""
    text = f" {stems} "
    hits: list[tuple[int, int, int]] = []  # offset, tokens, term
    for needle, size, term in where.needles:
        at = text.find(needle)
        while at >= 0:
            hits.append((at, size, term))
            at = text.find(needle, at + 1)
    if len({term for *_, term in hits}) < 2:
        return 0
    hits.sort()
    found: list[tuple[int, int, frozenset[int]]] = []  # first and last token, terms
    token, offset = 0, 0
    for at, size, term in hits:
        token += text.count(" ", offset, at)
        offset = at
        if found and found[-1][0] == token:
            first, last, terms = found[-1]
            found[-1] = (first, max(last, token + size - 1), terms | {term})
        else:
            found.append((token, token + size - 1, frozenset((term,))))
    located = set().union(*(terms for *_, terms in found))
    return _smallest_gap(found, len(located))


def _smallest_gap(found: list[tuple[int, int, frozenset[int]]], wanted: int) -> int:
    """The fewest tokens that are not the terms' in a stretch that holds ``wanted``
    distinct terms (``found``: the matches in order, their first and last token and
    terms); the matches inside the stretch count as one token each."""
    best = found[-1][0]
    held: dict[int, int] = {}
    left = 0
    for start, _, terms in found:
        for term in terms:
            held[term] = held.get(term, 0) + 1
        while len(held) == wanted:
            between = start - found[left][1] - 1 - (wanted - 2)
            best = min(best, max(between, 0))
            for term in found[left][2]:
                held[term] -= 1
                if not held[term]:
                    del held[term]
            left += 1
    return best
