"""French dates in text: "20 février 2025", "1er juin", "13/02/2025", "2025-02-13".

``find_dates`` finds them in a text, ``parse_date`` reads the one a person typed. Which
date is the workshop's is decided by kb.recaps.facts, not here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from kb.errors import UsageError
from kb.i18n import N_, _, number
from kb.text.fold import fold

MONTHS = {
    "janvier": 1,
    "janv": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
MONTH_NAMES = (
    *("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"),
    *("septembre", "octobre", "novembre", "décembre"),
)
# "1er", "1^{er}" (as the web page was saved), "1ᵉʳ", "1<sup>er</sup>"
_FIRST = r"(?:\s*(?:er|ᵉʳ|\^\{er\}|\^er|<sup>er</sup>))?"
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
# "20 et 21 février 2025", "20-21 février", "du 3 au 7 novembre": a date over several
# days; group 2 is how the days are joined ("au" for a span).
_FRENCH_DATE = re.compile(
    rf"(?<![\w/.])(?:([0-3]?\d){_FIRST}\s*(et|au|&|-|–)\s*)?"
    rf"([0-3]?\d){_FIRST}\s+([^\W\d_]{{3,9}})\.?(?:\s+(\d{{4}}))?(?!\w)",
    re.I,
)
# 13/02/2025, 13.02.2025, and with a two-digit year only when day and month have two
# digits too (13.02.25): "2.1.10" is a version number, not a day.
_NUMERIC_DATE = re.compile(
    r"(?<![\w/.])(?:([0-3]?\d)[/.]([01]?\d)[/.](\d{4})|([0-3]\d)([/.])([01]\d)\5(\d{2}))"
    r"(?![\w/]|[.,]\d)"
)
_ISO_DATE = re.compile(r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?![\w-])")


@dataclass(frozen=True)
class DateMatch:
    """A date written in a text. ``year`` is None when the text leaves it out; ``valid``
    is False for a day that does not exist (31 février)."""

    start: int
    end: int
    raw: str
    year: int | None
    month: int
    day: int
    last_day: int | None = None  # a date over several days: its last day
    joiner: str = ""  # how the days are joined: "au" (a span), "et", "-"

    @property
    def span(self) -> bool:
        """Several days: "du 3 au 7 novembre", "20 et 21 février"."""
        return self.last_day is not None

    @property
    def valid(self) -> bool:
        return day_problem(self.year or 2000, self.month, self.day) is None

    def on(self, year: int) -> dt.date:
        return dt.date(year, self.month, self.day)


# The months as kb's messages name them ("February 2025 has 28 days").
_MONTHS_SHOWN = (
    *(N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June")),
    *(N_("July"), N_("August"), N_("September"), N_("October"), N_("November")),
    N_("December"),
)


def day_problem(year: int, month: int, day: int) -> str | None:
    """What is wrong with a day that does not exist (a message), or None."""
    if not 1 <= month <= 12:
        return _("there is no month {month}").format(month=month)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return _("{month} {year} has {days} days").format(
            month=_(_MONTHS_SHOWN[month - 1]), year=year, days=number(last)
        )
    return None


def find_dates(text: str) -> list[DateMatch]:
    """Every date in ``text`` ("20 février 2025", "1er juin", "13/02/2025", "13.02.25",
    "2025-02-13"), in order of appearance. A date over several days ("20 et 21
    février") is one match, on its first day."""
    found = []
    for m in _FRENCH_DATE.finditer(text):
        month = MONTHS.get(fold(m.group(4)))
        if month is not None:
            year = int(m.group(5)) if m.group(5) else None
            first, joiner, last = m.group(1), (m.group(2) or "").lower(), int(m.group(3))
            day = int(first) if first else last
            found.append(
                DateMatch(
                    m.start(),
                    m.end(),
                    m.group(0),
                    year,
                    month,
                    day,
                    last if first else None,
                    joiner,
                )
            )
    for m in _NUMERIC_DATE.finditer(text):
        if m.group(1):
            day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        else:  # a two-digit year: this century's
            day, month, year = int(m.group(4)), int(m.group(6)), 2000 + int(m.group(7))
        found.append(DateMatch(m.start(), m.end(), m.group(0), year, month, day))
    for m in _ISO_DATE.finditer(text):
        year, month, day = (int(g) for g in m.groups())
        found.append(DateMatch(m.start(), m.end(), m.group(0), year, month, day))
    return sorted(found, key=lambda d: d.start)


_WEEKDAY_FIRST = re.compile(rf"^(?:{'|'.join(WEEKDAYS)})\s+", re.I)


def parse_date(text: str, *, option: str = "--date") -> str:
    """A day the user typed (2025-02-20, 20/02/2025, 20.02.25, "jeudi 20 février 2025")
    as ISO text."""
    value = _WEEKDAY_FIRST.sub("", text.strip())
    dates = [d for d in find_dates(value) if d.year is not None and not d.span]
    if len(dates) != 1 or dates[0].raw.strip() != value:
        raise UsageError(
            _(
                "{option} {text!r}: expected a date like 2025-02-20, 20/02/2025 or 20 février 2025"
            ).format(option=option, text=text)
        )
    date = dates[0]
    assert date.year is not None
    problem = day_problem(date.year, date.month, date.day)
    if problem:
        raise UsageError(
            _("{option} {text!r}: not a real day ({problem})").format(
                option=option, text=text, problem=problem
            )
        )
    return date.on(date.year).isoformat()
