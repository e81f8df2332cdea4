"""``kb search``, ``kb list``, ``kb show``, ``kb similar`` and ``kb open``: finding recaps,
and showing them (rich for people, JSON for programs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from kb.base import strip_marks
from kb.cli import console as terminal
from kb.cli.console import (
    WORKSHOP,
    as_json,
    basin_style,
    day_time,
    fitted,
    kind_label,
    knowledge_base,
    marked,
    paged,
    recap_count,
    stderr,
    stdout,
)
from kb.cli.options import (
    DEFAULT_LIMIT,
    Action,
    Basin,
    Db,
    Json,
    KbDir,
    KindOpt,
    NoColor,
    NoPager,
    RecapRef,
    Since,
    Until,
    Year,
)
from kb.i18n import N_, _, day, ngettext, number
from kb.text.shown import clean, one_line

if TYPE_CHECKING:
    from kb.base import RecapHit, Vocabulary

app = typer.Typer()
SECTIONS_SHOWN = 3  # matching sections under each recap found
SEE_ALSO = 3  # related sections under a recap shown (kb similar shows more)


@app.command(
    epilog=_("Examples: {examples}").format(
        examples=(
            'kb search helpdesk --basin sud;  kb search "portes ouvertes" --year '
            '2025;  kb search "basin:sud santé mentale -handicap"'
        )
    ),
    help=_(
        "Full-text search of the recaps, best matches first, grouped by "
        "recap.\n\nFrench-aware: plurals and other forms of a word (stems), "
        "inclusive writing, l'/d'/qu', the glossary's acronyms. Inline filters "
        "work as the options: basin:sud, action:helpdesk, year:2024, "
        "since:2024-06, until:2025; -word leaves out recaps with the word; a OR "
        "b (or a | b) finds either, and parentheses group: (helpdesk | HD) "
        "palliatifs."
    ),
)
def search(
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY",
            help=_(
                'Words (all must match), "a phrase" (exact), pref*, -word, a OR b, (a | b),'
                " basin:sud..."
            ),
        ),
    ],
    basin: Basin = None,
    action: Action = None,
    since: Since = None,
    until: Until = None,
    year: Year = None,
    kind: KindOpt = None,
    limit: Annotated[
        int, typer.Option(min=1, max=10_000, metavar="N", help=_("At most this many recaps."))
    ] = DEFAULT_LIMIT,
    raw: Annotated[bool, typer.Option("--raw", help=_("Pass QUERY to SQLite FTS5 as is."))] = False,
    words_only: Annotated[
        bool,
        typer.Option(
            "--words-only",
            help=_("Find the query's words only, not recaps that say the same in other words."),
        ),
    ] = False,
    json: Json = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_pager: NoPager = False,
    no_color: NoColor = False,
) -> None:
    query = " ".join(words)
    kb = knowledge_base(kb_dir, db)
    outcome = kb.search(
        query,
        basin=basin,
        action=action,
        since=since,
        until=until,
        year=year,
        kind=kind,
        limit=limit,
        raw=raw,
        meaning=not words_only,
        scores=json,
    )
    hits = outcome.hits
    for hit in hits:
        hit.path = kb.loc.shown(hit.path)
    if json:
        search_notes(outcome.notes, to_stderr=True)
        search_json(hits)
        return
    numbered = terminal.on_terminal()  # kb show N takes the Nth recap the reader saw
    if numbered:
        kb.remember(query, [hit.id for hit in hits])
    with paged(not no_pager):
        search_notes(outcome.notes, to_stderr=False)
        search_results(hits, kb.vocab, query, limit=limit, numbered=numbered)


@app.command(
    "list",
    epilog=_("Example: {examples}").format(examples='kb list --basin "Centre-Ouest" --year 2025'),
    help=_("List the recaps by date, oldest first."),
)
def list_(
    basin: Basin = None,
    action: Action = None,
    year: Year = None,
    since: Since = None,
    until: Until = None,
    kind: KindOpt = None,
    json: Json = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_pager: NoPager = False,
    no_color: NoColor = False,
) -> None:
    kb = knowledge_base(kb_dir, db)
    rows = kb.recaps(basin=basin, action=action, year=year, since=since, until=until, kind=kind)
    for row in rows:
        row["path"] = kb.loc.shown(row["path"])
    if json:
        as_json(rows)
        return
    with paged(not no_pager):
        recap_table(rows, kb.vocab)


@app.command(
    epilog=_(
        "Examples: kb show 2025-02-20-centre-ouest;  kb show 2025-02 (a unique prefix);  "
        "kb show 2 (the 2nd result of the last search)"
    ),
    help=_("Show one recap: its metadata, then its text."),
)
def show(
    ref: RecapRef,
    raw: Annotated[bool, typer.Option("--raw", help=_("Print the file as it is."))] = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_pager: NoPager = False,
    no_color: NoColor = False,
) -> None:
    kb = knowledge_base(kb_dir, db)
    meta, text, related = kb.recap(ref, text=True, related=0 if raw else SEE_ALSO)
    assert text is not None
    meta["path"] = kb.loc.shown(meta["path"])
    with paged(not no_pager):
        if raw:
            terminal.raw(text)
            return
        from kb.recaps.recap import body_of

        recap(meta, body_of(text.removeprefix("\ufeff").replace("\r\n", "\n")), kb.vocab)
        see_also(related, kb.vocab)


@app.command(
    epilog=_("Examples: kb similar 2025-02-20-centre-ouest;  kb similar 2 --json"),
    help=_(
        "The sections of other recaps that speak of the same things as this one's, "
        "other basins first: what the others did."
    ),
)
def similar(
    ref: RecapRef,
    limit: Annotated[
        int, typer.Option(min=1, max=10_000, metavar="N", help=_("At most this many sections."))
    ] = 5,
    json: Json = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_pager: NoPager = False,
    no_color: NoColor = False,
) -> None:
    kb = knowledge_base(kb_dir, db)
    found = [r._replace(path=kb.loc.shown(r.path)) for r in kb.similar(ref, limit=limit)]
    if json:
        as_json([r._asdict() for r in found])
        return
    with paged(not no_pager):
        see_also(found, kb.vocab, heading=False)


@app.command(
    "open",
    epilog=_(
        "Examples: kb open 2025-02-20-centre-ouest;  kb open 2 (the 2nd result of the last search)"
    ),
    help=_("Open a recap's file in your editor ($VISUAL, else $EDITOR)."),
)
def open_(
    ref: RecapRef,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    from kb.cli.editor import run_editor
    from kb.errors import KbError

    status = run_editor(knowledge_base(kb_dir, db).path(ref))
    if status:
        raise KbError(_("the editor exited with status {status}").format(status=status))


# -- what they print ----------------------------------------------------------------------


def search_results(
    hits: list[RecapHit], vocab: Vocabulary, query: str, *, limit: int, numbered: bool = False
) -> None:
    """Each recap: a header line (its number when ``numbered``, date, basin, title), its
    matching sections (heading, then the snippet), and the command that shows it. Laid
    out here and printed as one Text, as the timeline is."""
    from rich.text import Text

    console = stdout()
    if not hits:
        console.print(Text(_("No recap matches {query!r}.").format(query=one_line(query))))
        return
    width = console.width
    out = Text()
    digits = len(str(len(hits)))
    for rank, hit in enumerate(hits, 1):
        header = Text.assemble(
            (f"{rank:>{digits}}  " if numbered else "", "bold magenta"),
            (hit.date, "bold"),
            "  ",
            (vocab.basin_name(hit.basin), basin_style(vocab, hit.basin)),
            "  ",
            no_wrap=True,
            overflow="ellipsis",
        )
        if hit.kind != WORKSHOP:
            header.append(kind_label(hit.kind) + " ", style="magenta")
        header.append_text(marked(hit.title, "bold"))
        out.append_text(fitted(console, header, width))
        if not hit.words:  # found by meaning alone: say which words meant the query
            line = _("by meaning: {near} ≈ {query}").format(
                near=", ".join(hit.near) or "…", query=one_line(_positive(query))
            )
            out.append("\n  ")
            out.append_text(fitted(console, Text(line, style="italic yellow"), width - 2, "\n  "))
        for section in hit.sections[:SECTIONS_SHOWN]:
            heading = section.heading or _("Introduction")
            out.append("\n  ")
            out.append_text(fitted(console, marked(heading, "bold cyan"), width - 2, "\n  "))
            out.append("\n    ")
            out.append_text(fitted(console, marked(section.snippet), width - 4, "\n    "))
        hidden = len(hit.sections) - SECTIONS_SHOWN
        more = ""
        if hidden > 0:
            more = ngettext(
                " ({n} more matching section)", " ({n} more matching sections)", hidden
            ).format(n=number(hidden))
        out.append("\n  ")
        command = Text(f"kb show {hit.id}{more}", style="dim")
        out.append_text(fitted(console, command, width - 2, "\n  "))
        out.append("\n\n")
    more = _(" (--limit shows more)") if len(hits) >= limit else ""
    if numbered:
        more += _("; kb show N shows the Nth")
    out.append_text(fitted(console, Text(recap_count(len(hits)) + more, style="dim"), width, "\n"))
    console.print(out, no_wrap=True, overflow="ignore")  # its lines are fitted already


def _positive(query: str) -> str:
    """The query as meaning read it: its words without filters and excluded words."""
    return " ".join(w for w in query.split() if ":" not in w and not w.startswith("-"))


def see_also(related: list[Any], vocab: Vocabulary, *, heading: bool = True) -> None:
    """Sections of other recaps that speak of the same thing (kb.search.meaning.related):
    under a recap shown (``heading``: a "See also" title), or alone (kb similar)."""
    from rich.text import Text

    console = stdout()
    if not related:
        if not heading:
            console.print(_("No other recap speaks of the same things."))
        return
    width = console.width
    out = Text()
    if heading:
        out.append(_("See also") + "\n", style="bold")
    for item in related:
        line = Text.assemble(
            (item.date, "bold"),
            "  ",
            (vocab.basin_name(item.basin), basin_style(vocab, item.basin)),
            "  ",
            (item.other_heading or _("Introduction"), "bold cyan"),
            no_wrap=True,
            overflow="ellipsis",
        )
        out.append_text(fitted(console, line, width))
        near = _("  near: {heading}").format(heading=item.heading or _("Introduction"))
        out.append("\n")
        out.append_text(fitted(console, Text(near, style="dim"), width))
        out.append("\n")
        out.append_text(fitted(console, Text(f"  kb show {item.id}", style="dim"), width))
        out.append("\n")
    console.print(out, no_wrap=True, overflow="ignore")


def search_notes(notes: list[str], *, to_stderr: bool) -> None:
    """What search did to the query (a word corrected, only some words found), one line
    each: above the results, or on stderr when stdout carries JSON."""
    if not notes:
        return
    from rich.text import Text

    console = stderr() if to_stderr else stdout()
    for note in notes:
        console.print(Text(one_line(note), style="yellow"))


def search_json(hits: list[RecapHit]) -> None:
    rows = []
    for hit in hits:
        for section in hit.sections:
            rows.append(
                {
                    "id": hit.id,
                    "date": hit.date,
                    "basin": hit.basin,
                    "kind": hit.kind,
                    "title": strip_marks(hit.title),
                    "section": strip_marks(section.heading) or None,
                    "position": section.position,
                    "snippet": one_line(strip_marks(section.snippet)),
                    "score": round(section.score, 4),
                    "recap_score": round(hit.score, 4),
                    # By words (bm25, None when found by meaning alone) and by meaning
                    # (cosine of the nearest passage, None when meaning was off).
                    "word_score": round(hit.score, 4) if hit.words else None,
                    "meaning_score": None if hit.meaning is None else round(hit.meaning, 4),
                    "near": hit.near,
                    "path": hit.path,
                }
            )
    as_json(rows)


def recap_table(rows: list[dict[str, Any]], vocab: Vocabulary) -> None:
    """Recaps as a table: date, basin, edition, participants, then the title (wrapped)
    over the id; on a narrow terminal, the title and id go under the row instead.

    Laid out here rather than with rich's Table, which measures every cell of every row
    before printing anything (2.5 s for 2,000 recaps), and printed as one Text."""
    from rich.cells import cell_len
    from rich.text import Text

    console = stdout()
    if not rows:
        console.print(_("No recap matches these filters."))
        return
    headers = (_("Date"), _("Basin"), _("Ed."), _("Part."), _("Title / id"))
    cells = [
        (
            row["date"],
            vocab.basin_name(row["basin"]),
            _num(row["edition"]),
            _num(row["participants"]),
            one_line(_kind_prefix(row.get("kind", WORKSHOP)) + row["title"]),
            row["id"],
            basin_style(vocab, row["basin"]),
        )
        for row in rows
    ]
    widths = [max(cell_len(h), *(cell_len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    date_w, basin_w, edition_w, part_w, title_w = widths
    fixed = date_w + basin_w + edition_w + part_w + 2 * 4  # each column, then two spaces
    stacked = console.width - fixed < 20
    if stacked:
        indent, title_w = "  ", max(10, console.width - 2)
    else:
        indent = " " * fixed
        title_w = min(max(title_w, *(cell_len(c[5]) for c in cells)), console.width - fixed)

    out = Text()
    pads = [w - cell_len(h) for w, h in zip(widths, headers, strict=True)]
    out.append(
        f"{headers[0]}{' ' * pads[0]}  {headers[1]}{' ' * pads[1]}  "
        f"{' ' * pads[2]}{headers[2]}  {' ' * pads[3]}{headers[3]}"
        + ("\n" if stacked else f"  {headers[4]}\n"),
        style="bold",
    )
    for date, basin, edition, participants, title, recap_id, style in cells:
        out.append(f"{date:<{date_w}}  ")
        out.append(basin, style=style)
        pad = " " * (basin_w - cell_len(basin))
        numbers = f"{pad}  {edition:>{edition_w}}  {participants:>{part_w}}"
        out.append(numbers.rstrip() if stacked else numbers)
        out.append("\n" + indent if stacked else "  ")
        out.append_text(fitted(console, Text(title), title_w, "\n" + indent))
        out.append(f"\n{indent}")
        out.append(recap_id, style="dim")
        out.append("\n")
    out.append(recap_count(len(rows)), style="dim")
    console.print(out, no_wrap=True, overflow="crop")


def _kind_prefix(kind: str) -> str:
    return "" if kind == WORKSHOP else kind_label(kind) + " "


def _num(value: int | None) -> str:
    return "" if value is None else str(value)


SHOW_FIELDS = (
    ("date", N_("Date")),
    ("basin", N_("Basin")),
    ("kind", N_("Kind")),
    ("edition", N_("Edition")),
    ("participants", N_("Participants")),
    ("team", N_("Team")),
    ("support_group", N_("Support group")),
    ("actions", N_("Actions")),
    ("tags", N_("Tags")),
    ("next_meeting", N_("Next meeting")),
    ("next_meeting_place", N_("Place")),
    ("source", N_("Source")),
    ("published", N_("Published")),
    ("path", N_("File")),
)


def recap(meta: dict[str, Any], body: str, vocab: Vocabulary) -> None:
    from rich.markdown import Markdown
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    console = stdout()
    console.print(Text(one_line(meta["title"]), style="bold"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    for key, label in SHOW_FIELDS:
        value = meta.get(key)
        if value in (None, [], "") or (key == "kind" and value == WORKSHOP):
            continue
        if key == "kind":
            cell = Text(kind_label(str(value)).strip("[]"))
        elif key == "basin":
            cell = Text(vocab.basin_name(value), style=basin_style(vocab, value))
        elif isinstance(value, list):
            cell = Text(one_line(", ".join(value)))
        elif key == "next_meeting":
            cell = Text(day_time(str(value)))
        elif key in ("date", "published"):
            cell = Text(day(str(value)))
        else:
            cell = Text(one_line(str(value)))
        grid.add_row(_(label), cell)
    console.print(grid)
    console.print(Rule(style="dim"))
    console.print(Markdown(clean(body)))
