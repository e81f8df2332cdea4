"""The fast launcher: same results as the typer app, without importing typer."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import typer.main

from kb.cli.app import app
from kb.cli.launch import FAST, SLOW, fast_call, main
from tests.conftest import Run, python

GROUP = typer.main.get_command(app)


def typer_options(name: str) -> tuple[set[tuple[str, ...]], set[str], list[str]]:
    """(option flags, the flags that take no value, positional names) of a typer command."""
    command = GROUP.commands[name]  # type: ignore[attr-defined]
    options = {tuple(sorted(p.opts)) for p in command.params if p.param_type_name == "option"}
    flags = {p.opts[0] for p in command.params if getattr(p, "is_flag", False)}
    positional = [p.name for p in command.params if p.param_type_name == "argument"]
    return options, flags, positional


@pytest.mark.parametrize("name", sorted(FAST))
def test_fast_tables_mirror_the_typer_commands(name: str) -> None:
    options, flags, positional = typer_options(name)
    _, fast_positional, fast_options = FAST[name]
    assert {tuple(sorted(f)) for _, f, _ in fast_options} == options - {("--help",)}
    assert {f[0] for _, f, kind in fast_options if kind is bool} == flags - {"--help"}
    assert len(positional) == (1 if fast_positional else 0)


def test_every_reading_command_has_a_fast_path() -> None:
    assert set(FAST) == set(GROUP.commands) - set(SLOW)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "args",
    [
        ["search", "helpdesk"],
        ["search", "santé", "mentale", "--basin", "Sud", "--json"],
        ["search", "portes", "ouvertes", "--limit", "1"],
        ["search", "--raw", "helpdesk OR palliatifs", "--json"],
        ["search", "hopitl"],
        ["list", "--basin", "centre ouest", "--year", "2025"],
        ["list", "--json"],
        ["show", "2025-02-20-centre-ouest"],
        ["show", "2024-10", "--raw"],
        ["timeline", "--action", "portes-ouvertes"],
        ["basins", "--json"],
        ["actions", "-b", "sud-est"],
        ["glossary"],
        ["agenda", "--all", "--basin", "sud"],
        ["agenda", "--json", "--since", "2025"],
        ["export", "--format", "jsonl", "--basin", "centre-ouest"],
        ["export", "-f", "md", "--action", "HD"],
        ["export", "--format", "xml"],
        ["index"],
        ["search", "x", "--basin", "centre"],
        ["show", "2025"],
        ["search", "helpdesk OR (palliatifs | HD)", "--no-pager", "--no-color"],
        ["show", "2025-02-20-centre-ouest", "--no-pager"],
        ["timeline", "--basin", "sud", "--no-color", "--no-pager"],
        ["list", "--no-pager"],
        ["glossary", "--no-color"],
        ["show", "1"],
        ["open", "zzz"],
    ],
)
def test_fast_path_prints_what_typer_prints(
    args: list[str],
    kb_dir: Path,
    run: Run,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("KB_TODAY", "2026-11-25")
    run("index")  # both start from a synced index
    assert fast_call(args) is not None
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    fast = capsys.readouterr()
    slow = run(*args)
    assert (exit_info.value.code, fast.out, fast.err) == (slow.exit_code, slow.stdout, slow.stderr)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--version"],
        ["search", "--help"],
        ["search"],
        ["search", "x", "--limit", "0"],
        ["search", "x", "--year", "deux-mille"],
        ["search", "x", "--colour"],
        ["list", "--bas", "sud"],
        ["show"],
        ["open"],
        ["add", "draft.md"],
        ["--install-completion"],
        ["--show-completion", "bash"],
        ["search", "x", "--no-colour"],
    ],
)
def test_everything_else_goes_to_typer(args: list[str]) -> None:
    assert fast_call(args) is None


def test_a_completion_goes_to_typer_whatever_the_arguments(
    kb_dir: Path, run: Run, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run("index")
    monkeypatch.setenv("_KB_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "kb search x --basin centre")
    monkeypatch.setenv("COMP_CWORD", "4")
    for args in ([], ["search", "helpdesk"]):  # shells pass none; typer ignores any
        with pytest.raises(SystemExit) as exit_info:
            main(args)
        assert exit_info.value.code == 0
        assert capsys.readouterr().out == "centre-ouest\n"


def test_a_search_does_not_import_what_it_does_not_use(kb_dir: Path, run: Run) -> None:
    run("index")
    script = (
        "import sys; from kb.cli.launch import main\n"
        "try:\n    main(['search', 'helpdesk', '--kb-dir', sys.argv[1]])\n"
        "except SystemExit:\n    pass\n"
        "heavy = [m for m in ('typer', 'click', 'yaml', 'frontmatter', 'sqlite_utils',"
        " 'json', 'shutil', 'subprocess', 'shlex', 'tempfile', 'kb.cli.complete',"
        " 'kb.cli.editor', 'icalendar', 'starlette', 'jinja2', 'uvicorn', 'markdown_it',"
        " 'zoneinfo') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    done = python("-c", script, str(kb_dir))
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout
    assert "Le Helpdesk du bassin" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["search", "helpdesk", "--limit", "9223372036854775808"],
        ["search", "-handicap santé"],
        ["search", "helpdesk", "-2024"],
        ["show", "-x"],
    ],
)
def test_what_click_rejects_is_not_taken_by_the_fast_path(args: list[str], run: Run) -> None:
    assert fast_call(args) is None
    result = run(*args)
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_a_query_starting_with_a_dash_after_double_dash(kb_dir: Path, run: Run) -> None:
    args = ["search", "--", "-handicap santé mentale"]
    assert fast_call(args) is not None
    assert run(*args).exit_code == 0


def test_an_output_that_cannot_take_utf8_gets_json_escapes_or_one_line(kb_dir: Path) -> None:
    def kb(*args: str) -> subprocess.CompletedProcess[str]:
        return python("-m", "kb", *args, "--kb-dir", str(kb_dir), env={"PYTHONIOENCODING": "ascii"})

    found = kb("search", "hôpital", "--json")
    assert found.returncode == 0
    assert "\\u00f4" in found.stdout and json.loads(found.stdout)[0]["title"].endswith("2025")
    shown = kb("timeline")
    assert shown.returncode == 1 and "Traceback" not in shown.stderr
    assert shown.stderr.strip().splitlines() == [
        "Error: the output's encoding (ascii) cannot show the recaps' text; "
        "use UTF-8 (PYTHONIOENCODING=utf-8)"
    ]
