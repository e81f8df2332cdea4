"""Where processes cannot fork (Windows), kb walks the folder itself and starts its
workers as new interpreters. KB_NO_FORK=1 takes that path here: every reading command
must print what it prints when kb forks. (``KB_NO_FORK=1 pytest`` runs the whole suite
that way.)"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.generate import generate
from tests.conftest import BUNDLED
from tests.faults.conftest import kb, start_kb, stray
from tests.faults.test_kills import none_left_running

READING = [
    ["search", "helpdesk"],
    ["search", "santé", "mentale", "--basin", "Sud", "--json"],
    ["search", "--raw", "helpdesk OR palliatifs", "--json"],
    ["search", "hopitl"],
    ["list"],
    ["list", "--basin", "centre ouest", "--json"],
    ["show", "2025-02-20-centre-ouest"],
    ["show", "2024-10", "--raw"],
    ["timeline", "--basin", "centre-ouest"],
    ["timeline", "--action", "portes-ouvertes", "--json"],
    ["basins"],
    ["basins", "--json"],
    ["actions", "-b", "sud-est"],
    ["actions", "--json"],
    ["glossary"],
    ["glossary", "--json"],
    ["index"],
]
ENV = {"COLUMNS": "80", "KB_TODAY": "2025-09-01"}
# kb in a process where os.fork is a tripwire: with KB_NO_FORK, nothing forks.
NO_FORK = (
    "import os, sys\n"
    "def fork():\n"
    "    raise SystemExit('os.fork called with KB_NO_FORK set')\n"
    "os.fork = fork\n"
    "from kb.cli.app import run as main\n"
    "main(sys.argv[1:])\n"
)


def without_fork(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", NO_FORK, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **ENV, "KB_NO_FORK": "1"},
        check=False,
    )


def outcome(done: subprocess.CompletedProcess[str]) -> tuple[int, str, str]:
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled recaps, indexed (the reading commands leave them as they are)."""
    folder = tmp_path_factory.mktemp("no-fork") / "recaps"
    shutil.copytree(BUNDLED, folder, ignore=shutil.ignore_patterns(".kb"))
    assert kb("index", "--kb-dir", str(folder)).returncode == 0
    return folder


@pytest.mark.parametrize("args", READING, ids=[" ".join(a) for a in READING])
def test_every_reading_command_prints_the_same_without_fork(args: list[str], indexed: Path) -> None:
    where = ["--kb-dir", str(indexed)]
    forked = kb(*args, *where, env=ENV)
    assert forked.returncode == 0, forked.stderr
    assert outcome(without_fork(*args, *where)) == outcome(forked)


def test_an_edit_is_seen_without_fork(kb_dir: Path) -> None:
    where = ["--kb-dir", str(kb_dir)]
    assert kb("index", *where).returncode == 0
    path = kb_dir / "2023-10-10-sud.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nLe projet Zorglub démarre.\n")
    found = without_fork("search", "zorglub", "--json", *where)
    assert found.returncode == 0 and '"id": "2023-10-10-sud"' in found.stdout


def test_a_large_index_made_by_new_interpreters_equals_the_forked_one(tmp_path: Path) -> None:
    folder = tmp_path / "recaps"
    shutil.copytree(BUNDLED, folder, ignore=shutil.ignore_patterns(".kb"))
    generate(450, folder)  # more than kb.index.prepare.POOL_FROM: the workers run
    forked = ["--kb-dir", str(folder), "--db", str(tmp_path / "forked.sqlite")]
    spawned = ["--kb-dir", str(folder), "--db", str(tmp_path / "spawned.sqlite")]
    assert kb("index", *forked).returncode == 0
    built = without_fork("index", *spawned)
    assert built.returncode == 0, built.stderr
    assert "455 recaps indexed: 455 added" in built.stdout
    for query in (["list", "--json"], ["search", "bassin", "--limit", "50", "--json"]):
        assert outcome(without_fork(*query, *spawned)) == outcome(kb(*query, *forked, env=ENV))


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc")
def test_workers_started_as_new_interpreters_leave_with_a_killed_kb(tmp_path: Path) -> None:
    folder = tmp_path / "recaps"
    generate(450, folder)
    rng = random.Random(17)
    for _ in range(4):  # killed while its workers start, or while they work
        process = start_kb("index", "--rebuild", "--kb-dir", str(folder), env={"KB_NO_FORK": "1"})
        time.sleep(rng.uniform(0.1, 0.8))
        process.kill()
        try:
            process.communicate(timeout=30)  # the pipes close when the workers are gone
        finally:
            none_left_running(folder)
    listed = without_fork("list", "--json", "--kb-dir", str(folder))
    assert listed.returncode == 0 and listed.stdout.count('"id": ') == 450
    assert stray(folder / ".kb") == set()
