"""list, show, --version and help, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb import __version__
from kb.cli.app import app
from tests.conftest import Run, write_recap

CENTRE_OUEST = ["2024-02-22-centre-ouest", "2025-02-20-centre-ouest", "2025-06-12-centre-ouest"]


@pytest.mark.parametrize("basin", ["Centre-Ouest", "centre ouest", "CENTRE-OUEST", "centre-ouest"])
def test_list_by_basin_name_or_slug(kb_dir: Path, run: Run, basin: str) -> None:
    rows = json.loads(run("list", "--basin", basin, "--json").stdout)
    assert [r["id"] for r in rows] == CENTRE_OUEST


def test_list_table_is_by_date_with_metadata(kb_dir: Path, run: Run) -> None:
    result = run("list")
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line[:4].isdigit()]
    assert [line[:10] for line in lines] == [
        "2023-10-10",
        "2024-02-22",
        "2024-10-10",
        "2025-02-20",
        "2025-06-12",
    ]
    assert lines[3].split()[:4] == ["2025-02-20", "Centre-Ouest", "7", "45"]
    assert result.stdout.rstrip().endswith("5 recaps")


@pytest.mark.parametrize("columns", [40, 60, 80, 120])
def test_list_table_fits_the_terminal_and_wraps_titles_in_their_column(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    title = (
        "Retour sur l'Atelier du Changement : Helpdesk, Pousse ma porte et Semaine Portes Ouvertes"
    )
    write_recap(kb_dir, date="2026-03-05", basin="nord", title=f'"{title}"')
    monkeypatch.setenv("COLUMNS", str(columns))
    lines = run("list").stdout.rstrip("\n").splitlines()
    assert all(len(line.rstrip()) <= columns for line in lines)
    text = " ".join(line.strip() for line in lines)
    assert title in " ".join(text.split()) and "2026-03-05-nord" in text
    if columns >= 60:  # the title's lines and the id line up under "Title / id"
        at = lines[0].index("Title / id")
        row = next(i for i, line in enumerate(lines) if line.startswith("2026-03-05"))
        assert lines[row][at:].startswith("Retour sur")
        following = lines[
            row + 1 : lines.index(next(x for x in lines[row:] if "2026-03-05-nord" in x)) + 1
        ]
        assert all(line[:at].strip() == "" and line[at] != " " for line in following)


def test_list_json_shape_and_filters(kb_dir: Path, run: Run) -> None:
    rows = json.loads(run("list", "--json", "--year", "2024").stdout)
    assert [r["id"] for r in rows] == ["2024-02-22-centre-ouest", "2024-10-10-sud-est"]
    assert set(rows[1]) >= {
        "id",
        "date",
        "basin",
        "title",
        "edition",
        "participants",
        "actions",
        "path",
    }
    assert (rows[1]["edition"], rows[1]["participants"]) == (6, 30)
    assert rows[1]["actions"][:2] == ["rdv-prevention", "lunch-reseau"]
    assert rows[0]["participants"] is None
    assert json.loads(run("list", "--json", "--basin", "nord").stdout) == []
    assert run("list", "--basin", "nord").stdout == "No recap matches these filters.\n"


def test_show_by_id_prefix_and_path(kb_dir: Path, run: Run) -> None:
    result = run("show", "2025-02-20-centre-ouest")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Retour sur l'Atelier du Changement du 20 février 2025\n")
    assert "Participants  45" in out and "Edition       7" in out
    assert "Next meeting  2025-06-12 14:00" in out
    assert "Le Helpdesk du bassin" in out and "Consultez l'agenda" in out
    assert "---" not in out.split("─")[-1]  # no frontmatter in the rendered body
    assert run("show", "2025-02-2").stdout == out
    assert run("show", "recaps/2025-02-20-centre-ouest.md").stdout == out


def test_show_raw_prints_the_file(kb_dir: Path, run: Run) -> None:
    path = kb_dir / "2024-10-10-sud-est.md"
    assert run("show", "2024-10-10-sud-est", "--raw").stdout == path.read_text()


def test_show_unknown_and_ambiguous(kb_dir: Path, run: Run) -> None:
    result = run("show", "2025")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: '2025' matches 2 recaps (2025-02-20-centre-ouest, 2025-06-12-centre-ouest); "
        "give more of the id\n"
    )
    result = run("show", "2025-02-20-centre-oust")
    assert result.exit_code == 1
    assert (
        "no recap '2025-02-20-centre-oust' (did you mean 2025-02-20-centre-ouest?)" in result.stderr
    )


def test_invalid_files_are_warned_about_on_reading_commands(empty_kb: Path, run: Run) -> None:
    write_recap(empty_kb)
    (empty_kb / "notes.md").write_text("juste des notes\n")
    result = run("list")
    assert result.exit_code == 0
    assert "2025-03-01-sud" in result.stdout
    assert (
        result.stderr == "warning: recaps/notes.md: no frontmatter: a recap starts with a '---' "
        "line, then date: and basin: (skipped)\n"
    )


def test_version(run: Run) -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout == f"kb {__version__}\n"


def test_every_command_has_help_with_an_example(run: Run) -> None:
    import typer.main

    group = typer.main.get_command(app)
    names = sorted(group.commands)  # type: ignore[attr-defined]
    assert {"index", "search", "list", "show"} <= set(names)
    for name in names:
        result = run(name, "--help")
        assert result.exit_code == 0
        command = group.commands[name]  # type: ignore[attr-defined]
        assert command.help, f"{name} has no help text"
        assert "Example" in result.stdout, f"{name} --help shows no example"


def test_every_argument_shows_its_help(run: Run) -> None:
    """Each argument's help is printed under "Arguments" (click 8.5 gave arguments a help
    of their own, which typer 0.25 overwrote with None: `kb search --help` said only
    `QUERY [required]`)."""
    import typer.main

    group = typer.main.get_command(app)
    seen = 0
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        for param in command.params:
            if param.param_type_name != "argument":
                continue
            seen += 1
            assert param.help, f"kb {name}: {param.name} has no help"
            shown = run(name, "--help").stdout
            assert param.help.split()[0] in shown.split("Arguments:")[1], f"kb {name} --help"
    assert seen >= 4  # search's query, show's, similar's and open's ids at least
