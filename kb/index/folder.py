"""The folder's stat: what every reading command checks before it trusts the index.

A snapshot lists every recap file with its size and mtime, as bytes: equal bytes mean
an unchanged folder, whatever the number of files. At 100,000 files taking it is most
of a search, and it is the kernel's work (one ``stat`` per file), so from
``PARALLEL_FROM`` files it is taken in child processes (:func:`start`) while the reading
command queries the index (kb.index.fresh); below, in line.

The files are shared between ``PARTS`` processes by the place of their top-level entry
in the folder's listing: entry i goes to part i % PARTS, with all that is below it when
it is a folder. Each process lists the folder and stats only its own entries, relative
to the opened folder; the children check that they listed the same entries. Listing
100,000 entries costs a third as much as stating half of them, so a copy of the listing
is kept beside the index and used while the folder has not changed (see :func:`_names`).
One process taking every part gives the same bytes. The files are in the order the file
system lists them, which does not change while the folder does not (were it to, the
cost is one sync that finds nothing to do): sorting 100,000 rows would cost a third of
the stats. Standard library only: the children must start fast.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import time
import zlib
from collections.abc import Callable, Iterator

from kb.errors import ConfigError
from kb.i18n import _

PARTS = 2  # on this kind of machine, stat scales with processes (not with threads)
# Something changed less than this long before it was looked at may change again in the
# same clock tick without its time showing it: it is looked at again next time.
RACY_NS = 2_000_000_000
Files = dict[str, tuple[int, int]]  # relative path -> (size, mtime_ns)
Row = tuple[str, int, int]  # relative path, size, mtime_ns


def _walk(
    kb_dir: str, prefix: str = "", *, below: bool = False
) -> Iterator[tuple[str, os.stat_result]]:
    """Each recap file below ``kb_dir`` and its stat (paths start with ``prefix``).

    Hidden folders (``.kb``, ``.git``) and files, and README.md, are not recaps.
    Symbolic links to folders are not followed (a link loop would never end). A file or
    a folder removed during the walk is not there; ``kb_dir`` itself too when ``below``
    (a folder below the knowledge base's, found by the caller).
    """
    stack = [(prefix, kb_dir)]
    while stack:
        prefix, folder = stack.pop()
        try:
            listing = os.scandir(folder)
        except (FileNotFoundError, NotADirectoryError) as exc:
            if folder == kb_dir and not below:
                raise _unreadable(folder, exc) from None
            continue  # removed (or replaced by a file) since it was listed
        except OSError as exc:
            raise _unreadable(folder, exc) from None
        with listing as entries:
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((prefix + name + "/", entry.path))
                elif _is_recap(name) and entry.is_file():
                    try:
                        yield prefix + name, entry.stat()
                    except FileNotFoundError:
                        continue


def _unreadable(folder: str, exc: OSError) -> ConfigError:
    return ConfigError(
        _(
            "{folder}: cannot be read ({reason}); kb needs to see every file below "
            "the knowledge-base folder"
        ).format(folder=folder, reason=exc.strerror)
    )


# A name ending in .MD is listed too, to be reported (recaps end in .md) rather than
# left out without a word: on macOS and Windows the two are the same name.
_SUFFIXES = (".md", ".MD", ".Md", ".mD")


def _is_recap(name: str) -> bool:
    return name.endswith(_SUFFIXES) and name.lower() != "readme.md"


def scan(kb_dir: str | os.PathLike[str]) -> Files:
    """Every recap file below ``kb_dir``: relative path -> (size, mtime_ns)."""
    return {path: (st.st_size, st.st_mtime_ns) for path, st in _walk(os.fspath(kb_dir))}


def listing_file(index_file: str) -> str:
    """Where the copy of the folder's listing is kept: beside the index, a cache too."""
    return index_file + ".listing"


def _names(kb_dir: str, listing: str | None = None) -> list[str]:
    """The folder's entries, in the order the file system lists them.

    With ``listing`` (see :func:`listing_file`), the copy kept there is used while the
    folder has the same device, inode, mtime and ctime as when it was listed: adding,
    removing or renaming an entry changes the folder's ctime, and nothing can set a
    ctime back. The copy is only written when the folder had not changed for
    ``RACY_NS`` before it was listed, so a change made in the same clock tick as the
    listing cannot leave the times as they were. A file edited in place does not
    change the listing; its own stat shows the edit.
    """
    if listing is None:
        return _listed_now(kb_dir)
    started = time.time_ns()
    try:
        st = os.stat(kb_dir)
    except OSError as exc:
        raise _unreadable(kb_dir, exc) from None
    key = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)
    names = _kept(listing, key)
    if names is None:
        names = _listed_now(kb_dir)
        if st.st_ctime_ns < started - RACY_NS and not _inside(listing, kb_dir):
            _keep(listing, key, names)
    return names


def _listed_now(kb_dir: str) -> list[str]:
    try:
        return os.listdir(kb_dir)
    except OSError as exc:
        raise _unreadable(kb_dir, exc) from None


def _kept(listing: str, key: tuple[int, ...]) -> list[str] | None:
    """The names kept in ``listing`` for a folder with this ``key``; None when there are
    none (no file, another key, or not what kb writes)."""
    try:
        with open(listing, "rb") as handle:
            kept_key, names = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return names if kept_key == key and type(names) is list else None


def _keep(listing: str, key: tuple[int, ...], names: list[str]) -> None:
    """Write the copy whole or not at all (a reader never sees half of it); a folder
    where it cannot be written only means listing the folder each time."""
    part = f"{listing}.{os.getpid()}"
    try:
        with open(part, "wb") as out:
            out.write(marshal.dumps((key, names), 2))
        os.replace(part, listing)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(part)


def _inside(listing: str, kb_dir: str) -> bool:
    """Whether writing ``listing`` would itself change the folder's listing."""
    return os.path.dirname(os.path.abspath(listing)) == os.path.abspath(kb_dir)


def _rows(kb_dir: str, names: list[str], part: int) -> list[Row]:
    """The recap files of one part: the top-level entries ``part``, ``part + PARTS``, ...
    of ``names`` (the folder's listing), and everything below those that are folders."""
    # Stat each name relative to the folder where the system can: the kernel then walks
    # one path component a file instead of the whole path (a third less time at 100k).
    folder = _opened(kb_dir)
    try:
        return _stat_rows(kb_dir, folder, names[part::PARTS])
    finally:
        if folder is not None:
            os.close(folder)


def _opened(kb_dir: str) -> int | None:
    """``kb_dir`` opened for ``dir_fd``, or None where the system has no ``dir_fd``."""
    if os.stat not in os.supports_dir_fd or os.stat not in os.supports_follow_symlinks:
        return None
    try:
        return os.open(kb_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise _unreadable(kb_dir, exc) from None


def _stat_rows(kb_dir: str, folder: int | None, names: list[str]) -> list[Row]:
    rows: list[Row] = []
    append = rows.append
    for name in names:  # one pass per file at 100k: the common case first
        if name.startswith("."):
            continue
        where = name if folder is not None else os.path.join(kb_dir, name)
        try:
            st = os.stat(where, dir_fd=folder, follow_symlinks=False)
            if stat.S_ISREG(st.st_mode):
                if _is_recap(name):
                    append((name, st.st_size, st.st_mtime_ns))
            elif stat.S_ISDIR(st.st_mode):
                inside = _walk(os.path.join(kb_dir, name), name + "/", below=True)
                rows += ((p, s.st_size, s.st_mtime_ns) for p, s in inside)
            elif stat.S_ISLNK(st.st_mode) and _is_recap(name):
                st = os.stat(where, dir_fd=folder)  # a link to a file is the file
                if stat.S_ISREG(st.st_mode):
                    append((name, st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            continue
    return rows


def _piece(data: bytes) -> bytes:
    return len(data).to_bytes(8, "little") + data


def _dump(rows: list[Row]) -> bytes:
    return _piece(marshal.dumps(rows, 2))  # version 2: no back-references, same bytes


def _listed(names: list[str]) -> bytes:
    """What a child listed, as a piece shaped like a part: a digest of it."""
    digest = zlib.crc32("\0".join(names).encode("utf-8", "surrogatepass"))
    return _piece(marshal.dumps((len(names), digest), 2))


def _split(data: bytes) -> list[bytes]:
    """The pieces of a snapshot (or of what a child wrote), each with its length."""
    out, at = [], 0
    while at < len(data):
        end = at + 8 + int.from_bytes(data[at : at + 8], "little")
        out.append(data[at:end])
        at = end
    return out


def snapshot(kb_dir: str | os.PathLike[str], listing: str | None = None) -> tuple[int, bytes]:
    """When the walk started (ns) and the folder's snapshot. ``listing``: see _names."""
    started = time.time_ns()
    folder = os.fspath(kb_dir)
    names = _names(folder, listing)
    return started, b"".join(_dump(_rows(folder, names, part)) for part in range(PARTS))


def files(folder: bytes) -> Files:
    """The files of a snapshot."""
    out: Files = {}
    for part in _split(folder):
        out.update((path, (size, mtime)) for path, size, mtime in marshal.loads(part[8:]))
    return out


class Pending:
    """A snapshot being taken by child processes, one per part; :meth:`result` waits.

    A child only walks the folder and writes to a pipe, then leaves without running any
    of the parent's exit handlers. If anything fails, the parent takes the snapshot
    itself: the answer never depends on the children.
    """

    def __init__(
        self,
        kb_dir: str,
        workers: int = PARTS,
        fork: Callable[[], int] | None = None,
        listing: str | None = None,
    ) -> None:
        self.kb_dir = kb_dir
        self.listing = listing
        self.started = time.time_ns()
        self.seen: tuple[int, bytes] | None = None
        self.children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
        self.workers = workers
        fork = fork or os.fork
        for first in range(workers):
            try:
                read, write = os.pipe()
            except OSError:  # no file descriptor left: the parent walks
                break
            try:
                pid = fork()
            except OSError:
                os.close(read)
                os.close(write)
                break
            if pid == 0:  # a child: parts first, first + workers, ...
                self._child(kb_dir, first, read, write)
            os.close(write)
            self.children.append((pid, read))

    def _child(self, kb_dir: str, first: int, read: int, write: int) -> None:
        status = 1
        try:
            # Nothing of the parent's but its own pipe: not the terminal (a caller waiting
            # for kb's output would wait for the walk), not the other children's pipes.
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            for _, other in self.children:
                os.close(other)
            os.close(read)
            names = _names(kb_dir, self.listing)
            with os.fdopen(write, "wb") as out:
                out.write(_listed(names))
                for part in range(first, PARTS, self.workers):
                    out.write(_dump(_rows(kb_dir, names, part)))
            status = 0
        finally:
            os._exit(status)

    def result(self) -> tuple[int, bytes]:
        """When the snapshot was started (ns) and the snapshot."""
        if self.seen is None:
            self.seen = self._wait()
        return self.seen

    def _wait(self) -> tuple[int, bytes]:
        parts, ok = [], len(self.children) == self.workers
        for pid, fd in self.children:
            chunks = []
            try:
                with os.fdopen(fd, "rb") as pipe:
                    while chunk := pipe.read(1 << 20):
                        chunks.append(chunk)
            except OSError:
                ok = False
            finally:
                _, status = os.waitpid(pid, 0)
            ok = ok and status == 0
            parts.append(b"".join(chunks))
        self.children = []
        # Each child wrote a digest of what it listed, then its parts: 0, 2, ... for the
        # first, 1, 3, ... for the second. Listings that differ (the folder changed in
        # between) could share a file out to no child: the parent walks then.
        pieces = [_split(data) for data in parts] if ok else []
        if not ok or len({p[0] for p in pieces}) != 1:
            # A child failed: the parent walks, and says why if it can.
            return snapshot(self.kb_dir, self.listing)
        ordered = [pieces[part % self.workers][1 + part // self.workers] for part in range(PARTS)]
        return self.started, b"".join(ordered)


def forks() -> bool:
    """Whether kb starts processes by forking: where the system can, unless ``KB_NO_FORK``
    is set (to run here what runs where it cannot, Windows: a switch for tests)."""
    return hasattr(os, "fork") and not os.environ.get("KB_NO_FORK")


# From this many files the snapshot is taken by PARTS child processes while the caller
# asks the index (kb.index.fresh): below, forking costs more than the stats it shares out
# (benchmarks/snapshot.py: measured in docs/performance.md).
PARALLEL_FROM = 20_000
# The copy of the listing (see _names) takes 26-31 bytes an entry (2025-02-20-sud.md to
# 2025-02-20-centre-ouest.md): its size tells how large the folder was when it was last
# listed, without reading it.
LISTED_BYTES = 28


def start(kb_dir: str | os.PathLike[str], listing: str) -> Pending | None:
    """Start taking the folder's snapshot in child processes when it pays: a folder that
    had ``PARALLEL_FROM`` entries or more when it was last listed, in a process that can
    fork and runs one thread (a fork copies no other thread's locks: kb serve's pages are
    answered in threads, and take the snapshot in line)."""
    import threading

    try:
        entries = os.stat(listing).st_size // LISTED_BYTES
    except OSError:
        return None  # never kept (a folder just made or changed): in line
    if entries < PARALLEL_FROM or not forks() or threading.active_count() > 1:
        return None
    if not os.path.isdir(kb_dir):
        return None
    return Pending(os.fspath(kb_dir), listing=listing)
