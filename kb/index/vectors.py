"""Each section's meaning vector (kb.text.meaning), kept by the digest of its text.

As llm's ``embed-multi`` keeps embeddings by content hash: a sync computes the vectors
of the sections it has not seen, never again one whose text did not change; a rebuild,
which writes a fresh file, carries the old index's vectors over by digest first.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator

# Sections whose text has no vector yet, one per digest: put aside in a temporary table
# (their digest and where one of them is; SQLite spills it to a file), then read a batch
# at a time, so that a first index of 100,000 recaps does not hold every section's text
# and vectors in memory at once.
_MISSING = (
    "CREATE TEMP TABLE missing AS SELECT s.digest, min(s.n) AS n FROM sections s"
    " WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.digest = s.digest)"
    " GROUP BY s.digest"
)
_STILL = "NOT EXISTS (SELECT 1 FROM vectors v WHERE v.digest = m.digest)"
BATCH = 2000  # sections a batch (their text, passages and vectors: a few MB)


def fill(
    conn: sqlite3.Connection,
    *,
    carry: str | os.PathLike[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Give every section a vector: from ``carry`` (an older index file) when it has
    one for the same digest, else computed. Returns how many were computed.
    ``progress(done, total)``: sections computed so far, of how many."""
    conn.execute("DROP TABLE IF EXISTS temp.missing")
    conn.execute(_MISSING)
    try:
        if carry is not None and os.path.exists(carry):
            _carry(conn, carry)
        total = conn.execute(f"SELECT count(*) FROM missing m WHERE {_STILL}").fetchone()[0]
        done = 0
        for batch in _batches(
            conn,
            "SELECT m.rowid, m.digest, s.heading, s.text FROM missing m"
            f" JOIN sections s ON s.n = m.n WHERE {_STILL}",
        ):
            _compute(conn, [row[1:] for row in batch])
            done += len(batch)
            if progress is not None:
                progress(done, total)
        return int(total)
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.missing")


def _batches(conn: sqlite3.Connection, select: str) -> Iterator[list[sqlite3.Row]]:
    """The rows of ``select`` (of table ``missing``, its rowid first), :data:`BATCH` at a
    time, each batch read whole before the caller writes."""
    last = 0
    while True:
        where = " AND" if " WHERE " in select else " WHERE"
        batch = conn.execute(
            f"{select}{where} m.rowid > ? ORDER BY m.rowid LIMIT ?", (last, BATCH)
        ).fetchall()
        if not batch:
            return
        last = batch[-1][0]
        yield batch


def _compute(conn: sqlite3.Connection, missing: list[tuple[str, str, str]]) -> None:
    """Compute and store the vectors of these sections (digest, heading, text)."""
    from kb.text.meaning import known, means, passages, vectors, word_rows, words

    # One vector per passage, a section's vectors end to end in one value.
    split = [passages(heading, text) for _, heading, text in missing]
    computed = vectors([p for parts in split for p in parts])
    values, at = [], 0
    for parts in split:
        values.append(b"".join(computed[at : at + len(parts)]))
        at += len(parts)
    texts = [f"{heading}\n{text}" for _, heading, text in missing]
    table = known(w.key for text in texts for w in words(text))
    conn.executemany(
        "INSERT INTO vectors (digest, vector, words) VALUES (?, ?, ?)",
        (
            (row[0], value, word_rows(text, table))
            for row, value, text in zip(missing, values, texts, strict=True)
        ),
    )
    conn.executemany(
        "INSERT OR REPLACE INTO means (digest, mean) VALUES (?, ?)",
        zip((row[0] for row in missing), means(values), strict=True),
    )


def fill_means(conn: sqlite3.Connection) -> None:
    """Give their mean (kb.text.meaning.means) to the vectors kept without one, by an
    index made before means were kept (its migration calls this, once), BATCH at a time."""
    from kb.text.meaning import means

    last = ""
    while True:
        rows = conn.execute(
            "SELECT v.digest, v.vector FROM vectors v WHERE v.digest > ? AND NOT EXISTS"
            " (SELECT 1 FROM means m WHERE m.digest = v.digest) ORDER BY v.digest LIMIT ?",
            (last, BATCH),
        ).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        conn.executemany(
            "INSERT INTO means (digest, mean) VALUES (?, ?)",
            zip((row[0] for row in rows), means([row[1] for row in rows]), strict=True),
        )


def _carry(conn: sqlite3.Connection, path: str | os.PathLike[str]) -> int:
    """Copy the vectors an older index has for the missing sections' digests; how many
    it had. An old index without vectors, or damaged, has none to give."""
    from kb.index.gate import reading

    copied = 0
    # Under kb.index.gate's shared lock, as every connection to a live index: no other
    # rebuild renames a file over it while this one reads it.
    with contextlib.suppress(sqlite3.Error), reading(os.fspath(path)):
        old = sqlite3.connect(f"{os.path.abspath(path)}", timeout=10)
        try:
            # An index made before means were kept has none to give: computed here.
            tables = {row[0] for row in old.execute("SELECT name FROM sqlite_master")}
            for batch in _batches(conn, "SELECT rowid, digest FROM missing m"):
                for start in range(0, len(batch), 500):  # within SQLite's variables
                    chunk = [row[1] for row in batch[start : start + 500]]
                    copied += _carry_chunk(conn, old, chunk, means="means" in tables)
        finally:
            old.close()
    return copied


def _carry_chunk(
    conn: sqlite3.Connection, old: sqlite3.Connection, digests: list[str], *, means: bool
) -> int:
    """Copy the vectors (and means, else computed) ``old`` has for ``digests``."""
    slots = ",".join("?" * len(digests))
    rows = old.execute(
        f"SELECT digest, vector, words FROM vectors WHERE digest IN ({slots})", digests
    ).fetchall()
    conn.executemany("INSERT OR IGNORE INTO vectors (digest, vector, words) VALUES (?, ?, ?)", rows)
    kept = []
    if means:
        kept = old.execute(
            f"SELECT digest, mean FROM means WHERE digest IN ({slots})", digests
        ).fetchall()
    have = {digest for digest, _ in kept}
    lacking = [row for row in rows if row[0] not in have]
    if lacking:
        from kb.text.meaning import means as mean_of

        kept += zip([r[0] for r in lacking], mean_of([r[1] for r in lacking]), strict=True)
    conn.executemany("INSERT OR IGNORE INTO means (digest, mean) VALUES (?, ?)", kept)
    return len(rows)


def forget_unused(conn: sqlite3.Connection) -> None:
    """Drop the vectors (and means) no section has any more."""
    for table in ("vectors", "means"):
        conn.execute(f"DELETE FROM {table} WHERE digest NOT IN (SELECT digest FROM sections)")
