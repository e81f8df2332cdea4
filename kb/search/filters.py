"""Filters shared by search, list and timeline: basin, action, dates."""

from __future__ import annotations

from typing import Any, NamedTuple

from kb.errors import UsageError
from kb.i18n import _
from kb.recaps.vocab import Vocabulary


class Filters(NamedTuple):
    """Resolved filters; dates are inclusive ISO days."""

    basin: str | None = None
    action: str | None = None
    since: str | None = None
    until: str | None = None
    kind: str | None = None  # workshop, concertation… (kb.recaps.recap.KINDS)


def make_filters(
    vocab: Vocabulary,
    *,
    basin: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
    year: int | None = None,
    kind: str | None = None,
) -> Filters:
    """Check and resolve filter options as the user typed them."""
    start = parse_day(since, "--since", end=False) if since else None
    stop = parse_day(until, "--until", end=True) if until else None
    if year is not None:
        if not 1900 <= year <= 2999:
            raise UsageError(_("--year {year}: expected a year like 2025").format(year=year))
        start = max(filter(None, (start, f"{year}-01-01")))
        stop = min(filter(None, (stop, f"{year}-12-31")))
    return Filters(
        basin=vocab.resolve_basin(basin) if basin else None,
        action=vocab.resolve_action(action) if action else None,
        since=start,
        until=stop,
        kind=check_kind(kind) if kind else None,
    )


def check_kind(text: str, option: str = "--kind") -> str:
    """A kind of text as typed (any case): one of kb.recaps.recap.KINDS."""
    from kb.recaps.recap import KINDS

    kind = text.strip().lower()
    if kind not in KINDS:
        raise UsageError(
            _("{option} {text!r}: expected one of {kinds}").format(
                option=option, text=text, kinds=", ".join(KINDS)
            )
        )
    return kind


def parse_day(text: str, option: str, *, end: bool) -> str:
    """``2024``, ``2024-06`` or ``2024-06-10`` as an ISO day: the first of the period, or
    the last when ``end``."""
    import calendar  # lazy: only date filters need it
    import datetime as dt

    parts = text.strip().split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(parts) == 1 and len(parts[0]) == 4:
            day = dt.date(numbers[0], 12, 31) if end else dt.date(numbers[0], 1, 1)
        elif len(parts) == 2 and len(parts[0]) == 4:
            y, m = numbers
            last = calendar.monthrange(y, m)[1]
            day = dt.date(y, m, last if end else 1)
        elif len(parts) == 3:
            day = dt.date.fromisoformat(text.strip())
        else:
            raise ValueError(text)
    except ValueError:
        raise UsageError(
            _("{option} {text!r}: expected a date as YYYY, YYYY-MM or YYYY-MM-DD").format(
                option=option, text=text
            )
        ) from None
    return day.isoformat()


def where_clause(filters: Filters, alias: str = "r") -> tuple[str, list[Any]]:
    clauses, params = [], []
    if filters.basin:
        clauses.append(f"{alias}.basin = ?")
        params.append(filters.basin)
    if filters.action:
        clauses.append(
            f"EXISTS (SELECT 1 FROM recap_actions a WHERE a.recap_id = {alias}.id AND a.action = ?)"
        )
        params.append(filters.action)
    if filters.kind:
        clauses.append(f"{alias}.kind = ?")
        params.append(filters.kind)
    if filters.since:
        clauses.append(f"{alias}.date >= ?")
        params.append(filters.since)
    if filters.until:
        clauses.append(f"{alias}.date <= ?")
        params.append(filters.until)
    return "".join(f" AND {c}" for c in clauses), params
