"""The examples in the README and docs/ are real runs: each ``$ kb …`` block must print
what it shows. Every command and option of the typer app is told of in docs/commands.md
(docs/reference.md, every ``--help``, is cog's: .ci/run checks it)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
import typer.main

from kb.cli.app import app
from tests.conftest import ROOT, Run

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = [
    (f"{doc.name}: {block.splitlines()[0][2:]}", "\n".join(block.splitlines()[1:]))
    for doc in DOCS
    for block in re.findall(r"```console\n(.*?)\n```", doc.read_text(encoding="utf-8"), re.S)
]
COMMANDS_MD = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")


def _tree(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, click.Command]]:
    """``kb`` and every command (and subcommand) under it, by their command lines."""
    yield " ".join(("kb", *path)), command
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name="kb")
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            yield from _tree(sub, (*path, name))


def _options(tree: dict[str, click.Command]) -> dict[str, list[str]]:
    """Each option's names (long and short; --help too), with the commands that take it."""
    options: dict[str, list[str]] = {}
    for line, command in tree.items():
        for param in command.get_params(click.Context(command, info_name="kb")):
            if isinstance(param, click.Option):
                for name in (*param.opts, *param.secondary_opts):
                    options.setdefault(name, []).append(line)
    return options


def _named(name: str, text: str) -> bool:
    """Whether ``text`` names ``name`` whole: --from is not --from-text, -b is not -bar."""
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


TREE = dict(_tree(typer.main.get_command(app)))
OPTIONS = _options(TREE)


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


@pytest.mark.parametrize("line", [line for line in TREE if line != "kb"])
def test_every_command_is_told_of_in_commands_md(line: str) -> None:
    """As sqlite-utils' tests/test_docs.py: a command the prose never names is not
    documented, whatever its --help says."""
    headings = "\n".join(re.findall(r"^#+ .*$", COMMANDS_MD, re.M))
    assert _named(f"`{line}", COMMANDS_MD) or _named(line, headings), (
        f"docs/commands.md never shows `{line}`: say what it does there"
    )


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_every_option_is_told_of_in_commands_md(option: str) -> None:
    assert _named(option, COMMANDS_MD), (
        f"docs/commands.md never names {option} (of {', '.join(OPTIONS[option])}): say what "
        "it does there"
    )
