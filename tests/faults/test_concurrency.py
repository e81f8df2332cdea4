"""Several kb processes at once on one folder while its files change, and the races a
single process meets: a file removed between its stat and its read, a folder removed
while it is walked. Bounded loops, real processes, real SQLite."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.generate import generate
from kb.config import locate
from kb.index import folder
from kb.index.folder import listing_file, scan, snapshot
from kb.index.sync import sync
from tests.conftest import recap_text, write_recap
from tests.faults.conftest import LONG, ids, kb
from tests.test_add import indexed

Done = subprocess.CompletedProcess[str]
ROUNDS = 5 if LONG else 1  # the loops' lengths, times this


def no_trouble(done: Done, *, codes: tuple[int, ...] = (0,)) -> Done:
    """A command that ran as it should: an expected exit status, no lock, no traceback."""
    assert "locked" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.returncode in codes, (done.args, done.returncode, done.stderr)
    return done


def recap_id(n: int, year: int) -> str:
    return f"{year}-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}-sud"


def new_recap(where: Path, n: int, word: str, year: int = 2030) -> str:
    """Write a recap holding ``word`` whole (the write returns when it is written)."""
    rid = recap_id(n, year)
    text = recap_text(date=rid[:10], basin="sud", body=f"# Atelier {n}\n\nLe mot {word}.\n")
    (where / f"{rid}.md").write_text(text, encoding="utf-8")
    return rid


def test_searches_indexes_and_adds_at_once_while_files_change(tmp_path: Path) -> None:
    recaps = tmp_path / "recaps"
    generate(300, recaps)
    where = ["--kb-dir", str(recaps)]
    no_trouble(kb("index", *where))
    stop = threading.Event()
    seen: list[Done] = []

    def loop(times: int, step: Callable[[int], list[Done]]) -> None:
        for i in range(times):
            if stop.is_set():
                return
            seen.extend(step(i))

    def search(i: int) -> list[Done]:
        found = no_trouble(kb("search", "bassin", "--json", "--limit", "3", *where))
        listed = no_trouble(kb("list", "--json", *where))
        assert len(json.loads(found.stdout)) >= 3 and len(json.loads(listed.stdout)) >= 300
        return [found, listed]

    def index(i: int) -> list[Done]:
        return [no_trouble(kb("index", *(["--rebuild"] if i == 2 else []), *where))]

    added: dict[str, bytes] = {}

    def add(i: int) -> list[Done]:
        draft = tmp_path / f"draft-{i}.md"
        rid = recap_id(i, 2040)
        draft.write_text(recap_text(date=rid[:10], basin="sud", body="# Ajout\n\nAjouté.\n"))
        done = no_trouble(kb("add", str(draft), *where))
        added[rid] = draft.read_bytes()
        other = tmp_path / f"other-{i}.md"  # the first one's id, another text: refused
        first = recap_id(0, 2040)
        other.write_text(recap_text(date=first[:10], basin="sud", body="# Autre\n\nAutre.\n"))
        again = no_trouble(kb("add", str(other), *where), codes=(1,))
        assert "already in the knowledge base" in again.stderr
        return [done, again]

    def write(i: int) -> list[Done]:
        """Create a recap, then edit or delete an earlier one: each time, a search started
        after the change sees it."""
        rid = new_recap(recaps, i, f"zorglub{i}x")
        out = [search_word(f"zorglub{i}x")]
        assert ids(out[-1]) == [rid]
        if i % 3 == 2:  # an edit in place
            path = recaps / f"{recap_id(i - 1, 2030)}.md"
            path.write_text(path.read_text(encoding="utf-8") + f"\nEt puis bidule{i}x.\n")
            out.append(search_word(f"bidule{i}x"))
            assert ids(out[-1]) == [recap_id(i - 1, 2030)]
        if i % 4 == 3:  # a removal, of a file and of a folder holding one
            (recaps / f"{recap_id(i - 2, 2030)}.md").unlink()
            sub = recaps / "sous-dossier"
            if sub.exists():
                shutil.rmtree(sub)
            else:
                write_recap(sub, date="2031-01-01", body="# Sous\n\nDans un dossier.\n")
            out.append(search_word(f"zorglub{i - 2}x"))
            assert ids(out[-1]) == []
        return out

    def search_word(word: str) -> Done:
        """The recaps holding ``word`` as written (--raw: no 'did you mean' fallback)."""
        return no_trouble(kb("search", "--raw", word, "--json", *where))

    loops = {"search": 6 * ROUNDS, "index": 4 * ROUNDS, "add": 5 * ROUNDS, "write": 12 * ROUNDS}
    with ThreadPoolExecutor(5) as pool:
        jobs = [
            pool.submit(loop, loops["search"], search),
            pool.submit(loop, loops["search"], search),
            pool.submit(loop, loops["index"], index),
            pool.submit(loop, loops["add"], add),
            pool.submit(loop, loops["write"], write),
        ]
        try:
            for job in jobs:
                job.result()
        finally:
            stop.set()

    # Nothing lost: every recap on disk is indexed, every recap kb add wrote is there.
    on_disk = {p.stem for p in recaps.rglob("*.md")}
    assert set(ids(no_trouble(kb("list", "--json", *where)))) == on_disk
    for rid, data in added.items():
        assert (recaps / f"{rid}.md").read_bytes() == data
    assert "0 invalid" in no_trouble(kb("index", *where)).stdout
    writes = range(loops["write"])
    changes = loops["write"] + sum(i % 3 == 2 for i in writes) + sum(i % 4 == 3 for i in writes)
    ran = 2 * 2 * loops["search"] + loops["index"] + 2 * loops["add"] + changes
    assert len(seen) == ran  # every loop ran to its end
    print(f"{ran} kb processes, {len(on_disk)} recaps at the end, none lost")  # pytest -rP


def test_a_file_removed_between_its_stat_and_its_read_is_not_a_problem(kb_dir: Path) -> None:
    loc = locate(kb_dir)
    sync(loc)
    path = write_recap(kb_dir, date="2026-01-15", basin="nord", body="# Neuf\n\nNeuf.\n")
    seen = snapshot(loc.folder, listing_file(loc.index_file))  # as the children take it
    path.unlink()  # ... then the file goes before the sync reads it
    report = sync(loc, seen=seen)
    assert (report.problems, report.added, report.unchanged) == ([], 0, 5)
    again = sync(loc)  # and the index, which never held it, is in line with the folder
    assert (again.problems, again.added, again.removed, again.total) == ([], 0, 0, 5)


def test_a_recap_removed_between_its_stat_and_its_read_leaves_the_index(kb_dir: Path) -> None:
    loc = locate(kb_dir)
    sync(loc)
    path = kb_dir / "2023-10-10-sud.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nModifié.\n", encoding="utf-8")
    seen = snapshot(loc.folder, listing_file(loc.index_file))
    path.unlink()
    report = sync(loc, seen=seen)
    assert (report.problems, report.removed, report.total) == ([], 1, 4)
    assert "2023-10-10-sud" not in indexed(loc.db)


def test_a_folder_removed_while_it_is_walked_is_not_there(
    kb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = kb_dir / "archives"
    write_recap(sub / "2019", date="2019-01-01")
    real = os.scandir

    def removed_first(path: object) -> object:
        if isinstance(path, str) and os.path.basename(path) in ("archives", "2019"):
            shutil.rmtree(sub, ignore_errors=True)  # another process removed it meanwhile
        return real(path)

    monkeypatch.setattr(os, "scandir", removed_first)
    # The snapshot (by the folder's listing, then a walk below each folder in it) ...
    assert folder.files(snapshot(str(kb_dir))[1]).keys() == {p.name for p in kb_dir.glob("*.md")}
    # ... and the walk kb add does (from the top).
    write_recap(sub / "2019", date="2019-01-01")
    assert len(scan(kb_dir)) == 5
