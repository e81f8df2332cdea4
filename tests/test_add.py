"""Checking and writing a recap into a knowledge base: real folders, a real index."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from kb.add import commit, from_template, prepare, template, write_atomic
from kb.config import locate
from kb.errors import KbError, RecapError
from kb.index.sync import sync
from kb.recaps.vocab import defaults
from tests.conftest import recap_text, write_recap


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones too) and its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def indexed(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT id FROM recaps ORDER BY id")]


def add(folder: Path, text: str, *, force: bool = False, source: str = "draft.md"):  # type: ignore[no-untyped-def]
    loc = locate(folder)
    return commit(prepare(loc, text.encode(), defaults(), source=source, force=force))


def test_a_new_recap_is_written_under_its_id_and_indexed(empty_kb: Path) -> None:
    text = recap_text(date="2025-03-01", basin="sud", edition=9)
    result = add(empty_kb, text)
    assert result.status == "added" and result.recap.id == "2025-03-01-sud"
    assert (empty_kb / "2025-03-01-sud.md").read_text() == text
    assert indexed(empty_kb / ".kb" / "index.sqlite") == ["2025-03-01-sud"]
    assert result.path == str(empty_kb / "2025-03-01-sud.md")
    assert not [p for p in os.listdir(empty_kb) if p.endswith(".tmp")]


def test_an_existing_id_is_refused_and_nothing_changes(kb_dir: Path) -> None:
    before = snapshot(kb_dir)
    text = recap_text(date="2025-02-20", basin="centre-ouest", body="# Autre\n\nAutre texte.\n")
    with pytest.raises(KbError) as info:
        add(kb_dir, text)
    assert str(info.value) == (
        f"2025-02-20-centre-ouest is already in the knowledge base: "
        f"{kb_dir / '2025-02-20-centre-ouest.md'}; pass --force to replace it "
        "(the current file is then kept as 2025-02-20-centre-ouest.md.bak)"
    )
    assert snapshot(kb_dir) == before


def test_force_replaces_and_keeps_every_previous_version(kb_dir: Path) -> None:
    path = kb_dir / "2025-02-20-centre-ouest.md"
    original = path.read_bytes()
    first = recap_text(date="2025-02-20", basin="centre-ouest", body="# Un\n\nPremière.\n")
    second = recap_text(date="2025-02-20", basin="centre-ouest", body="# Deux\n\nSeconde.\n")
    result = add(kb_dir, first, force=True)
    assert (result.status, result.backup) == ("replaced", f"{path}.bak")
    assert add(kb_dir, second, force=True).backup == f"{path}.bak.2"
    assert path.read_text() == second
    assert Path(f"{path}.bak").read_bytes() == original
    assert Path(f"{path}.bak.2").read_text() == first
    with sqlite3.connect(kb_dir / ".kb" / "index.sqlite") as conn:
        title = conn.execute("SELECT title FROM recaps WHERE id = '2025-02-20-centre-ouest'")
        assert title.fetchone()[0] == "Deux"
    assert len(indexed(kb_dir / ".kb" / "index.sqlite")) == 5  # .bak files are not recaps


def test_the_same_content_again_changes_nothing(kb_dir: Path) -> None:
    path = kb_dir / "2024-10-10-sud-est.md"
    before = snapshot(kb_dir)
    result = add(kb_dir, path.read_text())
    assert (result.status, result.backup) == ("unchanged", None)
    assert {k: v for k, v in snapshot(kb_dir).items() if not k.startswith(".kb")} == before


def test_an_existing_file_in_a_subfolder_is_the_one_replaced(empty_kb: Path) -> None:
    old = write_recap(empty_kb, "2025/2025-03-01-sud.md")
    with pytest.raises(KbError, match=r"2025/2025-03-01-sud\.md; pass --force"):
        add(empty_kb, recap_text(body="# Nouveau\n\nTexte.\n"))
    result = add(empty_kb, recap_text(body="# Nouveau\n\nTexte.\n"), force=True)
    assert result.path == str(old) and "Nouveau" in old.read_text()
    assert not (empty_kb / "2025-03-01-sud.md").exists()


def test_a_link_out_of_the_knowledge_base_is_never_written_through(
    empty_kb: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = write_recap(outside)
    (empty_kb / "linked").symlink_to(outside, target_is_directory=True)
    # A linked folder is not part of the knowledge base (kb does not follow it), so the
    # recap is written in the folder itself, and never through the link.
    add(empty_kb, recap_text(body="# Pirate\n\nTexte.\n"), force=True)
    assert "Pirate" not in victim.read_text()
    assert "Pirate" in (empty_kb / victim.name).read_text()


@pytest.mark.parametrize(
    "text",
    [
        recap_text(date="2025-02-31"),
        recap_text(basin="centre"),
        recap_text(participants="beaucoup"),
        "---\ndate: [2025\n---\nx",
    ],
)
def test_invalid_recaps_get_the_message_indexing_gives(empty_kb: Path, text: str) -> None:
    with pytest.raises(RecapError) as info:
        add(empty_kb, text, source="draft.md")
    assert list(empty_kb.iterdir()) == []
    other = empty_kb.parent / "other"
    other.mkdir()
    (other / "x.md").write_text(text)
    [problem] = sync(locate(other)).problems
    assert info.value.reason == problem.split(": ", 1)[1]


def test_a_text_without_frontmatter_points_to_from_text(empty_kb: Path) -> None:
    with pytest.raises(RecapError, match=r"no frontmatter: .*use kb add --from-text"):
        add(empty_kb, "Retour sur l'Atelier du Changement du 20 février 2025\n")


def test_write_atomic_never_replaces_a_file_when_exclusive(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("avant")
    with pytest.raises(KbError, match="appeared while kb was writing"):
        write_atomic(path, b"apres", mode=0o644, exclusive=True)
    assert path.read_text() == "avant"
    write_atomic(path, b"apres", mode=0o600, exclusive=False)
    assert path.read_text() == "apres" and (path.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_template_left_as_is_has_nothing_to_add() -> None:
    text = template(defaults(), date="2025-03-01", basin="sud")
    assert "# Retour sur l'Atelier du Changement du 1er mars 2025" in text
    assert from_template(text.encode(), defaults(), shown="draft.md") is None
    assert from_template(b"", defaults(), shown="draft.md") is None


def test_filled_template_is_written_clean_with_its_actions() -> None:
    text = template(defaults(), date="2025-03-01", basin="sud", edition=5)
    text = text.replace("participants:", "participants: 12").replace(
        "## Points d'attention", "## Le Helpdesk du bassin\n\n- Bien reçu.\n\n## Points d'attention"
    )
    made = from_template(text.encode(), defaults(), shown="draft.md")
    assert made is not None
    assert made.decode() == (
        "---\ndate: 2025-03-01\nbasin: sud\nedition: 5\nparticipants: 12\n"
        "actions: [helpdesk]\ntags: []\n---\n\n"
        "# Retour sur l'Atelier du Changement du 1er mars 2025\n\n"
        "## Le Helpdesk du bassin\n\n- Bien reçu.\n"
    )
