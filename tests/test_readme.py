"""The README's examples are real runs: each ``$ kb …`` block must print what it shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = [
    (block.splitlines()[0][2:], "\n".join(block.splitlines()[1:]))
    for block in re.findall(r"```console\n(.*?)\n```", README, re.S)
]


def test_readme_has_examples_and_starts_with_the_two_commands() -> None:
    assert len(EXAMPLES) >= 3
    commands = re.findall(r"```sh\n(.*?)```", README, re.S)
    assert "kb search" in commands[0] and "pytest" in commands[1]
    assert README.index("```sh") < README.index("## ")


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example_output(
    command: str, expected: str, kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    # Meetings announced in the recaps are upcoming or past depending on today.
    monkeypatch.setenv("KB_TODAY", "2026-11-25")
    args = shlex.split(command)
    assert args[0] == "kb"
    result = run(*args[1:])
    assert result.exit_code == 0
    got = "\n".join(line.rstrip() for line in result.stdout.rstrip("\n").splitlines())
    assert got == expected
