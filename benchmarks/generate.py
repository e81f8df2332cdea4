"""Deterministic generator of realistic recaps, for benchmarks only.

    python benchmarks/generate.py N DIR

writes N recaps into DIR (one per basin and date, the five basins in turn), each with
valid frontmatter (date, basin, edition, participants, team, actions, next_meeting) and
about 3 KB of French text: sentences of the bundled recaps, reshuffled, with accents,
inclusive forms and made-up proper nouns so the vocabulary grows with the corpus. The
same N always gives the same files. A word for each kind of benchmark query is planted:
"tramontane" in one recap in a thousand (a rare word), "bassin" in every recap.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASINS = [
    ("nord", "Nord"),
    ("nord-est", "Nord-Est"),
    ("centre-ouest", "Centre-Ouest"),
    ("sud", "Sud"),
    ("sud-est", "Sud-Est"),
]
ACTIONS = [
    ("helpdesk", "Le Helpdesk du bassin"),
    ("pousse-ma-porte", 'Concertations thématiques et action "Pousse ma porte"'),
    ("rdv-prevention", "RDV de la prévention santé"),
    ("portes-ouvertes", "Semaine Portes Ouvertes"),
    ("lunch-reseau", "Les lunch' du bassin"),
    ("communaute-de-pratiques", "Communauté de pratiques"),
    ("cartographie", "Cartographie du bassin"),
    ("isolement-social", "Isolement social"),
    ("soins-palliatifs", "Plateforme des soins palliatifs"),
    ("non-recours", "Agir contre le non-recours aux services"),
]
NAMES = [
    "Esthéra",
    "Anaïs",
    "Léa",
    "Foibé",
    "Véronique",
    "Victor",
    "Osanne",
    "Céline",
    "Clémentine",
    "Anne-Françoise",
    "Paméla",
    "Adil",
    "Gaétane",
    "Marion",
    "François",
]
INCLUSIVE = [
    "professionnel·les",
    "participant·es",
    "acteur-rices",
    "travailleur-euses",
    "usager·es",
    "habitant·es",
    "intervenant·es",
    "aîné·es",
    "professionnel-le-s",
]
SYLLABLES = [
    "bra",
    "zel",
    "mo",
    "lène",
    "ka",
    "ri",
    "tou",
    "vé",
    "nan",
    "dor",
    "pi",
    "sé",
    "lu",
    "gar",
    "mé",
    "co",
    "fla",
    "ber",
    "ti",
    "quo",
]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def sentence_pool() -> list[str]:
    """Sentences of the bundled recaps' bodies (frontmatter and headings left out)."""
    pool: list[str] = []
    for path in sorted((ROOT / "recaps").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        for line in body.splitlines():
            line = re.sub(r"^\s*(?:[-#>]+\s*)", "", line).replace("**", "").strip()
            if len(line) > 40:
                pool += [s.strip() for s in re.split(r"(?<=[.;!?])\s+", line) if len(s) > 30]
    return pool


def recap(i: int, rng: random.Random, pool: list[str]) -> tuple[str, str]:
    slug, name = BASINS[i % len(BASINS)]
    day = dt.date(1970, 1, 1) + dt.timedelta(days=i // len(BASINS))
    actions = rng.sample(ACTIONS, rng.randint(2, 4))
    team = rng.sample(NAMES, rng.randint(3, 7))
    nxt = day + dt.timedelta(days=rng.randint(60, 150))
    front = [
        "---",
        f"date: {day.isoformat()}",
        f"basin: {slug}",
        f"edition: {i // len(BASINS) + 1}",
        f"participants: {rng.randint(8, 60)}",
        f"team: [{', '.join(team)}]",
        f"actions: [{', '.join(a for a, _ in actions)}]",
        "tags: []",
        f'next_meeting: "{nxt.isoformat()}T14:00"',
        "---",
        "",
        f"# Retour sur l'Atelier du Changement du {day.day} {MONTHS[day.month - 1]} {day.year}",
        "",
        f"{rng.randint(8, 60)} {rng.choice(INCLUSIVE)} issu·es de divers secteurs du Bassin.",
        "",
        f"L'Atelier du Changement du Bassin {name} a réuni {rng.choice(INCLUSIVE)} de "
        f"{coined(rng)} et de {coined(rng)}. " + " ".join(rng.sample(pool, 2)),
    ]
    if i % 1000 == 7:
        front.append("Un vent de tramontane a soufflé sur les échanges.")
    for _, heading in actions:
        front += ["", f"## {heading}", ""]
        for sentence in rng.sample(pool, rng.randint(2, 3)):
            front.append(f"- {sentence} ({coined(rng).capitalize()}, {rng.choice(INCLUSIVE)})")
    front += ["", f"L'équipe bassin {name} c'est : {', '.join(team)}.", ""]
    return f"{day.isoformat()}-{slug}.md", "\n".join(front)


def coined(rng: random.Random) -> str:
    """A made-up proper noun: the long tail of a real corpus's vocabulary."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def generate(n: int, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pool = sentence_pool()
    rng = random.Random(20250220)
    for i in range(n):
        name, text = recap(i, rng, pool)
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
