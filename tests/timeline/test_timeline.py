"""kb timeline and kb basins: order, announced meetings, missing editions, today."""

from __future__ import annotations

import datetime as dt
import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kb.config import locate, today
from kb.errors import ConfigError
from kb.index.schema import connect, vocabulary
from kb.index.sync import sync
from kb.search.filters import Filters
from kb.timeline.entries import status, timeline
from tests.cli.test_add_cli import TEXT, editor, edits, terminal  # noqa: F401 (fixtures)
from tests.conftest import ROOT, Run, write_recap

ENTRY_KEYS = {"kind", "date", "basin", "id", "edition", "participants", "sections", "place"}


def entries(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run("timeline", "--json", *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert all(set(e) >= ENTRY_KEYS for e in data)
    return data


def summary(data: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(e["kind"], e["date"], e["id"] or e["editions"] or e["place"]) for e in data]


def test_centre_ouest_timeline_as_of_today(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-11-25")
    data = entries(run, "--basin", "centre-ouest")
    expo = "Expo Anderlecht : 95 Chaussée de Mons, 1070 Anderlecht"
    assert summary(data) == [
        ("recap", "2024-02-22", "2024-02-22-centre-ouest"),
        ("missing", "2024-06-10", None),
        ("missing", None, [5, 6]),
        ("recap", "2025-02-20", "2025-02-20-centre-ouest"),
        ("recap", "2025-06-12", "2025-06-12-centre-ouest"),
        ("missing", "2025-10-23", expo),
    ]
    first = data[0]
    assert (first["edition"], first["participants"]) == (4, None)
    assert first["sections"][:2] == ["Cartographie du bassin", "Dynamiques interbassins"]
    assert data[1]["announced_by"] == "2024-02-22-centre-ouest"
    assert data[5]["time"] == "14:00"
    assert {e["basin"] for e in data} == {"centre-ouest"}


def test_a_meeting_after_today_is_upcoming(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    data = entries(run, "--basin", "Centre-Ouest", "--since", "2025")
    # The 2025-06-12 meeting announced in February took place: shown once, as a recap.
    assert summary(data) == [
        ("recap", "2025-02-20", "2025-02-20-centre-ouest"),
        ("recap", "2025-06-12", "2025-06-12-centre-ouest"),
        ("upcoming", "2025-10-23", "Expo Anderlecht : 95 Chaussée de Mons, 1070 Anderlecht"),
    ]
    monkeypatch.setenv("KB_TODAY", "2025-10-23")
    assert entries(run, "-b", "centre-ouest")[-1]["kind"] == "upcoming"
    monkeypatch.setenv("KB_TODAY", "2025-10-24")
    assert entries(run, "-b", "centre-ouest")[-1]["kind"] == "missing"


def test_centre_ouest_timeline_text_at_80_columns(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    monkeypatch.setenv("COLUMNS", "80")
    result = run("timeline", "--basin", "centre-ouest")
    assert result.exit_code == 0
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert max(len(line) for line in lines) <= 80
    dated = [line[:10] for line in lines if line[:4].isdigit() and line[4] == "-"]
    assert dated == ["2024-02-22", "2024-06-10", "2025-02-20", "2025-06-12", "2025-10-23"]
    assert [line for line in lines if line[:4] in ("2024", "2025") and line[4] == " "] == [
        "2024 " + "─" * 75,
        "2025 " + "─" * 75,
    ]
    assert "2024-02-22  Centre-Ouest  edition 4" in lines
    assert "2024-06-10  Centre-Ouest  recap missing" in lines
    assert "            Centre-Ouest  editions 5-6: no recap" in lines
    assert "2025-10-23  Centre-Ouest  upcoming at 14:00" in lines
    assert "            Expo Anderlecht : 95 Chaussée de Mons, 1070 Anderlecht" in lines
    assert "            Cartographie du bassin — identification et visualisation des territ…" in (
        lines
    )
    assert lines[-1] == "3 recaps"


def test_following_an_action_shows_what_each_recap_says(kb_dir: Path, run: Run) -> None:
    data = entries(run, "--action", "Patch'Work")
    assert [e["id"] for e in data] == ["2024-02-22-centre-ouest", "2025-02-20-centre-ouest"]
    assert {e["kind"] for e in data} == {"recap"}  # no announced meetings when following
    first, second = (e["passages"] for e in data)
    assert [(p["section"], p["via"]) for p in first] == [("Semaine portes ouvertes", "heading")]
    assert "Intérêt de réitérer ce type d'évènement" in first[0]["text"]
    assert second[0]["section"] == "Semaine Portes Ouvertes Patch'Work!"
    assert second[0]["text"].startswith("Renforcer la mobilisation de partenaires")
    # The recap's closing (team, next date) is not what it says about the action.
    assert "L'équipe bassin" not in second[0]["text"] and "Save the date" not in second[0]["text"]
    result = run("timeline", "--action", "portes-ouvertes")
    assert "Cartographie" not in result.stdout
    assert "Renforcer la mobilisation" in result.stdout


def test_text_mentions_show_only_the_lines_that_name_the_action(kb_dir: Path, run: Run) -> None:
    data = entries(run, "--action", "lunch-reseau", "--basin", "sud-est")
    [passage] = data[0]["passages"]
    assert (passage["via"], passage["text"]) == ("text", "Lunch réseau : 13h-14h")
    data = entries(run, "-a", "Rendez-Vous de la Prévention", "--until", "2024")
    [passage] = data[0]["passages"]
    # A line ending with ':' brings the list it introduces.
    assert passage["text"].splitlines()[0].startswith("Les Rendez-Vous de la Prévention")
    assert (
        passage["text"].splitlines()[-1] == "l'attention à donner à la dimension interculturelle."
    )


def test_an_action_named_only_in_the_frontmatter_shows_the_introduction(
    empty_kb: Path, run: Run
) -> None:
    write_recap(
        empty_kb,
        date="2025-01-10",
        actions="[helpdesk]",
        body="# A\n\nUn atelier calme.\n\n## Divers\n\nRien.\n",
    )
    [entry] = entries(run, "--action", "helpdesk")
    assert entry["passages"] == [
        {"position": 0, "section": None, "text": "Un atelier calme.", "via": "frontmatter"}
    ]
    assert (
        "Introduction (the recap's actions: name it; no section does)"
        in run("timeline", "-a", "hd").stdout
    )


def _workshops(folder: Path) -> None:
    write_recap(folder, date="2025-01-10", edition=1, next_meeting="2025-03-01")
    # Held three days after the announced date: the announcement is not shown.
    write_recap(folder, date="2025-03-04", edition=2, next_meeting="2025-05-01")
    write_recap(
        folder,
        date="2025-09-01",
        edition=5,
        participants=12,
        next_meeting='"2025-12-01T09:30"',
        next_meeting_place="Maison des quartiers",
    )
    write_recap(folder, basin="nord", date="2025-03-04", edition=3, next_meeting="2025-03-02")


def test_upcoming_missing_and_gaps_on_a_made_up_basin(
    empty_kb: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _workshops(empty_kb)
    monkeypatch.setenv("KB_TODAY", "2025-10-01")
    assert summary(entries(run)) == [
        ("recap", "2025-01-10", "2025-01-10-sud"),
        # Two basins the same day: in the order of kb.yml (nord first).
        ("recap", "2025-03-04", "2025-03-04-nord"),
        ("recap", "2025-03-04", "2025-03-04-sud"),
        ("missing", "2025-05-01", None),
        ("missing", None, [3, 4]),
        ("recap", "2025-09-01", "2025-09-01-sud"),
        ("upcoming", "2025-12-01", "Maison des quartiers"),
    ]
    # Today itself still counts as upcoming; filters apply to announced meetings and gaps
    # (a gap is shown when the recaps on both sides are).
    monkeypatch.setenv("KB_TODAY", "2025-12-01")
    assert summary(entries(run, "--since", "2025-03-04", "-b", "sud"))[:2] == [
        ("recap", "2025-03-04", "2025-03-04-sud"),
        ("missing", "2025-05-01", None),
    ]
    assert summary(entries(run, "--since", "2025-09", "-b", "sud")) == [
        ("recap", "2025-09-01", "2025-09-01-sud"),
        ("upcoming", "2025-12-01", "Maison des quartiers"),
    ]
    assert summary(entries(run, "--until", "2025-06", "-b", "sud")) == [
        ("recap", "2025-01-10", "2025-01-10-sud"),
        ("recap", "2025-03-04", "2025-03-04-sud"),
        ("missing", "2025-05-01", None),
    ]


def test_a_recap_without_edition_breaks_the_gap(empty_kb: Path, run: Run) -> None:
    write_recap(empty_kb, date="2025-01-10", edition=1)
    write_recap(empty_kb, date="2025-02-10")
    write_recap(empty_kb, date="2025-03-10", edition=3)
    write_recap(empty_kb, date="2025-04-10", edition=5)
    assert [e["editions"] for e in entries(run) if e["kind"] == "missing"] == [[4]]
    result = run("timeline")
    assert "Sud  edition 4: no recap" in result.stdout


def test_core_timeline_takes_today_as_a_parameter(empty_kb: Path) -> None:
    _workshops(empty_kb)
    loc = locate(empty_kb)
    sync(loc)
    conn = connect(loc.db)
    vocab = vocabulary(conn)
    kinds = [
        e.kind
        for e in timeline(conn, vocab, filters=Filters(basin="sud"), today=dt.date(2025, 4, 1))
    ]
    assert kinds == ["recap", "recap", "upcoming", "missing", "recap", "upcoming"]


def test_no_entry_and_bad_today(kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("timeline", "--basin", "nord")
    assert (result.exit_code, result.stdout) == (0, "No recap matches these filters.\n")
    assert entries(run, "--action", "helpdesk", "--basin", "sud") == []
    monkeypatch.setenv("KB_TODAY", "2025-02-30")
    result = run("timeline")
    assert result.exit_code == 1
    assert result.stderr == "Error: KB_TODAY '2025-02-30': expected a date like 2025-09-01\n"
    assert today(environ={"KB_TODAY": "2024-06-10"}) == dt.date(2024, 6, 10)
    assert today(environ={}) == dt.date.today()
    with pytest.raises(ConfigError):
        today(environ={"KB_TODAY": "demain"})


def test_basins_summary(kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    result = run("basins", "--json")
    assert result.exit_code == 0
    rows = {r["basin"]: r for r in json.loads(result.stdout)}
    assert list(rows) == ["nord", "nord-est", "centre-ouest", "sud", "sud-est"]
    centre = rows["centre-ouest"]
    assert (centre["recaps"], centre["first"], centre["last"], centre["latest_edition"]) == (
        3,
        "2024-02-22",
        "2025-06-12",
        8,
    )
    assert centre["participants"] == [None, 45, 15]
    assert [w["edition"] for w in centre["workshops"]] == [4, 7, 8]
    assert centre["team"] == ["Esthera", "Léa", "Foibé", "Véronique", "Victor", "Osanne", "Céline"]
    assert centre["next_meeting"] == {
        "date": "2025-10-23",
        "time": "14:00",
        "place": "Expo Anderlecht : 95 Chaussée de Mons, 1070 Anderlecht",
        "status": "upcoming",
        "announced_by": "2025-06-12-centre-ouest",
    }
    assert (rows["nord"]["recaps"], rows["nord"]["first"], rows["nord"]["next_meeting"]) == (
        0,
        None,
        None,
    )
    assert rows["sud"]["latest_edition"] is None and rows["sud"]["team"] == []
    assert rows["sud"]["next_meeting"]["status"] == "missing"

    monkeypatch.setenv("COLUMNS", "80")
    lines = [line.rstrip() for line in run("basins").stdout.splitlines()]
    assert max(len(line) for line in lines) <= 80
    assert "Centre-Ouest  3 recaps, 2024-02-22 to 2025-06-12" in lines
    assert "  Participants    ?, 45, 15 (per workshop, oldest first)" in lines
    assert "Nord  no recap" in lines
    assert "  Missing recap  2024-02-01, salle Pianofabriek" in lines


def test_reading_commands_do_not_import_the_parsers_when_nothing_changed(kb_dir: Path) -> None:
    sync(locate(kb_dir))
    script = (
        "import sys\n"
        "from kb.cli.app import app\n"
        "for args in (['timeline', '-a', 'hd'], ['basins'], ['actions', '--json']):\n"
        "    try:\n"
        "        app(args)\n"
        "    except SystemExit as exit:\n"
        "        assert not exit.code, exit.code\n"
        "heavy = {'yaml', 'frontmatter', 'sqlite_utils'} & set(sys.modules)\n"
        "print(sorted(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=kb_dir.parent,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "KB_TODAY": "2025-09-01", "PATH": ""},
        check=True,
    )
    assert result.stdout.splitlines()[-1] == "[]"


def test_an_announced_meeting_took_place_when_a_recap_is_within_a_week() -> None:
    day = dt.date(2025, 3, 1)
    later = dt.date(2026, 1, 1)
    for gap, expected in ((0, "held"), (7, "held"), (-7, "held"), (8, "missing"), (-8, "missing")):
        recaps = sorted([dt.date(2024, 1, 1), day + dt.timedelta(days=gap), dt.date(2025, 9, 1)])
        assert status(day, recaps, later) == expected, gap
    assert status(day, [], dt.date(2025, 2, 1)) == "upcoming"
    assert status(day, [], day) == "upcoming"


def test_what_the_closing_announces_is_not_put_under_the_last_section(
    kb_dir: Path, run: Run
) -> None:
    import json

    entries = json.loads(run("timeline", "--action", "lunch-reseau", "--json").stdout)
    [sud_est] = [e for e in entries if e.get("id") == "2024-10-10-sud-est"]
    [passage] = sud_est["passages"]
    assert passage["section"] == "Save the date le 13/02/2025"
    assert "Lunch réseau : 13h-14h" in passage["text"]


def test_a_long_timeline_prints_every_entry_once_in_order_within_the_width(
    empty_kb: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # More entries than one printed chunk (50), over several years; one recap quotes a
    # passage (--action keeps rich's layout for it) in the middle of a chunk.
    days = [f"{2020 + i // 40}-{i % 12 + 1:02d}-{i % 28 + 1:02d}" for i in range(130)]
    days = sorted(set(days))
    for i, day in enumerate(days):
        body = f"# Atelier {i}\n\n## Le Helpdesk du bassin\n\nPoint {i} sur la ligne HD, " + (
            "avec une phrase assez longue pour être repliée sur deux lignes au moins. " * 2
        )
        write_recap(empty_kb, date=day, basin="sud", edition=i + 1, body=body)
    monkeypatch.setenv("COLUMNS", "70")
    monkeypatch.setenv("KB_TODAY", "2030-01-01")
    for args in ((), ("--action", "helpdesk")):
        out = run("timeline", *args).stdout
        lines = out.rstrip("\n").splitlines()
        assert all(len(line.rstrip()) <= 70 for line in lines)
        shown = [line[:10] for line in lines if line[:4].isdigit() and line[4] == "-"]
        assert shown == days
        assert [line[:4] for line in lines if line[4:6] == " " + "─"[0]] == sorted(
            {d[:4] for d in days}
        )
        assert out.count("kb show ") == len(days)
        assert lines[-1] == f"{len(days)} recaps"


def test_a_narrow_terminal_wraps_the_timeline_and_loses_no_word(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-11-25")
    monkeypatch.setenv("COLUMNS", "30")
    out = run("timeline", "--basin", "centre-ouest").stdout
    assert all(len(line) <= 30 for line in out.splitlines())
    text = " ".join(out.split())
    for header in (
        "2025-02-20 Centre-Ouest edition 7 · 45 participants",
        "2024-06-10 Centre-Ouest recap missing",
        "Centre-Ouest editions 5-6: no recap",
    ):
        assert header in text


# -- a meeting whose day has passed with no recap: missing, never "the next one" ----------


def test_a_past_meeting_without_recap_is_a_missing_recap_not_the_next_meeting(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-12-06")
    monkeypatch.setenv("COLUMNS", "80")
    lines = [line.rstrip() for line in run("basins").stdout.splitlines()]
    assert not any("Next meeting" in line for line in lines)
    sud = lines.index("Sud  1 recap, 2023-10-10")
    assert lines[sud + 1 : sud + 3] == [
        "  Missing recap  2024-02-01, salle Pianofabriek",
        "                 kb add --date 2024-02-01 --basin sud",
    ]
    timeline = [line.rstrip() for line in run("timeline", "--basin", "sud").stdout.splitlines()]
    at = timeline.index("2024-02-01  Sud  recap missing")
    assert timeline[at + 1 : at + 4] == [
        "            salle Pianofabriek",
        "            announced in 2023-10-10-sud",
        "            kb add --date 2024-02-01 --basin sud",
    ]
    assert not any("upcoming" in line or "no recap yet" in line for line in timeline)


def test_the_missing_recaps_are_the_agendas_and_json_says_each_state(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-12-06")
    rows = {r["basin"]: r for r in json.loads(run("basins", "--json").stdout)}
    agenda = json.loads(run("agenda", "--all", "--json").stdout)
    for basin, row in rows.items():
        missing = sorted(
            (m["date"], m["time"], m["place"], m["announced_by"])
            for m in agenda
            if m["basin"] == basin and m["status"] == "missing"
        )
        said = [
            (m["date"], m["time"], m["place"], m["announced_by"]) for m in row["missing_recaps"]
        ]
        assert said == missing, basin
    assert [m["date"] for m in rows["centre-ouest"]["missing_recaps"]] == [
        "2024-06-10",
        "2025-10-23",
    ]
    # Kept as it was (a program may read it): the latest recap's meeting, its status said.
    assert rows["sud"]["next_meeting"]["status"] == "missing"
    announced = [e for e in entries(run) if e["kind"] in ("upcoming", "missing") and e["date"]]
    assert {(e["date"], e["status"]) for e in announced} == {
        (m["date"], m["status"]) for m in agenda if m["status"] != "held"
    }
    assert all(e["status"] is None for e in entries(run) if e["kind"] == "recap")


def test_before_its_day_the_meeting_is_the_next_one(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TODAY", "2024-01-15")
    monkeypatch.setenv("COLUMNS", "80")
    rows = {r["basin"]: r for r in json.loads(run("basins", "--json").stdout)}
    assert rows["sud"]["missing_recaps"] == []
    lines = [line.rstrip() for line in run("basins").stdout.splitlines()]
    assert "  Next meeting  2024-02-01, salle Pianofabriek" in lines
    assert not any("kb add" in line or "Missing" in line for line in lines[: lines.index("")])
    timeline = run("timeline", "--basin", "sud").stdout
    assert "2024-02-01  Sud  upcoming" in timeline and "kb add" not in timeline


def test_in_french_a_past_meeting_is_a_missing_recap(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch, in_french: None
) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-12-06")
    monkeypatch.setenv("COLUMNS", "100")
    basins = run("basins").stdout
    assert "Prochain atelier" not in basins and "pas encore de compte rendu" not in basins
    assert "  Compte rendu manquant  1er février 2024, salle Pianofabriek" in basins
    assert "  Comptes rendus manquants  10 juin 2024" in basins
    timeline = run("timeline", "--basin", "sud").stdout
    assert "2024-02-01  Sud  compte rendu manquant" in timeline
    assert "annoncé, pas encore" not in timeline
    agenda = run("agenda", "--all", "--basin", "sud-est").stdout
    assert "2025-02-13  14:00  Sud-Est  compte rendu manquant" in agenda


def test_the_kb_add_said_for_a_missing_recap_adds_it(
    kb_dir: Path,
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    terminal: None,  # noqa: F811 (the fixtures of test_add_cli)
    editor: Path,  # noqa: F811
) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-12-06")
    said = [line.strip() for line in run("basins").stdout.splitlines() if "kb add" in line]
    assert "kb add --date 2024-02-01 --basin sud" in said
    edits(editor, [TEXT])
    result = run(*shlex.split("kb add --date 2024-02-01 --basin sud")[1:])
    assert result.exit_code == 0, result.stderr
    assert (kb_dir / "2024-02-01-sud.md").exists()
    rows = {r["basin"]: r for r in json.loads(run("basins", "--json").stdout)}
    assert rows["sud"]["missing_recaps"] == []
    assert "kb add --date 2024-02-01" not in run("timeline", "--basin", "sud").stdout


def test_a_meeting_announced_twice_is_said_alike_by_timeline_agenda_and_basins(
    empty_kb: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_recap(empty_kb, date="2025-01-10", next_meeting="2025-03-20")
    write_recap(
        empty_kb,
        date="2025-02-10",
        next_meeting='"2025-03-20T09:30"',
        next_meeting_place="Maison des quartiers",
    )
    for today_, state in (("2025-03-01", "upcoming"), ("2025-05-01", "missing")):
        monkeypatch.setenv("KB_TODAY", today_)
        [meeting] = json.loads(run("agenda", "--all", "--json").stdout)
        [entry] = [e for e in entries(run) if e["kind"] != "recap"]
        [basin] = [r for r in json.loads(run("basins", "--json").stdout) if r["recaps"]]
        said = (meeting["date"], meeting["time"], meeting["place"], meeting["announced_by"])
        assert said == ("2025-03-20", "09:30", "Maison des quartiers", "2025-02-10-sud")
        assert (entry["date"], entry["time"], entry["place"], entry["announced_by"]) == said
        assert meeting["status"] == entry["status"] == entry["kind"] == state
        if state == "missing":
            [missing] = basin["missing_recaps"]
            assert tuple(missing.values()) == said
