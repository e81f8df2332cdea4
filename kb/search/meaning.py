"""Meaning beside words: recaps whose sections say what the query means, in other words.

Each section has a meaning vector in the index (kb.index.vectors); the query gets one
from the same word table (kb.text.meaning), and the sections nearest to it are found by
a scan of the index's vectors (numpy: a matrix product over every section, a few
milliseconds for 10,000 sections). The results by words and by meaning are merged:

- when some recaps hold every word of the query, they are the answer, in the order of
  the words' ranking (exact forms, then stems, then the glossary), as without meaning:
  static word vectors put "curatif" near "palliatif", a guess no reader wants above or
  beside the recaps that say "palliatif";
- when none does, the recaps with some of the words and the recaps found by meaning
  (their nearest passage close enough) are merged by reciprocal rank fusion (Cormack
  et al. 2009: 1 / (60 + rank) in each list, summed); a recap found by meaning alone
  comes with the words of its passage nearest to the query (why it was found).

Each hit gets its meaning score (its nearest passage's cosine) either way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from kb.search.filters import Filters, where_clause
from kb.search.hits import RecapHit, SectionHit
from kb.text import meaning

if TYPE_CHECKING:
    import numpy

# Reciprocal rank fusion's constant (the paper's, and Elasticsearch's default).
RRF_K = 60
# How close a passage must be to a query (scan's score) for its recap to be found by
# meaning alone: at least FLOOR, and NEAR_BEST of the nearest passage's score; at most
# MEANING_MOST such recaps. Chosen on the judged sets (docs/search.md): scores spread
# little (the passage meant scores 0.5 to 0.8, so do many others), and with a floor of
# 0.25 nearly every recap found by meaning alone was a wrong one (100 of 103 over the
# 25 paraphrases among 300 distractors). Higher floors keep the same 5 paraphrases
# found with fewer wrong recaps (0.6: 64), but lose true ones that score low ("aîné·es"
# for "personnes âgées" scores 0.46 to 0.52): 0.45, 0.85 of the nearest, and one recap
# found by meaning alone a search, which finds as many paraphrases (5) as three did, with
# 22 wrong recaps instead of 54 ("flamands", "sans-abri" find none here).
FLOOR = 0.45
NEAR_BEST = 0.85
MEANING_MOST = 1
NEAR_WORDS = 2  # section words shown as the reason a recap was found
NEAR = 0.3  # how close (cosine) a section word must be to a query word to be shown


class Near(NamedTuple):
    recap_id: str
    position: int
    score: float
    passage: int = 0  # which of the section's passages (kb.text.meaning.passages)


def scan(
    conn: sqlite3.Connection,
    query: str,
    filters: Filters | None = None,
    among: Sequence[str] | None = None,
) -> list[Near]:
    """Each recap's passage nearest to the query (of the recaps the filters keep; of
    ``among`` only, if given), nearest first. How near: the mean of two cosines, the
    passage's vector to the query's, and each query word to the nearest word of the
    passage's section (weighted by how much each query word says: SIF weights). The
    first sees a passage as a whole, the second finds "dépendance" for "addiction" in a
    passage about ten other things."""
    import numpy as np

    vector = meaning.query_vector(query)
    if vector is None:
        return []
    where, params = where_clause(filters or Filters())
    sql = "SELECT s.recap_id, s.position, v.vector, v.words FROM sections s"
    sql += " JOIN vectors v ON v.digest = s.digest"
    if where:
        sql += f" JOIN recaps r ON r.id = s.recap_id WHERE 1{where}"
    if among is not None:  # these recaps only
        sql += (" AND" if where else " WHERE") + f" s.recap_id IN ({','.join('?' * len(among))})"
        params.extend(among)
    rows = conn.execute(sql, params).fetchall()
    if not rows:
        return []
    size = meaning.DIMENSIONS
    counts = np.fromiter((len(row[2]) // size for row in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(row[2] for row in rows), dtype=np.int8).reshape(-1, size)
    whole = matrix @ np.asarray(vector, dtype=np.float32) / 127.0
    owner = np.repeat(np.arange(len(rows)), counts)  # each passage's section
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    scores = (whole + _word_by_word(rows, query)[owner]) / 2
    order = np.argsort(-scores, kind="stable")
    # Each recap's nearest passage: the first of its passages in that order.
    numbers: dict[str, int] = {}
    recap = np.fromiter((numbers.setdefault(row[0], len(numbers)) for row in rows), np.int64)
    _, first = np.unique(recap[owner[order]], return_index=True)
    return [
        Near(rows[owner[i]][0], rows[owner[i]][1], float(scores[i]), int(i - starts[owner[i]]))
        for i in order[np.sort(first)]
    ]


def _word_by_word(rows: Sequence[sqlite3.Row], query: str) -> numpy.ndarray:
    """Each section's closeness to the query word by word: for each query word, the
    cosine of the section's nearest word, averaged with the query words' weights."""
    import numpy as np

    known = meaning.rows(w.key for w in meaning.words(query))
    if not known:
        return np.zeros(len(rows), dtype=np.float32)
    asked = meaning.matrix([row for row, _ in known.values()])
    weights = np.asarray([weight for _, weight in known.values()], dtype=np.float32)
    words = [np.frombuffer(row[3], dtype="<u2") for row in rows]
    counts = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    if not counts.any():
        return np.zeros(len(rows), dtype=np.float32)
    every = np.concatenate(words)
    used, where = np.unique(every, return_inverse=True)  # the table's rows the sections use
    close = (asked @ meaning.matrix(used).T)[:, where]  # query words x every section word
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    # The nearest word of each section (reduceat needs a start inside the array, and
    # gives the value at that start for a section without words: zeroed after).
    best = np.maximum.reduceat(close, np.minimum(starts, len(every) - 1), axis=1)
    best[:, counts == 0] = 0
    return np.asarray(weights @ best / weights.sum(), dtype=np.float32)


def best_per_recap(found: Sequence[Near]) -> dict[str, Near]:
    """Each recap's nearest passage (scan gives one per recap), by recap id."""
    best: dict[str, Near] = {}
    for near in found:
        best.setdefault(near.recap_id, near)
    return best


def blend(
    conn: sqlite3.Connection,
    hits: list[RecapHit],
    query: str,
    *,
    filters: Filters,
    limit: int,
    every: bool,
    excluded: Callable[[list[str]], set[str]],
    sections: bool = True,
) -> list[RecapHit]:
    """The word hits with their meaning score, merged with the recaps found by meaning.
    ``every``: the word hits hold every word (else some: the any-word fallback, or none).
    ``excluded``: which of these recap ids hold an excluded word of the query."""
    best = best_per_recap(scan(conn, query, filters, among=[h.id for h in hits] if every else None))
    for hit in hits:
        if hit.id in best:
            hit.meaning = best[hit.id].score
    top = next(iter(best.values()), None)
    if top is None:
        return hits
    if every:  # the words found what was asked: meaning only scores them
        return hits
    floor = max(FLOOR, top.score * NEAR_BEST)
    candidates = [n for n in best.values() if n.score >= floor][:limit]
    bad = excluded([n.recap_id for n in candidates])
    candidates = [n for n in candidates if n.recap_id not in bad]
    known = {hit.id for hit in hits}
    fresh = [n for n in candidates if n.recap_id not in known][: min(limit, MEANING_MOST)]
    candidates = [n for n in candidates if n.recap_id in known or n in fresh]
    added = _hits(conn, fresh, query, sections=sections)
    # Some words only: both lists by reciprocal rank fusion.
    fused: dict[str, float] = {}
    for rank, hit in enumerate(hits):
        fused[hit.id] = 1 / (RRF_K + rank + 1)
    # The meaning list is its recaps close enough (every recap has a meaning score: the
    # whole ranking would lift every word hit above what meaning alone found).
    for rank, near in enumerate(candidates):
        fused[near.recap_id] = fused.get(near.recap_id, 0.0) + 1 / (RRF_K + rank + 1)
    merged = sorted(hits + added, key=lambda h: -fused[h.id])
    return merged[:limit]


def _hits(
    conn: sqlite3.Connection, found: list[Near], query: str, *, sections: bool
) -> list[RecapHit]:
    """Recaps found by meaning alone, with their nearest section and why it was found."""
    from kb.search.hits import MARK_END, MARK_START

    if not found:
        return []
    slots = ",".join("?" * len(found))
    recaps = {
        row["id"]: row
        for row in conn.execute(
            f"SELECT id, date, basin, path, title, kind FROM recaps WHERE id IN ({slots})",
            [n.recap_id for n in found],
        )
    }
    out = []
    for near in found:
        row = recaps[near.recap_id]
        hit = RecapHit(
            row["id"],
            row["date"],
            row["basin"],
            row["title"],
            row["path"],
            0.0,
            meaning=near.score,
            kind=row["kind"],
        )
        hit.words = False
        section = conn.execute(
            "SELECT heading, text FROM sections WHERE recap_id = ? AND position = ?",
            (near.recap_id, near.position),
        ).fetchone()
        if section is not None:
            hit.near = nearest_words(query, f"{section['heading']}\n{section['text']}")
            if sections:
                snippet = _snippet(section["text"], hit.near)
                heading = section["heading"]
                for word in hit.near:
                    heading = heading.replace(word, f"{MARK_START}{word}{MARK_END}")
                hit.sections = [SectionHit(near.position, heading, snippet, near.score)]
        out.append(hit)
    return out


def nearest_words(query: str, text: str, most: int = NEAR_WORDS) -> list[str]:
    """The words of ``text`` (as written) nearest in meaning to the query's words, that
    the query does not have, the weightiest query words first: what says the same thing
    in other words ("dépendance" for "addiction")."""
    import numpy as np

    asked = meaning.rows(w.key for w in meaning.words(query))
    written: dict[str, str] = {}
    for word in meaning.words(text):
        if word.key not in asked:
            written.setdefault(word.key, word.written)
    known = {k: v for k, v in meaning.rows(written).items() if v[1] >= meaning.KEPT_WEIGHT}
    if not asked or not known:
        return []
    keys = list(known)
    vectors = meaning.matrix([known[k][0] for k in keys])
    out: list[str] = []
    for row, _weight in sorted(asked.values(), key=lambda v: -v[1]):
        close = vectors @ meaning.matrix([row])[0]
        best = int(np.argmax(close))
        if close[best] >= NEAR and written[keys[best]] not in out:
            out.append(written[keys[best]])
    return out[:most]


def _snippet(text: str, near: list[str]) -> str:
    """The section's text around its first word near the query, that word marked."""
    from kb.search.hits import MARK_END, MARK_START, SNIPPET_TOKENS

    words = text.split()
    at = next((i for i, w in enumerate(words) if any(n in w for n in near)), 0)
    first = max(0, at - 6)
    shown = words[first : first + SNIPPET_TOKENS]
    for i, word in enumerate(shown):
        for n in near:
            if n in word:
                shown[i] = word.replace(n, f"{MARK_START}{n}{MARK_END}", 1)
                break
    out = " ".join(shown)
    out = ("…" if first else "") + out + ("…" if first + SNIPPET_TOKENS < len(words) else "")
    return out


# -- related recaps -------------------------------------------------------------------

# How close two sections must be (cosine of their mean passage vectors) to be related.
RELATED = 0.3


class Related(NamedTuple):
    """A section of another recap that speaks of what a section of this one does."""

    section: int  # position of this recap's section
    heading: str  # its heading
    id: str  # the other recap
    date: str
    basin: str
    title: str
    path: str
    position: int  # the other recap's section
    other_heading: str
    score: float


def related(conn: sqlite3.Connection, recap_id: str, limit: int = 5) -> list[Related]:
    """The sections of other recaps nearest in meaning to this recap's sections (each
    other section once, with the section of this recap it is nearest to): other basins
    first, then the recap's own basin, nearest first."""
    import numpy as np

    rows = conn.execute(
        "SELECT s.recap_id, s.position, s.heading, r.basin, v.vector FROM sections s"
        " JOIN vectors v ON v.digest = s.digest JOIN recaps r ON r.id = s.recap_id"
    ).fetchall()
    mine = [i for i, row in enumerate(rows) if row[0] == recap_id]
    if not mine:
        return []
    size = meaning.DIMENSIONS
    # A section's vector: the mean of its passages' (each passage is one line's worth).
    counts = np.fromiter((len(row[4]) // size for row in rows), dtype=np.int64, count=len(rows))
    passages = np.frombuffer(b"".join(row[4] for row in rows), dtype=np.int8).reshape(-1, size)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sections = np.add.reduceat(passages.astype(np.float32), starts, axis=0) / counts[:, None]
    # What every section of the knowledge base shares (the vocabulary of the social-health
    # network) taken away: what is left tells sections apart (SIF's common component).
    # In a small knowledge base the mean is mostly its few sections themselves: taken
    # away in part only (n / (n + 50) of it), as a prior would.
    sections -= sections.mean(axis=0) * (len(rows) / (len(rows) + 50))
    norms = np.linalg.norm(sections, axis=1, keepdims=True)
    sections /= np.where(norms == 0, 1, norms)
    scores = sections @ sections[mine].T  # every section x this recap's sections
    nearest = scores.argmax(axis=1)
    best = scores.max(axis=1)
    basin = rows[mine[0]][3]
    candidates = [
        i for i in np.argsort(-best, kind="stable") if rows[i][0] != recap_id and best[i] >= RELATED
    ]
    candidates.sort(key=lambda i: rows[i][3] == basin)  # stable: other basins first
    out: list[Related] = []
    seen_recaps: dict[str, int] = {}
    for i in candidates:
        other = rows[i][0]
        if seen_recaps.get(other, 0) >= 2:  # at most two sections of one recap
            continue
        seen_recaps[other] = seen_recaps.get(other, 0) + 1
        out.append(_related(conn, rows[mine[nearest[i]]], rows[i], float(best[i])))
        if len(out) >= limit:
            break
    return out


def _related(
    conn: sqlite3.Connection, this: sqlite3.Row, other: sqlite3.Row, score: float
) -> Related:
    recap = conn.execute(
        "SELECT id, date, basin, title, path FROM recaps WHERE id = ?", (other[0],)
    ).fetchone()
    return Related(
        this[1],
        this[2],
        recap[0],
        recap[1],
        recap[2],
        recap[3],
        recap[4],
        other[1],
        other[2],
        score,
    )
