"""The index damaged, replaced by a folder, read-only, or on a full disk; the knowledge
base read-only. The index is a cache: kb makes it again where it may, answers as a
clean index would, and otherwise says in one line what is wrong. Real files, SQLite, kb
as a process; the mounts (a tmpfs, read-only bind mounts) need root, else the test is
skipped and says why."""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.generate import generate
from tests.conftest import BUNDLED
from tests.faults.conftest import ids, kb, one_error_line, read_only, stray, tmpfs

QUERIES = (["list"], ["search", "helpdesk"], ["search", "--raw", "tramontane"])


def answers(*where: str) -> list[list[str]]:
    return [ids(kb(*query, "--json", *where)) for query in QUERIES]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]]]:
    """The bundled recaps and 200 generated ones, indexed; and a clean index's answers."""
    folder = tmp_path_factory.mktemp("built") / "recaps"
    shutil.copytree(BUNDLED, folder, ignore=shutil.ignore_patterns(".kb"))
    generate(200, folder)
    assert kb("index", "--kb-dir", str(folder)).returncode == 0
    return folder, answers("--kb-dir", str(folder))


@pytest.fixture
def kb_copy(built: tuple[Path, list[list[str]]], tmp_path: Path) -> Path:
    folder = tmp_path / "recaps"
    shutil.copytree(built[0], folder)
    return folder


def truncate_to(size: Callable[[int], int]) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        with open(path, "r+b") as handle:
            handle.truncate(size(path.stat().st_size))

    return damage


def overwrite(at: Callable[[int], int], data: Callable[[int], bytes]) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            handle.seek(at(size))
            handle.write(data(size))

    return damage


def noise(n: int) -> bytes:
    return random.Random(n).randbytes(n)


DAMAGES: dict[str, Callable[[Path], None]] = {
    "emptied": truncate_to(lambda size: 0),
    "cut in its header": truncate_to(lambda size: 50),
    "cut after its first page": truncate_to(lambda size: 4096),
    "cut in half": truncate_to(lambda size: size // 2),
    "its last page cut": truncate_to(lambda size: size - 4096),
    "a page zeroed": overwrite(lambda size: size // 2 // 4096 * 4096, lambda size: bytes(4096)),
    "garbage": overwrite(lambda size: 0, noise),
    "garbage after its header": overwrite(lambda size: 16, lambda size: noise(size - 16)),
    "its header zeroed": overwrite(lambda size: 0, lambda size: bytes(100)),
}


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_a_damaged_index_is_made_again_and_answers_as_a_clean_one(
    damage: str, kb_copy: Path, built: tuple[Path, list[list[str]]]
) -> None:
    where = ("--kb-dir", str(kb_copy))
    index = kb_copy / ".kb" / "index.sqlite"
    DAMAGES[damage](index)
    first = kb("list", "--json", *where)
    assert first.returncode == 0, first.stderr
    if first.stderr:  # where the damage was seen (not every damage is read by a list)
        note = f"The index {index} could not be read ("
        assert first.stderr.startswith(note) and first.stderr.endswith("): made again.\n")
        assert first.stderr.count("\n") == 1
    assert answers(*where) == built[1]
    again = kb("search", "helpdesk", *where)
    assert (again.returncode, again.stderr) == (0, "")
    assert stray(index.parent) == set()


def test_kb_index_makes_a_damaged_index_again_and_says_so(kb_copy: Path) -> None:
    index = kb_copy / ".kb" / "index.sqlite"
    DAMAGES["garbage"](index)
    done = kb("index", "--kb-dir", str(kb_copy))
    assert done.returncode == 0
    assert done.stderr == (
        f"The index {index} could not be read (file is not a database): made again.\n"
    )
    assert "205 recaps indexed: 205 added" in done.stdout


def test_a_garbage_journal_beside_the_index_is_not_played_back(
    kb_copy: Path, built: tuple[Path, list[list[str]]]
) -> None:
    index = kb_copy / ".kb" / "index.sqlite"
    index.with_name("index.sqlite-journal").write_bytes(noise(20_000))
    assert answers("--kb-dir", str(kb_copy)) == built[1]
    assert stray(index.parent) == set()


def test_a_folder_where_the_index_goes_is_one_line_and_left_alone(kb_copy: Path) -> None:
    index = kb_copy / ".kb" / "index.sqlite"
    index.unlink()
    index.mkdir()
    (index / "kept.txt").write_text("someone's")
    for args in (["list"], ["search", "helpdesk", "--json"], ["index"], ["index", "--rebuild"]):
        done = kb(*args, "--kb-dir", str(kb_copy))
        assert done.returncode == 1
        assert one_error_line(done.stderr) == (
            f"Error: index {index}: a folder, not kb's index file; remove it, or pass --db FILE"
        )
    assert os.listdir(index) == ["kept.txt"]
    assert stray(index.parent) == set()  # no fresh file of a rebuild left beside it


def test_a_read_only_index_moves_to_the_cache_once(
    kb_copy: Path, built: tuple[Path, list[list[str]]], tmp_path: Path
) -> None:
    index = kb_copy / ".kb" / "index.sqlite"
    with read_only(index):
        first = kb("list", "--json", "--kb-dir", str(kb_copy))
        assert first.returncode == 0
        note = f"kb cannot write in {kb_copy / '.kb'}: it keeps the index in "
        assert first.stderr.startswith(note), first.stderr
        cache = Path(first.stderr.removeprefix(note).strip())
        assert cache.is_file() and cache.is_relative_to(tmp_path / "xdg-cache" / "kb")
        assert answers("--kb-dir", str(kb_copy)) == built[1]
        edited = kb_copy / "2023-10-10-sud.md"
        edited.write_text(edited.read_text(encoding="utf-8") + "\nLe mot zorglub.\n")
        found = kb("search", "zorglub", "--json", "--kb-dir", str(kb_copy))
        assert (ids(found), found.stderr) == (["2023-10-10-sud"], "")


def test_a_read_only_index_named_with_db_answers_and_refuses_to_sync_in_one_line(
    kb_copy: Path, built: tuple[Path, list[list[str]]]
) -> None:
    index = kb_copy / ".kb" / "index.sqlite"
    where = ("--kb-dir", str(kb_copy), "--db", str(index))
    # Synced once more: the copy's files are old enough now for the index to keep their
    # snapshot, so that answering needs no write.
    assert kb("index", *where).returncode == 0
    with read_only(index):
        assert answers(*where) == built[1]  # up to date: nothing to write
        (kb_copy / "2023-10-10-sud.md").unlink()
        for args in (["list"], ["index"], ["index", "--rebuild"]):
            done = kb(*args, *where)
            assert done.returncode == 1
            line = one_error_line(done.stderr)
            assert line.startswith(f"Error: index {index}: cannot be written (")
            assert line.endswith(
                "; the index is as it was and the recaps untouched: pass --db elsewhere"
            )
    assert stray(index.parent) == set()


def test_a_read_only_knowledge_base_is_searched_with_its_index_in_the_cache(
    tmp_path: Path, built: tuple[Path, list[list[str]]]
) -> None:
    folder = tmp_path / "recaps"
    shutil.copytree(built[0], folder, ignore=shutil.ignore_patterns(".kb"))
    where = ("--kb-dir", str(folder))
    before = sorted(os.listdir(folder))
    draft = tmp_path / "draft.md"
    draft.write_text("---\ndate: 2031-01-01\nbasin: sud\n---\n# Nouveau\n\nNeuf.\n")
    with read_only(folder):
        first = kb("search", "helpdesk", "--json", *where)
        assert first.returncode == 0
        note = f"kb cannot write in {folder / '.kb'}: it keeps the index in "
        assert first.stderr.startswith(note), first.stderr
        cache = Path(first.stderr.removeprefix(note).strip())
        assert cache.is_file() and cache.is_relative_to(tmp_path / "xdg-cache" / "kb")
        assert answers(*where) == built[1]
        again = kb("list", *where)
        assert again.stderr == ""  # said once, when the index was made
        added = kb("add", str(draft), *where)
        assert added.returncode == 1
        assert "cannot be written (Read-only file system); nothing was changed" in (
            one_error_line(added.stderr)
        )
    assert sorted(os.listdir(folder)) == before


def test_a_full_disk_during_a_rebuild_or_a_sync_is_one_line_and_leaves_the_old_index(
    tmp_path: Path, built: tuple[Path, list[list[str]]]
) -> None:
    folder = tmp_path / "recaps"
    shutil.copytree(BUNDLED, folder, ignore=shutil.ignore_patterns(".kb"))
    with tmpfs(tmp_path / "small", "1m") as disk:
        where = ("--kb-dir", str(folder), "--db", str(disk / "index.sqlite"))
        assert kb("index", *where).returncode == 0  # five recaps: 160 KB
        five = answers(*where)
        generate(200, folder)  # two hundred more: 2 MB
        for args in (["index", "--rebuild"], ["index"], ["list"], ["search", "bassin"]):
            done = kb(*args, *where)
            assert done.returncode == 1
            assert one_error_line(done.stderr) == (
                f"Error: index {disk / 'index.sqlite'}: cannot be written (no space left on "
                "the device); the index is as it was and the recaps untouched: free some "
                "space, or pass --db elsewhere"
            )
            assert stray(disk) == set()
        for path in folder.glob("19*.md"):  # the generated recaps gone: the old index holds
            path.unlink()
        assert answers(*where) == five
        assert stray(disk) == set()


def test_an_index_named_with_db_in_a_read_only_folder_is_one_line(
    kb_copy: Path, tmp_path: Path
) -> None:
    place = tmp_path / "read-only"
    place.mkdir()
    with read_only(place):
        for index in (place / "other.sqlite", place / "below" / "other.sqlite"):
            for args in (["list"], ["index"], ["search", "helpdesk"], ["index", "--rebuild"]):
                done = kb(*args, "--kb-dir", str(kb_copy), "--db", str(index))
                assert done.returncode == 1
                assert one_error_line(done.stderr) == (
                    f"Error: index {index}: cannot be written (Read-only file system); the "
                    "index is as it was and the recaps untouched: pass --db elsewhere"
                )
    assert os.listdir(place) == []
