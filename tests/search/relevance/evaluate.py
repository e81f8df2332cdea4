"""Relevance of `kb search` on the judged queries: recall@5 and MRR, with every feature
on, with each one off, and with all of them off (the core's matching).

    python -m tests.search.relevance.evaluate            # the table (as in docs/search.md)
    python -m tests.search.relevance.evaluate --misses   # and, per configuration, what failed

recall@5: the share of each query's expected recaps found in its first five results,
averaged over the queries. MRR: the mean of 1 / rank of the first expected recap found
(0 when none is). Runs on the bundled recaps, with an index in a temporary folder.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kb.config import locate
from kb.index.schema import connect, vocabulary
from kb.index.sync import sync
from kb.recaps.vocab import Vocabulary
from kb.search.filters import make_filters
from kb.search.query import Features
from kb.search.ranking import search

HERE = Path(__file__).resolve().parent
JUDGED = HERE / "judged.yml"
RECAPS = HERE.parents[2] / "recaps"
TOP = 5


@dataclass(frozen=True)
class Judged:
    query: str
    expect: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    options: tuple[tuple[str, Any], ...] = ()
    kind: str = ""

    @property
    def label(self) -> str:
        opts = "".join(f" --{k} {v}" for k, v in self.options)
        return f"{self.query}{opts}"


def load(path: Path = JUDGED) -> list[Judged]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Judged(
            query=str(item["query"]),
            expect=tuple(item["expect"]),
            exclude=tuple(item.get("exclude", ())),
            options=tuple((item.get("options") or {}).items()),
            kind=item.get("kind", ""),
        )
        for item in raw
    ]


def configurations() -> list[tuple[str, Features]]:
    """All on, each feature off alone, all off."""
    out = [("all on", Features())]
    out += [(f"no {name}", Features()._replace(**{name: False})) for name in Features._fields]
    out.append(("all off", Features(**{name: False for name in Features._fields})))
    return out


@contextmanager
def bundled_index() -> Iterator[tuple[sqlite3.Connection, Vocabulary]]:
    """The bundled recaps, indexed in a temporary file (the repository is not written)."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        indexed(RECAPS, Path(tmp) / "index.sqlite") as opened,
    ):
        yield opened


@contextmanager
def indexed(folder: Path, db: Path) -> Iterator[tuple[sqlite3.Connection, Vocabulary]]:
    """``folder`` synced into the index ``db``, opened, with its vocabulary."""
    loc = locate(folder, db)
    sync(loc)
    conn = connect(loc.db)
    try:
        yield conn, vocabulary(conn)
    finally:
        conn.close()


def ranked(
    conn: sqlite3.Connection,
    vocab: Vocabulary,
    judged: Judged,
    features: Features,
    meaning: bool = False,
) -> list[str]:
    """The ids of the first results of a judged query, best first (by words alone, or
    by words and meaning)."""
    filters = make_filters(vocab, **dict(judged.options))
    outcome = search(
        conn,
        judged.query,
        vocab=vocab,
        filters=filters,
        limit=TOP,
        features=features,
        meaning=meaning,
    )
    return [hit.id for hit in outcome.hits]


@dataclass(frozen=True)
class Score:
    recall: float
    reciprocal_rank: float
    excluded_found: bool

    @property
    def passed(self) -> bool:
        return self.recall == 1.0 and not self.excluded_found


def score(judged: Judged, ids: list[str]) -> Score:
    top = ids[:TOP]
    recall = sum(e in top for e in judged.expect) / len(judged.expect)
    ranks = [top.index(e) + 1 for e in judged.expect if e in top]
    return Score(recall, 1 / min(ranks) if ranks else 0.0, any(x in ids for x in judged.exclude))


def report(misses: bool = False) -> str:
    """The table of figures (and, with ``misses``, the queries each configuration fails)."""
    queries = load()
    lines = [f"{len(queries)} judged queries, top {TOP}", ""]
    lines.append(f"{'configuration':<14} {'recall@5':>8} {'MRR':>6} {'passed':>8}")
    detail: list[str] = []
    with bundled_index() as (conn, vocab):
        runs = [(name, features, False) for name, features in configurations()]
        runs.insert(1, ("+ meaning", Features(), True))
        for name, features, meaning in runs:
            scores = [(j, score(j, ranked(conn, vocab, j, features, meaning))) for j in queries]
            recall = sum(s.recall for _, s in scores) / len(scores)
            mrr = sum(s.reciprocal_rank for _, s in scores) / len(scores)
            passed = sum(s.passed for _, s in scores)
            lines.append(f"{name:<14} {recall:>8.3f} {mrr:>6.3f} {passed:>4}/{len(scores)}")
            failed = [j.label for j, s in scores if not s.passed]
            if misses and failed:
                detail.append(f"{name}: " + "; ".join(failed))
    return "\n".join(lines + (["", *detail] if detail else []))


if __name__ == "__main__":
    print(report(misses="--misses" in sys.argv[1:]))
