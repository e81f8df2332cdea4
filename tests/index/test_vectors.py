"""Meaning vectors in the index: one per passage of each section, kept by the section's
digest through syncs and rebuilds (kb.index.vectors)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kb.config import locate
from kb.index.schema import connect
from kb.index.sync import sync
from kb.text import meaning
from tests.conftest import write_recap

AINES = "# Atelier\n\n## Les aîné·es\n\n- Beaucoup d'aîné·es vivent seul·es sans ascenseur.\n"
BUDGET = "# Atelier\n\n## Budget\n\n- Les subsides régionaux arrivent tard cette année.\n"


def vectors(db: Path) -> dict[str, bytes]:
    conn = connect(db)
    try:
        return dict(conn.execute("SELECT digest, vector FROM vectors").fetchall())
    finally:
        conn.close()


def sections(db: Path) -> int:
    conn = connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM sections").fetchone()[0])
    finally:
        conn.close()


def test_every_section_gets_its_passages_vectors(empty_kb: Path) -> None:
    write_recap(empty_kb, date="2025-01-10", body=AINES)
    loc = locate(empty_kb)
    report = sync(loc)
    assert report.meanings == sections(loc.db) == 1  # "Les aîné·es"
    conn = connect(loc.db)
    heading, text, digest = conn.execute("SELECT heading, text, digest FROM sections").fetchone()
    conn.close()
    assert digest == meaning.digest(heading, text)
    stored = vectors(loc.db)
    # The heading, then the one line: two passages of DIMENSIONS signed bytes.
    assert len(stored[digest]) == 2 * meaning.DIMENSIONS
    assert stored[digest][: meaning.DIMENSIONS] != bytes(meaning.DIMENSIONS)


def test_a_sync_computes_only_the_sections_that_changed(empty_kb: Path) -> None:
    write_recap(empty_kb, date="2025-01-10", body=AINES)
    path = write_recap(empty_kb, date="2025-01-11", body=BUDGET)
    loc = locate(empty_kb)
    path.write_text(path.read_text().replace("# Atelier", "# Atelier\n\nIntro.\n"))
    assert sync(loc).meanings == 3
    # One section of a recap edited: one vector computed, the other kept.
    path.write_text(path.read_text().replace("tard", "très tard"), encoding="utf-8")
    report = sync(loc)
    assert (report.updated, report.meanings) == (1, 1)
    assert len(vectors(loc.db)) == 3  # the old text's vector is gone with it
    path.unlink()
    assert sync(loc).meanings == 0
    assert len(vectors(loc.db)) == 1


def test_a_rebuild_carries_the_vectors_over(empty_kb: Path) -> None:
    write_recap(empty_kb, date="2025-01-10", body=AINES)
    loc = locate(empty_kb)
    sync(loc)
    before = vectors(loc.db)
    report = sync(loc, rebuild=True)
    assert (report.added, report.meanings) == (1, 0)
    assert vectors(loc.db) == before
    loc.db.unlink()  # nothing to carry from: computed again, the same
    assert sync(loc, rebuild=True).meanings == 1
    assert vectors(loc.db) == before


def test_a_rebuild_over_an_index_without_vectors_computes_them(empty_kb: Path) -> None:
    write_recap(empty_kb, date="2025-01-10", body=AINES)
    loc = locate(empty_kb)
    loc.db.parent.mkdir(parents=True, exist_ok=True)
    sqlite3.connect(loc.db).close()  # an empty SQLite file: no vectors table to read
    assert sync(loc, rebuild=True).meanings == 1


def test_the_first_computation_reports_progress(empty_kb: Path) -> None:
    for day in range(10, 13):
        write_recap(empty_kb, date=f"2025-01-{day}", body=AINES.replace("Atelier", f"A{day}"))
    calls: list[tuple[int, int]] = []
    sync(locate(empty_kb), progress=lambda done, total: calls.append((done, total)))
    files = [c for c in calls if c[1] == 3]
    passages = [c for c in calls if c[1] != 3]
    assert files[-1] == (3, 3)
    assert passages and passages[-1][0] == passages[-1][1]  # the vectors' own count, to the end


def test_many_sections_are_computed_and_carried_a_batch_at_a_time(
    empty_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first index reads the sections to compute a batch at a time (a first index of
    100,000 recaps held every text and vector at once: 1.3 GB), and a rebuild carries
    the old vectors over the same way: every batch, not only the first."""
    from kb.index import vectors as kept

    monkeypatch.setattr(kept, "BATCH", 2)
    for day in range(10, 15):
        write_recap(empty_kb, date=f"2025-01-{day}", body=BUDGET.replace("tard", f"tard {day}"))
    loc = locate(empty_kb)
    calls: list[tuple[int, int]] = []
    report = sync(loc, progress=lambda done, total: calls.append((done, total)))
    assert report.meanings == sections(loc.db) == len(vectors(loc.db)) == 5
    assert calls[-3:] == [(2, 5), (4, 5), (5, 5)]  # the vectors' batches
    before = vectors(loc.db)
    report = sync(loc, rebuild=True)
    assert report.meanings == 0 and vectors(loc.db) == before
