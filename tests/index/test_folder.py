"""The folder's snapshot, taken in child processes while a reading command asks the
index: the same bytes as in one process, and an answer that is never older than the
folder."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb.index import folder
from tests.conftest import Run, python, write_recap


def folder_with_everything(root: Path) -> Path:
    for i in range(40):
        day = f"{i // 28 + 3:02d}-{i % 28 + 1:02d}"
        write_recap(root, date=f"2025-{day}", basin=("sud", "nord")[i % 2])
        write_recap(root / "2024" / "deep", date=f"2024-{day}", basin="sud-est")
    (root / "README.md").write_text("# not a recap\n")
    (root / ".hidden.md").write_text("hidden\n")
    (root / ".kb").mkdir()
    (root / ".kb" / "x.md").write_text("cache\n")
    (root / "notes.txt").write_text("not markdown\n")
    (root / "linked.md").symlink_to(root / "2025-03-01-sud.md")  # a link to a file: a file
    (root / "loop").symlink_to(root, target_is_directory=True)  # to a folder: not followed
    (root / "2024" / "deep" / "README.md").write_text("# not a recap\n")
    return root


def test_a_snapshot_taken_by_children_is_the_one_taken_alone(tmp_path: Path) -> None:
    root = folder_with_everything(tmp_path / "recaps")
    started, alone = folder.snapshot(root)
    for workers in (1, 2):
        pending = folder.Pending(str(root), workers)
        assert pending.children  # really forked
        when, seen = pending.result()
        assert seen == alone
        assert when <= started or when - started < 10**9
        assert pending.result() == (when, seen)  # waited for once
    files = folder.files(alone)
    assert files == folder.scan(root)
    assert len(files) == 81 and "2024/deep/2024-03-01-sud-est.md" in files
    assert files["linked.md"] == files["2025-03-01-sud.md"]
    assert not any(p.startswith(".") or p.endswith(("README.md", ".txt")) for p in files)


def test_where_files_cannot_be_stated_relative_to_a_folder_the_snapshot_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Files are stated relative to the opened folder where the system allows it (faster);
    # elsewhere (Windows) by their whole path, with the same result.
    root = folder_with_everything(tmp_path / "recaps")
    _, relative = folder.snapshot(root)
    monkeypatch.setattr(os, "supports_dir_fd", set())
    assert folder._opened(str(root)) is None
    _, whole = folder.snapshot(root)
    assert whole == relative and len(folder.files(whole)) == 81


def test_a_child_that_cannot_start_leaves_the_snapshot_to_the_parent(tmp_path: Path) -> None:
    root = folder_with_everything(tmp_path / "recaps")

    def no_fork() -> int:
        raise OSError("no more processes")

    pending = folder.Pending(str(root), 2, fork=no_fork)
    assert pending.children == []
    assert pending.result()[1] == folder.snapshot(root)[1]


def test_a_child_that_fails_leaves_the_snapshot_to_the_parent(tmp_path: Path) -> None:
    root = folder_with_everything(tmp_path / "recaps")
    failed = []

    def failing_fork() -> int:
        pid = os.fork()
        if pid == 0:
            os._exit(3)  # as if the walk had raised
        failed.append(pid)
        return pid

    pending = folder.Pending(str(root), 2, fork=failing_fork)
    assert pending.result()[1] == folder.snapshot(root)[1]
    assert len(failed) == 2
    for pid in failed:  # every child was waited for: no zombie left
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def kb(*args: str) -> subprocess.CompletedProcess[str]:
    """The kb program as installed: the fast path, which takes the snapshot in children."""
    return python("-m", "kb", *args)


def test_the_answer_given_while_the_folder_is_checked_is_never_stale(
    kb_dir: Path, run: Run
) -> None:
    run("index")
    path = kb_dir / "2023-10-10-sud.md"
    found = kb("search", "zorglub", "--json", "--kb-dir", str(kb_dir))
    assert found.returncode == 0 and json.loads(found.stdout) == []
    # Edited in place: the index, asked while the children look at the folder, has no
    # zorglub; the children see the new stat, so kb syncs and asks again.
    path.write_text(path.read_text() + "\nLe projet Zorglub démarre.\n")
    found = kb("search", "zorglub", "--json", "--kb-dir", str(kb_dir))
    assert [r["id"] for r in json.loads(found.stdout)] == ["2023-10-10-sud"]
    # A new file: `show` finds it, though the index asked first had no such recap.
    write_recap(kb_dir, date="2026-01-15", basin="nord", body="# Nouveau\n\nTexte neuf.\n")
    shown = kb("show", "2026-01-15-nord", "--kb-dir", str(kb_dir))
    assert shown.returncode == 0 and "Texte neuf." in shown.stdout
    # A file made invalid: reported, and no longer found.
    path.write_text("---\ndate: 2023-10-10\n---\nZorglub\n")
    found = kb("search", "zorglub", "--json", "--kb-dir", str(kb_dir))
    assert json.loads(found.stdout) == []
    assert "missing required field 'basin'" in found.stderr


def test_an_up_to_date_index_answers_without_being_written(kb_dir: Path, run: Run) -> None:
    for path in kb_dir.iterdir():  # older than the racy-stat window: the snapshot is kept
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 10**10))
    run("index")
    db = kb_dir / ".kb" / "index.sqlite"
    before = db.stat().st_mtime_ns
    found = kb("search", "helpdesk", "--json", "--kb-dir", str(kb_dir))
    assert found.returncode == 0 and json.loads(found.stdout)
    assert db.stat().st_mtime_ns == before


def test_without_fork_kb_takes_the_snapshot_itself(kb_dir: Path) -> None:
    # Where processes cannot fork (Windows), kb works as before: it walks the folder
    # itself before it answers.
    script = (
        "import os, sys\n"
        "del os.fork\n"
        "from kb.cli.app import run as main\n"
        "main(['search', 'helpdesk', '--json', '--kb-dir', sys.argv[1]])\n"
    )
    done = python("-c", script, str(kb_dir))
    assert done.returncode == 0, done.stderr
    assert "2025-02-20-centre-ouest" in {r["id"] for r in json.loads(done.stdout)}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_children_hold_no_terminal_nor_each_others_pipes(tmp_path: Path) -> None:
    # A caller reading kb's output must not wait for the children's walk, even when kb
    # stops before it looks at their snapshot: the children keep none of kb's output.
    root = folder_with_everything(tmp_path / "recaps")
    pids = tmp_path / "pids"
    script = (
        "import os, sys, time\n"
        "from kb.index import folder\n"
        "walk = folder._rows\n"
        "def slow(*args):\n"
        "    with open(sys.argv[2], 'a') as out:\n"
        "        out.write(f'{os.getpid()}\\n')\n"
        "    time.sleep(3)\n"
        "    return walk(*args)\n"
        "folder._rows = slow\n"
        "folder.Pending(sys.argv[1])\n"
        "for _ in range(2000):  # until both children have started (20 s at most)\n"
        "    if os.path.exists(sys.argv[2]) and len(open(sys.argv[2]).read().split()) == 2:\n"
        "        break\n"
        "    time.sleep(0.01)\n"
        "print('parent done', flush=True)\n"
        "os._exit(0)  # without waiting for the children\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(root), str(pids)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = proc.communicate()  # returns at EOF: when no process holds the pipes
    assert out == b"parent done\n" and err == b""
    children = [int(line) for line in pids.read_text().split()]
    assert len(children) == 2
    # Still walking (not gone, not a zombie), yet kb's output was complete.
    states = []
    for pid in children:
        stat = Path(f"/proc/{pid}/stat")
        states.append(stat.read_text().rsplit(")", 1)[1].split()[0] if stat.exists() else "gone")
    assert states == ["S", "S"]


def test_an_unreadable_folder_is_one_line(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    hidden = kb_dir / "2019"
    hidden.mkdir()
    listing = os.scandir

    # As for a folder without read permission (chmod cannot show it: tests run as root).
    def scandir(path: str) -> object:
        if Path(path).resolve() == hidden.resolve():
            raise PermissionError(13, "Permission denied", path)
        return listing(path)

    monkeypatch.setattr(folder.os, "scandir", scandir)
    result = run("search", "helpdesk")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert lines[0].endswith(
        "2019: cannot be read (Permission denied); kb needs to see every file below the "
        "knowledge-base folder"
    )


def test_children_that_listed_different_folders_leave_the_snapshot_to_the_parent(
    tmp_path: Path,
) -> None:
    # The folder changed between the children's listings: a file could be in neither's
    # share. They say what they listed; the parent walks when the listings differ.
    root = folder_with_everything(tmp_path / "recaps")
    forks = []

    def fork() -> int:
        forks.append(1)
        pid = os.fork()
        if pid == 0 and len(forks) == 2:  # the second child sees another order
            folder._names = lambda folder, listing: sorted(os.listdir(folder), reverse=True)
        return pid

    pending = folder.Pending(str(root), 2, fork=fork)
    assert len(pending.children) == 2
    assert pending.result()[1] == folder.snapshot(root)[1]


# -- the kept listing ----------------------------------------------------------------


def let_the_clock_tick() -> None:
    """Let the clock's coarse tick pass the last change to a folder: a change made after
    this cannot leave the folder's ctime as it was (RACY_NS guarantees it outside tests)."""
    time.sleep(0.05)


def test_the_kept_listing_is_used_while_the_folder_has_not_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(folder, "RACY_NS", 10_000_000)  # 10 ms instead of 2 s
    root = folder_with_everything(tmp_path / "recaps")
    listing = str(tmp_path / "index.sqlite.listing")
    let_the_clock_tick()
    plain = folder.snapshot(root)[1]
    assert folder.snapshot(root, listing)[1] == plain
    key, names = marshal.loads(Path(listing).read_bytes())
    assert sorted(names) == sorted(os.listdir(root))
    # It is what the snapshot lists, in one process and in the children: a kept listing
    # without a file (never written by kb) hides that file while the key matches.
    Path(listing).write_bytes(marshal.dumps((key, [n for n in names if n != "linked.md"])))
    for seen in (folder.snapshot(root, listing)[1], folder.Pending(str(root), 2, listing=listing)):
        files = folder.files(seen if isinstance(seen, bytes) else seen.result()[1])
        assert "linked.md" not in files and "2025-03-01-sud.md" in files
    # Any change to the folder's entries changes its key: the folder is listed again.
    changes = [
        lambda: write_recap(root, date="2026-01-05"),
        lambda: (root / "2025-03-03-sud.md").unlink(),
        lambda: (root / "2025-03-02-nord.md").rename(root / "2025-03-02-nord-renamed.md"),
        lambda: (root / "2023").mkdir(),
    ]
    for change in changes:
        let_the_clock_tick()
        change()
        assert folder.snapshot(root, listing)[1] == folder.snapshot(root)[1]
        pending = folder.Pending(str(root), 2, listing=listing)
        assert pending.result()[1] == folder.snapshot(root)[1]
    files = folder.files(folder.snapshot(root, listing)[1])
    assert "2026-01-05-sud.md" in files and "2025-03-03-sud.md" not in files
    assert "2025-03-02-nord-renamed.md" in files and "linked.md" in files


def test_a_folder_changed_less_than_racy_ns_before_is_listed_each_time(tmp_path: Path) -> None:
    root = folder_with_everything(tmp_path / "recaps")
    listing = tmp_path / "index.sqlite.listing"
    assert folder.snapshot(root, str(listing))[1] == folder.snapshot(root)[1]
    assert not listing.exists()  # changed just now: a change in the same tick could hide


def test_a_damaged_or_foreign_kept_listing_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(folder, "RACY_NS", 10_000_000)
    root = folder_with_everything(tmp_path / "recaps")
    listing = tmp_path / "index.sqlite.listing"
    let_the_clock_tick()
    plain = folder.snapshot(root)[1]
    for content in (b"", b"\x00garbage", marshal.dumps([1, 2, 3]), marshal.dumps(((1,), "x"))):
        listing.write_bytes(content)
        assert folder.snapshot(root, str(listing))[1] == plain
        assert marshal.loads(listing.read_bytes())[1]  # written again, whole
    inside = root / "index.sqlite.listing"  # writing it would change the folder itself
    assert folder.snapshot(root, str(inside))[1] == plain
    assert not inside.exists()


def test_searches_see_files_added_after_the_listing_was_kept(kb_dir: Path) -> None:
    def search(word: str) -> set[str]:
        done = python(
            "-c",
            "import sys\nfrom kb.index import folder\nfolder.RACY_NS = 10_000_000\n"
            "from kb.cli.app import run as main\nmain(sys.argv[1:])",
            "search",
            word,
            "--json",
            "--kb-dir",
            str(kb_dir),
        )
        assert done.returncode == 0, done.stderr
        return {r["id"] for r in json.loads(done.stdout)}

    let_the_clock_tick()
    search("helpdesk")  # indexes, and keeps the listing
    search("helpdesk")
    assert (kb_dir / ".kb" / "index.sqlite.listing").exists()
    let_the_clock_tick()
    write_recap(kb_dir, date="2026-01-05", body="# Atelier\n\nLa tramontane souffle.\n")
    assert search("tramontane") == {"2026-01-05-sud"}


# -- when the children start (kb.index.fresh asks kb.index.folder.start) -----------------


def test_children_start_only_for_a_folder_listed_as_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(folder, "RACY_NS", 10_000_000)
    root = folder_with_everything(tmp_path / "recaps")
    listing = str(tmp_path / "index.sqlite.listing")
    assert folder.start(root, listing) is None  # never listed: in line
    let_the_clock_tick()
    folder.snapshot(root, listing)  # keeps the listing: 7 entries
    entries = os.stat(listing).st_size // folder.LISTED_BYTES
    monkeypatch.setattr(folder, "PARALLEL_FROM", entries + 1)
    assert folder.start(root, listing) is None
    monkeypatch.setattr(folder, "PARALLEL_FROM", entries)
    pending = folder.start(root, listing)
    assert pending is not None and pending.result()[1] == folder.snapshot(root)[1]
    monkeypatch.setenv("KB_NO_FORK", "1")
    assert folder.start(root, listing) is None


def test_no_child_is_forked_beside_other_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    monkeypatch.setattr(folder, "RACY_NS", 10_000_000)
    monkeypatch.setattr(folder, "PARALLEL_FROM", 1)
    root = folder_with_everything(tmp_path / "recaps")
    listing = str(tmp_path / "index.sqlite.listing")
    let_the_clock_tick()
    folder.snapshot(root, listing)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # as kb serve answers its pages
    other.start()
    try:
        assert folder.start(root, listing) is None
    finally:
        stop.set()
        other.join()
    assert folder.start(root, listing) is not None


def test_a_reading_command_answers_the_same_in_line_and_with_children(
    kb_dir: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(folder, "RACY_NS", 10_000_000)
    run("index")
    let_the_clock_tick()
    run("index")  # the folder still: its listing is kept
    started: list[object] = []
    start = folder.start

    def spy(*args: object) -> object:
        started.append(start(*args))  # type: ignore[arg-type]
        return started[-1]

    monkeypatch.setattr(folder, "start", spy)
    queries = (["search", "helpdesk", "--json"], ["timeline"], ["show", "2025-02-20-centre-ouest"])
    in_line = [run(*args).stdout for args in queries]
    assert started and not any(started)
    monkeypatch.setattr(folder, "PARALLEL_FROM", 1)
    started.clear()
    with_children = [run(*args).stdout for args in queries]
    assert started and all(started)
    assert with_children == in_line
    # An edit made now is seen by the next command, children or not.
    recap = kb_dir / "2025-02-20-centre-ouest.md"
    recap.write_text(recap.read_text().replace("Helpdesk", "Tramontane", 1))
    found = json.loads(run("search", "tramontane", "--json").stdout)
    assert "2025-02-20-centre-ouest" in {r["id"] for r in found}
