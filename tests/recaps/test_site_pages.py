"""The chrome of the basins' sites (issue 23): a section banner above the title, a short
date line under it; neither is the title, and the date line is no workshop's date."""

from __future__ import annotations

import pytest

from kb.recaps.published import convert, structure
from kb.recaps.vocab import defaults


@pytest.mark.parametrize("banner", ["Actualité", "Actualités", "Agenda", "Vie du réseau"])
def test_a_banner_above_the_title_is_not_the_title(banner: str) -> None:
    text = (
        f"{banner}\n\nRetour sur l’Atelier du Changement du bassin Sud\n\n09 Juil\n\n"
        "Partager sur Facebook\n\nLe 12 juin 2025, l’Atelier du Changement s’est tenu.\n"
    )
    title, parts = structure(text)
    assert title == "Retour sur l’Atelier du Changement du bassin Sud"
    assert [p.text for p in parts if p.lead] == [banner]


def test_a_short_title_without_a_date_line_stays_the_title() -> None:
    title, _parts = structure("Bassin Sud\n\nUn long sous-titre qui suit le titre du texte\n")
    assert title == "Bassin Sud"


@pytest.mark.parametrize("line", ["10.03.2025", "18.03.2024", "13 février 2024"])
def test_a_publication_line_under_the_title_is_no_candidate(line: str) -> None:
    text = (
        f"Actualité\n\nRetour sur l’ADC du bassin Sud\n\n{line}\n\n"
        "Les participant·es ont fait le point sur la feuille de route.\n"
    )
    draft = convert(text, defaults())
    date = draft.readings["date"]
    assert date.value is None and date.candidates == ()
    assert "a publication date" in (date.note or "")


def test_a_dated_line_with_its_weekday_is_still_a_guess() -> None:
    text = "Retour sur l’ADC du bassin Sud\n\nMardi 25 mars 2025\n\nDes échanges.\n"
    date = convert(text, defaults()).readings["date"]
    assert (date.value, date.confidence) == ("2025-03-25", "guessed")


def test_the_workshop_recalled_takes_the_publication_year() -> None:
    for published, year in (("10.03.2025", 2025), ("15.01.2025", 2024)):
        text = (
            f"Les professionnel·les du bassin Nord se rencontrent\n\n{published}\n\n"
            "Lors de l’atelier du changement organisé le 1er février dernier, les "
            "services ont fait connaissance.\n"
        )
        date = convert(text, defaults()).readings["date"]
        assert (date.value, date.confidence) == (f"{year}-02-01", "inferred")
        assert date.note == f'the year is taken from the publication date "{published}"'


def test_an_earlier_workshop_recalled_stays_earlier() -> None:
    text = (
        "Retour sur l’Atelier du Changement du 12 juin 2025 – Bassin Sud\n\n"
        "Lors du 3e atelier, organisé le 5 février 2025, les services avaient choisi.\n"
    )
    date = convert(text, defaults()).readings["date"]
    assert date.value == "2025-06-12"
    assert "2025-02-05" not in {c.value for c in date.candidates}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Présentation des résultats de l'Atelier du Changement\n\nLe 12 juin 2025.\n", "workshop"),
        ("Atelier du Changement : la concertation en questions\n\nTexte.\n", "workshop"),
        ("Le bassin Nord\n\nLe bassin Nord s'étend sur Jette.\n", "presentation"),
        ("Qui sommes-nous ?\n\nUne équipe.\n", "presentation"),
        ("Concertation locale à Forest\n\nTexte.\n", "concertation"),
        ("Les soins à domicile\n\nArticle paru dans Le Soir du 3 mars.\n\nSur l'ADC.\n", "press"),
        ("Les soins à domicile\n\nPar Anne Martin, journaliste\n\nTexte.\n", "press"),
        ("Une brochure\n\nSur l'ADC du bassin Sud.\n\n© 2025 Bassin Sud\n", "workshop"),
        ("Une brochure\n\nPour ouvrir ses droits.\n\n© 2025 Bassin Sud\n", "news"),
    ],
)
def test_the_kind_from_title_and_body(text: str, kind: str) -> None:
    assert convert(text, defaults()).kind.name == kind
