"""French text analysis without a database: inclusive forms, stems, elision, tokens."""

from __future__ import annotations

import pytest

from kb.text import french
from tests.conftest import SEEDS


@pytest.mark.parametrize(
    ("written", "forms"),
    [
        ("participant·es", {"participant", "participants", "participante", "participantes"}),
        ("acteur-rices", {"acteur", "acteurs", "actrice", "actrices"}),
        ("acteurs·rices", {"acteur", "acteurs", "actrice", "actrices"}),
        (
            "professionnel-le-s",
            {"professionnel", "professionnels", "professionnelle", "professionnelles"},
        ),
        (
            "professionnel.le.s",
            {"professionnel", "professionnels", "professionnelle", "professionnelles"},
        ),
        ("travailleur-euses", {"travailleur", "travailleurs", "travailleuse", "travailleuses"}),
        ("usager·es", {"usager", "usagers", "usagere", "usageres"}),
        ("habitant·es", {"habitant", "habitants", "habitante", "habitantes"}),
        ("aîné·es", {"aine", "aines", "ainee", "ainees"}),
        ("étudiant/es", {"etudiant", "etudiants", "etudiante", "etudiantes"}),
        ("animateur·trices", {"animateur", "animateurs", "animatrice", "animatrices"}),
        ("un·e", {"un", "uns", "une", "unes"}),
    ],
)
def test_inclusive_forms_stand_for_every_gender_and_number(written: str, forms: set[str]) -> None:
    analysis = french.analyse(f"Les {written} du bassin.")
    assert len(analysis.groups) == 1
    group = analysis.groups[0]
    assert analysis.text[group.start : group.end] == written
    assert set(group.forms) == forms
    assert set(french.forms_text(f"Les {written} du bassin.").split()) == forms


@pytest.mark.parametrize(
    "text",
    [
        "Centre-Ouest",
        "Sud-Est",
        "social-santé",
        "rendez-vous",
        "permettra-t-il",
        "Woluwe-Saint-Lambert",
        "e.a. les points",
        "info@brusano.brussels",
        "Promotion/prévention",
        "du·de la bénéficiaire",
        "12h-13h",
    ],
)
def test_compounds_and_abbreviations_are_not_inclusive_forms(text: str) -> None:
    assert french.analyse(text).groups == ()


def test_tokens_of_an_inclusive_form_share_its_group() -> None:
    analysis = french.analyse("des usager·es par un·e professionnel·le")
    by_word = {t.word: t.group for t in analysis.tokens}
    assert by_word["des"] == -1 and by_word["par"] == -1
    assert by_word["usager"] == by_word["es"] == 0
    assert by_word["un"] == by_word["e"] == 1
    assert by_word["professionnel"] == by_word["le"] == 2


def test_stems_join_inflections_with_accents_kept_while_stemming() -> None:
    assert french.stem("hôpitaux") == french.stem("hôpital") == "hopital"
    assert french.stem("hospitaliers") == french.stem("hospitalier")
    assert french.stem("palliatif") == french.stem("palliatifs")
    assert french.stem("isolées") == french.stem("isolement") == "isol"
    # Without its accents the word stems differently: a query also tries accented endings.
    assert french.stem("isolees") != "isol"
    assert "isol" in french.query_stems("isolees")
    assert "precar" in french.query_stems("precarite") and french.stem("précarité") == "precar"
    assert french.query_stems("isolées") == ("isol",)


def test_stem_column_has_one_stem_per_token_so_phrases_line_up() -> None:
    assert french.stems_text("Les hôpitaux, l'atelier").split() == ["le", "hopital", "l", "ateli"]


@pytest.mark.parametrize(
    ("word", "rest"),
    [
        ("l'atelier", "atelier"),
        ("L’Atelier", "Atelier"),
        ("d'accompagnement", "accompagnement"),
        ("qu'elles", "elles"),
        ("jusqu'à", "à"),
        ("s'avérer", "avérer"),
        ("aujourd'hui", "aujourd'hui"),
        ("atelier", "atelier"),
        ("l'", "l'"),
    ],
)
def test_elision_drops_the_article_or_pronoun(word: str, rest: str) -> None:
    assert french.drop_elision(word) == rest


def test_inclusive_query_word() -> None:
    assert french.inclusive_query("acteur·rices") == ("acteur", "acteurs", "actrice", "actrices")
    assert french.inclusive_query("acteurs") is None
    assert french.inclusive_query("centre-ouest") is None


def test_inclusive_forms_found_from_their_endings_are_those_the_pattern_defines() -> None:
    # kb finds inclusive forms from their endings back to their word (faster on long
    # texts); the forms must be those that INCLUSIVE, which defines them, finds.
    import random

    seeds = SEEDS
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.iterdir())]
    texts += [
        "x-les-e",
        "3abc-e et ab3-e",
        "m²-e, ½-es",
        "professionnel·le·s.es",
        "Des usager·ères et acteur·rice·s.",
        "fin.e",
        "_ab-e ab_-e",
    ]
    rng = random.Random(11)
    pieces = [
        "acteur",
        "rice",
        "e",
        "s",
        "les",
        "Le",
        "ères",
        "ab",
        "3",
        " ",
        "-",
        ".",
        "·",
        "/",
        "•",
    ]
    texts += ["".join(rng.choices(pieces, k=rng.randint(1, 12))) for _ in range(3000)]
    for text in texts:
        expected = [
            (m.start(), m.end(), m.group(1), m.group(2))
            for m in french.inclusive_pattern().finditer(text)
        ]
        assert list(french._inclusive(text)) == expected, text


def test_a_query_word_with_a_composed_separator_is_an_inclusive_form() -> None:
    # U+0387 (Greek ano teleia) is a middle dot once normalised, as the index stores it.
    assert french.inclusive_query("acteur\u0387rices") == french.inclusive_query("acteur·rices")
    assert french.inclusive_query("acteurs") is None


def test_stems_of_a_text_are_those_of_its_tokens_whatever_the_characters() -> None:
    # Texts cp1252 can hold are cut into tokens through a byte table (faster); the stems
    # must be those of the tokens the token pattern, the definition, finds.
    import random

    seeds = SEEDS
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.iterdir())]
    pool = [bytes([b]).decode("cp1252", "ignore") for b in range(256)]
    pool = [c for c in pool if c] + list("éèà aeiou-·_")
    others = ["\u0301", "\u2153", "\u03a3", "\ufb01", "\u2019", "\U0001f600", "\x85", "\x9c"]
    rng = random.Random(7)
    texts += ["".join(rng.choices(pool, k=rng.randint(0, 60))) for _ in range(2000)]
    texts += ["".join(rng.choices(pool + others, k=rng.randint(0, 60))) for _ in range(300)]
    for text in texts:
        stems = " ".join(map(french.stem, french.tokens(text)))
        assert french.stems_text(french.nfc(text)) == stems, text
