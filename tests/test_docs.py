"""The examples in the README and docs/ are real runs: each ``$ kb …`` block must print
what it shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = [
    (f"{doc.name}: {block.splitlines()[0][2:]}", "\n".join(block.splitlines()[1:]))
    for doc in DOCS
    for block in re.findall(r"```console\n(.*?)\n```", doc.read_text(encoding="utf-8"), re.S)
]


def test_readme_has_examples_and_starts_with_the_two_commands() -> None:
    assert sum(label.startswith("README.md") for label, _ in EXAMPLES) >= 3
    commands = re.findall(r"```sh\n(.*?)```", README, re.S)
    assert "kb search" in commands[0] and "pytest" in commands[1]
    assert README.index("```sh") < README.index("## ")


def test_readme_fits_on_two_screens() -> None:
    assert len(README.splitlines()) <= 150


def test_links_between_docs_lead_somewhere() -> None:
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            assert (doc.parent / target).exists(), f"{doc.name}: link to {target}"


@pytest.mark.parametrize(("label", "expected"), EXAMPLES, ids=[label for label, _ in EXAMPLES])
def test_example_output(
    label: str, expected: str, kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    # Meetings announced in the recaps are upcoming or past depending on today.
    monkeypatch.setenv("KB_TODAY", "2026-11-25")
    args = shlex.split(label.split(": ", 1)[1])
    assert args[0] == "kb"
    result = run(*args[1:])
    assert result.exit_code == 0
    got = "\n".join(line.rstrip() for line in result.stdout.rstrip("\n").splitlines())
    assert got == expected
