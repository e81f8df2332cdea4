"""``kb list``, ``kb show`` and ``kb open``: recaps by filters, one recap by reference."""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from kb.config import Location
from kb.errors import NotFoundError
from kb.i18n import _, ngettext, number
from kb.search.filters import Filters, where_clause
from kb.text.fold import close_matches

_LIST_COLUMNS = "id, date, basin, kind, title, edition, participants, actions, path"


def list_recaps(
    conn: sqlite3.Connection, *, filters: Filters | None = None
) -> list[dict[str, Any]]:
    """Recaps matching the filters, oldest first."""
    where, params = where_clause(filters or Filters())
    rows = conn.execute(
        f"SELECT {_LIST_COLUMNS} FROM recaps r WHERE 1 = 1{where} ORDER BY date, basin", params
    )
    return [_decoded(row) for row in rows]


def _decoded(row: sqlite3.Row) -> dict[str, Any]:
    import json  # lazy: a search needs none

    out = dict(row)
    for key in ("team", "support_group", "actions", "tags"):
        if key in out:
            out[key] = json.loads(out[key]) if out[key] else []
    return out


def find_recap(conn: sqlite3.Connection, loc: Location, ref: str) -> dict[str, Any]:
    """One recap by id, file path, unambiguous id prefix, or number in the last search
    shown on a terminal (see kb.search.last)."""
    from kb.search.last import result_id

    picked = result_id(loc.index_file, ref)
    if picked is None:
        return get_recap(conn, loc, ref)
    try:
        return get_recap(conn, loc, picked)
    except NotFoundError:
        raise NotFoundError(
            _(
                "result {ref} of the last search, {id}, is no longer in the knowledge base; "
                "search again"
            ).format(ref=ref, id=picked)
        ) from None


def get_recap(conn: sqlite3.Connection, loc: Location, ref: str) -> dict[str, Any]:
    """One recap by id, file path, or unambiguous id prefix: all its fields."""
    rel = _as_relpath(loc, ref)
    row = conn.execute("SELECT * FROM recaps WHERE id = ? OR path = ?", (ref, rel)).fetchone()
    if row is None:
        key = ref.removesuffix(".md")
        like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = conn.execute(
            "SELECT * FROM recaps WHERE id LIKE ? ESCAPE '\\' ORDER BY id", (like,)
        ).fetchall()
        if len(rows) > 1:
            names = ", ".join(r["id"] for r in rows[:6])
            raise NotFoundError(
                ngettext(
                    "{ref!r} matches {n} recap ({ids}); give more of the id",
                    "{ref!r} matches {n} recaps ({ids}); give more of the id",
                    len(rows),
                ).format(ref=ref, n=number(len(rows)), ids=names)
            )
        if not rows:
            ids = [r[0] for r in conn.execute("SELECT id FROM recaps")]
            raise NotFoundError(_no_recap(ref, close_matches(ref, ids)))
        row = rows[0]
    out = _decoded(row)
    del out["n"]
    out.pop("text", None)  # an old column, no longer written
    return out


def _no_recap(ref: str, close: list[str]) -> str:
    if not close:
        return _("no recap {ref!r}; `kb list` shows the ids").format(ref=ref)
    words = close[0]
    for word in close[1:]:  # a or b or c
        words = _("{words} or {last}").format(words=words, last=word)
    return _("no recap {ref!r} (did you mean {words}?); `kb list` shows the ids").format(
        ref=ref, words=words
    )


def _as_relpath(loc: Location, ref: str) -> str | None:
    if not (ref.endswith(".md") or os.sep in ref or "/" in ref):
        return None
    try:
        from pathlib import Path  # lazy: only for a reference given as a path

        return Path(os.path.relpath(Path(ref).resolve(), loc.kb_dir.resolve())).as_posix()
    except ValueError:
        return None
