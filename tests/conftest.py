from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase
from typer.testing import CliRunner

from kb import i18n
from kb.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "recaps"
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"

Run = Callable[..., Result]

# Hypothesis: a short run by default (the suite stays quick), HYPOTHESIS_PROFILE=long for
# a long one (docs/guarantees.md gives both runs' figures). In CI (CI=true) every run
# tries the same inputs and keeps none; elsewhere failures are kept in .hypothesis/ (not
# in git) and tried first next time. Tests that start processes take a fraction of
# max_examples (see tests/faults/conftest.py).
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
settings.register_profile(
    "quick",
    max_examples=40,
    deadline=None,
    derandomize=CI,
    database=None if CI else DirectoryBasedExampleDatabase(ROOT / ".hypothesis" / "examples"),
    print_blob=True,
)
settings.register_profile("long", parent=settings.get_profile("quick"), max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def python(
    *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """This Python in a new process (``-c SCRIPT ...`` or ``-m kb ...``), output kept."""
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=None if env is None else {**os.environ, **env},
        cwd=cwd,
        check=False,
    )


def recap_text(
    date: str = "2025-03-01", basin: str = "sud", body: str = "", **fields: object
) -> str:
    """A recap file's text: frontmatter lines from the arguments, then the body."""
    lines = ["---", f"date: {date}", f"basin: {basin}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    lines += ["---", "", body or f"# Atelier du {date}\n\nTexte de l'atelier.\n"]
    return "\n".join(lines)


def write_recap(folder: Path, name: str | None = None, **kwargs: object) -> Path:
    date = str(kwargs.get("date", "2025-03-01"))
    basin = str(kwargs.get("basin", "sud"))
    path = folder / (name or f"{date}-{basin}.md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(recap_text(**kwargs), encoding="utf-8")  # type: ignore[arg-type]
    return path


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Every test runs in its own folder, with no KB_* variable from the developer's shell,
    a cache folder of its own (where kb keeps the index of a read-only folder), and in
    English (KB_LANG=en) whatever the machine's language: tests of French output say so
    (``in_french``)."""
    # LANGUAGE too: kb sets it when KB_LANG overrides it (kb.i18n.bind), and a test's
    # value must not reach the next test's processes.
    for name in ("KB_DIR", "KB_DB", "KB_TODAY", "KB_LOCALEDIR", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("KB_LANG", "en")
    i18n.reset()
    monkeypatch.chdir(tmp_path)
    yield
    i18n.reset()


@pytest.fixture
def in_french(monkeypatch: pytest.MonkeyPatch) -> None:
    """What kb says is in French for this test (its messages are read at each call)."""
    monkeypatch.setenv("KB_LANG", "fr")
    i18n.reset()


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A copy of the bundled recaps (and kb.yml), as ./recaps of the test's folder."""
    target = tmp_path / "recaps"
    shutil.copytree(BUNDLED, target, ignore=shutil.ignore_patterns(".kb"))
    return target


@pytest.fixture
def empty_kb(tmp_path: Path) -> Path:
    target = tmp_path / "recaps"
    target.mkdir()
    return target


@pytest.fixture
def run() -> Run:
    """Run the CLI in-process: ``run("search", "helpdesk")`` -> click Result."""
    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke
