"""The French-aware part of the index: stems and inclusive forms beside the words.

One FTS5 table, ``recaps_fr``, one row per recap (rowid = ``recaps.n``), with five
columns:

- ``head``, ``body``: the title and the text, as written; the tokenizer drops case and
  accents. Exact matches are found here.
- ``head_stem``, ``body_stem``: the same texts as stems, one per token, so phrases of
  stems line up. Stem-only matches are found here.
- ``forms``: the masculine, feminine and plural forms of every inclusive form of the
  texts (``acteur-rices`` -> ``acteur acteurs actrice actrices``).

It is a regular FTS5 table filled from Python (the stems need PyStemmer, which SQL
triggers cannot call), written when sync writes recaps and emptied by an SQL trigger
when a recap row is deleted, whatever deletes it. It is the only full-text index:
``--raw`` queries it too (``head:`` and ``body:`` are its columns). Sections are not
indexed: the few shown are matched when shown (kb.search.ranking; for ``--raw``, in a
temporary table of the same columns, see :func:`shown_sections`).
"""

from __future__ import annotations

import sqlite3

from kb.index.schema import TOKENIZE
from kb.text import french

COLUMNS = ("head", "body", "head_stem", "body_stem", "forms")
WORD_COLUMNS = ("head", "body")
STEM_COLUMNS = ("head_stem", "body_stem")
FORM_COLUMNS = ("forms",)
# bm25 weights, in COLUMNS order: titles and headings weigh more than text (as in the
# core index), and a stem counts less than the word as written.
RECAP_WEIGHTS = (4.0, 1.0, 2.0, 0.5, 1.0)
SECTION_WEIGHTS = (3.0, 1.0, 1.5, 0.5, 1.0)
# The score a search orders recaps by: the table's configured rank, spelled out. With a
# LIMIT, ORDER BY this keeps the best rows as it goes, while ORDER BY rank sorts every
# match first: 234 ms instead of 347 ms for a word in each of 100,000 recaps.
RANK = f"bm25(recaps_fr, {', '.join(str(w) for w in RECAP_WEIGHTS)})"
# How much of the words written FTS5 keeps in memory before it writes them out as a new
# segment (default 1 MB). Each segment is merged into larger ones later, rewriting it:
# with 8 MB, the writes of a 10k rebuild take 28% fewer instructions (callgrind), for
# 7-10 MB more memory. 16 and 32 MB do no better. FTS5 keeps it in the table's config.
HASHSIZE = 8 << 20


def migrate(conn: sqlite3.Connection) -> None:
    """Schema 3: the two FTS tables (recaps and sections; migration 5 drops the second),
    their delete triggers, and the words' vocabulary."""
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


def for_bulk_writes(conn: sqlite3.Connection) -> None:
    """Let ``recaps_fr`` take a whole index's words in fewer, larger segments."""
    conn.execute(f"INSERT INTO recaps_fr(recaps_fr, rank) VALUES('hashsize', {HASHSIZE})")


def terms(head: str, body: str) -> tuple[str, str, str]:
    """The stem and form columns of a recap (title, text) or a section (heading, text):
    the stems of each, and the inclusive forms of both."""
    head, body = french.nfc(head), french.nfc(body)
    forms = f"{french.forms_text(head)} {french.forms_text(body)}".strip()
    return (french.stems_text(head), french.stems_text(body), forms)


# -- read side ------------------------------------------------------------------------


def shown_sections(conn: sqlite3.Connection, recap_ids: list[str]) -> str:
    """A temporary FTS5 table of these recaps' sections, with ``recaps_fr``'s columns
    (then ``recap_id`` and ``position``, not indexed): where ``--raw`` finds which of
    their sections match. Returns its name; the caller drops it."""
    table = "temp.shown_fr"
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(
        f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(COLUMNS)}, "
        f"recap_id UNINDEXED, position UNINDEXED, tokenize = '{TOKENIZE}')"
    )
    weights = ", ".join(str(w) for w in (*SECTION_WEIGHTS, 0, 0))
    conn.execute(f"INSERT INTO {table}(shown_fr, rank) VALUES('rank', 'bm25({weights})')")
    slots = ",".join("?" * len(recap_ids))
    rows = conn.execute(
        f"SELECT recap_id, position, heading, text FROM sections WHERE recap_id IN ({slots})",
        recap_ids,
    ).fetchall()
    conn.executemany(
        f"INSERT INTO {table}({', '.join(COLUMNS)}, recap_id, position)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(h, t, *terms(h or "", t or ""), r, p) for r, p, h, t in rows],
    )
    return table


def vocabulary(
    conn: sqlite3.Connection, low: int, high: int, prefix: str = ""
) -> list[tuple[str, int]]:
    """Words of the recaps as written (word keys), ``low`` to ``high`` letters long, with
    the number of recaps that have each; those that begin with ``prefix`` only (a range
    of the index's words, read without reading the others)."""
    sql = (
        "SELECT term, max(doc) FROM recaps_fr_vocab WHERE col IN ('head', 'body')"
        " AND length(term) BETWEEN ? AND ?"
    )
    params: list[object] = [low, high]
    if prefix:
        sql += " AND term >= ? AND term < ?"
        params += [prefix, prefix + "\U0010ffff"]
    rows = conn.execute(sql + " GROUP BY term", params)
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
