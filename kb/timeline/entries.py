"""The timeline: recaps oldest first, the meetings they announce, the editions without a
recap, and with an action what each recap says about it. Plain data; kb.cli.timeline shows it.

"Today" is always a parameter (the CLI reads the clock or ``$KB_TODAY``), so what is
upcoming and what has no recap is reproducible.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from kb.recaps.actions import named_in_heading, named_in_text
from kb.recaps.recap import Section
from kb.recaps.vocab import Action, Vocabulary
from kb.search.filters import Filters
from kb.text.fold import fold

# An announced meeting took place when a recap of its basin is dated this close to it.
HELD_WITHIN = dt.timedelta(days=7)

OPENING_WORDS = 30


# How recaps close (team, support group, next date): text after the last `##` heading
# belongs to the last section, so a section's passage stops at the first such line.
CLOSING = (
    "l-equipe-bassin",
    "l-equipe-du-bassin",
    "le-zogab",
    "le-gab",
    "save-the-date",
    "rendez-vous-le",
    "consultez-l-agenda",
    "d-ici-la",
)


_RECAP_COLUMNS = (
    "id, date, basin, kind, title, edition, participants, team, next_meeting, next_meeting_place"
)
WORKSHOP = "workshop"  # kb.recaps.recap.WORKSHOP


@dataclass(frozen=True)
class Outline:
    """One section of a recap, as the timeline lists it: heading and first words."""

    position: int
    heading: str
    opening: str


@dataclass(frozen=True)
class Passage:
    """What a recap says about an action. ``via``: how the recap is linked to it:
    ``heading`` (the section's heading names it), ``text`` (its text does: only those lines
    are kept) or ``frontmatter`` (only ``actions:`` names it: the first section is shown)."""

    position: int
    heading: str  # "" for the introduction
    lines: tuple[str, ...]
    via: str


@dataclass
class Entry:
    """One line of the timeline: a recap, an announced meeting, or editions without recap.

    ``kind`` is ``recap``; ``upcoming`` (announced, after today); or ``missing``: a past
    announced meeting with no recap of its basin near that date, or (``date`` None,
    ``editions`` set) editions skipped between two consecutive recaps of a basin.
    """

    kind: str
    date: str | None
    basin: str
    id: str | None = None
    title: str | None = None
    edition: int | None = None
    participants: int | None = None
    sections: list[Outline] = field(default_factory=list)
    time: str | None = None
    place: str | None = None
    announced_by: str | None = None
    editions: list[int] = field(default_factory=list)
    passages: list[Passage] | None = None  # only when following an action
    recap_kind: str | None = None  # a recap's kind of text (workshop, concertation…)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "date": self.date,
            "time": self.time,
            "basin": self.basin,
            "id": self.id,
            "title": self.title,
            "edition": self.edition,
            "participants": self.participants,
            "sections": [s.heading for s in self.sections],
            "place": self.place,
            "announced_by": self.announced_by,
            "editions": self.editions,
            "recap_kind": self.recap_kind,
            # An announced meeting's state, as kb agenda and kb basins say it.
            "status": self.kind if self.date is not None and self.id is None else None,
        }
        if self.passages is not None:
            out["passages"] = [
                {
                    "position": p.position,
                    "section": p.heading or None,
                    "text": "\n".join(p.lines),
                    "via": p.via,
                }
                for p in self.passages
            ]
        return out


def timeline(
    conn: sqlite3.Connection, vocab: Vocabulary, *, filters: Filters, today: dt.date
) -> list[Entry]:
    """The recaps matching ``filters``, oldest first, with the meetings announced in them
    that are upcoming or have no recap, and the editions that have no recap.

    Following an action (``filters.action``) lists only the recaps linked to it, each with
    what it says about the action.
    """
    recaps = recap_rows(conn, filters.basin)
    # Editions, announced meetings and missing recaps are the workshops'.
    workshops = [row for row in recaps if row["kind"] == WORKSHOP]
    sections = _sections(conn, filters.basin)

    def shown(day: str) -> bool:
        return (not filters.since or day >= filters.since) and (
            not filters.until or day <= filters.until
        )

    keyed: list[tuple[tuple[str, int, int], Entry]] = []
    linked = _linked(conn, filters.action) if filters.action else None
    action = vocab.action(filters.action) if filters.action else None
    for row in recaps:
        if not shown(row["date"]) or (linked is not None and row["id"] not in linked):
            continue
        if filters.kind and row["kind"] != filters.kind:
            continue
        entry = _recap_entry(row, sections.get(row["id"], []))
        if action is not None and linked is not None:
            entry.passages = _passages(action, sections.get(row["id"], []), linked[row["id"]])
        keyed.append(((row["date"], 1, _order(vocab, row["basin"])), entry))
    if action is None and filters.kind in (None, WORKSHOP):
        for entry in announced(workshops, today):
            if entry.date is not None and shown(entry.date):
                keyed.append(((entry.date, 1, _order(vocab, entry.basin)), entry))
        for entry, after, before in _gaps(workshops):
            if shown(after) and shown(before):  # just before the recap that follows it
                keyed.append(((before, 0, _order(vocab, entry.basin)), entry))
    keyed.sort(key=lambda pair: pair[0])
    return [entry for _, entry in keyed]


def _order(vocab: Vocabulary, basin: str) -> int:
    slugs = [b.slug for b in vocab.basins]
    return slugs.index(basin) if basin in slugs else len(slugs)


def recap_rows(conn: sqlite3.Connection, basin: str | None) -> list[sqlite3.Row]:
    """Every recap of the basin (all when None), oldest first: gaps and announced meetings
    are judged on all of them, whatever the date filters."""
    return conn.execute(
        f"SELECT {_RECAP_COLUMNS} FROM recaps WHERE ? IS NULL OR basin = ? ORDER BY date, basin",
        (basin, basin),
    ).fetchall()


def _sections(conn: sqlite3.Connection, basin: str | None) -> dict[str, list[Section]]:
    rows = conn.execute(
        "SELECT s.recap_id, s.position, s.heading, s.text FROM sections s"
        " JOIN recaps r ON r.id = s.recap_id WHERE ? IS NULL OR r.basin = ?"
        " ORDER BY s.recap_id, s.position",
        (basin, basin),
    )
    out: dict[str, list[Section]] = defaultdict(list)
    for row in rows:
        out[row["recap_id"]].append(Section(row["position"], row["heading"], row["text"]))
    return out


def _linked(conn: sqlite3.Connection, action: str) -> dict[str, list[int]]:
    """recap id -> positions of the sections that mention ``action`` (may be empty)."""
    rows = conn.execute("SELECT recap_id, sections FROM recap_actions WHERE action = ?", (action,))
    return {row[0]: json.loads(row[1] or "[]") for row in rows}


def _recap_entry(row: sqlite3.Row, sections: Sequence[Section]) -> Entry:
    return Entry(
        kind="recap",
        date=row["date"],
        basin=row["basin"],
        id=row["id"],
        title=row["title"],
        edition=row["edition"],
        participants=row["participants"],
        recap_kind=row["kind"],
        sections=[
            Outline(s.position, s.heading, " ".join(s.text.split()[:OPENING_WORDS]))
            for s in sections
            if s.heading
        ],
    )


def _passages(action: Action, sections: Sequence[Section], positions: list[int]) -> list[Passage]:
    if not positions:
        return [Passage(s.position, s.heading, _lines(s.text), "frontmatter") for s in sections[:1]]
    out = []
    for section in sections:
        if section.position not in positions:
            continue
        lines = _lines(section.text)
        if named_in_heading(action, section.heading):
            out.append(Passage(section.position, section.heading, _until_closing(lines), "heading"))
        else:
            body = _until_closing(lines)
            closing = lines[len(body) :]
            said = _lines_naming(action, body)
            # What the closing says (the next meeting's programme) is shown under its own
            # first line, not under the heading of the section it happens to follow.
            announced = _lines_naming(action, closing)
            if said or not announced:
                # A name split over two lines is in the section but in none of its lines.
                out.append(Passage(section.position, section.heading, said or body, "text"))
            if announced:
                first = closing.index(announced[0])
                opener = next(
                    line
                    for line in reversed(closing[: first + 1])
                    if fold(line).startswith(CLOSING)
                )
                out.append(Passage(section.position, opener, announced, "text"))
    return out


def _until_closing(lines: tuple[str, ...]) -> tuple[str, ...]:
    """The lines before the recap's closing (team, next date), if the section holds it."""
    for i, line in enumerate(lines):
        if i and fold(line).startswith(CLOSING):
            return lines[:i]
    return lines


def _lines_naming(action: Action, lines: tuple[str, ...]) -> tuple[str, ...]:
    """The lines that name the action; one that ends with ':' brings the lines it
    introduces (up to the next such line or the recap's closing)."""
    out: list[str] = []
    listing = False
    for line in lines:
        if fold(line).startswith(CLOSING) or (listing and line.endswith(":")):
            listing = False
        if named_in_text(action, line):
            out.append(line)
            listing = line.endswith(":")
        elif listing:
            out.append(line)
    return tuple(out)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.split("\n") if line.strip())


def status(day: dt.date, held: Sequence[dt.date], today: dt.date) -> str:
    """``held`` when a recap is dated near ``day`` (``held``: the recaps' dates, sorted);
    else ``upcoming`` from today on, or ``missing`` (past, and no recap)."""
    i = bisect.bisect_left(held, day - HELD_WITHIN)
    if i < len(held) and held[i] <= day + HELD_WITHIN:
        return "held"
    return "upcoming" if day >= today else "missing"


def announced(recaps: Sequence[sqlite3.Row], today: dt.date) -> list[Entry]:
    """The meetings announced in ``recaps`` (``next_meeting``) that have no recap: upcoming
    or missing. Each (basin, day) once, as the agenda says it (kb.timeline.agenda: time and
    place of the latest recap that gives them), so both name the same meeting alike."""
    from kb.timeline.agenda import announced_meetings  # it builds on this module

    return [
        Entry(
            kind=meeting.status,
            date=meeting.date,
            time=meeting.time,
            basin=meeting.basin,
            place=meeting.place,
            announced_by=meeting.announced_by,
        )
        for meeting in announced_meetings(recaps, today)
        if meeting.status != "held"
    ]


def _gaps(recaps: Sequence[sqlite3.Row]) -> list[tuple[Entry, str, str]]:
    """Editions skipped between consecutive recaps of a basin, each with the dates of the
    recaps before and after it. A recap with no edition breaks the chain: it may be one of
    the editions in between."""
    by_basin: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for row in recaps:
        by_basin[row["basin"]].append(row)
    out = []
    for basin, rows in by_basin.items():
        for before, after in pairwise(rows):
            low, high = before["edition"], after["edition"]
            if low is not None and high is not None and high - low > 1:
                entry = Entry(
                    kind="missing", date=None, basin=basin, editions=[*range(low + 1, high)]
                )
                out.append((entry, before["date"], after["date"]))
    return out
