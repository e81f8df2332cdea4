"""Queries over the index: search, list, show. Bound parameters only, ranked by bm25."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kb import query as q
from kb.config import Location
from kb.errors import NotFoundError, UsageError
from kb.text import did_you_mean
from kb.vocab import Vocabulary

# Snippet markers: control characters that recaps cannot contain once cleaned.
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_TOKENS = 24


class Filters(NamedTuple):
    """Resolved filters; dates are inclusive ISO days."""

    basin: str | None = None
    action: str | None = None
    since: str | None = None
    until: str | None = None


def make_filters(
    vocab: Vocabulary,
    *,
    basin: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
    year: int | None = None,
) -> Filters:
    """Check and resolve filter options as the user typed them."""
    start = parse_day(since, "--since", end=False) if since else None
    stop = parse_day(until, "--until", end=True) if until else None
    if year is not None:
        if not 1900 <= year <= 2999:
            raise UsageError(f"--year {year}: expected a year like 2025")
        start = max(filter(None, (start, f"{year}-01-01")))
        stop = min(filter(None, (stop, f"{year}-12-31")))
    return Filters(
        basin=vocab.resolve_basin(basin) if basin else None,
        action=vocab.resolve_action(action) if action else None,
        since=start,
        until=stop,
    )


def parse_day(text: str, option: str, *, end: bool) -> str:
    """``2024``, ``2024-06`` or ``2024-06-10`` as an ISO day: the first of the period, or
    the last when ``end``."""
    import calendar  # lazy: only date filters need it
    import datetime as dt

    parts = text.strip().split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(parts) == 1 and len(parts[0]) == 4:
            day = dt.date(numbers[0], 12, 31) if end else dt.date(numbers[0], 1, 1)
        elif len(parts) == 2 and len(parts[0]) == 4:
            y, m = numbers
            last = calendar.monthrange(y, m)[1]
            day = dt.date(y, m, last if end else 1)
        elif len(parts) == 3:
            day = dt.date.fromisoformat(text.strip())
        else:
            raise ValueError(text)
    except ValueError:
        raise UsageError(
            f"{option} {text!r}: expected a date as YYYY, YYYY-MM or YYYY-MM-DD"
        ) from None
    return day.isoformat()


def _where(filters: Filters, alias: str = "r") -> tuple[str, list[Any]]:
    clauses, params = [], []
    if filters.basin:
        clauses.append(f"{alias}.basin = ?")
        params.append(filters.basin)
    if filters.action:
        clauses.append(
            f"EXISTS (SELECT 1 FROM recap_actions a WHERE a.recap_id = {alias}.id AND a.action = ?)"
        )
        params.append(filters.action)
    if filters.since:
        clauses.append(f"{alias}.date >= ?")
        params.append(filters.since)
    if filters.until:
        clauses.append(f"{alias}.date <= ?")
        params.append(filters.until)
    return "".join(f" AND {c}" for c in clauses), params


# -- search ---------------------------------------------------------------------------


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


def search(
    conn: sqlite3.Connection,
    text: str,
    *,
    filters: Filters | None = None,
    limit: int = 10,
    raw: bool = False,
) -> list[RecapHit]:
    """Recaps that match every word of ``text``, best first, with their matching sections.

    ``raw`` passes ``text`` to FTS5 as is (its syntax errors become a UsageError).
    """
    filters = filters or Filters()
    if raw:
        match_all = match_any = text
    else:
        terms = q.parse(text)
        if not terms:
            raise UsageError(f"query {text!r} has no word to search for")
        match_all, match_any = q.all_of(terms), q.any_of(terms)
    where, params = _where(filters)
    title = f"highlight(recaps_fr, 0, '{MARK_START}', '{MARK_END}') AS title"
    if where:
        sql = (
            f"SELECT r.id, r.date, r.basin, r.path, f.rank AS rank, {title}"
            " FROM recaps_fr f JOIN recaps r ON r.n = f.rowid"
            f" WHERE recaps_fr MATCH ?{where} ORDER BY f.rank LIMIT ?"
        )
    else:  # the best FTS rows first, then their recaps (see kb.french_search)
        sql = (
            "SELECT r.id, r.date, r.basin, r.path, f.rank AS rank, f.title FROM"
            f" (SELECT rowid, rank, {title} FROM recaps_fr WHERE recaps_fr MATCH ?"
            " ORDER BY rank LIMIT ?) f JOIN recaps r ON r.n = f.rowid ORDER BY f.rank"
        )
    rows = _run(conn, sql, [match_all, *params, limit], raw)
    hits = {
        row["id"]: RecapHit(
            row["id"], row["date"], row["basin"], row["title"], row["path"], -row["rank"]
        )
        for row in rows
    }
    # Sections that hold every word first; for recaps where the words are spread over
    # several sections, the sections that hold any of them.
    if hits:
        _attach_sections(conn, hits, match_all, raw)
    spread = {k: h for k, h in hits.items() if not h.sections}
    if spread and match_any != match_all:
        _attach_sections(conn, spread, match_any, raw)
    _fallback_sections(conn, hits)
    return list(hits.values())


def _attach_sections(
    conn: sqlite3.Connection, hits: dict[str, RecapHit], match: str, raw: bool
) -> None:
    from kb.french_index import shown_sections

    marks = f"'{MARK_START}', '{MARK_END}'"
    table = shown_sections(conn, list(hits))
    sql = (
        "SELECT recap_id, position, rank,"
        f" highlight(shown_fr, 0, {marks}) AS heading,"
        f" snippet(shown_fr, 1, {marks}, '…', {SNIPPET_TOKENS}) AS snippet"
        f" FROM {table} WHERE shown_fr MATCH ? ORDER BY rank"
    )
    try:
        rows = _run(conn, sql, [match], raw)
    finally:
        conn.execute(f"DROP TABLE {table}")
    for row in rows:
        hits[row["recap_id"]].sections.append(
            SectionHit(row["position"], row["heading"], row["snippet"], -row["rank"])
        )


def _fallback_sections(conn: sqlite3.Connection, hits: dict[str, RecapHit]) -> None:
    for hit in hits.values():
        if not hit.sections:  # matched through the title only
            row = conn.execute(
                "SELECT position, heading, text FROM sections WHERE recap_id = ?"
                " ORDER BY position LIMIT 1",
                (hit.id,),
            ).fetchone()
            if row is not None:
                words = row["text"].split()
                more = "…" if len(words) > SNIPPET_TOKENS else ""
                hit.sections.append(
                    SectionHit(
                        row["position"],
                        row["heading"],
                        " ".join(words[:SNIPPET_TOKENS]) + more,
                        0.0,
                    )
                )


def _run(conn: sqlite3.Connection, sql: str, params: list[Any], raw: bool) -> list[sqlite3.Row]:
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if raw:
            raise UsageError(
                f"--raw query is not valid FTS5 syntax ({exc}); quote words in double quotes, "
                "or drop --raw to search plain words"
            ) from None
        raise


def strip_marks(text: str) -> str:
    return text.replace(MARK_START, "").replace(MARK_END, "")


# -- list and show --------------------------------------------------------------------

_LIST_COLUMNS = "id, date, basin, title, edition, participants, actions, path"


def list_recaps(
    conn: sqlite3.Connection, *, filters: Filters | None = None
) -> list[dict[str, Any]]:
    """Recaps matching the filters, oldest first."""
    where, params = _where(filters or Filters())
    rows = conn.execute(
        f"SELECT {_LIST_COLUMNS} FROM recaps r WHERE 1 = 1{where} ORDER BY date, basin", params
    )
    return [_decoded(row) for row in rows]


def _decoded(row: sqlite3.Row) -> dict[str, Any]:
    import json  # lazy: a search needs none

    out = dict(row)
    for key in ("team", "support_group", "actions", "tags"):
        if key in out:
            out[key] = json.loads(out[key]) if out[key] else []
    return out


def get_recap(conn: sqlite3.Connection, loc: Location, ref: str) -> dict[str, Any]:
    """One recap by id, file path, or unambiguous id prefix: all its fields."""
    rel = _as_relpath(loc, ref)
    row = conn.execute("SELECT * FROM recaps WHERE id = ? OR path = ?", (ref, rel)).fetchone()
    if row is None:
        key = ref.removesuffix(".md")
        like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = conn.execute(
            "SELECT * FROM recaps WHERE id LIKE ? ESCAPE '\\' ORDER BY id", (like,)
        ).fetchall()
        if len(rows) > 1:
            names = ", ".join(r["id"] for r in rows[:6])
            raise NotFoundError(
                f"{ref!r} matches {len(rows)} recaps ({names}); give more of the id"
            )
        if not rows:
            ids = [r[0] for r in conn.execute("SELECT id FROM recaps")]
            raise NotFoundError(
                f"no recap {ref!r}{did_you_mean(ref, ids)}; `kb list` shows the ids"
            )
        row = rows[0]
    out = _decoded(row)
    del out["n"]
    out.pop("text", None)  # an old column, no longer written
    return out


def _as_relpath(loc: Location, ref: str) -> str | None:
    if not (ref.endswith(".md") or os.sep in ref or "/" in ref):
        return None
    try:
        from pathlib import Path  # lazy: only for a reference given as a path

        return Path(os.path.relpath(Path(ref).resolve(), loc.kb_dir.resolve())).as_posix()
    except ValueError:
        return None
