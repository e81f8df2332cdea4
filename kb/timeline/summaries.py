"""A summary per basin and per action, read from the index."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from kb.recaps.vocab import Vocabulary
from kb.timeline.agenda import announced_meetings
from kb.timeline.entries import recap_rows, status


def basins_summary(
    conn: sqlite3.Connection, vocab: Vocabulary, *, today: dt.date
) -> list[dict[str, Any]]:
    """Per basin of the vocabulary (those without recap too): number of recaps, first and
    last date, latest edition, participants per workshop, latest team, next meeting, and
    the meetings announced that took place with no recap (the agenda's ``missing``)."""
    by_basin: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for row in recap_rows(conn, None):
        if row["kind"] == "workshop":  # editions and participants are the workshops'
            by_basin[row["basin"]].append(row)
    out = []
    for basin in vocab.basins:
        rows = by_basin.get(basin.slug, [])
        editions = [r["edition"] for r in rows if r["edition"] is not None]
        teams = [json.loads(r["team"] or "[]") for r in rows]
        out.append(
            {
                "basin": basin.slug,
                "name": basin.name,
                "recaps": len(rows),
                "first": rows[0]["date"] if rows else None,
                "last": rows[-1]["date"] if rows else None,
                "latest_edition": editions[-1] if editions else None,
                "participants": [r["participants"] for r in rows],
                "workshops": [
                    {
                        "id": r["id"],
                        "date": r["date"],
                        "edition": r["edition"],
                        "participants": r["participants"],
                    }
                    for r in rows
                ],
                "team": next((t for t in reversed(teams) if t), []),
                "next_meeting": _next_meeting(rows, today),
                "missing_recaps": _missing_recaps(rows, today),
            }
        )
    return out


def _next_meeting(rows: Sequence[sqlite3.Row], today: dt.date) -> dict[str, Any] | None:
    """The meeting the latest recap announces, unless it took place."""
    if not rows or not rows[-1]["next_meeting"]:
        return None
    latest = rows[-1]
    day, _, time = latest["next_meeting"].partition("T")
    held = [dt.date.fromisoformat(r["date"]) for r in rows]
    kind = status(dt.date.fromisoformat(day), held, today)
    if kind == "held":
        return None
    return {
        "date": day,
        "time": time or None,
        "place": latest["next_meeting_place"],
        "status": kind,
        "announced_by": latest["id"],
    }


def _missing_recaps(rows: Sequence[sqlite3.Row], today: dt.date) -> list[dict[str, Any]]:
    """The meetings the basin's recaps announce whose day has passed with no recap dated
    near it, oldest first: as the agenda says them."""
    missing = [m for m in announced_meetings(rows, today) if m.status == "missing"]
    return [
        {
            "date": m.date,
            "time": m.time,
            "place": m.place,
            "announced_by": m.announced_by,
        }
        for m in sorted(missing, key=lambda m: m.date)
    ]


def actions_summary(
    conn: sqlite3.Connection, vocab: Vocabulary, *, basin: str | None = None
) -> list[dict[str, Any]]:
    """Every action of the vocabulary, in its order: number of linked recaps, their basins,
    first and last date. With ``basin``, counted on that basin's recaps, and only the actions
    seen there or that the vocabulary says it runs."""
    rows = conn.execute(
        "SELECT a.action, r.basin, r.date FROM recap_actions a JOIN recaps r ON r.id = a.recap_id"
        " WHERE ? IS NULL OR r.basin = ? ORDER BY r.date",
        (basin, basin),
    ).fetchall()
    seen: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for row in rows:
        seen[row["action"]].append(row)
    order = [b.slug for b in vocab.basins]
    out = []
    for action in vocab.actions:
        linked = seen.get(action.slug, [])
        if basin is not None and not linked and basin not in action.basins:
            continue
        basins = {r["basin"] for r in linked}
        out.append(
            {
                "action": action.slug,
                "name": action.name,
                "aliases": list(action.aliases),
                "recaps": len(linked),
                "basins": sorted(basins, key=lambda b: order.index(b) if b in order else 99),
                "run_by": list(action.basins),
                "first": linked[0]["date"] if linked else None,
                "last": linked[-1]["date"] if linked else None,
            }
        )
    return out
