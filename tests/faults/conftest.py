"""Helpers for the tests under faults: kb as a process, a generated corpus, mounts.

The mounts (a small tmpfs, a read-only bind mount) need root and the right to mount:
where that is refused, the test is skipped and says why. Root ignores permission bits,
so a read-only folder is made with a read-only mount, never with chmod.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from benchmarks.generate import generate

# The long run (docs/guarantees.md): more examples, and more of the tests' own loops.
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
# What a clean run leaves beside the index; anything else there is a stray file.
CLEAN = {".gitignore", "index.sqlite", "index.sqlite.listing"}


def shared(share: int = 1) -> settings:
    """Settings for a property test whose examples share one knowledge base, set up once
    (a fixture of the test's scope would be too, so the health check that warns of it is
    off). ``share``: examples that cost more (a process each) get the profile's
    ``max_examples`` divided by it, at least 5."""
    return settings(
        max_examples=max(5, settings.default.max_examples // share),
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


def kb(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m kb ARGS`` in a new process, output kept."""
    return subprocess.run(
        [sys.executable, "-m", "kb", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )


def start_kb(*args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kb", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def ids(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The recap ids of a ``kb list --json`` or ``kb search --json``, in order."""
    assert result.returncode == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)]


def one_error_line(stderr: str) -> str:
    """The single ``Error: …`` line of a failed command (and no traceback)."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    return lines[0]


def stray(index_dir: Path) -> set[str]:
    """What is beside the index that a clean run does not leave there."""
    return set(os.listdir(index_dir)) - CLEAN if index_dir.exists() else set()


@pytest.fixture(scope="session")
def corpus_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 generated recaps (benchmarks/generate.py: the same files every time)."""
    folder = tmp_path_factory.mktemp("corpus") / "recaps"
    generate(2000, folder)
    return folder


@pytest.fixture
def corpus(corpus_template: Path, tmp_path: Path) -> Path:
    """A copy of the generated corpus for one test, not yet indexed."""
    target = tmp_path / "corpus"
    shutil.copytree(corpus_template, target)
    return target


def _mount(*args: str) -> None:
    if os.name != "posix" or not shutil.which("mount"):
        pytest.skip("needs mount(8), as root: not on this system")
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"mount {' '.join(args)} is not permitted here: {done.stderr.strip()}")


def _umount(where: Path) -> None:
    subprocess.run(["umount", str(where)], capture_output=True, check=False)


@contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``where`` (a full disk on demand)."""
    where.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where))
    try:
        yield where
    finally:
        _umount(where)


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """``folder`` made read-only in place by a read-only bind mount over it (root
    writes through permission bits, not through a read-only mount)."""
    _mount("--bind", str(folder), str(folder))
    try:
        remount = ["mount", "-o", "remount,ro,bind", str(folder)]
        done = subprocess.run(remount, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"a read-only remount is not permitted here: {done.stderr.strip()}")
        yield folder
    finally:
        _umount(folder)
