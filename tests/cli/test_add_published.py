"""kb add --from-text on real-shaped published texts (tests/fixtures/published): --yes
writes what is found or inferred (and says what was inferred), refuses in one line what is
only guessed or not a workshop recap, naming the options; at a terminal, kb asks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kb.recaps.recap import parse_recap
from kb.recaps.vocab import defaults
from tests.cli.test_add_cli import ids
from tests.conftest import Run
from tests.recaps.test_published_texts import EXPECTED, PUBLISHED
from tests.test_add import snapshot

OPTIONS = {"--date": "--date YYYY-MM-DD", "--basin": "--basin BASIN", "--kind": "--kind "}
READ_AS_1252 = "not UTF-8; read as Windows-1252."
NOTE = re.compile(r"^(?:date|basin) \S+: ")


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kb.cli.questions.is_terminal", lambda: True)


def recap_id(entry: dict[str, Any]) -> str:
    date = entry["date"] or entry["date_candidate"]
    basin = entry["basin"] or entry["basin_candidate"]
    return f"{date}-{basin}"


def errors(stderr: str) -> list[str]:
    """The lines of stderr but the note on the encoding."""
    return [line for line in stderr.splitlines() if not line.endswith(READ_AS_1252)]


def add_yes(run: Run, entry: dict[str, Any], how: str, *extra: str) -> Any:
    path = PUBLISHED / entry["file"]
    if how == "stdin":
        return run("add", "--from-text", "-", "--yes", *extra, input=path.read_bytes())
    return run("add", "--from-text", str(path), "--yes", *extra)


@pytest.mark.parametrize("how", ["file", "stdin"])
@pytest.mark.parametrize("entry", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_yes_writes_what_is_sure_and_refuses_the_rest_in_one_line(
    empty_kb: Path, run: Run, entry: dict[str, Any], how: str
) -> None:
    run("list")  # the index exists: a refusal must leave it as it is too
    before = snapshot(empty_kb)
    assert ".kb/index.sqlite" in before
    result = add_yes(run, entry, how)
    if entry.get("encoding") == "cp1252":
        assert READ_AS_1252 in result.stderr
    if entry["yes_refusal"] is None:
        assert result.exit_code == 0, result.stderr
        name = recap_id(entry)
        assert result.stdout.startswith(f"Added {name}: recaps/{name}.md\n")
        assert set(snapshot(empty_kb)) - set(before) == {f"{name}.md"}
        notes = [line for line in result.stderr.splitlines() if NOTE.match(line)]
        assert notes == ([entry["yes_note"]] if entry["yes_note"] else [])
        assert ("(inferred)" in result.stderr) == bool(entry["yes_note"])
    else:
        assert result.exit_code == 2
        [line] = errors(result.stderr)
        assert line.startswith("Error: ") and line.endswith("; nothing was written")
        named = entry["yes_refusal"].split()
        for option, shown in OPTIONS.items():
            assert (shown in line) == (option in named), line
        if "--kind" in named:  # what it looks like, and the option that imports it as that
            assert f"pass --kind {entry['kind']};" in line and "this looks like" in line
        assert snapshot(empty_kb) == before


REFUSED = [e for e in EXPECTED if e["yes_refusal"]]


@pytest.mark.parametrize("entry", REFUSED, ids=[e["file"] for e in REFUSED])
def test_the_options_a_refusal_names_are_enough(
    empty_kb: Path, run: Run, entry: dict[str, Any]
) -> None:
    extra = []
    needed = entry["yes_refusal"]
    if "--kind" in needed:
        # --date and --basin alone never make it a workshop recap
        refused = add_yes(run, entry, "file", "--date", "2025-01-09", "--basin", "nord")
        assert refused.exit_code == 2 and "pass --kind" in refused.stderr
        extra += ["--kind", entry["kind"]]
        needed = entry["as_kind_refusal"] or ""
        if needed:
            refused = add_yes(run, entry, "file", *extra)
            assert refused.exit_code == 2 and "--kind" not in refused.stderr
            for option, shown in OPTIONS.items():
                assert (shown in refused.stderr) == (option in needed.split()), refused.stderr
    if "--date" in needed:
        extra += ["--date", entry["date_candidate"] or "2025-01-09"]
    if "--basin" in needed:
        extra += ["--basin", entry["basin_candidate"] or "nord"]
    result = add_yes(run, entry, "file", *extra)
    assert result.exit_code == 0, result.stderr
    [written] = [p for p in empty_kb.iterdir() if p.suffix == ".md"]
    recap = parse_recap(written.read_bytes(), written.name, defaults())
    assert recap.kind == entry["kind"]
    if entry["kind"] != "workshop":  # imported as what it is: no number of another event's
        assert written.name.startswith(f"{entry['kind']}-")
        assert (recap.edition, recap.participants, recap.next_meeting) == (None, None, None)


def test_crlf_on_standard_input_gives_the_same_recap_as_the_file(empty_kb: Path, run: Run) -> None:
    text = (PUBLISHED / "titre-date-complete.txt").read_bytes()
    assert b"\r" not in text
    result = run("add", "--from-text", "-", "--dry-run", input=text.replace(b"\n", b"\r\n"))
    crlf = result.stdout
    result = run("add", "--from-text", str(PUBLISHED / "titre-date-complete.txt"), "--dry-run")
    assert crlf == result.stdout and "date: 2025-06-12\nbasin: nord\n" in crlf
    assert list(empty_kb.iterdir()) == []


def test_dry_run_shows_a_guess_as_a_guess_and_writes_nothing(empty_kb: Path, run: Run) -> None:
    result = run("add", "--from-text", str(PUBLISHED / "date-isolee-sous-titre.txt"), "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith("---\ndate: 2025-03-25\nbasin: nord-est\n")
    assert (
        "date 2025-03-25: only guessed (a date alone on its line, the only date in the text); "
        "kb add asks at a terminal, else pass --date YYYY-MM-DD." in result.stderr
    )
    assert "basin nord-est: only guessed (" in result.stderr
    assert list(empty_kb.iterdir()) == []


# -- at a terminal ------------------------------------------------------------------------


def test_at_a_terminal_a_guessed_date_and_basin_are_asked_with_their_candidates(
    empty_kb: Path, run: Run, terminal: None
) -> None:
    text = str(PUBLISHED / "date-isolee-sous-titre.txt")
    result = run("add", "--from-text", text, input="1\n2\ny\n")
    assert result.exit_code == 0, result.stderr
    assert "the workshop's date is only guessed (a date alone on its line" in result.stderr
    assert '  1. 2025-03-25  "Mardi 25 mars 2025" (a date alone on its line' in result.stderr
    assert '  1. nord-est  "Schaerbeek, Evere" (named in the text)' in result.stderr
    assert '  2. nord  "Jette" (named in the text)' in result.stderr
    assert "Basin (its number, or one of nord, nord-est" in result.stderr
    assert ids(run) == ["2025-03-25-nord"]


def test_at_a_terminal_an_answer_may_be_typed_instead_of_chosen(
    empty_kb: Path, run: Run, terminal: None
) -> None:
    text = str(PUBLISHED / "deux-dates-atelier.txt")
    result = run("add", "--from-text", text, input="3\n10/04/2025\ny\n")
    assert result.exit_code == 0, result.stderr
    assert "several dates to the workshop: 2025-04-03, 2025-04-10" in result.stderr
    assert '  2. 2025-04-10  "s’est tenu le 10 avril 2025"' in result.stderr
    assert "expected a date like 2025-02-20" in result.stderr  # "3" is no candidate, no date
    assert ids(run) == ["2025-04-10-centre-ouest"]


def test_at_a_terminal_an_inferred_date_is_shown_as_such_before_confirming(
    empty_kb: Path, run: Run, terminal: None
) -> None:
    text = str(PUBLISHED / "echo-fevrier-portes-ouvertes.txt")
    result = run("add", "--from-text", text, input="y\n")
    assert result.exit_code == 0, result.stderr
    assert "date      2025-02-13  (inferred)" in result.stderr
    assert 'date 2025-02-13: the year is taken from "du 3 au 7 novembre 2025"' in result.stderr
    assert result.stderr.index("(inferred)") < result.stderr.index("Add 2025-02-13-sud-est?")
    assert ids(run) == ["2025-02-13-sud-est"]


def test_at_a_terminal_a_text_of_another_kind_is_imported_only_if_told(
    empty_kb: Path, run: Run, terminal: None
) -> None:
    text = str(PUBLISHED / "concertation-thematique.txt")
    result = run("add", "--from-text", text, input="\n")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "This looks like a concertation report, not an Atelier du Changement: the title says "
        '"Retour sur la Concertation thématique'
    )
    assert "Import it as a concertation report? [y/N]" in result.stderr
    assert "Nothing written." in result.stderr and list(empty_kb.iterdir()) == []
    result = run("add", "--from-text", text, input="y\ny\n")
    assert result.exit_code == 0, result.stderr
    # its own date and basin are found: nothing more to ask
    assert "Date of the workshop" not in result.stderr
    assert ids(run) == ["concertation-2025-03-25-centre-ouest"]


def test_at_a_terminal_a_report_without_a_date_of_its_own_asks_one(
    empty_kb: Path, run: Run, terminal: None
) -> None:
    text = str(PUBLISHED / "rapport-activites-2024.txt")
    result = run("add", "--from-text", text, input="y\n2024-12-19\ny\n")
    assert result.exit_code == 0, result.stderr
    assert "Date of the text (2025-02-20 or 20/02/2025)" in result.stderr
    assert ids(run) == ["report-2024-12-19-nord-est"]


def test_a_web_page_of_a_workshop_already_there_is_recognised(kb_dir: Path, run: Run) -> None:
    """The web page published a month later is seed 000's workshop: same date and basin."""
    result = run("add", "--from-text", str(PUBLISHED / "web-publie-le-18-mars-2025.txt"), "--yes")
    assert result.exit_code == 1
    assert "2025-02-20-centre-ouest is already in the knowledge base" in result.stderr
