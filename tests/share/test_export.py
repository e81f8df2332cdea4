"""kb export: CSV for a spreadsheet, JSON lines, one Markdown document; whole or nothing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from kb.share.export import CSV_COLUMNS
from tests.conftest import Run, write_recap

TRICKY = 'Atelier; "bilan"\net suite'


def export(run: Run, *args: str) -> bytes:
    result = run("export", *args)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_csv_for_a_spreadsheet(kb_dir: Path, run: Run) -> None:
    write_recap(
        kb_dir, date="2025-03-01", basin="sud", title=json.dumps(TRICKY), team="[Zoé, Loïc]"
    )
    data = export(run, "--format", "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    assert "février".encode() in data and "février".encode("latin-1") not in data
    assert b"\r\n" in data
    assert b'"Atelier; ""bilan""\net suite"' in data  # quoted, quotes doubled, newline kept
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + 6
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    tricky = by_id["2025-03-01-sud"]
    assert tricky["title"] == TRICKY
    assert tricky["team"] == "Zoé; Loïc"
    assert tricky["basin_name"] == "Sud"
    assert tricky["edition"] == ""
    feb = by_id["2025-02-20-centre-ouest"]
    assert feb["title"] == "Retour sur l'Atelier du Changement du 20 février 2025"
    assert feb["participants"] == "45" and feb["next_meeting"] == "2025-06-12T14:00"
    assert feb["actions"].startswith("helpdesk; pousse-ma-porte; ")
    assert feb["path"] == "recaps/2025-02-20-centre-ouest.md"
    assert [row[1] for row in rows[1:]] == sorted(row[1] for row in rows[1:])


def test_jsonl_has_what_list_json_has_and_the_rest(kb_dir: Path, run: Run) -> None:
    lines = export(run, "--format", "jsonl", "--basin", "centre-ouest").decode().splitlines()
    listed = json.loads(run("list", "--json", "--basin", "centre-ouest").stdout)
    objects = [json.loads(line) for line in lines]
    assert [{k: o[k] for k in listed[0]} for o in objects] == listed
    assert set(objects[0]) - set(listed[0]) == {
        "basin_name",
        "team",
        "support_group",
        "tags",
        "next_meeting",
        "next_meeting_place",
        "source",
        "published",
    }
    assert objects[1]["team"][:2] == ["Esthéra", "Anaïs"]


def test_markdown_of_the_chosen_recaps(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-11-25")
    text = export(run, "--format", "md", "--basin", "centre-ouest", "--year", "2025").decode()
    lines = text.splitlines()
    assert lines[:3] == [
        "# Recaps — Centre-Ouest, 2025",
        "",
        "Made by kb on 2026-11-25 from 2 recaps.",
    ]
    titles = [line for line in lines if line.startswith("## ")]
    assert titles == [
        "## Retour sur l'Atelier du Changement du 20 février 2025",
        "## Retour sur l'Atelier du Changement du 12 juin 2025",
    ]
    assert "*2025-02-20 · Centre-Ouest · edition 7 · 45 participants*" in lines
    assert "### Le Helpdesk du bassin" in lines  # the recap's sections, one level down
    assert "\n# Retour sur" not in text  # each recap's own title line is not repeated


def test_markdown_of_what_the_recaps_say_about_an_action(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-11-25")
    lines = export(run, "--format", "md", "--action", "portes ouvertes").decode().splitlines()
    assert lines[:3] == [
        "# Semaine Portes Ouvertes",
        "",
        "Made by kb on 2026-11-25 from 2 recaps: what each says about Semaine Portes Ouvertes.",
    ]
    assert [line for line in lines if line.startswith("##")] == [
        "## Retour sur l'Atelier du Changement du 22 février 2024",
        "### Semaine portes ouvertes",
        "## Retour sur l'Atelier du Changement du 20 février 2025",
        "### Semaine Portes Ouvertes Patch'Work!",
    ]
    assert "- définition des éléments organisationnels et opérationnels du projet" in lines


def test_output_file_written_whole_and_its_format_from_its_name(
    kb_dir: Path, run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "recaps.csv"
    target.parent.mkdir()
    result = run("export", "--output", str(target), "--basin", "sud")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"1 recap written to {target}\n"
    assert target.read_bytes().startswith(b"\xef\xbb\xbfid,date,")
    assert [p.name for p in target.parent.iterdir()] == ["recaps.csv"]  # no temporary left


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--format", "xml"], 2, "Error: --format 'xml': expected csv, jsonl or md"),
        ([], 2, "Error: --format: expected csv, jsonl or md"),
        (
            ["--output", "recaps.txt"],
            2,
            "Error: --format: not given, and 'recaps.txt' does not end with .csv, .jsonl or .md; "
            "give --format csv, jsonl or md",
        ),
        (
            ["--format", "csv", "--basin", "nord"],
            1,
            "Error: no recap matches these filters (Nord); nothing written",
        ),
        (
            ["--output", "recaps/shared.md"],
            2,
            "Error: --output recaps/shared.md: inside the knowledge base recaps, where it would be "
            "read as a recap; write it elsewhere",
        ),
        (
            ["--format", "csv", "--output", "missing/recaps.csv"],
            1,
            "Error: --output missing/recaps.csv: cannot be written (No such file or directory); "
            "nothing was written",
        ),
        (
            ["--format", "csv", "--year", "20x5"],
            2,
            "Invalid value for '--year'",
        ),
    ],
)
def test_mistakes_are_one_line_and_nothing_is_written(
    kb_dir: Path, run: Run, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    before = sorted(p.name for p in tmp_path.rglob("*") if ".kb" not in p.parts)
    result = run("export", *args)
    assert result.exit_code == code
    assert result.stdout == ""
    if message.startswith("Error: "):
        assert result.stderr.splitlines() == [message]
    else:
        assert message in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.rglob("*") if ".kb" not in p.parts) == before


def test_a_failed_export_leaves_the_previous_file(kb_dir: Path, run: Run, tmp_path: Path) -> None:
    target = tmp_path / "recaps.csv"
    target.write_text("the previous export\n", encoding="utf-8")
    assert run("export", "-o", str(target), "--basin", "nord").exit_code == 1
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert run("export", "-o", str(target), "--basin", "sud").exit_code == 0
    assert target.read_bytes().count(b"\r\n") == 2


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--format", "csv", "--output"],
        ["export", "--format", "jsonl", "--output"],
        ["agenda", "--all", "--ics"],
    ],
)
@pytest.mark.parametrize(
    "name", ["kb.yml", "2023-10-10-sud.md.txt", "notes.csv", ".kb/index.sqlite"]
)
def test_no_output_replaces_a_file_of_the_knowledge_base_without_force(
    kb_dir: Path, run: Run, command: list[str], name: str
) -> None:
    target = kb_dir / name
    assert run("list").exit_code == 0  # the index is there
    if not target.exists():
        target.write_text("mine\n", encoding="utf-8")  # a file kb did not write
    before = target.read_bytes()
    result = run(*command, str(target))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {command[-1]} {target}: a file of the knowledge base recaps; pass --force "
        f"to replace it (the current file is then kept as {target.name}.bak)"
    ]
    assert target.read_bytes() == before and not (kb_dir / f"{name}.bak").exists()
    forced = run(*command, str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert f"{target}: the former file is kept as {target}.bak" in forced.stderr
    assert (kb_dir / f"{name}.bak").read_bytes() == before
    assert target.read_bytes() != before


def test_kb_yml_is_refused_even_where_there_is_none_and_other_files_are_written(
    empty_kb: Path, run: Run, tmp_path: Path
) -> None:
    write_recap(empty_kb, date="2025-01-01")
    result = run("export", "--format", "csv", "--output", str(empty_kb / "kb.yml"))
    assert result.exit_code == 2 and "pass --force to replace it" in result.stderr
    assert not (empty_kb / "kb.yml").exists()
    assert run("list").exit_code == 0  # still a knowledge base
    new = empty_kb / "recaps.csv"  # a new file there is no file of the knowledge base yet
    assert run("export", "--output", str(new)).exit_code == 0 and new.exists()
    outside = tmp_path / "elsewhere.csv"  # outside the folder: replaced as before, no copy
    outside.write_text("previous\n", encoding="utf-8")
    assert run("export", "--output", str(outside)).exit_code == 0
    assert outside.read_bytes().startswith(b"\xef\xbb\xbfid,") and not list(tmp_path.glob("*.bak"))


def test_the_launcher_refuses_kb_yml_too(kb_dir: Path) -> None:
    from tests.conftest import python

    for args in (["export", "-f", "csv", "-o"], ["agenda", "--all", "--ics"]):
        done = python("-m", "kb", *args, str(kb_dir / "kb.yml"), "--kb-dir", str(kb_dir))
        assert done.returncode == 2 and "pass --force to replace it" in done.stderr, done.stderr
    listed = python("-m", "kb", "list", "--kb-dir", str(kb_dir))
    assert listed.returncode == 0, listed.stderr
