"""Counts beside a list of recaps: how many there are per basin, per action and per year.

Each dimension is counted over the recaps that pass the other filters (the basins' counts
ignore the basin filter, and so on), so the counts say what choosing another value would
give; the recaps counted are those that match the query, when there is one.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from kb.recaps.vocab import Vocabulary
from kb.search.filters import Filters


@dataclass(frozen=True)
class Facet:
    value: str  # slug or year
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facets:
    basins: list[Facet]
    actions: list[Facet]
    years: list[Facet]
    total: int  # recaps that pass every filter
    # The kinds of texts (kb.recaps.recap.KINDS), listed when there are several or one is
    # chosen: a knowledge base of workshop recaps only shows none.
    kinds: list[Facet] = field(default_factory=list)


def facets(
    conn: sqlite3.Connection,
    vocab: Vocabulary,
    *,
    filters: Filters,
    among: Collection[str] | None = None,
) -> Facets:
    """The counts for the recaps ``among`` these ids (every recap when None), with the
    values the vocabulary knows in its order, years latest first. A value is listed when
    some recap has it, or when it is the one chosen."""
    linked: dict[str, set[str]] = defaultdict(set)
    for recap_id, action in conn.execute("SELECT recap_id, action FROM recap_actions"):
        linked[recap_id].add(action)
    basins: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    years: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    total = 0
    for recap_id, basin, date, kind in conn.execute("SELECT id, basin, date, kind FROM recaps"):
        if among is not None and recap_id not in among:
            continue
        in_basin = not filters.basin or basin == filters.basin
        in_action = not filters.action or filters.action in linked[recap_id]
        in_dates = (not filters.since or date >= filters.since) and (
            not filters.until or date <= filters.until
        )
        if in_basin and in_action and in_dates:
            kinds[kind] += 1
        if filters.kind and kind != filters.kind:
            continue
        if in_action and in_dates:
            basins[basin] += 1
        if in_basin and in_dates:
            actions.update(linked[recap_id])
        if in_basin and in_action:
            years[date[:4]] += 1
        total += in_basin and in_action and in_dates
    chosen_year = _year(filters)
    return Facets(
        basins=[
            Facet(b.slug, b.name, basins[b.slug], b.slug == filters.basin)
            for b in vocab.basins
            if basins[b.slug] or b.slug == filters.basin
        ],
        actions=[
            Facet(a.slug, a.name, actions[a.slug], a.slug == filters.action)
            for a in vocab.actions
            if actions[a.slug] or a.slug == filters.action
        ],
        years=[
            Facet(year, year, years[year], year == chosen_year)
            for year in sorted({*years, *filter(None, [chosen_year])}, reverse=True)
        ],
        total=total,
        kinds=_kinds(kinds, filters.kind),
    )


def _kinds(counts: Counter[str], chosen: str | None) -> list[Facet]:
    from kb.recaps.recap import KINDS

    if len(counts) < 2 and not chosen:
        return []
    return [
        Facet(kind, KIND_FR[kind], counts[kind], kind == chosen)
        for kind in KINDS
        if counts[kind] or kind == chosen
    ]


# The kinds as the (French) web pages name them.
KIND_FR = {
    "workshop": "Atelier du Changement",
    "concertation": "Concertation",
    "report": "Rapport d'activités",
    "colloquium": "Colloque",
    "news": "Actualité",
    "presentation": "Page de présentation",
    "press": "Article de presse",
    "newsletter": "Newsletter",
}


def _year(filters: Filters) -> str | None:
    """The year the date filters span, when they span exactly one."""
    since, until = filters.since or "", filters.until or ""
    if since[:4] and since[:4] == until[:4] and since[4:] == "-01-01" and until[4:] == "-12-31":
        return since[:4]
    return None
