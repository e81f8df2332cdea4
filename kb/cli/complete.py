"""Shell completion of option values: basin and action slugs, recap ids.

Part of the typer app (``kb --install-completion``): the shell runs ``kb`` with
``_KB_COMPLETE`` set, and typer answers with these. Values are read
from the index as it is, opened read-only and never synced (a completion must be quick,
and writes nothing); without an index, basins and actions come from kb.yml or the
defaults, and no id is offered. A completion never fails: whatever goes wrong, it
offers nothing, so that no traceback ever lands on the shell's command line.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer

from kb.config import Location, locate
from kb.recaps.vocab import Vocabulary

Offers = list[tuple[str, str]]  # (value, what it is: shown by zsh, fish and PowerShell)


def basins(ctx: typer.Context) -> Offers:
    """Basin slugs (typer keeps those that start with what is typed)."""
    return _offer(ctx, lambda loc: [(b.slug, b.name) for b in _vocabulary(loc).basins])


def actions(ctx: typer.Context) -> Offers:
    """Action slugs (typer keeps those that start with what is typed)."""
    return _offer(ctx, lambda loc: [(a.slug, a.name) for a in _vocabulary(loc).actions])


def recap_ids(ctx: typer.Context, incomplete: str) -> Offers:
    """Recap ids of the index that start with ``incomplete``, with their titles."""

    def ids(loc: Location) -> Offers:
        like = incomplete.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with _index(loc) as conn:
            if conn is None:
                return []
            rows = conn.execute(
                "SELECT id, title FROM recaps WHERE id LIKE ? ESCAPE '\\' ORDER BY id", (like,)
            )
            return [(row[0], " ".join(str(row[1]).split())) for row in rows]

    return _offer(ctx, ids)


def _offer(ctx: typer.Context, find: Callable[[Location], Offers]) -> Offers:
    try:
        params = ctx.params
        return find(locate(params.get("kb_dir"), params.get("db")))
    except Exception:  # never a traceback on the shell's command line: offer nothing
        return []


@contextmanager
def _index(loc: Location) -> Iterator[sqlite3.Connection | None]:
    """The index opened read-only, or None when there is none yet."""
    if not os.path.isfile(loc.index_file):
        yield None
        return
    from pathlib import Path

    uri = Path(loc.index_file).resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        yield conn
    finally:
        conn.close()


def _vocabulary(loc: Location) -> Vocabulary:
    """The vocabulary the index was synced with, else kb.yml's (or the defaults)."""
    from kb.index.schema import stored

    with _index(loc) as conn:
        data = stored(conn, "vocabulary", None) if conn is not None else None
    if data is not None:
        return Vocabulary.from_dict(data)
    from kb.recaps.vocab import load_vocabulary

    return load_vocabulary(loc.data_file)
