"""What a terminal would act on, shown as escapes (issue 26)."""

from __future__ import annotations

import pytest

from kb.text.shown import escaped


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("titre \x1b]0;pwned\x07 fin", "titre \\x1b]0;pwned\\x07 fin"),  # OSC, BEL
        ("\x1b[2J\x9b31m\x7f", "\\x1b[2J\\x9b31m\\x7f"),  # CSI, C1 CSI, DEL
        ("evil\u202edm.txt.md", "evil\\u202edm.txt.md"),  # right-to-left override
        ("a\u2066b\u2069\u200f", "a\\u2066b\\u2069\\u200f"),
        ("ligne\r\nsuivante\tcolonne\n", "ligne\r\nsuivante\tcolonne\n"),  # kept: a text's
        ("retour\rseul", "retour\\rseul"),  # a lone carriage return rewrites the line
        ("professionnel·les, « été » — 10 €", "professionnel·les, « été » — 10 €"),
    ],
)
def test_a_text_keeps_its_lines_and_shows_what_a_terminal_would_act_on(
    text: str, shown: str
) -> None:
    assert escaped(text) == shown


def test_a_message_is_one_line_whatever_a_name_holds() -> None:
    assert escaped("recaps/nom\ncoupé\t\u202e.md: x", line=True) == (
        "recaps/nom\\ncoupé\\t\\u202e.md: x"
    )
