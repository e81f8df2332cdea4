"""kb agenda: the meetings the recaps announce, each once, upcoming first."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from kb.config import locate
from kb.index.schema import connect
from kb.index.sync import sync
from kb.search.filters import Filters
from kb.timeline.agenda import agenda
from tests.conftest import Run, write_recap

KEYS = ["date", "time", "basin", "place", "status", "recap", "announced_by", "uid"]
EXPO = "Expo Anderlecht : 95 Chaussée de Mons, 1070 Anderlecht"


def meetings(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run("agenda", "--json", *args)
    assert result.exit_code == 0, result.output
    data: list[dict[str, Any]] = json.loads(result.stdout)
    assert all(list(m) == KEYS for m in data)
    return data


def test_by_default_the_upcoming_meetings(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    assert meetings(run) == [
        {
            "date": "2025-10-23",
            "time": "14:00",
            "basin": "centre-ouest",
            "place": EXPO,
            "status": "upcoming",
            "recap": None,
            "announced_by": "2025-06-12-centre-ouest",
            "uid": "2025-10-23-centre-ouest@kb.ateliers-du-changement",
        }
    ]


def test_all_adds_the_past_ones_latest_first_with_their_recap(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    data = meetings(run, "--all")
    assert [(m["date"], m["basin"], m["status"], m["recap"]) for m in data] == [
        ("2025-10-23", "centre-ouest", "upcoming", None),
        ("2025-06-12", "centre-ouest", "held", "2025-06-12-centre-ouest"),
        ("2025-02-13", "sud-est", "missing", None),
        ("2024-06-10", "centre-ouest", "missing", None),
        ("2024-02-01", "sud", "missing", None),
    ]
    assert data[4]["place"] == "salle Pianofabriek" and data[4]["time"] is None


def test_filters_basin_and_dates(kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    assert [m["date"] for m in meetings(run, "--all", "-b", "centre ouest")] == [
        "2025-10-23",
        "2025-06-12",
        "2024-06-10",
    ]
    # --since in the past shows the past meetings from then on, without --all.
    assert [m["date"] for m in meetings(run, "--since", "2025")] == [
        "2025-10-23",
        "2025-06-12",
        "2025-02-13",
    ]
    assert [m["date"] for m in meetings(run, "--all", "--until", "2024-06")] == [
        "2024-06-10",
        "2024-02-01",
    ]
    assert [m["date"] for m in meetings(run, "--year", "2024")] == ["2024-06-10", "2024-02-01"]


def test_no_upcoming_meeting_says_how_to_see_the_past(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-11-25")
    result = run("agenda")
    assert result.exit_code == 0
    assert result.stdout == (
        "No meeting announced from 2026-11-25 on; --all shows the past ones too.\n"
    )
    assert meetings(run) == []


def test_a_meeting_announced_again_is_the_same_meeting(
    empty_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same basin and day: one meeting, with the latest time and place said, and the
    UID it had."""
    write_recap(empty_kb, date="2025-01-10", basin="sud", next_meeting="2025-03-20")
    loc = locate(empty_kb)
    sync(loc)
    today = dt.date(2025, 2, 1)
    first = agenda(connect(loc.index_file), filters=Filters(), today=today)
    write_recap(
        empty_kb,
        date="2025-02-01",
        basin="sud",
        next_meeting='"2025-03-20T09:30"',
        next_meeting_place="Maison de quartier",
    )
    sync(loc)
    again = agenda(connect(loc.index_file), filters=Filters(), today=today)
    assert len(first) == len(again) == 1
    assert first[0].uid == again[0].uid == "2025-03-20-sud@kb.ateliers-du-changement"
    assert (first[0].time, again[0].time) == (None, "09:30")
    assert again[0].place == "Maison de quartier"
    assert again[0].announced_by == "2025-02-01-sud"


def test_a_recap_dated_near_the_meeting_makes_it_held(
    empty_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_recap(empty_kb, date="2025-01-10", basin="sud", next_meeting="2025-03-20")
    write_recap(empty_kb, date="2025-03-24", basin="sud")  # four days later: that meeting
    write_recap(empty_kb, date="2025-03-20", basin="nord")  # another basin: not it
    loc = locate(empty_kb)
    sync(loc)
    [meeting] = agenda(
        connect(loc.index_file), filters=Filters(), today=dt.date(2025, 6, 1), past=True
    )
    assert (meeting.status, meeting.recap) == ("held", "2025-03-24-sud")


def test_the_text_lists_each_meeting_with_its_status(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    monkeypatch.setenv("COLUMNS", "80")
    result = run("agenda", "--all", "--basin", "centre-ouest")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "2025-10-23  14:00  Centre-Ouest  upcoming",
        f"                   {EXPO}",
        "                   announced in 2025-06-12-centre-ouest",
        "",
        "2025-06-12  14:00  Centre-Ouest  held: kb show 2025-06-12-centre-ouest",
        "                   announced in 2025-02-20-centre-ouest",
        "",
        "2024-06-10         Centre-Ouest  recap missing",
        "                   announced in 2024-02-22-centre-ouest",
        "                   kb add --date 2024-06-10 --basin centre-ouest",
        "",
        "3 meetings",
    ]


def test_ics_and_json_together_is_one_line_of_error(kb_dir: Path, run: Run) -> None:
    result = run("agenda", "--ics", "-", "--json")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: --ics and --json: give one (the calendar file, or JSON on stdout)"
    ]
