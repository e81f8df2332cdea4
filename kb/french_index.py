"""The French-aware part of the index: stems and inclusive forms beside the words.

Two FTS5 tables, ``recaps_fr`` and ``sections_fr``, one row per recap and per section
(rowid = ``recaps.n`` / ``sections.n``), with five columns:

- ``head``, ``body``: the title (or heading) and the text, as written; the tokenizer
  drops case and accents. Exact matches are found here.
- ``head_stem``, ``body_stem``: the same texts as stems, one per token, so phrases of
  stems line up. Stem-only matches are found here.
- ``forms``: the masculine, feminine and plural forms of every inclusive form of the
  texts (``acteur-rices`` -> ``acteur acteurs actrice actrices``).

They are regular FTS5 tables filled from Python (the stems need PyStemmer, which SQL
triggers cannot call), written when sync writes recaps and emptied by SQL triggers
when a recap or a section row is deleted, whatever deletes it. They are the only
full-text index: ``--raw`` queries them too (``head:`` and ``body:`` are its columns).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from kb import french

COLUMNS = ("head", "body", "head_stem", "body_stem", "forms")
WORD_COLUMNS = ("head", "body")
STEM_COLUMNS = ("head_stem", "body_stem")
FORM_COLUMNS = ("forms",)
# bm25 weights, in COLUMNS order: titles and headings weigh more than text (as in the
# core index), and a stem counts less than the word as written.
RECAP_WEIGHTS = (4.0, 1.0, 2.0, 0.5, 1.0)
SECTION_WEIGHTS = (3.0, 1.0, 1.5, 0.5, 1.0)
TOKENIZE = "unicode61 remove_diacritics 2"


def migrate(conn: sqlite3.Connection) -> None:
    """Schema: the two FTS tables, their delete triggers, and the words' vocabulary."""
    for table, parent, weights in (
        ("recaps_fr", "recaps", RECAP_WEIGHTS),
        ("sections_fr", "sections", SECTION_WEIGHTS),
    ):
        conn.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(COLUMNS)}, "
            f"tokenize = '{TOKENIZE}')"
        )
        conn.execute(
            f"INSERT INTO {table}({table}, rank) VALUES('rank', "
            f"'bm25({', '.join(str(w) for w in weights)})')"
        )
        conn.execute(
            f"CREATE TRIGGER {parent}_fr_ad AFTER DELETE ON {parent} BEGIN "
            f"DELETE FROM {table} WHERE rowid = old.n; END"
        )
    # The index's words, for "did you mean": read through fts5vocab, never a file.
    conn.execute("CREATE VIRTUAL TABLE recaps_fr_vocab USING fts5vocab(recaps_fr, 'col')")


def add(
    conn: sqlite3.Connection,
    recap_ids: Iterable[str],
    analysis: dict[str, tuple[tuple[str, str], dict[int, tuple[str, str, str]]]] | None = None,
) -> None:
    """Write the French rows of these recaps (already in ``recaps`` and ``sections``).

    Each section is analysed once: a recap's stems and forms are its title's, then its
    sections' in order (its text is its sections' headings and texts, joined).
    ``analysis`` holds what was already computed (kb.prepare): recap id -> (the title's
    stems and forms, section position -> (heading stems, text stems, forms)).
    """
    done = analysis or {}
    ids = list(recap_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        slots = ",".join("?" * len(chunk))
        section_rows = []
        parts: dict[str, list[str]] = {}
        forms: dict[str, list[str]] = {}
        for n, recap_id, position, heading, text in conn.execute(
            f"SELECT n, recap_id, position, heading, text FROM sections"
            f" WHERE recap_id IN ({slots}) ORDER BY recap_id, position",
            chunk,
        ):
            known = done.get(recap_id, (("", ""), {}))[1].get(position)
            if known is None:
                row = _row(n, heading or "", text or "")
            else:
                row = (n, heading or "", text or "", *known)
            section_rows.append(row)
            parts.setdefault(recap_id, []).extend(row[3:5])
            forms.setdefault(recap_id, []).append(row[5])
        recap_rows = []
        for n, recap_id, title, text in conn.execute(
            f"SELECT n, id, title, text FROM recaps WHERE id IN ({slots})", chunk
        ):
            title_stems, title_forms = (
                done[recap_id][0]
                if recap_id in done
                else (french.stems_text(title), french.forms_text(title))
            )
            recap_rows.append(
                (
                    n,
                    title,
                    text,
                    title_stems,
                    " ".join(p for p in parts.get(recap_id, ()) if p),
                    " ".join(f for f in (title_forms, *forms.get(recap_id, ())) if f),
                )
            )
        _insert(conn, "recaps_fr", recap_rows)
        _insert(conn, "sections_fr", section_rows)


def terms(head: str, body: str) -> tuple[str, str, str]:
    """A section's stem and form columns: its heading's stems, its text's stems, and the
    inclusive forms of both."""
    forms = f"{french.forms_text(head)} {french.forms_text(body)}".strip()
    return (french.stems_text(head), french.stems_text(body), forms)


def _row(n: int, head: str, body: str) -> tuple[int, str, str, str, str, str]:
    return (n, head, body, *terms(head, body))


def _insert(conn: sqlite3.Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    conn.executemany(
        f"INSERT INTO {table}(rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)", rows
    )


# -- read side ------------------------------------------------------------------------


def vocabulary(conn: sqlite3.Connection, low: int, high: int) -> list[tuple[str, int]]:
    """Words of the recaps as written (word keys), ``low`` to ``high`` letters long, with
    the number of recaps that have each."""
    rows = conn.execute(
        "SELECT term, max(doc) FROM recaps_fr_vocab WHERE col IN ('head', 'body')"
        " AND length(term) BETWEEN ? AND ? GROUP BY term",
        (low, high),
    )
    return [(r[0], r[1]) for r in rows]


def written(conn: sqlite3.Connection, word: str) -> str:
    """A word key (``hopital``) as the recaps write it, in lower case (``hôpital``)."""
    row = conn.execute(
        "SELECT head || ' ' || body FROM recaps_fr WHERE recaps_fr MATCH ? LIMIT 1",
        ('{head body} : "' + word + '"',),
    ).fetchone()
    for token in french.tokens(row[0] if row else ""):
        if french.key(token) == word:
            return token.lower()
    return word
