"""Every judged query finds its recaps in the top 5; docs/search.md gives the real figures."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

import pytest

from kb.recaps.vocab import Vocabulary
from kb.search.query import Features
from tests.conftest import ROOT
from tests.search.relevance.evaluate import TOP, Judged, bundled_index, load, ranked, report

JUDGED = load()


@pytest.fixture(scope="module")
def index() -> Iterator[tuple[sqlite3.Connection, Vocabulary]]:
    with bundled_index() as opened:
        yield opened


def test_the_judged_set_covers_every_kind_of_query() -> None:
    assert len(JUDGED) >= 30
    kinds = {j.kind for j in JUDGED}
    assert kinds >= {
        "plain",
        "accents",
        "stems",
        "inclusive",
        "elision",
        "glossary",
        "typos",
        "phrase",
        "filter",
        "fallback",
        "or",
    }
    recaps = {p.stem for p in (ROOT / "recaps").glob("*.md")}
    for judged in JUDGED:
        assert set(judged.expect) | set(judged.exclude) <= recaps, judged.label


@pytest.mark.parametrize("judged", JUDGED, ids=[j.label for j in JUDGED])
def test_judged_query(index: tuple[sqlite3.Connection, Vocabulary], judged: Judged) -> None:
    conn, vocab = index
    ids = ranked(conn, vocab, judged, Features(), meaning=True)
    missing = [e for e in judged.expect if e not in ids[:TOP]]
    assert not missing, f"{judged.label}: {missing} not in the top {TOP} {ids}"
    assert not set(judged.exclude) & set(ids), f"{judged.label}: excluded recap found {ids}"


def test_docs_give_the_figures_the_script_prints() -> None:
    doc = (ROOT / "docs" / "search.md").read_text(encoding="utf-8")
    block = re.search(
        r"python -m tests\.search\.relevance\.evaluate\n```\n\n```text\n(.*?)\n```", doc, re.S
    )
    assert block, "docs/search.md: no ```text block of figures after the evaluate command"
    assert block.group(1) == report()
