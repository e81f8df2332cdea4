"""Parsing and checking one recap file, without any index."""

from __future__ import annotations

import pytest

from kb.errors import RecapError
from kb.recaps.recap import body_of, parse_recap, split_sections
from kb.recaps.vocab import defaults
from tests.conftest import BUNDLED, recap_text


def parse(text: str | bytes, name: str = "2025-03-01-sud.md"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_recap(data, name, defaults(), shown=f"recaps/{name}")


def error_of(text: str | bytes, name: str = "2025-03-01-sud.md") -> str:
    with pytest.raises(RecapError) as info:
        parse(text, name)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"recaps/{name}: ")
    return message


def test_bundled_recaps_parse_with_their_stated_fields() -> None:
    recap = parse(
        (BUNDLED / "2025-02-20-centre-ouest.md").read_bytes(), "2025-02-20-centre-ouest.md"
    )
    assert (recap.id, recap.date, recap.basin) == (
        "2025-02-20-centre-ouest",
        "2025-02-20",
        "centre-ouest",
    )
    assert (recap.edition, recap.participants) == (7, 45)
    assert recap.title == "Retour sur l'Atelier du Changement du 20 février 2025"
    assert recap.team[0] == "Esthéra" and len(recap.team) == 7
    assert recap.next_meeting == "2025-06-12T14:00"
    headings = [s.heading for s in recap.sections]
    assert headings[0] == "" and "Le Helpdesk du bassin" in headings


def test_every_bundled_file_is_valid() -> None:
    files = sorted(BUNDLED.glob("*.md"))
    assert len(files) == 5
    for path in files:
        assert parse(path.read_bytes(), path.name).id == path.stem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty"),
        ("   \n\n", "the file is empty"),
        ("# Titre\n\nTexte", "no frontmatter"),
        ("---\ndate: [2025\n---\nx", "invalid YAML in the frontmatter at line"),
        ("---\nbasin: sud\n---\nx", "missing required field 'date'"),
        ("---\ndate: 2025-03-01\n---\nx", "missing required field 'basin'"),
        (
            recap_text(date="2025-31-01"),
            "date: expected an ISO date like 2025-02-20, got '2025-31-01'",
        ),
        (recap_text(date="'20 février 2025'"), "date: expected an ISO date"),
        (recap_text(basin="centre"), "basin 'centre' is not a known basin"),
        (recap_text(edition="septième"), "edition: expected a whole number >= 1, got 'septième'"),
        (recap_text(edition=0), "edition: expected a whole number >= 1, got 0"),
        (recap_text(participants=-3), "participants: expected a whole number >= 0, got -3"),
        (recap_text(participants="true"), "participants: expected a whole number >= 0, got True"),
        (recap_text(team="Anaïs, Léa"), "team: expected a list like [a, b], got the text"),
        (recap_text(tags="[1, 2]"), "tags: expected a list of texts"),
        (recap_text(actions="[Helpdesk]"), "actions: 'Helpdesk' is not a known action"),
        (recap_text(next_meeting="juin"), "next_meeting: expected an ISO date or date and time"),
        (recap_text(next_meeting_place="[a]"), "next_meeting_place: expected a text"),
        (recap_text(particpants=3), "unknown field 'particpants' (did you mean participants?)"),
    ],
)
def test_invalid_frontmatter_is_one_clear_line(text: str, expected: str) -> None:
    assert expected in error_of(text)


def test_unknown_basin_suggests_the_close_one() -> None:
    assert "(did you mean centre-ouest?)" in error_of(recap_text(basin="centre"))


def test_file_name_must_match_date_and_basin() -> None:
    message = error_of(recap_text(date="2025-03-01", basin="sud"), "2025-03-02-sud.md")
    assert "rename it 2025-03-01-sud.md" in message


def test_not_utf8_and_binary_are_refused() -> None:
    assert "not UTF-8 text (byte 0xe9" in error_of(
        recap_text().replace("Texte", "T\xe9").encode("latin-1")
    )
    assert "not a text file" in error_of(b"---\x00\x01")


def test_bom_and_crlf_are_accepted() -> None:
    text = "\ufeff" + recap_text(edition=2).replace("\n", "\r\n")
    recap = parse(text)
    assert recap.edition == 2
    assert "\r" not in recap.body


def test_next_meeting_keeps_date_or_minute() -> None:
    assert parse(recap_text(next_meeting="2025-06-12")).next_meeting == "2025-06-12"
    assert parse(recap_text(next_meeting='"2025-06-12T14:00"')).next_meeting == "2025-06-12T14:00"
    assert parse(recap_text(next_meeting="2025-06-12 14:00:00")).next_meeting == "2025-06-12T14:00"


def test_title_from_frontmatter_wins_over_heading() -> None:
    assert parse(recap_text(title="Mon titre")).title == "Mon titre"
    assert parse(recap_text()).title == "Atelier du 2025-03-01"
    assert parse(recap_text(body="Pas de titre.\n")).title == "2025-03-01-sud"


def test_sections_split_on_level_two_headings_only() -> None:
    body = (
        "# Titre\n\nIntro **forte** avec [un lien](https://x.be).\n\n## Premier\n\n- point un\n\n"
        "### Sous-titre\n\ntexte\n\n```\n## pas un titre\n```\n\n## Second\n\n> cité\n"
    )
    title, sections = split_sections(body)
    assert title == "Titre"
    assert [s.heading for s in sections] == ["", "Premier", "Second"]
    assert sections[0].text == "Intro forte avec un lien."
    assert "Sous-titre" in sections[1].text and "pas un titre" in sections[1].text
    assert sections[2].text == "cité"


def test_body_of_drops_frontmatter_and_title() -> None:
    assert body_of(recap_text(body="# T\n\nCorps.\n")) == "Corps.\n"


@pytest.mark.parametrize(
    "yaml_text",
    [
        "date: 2025-02-20\nbasin: sud\ntitle: Retour\nedition: 3\nparticipants: 0x1F",
        "team: [Anaïs, 'Adil', \"Léa\"]\ntags: []\nnext_meeting: 2025-06-12 14:00:00",
        "title: yes\nsource: ~\nedition: 2.5\nparticipants: 1_000\nbasin: null",
        "team: [a, [b, c]]\nbasin: sud",
        "team: {a: 1}\nbasin: sud",
        "base: &b {date: 2025-02-20}\n<<: *b\nbasin: sud",
        "team: &t [a, b]\nsupport_group: *t",
        "2025: x\nbasin: sud",
        "? [a]\n: b",
        "title: !!str 12\nedition: !!int '4'",
        "date: 2025-02-20\ndate: 2025-02-21",
        "- a\n- b",
        "just text",
        "",
    ],
)
def test_frontmatter_loader_builds_what_pyyaml_builds(yaml_text: str) -> None:
    # kb builds common frontmatters straight from PyYAML's nodes; what it builds must be
    # what PyYAML's own constructor builds, whatever the YAML.
    import yaml

    from kb.recaps.recap import _loader

    class Generic(yaml.CSafeLoader):
        pass

    Generic.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: node.value)
    try:
        expected = yaml.load(yaml_text, Loader=Generic)
    except yaml.YAMLError as exc:
        with pytest.raises(yaml.YAMLError) as raised:
            yaml.load(yaml_text, Loader=_loader())
        assert str(raised.value) == str(exc)
        return
    assert yaml.load(yaml_text, Loader=_loader()) == expected


def test_control_characters_are_removed_from_any_text() -> None:
    # clean() checks one-byte texts through a byte table (faster); what it removes must
    # be what its pattern, the definition, removes.
    import random
    import re

    from kb.text.shown import clean

    control = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
    pool = [chr(c) for c in range(256)] + ["’", "œ", "€", "\u2028", "\U0001f600", "\u202e"]
    rng = random.Random(9)
    texts = ["Atelier\x1b[31m rouge", "Pousse ma porte\n\tsuite", "l’é\x85té", "\x9c œ"]
    texts += ["".join(rng.choices(pool, k=rng.randint(0, 30))) for _ in range(3000)]
    texts += ["".join(rng.choices([*pool[32:127], "é", "’"], k=30)) for _ in range(300)]
    for text in texts:
        assert clean(text) == control.sub("", text), repr(text)


def test_heading_lines_are_read_as_their_pattern_defines() -> None:
    # A heading is ATX: 1-6 #s, a space, its text, then optional closing #s and spaces.
    import random
    import re

    from kb.recaps.recap import _heading

    pattern = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
    lines = ["## Titre ##", "##   Titre \t", "## #", "#Titre", "####### x", "## a # b ##"]
    rng = random.Random(10)
    lines += ["".join(rng.choices("# \tab·é", k=rng.randint(0, 12))) for _ in range(20000)]
    for line in lines:
        match = pattern.match(line)
        assert _heading(line) == ((len(match[1]), match[2]) if match else (0, "")), line


def test_markdown_line_marks_are_removed_as_their_pattern_defines() -> None:
    # to_plain finds line marks from the newline before them (faster); what it removes
    # must be what the pattern anchored at each line start removes.
    import random
    import re

    from kb.recaps.recap import to_plain
    from kb.text.shown import clean

    marks = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|[-*+][ \t]+|>[ \t]?|\d+[.)][ \t]+)", re.M)
    rng = random.Random(12)
    pieces = ["\n", " ", "\t", "#", "-", "*", "+", ">", "1", "2.", ")", "a", "é", "x y"]
    for _ in range(5000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 15)))
        expected = to_plain_reference(clean(marks.sub("", text)))
        assert to_plain(text) == expected, repr(text)


def to_plain_reference(text: str) -> str:
    """to_plain's steps after the line marks, as written there."""
    import re

    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__)", "", text)
    text = re.sub(r"[ \t]+$", "", text, flags=re.M)
    return re.sub(r"\n{3,}", "\n\n", text)
