"""Shell completion, through typer's testing tools and the variables its scripts set."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kb.cli.app import app
from tests.conftest import Run, python, write_recap

BASINS = ["nord", "nord-est", "centre-ouest", "sud", "sud-est"]
IDS = [
    "2023-10-10-sud",
    "2024-02-22-centre-ouest",
    "2024-10-10-sud-est",
    "2025-02-20-centre-ouest",
    "2025-06-12-centre-ouest",
]


def bash(line: str, **env: str) -> list[str]:
    """What bash offers for ``line`` (the word under the cursor is its last, maybe '')."""
    words = line.split(" ")
    result = CliRunner().invoke(
        app,
        [],
        env={
            "_KB_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
            **env,
        },
        prog_name="kb",
    )
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return [line for line in result.stdout.splitlines() if line]


def complete(shell: str, line: str, **env: str) -> str:
    """What zsh, fish or PowerShell are given for ``line`` (typer's _TYPER_COMPLETE_ARGS)."""
    result = CliRunner().invoke(
        app,
        [],
        env={"_KB_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line, **env},
        prog_name="kb",
    )
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return result.stdout


@pytest.fixture
def indexed(kb_dir: Path, run: Run) -> Path:
    run("index")
    return kb_dir


def test_commands_and_options(indexed: Path) -> None:
    assert {"search", "list", "show", "open", "timeline", "add"} <= set(bash("kb "))
    assert bash("kb ti") == ["timeline"]
    assert {"--basin", "--no-pager", "--no-color", "--json"} <= set(bash("kb list --"))
    assert "--install-completion" in bash("kb --")


def test_basin_and_action_slugs(indexed: Path) -> None:
    assert bash("kb search helpdesk --basin ") == BASINS
    assert bash("kb list -b sud") == ["sud", "sud-est"]
    assert bash("kb timeline --basin Centre") == []  # slugs only, as typed: typer's rule
    assert bash("kb timeline --action portes") == ["portes-ouvertes"]
    assert bash("kb actions --basin no") == ["nord", "nord-est"]
    assert bash("kb add --basin sud-") == ["sud-est"]


def test_recap_ids_from_the_index(indexed: Path) -> None:
    assert bash("kb show ") == IDS
    assert bash("kb open 2025-0") == IDS[3:]
    assert bash("kb show 2025_") == []  # LIKE's wildcards are letters here


def test_zsh_fish_and_powershell_get_what_each_value_is(indexed: Path) -> None:
    zsh = complete("zsh", "kb show 2024")
    assert zsh.startswith("_arguments '*: :((")
    assert '"2024-02-22-centre-ouest":"Retour sur l\'\'Atelier du Changement' in zsh
    assert '"sud-est":"Sud-Est"' in complete("zsh", "kb list --basin sud")
    fish = complete("fish", "kb timeline --action help", _TYPER_COMPLETE_FISH_ACTION="get-args")
    assert fish.splitlines() == ["helpdesk\tHelpdesk"]
    powershell = complete(
        "powershell", "kb list --basin nord", _TYPER_COMPLETE_WORD_TO_COMPLETE="nord"
    )
    assert powershell.splitlines()[0].startswith("nord:::")


def test_the_knowledge_base_named_on_the_line_is_the_one_read(
    indexed: Path, tmp_path: Path, run: Run
) -> None:
    other = tmp_path / "other"
    write_recap(other, date="2026-01-05", basin="nord")
    run("index", "--kb-dir", str(other))
    assert bash(f"kb show --kb-dir {other} ") == ["2026-01-05-nord"]


def test_without_an_index_vocabulary_from_kb_yml_and_nothing_written(kb_dir: Path) -> None:
    (kb_dir / "kb.yml").write_text(
        "basins:\n  - {slug: ixelles, name: Ixelles}\n", encoding="utf-8"
    )
    assert "ixelles" in bash("kb list --basin ")
    assert bash("kb show ") == []
    assert not (kb_dir / ".kb").exists()


@pytest.mark.parametrize("content", [b"not a database at all", b""])
def test_a_broken_index_or_folder_offers_nothing_without_a_traceback(
    kb_dir: Path, tmp_path: Path, content: bytes
) -> None:
    (kb_dir / ".kb").mkdir()
    (kb_dir / ".kb" / "index.sqlite").write_bytes(content)
    assert bash("kb show ") == []
    assert bash(f"kb list --kb-dir {tmp_path / 'nowhere'} --basin ") == []


def test_show_and_install_completion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")  # name the shell
    monkeypatch.setenv("HOME", str(tmp_path))
    runner = CliRunner()
    for shell, marker in [
        ("bash", "_KB_COMPLETE=complete_bash"),
        ("zsh", "compdef _kb_completion kb"),
        ("fish", "_KB_COMPLETE=complete_fish"),
        ("powershell", "complete_powershell"),
    ]:
        shown = runner.invoke(app, ["--show-completion", shell], prog_name="kb")
        assert shown.exit_code == 0 and marker in shown.stdout, shell
    installed = runner.invoke(app, ["--install-completion", "bash"], prog_name="kb")
    assert installed.exit_code == 0, installed.output
    assert "_KB_COMPLETE=complete_bash" in (tmp_path / ".bash_completions" / "kb.sh").read_text()
    assert "source" in (tmp_path / ".bashrc").read_text()


def test_the_kb_program_hands_completion_to_typer(indexed: Path) -> None:
    done = python(
        "-m",
        "kb",
        env={"_KB_COMPLETE": "complete_bash", "COMP_WORDS": "kb show 2023", "COMP_CWORD": "2"},
        cwd=indexed.parent,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "2023-10-10-sud\n", "")
