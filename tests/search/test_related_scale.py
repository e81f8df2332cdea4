"""kb similar in a large knowledge base: related() compares this recap with some other
recaps only (those that share its sections' weightiest words, and the sections of those
that hold its actions), and reads what it needs of each section from the index (its
heading key, its mean vector) instead of every vector of the knowledge base."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kb.config import locate
from kb.index.schema import connect
from kb.index.sync import INDEXER, sync
from kb.search import meaning
from kb.text import meaning as vectors_table

GENERIC = {"", "Points d'attention généraux", "Save the date"}


def firsts(conn: sqlite3.Connection) -> dict[str, tuple[str, str, str]]:
    """The first related section of each recap: (its heading, the other recap, its heading)."""
    out = {}
    for (recap_id,) in conn.execute("SELECT id FROM recaps ORDER BY id"):
        found = meaning.related(conn, recap_id, 1)
        assert found, recap_id
        out[recap_id] = (found[0].heading, found[0].id, found[0].other_heading)
    return out


def test_a_few_recaps_compared_find_the_judged_pairs(
    kb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loc = locate(kb_dir)
    sync(loc)
    conn = connect(loc.db)
    every = firsts(conn)
    # As if the knowledge base were large: two recaps compared wholly (one a section
    # asked for, two each), one recap that holds an action, of the four others.
    monkeypatch.setattr(meaning, "WHOLE", 0)
    monkeypatch.setattr(meaning, "HOLDING", 1)
    held: dict[str, Any] = {}
    compared = meaning._compared

    def spy(*args: Any) -> Any:
        whole, holding = compared(*args)
        held[args[1]] = holding  # what was compared by the sections of an action
        return whole, holding

    monkeypatch.setattr(meaning, "_compared", spy)
    some = firsts(conn)
    # The subjects the judged pairs are about (tests/search/test_similar.py).
    for recap_id in ("2025-06-12-centre-ouest", "2025-02-20-centre-ouest"):
        assert held[recap_id]
        assert some[recap_id] == every[recap_id]
    assert some["2025-06-12-centre-ouest"][1:] == (
        "2024-10-10-sud-est",
        "Avancement du plan d'actions du Bassin Sud-Est",
    )
    for pair in some.values():  # the headings every recap has, on neither side
        assert pair[0] not in GENERIC and pair[2] not in GENERIC
    conn.close()


def without_related_data(db: Path) -> None:
    """Make ``db`` as kb made it before related() kept its data (schema 8, indexer 10)."""
    conn = sqlite3.connect(db)
    conn.execute("DROP INDEX sections_heading_key")
    conn.execute("ALTER TABLE sections DROP COLUMN heading_key")
    conn.execute("DROP TABLE means")
    conn.execute(
        "UPDATE meta SET value = '10' || substr(value, ?) WHERE key = 'vocabulary_stat'",
        (len(INDEXER) + 1,),
    )
    conn.execute("PRAGMA user_version = 8")
    conn.commit()
    conn.close()


def stored(db: Path) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    conn = connect(db)
    try:
        means = dict(conn.execute("SELECT digest, mean FROM means").fetchall())
        keys = conn.execute("SELECT heading, heading_key FROM sections").fetchall()
        return means, sorted(tuple(row) for row in keys)
    finally:
        conn.close()


def test_an_older_index_gets_the_means_and_heading_keys(kb_dir: Path) -> None:
    loc = locate(kb_dir)
    sync(loc)
    means, keys = stored(loc.db)
    assert means and all(means.values())
    assert ("Points d'attention généraux", "points-d-attention-generaux") in keys
    before = firsts(connect(loc.db))
    # Opened by this kb: the migration gives the kept vectors their means, the sync the
    # indexer's version makes gives the sections their keys; no vector is computed.
    without_related_data(loc.db)
    assert sync(loc).meanings == 0
    assert stored(loc.db) == (means, keys)
    assert firsts(connect(loc.db)) == before
    # A rebuild carrying the vectors of such an index over computes their means.
    without_related_data(loc.db)
    report = sync(loc, rebuild=True)
    assert report.meanings == 0
    assert stored(loc.db)[0] == means


def test_a_section_mean_is_the_mean_of_its_passages(kb_dir: Path) -> None:
    loc = locate(kb_dir)
    sync(loc)
    conn = connect(loc.db)
    rows = conn.execute("SELECT v.vector, m.mean FROM vectors v JOIN means m USING (digest)")
    for vector, mean in rows.fetchall()[:20]:
        signed = memoryview(vector).cast("b")
        count = len(vector) // vectors_table.DIMENSIONS
        kept = vectors_table.section_mean(mean)
        for i in range(vectors_table.DIMENSIONS):
            exact = sum(signed[i :: vectors_table.DIMENSIONS]) / count
            assert abs(kept[i] / vectors_table.MEAN_SCALE - exact) <= 1 / 256
    conn.close()
