"""Distractor recaps: workshops of other basins and dates on other topics, for the judged
set of ``meaning.yml`` (the bundled recaps must be found among them).

    python -m tests.search.relevance.distractors N DIR   # N recaps into DIR

Each distractor is a valid recap (frontmatter like the bundled ones: date, basin,
edition, participants, team, actions, next_meeting) about 2 to 3 KB of French workshop
text on a topic the bundled recaps do not treat (housing, food aid, digital divide,
debt, early childhood…), written from templates and word lists, never from the bundled
texts. The same N always gives the same files (a seeded generator).

Bm25 alone is fooled on purpose: the ``scatter`` sentences of ``meaning.yml`` hold the
words of its queries, each in a context that has nothing to do with the query, and each
chosen distractor gets them in different sections (a word here, another three sections
further). A recap whose one passage holds the words together must rank above those.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.recaps.dates import MONTH_NAMES as MONTHS

HERE = Path(__file__).resolve().parent
JUDGED = HERE / "meaning.yml"
SEED = 22
# How many distractors get the scattered words of each judged query.
SCATTERED = 8

BASINS = ["nord", "nord-est", "centre-ouest", "sud", "sud-est"]
BASIN_NAMES = {
    "nord": "Nord",
    "nord-est": "Nord-Est",
    "centre-ouest": "Centre-Ouest",
    "sud": "Sud",
    "sud-est": "Sud-Est",
}
COMMUNES = {
    "nord": ["Jette", "Ganshoren", "Koekelberg", "Berchem-Sainte-Agathe", "Laeken"],
    "nord-est": ["Evere", "Schaerbeek", "Saint-Josse-ten-Noode"],
    "centre-ouest": ["Anderlecht", "Molenbeek-Saint-Jean", "Cureghem"],
    "sud": ["Forest", "Ixelles", "Saint-Gilles", "Uccle", "Watermael-Boitsfort"],
    "sud-est": ["Auderghem", "Etterbeek", "Woluwe-Saint-Pierre", "Woluwe-Saint-Lambert"],
}
# Actions of kb.yml that a workshop on any topic may name.
ACTIONS = [
    "gt-thematiques",
    "plan-d-actions",
    "gouvernance",
    "lunch-reseau",
    "cartographie",
    "faire-lien-autrement",
]
FIRST_NAMES = [
    "Amina",
    "Baptiste",
    "Chloé",
    "Dounia",
    "Élodie",
    "Fatou",
    "Grégoire",
    "Hélène",
    "Ibrahim",
    "Jeanne",
    "Karim",
    "Laure",
    "Mehdi",
    "Nadia",
    "Olivier",
    "Pauline",
    "Quentin",
    "Rachida",
    "Sébastien",
    "Thaïs",
    "Ulysse",
    "Yasmina",
    "Zoé",
]
ORGS = [
    "Coordination sociale",
    "Maison médicale",
    "CPAS",
    "Brusano",
    "Planning familial",
    "Service de santé mentale",
    "Centre de jour",
    "Antenne locale",
]


@dataclass(frozen=True)
class Topic:
    name: str  # as in a title: "l'accès au logement"
    headings: tuple[str, ...]
    issues: tuple[str, ...]  # noun phrases: what is at stake
    publics: tuple[str, ...]
    partners: tuple[str, ...]


TOPICS = [
    Topic(
        "l'accès au logement",
        (
            "Logement et habitat",
            "Agences immobilières sociales",
            "Prévenir les expulsions",
            "Insalubrité et précarité énergétique",
        ),
        (
            "les listes d'attente du logement public",
            "les expulsions locatives",
            "l'insalubrité de certains immeubles",
            "la garantie locative",
            "les factures d'énergie impayées",
            "la colocation solidaire",
        ),
        ("les locataires", "les familles monoparentales", "les jeunes en autonomie"),
        (
            "les agences immobilières sociales",
            "le service communal du logement",
            "les juristes du droit au logement",
            "le Fonds du logement",
        ),
    ),
    Topic(
        "l'aide alimentaire",
        (
            "Aide alimentaire",
            "Colis et restaurants sociaux",
            "Alimentation durable",
            "Cuisine collective",
        ),
        (
            "la distribution des colis",
            "les invendus des commerces",
            "la qualité nutritionnelle des repas",
            "la honte de demander de l'aide",
            "les potagers collectifs",
            "les restaurants sociaux",
        ),
        ("les étudiant·es précaires", "les familles nombreuses", "les personnes isolées"),
        (
            "les banques alimentaires",
            "les maisons de quartier",
            "les diététicien·nes",
            "les comptoirs de distribution",
        ),
    ),
    Topic(
        "la fracture numérique",
        (
            "Inclusion numérique",
            "Démarches en ligne",
            "Espaces publics numériques",
            "Accompagner sans faire à la place",
        ),
        (
            "la numérisation des guichets",
            "les démarches administratives en ligne",
            "l'équipement informatique des ménages",
            "la sécurité des données personnelles",
            "les applications bancaires",
            "les rendez-vous pris uniquement par internet",
        ),
        ("les seniors", "les personnes peu scolarisées", "les demandeur·euses d'asile"),
        (
            "les espaces publics numériques",
            "les écrivain·es publics",
            "les bibliothèques communales",
            "les formateur·rices en informatique",
        ),
    ),
    Topic(
        "l'insertion socio-professionnelle",
        (
            "Emploi et formation",
            "Insertion socio-professionnelle",
            "Articles 60",
            "Validation des compétences",
        ),
        (
            "les contrats d'insertion",
            "la reconnaissance des diplômes étrangers",
            "les formations qualifiantes",
            "la garde d'enfants pendant la recherche d'emploi",
            "les freins linguistiques à l'embauche",
            "le chômage de longue durée",
        ),
        ("les demandeur·euses d'emploi", "les jeunes NEET", "les femmes éloignées de l'emploi"),
        (
            "Actiris",
            "les missions locales",
            "les centres de formation",
            "les entreprises d'économie sociale",
        ),
    ),
    Topic(
        "l'accueil des primo-arrivant·es",
        (
            "Primo-arrivant·es",
            "Parcours d'accueil",
            "Interprétariat social",
            "Droits et séjour",
        ),
        (
            "le parcours d'accueil obligatoire",
            "l'ouverture des droits à l'aide médicale urgente",
            "les cours de langue",
            "l'interprétariat social",
            "les délais de régularisation",
            "la scolarisation des enfants arrivés en cours d'année",
        ),
        (
            "les primo-arrivant·es",
            "les personnes sans titre de séjour",
            "les mineur·es non accompagné·es",
        ),
        (
            "les bureaux d'accueil",
            "les services d'interprétariat",
            "les associations de migrant·es",
            "les avocat·es spécialisé·es",
        ),
    ),
    Topic(
        "la petite enfance",
        (
            "Petite enfance et parentalité",
            "Soutien à la parentalité",
            "Places en crèche",
            "Consultations ONE",
        ),
        (
            "le manque de places en crèche",
            "les consultations prénatales",
            "l'épuisement parental",
            "les lieux de rencontre enfants-parents",
            "le suivi des bébés prématurés",
            "l'allaitement",
        ),
        ("les jeunes parents", "les mères seules", "les familles en exil"),
        (
            "l'ONE",
            "les maisons vertes",
            "les sages-femmes",
            "les puéricultrices",
        ),
    ),
    Topic(
        "la santé bucco-dentaire",
        (
            "Santé bucco-dentaire",
            "Dépistage dentaire à l'école",
            "Soins dentaires accessibles",
            "Prothèses et remboursements",
        ),
        (
            "le coût des prothèses",
            "les caries précoces",
            "les cabinets dentaires conventionnés",
            "les urgences dentaires le week-end",
            "l'hygiène bucco-dentaire en maison de repos",
            "le tiers payant",
        ),
        (
            "les enfants du fondamental",
            "les résident·es de maisons de repos",
            "les personnes sans mutuelle",
        ),
        (
            "les dentistes conventionnés",
            "les mutualités",
            "la médecine scolaire",
            "les hygiénistes dentaires",
        ),
    ),
    Topic(
        "l'activité physique",
        (
            "Sport et santé",
            "Bouger dans la commune",
            "Activité physique adaptée",
            "Espaces verts",
        ),
        (
            "la sédentarité",
            "le sport sur ordonnance",
            "l'accès aux salles de sport communales",
            "les parcours santé dans les parcs",
            "la marche nordique",
            "la natation pour adultes",
        ),
        ("les adolescentes", "les personnes en surpoids", "les patient·es diabétiques"),
        (
            "les clubs sportifs",
            "les kinésithérapeutes",
            "le service des sports",
            "les éducateur·rices sportif·ves",
        ),
    ),
    Topic(
        "les violences intrafamiliales",
        (
            "Violences intrafamiliales",
            "Mise à l'abri",
            "Repérage et orientation",
            "Travail avec les auteurs",
        ),
        (
            "l'hébergement d'urgence des victimes",
            "le secret professionnel partagé",
            "les plaintes classées sans suite",
            "l'emprise",
            "la garde des enfants après la séparation",
            "le numéro d'écoute",
        ),
        ("les victimes", "les enfants exposés", "les auteurs de violences"),
        (
            "les maisons d'accueil",
            "la police de proximité",
            "les centres de prise en charge des violences sexuelles",
            "les services d'aide aux justiciables",
        ),
    ),
    Topic(
        "le surendettement",
        (
            "Surendettement",
            "Médiation de dettes",
            "Budget et consommation",
            "Huissiers et recouvrement",
        ),
        (
            "les frais de recouvrement",
            "les crédits à la consommation",
            "le règlement collectif de dettes",
            "les coupures d'eau",
            "les achats à tempérament",
            "la gestion budgétaire",
        ),
        ("les ménages surendettés", "les pensionné·es", "les travailleur·euses pauvres"),
        (
            "les services de médiation de dettes",
            "les huissiers",
            "l'Observatoire du crédit",
            "les conseiller·es budgétaires",
        ),
    ),
    Topic(
        "le sans-abrisme",
        (
            "Sans-abrisme",
            "Housing First",
            "Hébergement d'urgence",
            "Sortir de la rue",
        ),
        (
            "les places d'hébergement de nuit",
            "le plan hiver",
            "l'accès aux douches et consignes",
            "la domiciliation administrative",
            "les squats",
            "le relogement durable",
        ),
        ("les personnes sans chez-soi", "les jeunes en errance", "les familles à la rue"),
        (
            "le Samusocial",
            "les centres d'accueil de jour",
            "les projets Housing First",
            "les abris de nuit",
        ),
    ),
    Topic(
        "la santé sexuelle",
        (
            "Santé sexuelle et affective",
            "Contraception",
            "EVRAS",
            "Infections sexuellement transmissibles",
        ),
        (
            "l'accès à la contraception",
            "les animations EVRAS",
            "les tests IST gratuits",
            "la pilule du lendemain",
            "le consentement",
            "les violences en ligne",
        ),
        ("les adolescent·es", "les travailleur·euses du sexe", "les étudiant·es"),
        (
            "les centres de planning familial",
            "les PMS",
            "les centres de dépistage anonymes",
            "les animateur·rices EVRAS",
        ),
    ),
    Topic(
        "les aidant·es proches",
        (
            "Aidant·es proches",
            "Répit et soutien",
            "Reconnaissance du statut",
            "Soutien psychologique",
        ),
        (
            "le statut d'aidant proche",
            "les solutions de répit",
            "la conciliation avec le travail",
            "les congés thématiques",
            "la charge mentale",
            "les gardes de nuit",
        ),
        ("les aidant·es proches", "les jeunes aidant·es", "les conjoint·es"),
        (
            "les centres de coordination de soins à domicile",
            "les services de répit",
            "les groupes de parole",
            "les associations d'aidant·es",
        ),
    ),
    Topic(
        "la santé environnementale",
        (
            "Santé et environnement",
            "Qualité de l'air",
            "Îlots de chaleur",
            "Bruit et pollution",
        ),
        (
            "la pollution de l'air intérieur",
            "les moisissures dans les logements",
            "les canicules",
            "le plomb dans les anciennes peintures",
            "le bruit du trafic",
            "les espaces verts de proximité",
        ),
        ("les enfants asthmatiques", "les riverain·es des grands axes", "les femmes enceintes"),
        (
            "Bruxelles Environnement",
            "les ambulances vertes",
            "les comités de riverains",
            "les médecins généralistes",
        ),
    ),
    Topic(
        "la santé des étudiant·es",
        (
            "Étudiant·es et précarité",
            "Bien-être étudiant",
            "Jobs et logement étudiant",
            "Services sociaux des hautes écoles",
        ),
        (
            "les kots trop chers",
            "les jobs étudiants",
            "le stress des examens",
            "les bourses d'études",
            "les repas à prix réduit",
            "l'abandon en première année",
        ),
        ("les étudiant·es boursier·es", "les étudiant·es étranger·es", "les étudiant·es jobistes"),
        (
            "les services sociaux étudiants",
            "les cercles étudiants",
            "les centres de guidance",
            "les restaurants universitaires",
        ),
    ),
]

INTROS = [
    "L'Atelier du Changement du Bassin {basin} s'est penché sur {topic}. "
    "{n} participant·es de {commune} et {commune2} étaient présent·es.",
    "Ce {ordinal} atelier du Bassin {basin} portait sur {topic}, "
    "avec des acteur·rices de {commune} et de {commune2}.",
    "Réuni·es à {commune}, {n} professionnel·les du Bassin {basin} ont travaillé sur {topic}, "
    "à partir des constats remontés depuis le dernier atelier.",
    "Pour ce rendez-vous de {month}, le Bassin {basin} avait choisi de consacrer la matinée "
    "à {topic}, un sujet proposé lors du tour de table précédent.",
]
SENTENCES = [
    "Les participant·es constatent le poids de {issue} pour {public}.",
    "Du côté de {partner}, on propose de mieux relayer ce qui existe sur {issue}.",
    "Constat partagé : {issue}, un frein de plus pour {public}.",
    "Piste : organiser une rencontre entre {partner} et {partner2} autour de {issue}.",
    "Difficile de toucher {public} ; une permanence commune avec {partner} est évoquée.",
    "Besoin d'une fiche claire sur {issue}, à diffuser auprès de {partner}.",
    "À {commune}, une approche nouvelle de {issue} a été testée avec {partner} : à suivre.",
    "Les démarches liées à {issue} restent longues et décourageantes pour {public}.",
    "Il manque un lien entre {partner} et {partner2} quand il s'agit de {issue}.",
    "Un groupe de travail sur {issue} pourrait réunir {partner} dès la rentrée.",
    "{Public} ne savent pas toujours vers qui se tourner pour {issue}.",
    "Plusieurs structures signalent une hausse des demandes liées à {issue} depuis {month}.",
    "L'idée d'une séance d'information sur {issue} à {commune} a recueilli un large accord.",
    "Selon {partner}, s'occuper de {issue} demande du temps et des moyens humains.",
    "La question de {issue} sera reprise au prochain atelier, avec {partner2}.",
    "Des exemples concrets ont été partagés : {issue} à {commune}, puis {issue2}.",
    "Il faut partir des besoins exprimés par {public} plutôt que de l'offre existante.",
    "Le financement des projets sur {issue} reste incertain au-delà de {year}.",
]
GENERAL = [
    "Points d'attention généraux",
    "Pistes pour la suite",
    "Tour de table",
    "Ce qui ressort des sous-groupes",
]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def scatter_sets(path: Path = JUDGED) -> list[list[str]]:
    """The ``scatter`` sentences of each judged query that has some."""
    judged = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [list(item["scatter"]) for item in judged if item.get("scatter")]


def _dates(rng: random.Random, n: int) -> list[tuple[dt.date, str]]:
    """n distinct (date, basin), 2019 to 2026, none a bundled recap's (those are in
    2023-2025 and have ids like 2024-10-10-sud-est: a Tuesday-to-Thursday date here is
    drawn from a pool that skips the bundled ids)."""
    bundled = {p.stem for p in (HERE.parents[2] / "recaps").glob("*.md")}
    start = dt.date(2019, 1, 1)
    seen: set[str] = set()
    out = []
    while len(out) < n:
        day = start + dt.timedelta(days=rng.randrange(8 * 365))
        if day.weekday() > 4:
            continue
        basin = rng.choice(BASINS)
        key = f"{day.isoformat()}-{basin}"
        if key in seen or key in bundled:
            continue
        seen.add(key)
        out.append((day, basin))
    return out


# French contractions of the filled templates: "à les listes" -> "aux listes".
_CONTRACTIONS = [
    (re.compile(r"\bde les\b"), "des"),
    (re.compile(r"\bà les\b"), "aux"),
    (re.compile(r"\bde le\b"), "du"),
    (re.compile(r"\bà le\b"), "au"),
    (re.compile(r"\bde ([aeiouéèêàâîôAEIOUÉ])"), r"d'\1"),
]


def _fill(template: str, topic: Topic, rng: random.Random, basin: str, day: dt.date) -> str:
    return _contracted(_slots(template, topic, rng, basin, day))


def _contracted(text: str) -> str:
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


def _slots(template: str, topic: Topic, rng: random.Random, basin: str, day: dt.date) -> str:
    partner, partner2 = rng.sample(topic.partners, 2)
    issue, issue2 = rng.sample(topic.issues, 2)
    commune, commune2 = rng.sample(COMMUNES[basin], 2)
    public = rng.choice(topic.publics)
    return template.format(
        issue=issue,
        issue2=issue2,
        public=public,
        Public=_cap(public),
        partner=partner,
        Partner=_cap(partner),
        partner2=partner2,
        commune=commune,
        commune2=commune2,
        month=MONTHS[rng.randrange(12)],
        year=day.year + 1,
    )


def distractor(
    i: int, day: dt.date, basin: str, rng: random.Random, planted: list[list[str]]
) -> tuple[str, str]:
    """One recap file (name, text). ``planted``: sentence sets whose sentences go into
    different sections of this recap, far from each other."""
    topic = TOPICS[i % len(TOPICS)]
    other = TOPICS[(i * 7 + 3) % len(TOPICS)]
    if other is topic:
        other = TOPICS[(i + 1) % len(TOPICS)]
    team = rng.sample(FIRST_NAMES, rng.randint(3, 6))
    support = [f"{name} ({rng.choice(ORGS)})" for name in rng.sample(FIRST_NAMES, 3)]
    n = rng.randint(10, 55)
    nxt = day + dt.timedelta(days=rng.randint(60, 150))
    edition = rng.randint(1, 12)
    lines = [
        "---",
        f"date: {day.isoformat()}",
        f"basin: {basin}",
        f"edition: {edition}",
        f"participants: {n}",
        f"team: [{', '.join(team)}]",
        "support_group:",
        *(f'  - "{s}"' for s in support),
        f"actions: [{', '.join(rng.sample(ACTIONS, rng.randint(0, 2)))}]",
        "tags: []",
        f'next_meeting: "{nxt.isoformat()}T14:00"',
        "---",
        "",
        f"# Retour sur l'Atelier du Changement du {day.day} {MONTHS[day.month - 1]} {day.year}",
        "",
    ]
    communes = COMMUNES[basin]
    intro = rng.choice(INTROS).format(
        basin=BASIN_NAMES[basin],
        topic=topic.name,
        n=n,
        commune=communes[0],
        commune2=communes[-1],
        ordinal=f"{edition}e",
        month=MONTHS[day.month - 1],
    )
    lines += [_contracted(intro), ""]
    # Sections: three or four of the topic's headings, one of another topic's, and a
    # general one last; each with three to five sentences.
    headings = rng.sample(topic.headings, rng.randint(3, 4))
    sections: list[tuple[str, Topic]] = [(h, topic) for h in headings]
    sections.insert(rng.randrange(len(sections) + 1), (rng.choice(other.headings), other))
    sections.append((rng.choice(GENERAL), topic))
    bodies: list[list[str]] = []
    for _heading, about in sections:
        count = rng.randint(3, 5)
        bodies.append([_fill(t, about, rng, basin, day) for t in rng.sample(SENTENCES, count)])
    # Planted sentences: each set's sentences in sections as far apart as there are.
    for sentences in planted:
        first = rng.randrange(len(bodies))
        step = max(1, len(bodies) // max(1, len(sentences)))
        for k, sentence in enumerate(sentences):
            body = bodies[(first + k * step) % len(bodies)]
            body.insert(rng.randrange(len(body) + 1), sentence)
    for (heading, _), body in zip(sections, bodies, strict=True):
        lines += [f"## {heading}", "", *(f"- {s}" for s in body), ""]
    lines += [
        f"L'équipe bassin {BASIN_NAMES[basin]} c'est : {', '.join(team)}.",
        "",
        f"Rendez-vous le {nxt.day} {MONTHS[nxt.month - 1]} {nxt.year} de 14h à 16h.",
        "",
    ]
    return f"{day.isoformat()}-{basin}.md", "\n".join(lines)


def generate(n: int, folder: Path, judged: Path = JUDGED) -> list[Path]:
    """Write n distractors into ``folder``; returns their paths."""
    rng = random.Random(SEED)
    folder.mkdir(parents=True, exist_ok=True)
    planted: list[list[list[str]]] = [[] for _ in range(n)]
    for sentences in scatter_sets(judged):
        for i in rng.sample(range(n), min(n, SCATTERED)):
            planted[i].append(sentences)
    paths = []
    for i, (day, basin) in enumerate(_dates(rng, n)):
        name, text = distractor(i, day, basin, rng, planted[i])
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
