"""French-aware search: the core on real temporary indexes, and the CLI."""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.config import locate
from kb.errors import KbError
from kb.index.fts import RANK
from kb.index.schema import MIGRATIONS, connect, vocabulary
from kb.index.sync import sync
from kb.search.filters import make_filters
from kb.search.hits import MARK_END, MARK_START
from kb.search.query import Features
from kb.search.ranking import FALLBACK_NOTE, Outcome, search
from tests.conftest import Run, write_recap

CO_2025_02 = "2025-02-20-centre-ouest"
CO_2025_06 = "2025-06-12-centre-ouest"
CO_2024 = "2024-02-22-centre-ouest"
SE_2024 = "2024-10-10-sud-est"
SUD_2023 = "2023-10-10-sud"
ALL = Features()


class Kb:
    """A synced knowledge base, searched through the core."""

    def __init__(self, folder: Path) -> None:
        self.loc = locate(folder)
        sync(self.loc)
        self.conn = connect(self.loc.db)

    def search(self, query: str, features: Features = ALL, **options: str) -> Outcome:
        """By words alone: these tests are about what each word feature finds (meaning,
        tests/search/test_meaning.py, finds more when words fail)."""
        vocab = vocabulary(self.conn)
        filters = make_filters(vocab, **options)  # type: ignore[arg-type]
        return search(
            self.conn, query, vocab=vocab, filters=filters, features=features, meaning=False
        )

    def ids(self, query: str, features: Features = ALL, **options: str) -> list[str]:
        return [h.id for h in self.search(query, features, **options).hits]


@pytest.fixture
def bundled(kb_dir: Path) -> Iterator[Kb]:
    kb = Kb(kb_dir)
    yield kb
    kb.conn.close()


def made_up(folder: Path, *bodies: str) -> Kb:
    """One recap per body, a day apart from 2025-01-10, in the basin sud."""
    for day, body in enumerate(bodies, 10):
        write_recap(folder, date=f"2025-01-{day}", body=f"# Atelier {day}\n\n{body}\n")
    return Kb(folder)


def marked(outcome: Outcome) -> str:
    """Every title, heading and snippet, with [marks]."""
    parts = []
    for hit in outcome.hits:
        parts.append(hit.title)
        for section in hit.sections:
            parts += [section.heading, section.snippet]
    return "\n".join(parts).replace(MARK_START, "[").replace(MARK_END, "]")


# -- what matches what ------------------------------------------------------------------


def test_stems_find_other_forms_but_exact_matches_come_first(empty_kb: Path) -> None:
    # By bm25 alone, "portes" in a short title and heading would outrank one "porte" in
    # a long text: the recaps with the word as written still come first.
    filler = " ".join(f"mot{i}" for i in range(80))
    body = "# Semaine portes ouvertes\n\n## Portes ouvertes\n\nLes portes ouvertes, des portes.\n"
    write_recap(empty_kb, date="2025-01-10", body=body)
    write_recap(empty_kb, date="2025-01-11", body=f"# A\n\n{filler} Pousse ma porte. {filler}\n")
    for day in (12, 13, 14):
        write_recap(empty_kb, date=f"2025-01-{day}", body="# B\n\nRien à voir.\n")
    kb = Kb(empty_kb)
    assert kb.ids("porte") == ["2025-01-11-sud", "2025-01-10-sud"]
    assert kb.ids("portes") == ["2025-01-10-sud", "2025-01-11-sud"]
    assert kb.ids('"porte"') == ["2025-01-11-sud"]
    assert kb.ids("porte", Features(stemming=False)) == ["2025-01-11-sud"]


def test_stems_on_the_bundled_recaps(bundled: Kb) -> None:
    assert kb_set(bundled, "hôpitaux") == {CO_2025_02, SE_2024}
    assert kb_set(bundled, "hospitaliers") == {CO_2025_02}
    assert kb_set(bundled, "palliatif") == {CO_2025_06}
    assert kb_set(bundled, "isolées") == {CO_2025_06}
    # Typed without accents, the word still reaches the stem of the accented text.
    assert kb_set(bundled, "isolees") == {CO_2025_06}


def test_searches_score_recaps_by_the_tables_configured_rank(bundled: Kb) -> None:
    # Searches order by RANK, spelled out (faster with a LIMIT): the same score as the
    # rank configured in the table, for every matching recap.
    for word in ("helpdesk", "bassin", "porte", "santé"):
        rows = bundled.conn.execute(
            f"SELECT rank, {RANK} FROM recaps_fr WHERE recaps_fr MATCH ?", (word,)
        ).fetchall()
        assert rows, word
        assert [r[0] for r in rows] == pytest.approx([r[1] for r in rows]), word
    best = bundled.conn.execute(
        "SELECT min(rank) FROM recaps_fr WHERE recaps_fr MATCH '{head body forms}: helpdesk'"
    ).fetchone()[0]
    for options in ({}, {"basin": "centre-ouest"}):
        hits = bundled.search('"helpdesk"', **options).hits
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert bundled.search('"helpdesk"').hits[0].score == pytest.approx(-best)


def kb_set(kb: Kb, query: str, features: Features = ALL) -> set[str]:
    return set(kb.ids(query, features))


def test_inclusive_forms_match_every_form_and_themselves(empty_kb: Path) -> None:
    kb = made_up(
        empty_kb,
        "Les travailleur-euses et les usager·es du quartier.",
        "Des travailleuses sociales.",
        "Les participant·es.",
    )
    inclusive = "2025-01-10-sud"
    for query in ("travailleuse", "travailleurs", "usagères", "usager", "usagers"):
        assert inclusive in kb.ids(query), query
    assert set(kb.ids("travailleur-euses")) == {inclusive, "2025-01-11-sud"}
    assert kb.ids('"usager·es"') == [inclusive]
    assert kb.ids("participantes") == ["2025-01-12-sud"]
    off = Features(inclusive=False, stemming=False, typos=False)
    assert kb.ids("travailleuses", off) == ["2025-01-11-sud"]
    assert kb.ids("participantes", off) == []


def test_elision_both_ways_and_curly_apostrophes(empty_kb: Path) -> None:
    kb = made_up(
        empty_kb,
        "L’atelier parle d'accompagnement.",
        "Un atelier et un accompagnement.",
    )
    both = {"2025-01-10-sud", "2025-01-11-sud"}
    for query in ("l'atelier", "l’atelier", "atelier", "d’accompagnement", "accompagnement"):
        assert set(kb.ids(query)) == both, query
    off = Features(elision=False)
    assert kb.ids("l'atelier", off) == ["2025-01-10-sud"]


def test_glossary_acronym_and_expansion_both_ways(empty_kb: Path) -> None:
    kb = made_up(
        empty_kb,
        "Le Conseil de l'Action du Bassin s'est réuni.",
        "Le CAB a parlé de mobilité.",
    )
    both = {"2025-01-10-sud", "2025-01-11-sud"}
    assert set(kb.ids("CAB")) == both
    assert set(kb.ids("conseil de l'action du bassin")) == both
    assert kb.ids("CAB", Features(glossary=False)) == ["2025-01-11-sud"]
    assert kb.ids('"CAB"') == ["2025-01-11-sud"]
    assert kb.ids("CAB mobilité") == ["2025-01-11-sud"]


def test_glossary_comes_from_kb_yml(empty_kb: Path, run: Run) -> None:
    made_up(empty_kb, "L'action Pousse ma porte démarre.")
    assert run("search", "PMP", "--json").stdout == "[]\n"
    (empty_kb / "kb.yml").write_text("glossary:\n  PMP: Pousse ma porte\n", encoding="utf-8")
    rows = json.loads(run("search", "PMP", "--json").stdout)
    assert [r["id"] for r in rows] == ["2025-01-10-sud"]
    assert json.loads(run("glossary", "--json").stdout) == [
        {"term": "PMP", "expansions": ["Pousse ma porte"]}
    ]


def test_decomposed_accents_in_the_query(bundled: Kb) -> None:
    assert kb_set(bundled, unicodedata.normalize("NFD", "hôpitaux")) == {CO_2025_02, SE_2024}


# -- forgiving queries ------------------------------------------------------------------


def test_no_recap_has_every_word_shows_recaps_with_some(bundled: Kb) -> None:
    outcome = bundled.search("helpdesk palliatifs")
    assert {h.id for h in outcome.hits} == {CO_2025_02, CO_2025_06}
    assert outcome.notes == [FALLBACK_NOTE]
    assert bundled.search("helpdesk palliatifs", Features(fallback=False)).hits == []
    # When some recap has every word, nothing else is shown.
    assert bundled.search("hôpital ambulatoire hospitalier").notes == []
    assert bundled.ids("hôpital ambulatoire hospitalier") == [CO_2025_02]


def test_a_word_in_no_recap_is_corrected_when_one_word_is_close(bundled: Kb) -> None:
    outcome = bundled.search("helpdsk")
    assert [h.id for h in outcome.hits] == [CO_2025_02]
    assert outcome.notes == ["helpdsk: did you mean helpdesk? Showing results for it."]
    assert bundled.search("helpdsk", Features(typos=False)) == Outcome([], [])
    # The suggestion is written as the recaps write it, accents included.
    outcome = bundled.search("hopitl")
    assert outcome.notes == ["hopitl: did you mean hôpital? Showing results for it."]
    assert {h.id for h in outcome.hits} == {CO_2025_02, SE_2024}


def test_a_typo_is_looked_for_among_the_words_of_its_first_letter(bundled: Kb) -> None:
    # kb.search.ranking.close_words reads the words that begin as the typed word does,
    # and the words with its first two letters swapped or without its first letter.
    for typed in ("ehlpdesk", "xhelpdesk", "helpdeks"):
        note = f"{typed}: did you mean helpdesk? Showing results for it."
        assert bundled.search(typed).notes == [note]
    # A wrong or missing first letter is not looked for (as in most spelling checkers).
    for typed in ("gelpdesk", "elpdesk"):
        assert not any("helpdesk" in note for note in bundled.search(typed).notes)


def test_a_word_cut_short_or_with_several_close_words_is_only_suggested(empty_kb: Path) -> None:
    kb = made_up(empty_kb, "Un carton, un canton et des palliatifs.")
    outcome = kb.search("caton")
    assert outcome.hits == []
    assert outcome.notes == ["caton: in no recap; did you mean canton or carton?"]
    outcome = kb.search("pallia")
    assert outcome.hits == []
    assert outcome.notes == ["pallia: in no recap; did you mean palliatifs?"]


def test_corrected_word_then_fallback(bundled: Kb) -> None:
    outcome = bundled.search("helpdsk zorglub")
    assert [h.id for h in outcome.hits] == [CO_2025_02]
    assert outcome.notes == [
        "helpdsk: did you mean helpdesk? Showing results for it.",
        "zorglub: in no recap.",
        FALLBACK_NOTE,
    ]


# -- filters and excluded words ---------------------------------------------------------


def test_inline_filters_are_the_options(bundled: Kb) -> None:
    assert bundled.ids("basin:sud santé mentale") == [SUD_2023]
    assert bundled.ids("santé mentale", basin="sud") == [SUD_2023]
    assert bundled.ids("bassin:Sud santé mentale") == [SUD_2023]
    assert kb_set(bundled, "quartiers year:2025") == {CO_2025_02, CO_2025_06}
    assert kb_set(bundled, "prévention since:2024-06") == {SE_2024, CO_2025_02, CO_2025_06}
    assert kb_set(bundled, "interconnaissance until:2024") == {SUD_2023, CO_2024}
    assert bundled.ids("interconnaissance since:2024 until:2024-06") == [CO_2024]
    # Options and inline filters add up.
    assert bundled.ids("prévention since:2024-06", until="2024-12") == [SE_2024]


def test_inline_action_filter(empty_kb: Path) -> None:
    write_recap(empty_kb, date="2025-01-10", actions="[helpdesk]", body="# A\n\nLa ligne.\n")
    write_recap(empty_kb, date="2025-01-11", body="# B\n\nLa ligne.\n")
    kb = Kb(empty_kb)
    assert kb.ids("ligne action:helpdesk") == ["2025-01-10-sud"]
    assert kb.ids("ligne action:HD") == ["2025-01-10-sud"]


@pytest.mark.parametrize(
    ("query", "options", "message"),
    [
        (
            "basin:centre santé",
            {},
            "basin: 'centre': not a known basin (did you mean centre-ouest?); "
            "known basins: nord, nord-est, centre-ouest, sud, sud-est",
        ),
        ("year:25 santé", {}, "year:25: expected a year like 2025"),
        (
            "since:2024-13 santé",
            {},
            "since: '2024-13': expected a date as YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        (
            "basin:sud santé",
            {"basin": "nord"},
            "--basin nord and basin:sud in the query disagree; give one",
        ),
        ("-santé", {}, "query '-santé' has only excluded words; add a word to search for"),
        ("basin:sud", {}, "query 'basin:sud' has no word to search for; add a word to search for"),
    ],
)
def test_bad_inline_filters_are_one_line_errors(
    bundled: Kb, query: str, options: dict[str, str], message: str
) -> None:
    with pytest.raises(KbError) as caught:
        bundled.search(query, **options)
    assert str(caught.value) == message


def test_unknown_filter_names_are_words(empty_kb: Path) -> None:
    kb = made_up(empty_kb, "Le rapport page:12 est prêt.", "Une page sur 12 lignes.")
    assert kb.ids("page:12") == ["2025-01-10-sud"]


def test_excluded_words_leave_out_recaps(bundled: Kb) -> None:
    assert kb_set(bundled, "santé mentale") == {SUD_2023, CO_2025_06}
    assert bundled.ids("santé mentale -handicap") == [SUD_2023]
    assert bundled.ids('santé mentale -"double diagnostic"') == [SUD_2023]
    # What a word finds, -word leaves out: its stems, forms and synonyms too.
    assert CO_2025_02 not in bundled.ids("bassin -CAB")
    assert SE_2024 not in bundled.ids("bassin -hôpitaux")


# -- OR, | and parentheses --------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["helpdesk OR palliatifs", "helpdesk | palliatifs", "HD|palliatif"]
)
def test_either_word_finds_the_recaps_of_each(bundled: Kb, query: str) -> None:
    outcome = bundled.search(query)
    assert {h.id for h in outcome.hits} == {CO_2025_02, CO_2025_06}
    assert outcome.notes == []  # no fallback: every term matched
    assert "Le [Helpdesk] du bassin" in marked(outcome) or "recours au [HD]" in marked(outcome)
    assert "soins [palliatifs]" in marked(outcome)


def test_a_group_is_one_term_beside_the_other_words(bundled: Kb) -> None:
    # No recap has palliatifs and either of the others: recaps with some, as for words.
    outcome = bundled.search("(helpdesk | HD) palliatifs")
    assert {h.id for h in outcome.hits} == {CO_2025_02, CO_2025_06}
    assert outcome.notes == [FALLBACK_NOTE]
    assert bundled.ids("(helpdesk | maraudes) palliatifs") == [CO_2025_06]


def test_words_in_parentheses_must_all_match_as_a_member(bundled: Kb) -> None:
    assert kb_set(bundled, "santé") == {SUD_2023, SE_2024, CO_2024, CO_2025_02, CO_2025_06}
    assert kb_set(bundled, "(santé mentale) OR interbassins") == {SUD_2023, CO_2025_06, CO_2024}


def test_a_group_is_left_out_with_a_dash(bundled: Kb) -> None:
    assert kb_set(bundled, "-(helpdesk | palliatifs) prévention") == {SUD_2023, SE_2024}
    assert kb_set(bundled, "-(santé mentale) santé") == {SE_2024, CO_2024, CO_2025_02}


def test_a_member_in_no_recap_is_corrected_or_noted(bundled: Kb) -> None:
    outcome = bundled.search("helpdsk OR palliatifs")
    assert {h.id for h in outcome.hits} == {CO_2025_02, CO_2025_06}
    assert outcome.notes == ["helpdsk: did you mean helpdesk? Showing results for it."]
    outcome = bundled.search("zorglub OR helpdesk")
    assert [h.id for h in outcome.hits] == [CO_2025_02]
    assert outcome.notes == ["zorglub: in no recap."]


def test_matches_as_written_come_first_in_or_groups_too(bundled: Kb) -> None:
    # "porte" as written is in "Pousse ma porte" (2025-02); "portes ouvertes" only
    # through its stem (2024-02 has no "porte" as written).
    assert bundled.ids("porte | zorglub")[:2] == [CO_2025_02, CO_2024]


# -- highlights -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("hôpitaux", "CT liaison [hôpital]-ambulatoire"),
        ("professionnelles", "soutenue par les [professionnel·les]"),
        ("CAB", "premier [Conseil de l'Action du Bassin] ([CAB])"),
        ("l'isolement", "[Isolement] social"),
        ("helpdesk", "Le [Helpdesk] du bassin"),
        ("helpdesk", "recours au [HD]"),
        ("atelier du changement", "Retour sur l'[Atelier du Changement] du 20 février 2025"),
        ('"pousse ma porte"', 'L\'action "[Pousse ma porte]"'),
        ("pousse*", 'action "[Pousse] ma porte"'),
    ],
)
def test_matches_through_stems_forms_and_glossary_are_highlighted(
    bundled: Kb, query: str, shown: str
) -> None:
    assert shown in marked(bundled.search(query))


def test_snippets_never_cut_an_inclusive_form(bundled: Kb) -> None:
    text = marked(bundled.search("professionnelle"))
    assert "…es par" not in text and "usager·es par un·e [professionnel·le]" in text


# -- the index --------------------------------------------------------------------------


def french_rows(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT r.id, f.head, f.body, f.head_stem, f.body_stem, f.forms"
            " FROM recaps_fr f JOIN recaps r ON r.n = f.rowid ORDER BY 1"
        ).fetchall()


def test_index_made_by_the_core_is_migrated_and_rebuilt(kb_dir: Path, run: Run) -> None:
    db = kb_dir / ".kb" / "index.sqlite"
    db.parent.mkdir()
    conn = sqlite3.connect(db, isolation_level=None)
    MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    rows = json.loads(run("search", "hôpitaux", "--json").stdout)
    assert {r["id"] for r in rows} == {CO_2025_02, SE_2024}


def test_french_rows_follow_edits_deletes_and_rebuilds(kb_dir: Path) -> None:
    loc = locate(kb_dir)
    sync(loc)
    first = french_rows(loc.db)
    assert {r[0] for r in first} == {SUD_2023, CO_2024, SE_2024, CO_2025_02, CO_2025_06}
    assert any("actrice" in str(r[5]) for r in first)
    sync(loc, rebuild=True)
    assert french_rows(loc.db) == first
    (kb_dir / f"{SE_2024}.md").unlink()
    sync(loc)
    assert SE_2024 not in {r[0] for r in french_rows(loc.db)}
    with sqlite3.connect(loc.db) as conn:
        recaps = conn.execute("SELECT count(*) FROM recaps_fr").fetchone()[0]
    assert recaps == 4


# -- the command line -------------------------------------------------------------------


def test_the_issue_queries_at_80_columns(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = run("search", "professionnels").stdout
    assert "5 recaps" in out and "professionnel·les" in out and "professionnel-le-s" in out
    out = run("search", "hôpitaux").stdout
    assert out.count("kb show") == 2 and "hôpital" in out
    out = run("search", "CAB").stdout
    assert f"kb show {CO_2025_06}" in out and "conseil de l'Action du Bassin" in out
    out = run("search", "helpdsk").stdout
    assert out.startswith("helpdsk: did you mean helpdesk? Showing results for it.\n")
    assert f"kb show {CO_2025_02}" in out
    out = run("search", "basin:sud santé mentale").stdout
    assert out.count("kb show") == 1 and f"kb show {SUD_2023}" in out


def test_notes_go_above_the_results_or_to_stderr_with_json(kb_dir: Path, run: Run) -> None:
    result = run("search", "helpdesk palliatifs")
    assert result.stdout.startswith(FALLBACK_NOTE + "\n")
    result = run("search", "helpdesk palliatifs", "--json", "--words-only")
    assert result.stderr == FALLBACK_NOTE + "\n"
    assert {r["id"] for r in json.loads(result.stdout)} == {CO_2025_02, CO_2025_06}


def test_raw_search_is_the_core_search(kb_dir: Path, run: Run) -> None:
    rows = json.loads(run("search", "--raw", "hôpitaux", "--json").stdout)
    assert rows == []


def test_glossary_command(kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run("glossary")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Term", "Stands", "for"]
    assert any(line.split()[:2] == ["CAB", "Conseil"] for line in lines)
    assert lines[-1] == "12 terms"
    rows = json.loads(run("glossary", "--json").stdout)
    assert {"term": "HD", "expansions": ["Helpdesk"]} in rows


def test_an_inline_filter_given_twice_must_agree(kb_dir: Path, run: Run) -> None:
    result = run("search", "santé basin:sud basin:nord")
    assert result.exit_code == 2
    assert result.stderr == "Error: basin:sud and basin:nord in the query disagree; give one\n"
    assert run("search", "helpdesk year:0000").exit_code == 2
