"""Published text -> Markdown recap, without a knowledge base or an index."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.add import compose
from kb.errors import UsageError
from kb.recaps.actions import detect_actions
from kb.recaps.dates import find_dates, parse_date
from kb.recaps.published import convert, structure
from kb.recaps.recap import FIELDS, body_of, parse_recap
from kb.recaps.vocab import defaults
from tests.conftest import BUNDLED, SEEDS

# Each seed and the bundled recap converted from it by hand.
SEED_IDS = {
    "000": "2025-02-20-centre-ouest",
    "001": "2024-02-22-centre-ouest",
    "002": "2023-10-10-sud",
    "003": "2024-10-10-sud-est",
    "004": "2025-06-12-centre-ouest",
}
PAIRS = [(next(SEEDS.glob(f"{n}_*.txt")), BUNDLED / f"{i}.md") for n, i in SEED_IDS.items()]
COMPARED = FIELDS  # every frontmatter field


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


@pytest.mark.parametrize(("seed", "bundled"), PAIRS, ids=list(SEED_IDS.values()))
def test_seed_converts_to_the_bundled_frontmatter(seed: Path, bundled: Path) -> None:
    vocab = defaults()
    draft = convert(seed.read_text(encoding="utf-8"), vocab)
    made = parse_recap(compose(draft.fields, draft.body).encode(), bundled.name, vocab)
    want = parse_recap(bundled.read_bytes(), bundled.name, vocab)
    assert {k: getattr(made, k) for k in COMPARED} == {k: getattr(want, k) for k in COMPARED}
    assert made.actions == detect_actions(vocab, want.sections)
    assert made.actions


@pytest.mark.parametrize(("seed", "bundled"), PAIRS, ids=list(SEED_IDS.values()))
def test_seed_body_is_the_bundled_body_and_keeps_every_word(seed: Path, bundled: Path) -> None:
    text = seed.read_text(encoding="utf-8")
    draft = convert(text, defaults())
    assert words(draft.body) == words(text)
    bundled_body = bundled.read_text(encoding="utf-8").split("---\n", 2)[2].lstrip("\n")
    assert draft.body == bundled_body


SAMPLE = (
    "\ufeffRetour sur l’Atelier du Changement du 1ᵉʳ avril 2025\r\n"
    "\r\n"
    "Le 3e Atelier du Changement du bassin Nord-Est a réuni 22\u00a0participant·es.\r\n"
    "\r\n"
    "Table ronde mobilité :\r\n"
    "\r\n"
    "• Les transports en commun\r\n"
    "restent difficiles.\r\n"
    "› Une piste : le covoiturage.\r\n"
    "\r\n"
    "L’équipe bassin Nord-Est c’est : Ana, Bo & Céline (CPAS).\r\n"
    "\r\n"
    "Prochain atelier : le 12 juin de 14h30 à 16h, au Centre culturel d’Evere.\r\n"
)


def test_curly_apostrophes_nbsp_bom_crlf_and_bullets() -> None:
    draft = convert(SAMPLE, defaults())
    assert draft.fields == {
        "date": "2025-04-01",
        "basin": "nord-est",
        "edition": 3,
        "participants": 22,
        "team": ["Ana", "Bo", "Céline"],
        "next_meeting": "2025-06-12T14:30",
        "next_meeting_place": "Centre culturel d’Evere",
        "actions": [],
        "tags": [],
    }
    assert draft.body == (
        "# Retour sur l’Atelier du Changement du 1ᵉʳ avril 2025\n\n"
        "Le 3e Atelier du Changement du bassin Nord-Est a réuni 22 participant·es.\n\n"
        "## Table ronde mobilité\n\n"
        "- Les transports en commun restent difficiles.\n"
        "  - Une piste : le covoiturage.\n\n"
        "L’équipe bassin Nord-Est c’est : Ana, Bo & Céline (CPAS).\n\n"
        "Prochain atelier : le 12 juin de 14h30 à 16h, au Centre culturel d’Evere.\n"
    )
    assert list(draft.missing) == ["support_group"]
    assert words(draft.body) == words(SAMPLE.replace("\u00a0", " "))


def test_a_heading_needs_text_under_it_and_the_last_of_several_lines_wins() -> None:
    text = (
        "Retour sur l'atelier\n\n"
        "Extraits choisis :\n\nAvancement du plan\n\n- un point\n\n"
        "Collaborer entre services\n\nÉléments facilitateurs :\n\n- un autre point\n\n"
        "Une phrase qui finit. Puis une autre :\n\n- trois\n\n"
        "Consultez l'agenda"
    )
    title, parts = structure(text)
    assert title == "Retour sur l'atelier"
    assert [(p.kind, p.lines[0]) for p in parts] == [
        ("para", "Extraits choisis :"),
        ("heading", "Avancement du plan"),
        ("list", "- un point"),
        ("heading", "Collaborer entre services"),
        ("para", "Éléments facilitateurs :"),
        ("list", "- un autre point"),
        ("para", "Une phrase qui finit. Puis une autre :"),
        ("list", "- trois"),
        ("para", "Consultez l'agenda"),
    ]


def test_layout_breaks_are_joined_but_meant_breaks_kept() -> None:
    text = (
        "Titre\n\nVoir support de\nprésentation ici.\n\nQui ?\nle bassin\n\n"
        "**Save**  \n**le 3 mai**"
    )
    _, parts = structure(text)
    assert [p.lines for p in parts] == [
        ["Voir support de présentation ici."],
        ["Qui ?", "le bassin"],
        ["**Save**"],
        ["**le 3 mai**"],
    ]


def test_missing_and_impossible_dates_are_reported_not_guessed() -> None:
    draft = convert("Un atelier sans date.\n\nDu bassin Sud.\n", defaults())
    assert "date" not in draft.fields and "date" in draft.missing
    assert draft.fields["basin"] == "sud"
    bad = convert("Retour sur l'Atelier du 31 février 2025 du bassin Sud\n\nTexte.\n", defaults())
    assert "date" not in bad.fields
    assert "not a real day (February 2025 has 28 days)" in bad.missing["date"]
    assert bad.fields["basin"] == "sud"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("du 20 février 2025", [(2025, 2, 20)]),
        ("du 1er février 2024", [(2024, 2, 1)]),
        ("le 1^{er} février 2024", [(2024, 2, 1)]),
        ("Save the date le 13/02/2025", [(2025, 2, 13)]),
        ("12 juin 2025 de 14h à 16h", [(2025, 6, 12)]),
        ("le 3 sept. 2024 et 2024-10-10", [(2024, 9, 3), (2024, 10, 10)]),
        ("jeudi 12 juin", [(None, 6, 12)]),
        ("4 tables de discussion, tél. +32.2.880.29.85, 2ème partie", []),
    ],
)
def test_find_dates(text: str, expected: list[tuple[int | None, int, int]]) -> None:
    assert [(d.year, d.month, d.day) for d in find_dates(text)] == expected


def test_parse_date_option() -> None:
    assert parse_date("2025-02-20") == "2025-02-20"
    assert parse_date("20/02/2025") == "2025-02-20"
    assert parse_date(" 1er mars 2025 ") == "2025-03-01"
    with pytest.raises(UsageError, match=r"--date '31/02/2025': not a real day \(February"):
        parse_date("31/02/2025")
    with pytest.raises(UsageError, match="expected a date like 2025-02-20"):
        parse_date("demain")


def test_names_that_yaml_would_misread_are_quoted() -> None:
    fields = {"date": "2025-03-01", "basin": "sud", "team": ["No", "A: B", "Zoé"], "tags": []}
    text = compose(fields, "# Titre\n\nTexte.\n")
    recap = parse_recap(text.encode(), "2025-03-01-sud.md", defaults())
    assert recap.team == ["No", "A: B", "Zoé"]
    assert body_of(text) == "Texte.\n"


def test_a_year_less_next_meeting_is_read_once_the_date_is_known() -> None:
    text = "Atelier du bassin Sud\n\nÀ vos agendas : le 5 juin de 9h30 à 12h, au CPAS d’Evere.\n"
    assert "next_meeting" not in convert(text, defaults()).fields
    fields = convert(text, defaults(), date="2025-03-03").fields
    assert (fields["date"], fields["next_meeting"]) == ("2025-03-03", "2025-06-05T09:30")
    assert fields["next_meeting_place"] == "CPAS d’Evere"
    assert convert(text, defaults(), date="2025-07-01").fields["next_meeting"] == (
        "2026-06-05T09:30"
    )


@pytest.mark.parametrize(("seed", "bundled"), PAIRS, ids=list(SEED_IDS.values()))
def test_seed_saved_by_another_tool_reads_the_same(seed: Path, bundled: Path) -> None:
    """Curly apostrophes, non-breaking spaces before French punctuation, a BOM, CRLF."""
    text = seed.read_text(encoding="utf-8")
    other = re.sub(r" ([:;!?])", "\u00a0\\1", text.replace("'", "’"))
    other = "\ufeff" + other.replace("\n", "\r\n")
    vocab = defaults()
    plain, saved = convert(text, vocab), convert(other, vocab)
    assert saved.fields == plain.fields
    assert saved.body == plain.body.replace("'", "’")


def test_signs_are_not_taken_for_bullets() -> None:
    text = (
        "Retour sur l'Atelier du Changement du 3 mars 2025\n\nLe bassin Sud a fait le point.\n\n"
        "- + de 10 personnes inscrites\n- – 5 % de budget\n+ 3 nouveaux partenaires\n"
        "– une rencontre en avril\n- › un point imbriqué\n"
    )
    body = convert(text, defaults()).body
    assert "- + de 10 personnes inscrites" in body
    assert "- – 5 % de budget" in body
    assert "+ 3 nouveaux partenaires" in body
    assert "- une rencontre en avril" in body
    assert "  - un point imbriqué" in body


def test_a_workshop_over_two_days_is_dated_by_its_first() -> None:
    assert [(d.year, d.month, d.day) for d in find_dates("l'atelier du 20 et 21 février 2025")] == [
        (2025, 2, 20)
    ]
    assert [(d.month, d.day) for d in find_dates("les 20-21 février")] == [(2, 20)]


def test_numeric_dates_with_two_digit_years_and_spans() -> None:
    [adc] = find_dates("ADC du 16.10.25 – Bassin Nord-Est")
    assert (adc.year, adc.month, adc.day, adc.span) == (2025, 10, 16, False)
    [span] = find_dates("du 3 au 7 novembre 2025")
    assert (span.day, span.last_day, span.joiner, span.span) == (3, 7, "au", True)
    assert find_dates("version 2.1.10, tél. 02.880.29.85") == []
    assert parse_date("jeudi 13 février 2025") == parse_date("13.02.25") == "2025-02-13"
    with pytest.raises(UsageError, match="expected a date"):
        parse_date("du 3 au 7 novembre 2025")


def test_a_source_line_is_a_field_and_page_chrome_stays_under_the_title() -> None:
    text = (
        "Source\u00a0: https://example.org/adc\n\nActualités\n\n18 Mar\n\n"
        "Retour sur l’Atelier du Changement du 3 mars 2025\n\nLe bassin Sud a réuni 12 "
        "participant·es.\n"
    )
    draft = convert(text, defaults())
    assert draft.fields["source"] == "https://example.org/adc"
    assert draft.title == "Retour sur l’Atelier du Changement du 3 mars 2025"
    assert draft.body == (
        "# Retour sur l’Atelier du Changement du 3 mars 2025\n\nActualités\n\n18 Mar\n\n"
        "Le bassin Sud a réuni 12 participant·es.\n"
    )
    assert (draft.fields["date"], draft.readings["date"].confidence) == ("2025-03-03", "found")


def test_a_basin_subtitle_and_share_links_are_no_section_headings() -> None:
    text = (
        "Écho de l’Atelier du Changement de février\n\nBassin Sud-Est\n\nUne rencontre.\n\n"
        "Partager sur Facebook\nPartager sur LinkedIn\n\nLe texte.\n\nSynthèse\n\n- un point\n"
    )
    title, parts = structure(text)
    assert title == "Écho de l’Atelier du Changement de février"
    assert [(p.kind, p.text) for p in parts] == [
        ("para", "Bassin Sud-Est"),
        ("para", "Une rencontre."),
        ("para", "Partager sur Facebook"),
        ("para", "Partager sur LinkedIn"),
        ("para", "Le texte."),
        ("heading", "Synthèse"),
        ("list", "- un point"),
    ]


@pytest.mark.parametrize(
    ("text", "confidence", "value"),
    [
        # under "Agenda" or "Save the date": what comes, not this workshop
        ("Retour sur l'atelier – Bassin Sud\n\nAgenda\n\n• 12 juin 2025 : Atelier\n", "none", None),
        ("Retour sur l'atelier – Bassin Sud\n\nSave the date\n\n12 juin 2025\n", "none", None),
        (
            "Retour sur l'atelier du bassin Sud\n\nDepuis le 1er janvier 2025, le HD.\n",
            "none",
            None,
        ),
        # a day and month tied to the workshop, and no year anywhere: no date
        ("Retour sur l'atelier du bassin Nord\n\nL'atelier du 13 mars a réuni.\n", "none", None),
        # the workshop ties two days: a guess between them
        (
            "Retour sur l'atelier du bassin Nord\n\nL'atelier du 13 mars 2025, reporté, s'est "
            "tenu le 20 mars 2025.\n",
            "guessed",
            "2025-03-13",
        ),
    ],
)
def test_dates_of_what_comes_or_came_are_not_the_workshops(
    text: str, confidence: str, value: str | None
) -> None:
    reading = convert(text, defaults()).readings["date"]
    assert (reading.confidence, reading.value) == (confidence, value)
