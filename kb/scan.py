"""The folder's stat: what every reading command checks before it trusts the index.

A snapshot lists every recap file with its size and mtime, as bytes: equal bytes mean
an unchanged folder, whatever the number of files. At 100,000 files taking it is most
of a search, and it is the kernel's work (one ``stat`` per file), so the launcher
starts it in child processes (:func:`begin`) before its own imports, and the reading
command queries the index meanwhile (kb.commands). The files are shared between
``PARTS`` processes by a hash of their path; one process taking every part gives the
same bytes. Standard library only: the children must start fast.
"""

from __future__ import annotations

import marshal
import os
import time
import zlib
from collections.abc import Callable, Iterator

from kb.errors import ConfigError

PARTS = 2  # on this kind of machine, stat scales with processes (not with threads)
Files = dict[str, tuple[int, int]]  # relative path -> (size, mtime_ns)


def _walk(kb_dir: str, part: int | None) -> Iterator[tuple[str, os.stat_result]]:
    """Each recap file below ``kb_dir`` (of one part, or all) and its stat.

    Hidden folders (``.kb``, ``.git``) and files, and README.md, are not recaps.
    Symbolic links to folders are not followed (a link loop would never end). A file
    removed during the walk is not there.
    """
    stack = [("", kb_dir)]
    while stack:
        prefix, folder = stack.pop()
        try:
            listing = os.scandir(folder)
        except OSError as exc:
            raise ConfigError(
                f"{folder}: cannot be read ({exc.strerror}); kb needs to see every file "
                "below the knowledge-base folder"
            ) from None
        with listing as entries:
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((prefix + name + "/", entry.path))
                elif name.endswith(".md") and name.lower() != "readme.md":
                    path = prefix + name
                    if (part is not None and _part_of(path) != part) or not entry.is_file():
                        continue
                    try:
                        yield path, entry.stat()
                    except FileNotFoundError:
                        continue


def _part_of(path: str) -> int:
    return zlib.crc32(path.encode("utf-8", "surrogatepass")) % PARTS


def scan(kb_dir: str | os.PathLike[str]) -> Files:
    """Every recap file below ``kb_dir``: relative path -> (size, mtime_ns)."""
    return {path: (st.st_size, st.st_mtime_ns) for path, st in _walk(os.fspath(kb_dir), None)}


def _rows(kb_dir: str, part: int | None) -> list[tuple[str, int, int]]:
    return [(path, st.st_size, st.st_mtime_ns) for path, st in _walk(kb_dir, part)]


def _split(data: bytes) -> list[bytes]:
    """The parts of a snapshot, each with its length."""
    out, at = [], 0
    while at < len(data):
        end = at + 8 + int.from_bytes(data[at : at + 8], "little")
        out.append(data[at:end])
        at = end
    return out


def _dump(rows: list[tuple[str, int, int]]) -> bytes:
    rows.sort()
    data = marshal.dumps(rows, 2)  # version 2: no back-references, the same bytes for equal rows
    return len(data).to_bytes(8, "little") + data


def snapshot(kb_dir: str | os.PathLike[str]) -> tuple[int, bytes]:
    """When the walk started (ns) and the folder's snapshot."""
    started = time.time_ns()
    parts: list[list[tuple[str, int, int]]] = [[] for _ in range(PARTS)]
    for path, st in _walk(os.fspath(kb_dir), None):
        parts[_part_of(path)].append((path, st.st_size, st.st_mtime_ns))
    return started, b"".join(_dump(rows) for rows in parts)


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
        self, kb_dir: str, workers: int = PARTS, fork: Callable[[], int] | None = None
    ) -> None:
        self.kb_dir = kb_dir
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
            with os.fdopen(write, "wb") as out:
                for part in range(first, PARTS, self.workers):
                    out.write(_dump(_rows(kb_dir, part)))
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
        if not ok:  # a child failed: the parent says why, in its own words
            return snapshot(self.kb_dir)
        # Back in part order: child 0 wrote parts 0, 2, ...; child 1 parts 1, 3, ...
        pieces = [_split(data) for data in parts]
        ordered = [pieces[part % self.workers][part // self.workers] for part in range(PARTS)]
        return self.started, b"".join(ordered)


def start(kb_dir: str | os.PathLike[str]) -> Pending | None:
    """Start taking the folder's snapshot beside the caller, where processes can fork."""
    if not hasattr(os, "fork") or not os.path.isdir(kb_dir):
        return None
    return Pending(os.fspath(kb_dir))


# The snapshot the launcher started for a knowledge-base folder, before its imports.
_started: dict[str, Pending] = {}


def begin(kb_dir: str | os.PathLike[str]) -> None:
    """Start the snapshot of ``kb_dir`` for the reading command about to run."""
    pending = start(kb_dir)
    if pending is not None:
        _started[os.path.normpath(kb_dir)] = pending


def take(kb_dir: str | os.PathLike[str]) -> Pending | None:
    """The snapshot :func:`begin` started for ``kb_dir``, once."""
    return _started.pop(os.path.normpath(kb_dir), None)
