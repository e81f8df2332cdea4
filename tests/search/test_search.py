"""Search through the CLI and the core, on the bundled recaps and on made-up ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Run, write_recap


def found(result) -> list[str]:
    """Recap ids of a --json search, in order, without repeats."""
    assert result.exit_code == 0, result.output
    return list(dict.fromkeys(row["id"] for row in json.loads(result.stdout)))


def test_helpdesk_finds_the_centre_ouest_recap(kb_dir: Path, run: Run) -> None:
    result = run("search", "helpdesk")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2025-02-20  Centre-Ouest  Retour sur l'Atelier du Changement")
    assert lines[1].strip() == "Le Helpdesk du bassin"
    assert "recours au HD" in result.stdout
    assert "kb show 2025-02-20-centre-ouest" in result.stdout


@pytest.mark.parametrize("query", ["hopital", "hôpital", "HOPITAL", "Hôpital"])
def test_accents_and_case_do_not_matter(kb_dir: Path, run: Run, query: str) -> None:
    assert found(run("search", query, "--json")) == [
        "2025-02-20-centre-ouest",
        "2024-10-10-sud-est",
    ]


@pytest.mark.parametrize(
    "query",
    [
        "centre-ouest",
        "l'hôpital",
        '"helpdesk',
        "AND",
        "OR NOT",
        "a:b",
        "NEAR(x y)",
        "(",
        "*",
        "col:val",
        "^start",
        "x + y",
        "«mobilité»",
        "'",
        "-",
    ],
)
def test_punctuation_never_produces_an_fts_error(kb_dir: Path, run: Run, query: str) -> None:
    result = run("search", query)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: query") and "no word to search for" in result.stderr


def test_punctuation_is_text(kb_dir: Path, run: Run) -> None:
    assert set(found(run("search", "centre-ouest", "--json"))) == {
        "2025-02-20-centre-ouest",
        "2024-02-22-centre-ouest",
        "2025-06-12-centre-ouest",
    }
    assert set(found(run("search", "l'articulation", "--json"))) == {
        "2024-10-10-sud-est",
        "2024-02-22-centre-ouest",
    }
    assert found(run("search", '"helpdesk', "--json")) == ["2025-02-20-centre-ouest"]


def test_every_word_must_match(kb_dir: Path, run: Run) -> None:
    assert found(run("search", "hôpital ambulatoire hospitalier", "--json")) == [
        "2025-02-20-centre-ouest"
    ]
    # No recap has both: the recaps with either, and a note (tests/search/test_ranking.py).
    result = run("search", "helpdesk palliatifs", "--json", "--words-only")
    assert set(found(result)) == {"2025-02-20-centre-ouest", "2025-06-12-centre-ouest"}
    assert result.stderr.startswith("No recap has all of these words")


def test_phrase_and_prefix(kb_dir: Path, run: Run) -> None:
    assert found(run("search", '"pousse ma porte"', "--json")) == ["2025-02-20-centre-ouest"]
    assert found(run("search", '"porte pousse"', "--json")) == []
    assert found(run("search", "pallia*", "--json")) == ["2025-06-12-centre-ouest"]
    assert found(run("search", "pallia", "--json")) == []


def test_filters(kb_dir: Path, run: Run) -> None:
    everywhere = found(run("search", "bassin", "--json", "--limit", "50"))
    assert len(everywhere) == 5
    assert found(run("search", "bassin", "--json", "--basin", "Sud Est")) == ["2024-10-10-sud-est"]
    assert set(found(run("search", "bassin", "--json", "--year", "2025"))) == {
        "2025-02-20-centre-ouest",
        "2025-06-12-centre-ouest",
    }
    assert set(
        found(run("search", "bassin", "--json", "--since", "2024-10", "--until", "2025-02"))
    ) == {"2024-10-10-sud-est", "2025-02-20-centre-ouest"}
    assert found(run("search", "bassin", "--json", "--until", "2023")) == ["2023-10-10-sud"]
    assert found(run("search", "bassin", "--json", "--limit", "2")).__len__() == 2


def test_action_filter_uses_frontmatter_actions(empty_kb: Path, run: Run) -> None:
    write_recap(empty_kb, date="2025-01-10", actions="[helpdesk]", body="# A\n\nLa ligne.\n")
    write_recap(empty_kb, date="2025-01-11", body="# B\n\nLa ligne.\n")
    assert found(run("search", "ligne", "--json", "--action", "helpdesk")) == ["2025-01-10-sud"]


def test_bad_filter_values_are_one_line_errors(kb_dir: Path, run: Run) -> None:
    result = run("search", "bassin", "--basin", "centre")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --basin 'centre': not a known basin (did you mean centre-ouest?); "
        "known basins: nord, nord-est, centre-ouest, sud, sud-est\n"
    )
    result = run("search", "bassin", "--since", "31/02/2025")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --since '31/02/2025': expected a date as YYYY, YYYY-MM or YYYY-MM-DD\n"
    )
    assert run("search", "bassin", "--until", "2025-02-31").exit_code == 2
    assert run("search", "bassin", "--limit", "0").exit_code == 2


def test_json_shape(kb_dir: Path, run: Run) -> None:
    rows = json.loads(run("search", "portes ouvertes", "--json").stdout)
    assert rows
    for row in rows:
        assert {"id", "date", "basin", "title", "section", "snippet", "score", "path"} <= set(row)
        assert "\x02" not in row["snippet"] and "\x03" not in row["snippet"]
        assert Path(row["path"]).exists()
    first = rows[0]
    assert first["section"] in ("Semaine portes ouvertes", "Semaine Portes Ouvertes Patch'Work!")
    assert "ouvertes" in first["snippet"].lower()


def test_no_result_is_a_clear_line_and_success(kb_dir: Path, run: Run) -> None:
    result = run("search", "zorglub")
    assert result.exit_code == 0
    assert result.stdout == "No recap matches 'zorglub'.\n"
    assert run("search", "zorglub", "--json").stdout == "[]\n"


def test_raw_passes_fts_syntax_and_reports_errors(kb_dir: Path, run: Run) -> None:
    assert set(found(run("search", "--raw", "helpdesk OR palliatifs", "--json"))) == {
        "2025-02-20-centre-ouest",
        "2025-06-12-centre-ouest",
    }
    result = run("search", "--raw", '"unbalanced')
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --raw query is not valid FTS5 syntax")
    assert len(result.stderr.splitlines()) == 1


def test_recap_edited_a_second_ago_is_found(kb_dir: Path, run: Run) -> None:
    assert found(run("search", "zorglub", "--json")) == []
    path = kb_dir / "2023-10-10-sud.md"
    path.write_text(path.read_text() + "\nLe projet Zorglub démarre.\n")
    assert found(run("search", "zorglub", "--json")) == ["2023-10-10-sud"]
    path.unlink()
    assert found(run("search", "zorglub", "--json")) == []


def test_markup_and_escapes_in_a_recap_are_shown_as_text(empty_kb: Path, run: Run) -> None:
    body = (
        "# [red]Titre[/red]\n\n## [link=http://x]Piège[/link]\n\n"
        "Mot \x1b[31m rouge\x1b]0;pwned\x07 [bold]gras[/bold].\n"
    )
    write_recap(empty_kb, body=body)
    result = run("search", "rouge")
    assert "[red]Titre[/red]" in result.stdout
    assert "[link=http://x]Piège[/link]" in result.stdout
    assert "[bold]gras[/bold]" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    shown = run("show", "2025-03-01-sud")
    assert "[bold]gras[/bold]" in shown.stdout and "[link=http://x]Piège[/link]" in shown.stdout
    assert "\x1b" not in shown.stdout


def test_raw_finds_the_matching_sections_of_each_recap(kb_dir: Path, run: Run) -> None:
    # Sections have no FTS table of their own: --raw matches the shown recaps' sections
    # with the same columns, stems included, and highlights the heading.
    for _ in range(2):  # the temporary table of one search does not trouble the next
        rows = json.loads(run("search", "--raw", "helpdesk", "--json").stdout)
        assert [(r["id"], r["section"]) for r in rows] == [
            ("2025-02-20-centre-ouest", "Le Helpdesk du bassin")
        ]
    rows = json.loads(run("search", "--raw", "body_stem:hopital", "--json").stdout)
    assert {r["id"] for r in rows} == {"2025-02-20-centre-ouest", "2024-10-10-sud-est"}
    assert all(r["position"] > 0 for r in rows)  # a section with the word, not the intro
    out = run("search", "--raw", "helpdesk").stdout
    assert "Le Helpdesk du bassin" in out
