"""The recaps as files to share: CSV for a spreadsheet, JSON lines for a program, one
Markdown document for people (the recaps, or what they say about an action).

Every export is made whole in memory and returned as bytes, so that nothing is written
half-way (kb.share.files writes it). The recaps are those of the filters, oldest first.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Sequence
from typing import Any

from kb.config import Location
from kb.errors import KbError, UsageError
from kb.i18n import _, day, ngettext, number
from kb.recaps.recap import FIELDS
from kb.recaps.vocab import Vocabulary
from kb.search.filters import Filters, where_clause
from kb.text.shown import one_line

FORMATS = ("csv", "jsonl", "md")
# One row per recap: its id, the frontmatter's fields (with the basin's name beside its
# slug), its file; lists are joined with LIST_SEPARATOR.
CSV_COLUMNS = ("id", *FIELDS[:2], "basin_name", *FIELDS[2:], "path")
# The keys of `kb list --json` first, then the rest.
JSON_KEYS = (
    "id",
    "date",
    "basin",
    "kind",
    "title",
    "edition",
    "participants",
    "actions",
    "path",
    "basin_name",
    "team",
    "support_group",
    "tags",
    "next_meeting",
    "next_meeting_place",
    "source",
    "published",
)
LIST_SEPARATOR = "; "
LISTS = ("team", "support_group", "actions", "tags")

_COLUMNS = (
    "id, date, basin, title, edition, participants, team, support_group, actions, tags,"
    " next_meeting, next_meeting_place, source, kind, published, path"
)
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_HEADING = re.compile(r"^(#{1,5})([ \t])")


def export_format(fmt: str | None, output: str | None) -> str:
    """The format asked for, or the one the output file's name ends with."""
    if fmt is None and output not in (None, "-"):
        fmt = os.path.splitext(str(output))[1].lstrip(".").lower() or None
        if fmt not in FORMATS:
            raise UsageError(
                _(
                    "--format: not given, and {output!r} does not end with .csv, .jsonl or "
                    ".md; give --format csv, jsonl or md"
                ).format(output=output)
            )
    if fmt is None:
        raise UsageError(_("--format: expected csv, jsonl or md"))
    if fmt not in FORMATS:
        raise UsageError(_("--format {format!r}: expected csv, jsonl or md").format(format=fmt))
    return fmt


def export(
    conn: sqlite3.Connection,
    loc: Location,
    vocab: Vocabulary,
    *,
    fmt: str,
    filters: Filters,
    today: dt.date,
) -> tuple[bytes, int]:
    """The recaps of ``filters`` in ``fmt``, and how many there are. In ``md`` with an
    action, what each recap linked to it says about it. Raises KbError when no recap
    matches: there is nothing to share."""
    rows = recaps(conn, loc, vocab, filters=filters)
    if not rows:
        raise KbError(
            _("no recap matches these filters ({filters}); nothing written").format(
                filters=describe(filters, vocab)
            )
        )
    if fmt == "csv":
        return to_csv(rows), len(rows)
    if fmt == "jsonl":
        return to_jsonl(rows), len(rows)
    if filters.action:
        return about_action(conn, vocab, filters=filters, today=today), len(rows)
    texts = [_body(loc, row["relpath"]) for row in rows]
    return to_markdown(rows, texts, vocab, filters=filters, today=today), len(rows)


def recaps(
    conn: sqlite3.Connection, loc: Location, vocab: Vocabulary, *, filters: Filters
) -> list[dict[str, Any]]:
    """Every field of the recaps of ``filters``, oldest first; ``path`` as the user sees
    it, ``relpath`` in the folder."""
    where, params = where_clause(filters)
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM recaps r WHERE 1 = 1{where} ORDER BY date, basin", params
    ).fetchall()
    out = []
    for row in rows:
        item = dict(row)
        for key in LISTS:
            item[key] = json.loads(item[key]) if item[key] else []
        item["basin_name"] = vocab.basin_name(item["basin"])
        item["relpath"] = item["path"]
        item["path"] = loc.shown(item["path"])
        out.append(item)
    return out


def to_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    """A spreadsheet's CSV: UTF-8 with a BOM (so Excel reads the accents), comma-separated,
    quoted by the csv module where needed, CRLF line ends; lists joined with "; "."""
    import csv
    import io

    out = io.StringIO(newline="")
    writer = csv.writer(out)  # the "excel" dialect: CRLF, quotes doubled inside quotes
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(row[key]) for key in CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return str(value)


def to_jsonl(rows: Sequence[dict[str, Any]]) -> bytes:
    """One JSON object per line (UTF-8), the keys of ``kb list --json`` first."""
    lines = [json.dumps({key: row[key] for key in JSON_KEYS}, ensure_ascii=False) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def describe(filters: Filters, vocab: Vocabulary, *, action: bool = True) -> str:
    """The filters in words: ``Centre-Ouest, 2025``; ``all recaps`` when there are none."""
    return ", ".join(_described(filters, vocab, action=action)) or _("all recaps")


def _described(filters: Filters, vocab: Vocabulary, *, action: bool = True) -> list[str]:
    """Each filter in words (none: no filter)."""
    parts = []
    if filters.basin:
        parts.append(vocab.basin_name(filters.basin))
    if filters.action and action:
        found = vocab.action(filters.action)
        parts.append(found.name if found else filters.action)
    since, until = filters.since, filters.until
    if (
        since
        and until
        and since[:4] == until[:4]
        and since[4:] == "-01-01"
        and until[4:] == "-12-31"
    ):
        parts.append(since[:4])
    elif since and until:
        parts.append(_("{since} to {until}").format(since=day(since), until=day(until)))
    elif since:
        parts.append(_("since {since}").format(since=day(since)))
    elif until:
        parts.append(_("until {until}").format(until=day(until)))
    return parts


def _made(today: dt.date, count: int, action: str | None = None) -> str:
    """The line under the document's title: when and from how many recaps."""
    if action is None:
        made = ngettext(
            "Made by kb on {day} from {n} recap.", "Made by kb on {day} from {n} recaps.", count
        )
    else:
        made = ngettext(
            "Made by kb on {day} from {n} recap: what each says about {action}.",
            "Made by kb on {day} from {n} recaps: what each says about {action}.",
            count,
        )
    return made.format(day=day(today.isoformat()), n=number(count), action=action)


def _facts(item: dict[str, Any], vocab: Vocabulary) -> str:
    facts = [day(item["date"]), vocab.basin_name(item["basin"])]
    if item.get("edition"):
        facts.append(_("edition {n}").format(n=item["edition"]))
    if item.get("participants") is not None:
        n = item["participants"]
        # English always wrote "participants", 1 too.
        facts.append(ngettext("{n} participants", "{n} participants", n).format(n=number(n)))
    return " · ".join(facts)


def to_markdown(
    rows: Sequence[dict[str, Any]],
    texts: Sequence[str],
    vocab: Vocabulary,
    *,
    filters: Filters,
    today: dt.date,
) -> bytes:
    """One document: a title that says which recaps, the day it was made, then each recap
    (title, date and basin, its text with its headings one level down)."""
    title = _("Recaps — {filters}").format(filters=describe(filters, vocab))
    out = [f"# {title}", "", _made(today, len(rows)), ""]
    for row, text in zip(rows, texts, strict=True):
        out += [f"## {one_line(row['title'])}", "", f"*{_facts(row, vocab)}*", ""]
        if row.get("source"):
            out += [_("Source: {source}").format(source=one_line(row["source"])), ""]
        out += [_demoted(text).strip("\n"), ""]
    return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")


def about_action(
    conn: sqlite3.Connection, vocab: Vocabulary, *, filters: Filters, today: dt.date
) -> bytes:
    """One document on an action: its name, the day it was made, then for each recap
    linked to it (oldest first) the passages that speak of it."""
    from kb.timeline.entries import timeline

    assert filters.action is not None
    action = vocab.action(filters.action)
    name = action.name if action else filters.action
    entries = [e for e in timeline(conn, vocab, filters=filters, today=today) if e.kind == "recap"]
    narrowed = _described(filters, vocab, action=False)
    title = f"{name} — {', '.join(narrowed)}" if narrowed else name
    out = [f"# {title}", "", _made(today, len(entries), action=name), ""]
    for entry in entries:
        facts = {
            "date": entry.date,
            "basin": entry.basin,
            "edition": entry.edition,
            "participants": entry.participants,
        }
        out += [f"## {one_line(entry.title or '')}", "", f"*{_facts(facts, vocab)}*", ""]
        for passage in entry.passages or ():
            heading = one_line(passage.heading) or _("Introduction")
            out += [f"### {heading}", ""]
            out += [f"- {one_line(line)}" for line in passage.lines]
            out.append("")
    return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")


def _body(loc: Location, relpath: str) -> str:
    from kb.recaps.recap import body_of

    path = os.path.join(loc.folder, relpath)
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", errors="replace")
    except OSError as exc:
        raise KbError(
            _("{path}: cannot be read ({reason}); nothing written").format(
                path=path, reason=exc.strerror
            )
        ) from None
    return body_of(text.removeprefix("\ufeff").replace("\r\n", "\n"))


def _demoted(markdown: str) -> str:
    """Headings one level down (## -> ###), outside fenced code: each recap's sections sit
    under its own title in the document."""
    out, fenced = [], False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = _HEADING.sub(r"#\1\2", line)
        out.append(line)
    return "\n".join(out)
