"""Recaps linked to actions: at index time, by --action, and in `kb actions`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kb.config import locate
from kb.index.sync import sync
from kb.recaps.actions import detect_actions, links
from kb.recaps.recap import parse_recap, split_sections
from kb.recaps.vocab import load_vocabulary
from tests.conftest import BUNDLED, Run, write_recap


def ids(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return list(dict.fromkeys(row["id"] for row in json.loads(result.stdout)))


@pytest.mark.parametrize("path", sorted(BUNDLED.glob("*.md")), ids=lambda p: p.stem)
def test_bundled_frontmatter_actions_are_what_detect_actions_finds(path: Path) -> None:
    # `kb add` fills `actions:` with detect_actions; the bundled recaps must agree with it.
    vocab = load_vocabulary(BUNDLED / "kb.yml")
    recap = parse_recap(path.read_bytes(), path.name, vocab)
    assert recap.actions == detect_actions(vocab, recap.sections)
    assert recap.actions  # every bundled recap talks about at least one action


def test_links_put_frontmatter_first_and_keep_sections() -> None:
    vocab = load_vocabulary(BUNDLED / "kb.yml")
    _, sections = split_sections(
        "Intro.\n\n## Le HD du bassin\n\n- Une ligne.\n\n## Autre\n\n"
        "Les Rendez-Vous de la Prévention continuent.\n"
    )
    assert links(vocab, ["soins-palliatifs", "helpdesk"], sections) == {
        "soins-palliatifs": [],
        "helpdesk": [1],
        "rdv-prevention": [2],
    }


def _linked(db: Path) -> dict[tuple[str, str], list[int]]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT recap_id, action, sections FROM recap_actions").fetchall()
    return {(r, a): json.loads(s) for r, a, s in rows}


def test_index_links_mentions_and_frontmatter_with_their_sections(empty_kb: Path) -> None:
    write_recap(
        empty_kb,
        date="2025-01-10",
        actions="[soins-palliatifs]",
        body="# A\n\nIntro.\n\n## Semaine portes ouvertes Patch'Work!\n\n- Bilan.\n\n"
        "## Divers\n\n- Retour sur le Lunch' réseau de mars.\n",
    )
    loc = locate(empty_kb)
    assert sync(loc).added == 1
    assert _linked(loc.db) == {
        ("2025-01-10-sud", "soins-palliatifs"): [],
        ("2025-01-10-sud", "portes-ouvertes"): [1],
        ("2025-01-10-sud", "lunch-reseau"): [2],
    }


@pytest.mark.parametrize(
    "name", ["portes-ouvertes", "Semaine Portes Ouvertes", "patch'work", "PORTES OUVERTES"]
)
def test_list_and_search_accept_the_slug_name_or_an_alias(
    kb_dir: Path, run: Run, name: str
) -> None:
    expected = ["2024-02-22-centre-ouest", "2025-02-20-centre-ouest"]
    assert ids(run("list", "--json", "--action", name)) == expected
    assert sorted(ids(run("search", "bassin", "--json", "--action", name))) == expected


def test_action_found_only_in_a_heading_filters_without_frontmatter(
    empty_kb: Path, run: Run
) -> None:
    write_recap(empty_kb, date="2025-01-10", body="# A\n\n## Le HD\n\nLa ligne.\n")
    write_recap(empty_kb, date="2025-01-11", body="# B\n\nLa ligne du HD.\n")
    assert ids(run("list", "--json", "--action", "Helpdesk")) == ["2025-01-10-sud"]
    assert ids(run("search", "ligne", "--json", "-a", "hd")) == ["2025-01-10-sud"]
    rows = json.loads(run("list", "--json").stdout)
    assert [r["actions"] for r in rows] == [["helpdesk"], []]


@pytest.mark.parametrize("command", ["list", "timeline", "actions"])
def test_unknown_basin_or_action_lists_close_matches(kb_dir: Path, run: Run, command: str) -> None:
    result = run(command, "--basin", "centre")
    assert result.exit_code == 1
    assert "Error: --basin 'centre': not a known basin (did you mean centre-ouest?)" in (
        result.stderr
    )
    if command != "actions":
        result = run(command, "--action", "helpdsk")
        assert result.exit_code == 1
        assert result.stderr.startswith(
            "Error: --action 'helpdsk': not a known action (did you mean helpdesk?)"
        )


def test_actions_counts_basins_and_dates_on_the_bundled_recaps(kb_dir: Path, run: Run) -> None:
    rows = {r["action"]: r for r in json.loads(run("actions", "--json").stdout)}
    vocab = load_vocabulary(kb_dir / "kb.yml")
    assert list(rows) == [a.slug for a in vocab.actions]
    rdv = rows["rdv-prevention"]
    assert (rdv["recaps"], rdv["basins"], rdv["first"], rdv["last"]) == (
        3,
        ["centre-ouest", "sud-est"],
        "2024-10-10",
        "2025-06-12",
    )
    assert rdv["name"] == "RDV de la prévention santé"
    assert "Rendez-Vous de la Prévention" in rdv["aliases"]
    assert (rows["helpdesk"]["recaps"], rows["helpdesk"]["basins"]) == (1, ["centre-ouest"])
    assert rows["formation-prevention"]["run_by"] == ["sud"]
    # Each recap counted once per action, however many of its sections mention it.
    assert rows["isolement-social"]["recaps"] == 1
    listed = json.loads(run("list", "--json").stdout)
    for slug, row in rows.items():
        assert row["recaps"] == sum(slug in r["actions"] for r in listed)


def test_an_action_no_recap_mentions_is_listed_with_zero(kb_dir: Path, run: Run) -> None:
    text = (kb_dir / "kb.yml").read_text(encoding="utf-8")
    (kb_dir / "kb.yml").write_text(
        text.replace(
            "actions:\n",
            "actions:\n  - slug: bus-sante\n    name: Bus santé\n    basins: [sud-est]\n",
            1,
        ),
        encoding="utf-8",
    )
    rows = {r["action"]: r for r in json.loads(run("actions", "--json").stdout)}
    assert rows["bus-sante"] == {
        "action": "bus-sante",
        "name": "Bus santé",
        "aliases": [],
        "recaps": 0,
        "basins": [],
        "run_by": ["sud-est"],
        "first": None,
        "last": None,
    }
    result = run("actions")
    assert result.exit_code == 0
    assert [line.split() for line in result.stdout.splitlines() if "Bus santé" in line] == [
        ["Bus", "santé", "0", "Sud-Est"]
    ]
    # --basin: what is seen in that basin, plus what kb.yml says it runs.
    in_sud_est = {
        r["action"]: r for r in json.loads(run("actions", "-b", "Sud-Est", "--json").stdout)
    }
    assert "bus-sante" in in_sud_est and "helpdesk" not in in_sud_est
    assert "formation-prevention" not in in_sud_est
    assert in_sud_est["rdv-prevention"]["recaps"] == 1
    assert in_sud_est["rdv-prevention"]["basins"] == ["sud-est"]


def test_actions_table_fits_80_columns(kb_dir: Path, run: Run, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run("actions")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Action", "Recaps", "Basins", "First", "Last"]
    assert max(len(line.rstrip()) for line in lines) <= 80
    assert any(
        line.split()[-4:] == ["3", "Centre-Ouest", "2024-10-10", "2025-06-12"] for line in lines
    )
    assert lines[-1] == "19 actions, 19 seen in recaps"


def test_old_index_is_migrated_and_rebuilt_with_sections(kb_dir: Path, run: Run) -> None:
    from kb.index.schema import _m001_initial

    loc = locate(kb_dir)
    # An index of schema 1, filled as the first kb filled it: no sections column on
    # recap_actions, and an older INDEXER in its stamp.
    loc.db.parent.mkdir()
    conn = sqlite3.connect(loc.db, isolation_level=None)
    _m001_initial(conn)
    conn.executescript(
        "PRAGMA user_version = 1;"
        "INSERT INTO meta VALUES ('vocabulary_stat', '2:absent');"
        "INSERT INTO recap_actions VALUES ('2025-02-20-centre-ouest', 'helpdesk');"
    )
    conn.close()
    assert ids(run("list", "--json", "--action", "HD")) == ["2025-02-20-centre-ouest"]
    assert _linked(loc.db)[("2025-02-20-centre-ouest", "helpdesk")] == [4]


def test_names_are_looked_for_in_the_words_fold_gives_whatever_the_characters() -> None:
    # Sections are folded through a cp1252 byte table when they can be (faster); the
    # words must be those of kb.text.fold's fold, the definition, for any text.
    import random

    from kb.recaps.actions import _folded, _words

    cp1252 = [bytes([b]).decode("cp1252", "ignore") for b in range(1, 256)]
    others = ["\u0301", "\u0327", "\u2153", "\u2122", "\u03a3", "\ufb01", "\x85", "\x9c"]
    pool = [c for c in cp1252 if c] + list("aé ·-")
    rng = random.Random(6)
    texts = ["½ Portes ouvertes", "Pousse\u0301 ma porte", "Patch™Work", "HD — CAB"]
    texts += ["".join(rng.choices(pool, k=rng.randint(0, 40))) for _ in range(3000)]
    texts += ["".join(rng.choices(pool + others, k=rng.randint(0, 40))) for _ in range(500)]
    texts += pool + others
    for i in range(0, len(texts), 3):
        chunk = texts[i : i + 3]
        parts = [f" {' '.join(p.decode().split())} " for p in _folded(chunk).split(b"\0")]
        assert parts == [_words(t) for t in chunk], chunk


def test_sections_that_mention_an_action_are_those_whose_words_hold_one_of_its_names() -> None:
    # mentions() looks for each name once in all the sections; the sections it gives
    # must be those the rule gives section by section: any name in the heading, a name
    # of two words or more in the text.
    import random

    from kb.recaps.actions import _names, _words, mentions
    from kb.recaps.recap import Section
    from kb.recaps.vocab import defaults

    vocab = defaults()
    names = [n for a in vocab.actions for n in a.names]
    words = [w for n in names for w in n.split()] + ["du", "bassin", "Hôpital", "-", "’", "."]
    rng = random.Random(8)

    def text() -> str:
        return " ".join(rng.choice(names if rng.random() < 0.2 else words) for _ in range(6))

    for _ in range(300):
        sections = [Section(i, text() if i else "", text()) for i in range(rng.randint(1, 6))]
        expected = {}
        for action in vocab.actions:
            positions = [
                s.position
                for s in sections
                if any(
                    n in _words(s.heading) or (in_text and n in _words(s.text))
                    for n, in_text in _names(action)
                )
            ]
            if positions:
                expected[action.slug] = positions
        assert mentions(vocab, sections) == expected
