"""kb in the reader's language: the catalogue holds every message and translates each one,
the language comes from the usual variables, and French output reads as French."""

from __future__ import annotations

import gettext
import io
import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kb import i18n
from tests.conftest import ROOT, Run, python

PO = ROOT / "kb" / "locale" / "fr" / "LC_MESSAGES" / "kb.po"
MO = PO.with_suffix(".mo")
FIELD = re.compile(r"(?<!\{)\{([a-z_]*)(?:![rs])?\}")


def extracted() -> dict[str | tuple[str, str], str]:
    """Every message marked in kb/ (``_``, ``ngettext``, ``N_``), and where."""
    found: dict[str | tuple[str, str], str] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(ROOT / "kb"):
        key = message if isinstance(message, str) else (message[0], message[1])
        found.setdefault(key, filename)
    return found


def catalogue() -> dict[str | tuple[str, str], object]:
    with PO.open("rb") as handle:
        po = read_po(handle, locale="fr")
    return {m.id if isinstance(m.id, str) else tuple(m.id): m for m in po if m.id}


def test_every_message_is_in_the_catalogue_and_none_is_left_over() -> None:
    marked, held = extracted(), catalogue()
    missing = sorted(f"{where}: {key!r}" for key, where in marked.items() if key not in held)
    assert not missing, "not in kb.po (see docs/development.md):\n" + "\n".join(missing)
    assert not sorted(map(repr, set(held) - set(marked))), "in kb.po, but no longer in kb/"


@pytest.mark.parametrize("key", sorted(catalogue(), key=repr), ids=repr)
def test_every_message_has_a_french_translation_with_the_same_fields(key: object) -> None:
    message = catalogue()[key]  # type: ignore[index]
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    assert all(strings) and len(strings) == (1 if isinstance(message.id, str) else 2)
    assert "fuzzy" not in message.flags
    # Each form has the fields of its English message; the singular may also have the
    # plural's (French uses it for 0 and 1), whose fields click names apart from the
    # singular's ("Did you mean {possibility}?", "…one of: {possibilities}?").
    plural = set(FIELD.findall(ids[-1])) | set(FIELD.findall(ids[0]))
    for string, english in zip(
        strings, ids if len(ids) == len(strings) else ids[-1:], strict=False
    ):
        assert set(FIELD.findall(english)) <= set(FIELD.findall(string)) <= plural, string


def test_the_compiled_catalogue_is_the_one_of_the_po_file() -> None:
    with PO.open("rb") as handle:
        po = read_po(handle, locale="fr")
    compiled = io.BytesIO()
    write_mo(compiled, po)
    compiled.seek(0)
    fresh = gettext.GNUTranslations(compiled)
    with MO.open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)
    assert shipped._catalog == fresh._catalog, "run pybabel compile (docs/development.md)"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "fr_BE.UTF-8"}, "fr"),
        ({"LANG": "fr_FR"}, "fr"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
        ({"LC_ALL": "fr_BE.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LC_ALL": "C", "LANG": "fr_BE.UTF-8"}, "en"),
        ({"LC_MESSAGES": "fr_BE", "LANG": "C"}, "fr"),
        ({"LANGUAGE": "de:fr", "LANG": "C"}, "fr"),
        ({"LANGUAGE": "de", "LANG": "fr_BE"}, "fr"),
        ({"KB_LANG": "en", "LANG": "fr_BE.UTF-8"}, "en"),
        ({"KB_LANG": "fr", "LANG": "C"}, "fr"),
        ({"KB_LANG": "fr_BE.UTF-8", "LC_ALL": "C"}, "fr"),
    ],
)
def test_the_language_comes_from_the_usual_variables_and_kb_lang_first(
    environ: dict[str, str], language: str
) -> None:
    assert i18n._choose(environ) == language


def test_french_dates_times_and_numbers_where_text_is_shown(in_french: None) -> None:
    assert i18n.day("2025-02-20") == "20 février 2025"
    assert i18n.day("2025-03-01") == "1er mars 2025"
    assert i18n.clock("14:00") == "14 h 00"
    assert i18n.number(1552) == "1\u202f552"
    assert i18n.day("not a day") == "not a day"


def test_english_keeps_what_kb_always_wrote() -> None:
    assert (i18n.day("2025-02-20"), i18n.clock("14:00"), i18n.number(1552)) == (
        "2025-02-20",
        "14:00",
        "1552",
    )


def test_french_output_reads_as_french(kb_dir: Path, run: Run, in_french: None) -> None:
    listed = run("list", "--basin", "centre-ouest")
    assert listed.exit_code == 0
    assert listed.stdout.splitlines()[0].split() == [
        "Date",
        "Bassin",
        "Éd.",
        "Part.",
        "Titre",
        "/",
        "identifiant",
    ]
    assert listed.stdout.rstrip().endswith("3 comptes rendus")
    basins = run("basins")
    assert "3 comptes rendus, du 22 février 2024 au 12 juin 2025" in basins.stdout
    timeline = run("timeline", "--basin", "centre-ouest")
    assert "atelier n° 7 · 45 participant·es" in timeline.stdout
    missing = run("show", "2019")
    assert missing.exit_code != 0 and missing.stderr.startswith("Erreur : ")


def test_json_never_changes_with_the_language(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands = [["search", "helpdesk", "--json"], ["list", "--json"], ["timeline", "--json"]]
    commands += [["basins", "--json"], ["actions", "--json"], ["agenda", "--all", "--json"]]
    commands += [["glossary", "--json"]]
    for args in commands:
        english = json.loads(run(*args).stdout)
        monkeypatch.setenv("KB_LANG", "fr")
        i18n.reset()
        french = json.loads(run(*args).stdout)
        monkeypatch.setenv("KB_LANG", "en")
        i18n.reset()
        assert french == english, args


def test_help_and_usage_errors_are_french_with_lang_fr(kb_dir: Path) -> None:
    env = {"LANG": "fr_BE.UTF-8", "KB_LANG": ""}
    shown = python("-m", "kb", "search", "--help", env=env)
    assert shown.returncode == 0
    assert shown.stdout.startswith("Utilisation : kb search [OPTIONS]")
    assert "Recherche en texte intégral" in shown.stdout
    assert "Afficher ce message et quitter." in shown.stdout
    wrong = python("-m", "kb", "search", "--limt", "3", "helpdesk", env=env)
    assert wrong.returncode == 2
    assert "Erreur : Option inconnue : --limt. Vouliez-vous dire '--limit' ?" in wrong.stderr
    assert "Essayez « kb search --help » pour l'aide." in wrong.stderr


def test_lang_c_is_english_as_before(kb_dir: Path) -> None:
    shown = python("-m", "kb", "search", "--help", env={"LANG": "C", "KB_LANG": ""})
    assert shown.stdout.startswith("Usage: kb search [OPTIONS]")
    assert "Show this message and exit." in shown.stdout


# -- nothing left in English ---------------------------------------------------------------
# A pseudo-catalogue brackets every message (⟦…⟧); the commands are run with it, and what
# is left once the bracketed parts are taken out must hold no word of kb's English
# messages: a word there comes from a message that is not in the catalogue.

PSEUDO_COMMANDS = [
    ["search", "helpdesk"],
    ["search", "hopital", "--basin", "sud-est"],
    ["search", "helpdsk"],
    ["search", "helpdesk", "tramontane"],
    ["search", "tramontane"],
    ["search", "--raw", 'helpdesk"'],
    ["search", "helpdesk", "--year", "12"],
    ["search", "helpdesk", "--since", "2025-13"],
    ["search", "helpdesk", "--basin", "centre"],
    ["search", "helpdesk", "--action", "nothing"],
    ["list"],
    ["list", "--basin", "nord"],
    ["show", "2025-02-20-centre-ouest"],
    ["show", "2025"],
    ["show", "2019"],
    ["show", "7"],
    ["timeline"],
    ["timeline", "--action", "portes-ouvertes"],
    ["basins"],
    ["actions"],
    ["actions", "--basin", "nord"],
    ["glossary"],
    ["index"],
    ["agenda", "--all"],
    ["agenda"],
    ["agenda", "--ics", "recaps/agenda.md"],
    ["export", "--format", "xls"],
    ["export", "--format", "md"],
    ["export", "--format", "csv", "--output", "out.csv"],
    ["add", "--from-text", "nowhere.txt"],
    ["add", "--from-text", "concertation.txt", "--yes"],
    ["add", "--from-text", "echo.txt", "--dry-run"],
    ["add", "--from-text", "echo.txt", "--yes"],
    ["add", "draft.md"],
    ["list", "--db", "garbage.sqlite"],
    ["list", "--kb-dir", "nowhere"],
    ["site", "www"],
    ["site", "www"],
    ["site", "recaps"],
]
PSEUDO_HELP = [
    [],
    ["--help"],
    *[[name, "--help"] for name in ("index", "search", "list", "show", "open", "timeline")],
    *[[name, "--help"] for name in ("basins", "actions", "add", "glossary", "agenda", "similar")],
    *[[name, "--help"] for name in ("export", "serve", "site", "datasette")],
    ["serch"],
    ["search"],
    ["search", "--limt", "3", "x"],
    ["search", "x", "--limit", "abc"],
    ["search", "x", "--limit", "0"],
    ["add", "--edition"],
]
# Words of kb's messages that are also words of the output's own content.
NOT_ENGLISH = {"kb", "json", "jsonl", "csv", "ics", "fts", "sqlite", "utf", "bom", "html", "txt"}
COMMANDS = {"index", "search", "list", "show", "open", "timeline", "basins", "actions"}
COMMANDS |= {"add", "glossary", "agenda", "export", "serve", "site", "datasette", "similar"}


def pseudo_catalogue(folder: Path) -> Path:
    with PO.open("rb") as handle:
        po = read_po(handle, locale="fr")
    for message in po:
        if isinstance(message.id, str) and message.id:
            message.string = f"⟦{message.id}⟧"
        elif message.id:
            message.string = tuple(f"⟦{one}⟧" for one in message.id)
    target = folder / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "kb.mo").open("wb") as out:
        write_mo(out, po)
    return folder


def english_words(content: str) -> set[str]:
    words: set[str] = set()
    for key in catalogue():
        for text in [key] if isinstance(key, str) else key:
            text = re.sub(r"\{[^}]*\}|--?[\w-]+|\$\w+|<[^>]*>", " ", text)
            words |= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)}
    words -= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", content)}
    return words - NOT_ENGLISH - COMMANDS


def left_over(output: str) -> str:
    """The output without what the pseudo-catalogue gave (a help line cut short by click
    loses its closing bracket), option names, metavars, variables and commands."""
    while True:
        stripped = re.sub(r"⟦[^⟦⟧]*⟧", " ", output)
        if stripped == output:
            break
        output = stripped
    output = re.sub(r"⟦[^\n]*|^[^\n]*⟧", " ", output, flags=re.M)
    return re.sub(r"--?[\w-]+|\$\w+|\b[A-Z][A-Z_]+\b|\bkb \w+", " ", output)


def untranslated(args: str, output: str, english: set[str]) -> list[str]:
    found = []
    for line in left_over(output).splitlines():
        words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", line)} & english
        if words:
            found.append(f"kb {args}: {line.strip()!r} ({', '.join(sorted(words))})")
    return found


def test_no_message_reaches_the_reader_untranslated(
    kb_dir: Path, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixtures = ROOT / "tests" / "fixtures" / "published"
    (tmp_path / "echo.txt").write_bytes(
        (fixtures / "echo-fevrier-portes-ouvertes.txt").read_bytes()
    )
    (tmp_path / "concertation.txt").write_bytes(
        (fixtures / "concertation-thematique.txt").read_bytes()
    )
    (tmp_path / "garbage.sqlite").write_bytes(b"not an index" * 100)
    (tmp_path / "draft.md").write_text("---\ndate: 2025-13-01\nbasin: sud\n---\n\n# Texte\n")
    (kb_dir / "2025-03-01-centre.md").write_text("---\ndate: 2025-03-01\nbasin: centre\n---\n")
    content = " ".join(
        p.read_text(encoding="utf-8") for p in [*kb_dir.rglob("*.md"), *kb_dir.glob("*.yml")]
    )
    content += " ".join(
        p.read_text(encoding="utf-8") for p in fixtures.glob("*.txt") if "cp1252" not in p.name
    )
    english = english_words(content)
    monkeypatch.setenv("KB_LANG", "fr")
    monkeypatch.setenv("KB_LOCALEDIR", str(pseudo_catalogue(tmp_path / "pseudo")))
    monkeypatch.setenv("KB_TODAY", "2030-01-01")
    found = []
    for args in PSEUDO_COMMANDS:
        i18n.reset()
        result = run(*args)
        found += untranslated(" ".join(args), result.stdout + result.stderr, english)
    script = (
        "import sys\nfrom typer.testing import CliRunner\nfrom kb.cli.app import app\n"
        f"for args in {PSEUDO_HELP!r}:\n"
        "    result = CliRunner().invoke(app, args, prog_name='kb')\n"
        "    print('@@', ' '.join(args))\n"
        "    print(result.output)\n"
    )
    done = python("-c", script, env={"COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    for block in done.stdout.split("@@ ")[1:]:
        args, _, output = block.partition("\n")
        found += untranslated(args, output, english)
    assert not found, "English left in French output:\n" + "\n".join(found)
