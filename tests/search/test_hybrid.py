"""Meaning beside words (kb.search.meaning): what words miss, found by meaning and said so;
words first; --words-only; scores in JSON; related recaps (kb similar, See also)."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.testclient import TestClient

from kb.config import locate
from kb.index.schema import connect, vocabulary
from kb.index.sync import sync
from kb.search.ranking import search
from kb.web.app import create_app
from tests.conftest import Run, python, write_recap

AINES = (
    "# Atelier du Nord\n\n## Les aîné·es du quartier\n\n"
    "- Beaucoup d'aîné·es vivent seul·es dans les étages sans ascenseur.\n"
    "- Les maisons de repos manquent de places.\n"
)
BUDGET = (
    "# Atelier du Sud\n\n## Budget et financement\n\n"
    "- Les subsides régionaux arrivent tard et les associations avancent les salaires.\n"
)
AGES = (
    "# Atelier du Centre\n\n## Les seniors isolés\n\n"
    "- Les aîné·es de la commune vivent seul·es et sortent peu de chez eux.\n"
)


def knowledge_base(folder: Path) -> Path:
    write_recap(folder, date="2025-03-13", basin="nord", body=AINES)
    write_recap(folder, date="2025-04-03", basin="sud", body=BUDGET)
    write_recap(folder, date="2025-05-06", basin="centre-ouest", body=AGES)
    return folder


def ids(folder: Path, query: str, **options: object) -> list[str]:
    loc = locate(folder)
    sync(loc)
    conn = connect(loc.db)
    try:
        outcome = search(conn, query, vocab=vocabulary(conn), **options)  # type: ignore[arg-type]
        return [hit.id for hit in outcome.hits]
    finally:
        conn.close()


def test_a_query_whose_words_are_absent_is_found_by_meaning(empty_kb: Path, run: Run) -> None:
    knowledge_base(empty_kb)
    result = run("search", "personnes âgées")
    assert result.exit_code == 0
    assert "personnes: in no recap." in result.stdout and "Budget" not in result.stdout
    # A recap on the elderly (aîné·es, seniors), with the section's words nearest the query.
    assert "Atelier du Centre" in result.stdout or "Atelier du Nord" in result.stdout
    assert "by meaning: " in result.stdout and "≈ personnes âgées" in result.stdout
    words = run("search", "personnes âgées", "--words-only")
    assert "No recap matches" in words.stdout


def test_a_search_found_by_meaning_needs_no_numpy(empty_kb: Path, run: Run) -> None:
    # numpy's import alone costs more than the rest of a search (docs/search.md): a search
    # by meaning, and the meaning scores of --json, look words up in the table and read
    # the sections near them, without it.
    knowledge_base(empty_kb)
    run("index")
    script = (
        "import sys; from kb.cli.app import run\n"
        "for args in (['personnes âgées'], ['seniors', '--json']):\n"
        "    try:\n        run(['search', *args, '--kb-dir', sys.argv[1]])\n"
        "    except SystemExit:\n        pass\n"
        "print('NUMPY', 'numpy' in sys.modules)\n"
    )
    done = python("-c", script, str(empty_kb))
    assert done.returncode == 0, done.stderr
    assert "by meaning: " in done.stdout and '"meaning_score": 0.' in done.stdout
    assert "NUMPY False" in done.stdout


def test_meaning_comes_after_the_words_and_never_beside_them(empty_kb: Path) -> None:
    knowledge_base(empty_kb)
    # "seniors" is in one recap: that is the answer, meaning adds nothing beside it.
    assert ids(empty_kb, "seniors") == ["2025-05-06-centre-ouest"]
    assert ids(empty_kb, "seniors", meaning=False) == ["2025-05-06-centre-ouest"]
    # No recap has both words: the one with "seniors", and what meaning finds near it.
    assert ids(empty_kb, "seniors bavarois")[0] == "2025-05-06-centre-ouest"
    assert ids(empty_kb, "seniors bavarois", meaning=False) == ["2025-05-06-centre-ouest"]
    elderly = {"2025-03-13-nord", "2025-05-06-centre-ouest"}
    # (the word vectors put "vieillesse" at 0.3 of these recaps, under the floor that keeps
    # "flamands" or "sans-abri" from finding unrelated recaps: kb.search.meaning.FLOOR)
    assert set(ids(empty_kb, "personnes âgées isolées")[:2]) == elderly


def test_excluded_words_filters_and_phrases_hold_for_meaning(empty_kb: Path) -> None:
    knowledge_base(empty_kb)
    # One recap found by meaning alone a search: the nearest one, unless a word leaves it out.
    assert ids(empty_kb, "personnes âgées") == ["2025-05-06-centre-ouest"]
    assert ids(empty_kb, "personnes âgées -commune") == ["2025-03-13-nord"]
    assert ids(empty_kb, "personnes âgées basin:nord") == ["2025-03-13-nord"]
    assert ids(empty_kb, '"personnes âgées"') == []  # quoted: these very words


def test_json_gives_the_word_and_meaning_scores(empty_kb: Path, run: Run) -> None:
    knowledge_base(empty_kb)
    rows = json.loads(run("search", "personnes âgées", "--json").stdout)
    assert rows and all(r["word_score"] is None and r["meaning_score"] > 0 for r in rows)
    # the words of the recap's section nearest the query, as written there
    assert rows[0]["near"] and all(word in AGES for word in rows[0]["near"])
    rows = json.loads(run("search", "seniors", "--json").stdout)
    assert rows[0]["word_score"] > 0 and rows[0]["meaning_score"] > 0 and rows[0]["near"] == []
    rows = json.loads(run("search", "seniors", "--json", "--words-only").stdout)
    assert rows[0]["meaning_score"] is None


def test_similar_shows_what_other_basins_said(empty_kb: Path, run: Run) -> None:
    knowledge_base(empty_kb)
    rows = json.loads(run("similar", "2025-03-13-nord", "--json").stdout)
    assert rows[0]["id"] == "2025-05-06-centre-ouest"  # the other recap on the elderly
    assert rows[0]["heading"] == "Les aîné·es du quartier"
    assert rows[0]["other_heading"] == "Les seniors isolés"
    assert "2025-03-13-nord" not in {r["id"] for r in rows}
    text = run("similar", "2025-03-13-nord").stdout
    assert "Les seniors isolés" in text and "kb show 2025-05-06-centre-ouest" in text
    shown = run("show", "2025-03-13-nord", "--no-pager").stdout
    assert "See also" in shown and "Les seniors isolés" in shown
    missing = run("similar", "1999-01-01-nord")
    assert missing.exit_code != 0 and len(missing.stderr.strip().splitlines()) == 1


def test_the_web_page_finds_by_meaning_and_shows_related_recaps(empty_kb: Path) -> None:
    knowledge_base(empty_kb)
    client = TestClient(create_app(locate(empty_kb)))
    page = client.get("/", params={"q": "personnes âgées"}).text
    assert "par le sens : seniors" in page and "Atelier du Centre" in page
    recap = client.get("/recaps/2025-03-13-nord").text
    assert "Voir aussi" in recap and "Les seniors isolés" in recap
