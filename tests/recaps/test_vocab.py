"""kb.yml: basins, actions and glossary over the built-in defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import ConfigError, NotFoundError
from kb.recaps.vocab import defaults, load_vocabulary
from tests.conftest import BUNDLED


def test_bundled_kb_yml_is_valid_and_covers_the_defaults() -> None:
    bundled = load_vocabulary(BUNDLED / "kb.yml")
    assert [b.slug for b in bundled.basins] == [
        "nord",
        "nord-est",
        "centre-ouest",
        "sud",
        "sud-est",
    ]
    assert bundled.action("helpdesk") is not None
    assert dict(bundled.glossary)["HD"] == ("Helpdesk",)


def test_missing_sections_take_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "kb.yml"
    path.write_text("glossary:\n  SSM: [Service de santé mentale, Services de santé mentale]\n")
    vocab = load_vocabulary(path)
    assert vocab.basins == defaults().basins and vocab.actions == defaults().actions
    assert vocab.glossary == (("SSM", ("Service de santé mentale", "Services de santé mentale")),)
    assert load_vocabulary(tmp_path / "absent.yml") == defaults()


@pytest.mark.parametrize("text", ["helpdesk", "Helpdesk", "HD", "hd", "Helpdesk du bassin"])
def test_action_by_slug_name_or_alias(text: str) -> None:
    assert defaults().resolve_action(text) == "helpdesk"


def test_portes_ouvertes_aliases() -> None:
    for text in (
        "Semaine Portes Ouvertes",
        "semaine portes ouvertes",
        "Patch'Work",
        "portes-ouvertes",
    ):
        assert defaults().resolve_action(text) == "portes-ouvertes"


def test_unknown_action_lists_close_matches() -> None:
    with pytest.raises(
        NotFoundError, match=r"--action 'helpdsk': not a known action \(did you mean helpdesk\?\)"
    ):
        defaults().resolve_action("helpdsk")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("actions: {}\n", "actions must be a list"),
        ("actions:\n  - name: X\n", r"actions\[0\].slug: expected lower-case"),
        (
            "actions:\n  - slug: x\n    aliases: 3\n",
            r"actions\[0\].aliases: expected a list of names",
        ),
        (
            "actions:\n  - slug: x\n    basins: [centre]\n",
            r"actions\[0\].basins: 'centre' is not a known basin",
        ),
        ("actions:\n  - slug: x\n    colour: red\n", r"actions\[0\]: unknown key 'colour'"),
        ("actions:\n  - slug: x\n  - slug: x\n", r"actions\[1\].slug: 'x' is listed twice"),
        ("glossary: [HD]\n", "glossary must map a term"),
        ("basins: [nord]\n", r"basins\[0\]: expected a mapping"),
        ("basins: [\n", r"invalid YAML \(line 2\)"),
        ("- a\n", "expected a mapping with keys basins, actions, glossary"),
    ],
)
def test_bad_kb_yml_names_the_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "kb.yml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_vocabulary(path)
