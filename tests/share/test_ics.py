"""kb agenda --ics: an iCalendar file a calendar app imports, checked against RFC 5545.

icalendar parses leniently (a missing UID or DTSTAMP is no error; a bad value becomes a
vBroken in ``component.errors``), so the rules are checked here after parsing back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from kb.config import locate
from kb.index.schema import connect, vocabulary
from kb.index.sync import sync
from kb.search.filters import Filters
from kb.share.ics import calendar
from kb.timeline.agenda import agenda
from tests.conftest import Run, write_recap

STAMP = dt.datetime(2025, 9, 1, 8, 30, tzinfo=dt.timezone.utc)


def export(run: Run, target: Path, *args: str) -> bytes:
    result = run("agenda", "--all", "--ics", str(target), *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("5 meetings written to ")
    return target.read_bytes()


def check_rfc5545(data: bytes) -> icalendar.Calendar:
    """The rules of RFC 5545 a calendar app relies on, on the bytes and parsed back."""
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines), "CRLF line ends"
    assert all(len(line) <= 75 for line in lines), "lines folded at 75 octets"
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"])
    for component in cal.walk():
        assert not component.errors, (component.name, component.errors)
    events = cal.walk("VEVENT")
    assert events, "a calendar holds at least one component"
    zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    uids = [str(event["UID"]) for event in events]
    assert len(set(uids)) == len(uids)
    for event in events:
        for name in ("UID", "DTSTAMP", "DTSTART"):
            assert name in event, f"{name} is required"
        stamp = event["DTSTAMP"].dt
        assert isinstance(stamp, dt.datetime) and stamp.utcoffset() == dt.timedelta(0)
        start, end = event["DTSTART"], event["DTEND"]
        assert end.dt > start.dt, "DTEND after DTSTART"
        if isinstance(start.dt, dt.datetime):
            assert start.params["TZID"] == end.params["TZID"] == "Europe/Brussels"
            assert "Europe/Brussels" in zones, "each TZID has its VTIMEZONE"
        else:
            assert start.params["VALUE"] == end.params["VALUE"] == "DATE"
            assert not isinstance(end.dt, dt.datetime)
    return cal


def test_the_calendar_keeps_to_rfc5545(kb_dir: Path, run: Run, tmp_path: Path) -> None:
    cal = check_rfc5545(export(run, tmp_path / "agenda.ics"))
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {
        f"{day}@kb.ateliers-du-changement"
        for day in (
            "2025-10-23-centre-ouest",
            "2025-06-12-centre-ouest",
            "2025-02-13-sud-est",
            "2024-06-10-centre-ouest",
            "2024-02-01-sud",
        )
    }
    expo = events["2025-10-23-centre-ouest@kb.ateliers-du-changement"]
    assert expo["DTSTART"].dt == dt.datetime(2025, 10, 23, 14, 0, tzinfo=expo["DTSTART"].dt.tzinfo)
    assert expo["DTSTART"].dt.utcoffset() == dt.timedelta(hours=2)  # summer time
    assert str(expo["LOCATION"]) == "Expo Anderlecht : 95 Chaussée de Mons, 1070 Anderlecht"
    assert str(expo["SUMMARY"]) == "Atelier du Changement — Centre-Ouest"
    assert "2025-06-12-centre-ouest" in str(expo["DESCRIPTION"])
    assert "Retour sur l'Atelier du Changement du 12 juin 2025" in str(expo["DESCRIPTION"])
    winter = events["2025-02-13-sud-est@kb.ateliers-du-changement"]
    assert winter["DTSTART"].dt.utcoffset() == dt.timedelta(hours=1)
    all_day = events["2024-02-01-sud@kb.ateliers-du-changement"]
    assert (all_day["DTSTART"].dt, all_day["DTEND"].dt) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 2),
    )
    assert str(all_day["LOCATION"]) == "salle Pianofabriek"
    held = events["2025-06-12-centre-ouest@kb.ateliers-du-changement"]
    assert "Compte rendu : 2025-06-12-centre-ouest" in str(held["DESCRIPTION"])


def test_the_same_meeting_keeps_its_uid_from_one_export_to_the_next(
    kb_dir: Path, run: Run, tmp_path: Path
) -> None:
    before = icalendar.Calendar.from_ical(export(run, tmp_path / "a.ics"))
    recap = kb_dir / "2025-06-12-centre-ouest.md"
    recap.write_text(
        recap.read_text(encoding="utf-8").replace('"2025-10-23T14:00"', '"2025-10-23T10:00"'),
        encoding="utf-8",
    )
    after = icalendar.Calendar.from_ical(export(run, tmp_path / "b.ics"))
    starts = [
        {
            str(e["UID"]): e["DTSTART"].dt.hour
            for e in cal.walk("VEVENT")
            if "10-23" in str(e["UID"])
        }
        for cal in (before, after)
    ]
    assert starts == [
        {"2025-10-23-centre-ouest@kb.ateliers-du-changement": 14},
        {"2025-10-23-centre-ouest@kb.ateliers-du-changement": 10},
    ]


def test_to_standard_output(kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    result = run("agenda", "--ics", "-")
    assert result.exit_code == 0
    cal = check_rfc5545(result.stdout_bytes)
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [
        "2025-10-23-centre-ouest@kb.ateliers-du-changement"
    ]


def test_no_meeting_is_an_error_and_no_file(
    kb_dir: Path, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-11-25")
    target = tmp_path / "agenda.ics"
    result = run("agenda", "--ics", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: --ics {target}: no meeting to put in the calendar; --all adds the past ones; "
        "nothing written\n"
    )
    assert not target.exists()


def test_a_text_that_needs_escaping_and_folding(empty_kb: Path) -> None:
    place = "Salle « Le Pont », rue de l'Église 12; 1060 Saint-Gilles " * 3
    write_recap(
        empty_kb,
        date="2025-01-10",
        basin="sud",
        next_meeting="2025-03-20",
        next_meeting_place=f'"{place.strip()}"',
    )
    loc = locate(empty_kb)
    sync(loc)
    conn = connect(loc.index_file)
    found = agenda(conn, filters=Filters(), today=dt.date(2025, 1, 1))
    cal = check_rfc5545(calendar(found, vocabulary(conn), stamp=STAMP))
    [event] = cal.walk("VEVENT")
    assert str(event["LOCATION"]) == place.strip()
