"""Passages first: recaps that hold the query's words close together before those that
hold them far apart, within the ranking's tiers, on real temporary indexes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.index.fts import RANK
from kb.search import proximity
from kb.search.query import ALL, build, parse
from tests.search.test_ranking import Kb, made_up

FILLER = "Les échanges ont porté sur les horaires des permanences et les locaux."
# The words far apart, and more often than in CLOSE: bm25 alone puts this recap first.
SCATTERED = (
    "## Accueil\n\nUn exercice de simulation a ouvert la séance. Un autre exercice a suivi.\n\n"
    + "\n\n".join(f"## Partie {i}\n\n{FILLER}" for i in range(4))
    + "\n\n## Fin\n\nLe café a servi de brise-glace entre les équipes.\n"
)
CLOSE = "## Accueil\n\nUn exercice « brise-glace » a ouvert la séance.\n\n" + "\n\n".join(
    f"## Partie {i}\n\n{FILLER} {FILLER}" for i in range(4)
)


def bm25_order(kb: Kb, match: str) -> list[str]:
    rows = kb.conn.execute(
        f"SELECT r.id FROM recaps_fr f JOIN recaps r ON r.n = f.rowid"
        f" WHERE recaps_fr MATCH ? ORDER BY {RANK}",
        (match,),
    )
    return [row[0] for row in rows]


def test_a_recap_with_the_words_together_comes_before_one_with_them_scattered(
    empty_kb: Path,
) -> None:
    kb = made_up(empty_kb, SCATTERED, CLOSE)
    scattered, close = "2025-01-10-sud", "2025-01-11-sud"
    # bm25 alone (the words in the text, wherever they are) prefers the scattered one.
    assert bm25_order(kb, '{body} : "exercice" AND {body} : "brise glace"') == [scattered, close]
    assert kb.ids("exercice brise-glace") == [close, scattered]
    # In either order of the words, and with a filter (another SQL path).
    assert kb.ids("brise-glace exercice", basin="sud") == [close, scattered]


def test_one_word_keeps_bm25s_order(empty_kb: Path) -> None:
    kb = made_up(empty_kb, SCATTERED, CLOSE)
    assert kb.ids("exercice") == bm25_order(kb, '{body} : "exercice"')


def test_words_together_through_stems_stay_below_words_as_written(empty_kb: Path) -> None:
    # The tiers first: a recap with the words as written, far apart, comes before one
    # that has them together only through stems (exercices, brise-glaces).
    stems_only = CLOSE.replace("exercice « brise-glace »", "exercices « brise-glaces »")
    kb = made_up(empty_kb, SCATTERED, stems_only)
    assert kb.ids("exercice brise-glace") == ["2025-01-10-sud", "2025-01-11-sud"]


def test_among_stem_matches_too_the_closest_comes_first(empty_kb: Path) -> None:
    scattered = SCATTERED.replace("exercice", "exercices")
    close = CLOSE.replace("exercice", "exercices")
    kb = made_up(empty_kb, scattered, close)
    assert kb.ids("exercice brise-glace") == ["2025-01-11-sud", "2025-01-10-sud"]


def test_an_or_group_and_an_excluded_word_keep_their_meaning(empty_kb: Path) -> None:
    kb = made_up(empty_kb, SCATTERED, CLOSE, CLOSE.replace("brise-glace", "jeu"))
    assert kb.ids("exercice (brise-glace | jeu)")[0] in ("2025-01-11-sud", "2025-01-12-sud")
    assert kb.ids("exercice (brise-glace | jeu)")[2] == "2025-01-10-sud"
    assert kb.ids("exercice brise-glace -café") == ["2025-01-11-sud"]


def test_only_the_first_rerank_recaps_of_bm25_are_reordered(
    empty_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = made_up(empty_kb, SCATTERED, SCATTERED.replace("Un autre", "Encore un"), CLOSE)
    order = bm25_order(kb, '{body} : "exercice" AND {body} : "brise glace"')
    assert order[-1] == "2025-01-12-sud"
    monkeypatch.setattr(proximity, "RERANK", 2)
    assert kb.ids("exercice brise-glace") == order
    monkeypatch.setattr(proximity, "RERANK", 3)
    assert kb.ids("exercice brise-glace")[0] == "2025-01-12-sud"


def near(query: str) -> proximity.Near:
    parsed = parse(query)
    found = proximity.near(build(list(parsed.words), ALL, [], parsed.tree))
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("query", "stems", "between"),
    [
        ("exercice brise-glace", "un exercic bris glac a montr", 0),
        ("exercice brise-glace", "bris glac a b c exercic", 3),
        # A phrase is all its stems: "bris" alone is not brise-glace.
        ("exercice brise-glace", "bris x exercic x x x x x x x x x x bris glac", 10),
        # The closest pair of each, wherever the others are.
        ("a1 b1", "a1 x x x x x x x x x b1 a1", 0),
        # Three words: the smallest stretch with the three.
        ("a1 b1 c1", "a1 b1 x x x x c1 x a1", 4),
        # A prefix; an inclusive form (its stems); a word not in the text: as near as any.
        ("accompagn* b1", "accompagn x b1", 1),
        ("habitants relais", "le habit es rel", 1),
        ("a1 b1 c1", "a1 x x b1", 2),
        ("a1 b1", "a1 x x", 0),
        ("a1 b1", "", 0),
    ],
)
def test_tokens_between_the_words(query: str, stems: str, between: int) -> None:
    assert proximity.gap(stems, near(query)) == between


def test_classes() -> None:
    assert [proximity.closeness(n) for n in (0, 8, 9, 30, 31)] == [0, 0, 1, 1, 2]


def test_nothing_to_be_near_with_one_word_or_one_phrase_or_a_pasted_text() -> None:
    pasted = " ".join(f"mot{i}" for i in range(proximity.MOST_TERMS + 1))
    for query in ("exercice", '"exercice brise-glace"', "exercice -café", pasted):
        parsed = parse(query)
        assert proximity.near(build(list(parsed.words), ALL, [], parsed.tree)) is None, query
