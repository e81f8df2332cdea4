"""Each section's meaning vector (kb.text.meaning), kept by the digest of its text.

As llm's ``embed-multi`` keeps embeddings by content hash: a sync computes the vectors
of the sections it has not seen, never again one whose text did not change; a rebuild,
which writes a fresh file, carries the old index's vectors over by digest first.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable

# Sections whose text has no vector yet: one row per digest.
_MISSING = (
    "SELECT s.digest, s.heading, s.text FROM sections s"
    " WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.digest = s.digest)"
    " GROUP BY s.digest"
)


def fill(
    conn: sqlite3.Connection,
    *,
    carry: str | os.PathLike[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Give every section a vector: from ``carry`` (an older index file) when it has
    one for the same digest, else computed. Returns how many were computed."""
    missing = conn.execute(_MISSING).fetchall()
    if (
        missing
        and carry is not None
        and os.path.exists(carry)
        and _carry(conn, carry, [row[0] for row in missing])
    ):
        missing = conn.execute(_MISSING).fetchall()
    if not missing:
        return 0
    from kb.text.meaning import known, passages, vectors, word_rows, words

    # One vector per passage, a section's vectors end to end in one value.
    split = [passages(heading, text) for _, heading, text in missing]
    computed = vectors([p for parts in split for p in parts], progress)
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
    return len(missing)


def _carry(conn: sqlite3.Connection, path: str | os.PathLike[str], digests: list[str]) -> int:
    """Copy the vectors an older index has for these digests; how many it had. An old
    index without vectors, or damaged, has none to give."""
    copied = 0
    with contextlib.suppress(sqlite3.Error):
        old = sqlite3.connect(f"{os.path.abspath(path)}", timeout=10)
        try:
            for start in range(0, len(digests), 500):
                chunk = digests[start : start + 500]
                rows = old.execute(
                    "SELECT digest, vector, words FROM vectors"
                    f" WHERE digest IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
                conn.executemany(
                    "INSERT OR IGNORE INTO vectors (digest, vector, words) VALUES (?, ?, ?)", rows
                )
                copied += len(rows)
        finally:
            old.close()
    return copied


def forget_unused(conn: sqlite3.Connection) -> None:
    """Drop the vectors no section has any more."""
    conn.execute("DELETE FROM vectors WHERE digest NOT IN (SELECT digest FROM sections)")
