"""The index's schema: numbered migrations applied when it opens, and its meta table."""

from __future__ import annotations

import marshal
import os
import sqlite3
from collections.abc import Callable
from typing import Any

from kb.errors import ConfigError
from kb.i18n import N_, _
from kb.recaps.vocab import Vocabulary, defaults

# Case and accents dropped: the index matches as a French reader searches.
TOKENIZE = "unicode61 remove_diacritics 2"


def _m001_initial(conn: sqlite3.Connection) -> None:
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("files").create(
        {"path": str, "size": int, "mtime_ns": int, "hash": str, "recap_id": str}, pk="path"
    )
    db.table("recaps").create(
        {
            "n": int,
            "id": str,
            "path": str,
            "date": str,
            "basin": str,
            "title": str,
            "edition": int,
            "participants": int,
            "team": str,
            "support_group": str,
            "actions": str,
            "tags": str,
            "next_meeting": str,
            "next_meeting_place": str,
            "source": str,
            "text": str,
        },
        pk="n",
        not_null={"id", "path", "date", "basin", "title"},
    )
    db.table("recaps").create_index(["id"], unique=True)
    db.table("recaps").create_index(["path"], unique=True)
    db.table("recaps").create_index(["date"])
    db.table("sections").create(
        {"n": int, "recap_id": str, "position": int, "heading": str, "text": str}, pk="n"
    )
    db.table("sections").create_index(["recap_id", "position"], unique=True)
    db.table("recap_actions").create({"recap_id": str, "action": str}, pk=("recap_id", "action"))
    db.table("recap_actions").create_index(["action"])
    db.table("recaps").enable_fts(
        ["title", "text"], fts_version="FTS5", tokenize=TOKENIZE, create_triggers=True
    )
    db.table("sections").enable_fts(
        ["heading", "text"], fts_version="FTS5", tokenize=TOKENIZE, create_triggers=True
    )
    # Title and heading weigh more than body text; ORDER BY rank then uses these weights.
    conn.execute("INSERT INTO recaps_fts(recaps_fts, rank) VALUES('rank', 'bm25(4.0, 1.0)')")
    conn.execute("INSERT INTO sections_fts(sections_fts, rank) VALUES('rank', 'bm25(3.0, 1.0)')")


def _m002_action_sections(conn: sqlite3.Connection) -> None:
    # Which sections of a recap talk about each linked action: a JSON list of positions,
    # empty when only the frontmatter names the action.
    conn.execute("ALTER TABLE recap_actions ADD COLUMN sections TEXT")


def _m003_french(conn: sqlite3.Connection) -> None:
    from kb.index import fts

    fts.migrate(conn)  # stems and inclusive forms beside the words


def _m004_one_word_index(conn: sqlite3.Connection) -> None:
    # The French tables hold the words as written too: the core FTS tables were a second
    # index of the same text, paid for at every write. --raw now queries the French ones.
    for table in ("recaps", "sections"):
        for suffix in ("ai", "ad", "au"):
            conn.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}")
        conn.execute(f"DROP TABLE IF EXISTS {table}_fts")


def _m005_recaps_only(conn: sqlite3.Connection) -> None:
    # Sections are matched in Python when shown (and for --raw in a temporary table):
    # their FTS table cost as much to write as the recaps' one and served only --raw.
    # A recap's whole text is in recaps_fr: the copy in recaps was never read, and is no
    # longer written.
    conn.execute("DROP TRIGGER IF EXISTS sections_fr_ad")
    conn.execute("DROP TABLE IF EXISTS sections_fr")


def _m006_browse_view(conn: sqlite3.Connection) -> None:
    # One row per recap with its year and every action linked to it (frontmatter and
    # headings, as JSON): what Datasette facets on (kb.share.datasette). Nothing stored.
    conn.execute(
        "CREATE VIEW recaps_browse AS SELECT r.n, r.id, r.date, substr(r.date, 1, 4) AS year,"
        " r.basin, r.title, r.edition, r.participants,"
        " (SELECT json_group_array(a.action) FROM recap_actions a WHERE a.recap_id = r.id)"
        " AS actions, r.next_meeting, r.next_meeting_place, r.source, r.path FROM recaps r"
    )


def _m007_meaning(conn: sqlite3.Connection) -> None:
    # Each section's meaning (kb.text.meaning): its passages' vectors and its words' rows
    # in the word table, kept by the digest of its text: a section that did not change
    # keeps them through syncs and rebuilds.
    conn.execute("ALTER TABLE sections ADD COLUMN digest TEXT")
    conn.execute(
        "CREATE TABLE vectors (digest TEXT PRIMARY KEY, vector BLOB NOT NULL, words BLOB NOT NULL)"
        " WITHOUT ROWID"
    )


def _m008_kinds(conn: sqlite3.Connection) -> None:
    # What a recap is (a workshop's, a concertation's…) and when its text was published.
    conn.execute("ALTER TABLE recaps ADD COLUMN kind TEXT NOT NULL DEFAULT 'workshop'")
    conn.execute("ALTER TABLE recaps ADD COLUMN published TEXT")


def _m009_related(conn: sqlite3.Connection) -> None:
    # What kb.search.meaning.related reads of a section: its heading as compared
    # (kb.text.fold), indexed with its recap, so whether other recaps have the same
    # heading is one lookup; its vector as a whole (the mean of its passages'), kept by
    # digest beside the vectors (in their table, it made a row of a long section spill
    # into a page of its own: the table doubled). The vectors kept get theirs now (the
    # heading keys come with the sync that the indexer's version makes).
    from kb.index import vectors

    conn.execute("ALTER TABLE sections ADD COLUMN heading_key TEXT")
    conn.execute("CREATE INDEX sections_heading_key ON sections (heading_key, recap_id)")
    conn.execute("CREATE TABLE means (digest TEXT PRIMARY KEY, mean BLOB NOT NULL) WITHOUT ROWID")
    vectors.fill_means(conn)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _m001_initial,
    _m002_action_sections,
    _m003_french,
    _m004_one_word_index,
    _m005_recaps_only,
    _m006_browse_view,
    _m007_meaning,
    _m008_kinds,
    _m009_related,
)


# The index's place holds a folder (said by connect and by a rebuild).
A_FOLDER = N_("index {path}: a folder, not kb's index file; remove it, or pass --db FILE")


class DamagedIndex(ConfigError):
    """The index file is not a database any more (truncated, overwritten): a cache that
    the sync rebuilds where it may replace the file (kb.index.sync.replaceable)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(
            _(
                "index {path}: cannot be read ({reason}); it is not kb's to replace: delete "
                "it if it was an index, or pass --db elsewhere"
            ).format(path=path, reason=reason)
        )
        self.reason = reason


# SQLite's result codes kb tells apart (https://sqlite.org/rescode.html), and how a file
# SQLite wrote starts.
SQLITE_READONLY, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_NOTADB = 8, 11, 13, 26
SQLITE_READONLY_DBMOVED = SQLITE_READONLY | 4 << 8
SQLITE_HEADER = b"SQLite format 3\x00"


def damaged(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite failed because the file is damaged (not locked, full or read-only)."""
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if code is None:  # before: these two are the only codes raised as DatabaseError itself
        return type(exc) is sqlite3.DatabaseError
    return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)


def connect(db_path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open the index (creating it and its folder), applying pending migrations.

    Raises DamagedIndex when the file is not a database, ConfigError when it cannot be
    opened (a folder, a folder that cannot be made)."""
    path = os.fspath(db_path)
    conn = None
    try:
        folder = os.path.dirname(path) or "."
        os.makedirs(folder, exist_ok=True)
        _ignore_cache_dir(folder)
        conn = sqlite3.connect(path, timeout=10, isolation_level=None)
        conn.row_factory = sqlite3.Row
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except (OSError, sqlite3.DatabaseError) as exc:
        if conn is not None:
            conn.close()
        if os.path.isdir(path):
            raise ConfigError(_(A_FOLDER).format(path=path)) from None
        if isinstance(exc, sqlite3.DatabaseError) and damaged(exc):
            raise DamagedIndex(path, str(exc)) from None
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        raise ConfigError(
            _("index {path}: cannot open it ({reason}); pass --db elsewhere").format(
                path=path, reason=reason
            )
        ) from None
    if version > len(MIGRATIONS):
        raise ConfigError(
            _(
                "index {path}: made by a newer kb (schema {version}); "
                "delete it to rebuild it, or upgrade kb"
            ).format(path=os.fspath(db_path), version=version)
        )
    for number in range(version, len(MIGRATIONS)):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[number](conn)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return conn


def _ignore_cache_dir(folder: str) -> None:
    """Keep the default cache folder out of git, whatever the repository's .gitignore."""
    ignore = os.path.join(folder, ".gitignore")
    if os.path.basename(os.path.abspath(folder)) == ".kb" and not os.path.exists(ignore):
        with open(ignore, "w", encoding="utf-8") as out:
            out.write("# kb's index: a cache rebuilt from the recaps\n*\n")


def meta_value(conn: sqlite3.Connection, key: str) -> Any:
    """A meta value as stored (text or bytes), None when there is none."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def meta_text(conn: sqlite3.Connection, key: str) -> str | None:
    value = meta_value(conn, key)
    return None if value is None else str(value)


def set_meta(conn: sqlite3.Connection, key: str, value: str | bytes) -> None:
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))


def stored(conn: sqlite3.Connection, key: str, default: Any) -> Any:
    """A value kept in meta with marshal (read without importing json). An index made
    by an older kb may hold something else: the default then (that index is rebuilt)."""
    value = meta_value(conn, key)
    try:
        return default if value is None else marshal.loads(value)
    except (TypeError, ValueError, EOFError):
        return default


def store(conn: sqlite3.Connection, key: str, value: Any) -> None:
    set_meta(conn, key, marshal.dumps(value))


def vocabulary(conn: sqlite3.Connection) -> Vocabulary:
    """The vocabulary the index was last synced with (defaults before the first sync)."""
    data = stored(conn, "vocabulary", None)
    return defaults() if data is None else Vocabulary.from_dict(data)
