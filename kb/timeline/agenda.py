"""The agenda: the meetings the recaps announce (``next_meeting``), each once, with where
it stands: ``upcoming`` (from today on), ``held`` (a recap of its basin is dated near it:
the timeline's rule, :func:`kb.timeline.entries.status`) or ``missing`` (past, no recap).

A meeting is a basin and a day. Announced again (by the next recaps, or with a new time or
place), it stays the same meeting: its time and its place are those of the latest recap
that gives them, and its UID (for calendars, see kb.share.ics) does not change.
"""

from __future__ import annotations

import bisect
import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kb.search.filters import Filters
from kb.timeline.entries import HELD_WITHIN, recap_rows, status

UID_DOMAIN = "kb.ateliers-du-changement"


@dataclass(frozen=True)
class Meeting:
    """One announced meeting. ``time`` is ``HH:MM`` or None (the day only is known);
    ``recap`` is the id of the recap of the meeting, when it is ``held``."""

    date: str
    time: str | None
    basin: str
    place: str | None
    status: str
    announced_by: str
    announced_title: str = ""  # the title of the recap that announced it
    recap: str | None = None

    @property
    def uid(self) -> str:
        """The same for the same basin and day, whatever the time or place said."""
        return f"{self.date}-{self.basin}@{UID_DOMAIN}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "time": self.time,
            "basin": self.basin,
            "place": self.place,
            "status": self.status,
            "recap": self.recap,
            "announced_by": self.announced_by,
            "uid": self.uid,
        }


def agenda(
    conn: sqlite3.Connection, *, filters: Filters, today: dt.date, past: bool = False
) -> list[Meeting]:
    """The meetings announced in the basin of ``filters`` (all basins when None) and dated
    within its ``since``/``until``: the upcoming ones first, soonest first, then (with
    ``past``, or when ``filters.since`` is before today) the past ones, latest first.

    Without ``past`` or ``since``, the meetings from ``today`` on."""
    start = filters.since or (None if past else today.isoformat())
    meetings = [
        m
        for m in announced_meetings(
            [r for r in recap_rows(conn, filters.basin) if r["kind"] == "workshop"], today
        )
        if (start is None or m.date >= start) and (not filters.until or m.date <= filters.until)
    ]
    ahead = sorted((m for m in meetings if m.date >= today.isoformat()), key=_when)
    behind = sorted((m for m in meetings if m.date < today.isoformat()), key=_when, reverse=True)
    return ahead + behind


def _when(meeting: Meeting) -> tuple[str, str, str]:
    return (meeting.date, meeting.time or "", meeting.basin)


def announced_meetings(recaps: Sequence[sqlite3.Row], today: dt.date) -> list[Meeting]:
    """Each (basin, day) announced in ``recaps`` (oldest first) once, as the latest recap
    that announces it says it, with its status and, when held, its recap."""
    held: dict[str, list[tuple[str, str]]] = defaultdict(list)  # basin -> (date, id), sorted
    said: dict[tuple[str, str], list[sqlite3.Row]] = defaultdict(list)
    for row in recaps:
        held[row["basin"]].append((row["date"], row["id"]))
        if row["next_meeting"]:
            said[(row["basin"], row["next_meeting"].partition("T")[0])].append(row)
    # Each basin's recap dates once, not once per meeting (a basin of thousands of recaps).
    dates = {basin: [dt.date.fromisoformat(d) for d, _ in days] for basin, days in held.items()}
    out = []
    for (basin, day), rows in said.items():
        times = [row["next_meeting"].partition("T")[2] for row in rows]
        places = [row["next_meeting_place"] for row in rows]
        kind = status(dt.date.fromisoformat(day), dates[basin], today)
        out.append(
            Meeting(
                date=day,
                time=_latest(times),
                basin=basin,
                place=_latest(places),
                status=kind,
                announced_by=rows[-1]["id"],
                announced_title=rows[-1]["title"],
                recap=_recap_near(day, held[basin]) if kind == "held" else None,
            )
        )
    return out


def _latest(values: Sequence[str | None]) -> str | None:
    return next((v for v in reversed(values) if v), None)


def _recap_near(day: str, recaps: Sequence[tuple[str, str]]) -> str | None:
    """The id of the recap dated closest to ``day``, within HELD_WITHIN of it."""
    when = dt.date.fromisoformat(day)
    low = (when - HELD_WITHIN).isoformat()
    high = (when + HELD_WITHIN).isoformat()
    # Both ends by bisection: a scan to the end was quadratic over a basin's meetings.
    near = recaps[bisect.bisect_left(recaps, (low, "")) : bisect.bisect_right(recaps, (high, "~"))]
    if not near:
        return None
    return min(near, key=lambda r: abs((dt.date.fromisoformat(r[0]) - when).days))[1]
