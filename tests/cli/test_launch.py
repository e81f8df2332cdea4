"""The ``kb`` program: the typer app, and what a run of it imports."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kb.cli.app import run as main
from tests.conftest import Run, python


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
def test_the_program_prints_what_the_whole_app_prints(
    args: list[str],
    kb_dir: Path,
    run: Run,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("KB_TODAY", "2026-11-25")
    # kb's program builds only the command it runs (kb.cli.app._named): the same output.
    run("index")  # both start from a synced index
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    one = capsys.readouterr()
    whole = run(*args)
    assert (exit_info.value.code, one.out, one.err) == (
        whole.exit_code,
        whole.stdout,
        whole.stderr,
    )


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
    # The one guard of start-up cost: a search pays for typer (with click) and rich, and
    # for nothing of kb's that another command uses (nor pydantic, which typer 0.29 loads).
    run("index")
    script = (
        "import sys; from kb.cli.app import run\n"
        "try:\n    run(['search', 'helpdesk', '--kb-dir', sys.argv[1]])\n"
        "except SystemExit:\n    pass\n"
        "heavy = [m for m in ('yaml', 'frontmatter', 'sqlite_utils', 'json', 'shlex',"
        " 'tempfile', 'multiprocessing', 'pydantic', 'kb.cli.editor', 'kb.cli.questions',"
        " 'kb.add', 'kb.recaps.recap', 'kb.share.export', 'kb.timeline.entries',"
        " 'icalendar', 'starlette', 'jinja2', 'uvicorn', 'markdown_it', 'zoneinfo')"
        " if m in sys.modules]\n"
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
def test_what_click_rejects_is_one_line_and_status_2(args: list[str], run: Run) -> None:
    result = run(*args)
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_a_query_starting_with_a_dash_after_double_dash(kb_dir: Path, run: Run) -> None:
    args = ["search", "--", "-handicap santé mentale"]
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
