"""Relevance of `kb search` on the judged queries of meaning.yml: the bundled recaps mixed
with 300 distractors (distractors.py), pass rate per kind (a pass: an expected recap in
the first three results).

    python -m tests.search.relevance.mixed            # the pass rates (as in docs/search.md)
    python -m tests.search.relevance.mixed --misses   # and where each failed query's recap is

Builds the knowledge base (the bundled recaps, their kb.yml, the distractors) and its
index in a temporary folder; the repository is not written.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kb.recaps.vocab import Vocabulary
from kb.search.query import Features
from kb.search.ranking import search
from tests.search.relevance.distractors import generate
from tests.search.relevance.evaluate import indexed

HERE = Path(__file__).resolve().parent
JUDGED = HERE / "meaning.yml"
RECAPS = HERE.parents[2] / "recaps"
TOP = 3
DISTRACTORS = 300
KINDS = ("paraphrase", "remembered")
# How far down a failed query's recap is looked for (--misses).
DEEP = 100


@dataclass(frozen=True)
class Query:
    kind: str
    query: str
    expect: tuple[str, ...]
    section: str = ""
    scatter: tuple[str, ...] = ()


def load(path: Path = JUDGED) -> list[Query]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Query(
            kind=item["kind"],
            query=str(item["query"]),
            expect=tuple(item["expect"]),
            section=item.get("section") or "",
            scatter=tuple(item.get("scatter") or ()),
        )
        for item in raw
    ]


@contextmanager
def mixed_folder(n: int = DISTRACTORS) -> Iterator[Path]:
    """A folder with the bundled recaps, their kb.yml and ``n`` distractors."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "recaps"
        folder.mkdir()
        for path in RECAPS.iterdir():
            if path.suffix in (".md", ".yml"):
                shutil.copy(path, folder / path.name)
        generate(n, folder)
        yield folder


@contextmanager
def mixed_index(n: int = DISTRACTORS) -> Iterator[tuple[sqlite3.Connection, Vocabulary]]:
    """The bundled recaps and ``n`` distractors, indexed in a temporary file."""
    with mixed_folder(n) as folder, indexed(folder, folder.parent / "index.sqlite") as opened:
        yield opened


def ranked(
    conn: sqlite3.Connection, vocab: Vocabulary, query: Query, limit: int = TOP, **options: Any
) -> list[str]:
    """The ids of the first results of a judged query, best first (``options`` go to
    ``kb.search.ranking.search``)."""
    outcome = search(conn, query.query, vocab=vocab, limit=limit, sections=False, **options)
    return [hit.id for hit in outcome.hits]


def passed(query: Query, ids: list[str]) -> bool:
    return any(e in ids[:TOP] for e in query.expect)


def rates(
    conn: sqlite3.Connection, vocab: Vocabulary, queries: list[Query] | None = None, **options: Any
) -> dict[str, tuple[int, int]]:
    """kind -> (queries passed, queries)."""
    out = {kind: (0, 0) for kind in KINDS}
    for query in load() if queries is None else queries:
        ok, total = out[query.kind]
        out[query.kind] = (ok + passed(query, ranked(conn, vocab, query, **options)), total + 1)
    return out


def configurations() -> list[tuple[str, dict[str, Any]]]:
    """Search as it is, and without what each row measures (the options of
    ``kb.search.ranking.search``)."""
    return [
        ("all on", {}),
        ("no meaning", {"meaning": False}),
        ("no proximity", {"features": Features(proximity=False)}),
        ("words only", {"meaning": False, "features": Features(proximity=False)}),
    ]


def report(
    misses: bool = False, opened: tuple[sqlite3.Connection, Vocabulary] | None = None
) -> str:
    """The pass rate of each kind, per configuration (and, with ``misses``, the rank of
    each query that fails with all on: of its first expected recap, or "-" beyond the
    first 100). ``opened``: the mixed index, when the caller has it."""
    if opened is None:
        with mixed_index() as made:
            return report(misses, made)
    conn, vocab = opened
    queries = load()
    lines = [
        f"{len(queries)} judged queries, bundled recaps + {DISTRACTORS} distractors, top {TOP}",
        "",
        f"{'configuration':<14}" + "".join(f"{kind:>12}" for kind in KINDS),
    ]
    for name, options in configurations():
        found = rates(conn, vocab, queries, **options)
        cells = [f"{ok}/{total} {ok / total:>4.0%}" for ok, total in found.values()]
        lines.append(f"{name:<14}" + "".join(f"{cell:>12}" for cell in cells))
    detail = []
    for query in queries if misses else ():
        ids = ranked(conn, vocab, query, limit=DEEP)
        if not passed(query, ids):
            found_at = [ids.index(e) + 1 for e in query.expect if e in ids]
            rank = str(min(found_at)) if found_at else "-"
            detail.append(f"{query.kind}: {query.query!r} rank {rank}")
    return "\n".join(lines + (["", *detail] if detail else []))


if __name__ == "__main__":
    print(report(misses="--misses" in sys.argv[1:]))
