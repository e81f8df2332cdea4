"""``kb search --raw``: the query goes to FTS5 as written."""

from __future__ import annotations

import sqlite3
from typing import Any

from kb.errors import UsageError
from kb.i18n import _
from kb.search.filters import Filters, where_clause
from kb.search.hits import MARK_END, MARK_START, SNIPPET_TOKENS, RecapHit, SectionHit


def search(
    conn: sqlite3.Connection, text: str, *, filters: Filters | None = None, limit: int = 10
) -> list[RecapHit]:
    """Recaps that match the FTS5 query ``text`` as written, best first, with their
    matching sections; its syntax errors become a UsageError."""
    from kb.search.query import check_length

    check_length(text)
    filters = filters or Filters()
    where, params = where_clause(filters)
    title = f"highlight(recaps_fr, 0, '{MARK_START}', '{MARK_END}') AS title"
    if where:
        sql = (
            f"SELECT r.id, r.date, r.basin, r.path, r.kind, f.rank AS rank, {title}"
            " FROM recaps_fr f JOIN recaps r ON r.n = f.rowid"
            f" WHERE recaps_fr MATCH ?{where} ORDER BY f.rank LIMIT ?"
        )
    else:  # the best FTS rows first, then their recaps (see kb.search.ranking)
        sql = (
            "SELECT r.id, r.date, r.basin, r.path, r.kind, f.rank AS rank, f.title FROM"
            f" (SELECT rowid, rank, {title} FROM recaps_fr WHERE recaps_fr MATCH ?"
            " ORDER BY rank LIMIT ?) f JOIN recaps r ON r.n = f.rowid ORDER BY f.rank"
        )
    rows = _run(conn, sql, [text, *params, limit])
    hits = {
        row["id"]: RecapHit(
            row["id"],
            row["date"],
            row["basin"],
            row["title"],
            row["path"],
            -row["rank"],
            kind=row["kind"],
        )
        for row in rows
    }
    if hits:
        _attach_sections(conn, hits, text)
    _fallback_sections(conn, hits)
    return list(hits.values())


def _attach_sections(conn: sqlite3.Connection, hits: dict[str, RecapHit], match: str) -> None:
    from kb.index.fts import shown_sections

    marks = f"'{MARK_START}', '{MARK_END}'"
    table = shown_sections(conn, list(hits))
    sql = (
        "SELECT recap_id, position, rank,"
        f" highlight(shown_fr, 0, {marks}) AS heading,"
        f" snippet(shown_fr, 1, {marks}, '…', {SNIPPET_TOKENS}) AS snippet"
        f" FROM {table} WHERE shown_fr MATCH ? ORDER BY rank"
    )
    try:
        rows = _run(conn, sql, [match])
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


def _run(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[sqlite3.Row]:
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        raise UsageError(
            _(
                "--raw query is not valid FTS5 syntax ({reason}); quote words in double "
                "quotes, or drop --raw to search plain words"
            ).format(reason=exc)
        ) from None
