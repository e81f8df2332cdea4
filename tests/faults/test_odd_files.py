"""Odd files in a knowledge base: names as macOS writes them (NFD), with spaces, in upper
case, not UTF-8; what editors leave beside a file; a folder named like a recap; symbolic
links that lead out of the folder. kb as a process (python -m kb), real files."""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import write_recap
from tests.faults.conftest import ids, kb, one_error_line


def folder_args(folder: Path) -> list[str]:
    return ["--kb-dir", str(folder)]


def test_names_in_nfd_and_with_spaces_are_kept_as_the_file_system_has_them(
    empty_kb: Path,
) -> None:
    below = unicodedata.normalize("NFD", "Réunions d'été 2025")  # as macOS stores it
    write_recap(empty_kb / below, date="2025-06-01", body="# Juin\n\nLe mot zorglub.\n")
    odd = empty_kb / unicodedata.normalize("NFD", "compte rendu été.md")
    odd.write_text("pas une fiche\n", encoding="utf-8")
    done = kb("index", *folder_args(empty_kb))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"{odd}: no frontmatter: a recap starts with a '---' line, then date: and basin:"
    )
    listed = kb("list", "--json", *folder_args(empty_kb))
    assert [row["path"] for row in json.loads(listed.stdout)] == [
        str(empty_kb / below / "2025-06-01-sud.md")
    ]
    assert ids(kb("search", "zorglub", "--json", *folder_args(empty_kb))) == ["2025-06-01-sud"]
    shown = kb("show", "2025-06-01-sud", *folder_args(empty_kb))
    assert shown.returncode == 0 and "zorglub" in shown.stdout
    spaced = kb("show", str(empty_kb / below / "2025-06-01-sud.md"), *folder_args(empty_kb))
    assert spaced.returncode == 0 and "zorglub" in spaced.stdout


def test_a_name_ending_in_upper_case_md_is_named_not_left_out(empty_kb: Path) -> None:
    write_recap(empty_kb, name="2025-01-01-sud.MD", date="2025-01-01")
    (empty_kb / "README.MD").write_text("# Ce dossier\n", encoding="utf-8")
    done = kb("index", *folder_args(empty_kb))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"{empty_kb / '2025-01-01-sud.MD'}: a recap's name ends in .md (lower case); "
        "rename it 2025-01-01-sud.md"
    )
    (empty_kb / "2025-01-01-sud.MD").rename(empty_kb / "2025-01-01-sud.md")
    assert ids(kb("list", "--json", *folder_args(empty_kb))) == ["2025-01-01-sud"]


EDITOR_FILES = [
    ".#2025-01-01-sud.md",  # emacs's lock: a link to nothing
    "#2025-01-01-sud.md#",  # emacs's autosave
    "2025-01-01-sud.md~",  # a backup
    ".2025-01-01-sud.md.swp",  # vim's swap
    ".2025-01-01-sud.md.swx",
    "2025-01-01-sud.md.bak",  # kb add --force's copy
    ".2025-01-01-sud.md.k2j4h1.tmp",  # kb add's file being written
    "2025-01-01-sud.md.orig",
]


def test_what_editors_leave_beside_a_recap_is_not_a_recap(empty_kb: Path) -> None:
    recap = write_recap(empty_kb, date="2025-01-01", body="# A\n\nLe vrai texte.\n")
    for name in EDITOR_FILES:
        if name.startswith(".#"):
            (empty_kb / name).symlink_to("root@host.4242:1700000000")
        else:
            (empty_kb / name).write_bytes(b"\0\1 half a draft" + recap.read_bytes()[:20])
    done = kb("index", *folder_args(empty_kb))
    assert (done.returncode, done.stderr) == (0, "")
    assert "1 recaps indexed: 1 added" in done.stdout
    assert ids(kb("search", "texte", "--json", *folder_args(empty_kb))) == ["2025-01-01-sud"]


def test_a_folder_named_like_a_recap_is_a_folder(empty_kb: Path) -> None:
    inside = write_recap(empty_kb / "2025-01-01-sud.md", date="2024-05-05", basin="nord")
    done = kb("index", *folder_args(empty_kb))
    assert (done.returncode, done.stderr) == (0, "")
    listed = json.loads(kb("list", "--json", *folder_args(empty_kb)).stdout)
    assert [(row["id"], row["path"]) for row in listed] == [("2024-05-05-nord", str(inside))]
    draft = Path("draft.md")
    draft.write_text(
        "---\ndate: 2025-01-01\nbasin: sud\n---\n# Un atelier\n\nTexte.\n", encoding="utf-8"
    )
    added = kb("add", str(draft), *folder_args(empty_kb))
    assert added.returncode == 1
    assert one_error_line(added.stderr) == (
        f"Error: {empty_kb / '2025-01-01-sud.md'}: already there and not a recap file (a "
        "folder, or a link to nothing); rename or remove it to add 2025-01-01-sud"
    )
    assert sorted(os.listdir(empty_kb / "2025-01-01-sud.md")) == ["2024-05-05-nord.md"]


def test_links_out_of_the_folder_are_read_never_written_through(
    empty_kb: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    real = write_recap(outside, date="2025-01-02", body="# Lié\n\nLe mot zorglub.\n")
    write_recap(outside / "more", date="2025-01-03")
    before = real.read_bytes()
    (empty_kb / "2025-01-02-sud.md").symlink_to(real)  # a file elsewhere: read as a recap
    (empty_kb / "elsewhere").symlink_to(outside / "more", target_is_directory=True)
    (empty_kb / "2025-01-04-sud.md").symlink_to(tmp_path / "nothing.md")  # leads nowhere
    done = kb("index", *folder_args(empty_kb))
    assert (done.returncode, done.stderr) == (0, "")
    assert ids(kb("list", "--json", *folder_args(empty_kb))) == ["2025-01-02-sud"]
    assert ids(kb("search", "zorglub", "--json", *folder_args(empty_kb))) == ["2025-01-02-sud"]
    draft = Path("draft.md")
    draft.write_text(
        "---\ndate: 2025-01-02\nbasin: sud\n---\n# Autre\n\nAutre.\n", encoding="utf-8"
    )
    forced = kb("add", str(draft), "--force", *folder_args(empty_kb))
    assert forced.returncode == 1
    assert "leads outside the knowledge base" in one_error_line(forced.stderr)
    assert real.read_bytes() == before
    assert sorted(os.listdir(outside)) == ["2025-01-02-sud.md", "more"]


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS names are UTF-8 by force")
def test_names_that_are_not_utf8_are_named_and_the_others_indexed(empty_kb: Path) -> None:
    write_recap(empty_kb, date="2025-01-01", body="# A\n\nLe mot zorglub.\n")
    raw = os.fsencode(empty_kb)
    with open(raw + b"/\xff\xfe.md", "wb") as out:
        out.write(b"junk")
    os.mkdir(raw + b"/sous-dossier \xe9t\xe9")  # latin-1, as an old archive would hold it
    with open(raw + b"/sous-dossier \xe9t\xe9/2025-01-02-sud.md", "wb") as out:
        out.write(b"---\ndate: 2025-01-02\nbasin: sud\n---\n# B\n\nLe mot zorglub.\n")
    done = kb("index", *folder_args(empty_kb))
    assert done.returncode == 1
    assert sorted(done.stderr.strip().splitlines()) == [
        f"{empty_kb}/\\xff\\xfe.md: the name is not UTF-8 text; rename it",
        f"{empty_kb}/sous-dossier \\xe9t\\xe9/2025-01-02-sud.md: the name is not UTF-8 text; "
        "rename it",
    ]
    found = kb("search", "zorglub", "--json", *folder_args(empty_kb))
    assert ids(found) == ["2025-01-01-sud"] and found.stderr.count("not UTF-8") == 2
    assert "1 recap" in kb("list", *folder_args(empty_kb)).stdout


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS names are UTF-8 by force")
def test_arguments_that_are_not_utf8_are_one_line(kb_dir: Path) -> None:
    for args in (
        [b"search", b"h\xf4pital"],
        [b"search", b"--raw", b"\xff"],
        [b"show", b"\xff"],
        [b"list", b"--basin", b"\xe9"],
        [b"list", b"--kb-dir", os.fsencode(kb_dir) + b"\xff"],
    ):
        done = kb(*args, *folder_args(kb_dir))
        assert done.returncode == 2
        assert one_error_line(done.stderr).endswith(": not UTF-8 text; kb takes UTF-8 arguments")
