"""click's usage errors, as typer raises them, said in the reader's language: click asks
gettext, whose global domain is kb's catalogue (kb/cli/usage.py lists the messages).

Each case is a real mistake on a real command line: if a newer click words one of these
differently, its English comes back and the case fails.
"""

from __future__ import annotations

import pytest

from tests.conftest import python

FRENCH = {"LANG": "fr_BE.UTF-8", "KB_LANG": ""}

CASES = [
    (["show", "a", "b"], "Argument en trop : b"),
    (["list", "--basin"], "L'option '--basin' demande une valeur."),
    (
        ["list", "--year", "abc"],
        "Valeur invalide pour '--year' : 'abc' n'est pas un nombre valide (integer).",
    ),
    (
        ["search", "--limit", "abc", "helpdesk"],
        "Valeur invalide pour '--limit' : 'abc' n'est pas un nombre valide (integer range).",
    ),
    (
        ["search", "--limit", "0", "helpdesk"],
        "Valeur invalide pour '--limit' : 0 n'est pas dans l'intervalle 1<=x<=10000.",
    ),
    (["serch", "helpdesk"], "Commande inconnue : serch. Vouliez-vous dire 'search', 'serve' ?"),
    (["show"], "Argument manquant : 'ID'."),
    (["list", "--json=yes"], "L'option '--json' ne prend pas de valeur."),
    (["search", "--lmit", "3", "x"], "Option inconnue : --lmit. Vouliez-vous dire '--limit' ?"),
]


@pytest.mark.parametrize(("args", "said"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_usage_errors_in_french(args: list[str], said: str) -> None:
    done = python("-m", "kb", *args, env=FRENCH)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "Erreur : " + said


@pytest.mark.parametrize("args", [a for a, _ in CASES], ids=[" ".join(a) for a, _ in CASES])
def test_usage_errors_in_english_as_click_says_them(args: list[str]) -> None:
    done = python("-m", "kb", *args, env={"LANG": "C", "KB_LANG": ""})
    assert done.returncode == 2
    last = done.stderr.splitlines()[-1]
    assert last.startswith("Error: ") and "Erreur" not in last


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"KB_LANG": "fr", "LANG": "C"}, "Erreur : Argument manquant : 'ID'."),
        ({"KB_LANG": "en", "LANG": "fr_BE.UTF-8"}, "Error: Missing argument 'ID'."),
        (
            {"KB_LANG": "", "LANGUAGE": "de", "LANG": "fr_BE.UTF-8"},
            "Erreur : Argument manquant : 'ID'.",
        ),
    ],
)
def test_click_speaks_the_language_kb_chose(env: dict[str, str], said: str) -> None:
    # click reads gettext's language from the environment; kb's choice (KB_LANG first, a
    # LANGUAGE that lists none kb speaks falls through) is the one it follows.
    done = python("-m", "kb", "show", env={"LANGUAGE": "", **env})
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == said
