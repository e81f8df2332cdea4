"""Bring the index in line with the folder: what changed, re-read, written."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from kb.config import Location
from kb.errors import ConfigError, RecapError
from kb.i18n import _
from kb.index.folder import RACY_NS, files, listing_file, snapshot
from kb.index.gate import reading
from kb.index.schema import (
    A_FOLDER,
    SQLITE_FULL,
    SQLITE_HEADER,
    SQLITE_READONLY,
    SQLITE_READONLY_DBMOVED,
    DamagedIndex,
    connect,
    damaged,
    meta_text,
    meta_value,
    set_meta,
    store,
    stored,
    vocabulary,
)
from kb.recaps.vocab import load_vocabulary

if TYPE_CHECKING:
    from pathlib import Path

    from kb.index.prepare import Prepared


# Bump when what is stored for a recap changes: every index is then rebuilt on next use.
# 10: word vectors (8), links out of the folder read only if kb.yml says so (9), and
# each recap's kind and publication date: an index any of them made is made again.
# 11: each section's heading key (kb.search.meaning.related).
INDEXER = "11"

BATCH = 500
REOPEN = 3  # times a sync opens the index again when a rebuild replaced it meanwhile


Progress = Callable[[int, int], None]


@dataclass
class SyncReport:
    """What a sync did. ``problems`` holds one line per invalid file."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)
    rebuilt: str | None = None  # why the index was made again: what was wrong with it
    meanings: int = 0  # sections whose meaning vector was computed (not kept, not carried)

    @property
    def invalid(self) -> int:
        return len(self.problems)

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged


def _stat_key(path: str) -> str:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "absent"
    except OSError as exc:  # a link in a loop, say: reading it says what is wrong
        return f"unreadable:{exc.errno}"
    return f"{st.st_size}:{st.st_mtime_ns}"


def sync(
    loc: Location,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    seen: Snapshot | None = None,
) -> SyncReport:
    """Bring the index in line with the folder; return what changed.

    Files are re-read when their size or mtime changed, and re-indexed when their content
    hash changed. Invalid files are reported (and not indexed) on every sync until fixed.
    Runs in one transaction: an interrupted sync leaves the previous index. A rebuild, a
    first index, or a new kb.yml or kb version is written to a new file that replaces the
    old one when complete. ``seen``: the folder's snapshot, when the caller took it.
    """
    tidy(loc.index_file)
    try:
        try:
            return _sync_or_build(loc, rebuild=rebuild, progress=progress, seen=seen)
        except (DamagedIndex, sqlite3.DatabaseError) as exc:
            why = _damage(exc)
            if why is None or not replaceable(loc):
                raise
        # A cache that cannot be read any more: made again, from the recaps.
        report = _build(loc, progress, seen)
        report.rebuilt = why
        return report
    except sqlite3.OperationalError as exc:
        raise _unwritable(loc, exc) from None


def _sync_or_build(
    loc: Location, *, rebuild: bool, progress: Progress | None, seen: Snapshot | None
) -> SyncReport:
    if rebuild or not os.path.exists(loc.index_file):
        return _build(loc, progress, seen)
    for attempt in range(1, REOPEN + 1):
        with reading(loc.index_file):  # no rebuild renames a file over it meanwhile
            conn = connect(loc.index_file)
            try:
                if meta_text(conn, "vocabulary_stat") != _data_key(loc):
                    break
                return _sync(conn, loc, rebuild=False, progress=progress, seen=seen)
            except sqlite3.OperationalError as exc:
                # Another kb renamed a rebuilt index over the file this one had open (a
                # kb that does not wait for kb.index.gate): the new file is the index.
                if attempt == REOPEN or not _moved(exc):
                    raise
            finally:
                conn.close()
    # kb.yml edited, or an index made by another version of kb: every recap again,
    # into a fresh file (much faster than deleting every row of the old one).
    return _build(loc, progress, seen)


def _moved(exc: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused a write because the file was replaced since it was opened."""
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return bool(code == SQLITE_READONLY_DBMOVED)
    return "readonly database" in str(exc)


def _damage(exc: Exception) -> str | None:
    """What is wrong with an index that cannot be read, or None if it is not damaged."""
    if isinstance(exc, DamagedIndex):
        return exc.reason
    if isinstance(exc, sqlite3.DatabaseError) and damaged(exc):
        return str(exc)
    return None


def replaceable(loc: Location) -> bool:
    """Whether a damaged index may be replaced by a new one: where kb chose to keep it,
    or a file SQLite wrote (or an empty one). A file the user named that is something
    else may be theirs (``--db notes.txt``): kb does not overwrite it."""
    if loc.origin in ("", "cache"):
        return True
    try:
        with open(loc.index_file, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError:
        return False
    return SQLITE_HEADER.startswith(head)


def _unwritable(loc: Location, exc: sqlite3.OperationalError) -> Exception:
    """A write the index's place refused, as the one line to show; other errors as they
    are (a lock held too long, say)."""
    code = getattr(exc, "sqlite_errorcode", 0)
    if code & 0xFF == SQLITE_FULL or "database or disk is full" in str(exc):
        return _full(loc, _("no space left on the device"))
    if code & 0xFF == SQLITE_READONLY or "readonly database" in str(exc):
        return _cannot_write(loc, _("read-only"))
    return exc


def _cannot_write(loc: Location, why: str) -> ConfigError:
    return ConfigError(
        _(
            "index {path}: cannot be written ({reason}); the index is as it was and "
            "the recaps untouched: pass --db elsewhere"
        ).format(path=loc.index_file, reason=why)
    )


def _full(loc: Location, why: str) -> ConfigError:
    return ConfigError(
        _(
            "index {path}: cannot be written ({reason}); the index is as it was and "
            "the recaps untouched: free some space, or pass --db elsewhere"
        ).format(path=loc.index_file, reason=why)
    )


# When a snapshot of the folder was taken (ns), and the snapshot (see kb.index.folder).
Snapshot = tuple[int, bytes]


class State(NamedTuple):
    """What the index was synced from, and the report of that sync, read in the same
    transaction as an answer: :func:`settled` then says whether the answer was up to
    date with the folder."""

    data_key: str | None
    folder: bytes | None
    report: SyncReport


def state(conn: sqlite3.Connection) -> State:
    problems = stored(conn, "problems", [])
    recaps = conn.execute("SELECT count(*) FROM files").fetchone()[0]
    return State(
        meta_text(conn, "vocabulary_stat"),
        _snapshot(conn),
        SyncReport(unchanged=recaps, problems=problems),
    )


def outdated(loc: Location, was: State) -> bool:
    """Whether the index was made from another kb.yml or by another kb: whatever the
    folder holds, it must be synced before it is asked anything."""
    return was.data_key != _data_key(loc)


def settled(loc: Location, was: State, seen: Snapshot) -> SyncReport | None:
    """The report of a sync with nothing to do when the index, as it was in ``was``,
    matched the folder as ``seen``; None when a sync is needed."""
    return _unchanged(was, _data_key(loc), seen[1])


def _unchanged(was: State, data_key: str, folder: bytes) -> SyncReport | None:
    return was.report if (was.data_key, was.folder) == (data_key, folder) else None


def _build(loc: Location, progress: Progress | None, seen: Snapshot | None) -> SyncReport:
    """A whole index in a fresh file, then renamed over the old one.

    Nothing else can read the fresh file before the rename, so it needs no rollback
    journal and no flush to disk until the end: the slowest parts of a large write.
    """
    from kb.index import fts

    if os.path.isdir(loc.index_file):  # no file can be renamed over it
        raise ConfigError(_(A_FOLDER).format(path=loc.index_file))
    fresh = loc.db.with_name(f"{loc.db.name}.new-{os.getpid()}")
    try:
        os.makedirs(fresh.parent, exist_ok=True)
        fresh.unlink(missing_ok=True)
    except OSError as exc:  # a folder that cannot be written: read-only, say
        raise _cannot_write(loc, exc.strerror or str(exc)) from None
    seen = seen or snapshot(loc.folder, listing_file(loc.index_file))
    made_from = (_data_key(loc), seen[1])
    try:
        conn = connect(fresh)
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            fts.for_bulk_writes(conn)
            report = _sync(conn, loc, rebuild=True, progress=progress, seen=seen, carry=loc.db)
            conn.execute("PRAGMA synchronous = FULL")
        finally:
            conn.close()
        try:
            with open(fresh, "rb+") as handle:
                os.fsync(handle.fileno())
            _replace(fresh, loc.db, lambda: _caught_up(fresh, loc, made_from, report))
        except OSError as exc:  # a full disk, or an index file that cannot be replaced
            why = exc.strerror or str(exc)
            raise (_full if exc.errno == errno.ENOSPC else _cannot_write)(loc, why) from None
    finally:
        with contextlib.suppress(OSError):  # what went wrong was said above
            fresh.unlink(missing_ok=True)
    return report


def _caught_up(
    fresh: Path, loc: Location, made_from: tuple[str, bytes], report: SyncReport
) -> None:
    """The fresh file brought in line with the folder as it is now, just before the
    rename: a command that synced the old index after this rebuild took its snapshot,
    then asks the index, must not read a file older than what it synced. ``made_from``:
    the kb.yml and the folder the file was made from."""
    now = snapshot(loc.folder, listing_file(loc.index_file))
    if (_data_key(loc), now[1]) == made_from:
        return  # nothing changed since
    conn = connect(fresh)
    try:
        report.problems = _sync(conn, loc, rebuild=False, progress=None, seen=now).problems
    finally:
        conn.close()


def _replace(fresh: Path, db: Path, last: Callable[[], None] = lambda: None) -> None:
    """Rename ``fresh`` over ``db`` when no kb has a connection to ``db`` open
    (kb.index.gate: one opened before would take the new file's journal for its own),
    after ``last`` (which then has the index to itself), and drop any journal a killed
    sync left: it belongs to the old file and would be played back into the new one.
    This process has no connection to ``db`` open either: Windows refuses to rename
    over an open file."""
    from kb.index.gate import replacing

    with replacing(os.fspath(db)):
        last()
        _rename(fresh, db)
        for suffix in ("-journal", "-wal", "-shm"):
            db.with_name(db.name + suffix).unlink(missing_ok=True)


def _rename(fresh: Path, db: Path) -> None:
    """``os.replace``; on Windows, where another process's open connection refuses it
    (and kb.index.gate has no lock to wait on), tried again for up to ten seconds."""
    for _attempt in range(100 if os.name == "nt" else 0):
        try:
            os.replace(fresh, db)
            return
        except PermissionError:
            time.sleep(0.1)
    os.replace(fresh, db)


def tidy(index_file: str) -> None:
    """Remove what kb processes killed midway left beside the index: a rebuild's fresh
    file (``index.sqlite.new-PID``, and its journal) and a listing being written
    (``index.sqlite.listing.PID``), when process PID is gone. One listing of the index's
    folder: every command does it, so that no such file outlives the next command."""
    folder, name = os.path.split(index_file)
    try:
        entries = os.listdir(folder or ".")
    except OSError:
        return
    for entry in entries:
        if not entry.startswith(name) or entry == name:
            continue
        pid = _writer_pid(entry[len(name) :])
        if pid is not None and not _alive(pid):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, entry))


def _writer_pid(suffix: str) -> int | None:
    """The process id in the name of a file kb writes beside the index, if any."""
    for start in (".new-", ".listing."):
        if suffix.startswith(start):
            pid = suffix[len(start) :].removesuffix("-journal")
            return int(pid) if pid.isdigit() else None
    return None


def _alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill would stop it; an open file cannot be removed there
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's
    return True


def _sync(
    conn: sqlite3.Connection,
    loc: Location,
    *,
    rebuild: bool,
    progress: Progress | None,
    seen: Snapshot | None,
    carry: Path | None = None,
) -> SyncReport:
    """``carry``: an older index to take the meaning vectors of unchanged sections from."""
    data_key = _data_key(loc)
    # The whole folder's stat, as bytes: when it equals the last sync's, nothing changed,
    # and the check costs one comparison instead of a lookup per file.
    started, folder = seen or snapshot(loc.folder, listing_file(loc.index_file))
    if not rebuild:
        report = _settled(conn, data_key, folder)
        if report is not None:
            return report
    disk = files(folder)

    conn.execute("BEGIN IMMEDIATE")
    try:
        # Under the write lock: another kb may have synced while this one waited.
        if not rebuild:
            report = _settled(conn, data_key, folder)
            if report is not None:
                conn.execute("COMMIT")
                return report
        fresh = not rebuild and data_key == meta_text(conn, "vocabulary_stat")
        known = (
            {
                row[0]: (row[1], row[2], row[3])
                for row in conn.execute("SELECT path, size, mtime_ns, hash FROM files")
            }
            if fresh
            else {}
        )
        changed = sorted(p for p, st in disk.items() if known.get(p, (None, None))[:2] != st)
        removed = [p for p in known if p not in disk]
        vocab = vocabulary(conn)
        if not fresh:
            vocab = load_vocabulary(loc.data_file)
            store(conn, "vocabulary", vocab.to_dict())
            set_meta(conn, "vocabulary_stat", data_key)
            for table in ("files", "recap_actions", "sections", "recaps"):
                conn.execute(f"DELETE FROM {table}")
        report = SyncReport(removed=len(removed), unchanged=len(disk) - len(changed))
        for path in removed:
            _forget(conn, path)
        writer = _Writer(conn)
        racy = started - RACY_NS
        from kb.index.prepare import prepare_all

        digests = {path: known[path][2] for path in changed if path in known}
        prepared = prepare_all(loc.folder, vocab, changed, digests)
        vanished = False
        for done, item in enumerate(prepared, 1):
            if item.gone:  # removed since the snapshot: as if it had not been seen
                vanished = True
                if item.path in known:
                    _forget(conn, item.path)
                    report.removed += 1
            else:
                size, mtime = disk[item.path]
                # A file changed in the same clock tick as this sync could change again
                # without its stat showing it: remember no time for it, so the next sync
                # re-reads it (and finds it unchanged by its hash).
                stat = (size, mtime if mtime < racy else -1)
                _sync_file(conn, loc, item, stat, known.get(item.path), writer, report)
            if progress is not None:
                progress(done, len(changed))
        writer.flush()
        from kb.index import vectors

        if report.updated or report.removed:
            vectors.forget_unused(conn)
        report.meanings = vectors.fill(conn, carry=carry, progress=progress)
        # The snapshot stands for the index only if nothing in it can change unseen, and
        # if the index holds what it saw (a file that vanished since is not indexed).
        recent = vanished or any(mtime >= racy for _, mtime in disk.values())
        set_meta(conn, "snapshot", b"" if recent else folder)
        store(conn, "problems", report.problems)
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
            conn.execute("ROLLBACK")
        # A disk full once the transaction's pages spilled into the file leaves the
        # journal for the next reader to roll back: this read does it now, and removes
        # the journal, so that the index is left as it was.
        with contextlib.suppress(sqlite3.Error):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        raise
    return report


def _data_key(loc: Location) -> str:
    """What the index was made from, besides the recaps: kb's indexer and kb.yml."""
    return f"{INDEXER}:{_stat_key(loc.data_file)}"


def _settled(conn: sqlite3.Connection, data_key: str, folder: bytes) -> SyncReport | None:
    """The report of a sync with nothing to do, or None when there is something to do."""
    return _unchanged(state(conn), data_key, folder)


def _snapshot(conn: sqlite3.Connection) -> bytes | None:
    value = meta_value(conn, "snapshot")
    return value if isinstance(value, bytes) and value else None


def _sync_file(
    conn: sqlite3.Connection,
    loc: Location,
    item: Prepared,
    stat: tuple[int, int],
    before: tuple[int, int, str] | None,
    writer: _Writer,
    report: SyncReport,
) -> None:
    path = item.path
    if item.digest is not None and before is not None and before[2] == item.digest:
        # Touched but not changed: remember the new stat so the next check is cheap.
        conn.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", (*stat, path))
        report.unchanged += 1
        return
    try:
        if item.rows is None:
            raise RecapError(loc.shown(path), "")  # item.problem says what
        writer.check_unique(loc, item.rows.id, path)
    except RecapError as exc:
        report.problems.append(item.problem or str(exc))
        if before is not None:
            _forget(conn, path)
        return
    if before is not None:  # a path the index has not seen has nothing to forget
        _forget(conn, path)
    writer.add(item, stat)
    if before is None:
        report.added += 1
    else:
        report.updated += 1


def _forget(conn: sqlite3.Connection, path: str) -> None:
    row = conn.execute("SELECT recap_id FROM files WHERE path = ?", (path,)).fetchone()
    conn.execute("DELETE FROM files WHERE path = ?", (path,))
    if row is not None:
        for table in ("recap_actions", "sections"):
            conn.execute(f"DELETE FROM {table} WHERE recap_id = ?", (row[0],))
        conn.execute("DELETE FROM recaps WHERE id = ?", (row[0],))


class _Writer:
    """Buffers new rows and writes them in batches (the schema is sqlite-utils').

    Recaps get their row number here (``recaps.n``, also the rowid of their FTS row),
    so the FTS rows are written without reading anything back. Plain executemany:
    sqlite-utils' insert_all re-derives the statement and converts every value, a
    measurable share of a rebuild."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        from kb.index.fts import COLUMNS
        from kb.index.prepare import RECAP_COLUMNS

        self.conn = conn
        self.pending: dict[str, str] = {}  # recap id -> path, not yet written
        self.next_n = conn.execute("SELECT coalesce(max(n), 0) + 1 FROM recaps").fetchone()[0]
        self.tables: dict[str, tuple[str, list[tuple[Any, ...]]]] = {
            table: (
                f"INSERT INTO {table} ({', '.join(columns)})"
                f" VALUES ({', '.join('?' * len(columns))})",
                [],
            )
            for table, columns in (
                ("recaps", ("n", *RECAP_COLUMNS)),
                ("recaps_fr", ("rowid", *COLUMNS)),
                ("sections", ("recap_id", "position", "heading", "text", "digest", "heading_key")),
                ("recap_actions", ("recap_id", "action", "sections")),
                ("files", ("path", "size", "mtime_ns", "hash", "recap_id")),
            )
        }

    def check_unique(self, loc: Location, recap_id: str, path: str) -> None:
        other = self.pending.get(recap_id)
        if other is None:
            row = self.conn.execute(
                "SELECT path FROM recaps WHERE id = ? AND path != ?", (recap_id, path)
            ).fetchone()
            other = None if row is None else row[0]
        if other is not None:
            raise RecapError(
                loc.shown(path),
                _(
                    "id {id!r} is already used by {path}; two recaps cannot have the same file name"
                ).format(id=recap_id, path=loc.shown(other)),
            )

    def add(self, item: Prepared, stat: tuple[int, int]) -> None:
        rows, digest = item.rows, item.digest
        assert rows is not None and digest is not None
        n, self.next_n = self.next_n, self.next_n + 1
        self.pending[rows.id] = item.path
        self.tables["recaps"][1].append((n, *rows.recap))
        self.tables["recaps_fr"][1].append((n, *rows.fts))
        self.tables["sections"][1].extend((rows.id, *section) for section in rows.sections)
        self.tables["recap_actions"][1].extend((rows.id, *link) for link in rows.actions)
        self.tables["files"][1].append((item.path, *stat, digest, rows.id))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for sql, rows in self.tables.values():
            self.conn.executemany(sql, rows)
            rows.clear()
        self.pending.clear()
