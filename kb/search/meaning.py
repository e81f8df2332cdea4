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

import json
import math
import operator
import re
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

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
        for (n,) in conn.execute(sql, [_written(spelled[row]), *params, CANDIDATES - len(found)]):
            found.setdefault(n, None)
    return list(found)


def _written(word: str) -> str:
    """An FTS5 query for the recaps that have ``word`` as written (its form, not its
    stem: the columns of words as written and of inclusive forms)."""
    return '{head body forms} : "' + word.replace('"', '""') + '"'


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
# Which other recaps related() compares with this one (every other recap of a smaller
# knowledge base): those that have the most of the weightiest words of its sections
# (WHOLE recaps, each section compared, besides two for each section asked for), and
# those that hold its sections' actions (HOLDING recaps, the sections that speak of
# the action compared), the rarer action first, other basins first, the newest first.
WHOLE = 60
HOLDING = 400
SOUGHT = 6  # the weightiest words of each section the other recaps are found by
POSTINGS = 200  # the recaps each of these words finds at most (the newest first)
# How many sections the common component is the mean of (every section of a smaller
# knowledge base; else as many spread over the index).
SAMPLE = 200


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


class _Section(NamedTuple):
    recap_id: str
    position: int
    heading: str
    key: str  # the heading folded (kb.text.fold), as the index keeps it
    basin: str
    digest: str  # its vector's (table vectors)


_SECTIONS = (
    "SELECT s.recap_id, s.position, s.heading, s.heading_key, r.basin, s.digest FROM sections s"
    " JOIN recaps r ON r.id = s.recap_id"
)


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
    actions.

    Only some other recaps are compared (:func:`_compared`), in plain Python: reading
    every section's vectors into numpy took a second at 10,000 recaps."""
    own = _read(conn, [recap_id])
    means = _means(conn, [section.digest for section in own])
    own = [section for section in own if section.digest in means]
    if not own:
        return []
    actions = _section_actions(conn, [recap_id])
    kept = _subject_sections(conn, own, actions)
    mine = [section for section, keep in zip(own, kept, strict=True) if keep] or own
    total = conn.execute("SELECT count(*) FROM recaps").fetchone()[0]
    of_mine = [actions.get((s.recap_id, s.position), set()) for s in mine]
    specific = _specificity(conn, set().union(*of_mine), total)
    whole, holding = _compared(conn, recap_id, mine, specific, total, WHOLE + 2 * limit)
    rows = _read(conn, whole)
    actions.update(_section_actions(conn, whole))
    # Of the recaps that hold an action, the sections that speak of it only.
    held = [row for row in _read(conn, list({r: None for r, _ in holding})) if row[:2] in holding]
    actions.update(holding)
    rows += held
    kept = _subject_sections(conn, rows, actions)
    rows = [row for row, keep in zip(rows, kept, strict=True) if keep]
    means.update(_means(conn, [row.digest for row in rows]))
    near = _Near(_common(conn), [means[section.digest] for section in mine])
    scored = []  # (order, cosine, this recap's section, the other section)
    for section in rows:
        if section.digest not in means:
            continue
        theirs = actions.get((section.recap_id, section.position), set())
        best, at, cosine = -9.0, 0, 0.0
        for j, close in enumerate(near.cosines(means[section.digest])):
            shared = theirs & of_mine[j]
            score = close + max((SHARED * specific[a] for a in shared), default=0.0)
            if score > best:
                best, at, cosine = score, j, close
        if best >= RELATED:
            scored.append((best, cosine, mine[at], section))
    scored.sort(key=lambda s: -s[0])
    basin = own[0].basin
    scored.sort(key=lambda s: s[3].basin == basin)  # stable: other basins first
    out: list[Related] = []
    seen: dict[str, int] = {}
    for _, cosine, this, other in scored:
        if seen.get(other.recap_id, 0) >= 2:  # at most two sections of one recap
            continue
        seen[other.recap_id] = seen.get(other.recap_id, 0) + 1
        out.append(_related(conn, this, other, cosine))
        if len(out) >= limit:
            break
    return out


def _read(conn: sqlite3.Connection, recap_ids: Sequence[str]) -> list[_Section]:
    """The sections of these recaps, in the index's order."""
    rows = _in(conn, f"{_SECTIONS} WHERE s.recap_id IN ({{}})", recap_ids)
    return sorted(map(_Section._make, rows), key=lambda s: (s.recap_id, s.position))


def _means(conn: sqlite3.Connection, digests: Sequence[str]) -> dict[str, bytes]:
    """The mean vector of each of these sections (by digest), as the index keeps it."""
    wanted = sorted(set(digests))
    return dict(_in(conn, "SELECT digest, mean FROM means WHERE digest IN ({})", wanted))


def _compared(
    conn: sqlite3.Connection,
    recap_id: str,
    mine: Sequence[_Section],
    specific: dict[str, float],
    total: int,
    most: int,
) -> tuple[list[str], dict[tuple[str, int], set[str]]]:
    """The other recaps worth comparing with this one's sections: every one, wholly,
    when there are no more than ``most + HOLDING``. Else ``most`` recaps compared wholly,
    those that have the most of the sections' weightiest words (:func:`_by_words`), and
    HOLDING recaps that hold the sections' actions, compared by the sections that speak
    of them (related() puts those first, the rarer the action the sooner): the rarer
    action first, other basins first, the newest first; these sections (recap,
    position) with the actions they speak of.

    A section that says the same thing in quite other words and shares no action is not
    looked for (a search by meaning finds those through its words' nearest words): a
    related section shares words, or an action."""
    if total - 1 <= most + HOLDING:
        everyone = conn.execute("SELECT id FROM recaps WHERE id != ? ORDER BY id", (recap_id,))
        return [r for (r,) in everyone], {}
    found = _by_words(conn, recap_id, mine, total)
    best = sorted(found, key=lambda n: (-found[n], -n))[: most + 1]
    named = dict(_in(conn, "SELECT n, id FROM recaps WHERE n IN ({})", best))
    whole = [named[n] for n in best if n in named and named[n] != recap_id][:most]
    holding: dict[tuple[str, int], set[str]] = {}
    holders: set[str] = set(whole)
    basin = mine[0].basin
    for action in sorted(specific, key=lambda a: (-specific[a], a)):
        for other in ("!=", "="):  # other basins first
            if len(holders) >= most + HOLDING:
                break
            for rid, positions in conn.execute(
                "SELECT a.recap_id, a.sections FROM recap_actions a"
                " JOIN recaps r ON r.id = a.recap_id WHERE a.action = ? AND a.sections != '[]'"
                f" AND r.basin {other} ? AND a.recap_id != ? ORDER BY a.rowid DESC LIMIT ?",
                (action, basin, recap_id, most + HOLDING - len(holders)),
            ):
                if rid in whole:
                    continue
                holders.add(rid)
                for position in json.loads(positions):
                    holding.setdefault((rid, position), set()).add(action)
    return whole, holding


def _by_words(
    conn: sqlite3.Connection, recap_id: str, mine: Sequence[_Section], total: int
) -> dict[int, float]:
    """Recaps (their rowids) that have some of the weightiest words of these sections
    (SOUGHT each), with how much they share with the section they share most with: the
    SIF weight of each word, times how rare it is in the index (its idf, POSTINGS
    recaps read at most, the newest)."""
    texts = dict(
        conn.execute(
            "SELECT position, heading || char(10) || text FROM sections WHERE recap_id = ?",
            (recap_id,),
        ).fetchall()
    )
    sql = (
        f"SELECT rowid FROM recaps_fr WHERE recaps_fr MATCH ? ORDER BY rowid DESC LIMIT {POSTINGS}"
    )
    said = {position: meaning.words(texts.get(position, "")) for position in texts}
    table = meaning.known(w.key for words in said.values() for w in words)
    found: dict[int, float] = {}
    for section in mine:
        weights = {
            w.key: table[w.key].weight
            for w in said.get(section.position, [])
            if w.key in table and table[w.key].own
        }
        score: dict[int, float] = {}
        for key in sorted(weights, key=lambda k: (-weights[k], k))[:SOUGHT]:
            hits = [n for (n,) in conn.execute(sql, (_written(key),))]
            value = weights[key] * math.log(1 + total / max(1, len(hits)))
            for n in hits:
                score[n] = score.get(n, 0.0) + value
        for n, value in score.items():
            if value > found.get(n, 0.0):
                found[n] = value
    return found


def _in(
    conn: sqlite3.Connection, sql: str, values: Sequence[object], before: Sequence[object] = ()
) -> list[Any]:
    """Rows of ``sql`` whose ``{}`` is a list of ``values`` (in chunks SQLite takes),
    after the parameters ``before``."""
    out: list[Any] = []
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        out.extend(conn.execute(sql.format(",".join("?" * len(chunk))), [*before, *chunk]))
    return out


def _specificity(conn: sqlite3.Connection, actions: set[str], total: int) -> dict[str, float]:
    """How specific each action is: 1 for an action of one recap, 0 for one of every
    recap."""
    if not actions:
        return {}
    held = conn.execute(
        "SELECT action, count(*) FROM recap_actions"
        f" WHERE action IN ({','.join('?' * len(actions))}) GROUP BY action",
        sorted(actions),
    )
    return {action: 1 - (n - 1) / max(total, 1) for action, n in held}


def _common(conn: sqlite3.Connection) -> list[float]:
    """What every section of the knowledge base shares (the vocabulary of the social-
    health network), to take away from each: what is left tells sections apart (SIF's
    common component). The mean of every section's vector, or of SAMPLE sections spread
    over the index in a larger one. In a small knowledge base the mean is mostly its few
    sections themselves: taken away in part only (n / (n + 50) of it), as a prior would."""
    last = conn.execute("SELECT max(n) FROM sections").fetchone()[0] or 0
    sql = "SELECT m.mean FROM sections s JOIN means m ON m.digest = s.digest"
    if last <= SAMPLE:
        values = [row[0] for row in conn.execute(sql)]
        count = len(values)
    else:
        step = last / SAMPLE
        numbers = sorted({int(i * step) + 1 for i in range(SAMPLE)})
        values = [row[0] for row in _in(conn, f"{sql} WHERE s.n IN ({{}})", numbers)]
        count = last  # about as many sections as that
    if not values:
        return [0.0] * meaning.DIMENSIONS
    share = count / (count + 50) / len(values)
    return [sum(xs) * share for xs in zip(*map(meaning.section_mean, values), strict=True)]


class _Near:
    """The cosines of sections to this recap's, less the common component (SIF's), as
    distances: ``math.dist`` is one call in C where a dot product in Python is 128
    multiplications. For a section ``a`` and this recap's ``u`` (centred, of length 1):
    ``|a - common - s u|² = |a - common|² - 2 s (a - common)·u + s²``."""

    def __init__(self, common: Sequence[float], means: Sequence[bytes]) -> None:
        self.common = tuple(common)
        centred = [list(map(operator.sub, meaning.section_mean(m), common)) for m in means]
        norms = [math.sqrt(sum(map(operator.mul, c, c))) for c in centred]
        # Any length works; one near a section's keeps the subtraction exact.
        self.scale = max(norms, default=1.0) or 1.0
        self.points = [
            tuple(x + self.scale * y / norm if norm else x for x, y in zip(common, c, strict=True))
            for c, norm in zip(centred, norms, strict=True)
        ]
        self.blank = [norm == 0 for norm in norms]

    def cosines(self, mean: bytes) -> list[float]:
        """The cosine of this section (its mean, as stored) to each of the recap's."""
        point = tuple(meaning.section_mean(mean))
        length = math.dist(point, self.common)
        if not length:
            return [0.0] * len(self.points)
        scale = self.scale
        base = length * length + scale * scale
        return [
            0.0 if blank else (base - math.dist(point, target) ** 2) / (2 * scale * length)
            for target, blank in zip(self.points, self.blank, strict=True)
        ]


def _section_actions(
    conn: sqlite3.Connection, recap_ids: Sequence[str]
) -> dict[tuple[str, int], set[str]]:
    """The actions each section of these recaps speaks of, by (recap, position)."""
    out: dict[tuple[str, int], set[str]] = {}
    for recap_id, action, positions in _in(
        conn,
        "SELECT recap_id, action, sections FROM recap_actions"
        " WHERE sections != '[]' AND recap_id IN ({})",
        recap_ids,
    ):
        for position in json.loads(positions):
            out.setdefault((recap_id, position), set()).add(action)
    return out


# Headings of what a recap says of itself, not of a subject: the next meeting, who came,
# the team, the opening and the closing (compared without case and accents).
NOT_A_SUBJECT = re.compile(
    r"\b(?:save the date|a vos agendas|agenda|prochaine?s? (?:atelier|adc|rencontre|seance"
    r"|reunion)|introduction|conclusions?|remerciements|participant|equipe|contacts?)"
)


def _subject_sections(
    conn: sqlite3.Connection,
    rows: Sequence[_Section],
    actions: dict[tuple[str, int], set[str]],
) -> list[bool]:
    """Whether each section (of whole recaps) may be related: not a recap's text before
    its first heading (unless the recap has nothing else), not under a heading of the
    recap itself (NOT_A_SUBJECT), not under a heading that other recaps have too (the
    index's heading keys tell) without an action."""
    headed = {row.recap_id for row in rows if row.heading}
    among: dict[str, set[str]] = {}
    for row in rows:
        if row.heading:
            among.setdefault(row.key, set()).add(row.recap_id)
    shared: dict[tuple[str, str], bool] = {}

    def elsewhere(key: str, recap_id: str) -> bool:
        if len(among[key]) > 1:
            return True
        if (key, recap_id) not in shared:
            other = conn.execute(
                "SELECT 1 FROM sections WHERE heading_key = ? AND recap_id != ? LIMIT 1",
                (key, recap_id),
            ).fetchone()
            shared[key, recap_id] = other is not None
        return shared[key, recap_id]

    kept = []
    for row in rows:
        if not row.heading:
            kept.append(row.recap_id not in headed)
        elif NOT_A_SUBJECT.search(row.key.replace("-", " ")):
            kept.append(False)
        else:
            action = bool(actions.get((row.recap_id, row.position)))
            kept.append(action or not elsewhere(row.key, row.recap_id))
    return kept


def _related(conn: sqlite3.Connection, this: _Section, other: _Section, score: float) -> Related:
    recap = conn.execute(
        "SELECT id, date, basin, title, path FROM recaps WHERE id = ?", (other.recap_id,)
    ).fetchone()
    return Related(
        this.position,
        this.heading,
        recap[0],
        recap[1],
        recap[2],
        recap[3],
        recap[4],
        other.position,
        other.heading,
        score,
    )
