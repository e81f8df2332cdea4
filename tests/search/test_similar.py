"""`kb similar` on the bundled recaps, judged by hand from what their sections say: it
relates sections about the same subject (an action, a theme), never what every recap
has (the text before the first heading, "Points d'attention généraux", "Save the
date"), which word vectors alone find close because they share the network's words."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import BUNDLED, Run

# What the bundled recaps say of themselves rather than of a subject.
GENERIC = {"", "Points d'attention généraux", "Save the date"}


def similar(run: Run, recap_id: str, limit: int = 10) -> list[dict[str, object]]:
    result = run("similar", recap_id, "--json", "--limit", str(limit))
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_no_generic_section_is_related_on_either_side(kb_dir: Path, run: Run) -> None:
    for path in sorted(BUNDLED.glob("*.md")):
        rows = similar(run, path.stem)
        assert rows, path.stem
        for row in rows:
            assert row["heading"] not in GENERIC, (path.stem, row)
            assert row["other_heading"] not in GENERIC, (path.stem, row)


def pairs(rows: list[dict[str, object]]) -> list[tuple[object, object, object]]:
    return [(row["heading"], row["id"], row["other_heading"]) for row in rows]


def test_sections_about_the_same_action_are_related(kb_dir: Path, run: Run) -> None:
    # The Sud-Est's plan of actions speaks of its Rendez-Vous de la Prévention: the
    # nearest other-basin section to the Centre-Ouest's RDV de la prévention santé.
    rdv = pairs(similar(run, "2025-02-20-centre-ouest"))
    assert (
        "RDV de la prévention santé",
        "2024-10-10-sud-est",
        "Avancement du plan d'actions du Bassin Sud-Est",
    ) in rdv[:2]
    # Its Concertations thématiques (CT) beside the Sud-Est's section on CT, CAB and ADC.
    assert (
        'Concertations thématiques et action "Pousse ma porte"',
        "2024-10-10-sud-est",
        "Articulation entre les espaces de gouvernance participative du Bassin",
    ) in rdv[:2]
    # Two Semaines Portes Ouvertes of the Centre-Ouest, a year apart, in other words.
    open_days = pairs(similar(run, "2024-02-22-centre-ouest"))
    assert (
        "Semaine portes ouvertes",
        "2025-02-20-centre-ouest",
        "Semaine Portes Ouvertes Patch'Work!",
    ) in open_days
    # The first related section of each recap is about a subject of both.
    first = {path.stem: pairs(similar(run, path.stem, 1))[0] for path in BUNDLED.glob("*.md")}
    assert first["2025-06-12-centre-ouest"] == (
        "Les RDV de la prévention santé : un point de départ, les démarches exploratoires"
        " dans les quartiers",
        "2024-10-10-sud-est",
        "Avancement du plan d'actions du Bassin Sud-Est",
    )
