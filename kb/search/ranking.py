"""Search the recaps as a French reader means it.

On top of the core's accent- and case-blind matching: stems, inclusive forms, elision,
the glossary, inline filters and excluded words (see ``kb.search.query``); recaps that
match every word as written come before those that match only through stems; when no
recap has every word, the recaps with some of them; a word that is in no recap gets
"did you mean" from the index's own words, and the suggestion is used when it is the
only close one. What was done to the query is said in ``Outcome.notes``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kb.errors import UsageError
from kb.i18n import N_, _
from kb.index import fts
from kb.recaps.vocab import Vocabulary
from kb.search import proximity
from kb.search.filters import Filters, parse_day, where_clause
from kb.search.hits import RecapHit, SectionHit
from kb.search.query import (
    ALL,
    Features,
    Node,
    Parsed,
    Term,
    Word,
    build,
    check_length,
    expression,
    parse,
)
from kb.search.query import synonym_groups as _synonym_groups
from kb.search.snippets import Matcher, mark, snippet
from kb.text import french
from kb.text.fold import strip_accents

# Words of one query looked up for "did you mean" (each lookup reads every word of the
# index that could be close); the others are said to be in no recap.
CLOSE_LOOKUPS = 8
FALLBACK_NOTE = N_("No recap has all of these words; showing recaps with some of them.")


@dataclass
class Outcome:
    """The recaps found, best first, and one line for each thing done to the query."""

    hits: list[RecapHit]
    notes: list[str] = field(default_factory=list)


def search(
    conn: sqlite3.Connection,
    text: str,
    *,
    vocab: Vocabulary,
    filters: Filters | None = None,
    limit: int = 10,
    features: Features = ALL,
    sections: bool = True,
    meaning: bool = True,
    scores: bool = False,
) -> Outcome:
    """Recaps that match ``text``, best first, with their matching sections (none when
    not ``sections``: only which recaps match, as the web page's counts need). With
    ``meaning``, the recaps found by meaning when no recap has every word
    (kb.search.meaning); with ``scores`` too, each hit's meaning score even when the words
    found it (JSON: it costs the scan that a search by words alone does not need).

    ``text`` may hold inline filters (``basin:sud``); they narrow ``filters`` (a filter
    given both ways must agree). Raises UsageError when there is no word to look for.
    """
    check_length(text)
    parsed = parse(text, features)
    filters = _merge(filters or Filters(), inline_filters(vocab, parsed))
    words = list(parsed.words)
    if not any(not w.negated for w in words):
        if words:
            problem = _("query {query!r} has only excluded words; add a word to search for")
        else:
            problem = _("query {query!r} has no word to search for; add a word to search for")
        raise UsageError(problem.format(query=text))
    query = _Query(conn, vocab, features, filters, parsed.tree)
    terms = query.terms(words)
    rows = query.ranked(terms, limit)
    notes: list[str] = []
    # A word of an OR group that is in no recap finds nothing even when the other
    # members find recaps: it is corrected (or gets "did you mean") all the same.
    if features.typos and (not rows or parsed.either):
        fixed, notes = query.corrected(words, only=parsed.either if rows else None)
        if fixed != words:
            terms = query.terms(fixed)
            rows = query.ranked(terms, limit)
    every = bool(rows)
    if not rows and features.fallback and sum(not t.negated for t in terms) > 1:
        rows = query.ranked(terms, limit, every=False)
        if rows:
            notes.append(_(FALLBACK_NOTE))
    hits = query.hits(rows, terms, sections=sections)
    # Words in double quotes ask for these very words: no meaning then.
    if meaning and (scores or not every) and any(not w.negated and not w.quoted for w in words):
        from kb.search import meaning as by_meaning

        positive = " ".join(w.text for w in words if not w.negated)
        hits = by_meaning.blend(
            conn,
            hits,
            positive,
            filters=filters,
            limit=limit,
            every=every,
            excluded=lambda ids: query.excluded(terms, ids),
            sections=sections,
        )
    return Outcome(hits, notes)


# -- inline filters -------------------------------------------------------------------


def inline_filters(vocab: Vocabulary, parsed: Parsed) -> Filters:
    """The query's ``name:value`` filters, resolved like the options of the same name."""
    given = parsed.filters
    if parsed.clashes:
        name, first, second = parsed.clashes[0]
        raise UsageError(
            _("{name}:{first} and {name}:{second} in the query disagree; give one").format(
                name=name, first=first, second=second
            )
        )
    since = parse_day(given["since"], "since:", end=False) if "since" in given else None
    until = parse_day(given["until"], "until:", end=True) if "until" in given else None
    if "year" in given:
        year = given["year"]
        if not (year.isdigit() and len(year) == 4 and 1900 <= int(year) <= 2999):
            raise UsageError(_("year:{year}: expected a year like 2025").format(year=year))
        since = max(filter(None, (since, f"{year}-01-01")))
        until = min(filter(None, (until, f"{year}-12-31")))
    return Filters(
        basin=vocab.resolve_basin(given["basin"], option="basin:") if "basin" in given else None,
        action=(
            vocab.resolve_action(given["action"], option="action:") if "action" in given else None
        ),
        since=since,
        until=until,
    )


def _merge(options: Filters, inline: Filters) -> Filters:
    for name in ("basin", "action"):
        a, b = getattr(options, name), getattr(inline, name)
        if a and b and a != b:
            raise UsageError(
                _("--{name} {given} and {name}:{inline} in the query disagree; give one").format(
                    name=name, given=a, inline=b
                )
            )
    since = [d for d in (options.since, inline.since) if d]
    until = [d for d in (options.until, inline.until) if d]
    return Filters(
        basin=options.basin or inline.basin,
        action=options.action or inline.action,
        since=max(since) if since else None,
        until=min(until) if until else None,
        kind=options.kind,
    )


# -- the query against the index ------------------------------------------------------


class _Query:
    def __init__(
        self,
        conn: sqlite3.Connection,
        vocab: Vocabulary,
        features: Features,
        filters: Filters,
        tree: Node | None = None,
    ) -> None:
        self.conn = conn
        self.features = features
        self.filters = filters
        self.tree = tree  # how the words combine (OR groups)
        self.groups = _synonym_groups(vocab.glossary, features) if features.glossary else []

    def terms(self, words: Sequence[Word]) -> list[Term]:
        return build(words, self.features, self.groups, self.tree)

    def term(self, word: Word) -> Term:
        """One word's term, on its own."""
        return build([word], self.features, self.groups)[0]

    def ranked(self, terms: list[Term], limit: int, *, every: bool = True) -> list[sqlite3.Row]:
        """Matching recaps, best first. With every word required, the recaps that match
        every word as written come first, then those that match only through stems; in
        each of these, recaps that hold the words close together first (proximity)."""
        full = expression(terms, self.features, every=every)
        near = proximity.near(terms) if every and self.features.proximity else None
        if not (every and self.features.stemming):
            return self._recaps(full, limit, near=near)
        rows = self._recaps(expression(terms, self.features, exact=True), limit, near=near)
        if len(rows) < limit:
            rows += self._recaps(full, limit - len(rows), skip=[r["n"] for r in rows], near=near)
        return rows

    def _recaps(
        self,
        match: str,
        limit: int,
        skip: Sequence[int] = (),
        near: proximity.Near | None = None,
    ) -> list[sqlite3.Row]:
        if near is None:
            return self._by_bm25(match, limit, skip)
        rows = self._by_bm25(match, max(limit, proximity.RERANK), skip)
        return proximity.closest_first(self.conn, rows, near)[:limit]

    def _by_bm25(self, match: str, limit: int, skip: Sequence[int] = ()) -> list[sqlite3.Row]:
        where, params = where_clause(self.filters)
        unseen = f" AND {{}} NOT IN ({','.join('?' * len(skip))})" if skip else ""
        columns = "r.n, r.id, r.date, r.basin, r.path, r.title, r.kind"
        rank = fts.RANK
        if not where:
            # The best rows of the FTS table first, then their recaps: joining every
            # match before keeping the best doubles the time of a word in every recap.
            sql = (
                f"SELECT {columns}, f.rank FROM (SELECT rowid, {rank} AS rank FROM recaps_fr"
                f" WHERE recaps_fr MATCH ?{unseen.format('rowid')} ORDER BY rank LIMIT ?) f"
                " JOIN recaps r ON r.n = f.rowid ORDER BY f.rank"
            )
            return self.conn.execute(sql, [match, *skip, limit]).fetchall()
        sql = (
            f"SELECT {columns}, {rank} AS rank FROM recaps_fr f JOIN recaps r ON r.n = f.rowid"
            f" WHERE recaps_fr MATCH ?{where}{unseen.format('r.n')} ORDER BY rank LIMIT ?"
        )
        return self.conn.execute(sql, [match, *params, *skip, limit]).fetchall()

    def excluded(self, terms: Sequence[Term], ids: Sequence[str]) -> set[str]:
        """Which of these recaps hold an excluded word of the query."""
        unwanted = [t._replace(negated=False) for t in terms if t.negated]
        if not unwanted or not ids:
            return set()
        sql = (
            "SELECT r.id FROM recaps_fr f JOIN recaps r ON r.n = f.rowid"
            f" WHERE recaps_fr MATCH ? AND r.id IN ({','.join('?' * len(ids))})"
        )
        match = expression(unwanted, self.features, every=False)
        return {row[0] for row in self.conn.execute(sql, [match, *ids])}

    def exists(self, term: Term) -> bool:
        """Whether any recap, whatever the filters, has the term."""
        match = expression([term], self.features)
        sql = "SELECT 1 FROM recaps_fr WHERE recaps_fr MATCH ? LIMIT 1"
        return self.conn.execute(sql, (match,)).fetchone() is not None

    def corrected(
        self, words: list[Word], only: frozenset[int] | None = None
    ) -> tuple[list[Word], list[str]]:
        """Words that are in no recap replaced by the only close word of the index, if
        there is one; a note for each word that is in no recap. ``only``: the positions
        of the words to look at (all by default)."""
        out, notes = list(words), []
        positive = sum(not w.negated for w in words)
        looked = 0
        for i, word in enumerate(words):
            if word.negated or not word.plain or word.forms or (only is not None and i not in only):
                continue
            if self.exists(self.term(word)):
                continue
            looked += 1
            if looked > CLOSE_LOOKUPS:  # each lookup reads the index's words: bounded
                if positive > 1:
                    notes.append(_("{word}: in no recap.").format(word=word.text))
                continue
            close = close_words(self.conn, word.keys[0])
            if close.best:
                best = fts.written(self.conn, close.best)
                out[i] = Word(best, (best,))
                note = _("{word}: did you mean {best}? Showing results for it.")
                notes.append(note.format(word=word.text, best=best))
            elif close.suggestions:
                shown = [fts.written(self.conn, w) for w in close.suggestions[:3]]
                note = _("{word}: in no recap; did you mean {words}?")
                notes.append(note.format(word=word.text, words=_or(shown)))
            elif positive > 1:
                notes.append(_("{word}: in no recap.").format(word=word.text))
        return out, notes

    # -- results with their sections --

    def hits(
        self, rows: list[sqlite3.Row], terms: list[Term], *, sections: bool = True
    ) -> list[RecapHit]:
        matcher = Matcher(terms, self.features)
        hits = {
            row["id"]: RecapHit(
                row["id"],
                row["date"],
                row["basin"],
                mark(row["title"], matcher),
                row["path"],
                -row["rank"],
                kind=row["kind"],
            )
            for row in rows
        }
        # Which sections to show is decided here, with the highlighter's own matching,
        # not by FTS5: ranking sections with FTS5 scores every section of the index that
        # has a query word (all of them, for a common word) to keep a few.
        if hits and sections:
            self._attach(hits, terms, matcher)
        return list(hits.values())

    def _attach(self, hits: dict[str, RecapHit], terms: list[Term], matcher: Matcher) -> None:
        """Each recap's sections that hold every word of the query, best first; where the
        words are spread over several sections, those that hold any; else the first."""
        wanted = {i for i, term in enumerate(terms) if not term.negated}
        slots = ",".join("?" * len(hits))
        found: dict[str, list[tuple[tuple[int, int, int], SectionHit]]] = {}
        firsts: dict[str, Any] = {}
        # A section can only match if some query token's first letters are in it: a
        # cheap test that spares analysing most sections when the words are rare.
        needles = {token[:4] for _, alt in matcher.alts for token in alt.tokens}
        for row in self.conn.execute(
            "SELECT recap_id, position, heading, text FROM sections"
            f" WHERE recap_id IN ({slots}) ORDER BY recap_id, position",
            list(hits),
        ):
            firsts.setdefault(row["recap_id"], row)
            folded = strip_accents(f"{row['heading']}\n{row['text']}".lower())
            if not any(needle in folded for needle in needles):
                continue
            in_heading = matcher.spans(french.analyse(row["heading"]))
            in_text = matcher.spans(french.analyse(row["text"]))
            held = {span.term for span in in_heading + in_text}
            if not held:
                continue
            # Every word first, then more of the words, then more matches (a match in
            # the heading counts three times, as in the index's bm25 weights).
            score = 3 * len(in_heading) + len(in_text)
            key = (int(wanted <= held), len(held), score)
            found.setdefault(row["recap_id"], []).append(
                (key, _section(row, matcher, float(score)))
            )
        for recap_id, hit in hits.items():
            candidates = sorted(found.get(recap_id, []), key=lambda c: c[0], reverse=True)
            if candidates and candidates[0][0][0]:
                candidates = [c for c in candidates if c[0][0]]
            hit.sections = [section for _, section in candidates]
            if not hit.sections and recap_id in firsts:  # matched through its title only
                hit.sections = [_section(firsts[recap_id], matcher, 0.0)]


def _section(row: Any, matcher: Matcher, score: float) -> SectionHit:
    return SectionHit(
        row["position"], mark(row["heading"], matcher), snippet(row["text"], matcher), score
    )


def _or(words: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    if len(words) == 1:
        return words[0]
    return _("{words} or {last}").format(words=", ".join(words[:-1]), last=words[-1])


# -- did you mean ---------------------------------------------------------------------


class Close(NamedTuple):
    """Words of the index close to a word that is in none: ``edits`` (typos, closest
    first) and ``longer`` (words it starts, most common first)."""

    edits: list[str]
    longer: list[str]

    @property
    def best(self) -> str | None:
        """The word to search instead: the closest typo fix, when every close word is
        a form of it (same stem). A word cut short is suggested, never replaced."""
        if not self.edits:
            return None
        family = set(french.query_stems(self.edits[0]))
        if all(family & set(french.query_stems(w)) for w in self.edits + self.longer):
            return self.edits[0]
        return None

    @property
    def suggestions(self) -> list[str]:
        return list(dict.fromkeys(self.edits + self.longer))


def close_words(conn: sqlite3.Connection, word: str) -> Close:
    """Words of the index close to ``word``: one edit away for words of 4 to 7 letters,
    two from 8; or that start with it. None for shorter words. As most spelling
    checkers, it trusts the first letter (or the first two, swapped, or one letter too
    many before it): the index's words are read from those that begin with it, not all
    (a read of every word took most of a search that found nothing in 10,000 recaps)."""
    size = len(word)
    if size < 4:
        return Close([], [])
    most = 1 if size < 8 else 2
    edits, longer = [], []
    # The first two letters swapped, or one too many before them: looked up as such.
    others = {word[1:], word[1] + word[0] + word[2:]}
    seen: set[str] = set()
    for start in (word[0], *sorted(others)):
        for term, docs in fts.vocabulary(conn, size - most, size + 12, start):
            if term.isdigit() or term == word or (start in others and term != start):
                continue
            if term in seen:  # "ssalut": "salut" begins with its first letter too
                continue
            seen.add(term)
            if term.startswith(word):
                longer.append((-docs, term))
            d = distance(word, term, most)
            if d <= most:
                edits.append((d, -docs, term))
    return Close([t for *_, t in sorted(edits)], [t for _, t in sorted(longer)])


def distance(a: str, b: str, most: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from a to b; most + 1 once
    it is known to be more than ``most``."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > most:
            return most + 1
        before, row = row, current
    return min(row[-1], most + 1)
