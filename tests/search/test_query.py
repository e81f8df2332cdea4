"""Reading a query without a database: words, inline filters, glossary, expressions."""

from __future__ import annotations

import sqlite3

import pytest

from kb.index.fts import migrate
from kb.search.query import Features, build, expression, parse, synonym_groups

GLOSSARY = (
    ("CAB", ("Conseil de l'Action du Bassin",)),
    ("GAB", ("Groupe d'Appui au Bassin",)),
    ("ZOGAB", ("Groupe d'Appui au Bassin",)),
    ("HD", ("Helpdesk",)),
)


def test_inline_filters_are_taken_out_and_unknown_names_are_words() -> None:
    parsed = parse('basin:sud santé YEAR:2024 since:2024-06 action:"pousse ma porte" a:b')
    assert parsed.filters == {
        "basin": "sud",
        "year": "2024",
        "since": "2024-06",
        "action": "pousse ma porte",
    }
    assert [w.tokens for w in parsed.words] == [("santé",), ("a", "b")]
    assert parse("bassin:centre-ouest x").filters == {"basin": "centre-ouest"}
    assert parse("until:2025 x").filters == {"until": "2025"}
    assert parse("basin: sud").filters == {}  # a space: plain words


def test_excluded_words_quoted_phrases_and_prefixes() -> None:
    words = parse('santé -handicap -"double diagnostic" pallia* "Pousse ma porte" -').words
    assert [(w.tokens, w.negated, w.quoted, w.prefix) for w in words] == [
        (("santé",), False, False, False),
        (("handicap",), True, False, False),
        (("double", "diagnostic"), True, True, False),
        (("pallia",), False, False, True),
        (("pousse", "ma", "porte"), False, True, False),
    ]
    assert parse('"unbalanced quote').words[0].tokens == ("unbalanced",)


def test_elision_is_dropped_from_words_not_from_phrases() -> None:
    assert parse("l'atelier qu’elles").words[0].tokens == ("atelier",)
    assert parse("l'atelier qu’elles").words[1].tokens == ("elles",)
    assert parse('"l\'atelier"').words[0].tokens == ("l", "atelier")
    assert parse("l'atelier", Features(elision=False)).words[0].tokens == ("l", "atelier")


def test_inclusive_query_word_stands_for_its_forms_unless_turned_off() -> None:
    word = parse("acteur·rices").words[0]
    assert word.forms == ("acteur", "acteurs", "actrice", "actrices")
    assert parse("acteur·rices", Features(inclusive=False)).words[0].forms == ()


def test_glossary_groups_join_terms_that_stand_for_the_same() -> None:
    groups = synonym_groups(GLOSSARY)
    keys = sorted(sorted(" ".join(s.key) for s in g) for g in groups)
    # Keys read as a query would: the elided "l'" and "d'" are dropped.
    assert keys == [
        ["cab", "conseil de action du bassin"],
        ["gab", "groupe appui au bassin", "zogab"],
        ["hd", "helpdesk"],
    ]


def test_a_glossary_term_matches_its_expansion_and_the_reverse() -> None:
    groups = synonym_groups(GLOSSARY)
    [cab] = build(parse("cab").words, groups=groups)
    assert {" ".join(a.tokens) for a in cab.alts if a.kind == "word"} == {
        "cab",
        "conseil de l action du bassin",
    }
    terms = build(parse("Conseil de l’Action du Bassin mobilité").words, groups=groups)
    assert [t.text for t in terms] == ["Conseil de Action du Bassin", "mobilité"]
    assert ("cab",) in {a.tokens for a in terms[0].alts}
    [gab] = build(parse("GAB").words, groups=groups)
    assert ("zogab",) in {a.tokens for a in gab.alts}
    assert build(parse('"CAB"').words, groups=groups)[0].alts[0].tokens == ("cab",)
    assert len(build(parse('"CAB"').words, groups=groups)[0].alts) == 1


def test_features_choose_the_alternatives() -> None:
    def kinds(query: str, features: Features) -> set[tuple[str, str]]:
        [term] = build(parse(query, features).words, features, synonym_groups(GLOSSARY))
        return {(a.kind, " ".join(a.tokens)) for a in term.alts}

    assert kinds("hôpitaux", Features()) == {("word", "hopitaux"), ("stem", "hopital")}
    assert kinds("hôpitaux", Features(stemming=False)) == {("word", "hopitaux")}
    assert ("word", "helpdesk") in kinds("HD", Features())
    assert ("word", "helpdesk") not in kinds("HD", Features(glossary=False))
    assert ("word", "actrices") in kinds("acteur·rices", Features())
    assert kinds("acteur·rices", Features(inclusive=False, stemming=False)) == {
        ("word", "acteur rices")
    }


@pytest.mark.parametrize(
    "query",
    [
        'AND OR NOT "x" NEAR(a b) ^start col:val {head} : x',
        "* ( ) - + : ' « » ’ · ‐",
        'santé -handicap -"a b" c* basin:nord d\'un',
        "l'·es -·- acteur-rices/ss",
        "CAB HD gab zogab",
        "a OR b | (c d) OR -(e | f) ((g)) ) ( OR",
        "OR | OR ( ) -( ) (-x) |",
        "(x -y) OR z -(conseil de l'action du bassin) (GAB | ZOGAB) santé",
        "(a b | c) OR d* -(e f)",
    ],
)
def test_expressions_are_always_valid_fts5(query: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE recaps (n INTEGER PRIMARY KEY)")
    conn.execute("CREATE TABLE sections (n INTEGER PRIMARY KEY)")
    migrate(conn)
    for features in (Features(), Features(stemming=False, inclusive=False, glossary=False)):
        parsed = parse(query, features)
        terms = build(parsed.words, features, synonym_groups(GLOSSARY), parsed.tree)
        if not any(not t.negated for t in terms):
            continue
        for every in (True, False):
            sql = "SELECT count(*) FROM recaps_fr WHERE recaps_fr MATCH ?"
            conn.execute(sql, (expression(terms, features, every=every),)).fetchone()


def test_a_filter_name_without_value_is_not_a_word() -> None:
    parsed = parse("basin: helpdesk")
    assert [w.text for w in parsed.words] == ["helpdesk"] and parsed.filters == {}


# -- OR, | and parentheses --------------------------------------------------------------


def terms_of(query: str) -> list[tuple[str, bool, int]]:
    """(text, negated, number of parts) of each term of a query."""
    parsed = parse(query)
    terms = build(parsed.words, Features(), synonym_groups(GLOSSARY), parsed.tree)
    return [(t.text, t.negated, len(t.parts)) for t in terms]


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("helpdesk OR palliatifs", [("helpdesk OR palliatifs", False, 0)]),
        ("helpdesk | palliatifs", [("helpdesk OR palliatifs", False, 0)]),
        ("helpdesk|HD", [("helpdesk OR HD", False, 0)]),
        ("a OR b c", [("a OR b", False, 0), ("c", False, 0)]),  # OR joins its neighbours
        ("(helpdesk | HD) palliatifs", [("helpdesk OR HD", False, 0), ("palliatifs", False, 0)]),
        ("(a | b) OR c", [("a OR b OR c", False, 0)]),
        ("a OR OR b", [("a OR b", False, 0)]),
        ("a || b", [("a OR b", False, 0)]),
        ("(santé mentale) OR handicap", [("(santé mentale) OR handicap", False, 1)]),
        ("-(a | b) c", [("a OR b", True, 0), ("c", False, 0)]),
        ("-(a b) c", [("(a b)", True, 1), ("c", False, 0)]),
        # An excluded word leaves out its recaps wherever it is written.
        ("(x -y) OR z", [("y", True, 0), ("x OR z", False, 0)]),
        # One level: parentheses inside parentheses are ignored.
        ("(a (b c) | d)", [("a", False, 0), ("b", False, 0), ("c OR d", False, 0)]),
        # Unmatched parentheses are ignored; a "(" that is not closed closes at the end.
        (") a (b | c", [("a", False, 0), ("b OR c", False, 0)]),
        ("(a b)", [("a", False, 0), ("b", False, 0)]),
        # In a group, the glossary still reads a run of words as one entry.
        (
            "(Conseil de l'Action du Bassin) | GAB",
            [("Conseil de Action du Bassin OR GAB", False, 0)],
        ),
    ],
)
def test_or_and_parentheses_make_terms(query: str, terms: list[tuple[str, bool, int]]) -> None:
    assert terms_of(query) == terms


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("OR", ["OR"]),
        ("OR helpdesk", ["OR", "helpdesk"]),
        ("helpdesk OR", ["helpdesk", "OR"]),
        ("helpdesk OR -handicap", ["helpdesk", "OR", "handicap"]),
        ("| helpdesk |", ["helpdesk"]),
        ("helpdesk or palliatifs", ["helpdesk", "or", "palliatifs"]),  # lower case: a word
        ('"soins OR palliatifs"', ['"soins OR palliatifs"']),
    ],
)
def test_an_or_that_joins_nothing_is_a_word(query: str, words: list[str]) -> None:
    parsed = parse(query)
    assert [w.text for w in parsed.words] == words
    assert parsed.either == frozenset()


def test_parentheses_inside_a_word_are_the_word() -> None:
    assert [w.text for w in parse("professionnel(le)s (usager(e)s)").words] == [
        "professionnel(le)s",
        "usager(e)s",
    ]


def test_or_groups_are_fts5_or_and_every_token_is_quoted() -> None:
    parsed = parse("(helpdesk | HD) palliatifs", Features(stemming=False, inclusive=False))
    features = Features(stemming=False, inclusive=False, glossary=False)
    terms = build(parsed.words, features, (), parsed.tree)
    assert expression(terms, features) == (
        '(({head body} : "helpdesk" OR {head body} : "hd") AND ({head body} : "palliatifs"))'
    )


def test_the_members_of_or_groups_are_known() -> None:
    assert parse("a (b | c) d OR e -(f | g)").either == {1, 2, 3, 4, 5, 6}
    assert parse("a b").either == frozenset()


def test_filters_apply_to_the_whole_query_even_in_parentheses() -> None:
    parsed = parse("(basin:sud | helpdesk) (year:2024)")
    assert parsed.filters == {"basin": "sud", "year": "2024"}
    assert [w.text for w in parsed.words] == ["helpdesk"] and parsed.either == frozenset()
    assert parse('(action:"pousse ma porte") x').filters == {"action": "pousse ma porte"}
    assert parse("basin:a)b").filters == {"basin": "a)b"}
