"""The agenda as an iCalendar file (RFC 5545), for the partners' calendar apps.

One event per announced meeting (kb.timeline.agenda), in Europe/Brussels time with the
VTIMEZONE that says what that is; all-day when the recaps give no time. The UID is the
meeting's (basin and day), so importing a newer export updates the same event instead of
adding a second one. The texts are French: they end up in the partners' calendars.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kb.recaps.vocab import Vocabulary
from kb.timeline.agenda import Meeting

if TYPE_CHECKING:
    import icalendar

TIMEZONE = "Europe/Brussels"
# A workshop's usual length, when the recap gives a start time (and never an end).
DURATION = dt.timedelta(hours=2)
PRODID = "-//Ateliers du Changement//kb//FR"
CALENDAR_NAME = "Ateliers du Changement"
SUMMARY = "Atelier du Changement — {basin}"
ANNOUNCED = "Annoncé dans « {title} » ({id})."
RECAP = "Compte rendu : {id}."


def calendar(meetings: Sequence[Meeting], vocab: Vocabulary, *, stamp: dt.datetime) -> bytes:
    """The meetings as an iCalendar file (CRLF line ends, lines folded at 75 octets).
    ``stamp``: when the file is made (its events' DTSTAMP), in UTC."""
    import icalendar  # lazy: only an export of the agenda needs it

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", CALENDAR_NAME)
    cal.add("x-wr-timezone", TIMEZONE)
    for meeting in meetings:
        cal.add_component(_event(meeting, vocab, stamp))
    if meetings:
        years = [int(m.date[:4]) for m in meetings]
        # A VTIMEZONE for the years of the meetings only (the default covers 1970-2038).
        cal.add_missing_timezones(
            first_date=dt.date(min(years) - 1, 1, 1), last_date=dt.date(max(years) + 2, 1, 1)
        )
    data: bytes = cal.to_ical()
    return data


def _event(meeting: Meeting, vocab: Vocabulary, stamp: dt.datetime) -> icalendar.Event:
    from zoneinfo import ZoneInfo

    import icalendar

    day = dt.date.fromisoformat(meeting.date)
    start: dt.date | dt.datetime
    if meeting.time:
        hour, minute = (int(part) for part in meeting.time.split(":"))
        start = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(TIMEZONE))
        end: dt.date | dt.datetime = start + DURATION
    else:
        start, end = day, day + dt.timedelta(days=1)  # DTEND of an all-day event: next day
    description = [ANNOUNCED.format(title=meeting.announced_title, id=meeting.announced_by)]
    if meeting.recap:
        description.append(RECAP.format(id=meeting.recap))
    event = icalendar.Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", stamp.astimezone(dt.timezone.utc))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", SUMMARY.format(basin=vocab.basin_name(meeting.basin)))
    if meeting.place:
        event.add("location", meeting.place)
    event.add("description", "\n".join(description))
    return event
