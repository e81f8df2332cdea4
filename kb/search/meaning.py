"""Meaning beside words: recaps whose sections say what the query means, in other words.

Each section has a meaning vector in the index (kb.index.vectors); the query gets one
from the same word table (kb.text.meaning), and the sections nearest to it are found
among those that have the query words' nearest words (through the full-text index),
compared in plain Python: numpy's import alone would cost more than the rest of a
search. The results by words and by meaning are merged:

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

import operator
import re
import sqlite3
from collections.abc import Callable, Sequence
from typing import NamedTuple

from kb.search.filters import Filters, where_clause
from kb.search.hits import RecapHit, SectionHit
from kb.text import meaning

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
    passage about ten other things.

    Without ``among``, only the sections that have one of the query words' nearest words
    (kb.text.meaning.near) are looked at, found through the index's words: a search
    reads a few hundred sections, not all, and needs no numpy (its import alone costs
    more than the rest of a search)."""
    vector = meaning.query_vector(query)
    if vector is None:
        return []
    asked = Asked(query)
    where, params = where_clause(filters or Filters())
    sql = "SELECT s.recap_id, s.position, v.vector, v.words FROM sections s"
    sql += " JOIN vectors v ON v.digest = s.digest JOIN recaps r ON r.id = s.recap_id"
    if among is not None:  # these recaps only
        sql += f" WHERE r.id IN ({','.join('?' * len(among))}){where}"
        rows = conn.execute(sql, [*among, *params]).fetchall()
        wanted = None
    else:
        numbers = _candidates(conn, asked, where, params)
        sql += f" WHERE r.n IN ({','.join('?' * len(numbers))}){where}"
        rows = conn.execute(sql, [*numbers, *params]).fetchall()
        wanted = asked.nearby
    # Each section's closeness word by word first (a few lookups), then the cosine of
    # its passages (a product each) for the nearest sections only.
    scored = []
    for recap_id, position, value, words in rows:
        rows_of_words = frozenset(meaning.section_rows(words))
        if wanted is not None and wanted.isdisjoint(rows_of_words):
            continue  # none of the query words' nearest words: not close enough
        scored.append((asked.closeness(rows_of_words), recap_id, position, value))
    if among is None:
        scored.sort(key=lambda s: -s[0])
        del scored[SCORED:]
    best: dict[str, Near] = {}
    for closeness, recap_id, position, value in scored:
        passage, whole = _nearest_passage(value, vector)
        score = (whole + closeness) / 2
        if recap_id not in best or score > best[recap_id].score:
            best[recap_id] = Near(recap_id, position, score, passage)
    return sorted(best.values(), key=lambda n: -n.score)


# How many recaps a search by meaning reads at most: those that have the query words'
# nearest words, the nearest words first; and of their sections, how many (the nearest
# word by word) have their passages compared with the query (what it costs:
# docs/search.md).
CANDIDATES = 300
SCORED = 200


class Asked:
    """The query's words as the table knows them: each word's row, weight and nearest
    words, and the cosines computed so far (a word compared once per search)."""

    def __init__(self, query: str) -> None:
        known = meaning.rows(w.key for w in meaning.words(query))
        # The lightest words ("des", "les") weigh next to nothing: left out, and their
        # nearest words with them.
        kept = [v for v in known.values() if v[1] >= meaning.KEPT_WEIGHT] or list(known.values())
        self.words = [(meaning.signed(row), weight, row) for row, weight in kept]
        self.total = sum(weight for _, weight, _ in self.words)
        self.near = [meaning.near(row) for _, _, row in self.words]
        self.nearby = {row for rows in self.near for row in rows}
        self._cosines: list[dict[int, float]] = [{} for _ in self.words]

    def cosine(self, i: int, row: int) -> float:
        known = self._cosines[i]
        if row not in known:
            known[row] = meaning.cosine(self.words[i][0], meaning.signed(row))
        return known[row]

    def closeness(self, rows: frozenset[int]) -> float:
        """Each query word's cosine to the nearest of these words, averaged with the
        query words' weights (0 without words)."""
        if not rows or not self.total:
            return 0.0
        total = 0.0
        for i, (_, weight, _) in enumerate(self.words):
            # The nearest of a section's words, when it has one of the query word's
            # nearest words, is among those (they are the nearest of all it can have).
            present = next((row for row in self.near[i] if row in rows), None)
            if present is not None:
                total += weight * self.cosine(i, present)
            else:
                total += weight * max(self.cosine(i, row) for row in rows)
        return total / self.total

    def expansions(self) -> list[tuple[float, int]]:
        """(what it adds to the closeness, row) for each nearest word of the query's
        words, the most first."""
        share: dict[int, float] = {}
        for i, (_, weight, _) in enumerate(self.words):
            for row in self.near[i]:
                value = weight / self.total * self.cosine(i, row)
                share[row] = max(share.get(row, 0.0), value)
        return sorted(((v, r) for r, v in share.items()), key=lambda vr: (-vr[0], vr[1]))


def _candidates(
    conn: sqlite3.Connection, asked: Asked, where: str, params: list[object]
) -> list[int]:
    """The recaps (rowids) that have the query words' nearest words, through the index's
    words (FTS5), the words that say most first, until CANDIDATES recaps."""
    expansions = asked.expansions()
    spelled = meaning.spelled(row for _, row in expansions)
    sql = (
        "SELECT r.n FROM recaps r WHERE r.n IN"
        f" (SELECT rowid FROM recaps_fr WHERE recaps_fr MATCH ?){where} LIMIT ?"
    )
    found: dict[int, None] = {}
    for _, row in expansions:
        if len(found) >= CANDIDATES:
            break
        if row not in spelled:
            continue
        match = '{head body forms} : "' + spelled[row].replace('"', '""') + '"'
        for (n,) in conn.execute(sql, [match, *params, CANDIDATES - len(found)]):
            found.setdefault(n, None)
    return list(found)


def _nearest_passage(value: bytes, vector: Sequence[float]) -> tuple[int, float]:
    """Which of a section's passages (vectors end to end) is nearest to the query's
    vector, and its cosine."""
    size = meaning.DIMENSIONS
    signed = memoryview(value).cast("b")
    best, at = -2.0, 0
    for i in range(len(value) // size):
        score = sum(map(operator.mul, vector, signed[i * size : (i + 1) * size])) / 127.0
        if score > best:
            best, at = score, i
    return at, best


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
    asked = meaning.rows(w.key for w in meaning.words(query))
    written: dict[str, str] = {}
    for word in meaning.words(text):
        if word.key not in asked:
            written.setdefault(word.key, word.written)
    known = {k: v for k, v in meaning.rows(written).items() if v[1] >= meaning.KEPT_WEIGHT}
    if not asked or not known:
        return []
    vectors = [(key, meaning.signed(row)) for key, (row, _) in known.items()]
    out: list[str] = []
    for row, _weight in sorted(asked.values(), key=lambda v: -v[1]):
        mine = meaning.signed(row)
        best, score = "", -2.0
        for key, vector in vectors:
            close = meaning.cosine(mine, vector)
            if close > score:
                best, score = key, close
        if score >= NEAR and written[best] not in out:
            out.append(written[best])
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
# What two sections that speak of the same action (kb.yml's actions, found in their
# headings and texts) gain in the order (not in the score shown, their cosine): SHARED
# times the action's specificity (1 for an action of one recap, less for an action many
# recaps have). Cosines spread from -1 to 1: two sections of the same action come
# before those that only share words, unless the action is in nearly every recap.
SHARED = 2.0


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
    first, then the recap's own basin, nearest first.

    What every recap has is left out: the text before the first heading (each recap's
    summary of its workshop: who came, what was done), the headings of a recap about
    itself ("Save the date", the team: NOT_A_SUBJECT) and the headings that several
    recaps share without speaking of an action ("Points d'attention généraux"); their
    words are the network's, not a subject's, and static word vectors found them near
    one another. Two sections that speak of the same action come first (SHARED, the
    more so as few recaps have the action): the subjects the basins share are the
    actions."""
    import numpy as np

    rows = conn.execute(
        "SELECT s.recap_id, s.position, s.heading, r.basin, v.vector FROM sections s"
        " JOIN vectors v ON v.digest = s.digest JOIN recaps r ON r.id = s.recap_id"
    ).fetchall()
    if not any(row[0] == recap_id for row in rows):
        return []
    actions = _section_actions(conn)
    recaps = len({row[0] for row in rows})
    held: dict[str, int] = {}
    for (_, action), _positions in actions.items():
        held[action] = held.get(action, 0) + 1
    specific = {a: 1 - (n - 1) / recaps for a, n in held.items()}
    of_section: dict[tuple[str, int], set[str]] = {}
    for (rid, action), positions in actions.items():
        for position in positions:
            of_section.setdefault((rid, position), set()).add(action)
    kept = _subject_sections(rows, of_section)
    mine = [i for i, row in enumerate(rows) if row[0] == recap_id and kept[i]]
    if not mine:
        mine = [i for i, row in enumerate(rows) if row[0] == recap_id]
    size = meaning.DIMENSIONS
    # A section's vector: the mean of its passages' (each passage is one line's worth).
    counts = np.fromiter((len(row[4]) // size for row in rows), dtype=np.int64, count=len(rows))
    passages = np.frombuffer(b"".join(row[4] for row in rows), dtype=np.int8).reshape(-1, size)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sums = np.add.reduceat(passages, starts, axis=0, dtype=np.int32)  # no float copy first
    sections = sums.astype(np.float32) / counts[:, None]
    # What every section of the knowledge base shares (the vocabulary of the social-health
    # network) taken away: what is left tells sections apart (SIF's common component).
    # In a small knowledge base the mean is mostly its few sections themselves: taken
    # away in part only (n / (n + 50) of it), as a prior would.
    sections -= sections.mean(axis=0) * (len(rows) / (len(rows) + 50))
    norms = np.linalg.norm(sections, axis=1, keepdims=True)
    sections /= np.where(norms == 0, 1, norms)
    cosines = sections @ sections[mine].T  # every section x this recap's sections
    index = {(row[0], row[1]): i for i, row in enumerate(rows)}
    sections_of: dict[str, list[int]] = {}  # each action's sections (rows)
    for (rid, action), positions in actions.items():
        found = (index.get((rid, p)) for p in positions)
        sections_of.setdefault(action, []).extend(i for i in found if i is not None)
    bonus = np.zeros_like(cosines)
    for j, at in enumerate(mine):
        for action in of_section.get((rows[at][0], rows[at][1]), set()):
            them = sections_of[action]
            bonus[them, j] = np.maximum(bonus[them, j], SHARED * specific[action])
    scores = cosines + bonus
    nearest = scores.argmax(axis=1)
    best = scores.max(axis=1)
    basin = rows[mine[0]][3]
    candidates = [
        i
        for i in np.argsort(-best, kind="stable")
        if rows[i][0] != recap_id and kept[i] and best[i] >= RELATED
    ]
    candidates.sort(key=lambda i: rows[i][3] == basin)  # stable: other basins first
    out: list[Related] = []
    seen_recaps: dict[str, int] = {}
    for i in candidates:
        other = rows[i][0]
        if seen_recaps.get(other, 0) >= 2:  # at most two sections of one recap
            continue
        seen_recaps[other] = seen_recaps.get(other, 0) + 1
        score = float(cosines[i, nearest[i]])
        out.append(_related(conn, rows[mine[nearest[i]]], rows[i], score))
        if len(out) >= limit:
            break
    return out


def _section_actions(conn: sqlite3.Connection) -> dict[tuple[str, str], list[int]]:
    """The sections (positions) of each recap that speak of each action."""
    import json

    out: dict[tuple[str, str], list[int]] = {}
    for recap_id, action, positions in conn.execute(
        "SELECT recap_id, action, sections FROM recap_actions"
    ):
        out[(recap_id, action)] = json.loads(positions or "[]")
    return out


# Headings of what a recap says of itself, not of a subject: the next meeting, who came,
# the team, the opening and the closing (compared without case and accents).
NOT_A_SUBJECT = re.compile(
    r"\b(?:save the date|a vos agendas|agenda|prochaine?s? (?:atelier|adc|rencontre|seance"
    r"|reunion)|introduction|conclusions?|remerciements|participant|equipe|contacts?)"
)


def _subject_sections(
    rows: Sequence[sqlite3.Row], of_section: dict[tuple[str, int], set[str]]
) -> list[bool]:
    """Whether each section may be related: not a recap's text before its first heading
    (unless the recap has nothing else), not under a heading of the recap itself
    (NOT_A_SUBJECT), not under a heading that several recaps share without an action."""
    from kb.text.fold import fold

    headed = {row[0] for row in rows if row[2]}
    folded = {heading: fold(heading) for heading in {row[2] for row in rows if row[2]}}
    recaps_of: dict[str, set[str]] = {}
    for row in rows:
        if row[2]:
            recaps_of.setdefault(folded[row[2]], set()).add(row[0])
    subject = {
        heading: not NOT_A_SUBJECT.search(key.replace("-", " ")) for heading, key in folded.items()
    }
    kept = []
    for row in rows:
        if not row[2]:
            kept.append(row[0] not in headed)
        else:
            shared = len(recaps_of[folded[row[2]]]) > 1
            action = bool(of_section.get((row[0], row[1])))
            kept.append((action or not shared) and subject[row[2]])
    return kept


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
