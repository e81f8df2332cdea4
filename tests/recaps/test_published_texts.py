"""Real-shaped published texts (tests/fixtures/published): what kb reads from each is what
a careful reader takes (expected.yml), and no date of another event is ever the
workshop's, nor proposed for it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from kb.add import WINDOWS_1252, read_text
from kb.recaps.published import Draft, convert
from kb.recaps.reading import FOUND, INFERRED
from kb.recaps.vocab import Vocabulary, load_vocabulary
from tests.conftest import BUNDLED

PUBLISHED = Path(__file__).resolve().parent.parent / "fixtures" / "published"
EXPECTED: list[dict[str, Any]] = yaml.safe_load(
    (PUBLISHED / "expected.yml").read_text(encoding="utf-8")
)
FIELDS_READ = ("edition", "participants", "team", "support_group", "next_meeting")
FIELDS_READ += ("next_meeting_place", "source")


def vocab() -> Vocabulary:
    return load_vocabulary(BUNDLED / "kb.yml")


def read(entry: dict[str, Any]) -> tuple[str, Draft]:
    text, encoding = read_text((PUBLISHED / entry["file"]).read_bytes(), entry["file"])
    assert (encoding == WINDOWS_1252) == (entry.get("encoding") == "cp1252")
    return text, convert(text, vocab())


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text))


def test_every_text_has_its_expectations() -> None:
    assert sorted(e["file"] for e in EXPECTED) == sorted(p.name for p in PUBLISHED.glob("*.txt"))


@pytest.mark.parametrize("entry", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_what_kb_reads_is_what_a_careful_reader_takes(entry: dict[str, Any]) -> None:
    _, draft = read(entry)
    date, basin = draft.readings["date"], draft.readings["basin"]
    assert draft.kind.name == entry["kind"]
    assert draft.title == entry["title"]
    assert date.confidence == entry["date_confidence"]
    assert basin.confidence == entry["basin_confidence"]
    if entry["kind"] == "workshop":
        assert date.value == entry["date_candidate"]
    else:  # no workshop date; the document's own, to propose if imported anyway
        assert date.value is None
        assert [c.value for c in date.candidates] == [entry["date_candidate"]] * bool(
            entry["date_candidate"]
        )
    assert basin.value == entry["basin_candidate"]
    # What may be written: found, or inferred (and then said); never a guess.
    written = (FOUND, INFERRED)
    assert draft.fields.get("date") == (
        entry["date_candidate"] if entry["date_confidence"] in written else None
    )
    assert draft.fields.get("basin") == (
        entry["basin_candidate"] if entry["basin_confidence"] in written else None
    )
    for key in FIELDS_READ:
        assert draft.fields.get(key) == entry[key], key


@pytest.mark.parametrize("entry", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_no_date_of_another_event_is_the_workshops_or_proposed(entry: dict[str, Any]) -> None:
    _, draft = read(entry)
    date = draft.readings["date"]
    proposed = {date.value, draft.fields.get("date"), *(c.value for c in date.candidates)}
    others = set(entry["not_workshop_dates"])
    if entry["kind"] != "workshop":
        # Imported anyway, a concertation is dated by its own day: proposed as that.
        others.discard(entry["date_candidate"])
        assert date.value is None and "date" not in draft.fields
    assert not proposed & others


@pytest.mark.parametrize("entry", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_every_word_is_kept_but_the_source_line(entry: dict[str, Any]) -> None:
    text, draft = read(entry)
    if entry["source"]:
        text = text.split("\n", 1)[1]
    assert words(draft.body) == words(text)
    assert "source" not in words(draft.body)
    assert "\u0092" not in draft.body and "â€" not in draft.body  # never mojibake
