"""Long queries (issue 26): refused past MAX_QUERY characters in one line, and below it
a search whose work does not grow with the length of the query times the text."""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.search import ranking, snippets
from kb.search.query import MAX_QUERY, build, parse
from kb.search.raw import search as raw_search
from kb.text import french
from tests.conftest import BUNDLED, Run, python
from tests.search.test_ranking import Kb

LONG = " ".join(["atelier", "bassin", "helpdesk", "réseau"] * 5_000)[:100_000]  # 100 KB


@pytest.fixture
def bundled(kb_dir: Path) -> Iterator[Kb]:
    kb = Kb(kb_dir)
    yield kb
    kb.conn.close()


@pytest.mark.parametrize("args", [["--json"], ["--raw"], []])
def test_a_100_kb_query_is_refused_in_one_line(kb_dir: Path, run: Run, args: list[str]) -> None:
    result = run("search", *args, LONG)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: the query has 100000 characters; kb searches at most {MAX_QUERY}: shorten it"
    ]


def test_the_launcher_refuses_it_too_in_french(kb_dir: Path) -> None:
    done = python("-m", "kb", "search", "--kb-dir", str(kb_dir), "--", LONG, env={"KB_LANG": "fr"})
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"Erreur : la requête fait 100\u202f000 caractères ; kb en cherche au plus {MAX_QUERY} :"
        " raccourcissez-la"
    ]


def test_a_query_of_the_most_characters_is_answered(bundled: Kb) -> None:
    query = ("atelier " * (MAX_QUERY // 8)).ljust(MAX_QUERY)
    assert len(query) == MAX_QUERY and bundled.ids(query)
    assert raw_search(bundled.conn, query)
    with pytest.raises(Exception, match="at most"):
        bundled.ids(query + "x")


def test_a_token_is_tried_only_against_what_can_start_there(
    bundled: Kb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The words of a pasted page that are in no section cost a lookup, not a comparison
    at every token of every section shown."""
    tried: list[int] = []
    real = snippets.Matcher._match

    def counted(self: snippets.Matcher, text: french.Analysis, i: int, alt: object) -> object:
        tried.append(i)
        return real(self, text, i, alt)  # type: ignore[arg-type]

    monkeypatch.setattr(snippets.Matcher, "_match", counted)
    text = french.analyse((BUNDLED / "2025-02-20-centre-ouest.md").read_text(encoding="utf-8"))
    counts = []
    random.seed(26)
    for extra in (0, 60):  # words in no recap, beside one that is in this text
        noise = ["".join(random.choices(string.ascii_lowercase, k=7)) for _ in range(extra)]
        parsed = parse(" ".join(["atelier", *noise]))
        matcher = snippets.Matcher(build(parsed.words, tree=parsed.tree), ranking.ALL)
        tried.clear()
        spans = matcher.spans(text)
        counts.append(len(tried))
        assert {s.term for s in spans} == {0}
    assert counts[0] == counts[1] > 0


def test_did_you_mean_is_looked_up_for_a_bounded_number_of_words(
    bundled: Kb, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked: list[str] = []
    real = ranking.close_words

    def counted(conn: object, word: str) -> ranking.Close:
        looked.append(word)
        return real(conn, word)  # type: ignore[arg-type]

    monkeypatch.setattr(ranking, "close_words", counted)
    random.seed(27)
    unknown = ["".join(random.choices(string.ascii_lowercase, k=8)) for _ in range(40)]
    outcome = bundled.search(" ".join(unknown))
    assert len(looked) == ranking.CLOSE_LOOKUPS
    assert len(outcome.notes) == 40  # every word is still said to be in no recap


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 3), st.integers(0, 5)), max_size=40),
    st.integers(1, 30),
)
def test_the_best_window_is_the_one_counted_at_every_start(
    raw: list[tuple[int, int, int]], size: int
) -> None:
    spans = [snippets.Span(first, first + length, term) for first, length, term in raw]
    starts = 70 - size + 1

    def distinct(start: int) -> int:
        return len({s.term for s in spans if start <= s.first and s.last < start + size})

    scores = [distinct(start) for start in range(starts)]
    assert snippets._most_terms(spans, starts, size) == scores.index(max(scores))
