"""kb killed with SIGKILL at random moments (seeded), on a generated corpus of 2,000
recaps: a first index, a rebuild, a sync of edited files. After each kill the next
command answers as a clean index would, and nothing is left beside the index nor
running. HYPOTHESIS_PROFILE=long kills ten times as often."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from kb.index.folder import forks
from tests.faults.conftest import LONG, ids, kb, start_kb, stray

KILLS = 100 if LONG else 10
SEED = 20250220


def running_on(folder: Path) -> list[int]:
    """Processes whose command line names ``folder`` (kb and its workers)."""
    out = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as handle:
                    if os.fsencode(folder) in handle.read():
                        out.append(int(pid))
            except OSError:
                continue
    return out


def none_left_running(folder: Path) -> None:
    deadline = time.monotonic() + 5
    while running_on(folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = running_on(folder)
    for pid in left:  # do not leave them to the rest of the suite
        os.kill(pid, signal.SIGKILL)
    assert left == [], "processes of a killed kb still running"


def edit(corpus: Path, rng: random.Random, word: str) -> set[str]:
    """Add ``word`` to a few hundred recaps (enough for the sync to use its workers)."""
    paths = rng.sample(sorted(corpus.glob("*.md")), rng.randint(50, 600))
    for path in paths:
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"\nLe mot {word} ajouté.\n")
    return {p.stem for p in paths}


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc")
def test_a_build_killed_at_any_moment_leaves_an_index_that_answers(corpus: Path) -> None:
    where = ["--kb-dir", str(corpus)]
    index_dir = corpus / ".kb"
    started = time.monotonic()
    first = kb("index", *where)
    took = time.monotonic() - started
    assert first.returncode == 0, first.stderr
    everything = {p.stem for p in corpus.glob("*.md")}
    rare = set(ids(kb("search", "tramontane", "--json", *where)))
    assert len(rare) == 2 and stray(index_dir) == set()
    rng = random.Random(SEED)
    landed, edited = 0, dict[str, set[str]]()
    for round_ in range(KILLS):
        kind = rng.choice(["first", "rebuild", "sync"])
        word = f"zorglub{round_}x"
        edited[word] = set()
        if kind == "first":
            (index_dir / "index.sqlite").unlink()
        if kind == "sync":
            edited[word] = edit(corpus, rng, word)
        process = start_kb("index", *where, *(["--rebuild"] if kind == "rebuild" else []))
        time.sleep(rng.uniform(0.05, took * (0.25 if kind == "sync" else 0.8)))
        process.kill()
        try:  # the pipes close when every process holding them has gone: kb's workers too
            _, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            none_left_running(corpus)
            raise
        landed += process.returncode == -signal.SIGKILL
        # Without fork (KB_NO_FORK=1 pytest), workers start as new interpreters: one
        # killed with its parent while it starts, and multiprocessing's resource tracker,
        # write to the dead kb's stderr (a traceback of multiprocessing.spawn, a warning).
        assert "Traceback" not in err or not forks()
        # The next command: the recaps as they are, whatever the index went through.
        assert set(ids(kb("list", "--json", *where))) == everything, (round_, kind)
        found = kb("search", "--raw", word, "--json", "--limit", "10000", *where)
        assert set(ids(found)) == edited[word], (round_, kind)
        assert set(ids(kb("search", "tramontane", "--json", *where))) == rare
        none_left_running(corpus)
        assert stray(index_dir) == set(), (round_, kind)
    print(f"{landed} of {KILLS} kills landed before kb finished")  # shown with pytest -rP
    assert landed >= KILLS // 3  # the others checked a kb that had finished: fine too


def test_what_killed_processes_left_goes_with_the_next_command(kb_dir: Path) -> None:
    where = ["--kb-dir", str(kb_dir)]
    assert kb("index", *where).returncode == 0
    index_dir = kb_dir / ".kb"
    dead = ["index.sqlite.new-999999999", "index.sqlite.new-999999999-journal"]
    dead.append("index.sqlite.listing.999999999")
    live = f"index.sqlite.new-{os.getpid()}"  # a rebuild still running: left alone
    for name in [*dead, live]:
        (index_dir / name).write_bytes(b"half a file")
    found = kb("search", "helpdesk", "--json", *where)  # answered without a sync
    assert ids(found) == ["2025-02-20-centre-ouest"]
    assert stray(index_dir) == {live}
