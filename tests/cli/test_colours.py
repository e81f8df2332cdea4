"""The basins' colours are readable on a dark and on a light terminal: each has a WCAG
contrast ratio of at least 4.5:1 against black and against white, as drawn (the RGB of
rich's Color, and the codes kb writes on a terminal of 256 colours or of true colour)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.color import Color, ColorSystem
from rich.color_triplet import ColorTriplet

from kb.cli.console import PALETTE, basin_style
from kb.recaps.vocab import defaults
from tests.conftest import Run

BLACK = ColorTriplet(0, 0, 0)
WHITE = ColorTriplet(255, 255, 255)
AA = 4.5  # WCAG's minimum contrast for text
# A colour set by kb, then the text it colours: "\x1b[38;5;98m", "\x1b[1;38;2;r;g;bm" or
# one of the 16 standard colours, "\x1b[34m".
CODED = re.compile(
    r"\x1b\[(?:[0-9]+;)*(38;5;[0-9]+|38;2;[0-9]+;[0-9]+;[0-9]+|3[0-7]|9[0-7])m([^\x1b]+)"
)


def luminance(rgb: ColorTriplet) -> float:
    """WCAG 2's relative luminance."""

    def linear(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: ColorTriplet, b: ColorTriplet) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def drawn_colour(code: list[int]) -> ColorTriplet:
    """The RGB of a foreground colour's SGR code (rich's, for the standard colours)."""
    if code[0] != 38:
        return Color.from_ansi(code[0] - 30 if code[0] < 90 else code[0] - 90 + 8).get_truecolor()
    if code[1] == 5:
        return Color.from_ansi(code[2]).get_truecolor()
    return ColorTriplet(*code[2:])


def test_contrast_is_wcags() -> None:
    assert contrast(BLACK, WHITE) == pytest.approx(21)
    assert contrast(WHITE, WHITE) == 1
    # Rich's "blue", which Sud-Est was drawn in: unreadable on black.
    assert contrast(Color.parse("blue").get_truecolor(), BLACK) < 1.5


@pytest.mark.parametrize("colour", PALETTE)
def test_each_colour_reads_on_black_and_on_white(colour: str) -> None:
    rgb = Color.parse(colour).get_truecolor()
    assert contrast(rgb, BLACK) >= AA, (colour, rgb.hex)
    assert contrast(rgb, WHITE) >= AA, (colour, rgb.hex)
    # A terminal of 256 colours shows it as it is (no nearer colour chosen for it).
    assert Color.parse(colour).downgrade(ColorSystem.EIGHT_BIT).get_truecolor() == rgb


def test_each_basin_has_its_own_colour() -> None:
    vocab = defaults()
    styles = [basin_style(vocab, b.slug) for b in vocab.basins]
    assert len(set(styles)) == len(styles) == 5
    assert all(style in PALETTE for style in styles)


@pytest.mark.parametrize("colorterm", ["", "truecolor"])
@pytest.mark.parametrize("command", [["list"], ["timeline"], ["basins"], ["agenda", "--all"]])
def test_basin_names_as_drawn_read_on_black_and_on_white(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch, command: list[str], colorterm: str
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", colorterm)
    monkeypatch.setenv("COLUMNS", "100")
    out = run(*command).stdout
    names = {b.name for b in defaults().basins}
    drawn = {}
    for code, text in CODED.findall(out):
        if text.strip() in names:
            drawn[text.strip()] = drawn_colour([int(p) for p in code.split(";")])
    assert {"Centre-Ouest", "Sud", "Sud-Est"} <= set(drawn), out
    for name, rgb in drawn.items():
        assert contrast(rgb, BLACK) >= AA and contrast(rgb, WHITE) >= AA, (name, rgb.hex)
