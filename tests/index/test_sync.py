"""Syncing the index with the folder: real files, a real SQLite file."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from kb.config import locate
from kb.errors import ConfigError
from kb.index.sync import sync
from tests.conftest import Run, write_recap


def ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT id FROM recaps ORDER BY id")]


def test_first_sync_indexes_bundled_recaps_and_second_changes_nothing(kb_dir: Path) -> None:
    loc = locate(kb_dir)
    first = sync(loc)
    assert (first.added, first.invalid) == (5, 0)
    second = sync(loc)
    assert (second.added, second.updated, second.removed, second.unchanged) == (0, 0, 0, 5)
    assert loc.db == kb_dir / ".kb" / "index.sqlite"
    assert (kb_dir / ".kb" / ".gitignore").read_text().strip().endswith("*")


def test_add_edit_delete_between_two_syncs(empty_kb: Path) -> None:
    loc = locate(empty_kb)
    a = write_recap(empty_kb, date="2025-01-10", basin="sud")
    write_recap(empty_kb, date="2025-01-11", basin="nord")
    assert sync(loc).added == 2
    a.write_text(a.read_text() + "\nUn ajout sur la mobilité.\n")
    (empty_kb / "2025-01-11-nord.md").unlink()
    write_recap(empty_kb, date="2025-01-12", basin="sud-est")
    report = sync(loc)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 0)
    assert ids(loc.db) == ["2025-01-10-sud", "2025-01-12-sud-est"]
    with sqlite3.connect(loc.db) as conn:
        found = conn.execute("SELECT count(*) FROM recaps_fr WHERE recaps_fr MATCH 'mobilite'")
        assert found.fetchone()[0] == 1


def test_touched_but_unchanged_file_is_not_reindexed(empty_kb: Path) -> None:
    loc = locate(empty_kb)
    path = write_recap(empty_kb)
    sync(loc)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    report = sync(loc)
    assert (report.updated, report.unchanged) == (0, 1)


def test_rebuild_starts_from_empty_and_gives_the_same_index(kb_dir: Path) -> None:
    loc = locate(kb_dir)
    sync(loc)
    report = sync(loc, rebuild=True)
    assert report.added == 5
    assert len(ids(loc.db)) == 5


def test_invalid_file_is_reported_and_the_others_indexed(empty_kb: Path) -> None:
    loc = locate(empty_kb)
    write_recap(empty_kb, date="2025-01-10", basin="sud")
    write_recap(empty_kb, name="2025-01-11-centre.md", date="2025-01-11", basin="centre")
    report = sync(loc)
    assert report.added == 1
    assert report.problems == [
        f"{empty_kb}/2025-01-11-centre.md: basin 'centre' is not a known basin "
        "(did you mean centre-ouest?); known basins: nord, nord-est, centre-ouest, sud, sud-est"
    ]
    # Still reported on the next sync, until it is fixed.
    assert sync(loc).invalid == 1


def test_file_that_becomes_invalid_leaves_the_index(empty_kb: Path) -> None:
    loc = locate(empty_kb)
    path = write_recap(empty_kb)
    sync(loc)
    path.write_text("---\ndate: 2025-03-01\n---\n")
    report = sync(loc)
    assert report.invalid == 1 and ids(loc.db) == []


def test_same_id_in_two_folders_names_both(empty_kb: Path) -> None:
    loc = locate(empty_kb)
    write_recap(empty_kb)
    write_recap(empty_kb, name="2025/2025-03-01-sud.md")
    report = sync(loc)
    assert report.added == 1
    assert report.problems == [
        f"{empty_kb}/2025/2025-03-01-sud.md: id '2025-03-01-sud' is already used by "
        f"{empty_kb}/2025-03-01-sud.md; two recaps cannot have the same file name"
    ]


def test_hidden_folders_and_readme_are_not_recaps(empty_kb: Path) -> None:
    (empty_kb / "README.md").write_text("# Nos recaps\n")
    (empty_kb / ".drafts").mkdir()
    (empty_kb / ".drafts" / "x.md").write_text("brouillon")
    write_recap(empty_kb)
    report = sync(locate(empty_kb))
    assert (report.added, report.invalid) == (1, 0)


def test_kb_yml_defines_basins_and_an_edit_reindexes(empty_kb: Path) -> None:
    loc = locate(empty_kb)
    write_recap(empty_kb, basin="wallonie-picarde", date="2025-05-05")
    assert sync(loc).invalid == 1
    (empty_kb / "kb.yml").write_text(
        "basins:\n  - slug: wallonie-picarde\n    name: Wallonie picarde\n"
    )
    report = sync(loc)
    assert (report.added, report.invalid) == (1, 0)


def test_bad_kb_yml_is_an_error_naming_the_field(empty_kb: Path) -> None:
    (empty_kb / "kb.yml").write_text("basins:\n  - slug: Nord Ouest\n")
    with pytest.raises(ConfigError, match=r"kb.yml: basins\[0\].slug: expected lower-case"):
        sync(locate(empty_kb))
    (empty_kb / "kb.yml").write_text("basin: []\n")
    with pytest.raises(ConfigError, match=r"unknown key 'basin' .did you mean basins"):
        sync(locate(empty_kb))


def test_index_command_summary_and_exit_status(kb_dir: Path, run: Run) -> None:
    result = run("index")
    assert result.exit_code == 0
    assert (
        result.stdout == "5 recaps indexed: 5 added, 0 updated, 0 removed, 0 unchanged, 0 invalid\n"
    )
    assert run("index").stdout.startswith(
        "5 recaps indexed: 0 added, 0 updated, 0 removed, 5 unchanged"
    )
    (kb_dir / "2025-01-01-sud.md").write_text(
        "---\ndate: 2025-01-01\nbasin: sud\nedition: zero\n---\n"
    )
    result = run("index")
    assert result.exit_code == 1
    assert result.stderr == (
        "recaps/2025-01-01-sud.md: edition: expected a whole number >= 1, got 'zero'\n"
    )
    assert "1 invalid" in result.stdout
    assert run("index", "--rebuild").stdout.startswith("5 recaps indexed: 5 added")


def test_db_option_and_env_place_the_index(
    kb_dir: Path, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("index", "--db", "elsewhere.sqlite").exit_code == 0
    assert (tmp_path / "elsewhere.sqlite").exists()
    monkeypatch.setenv("KB_DB", str(tmp_path / "env.sqlite"))
    assert run("list").exit_code == 0
    assert (tmp_path / "env.sqlite").exists()
    assert not (kb_dir / ".kb").exists()


def test_no_knowledge_base_is_a_clear_error(run: Run) -> None:
    result = run("list")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no knowledge base here: pass --kb-dir DIR, set KB_DIR")
    result = run("list", "--kb-dir", "nowhere")
    assert (
        result.stderr
        == "Error: --kb-dir nowhere: not a folder (expected the folder of the recaps)\n"
    )


def test_kb_dir_from_environment(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = tmp_path / "sub"
    other.mkdir()
    monkeypatch.chdir(other)
    monkeypatch.setenv("KB_DIR", str(kb_dir))
    assert "2025-02-20-centre-ouest" in run("list").stdout


def test_a_corrupt_index_is_made_again_where_kb_keeps_it(kb_dir: Path, run: Run) -> None:
    (kb_dir / ".kb").mkdir()
    (kb_dir / ".kb" / "index.sqlite").write_text("not a database")
    result = run("list")
    assert result.exit_code == 0 and "5 recaps" in result.stdout
    assert result.stderr == (
        "The index recaps/.kb/index.sqlite could not be read (file is not a database): "
        "made again.\n"
    )


def test_a_file_named_with_db_that_is_not_an_index_is_not_overwritten(
    kb_dir: Path, run: Run, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    result = run("list", "--db", str(notes))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: index {notes}: cannot be read (file is not a database); it is not kb's to "
        "replace: delete it if it was an index, or pass --db elsewhere\n"
    )
    assert notes.read_text() == "not a database"


def test_an_edit_in_the_same_clock_tick_is_not_missed(empty_kb: Path) -> None:
    loc = locate(empty_kb)
    path = write_recap(empty_kb, body="# A\n\nLe mot alpha.\n")
    sync(loc)
    before = path.stat()
    # Same size, same mtime: only the content tells the change (as when a file is
    # rewritten in the same tick as the sync that read it).
    path.write_text(path.read_text().replace("alpha", "gamma"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    report = sync(loc)
    assert report.updated == 1
    with sqlite3.connect(loc.db) as conn:
        hits = conn.execute("SELECT count(*) FROM recaps_fr WHERE recaps_fr MATCH 'gamma'")
        assert hits.fetchone()[0] == 1


def test_nothing_changed_is_answered_from_the_snapshot(kb_dir: Path) -> None:
    loc = locate(kb_dir)
    old = time.time_ns() - 10_000_000_000
    for path in kb_dir.glob("*.md"):
        os.utime(path, ns=(old, old))
    sync(loc)

    def sizes() -> set[int]:
        with sqlite3.connect(loc.db) as conn:
            return {row[0] for row in conn.execute("SELECT size FROM files")}

    with sqlite3.connect(loc.db) as conn:
        conn.execute("UPDATE files SET size = -5")  # only the snapshot can say "unchanged"
    assert sync(loc).unchanged == 5
    assert sizes() == {-5}
    (kb_dir / "2023-10-10-sud.md").write_text("---\ndate: 2023-10-10\n---\n")
    report = sync(loc)  # a change: every file is compared with the files table again
    assert (report.invalid, report.unchanged, report.removed) == (1, 4, 0)
    assert -5 not in sizes()


def test_a_symlink_loop_in_the_folder_is_not_followed(kb_dir: Path, run: Run) -> None:
    (kb_dir / "loop").symlink_to("..", target_is_directory=True)
    result = run("index")
    assert result.exit_code == 0 and "5 recaps indexed" in result.stdout


def test_a_rebuild_removes_what_killed_rebuilds_left(kb_dir: Path, run: Run) -> None:
    run("index")
    left = kb_dir / ".kb" / "index.sqlite.new-999999999"
    left.write_bytes(b"half an index")
    assert run("index", "--rebuild").exit_code == 0
    assert not left.exists()
    assert sorted(p.name for p in (kb_dir / ".kb").iterdir()) == [
        ".gitignore",
        "index.sqlite",
        "index.sqlite.lock",  # kb.index.gate's: kept
        "index.sqlite.queue",
    ]


def test_a_built_index_writes_its_words_in_large_segments(kb_dir: Path) -> None:
    from kb.index.fts import HASHSIZE

    assert HASHSIZE > 1 << 20  # FTS5's own default
    loc = locate(kb_dir)
    for rebuild in (False, True):  # a first index, then a rebuild
        sync(loc, rebuild=rebuild)
        with sqlite3.connect(loc.db) as conn:
            row = conn.execute("SELECT v FROM recaps_fr_config WHERE k = 'hashsize'").fetchone()
        assert row == (HASHSIZE,)


def test_a_large_first_index_spread_over_processes_equals_a_sequential_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    import kb.index.prepare

    folder = tmp_path / "big"
    basins = ["nord", "nord-est", "centre-ouest", "sud", "sud-est"]
    for i in range(kb.index.prepare.POOL_FROM + 50):
        day = (dt.date(2000, 1, 1) + dt.timedelta(days=i // 5)).isoformat()
        body = (
            f"# Atelier {i}\n\nLes professionnel·les du bassin, réunion {i}.\n\n"
            f"## Le Helpdesk du bassin\n\n- Les hôpitaux et le HD, point {i}.\n"
        )
        write_recap(folder, date=day, basin=basins[i % 5], body=body)

    def dump(db: Path) -> list[tuple[object, ...]]:
        with sqlite3.connect(db) as conn:
            return (
                conn.execute(
                    "SELECT r.id, r.actions, f.head_stem, f.body_stem, f.forms"
                    " FROM recaps r JOIN recaps_fr f ON f.rowid = r.n ORDER BY r.id"
                ).fetchall()
                + conn.execute(
                    "SELECT recap_id, position, heading, text FROM sections"
                    " ORDER BY recap_id, position"
                ).fetchall()
            )

    import concurrent.futures

    pools = []

    class Pool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args: object, **kwargs: object) -> None:
            pools.append(self)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    files = kb.index.prepare.POOL_FROM + 50
    pooled = locate(folder, tmp_path / "pooled.sqlite")
    assert sync(pooled).added == files
    assert len(pools) == 1
    monkeypatch.setattr(kb.index.prepare, "POOL_FROM", 10**9)
    alone = locate(folder, tmp_path / "alone.sqlite")
    assert sync(alone).added == files
    assert len(pools) == 1
    assert dump(pooled.db) == dump(alone.db)
    assert dump(pooled.db)[0][1] == '["helpdesk"]'
    # Many files edited: an incremental sync spreads them over processes too.
    for path in folder.glob("*.md"):
        path.write_text(path.read_text().replace("Les hôpitaux", "Les cliniques"))
    monkeypatch.setattr(kb.index.prepare, "POOL_FROM", files - 50)
    assert sync(pooled).updated == files
    assert len(pools) == 2
    monkeypatch.setattr(kb.index.prepare, "POOL_FROM", 10**9)
    assert sync(alone).updated == files
    assert dump(pooled.db) == dump(alone.db)
