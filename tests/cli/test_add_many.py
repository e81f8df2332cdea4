"""kb add --from-text A B … and a folder (issue 23): a line per text (written, its kind,
or refused and why), a summary; the good ones written whole, the refused ones listed,
nothing half-written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli.test_add_cli import ids
from tests.conftest import Run
from tests.recaps.test_published_texts import PUBLISHED
from tests.test_add import snapshot

GOOD = ("titre-date-complete.txt", "actualite-atelier-1er-fevrier.txt")
REFUSED = ("concertation-thematique.txt", "presentation-cinq-bassins.txt")


def said(text: str) -> str:
    """Output with the terminal's line wrapping undone."""
    return " ".join(text.split())


@pytest.fixture
def texts(tmp_path: Path) -> Path:
    folder = tmp_path / "textes"
    folder.mkdir()
    for name in (*GOOD, *REFUSED):
        shutil.copy(PUBLISHED / name, folder / name)
    (folder / "notes.md").write_text("pas un texte publié\n", encoding="utf-8")  # not .txt
    return folder


def test_a_folder_writes_the_good_ones_and_lists_the_refused(
    empty_kb: Path, run: Run, texts: Path
) -> None:
    result = run("add", "--from-text", str(texts), "--yes")
    assert result.exit_code == 1  # some were refused: a script notices
    out = said(result.stdout)
    assert (
        f"{texts}/titre-date-complete.txt: written as recaps/2025-06-12-nord.md (workshop)" in out
    )
    assert (
        f"{texts}/actualite-atelier-1er-fevrier.txt: written as recaps/2025-02-01-nord.md "
        '(workshop) date 2025-02-01: the year is taken from the publication date "10.03.2025"'
    ) in out
    assert (
        f"refused: {texts}/concertation-thematique.txt: this looks like a concertation report"
    ) in out
    assert "pass --kind presentation; nothing was written" in out
    assert out.endswith("2 recaps written, 2 texts refused.")
    assert "notes.md" not in out
    assert ids(run) == ["2025-02-01-nord", "2025-06-12-nord"]
    assert sorted(p.name for p in empty_kb.iterdir() if not p.name.startswith(".")) == [
        "2025-02-01-nord.md",
        "2025-06-12-nord.md",
    ]


def test_files_one_after_the_other_and_all_good(empty_kb: Path, run: Run, texts: Path) -> None:
    result = run("add", "--from-text", *(str(texts / n) for n in GOOD), "--yes")
    assert result.exit_code == 0, result.output
    assert said(result.stdout).endswith("2 recaps written, 0 texts refused.")
    again = run("add", "--from-text", *(str(texts / n) for n in GOOD), "--yes")
    assert again.exit_code == 0
    assert "already in the knowledge base as recaps/2025-06-12-nord.md, unchanged" in said(
        again.stdout
    )
    assert said(again.stdout).endswith("0 recaps written, 0 texts refused.")


def test_kind_imports_each_as_that(empty_kb: Path, run: Run, texts: Path) -> None:
    result = run(
        "add", "--from-text", str(texts / REFUSED[0]), str(texts / GOOD[0]), "--kind",
        "concertation", "--yes",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert ids(run) == ["concertation-2025-03-25-centre-ouest", "concertation-2025-06-12-nord"]


def test_dry_run_and_no_terminal_write_nothing(empty_kb: Path, run: Run, texts: Path) -> None:
    before = snapshot(empty_kb)
    dry = run("add", "--from-text", str(texts), "--dry-run")
    assert dry.exit_code == 1
    assert "would be written as recaps/2025-06-12-nord.md" in said(dry.stdout)
    assert said(dry.stdout).endswith("2 recaps would be written, 2 texts refused.")
    plain = run("add", "--from-text", str(texts))
    assert plain.exit_code == 2
    assert "pass --yes to add them" in plain.stderr
    assert snapshot(empty_kb) == before


def test_two_texts_of_one_workshop_write_one(empty_kb: Path, run: Run, texts: Path) -> None:
    shutil.copy(texts / GOOD[0], texts / "copie.txt")
    result = run("add", "--from-text", str(texts / GOOD[0]), str(texts / "copie.txt"), "--yes")
    assert result.exit_code == 1
    assert f"the same recap as {texts / GOOD[0]} (2025-06-12-nord)" in said(result.stdout)
    assert ids(run) == ["2025-06-12-nord"]


def test_options_of_one_text_are_refused_for_several(empty_kb: Path, run: Run, texts: Path) -> None:
    result = run("add", "--from-text", str(texts), "--date", "2025-01-01", "--yes")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: --date is for one text; with several, kb reads each text's own (import that "
        "text alone to give it)"
    ]
    empty = texts.parent / "vide"
    empty.mkdir()
    result = run("add", "--from-text", str(empty), "--yes")
    assert result.exit_code == 2 and "a folder without any .txt file" in result.stderr


def test_a_failure_midway_leaves_no_partial_file(
    empty_kb: Path, run: Run, texts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kb.add

    real = kb.add.write_atomic
    calls = []

    def failing(path: Path, data: bytes, **kwargs: object) -> None:
        calls.append(path.name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(path, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(kb.add, "write_atomic", failing)
    result = run("add", "--from-text", *(str(texts / n) for n in GOOD), "--yes")
    assert result.exit_code == 1
    out = said(result.stdout)
    assert "cannot be written (No space left on device); nothing was changed" in out
    assert out.endswith("1 recap written, 1 text refused.")
    assert sorted(p.name for p in empty_kb.iterdir()) == [".kb", calls[0]]
    assert ids(run) == [calls[0].removesuffix(".md")]
