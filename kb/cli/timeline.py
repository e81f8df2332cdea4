"""``kb timeline``, ``kb basins``, ``kb actions``, ``kb glossary`` and ``kb agenda``:
basins and actions through time, the meetings announced, the words of kb.yml."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from kb.cli.console import (
    DATE_WIDTH,
    INDENT,
    WORKSHOP,
    add_command,
    as_json,
    basin_style,
    day_time,
    edition_text,
    emit,
    fitted,
    kind_label,
    knowledge_base,
    note,
    paged,
    participants_text,
    recap_count,
    stdout,
)
from kb.cli.options import (
    Action,
    Basin,
    Db,
    ForceOutput,
    Json,
    KbDir,
    KindOpt,
    NoColor,
    NoPager,
    Since,
    Until,
    Year,
)
from kb.errors import KbError, UsageError
from kb.i18n import _, clock, day, ngettext, number
from kb.text.shown import one_line

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.text import Text

    from kb.base import Entry, KnowledgeBase, Meeting, Passage, Vocabulary

app = typer.Typer()


@app.command(
    epilog=_("Examples: {examples}").format(
        examples="kb timeline --basin centre-ouest;  kb timeline --action portes-ouvertes"
    ),
    help=_(
        "The recaps oldest first, with announced meetings and editions that have "
        "no recap.\n\nWith --action, each recap shows what it says about that "
        "action. Today is the clock's date, or $KB_TODAY (YYYY-MM-DD)."
    ),
)
def timeline(
    basin: Basin = None,
    action: Action = None,
    since: Since = None,
    until: Until = None,
    year: Year = None,
    kind: KindOpt = None,
    json: Json = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_pager: NoPager = False,
    no_color: NoColor = False,
) -> None:
    kb = knowledge_base(kb_dir, db)
    _filters, entries = kb.timeline(
        basin=basin, action=action, since=since, until=until, year=year, kind=kind
    )
    if json:
        as_json([entry.to_dict() for entry in entries])
        return
    with paged(not no_pager):
        show_timeline(entries, kb.vocab)


@app.command(
    epilog=_("Example: {examples}").format(examples="kb basins --json"),
    help=_("Per basin: recaps, first and last date, participants, latest team, next meeting."),
)
def basins(
    json: Json = False, kb_dir: KbDir = None, db: Db = None, no_color: NoColor = False
) -> None:
    kb = knowledge_base(kb_dir, db)
    rows = kb.basins()
    if json:
        as_json(rows)
    else:
        show_basins(rows, kb.vocab)


@app.command(
    epilog=_("Examples: {examples}").format(
        examples="kb actions;  kb actions --basin sud-est --json"
    ),
    help=_(
        "Every action of kb.yml: how many recaps mention it, in which basins, first and last date."
    ),
)
def actions(
    basin: Basin = None,
    json: Json = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    kb = knowledge_base(kb_dir, db)
    rows = kb.actions(basin=basin)
    if json:
        as_json(rows)
    else:
        show_actions(rows, kb.vocab)


@app.command(
    epilog=_("Examples: {examples}").format(examples="kb glossary;  kb glossary --json"),
    help=_("List the glossary: acronyms and what they stand for (kb.yml). Search finds both."),
)
def glossary(
    json: Json = False, kb_dir: KbDir = None, db: Db = None, no_color: NoColor = False
) -> None:
    show_glossary(knowledge_base(kb_dir, db).glossary(), json_output=json)


@app.command(
    epilog=_("Examples: {examples}").format(
        examples=(
            "kb agenda;  kb agenda --all --basin centre-ouest;  kb agenda --all --ics agenda.ics"
        )
    ),
    help=_(
        "The meetings the recaps announce: date, time, basin, place, the recap "
        "that announced it.\n\nUpcoming ones first, soonest first; with --all (or "
        "--since), then the past ones, latest first, each held (a recap of it "
        "exists) or without a recap yet. Today is the clock's date, or $KB_TODAY "
        "(YYYY-MM-DD)."
    ),
)
def agenda(
    basin: Basin = None,
    since: Since = None,
    until: Until = None,
    year: Year = None,
    past: Annotated[
        bool, typer.Option("--all", help=_("Past meetings too, and whether they have a recap."))
    ] = False,
    ics: Annotated[
        Optional[str],
        typer.Option(
            "--ics",
            metavar="FILE",
            help=_("Write an iCalendar file for calendar apps (- for standard output)."),
        ),
    ] = None,
    json: Json = False,
    force: ForceOutput = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    if ics is not None and json:
        raise UsageError(_("--ics and --json: give one (the calendar file, or JSON on stdout)"))
    kb = knowledge_base(kb_dir, db)
    today = kb.today()
    _filters, meetings = kb.agenda(
        basin=basin, since=since, until=until, year=year, past=past, today=today
    )
    if ics is not None:
        _calendar(kb, meetings, ics, past=past or since is not None, force=force)
    elif json:
        as_json([meeting.to_dict() for meeting in meetings])
    else:
        show_agenda(meetings, kb.vocab, today=today, past=past or since is not None)


def _calendar(
    kb: KnowledgeBase, meetings: list[Meeting], target: str, *, past: bool, force: bool
) -> None:
    kb.check_target(target, option="--ics", force=force)
    if not meetings:
        if past:
            none = _("--ics {file}: no meeting to put in the calendar; nothing written")
        else:
            none = _(
                "--ics {file}: no meeting to put in the calendar; --all adds the past ones; "
                "nothing written"
            )
        raise KbError(none.format(file=target))
    emit(kb, target, kb.calendar(meetings), option="--ics", force=force)
    if target != "-":
        written = ngettext(
            "{n} meeting written to {file}", "{n} meetings written to {file}", len(meetings)
        )
        note(written.format(n=number(len(meetings)), file=target))


# -- what they print ----------------------------------------------------------------------


def show_timeline(entries: list[Entry], vocab: Vocabulary) -> None:
    """Entries in two columns (date, then what happened), a rule at each new year.

    Entries are laid out here, line by line, and printed as Texts of 50 entries: rich's
    layout of a Group per entry took about 1 ms each (2.7 s for a basin of 2,000
    recaps). Entries that quote passages (``--action``) keep rich's layout for their
    hanging bullets."""
    from rich.text import Text

    console = stdout()
    if not entries:
        console.print(_("No recap matches these filters."))
        return
    width = console.width
    rule = "-" if console.options.ascii_only else "─"

    def flush(text: Text, end: str = "") -> None:
        console.print(text, end=end, no_wrap=True, overflow="ignore")  # lines fitted here

    out = Text()
    year = None
    for done, entry in enumerate(entries, 1):
        if entry.date is not None and entry.date[:4] != year:
            year = entry.date[:4]
            out.append(year, style="bold")
            out.append(" " + rule * (width - len(year) - 1) + "\n", style="dim")
        if entry.passages is not None:
            flush(out)
            console.print(_timeline_row(entry, vocab, width - DATE_WIDTH - 2), end="")
            out = Text("\n")  # the blank line after it (rich ended its last line)
            continue
        header = _timeline_header(entry, vocab)  # the date column, then what it is
        out.append_text(header[: DATE_WIDTH + 2])
        out.append_text(fitted(console, header[DATE_WIDTH + 2 :], width - DATE_WIDTH - 2))
        for line in _timeline_lines(entry, width - DATE_WIDTH - 2):
            out.append(INDENT)
            out.append_text(fitted(console, line, width - DATE_WIDTH - 2))
        out.append("\n\n")
        if done % 50 == 0:
            flush(out)
            out = Text()
    recaps = sum(1 for e in entries if e.kind == "recap")
    out.append(recap_count(recaps), style="dim")
    flush(out, end="\n")


def _timeline_header(entry: Entry, vocab: Vocabulary) -> Text:
    """The entry's first line: date, basin, what it is."""
    from rich.text import Text

    header = Text(
        f"{entry.date or '':<{DATE_WIDTH}}  ", style="bold" if entry.kind == "recap" else ""
    )
    header.append(vocab.basin_name(entry.basin), style=basin_style(vocab, entry.basin))
    if entry.kind == "recap":
        if entry.recap_kind not in (None, WORKSHOP):
            header.append("  " + kind_label(entry.recap_kind or ""), style="magenta")
        details = [edition_text(entry.edition)] if entry.edition is not None else []
        if entry.participants is not None:
            details.append(participants_text(entry.participants))
        if details:
            header.append("  " + " · ".join(details))
    elif entry.editions:
        first, last = entry.editions[0], entry.editions[-1]
        if first == last:
            what = _("edition {n}: no recap").format(n=first)
        else:
            what = _("editions {first}-{last}: no recap").format(first=first, last=last)
        header.append("  " + what, style="yellow")
    elif entry.kind == "upcoming":
        if entry.time:
            header.append("  " + _("upcoming at {time}").format(time=clock(entry.time)), "bold")
        else:
            header.append("  " + _("upcoming"), style="bold")
    elif entry.time:  # missing: the day has passed, and no recap of it
        what = _("at {time}, recap missing").format(time=clock(entry.time))
        header.append("  " + what, style="yellow")
    else:
        header.append("  " + _("recap missing"), style="yellow")
    return header


def _timeline_lines(entry: Entry, width: int) -> list[Text]:
    """The lines under an entry's header (but passages), each to be indented."""
    from rich.text import Text

    if entry.kind == "recap":
        lines = [_outline(s.heading, s.opening, width) for s in entry.sections]
        return [*lines, Text(f"kb show {entry.id}", style="dim")]
    if entry.editions:
        return []
    lines = [Text(one_line(entry.place))] if entry.place else []
    announced = _("announced in {id}").format(id=entry.announced_by)
    lines.append(Text(announced, style="dim"))
    if entry.kind == "missing" and entry.date:
        lines.append(Text(add_command(entry.date, entry.basin), style="dim"))
    return lines


def _timeline_row(entry: Entry, vocab: Vocabulary, width: int) -> Any:
    """An entry that quotes passages: its header, then each passage's heading and its
    lines as bullets with a hanging indent, then the command that shows the recap."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    lines: list[Any] = []
    for passage in entry.passages or ():
        style = "bold cyan" if passage.via == "heading" else "cyan"
        lines.append(Text(_passage_heading(passage), style=style))
        lines.append(_bullets(passage.lines))
    lines.append(Text(f"kb show {entry.id}", style="dim"))
    padded = Padding(Group(*lines), (0, 0, 0, DATE_WIDTH + 2), expand=False)
    return Group(_timeline_header(entry, vocab), padded)


def _outline(heading: str, opening: str, width: int) -> Text:
    """``heading — first words…`` on one line of at most ``width`` cells."""
    from rich.text import Text

    heading, opening = one_line(heading), " — " + one_line(opening)
    if len(heading) + len(opening) > width:
        # Cut here rather than leave it to rich, which is slow on long lines.
        opening = opening[: max(width - len(heading) - 1, 0)] + "…"
    line = Text(heading, style="bold", no_wrap=True, overflow="ellipsis")
    line.append(opening, style="dim")
    return line


def _bullets(lines: tuple[str, ...]) -> Any:
    """Lines with a hanging indent, so where each one starts stays visible when wrapped."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1, style="dim")
    grid.add_column()
    for line in lines:
        grid.add_row("-", Text(one_line(line)))
    return grid


def _passage_heading(passage: Passage) -> str:
    name = one_line(passage.heading) or _("Introduction")
    if passage.via == "frontmatter":
        return _("{name} (the recap's actions: name it; no section does)").format(name=name)
    return name


def show_basins(rows: list[dict[str, Any]], vocab: Vocabulary) -> None:
    """One block per basin: recaps and dates, participants, team, next meeting."""
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    console = stdout()
    for row in rows:
        header = Text()  # the name only in the basin's colour (dim over it would fade it)
        header.append(one_line(row["name"]), style="bold " + basin_style(vocab, row["basin"]))
        count = row["recaps"]
        if count == 1:
            header.append(
                "  " + _("{recaps}, {day}").format(recaps=recap_count(1), day=day(row["first"]))
            )
        elif count:
            span = _("{recaps}, {first} to {last}").format(
                recaps=recap_count(count), first=day(row["first"]), last=day(row["last"])
            )
            header.append("  " + span)
        else:
            header.append("  " + _("no recap"), style="dim")
        console.print(header)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        if row["latest_edition"] is not None:
            grid.add_row(_("Latest edition"), str(row["latest_edition"]))
        if any(p is not None for p in row["participants"]):
            by_workshop = ", ".join("?" if p is None else str(p) for p in row["participants"])
            grid.add_row(
                _("Participants"),
                _("{counts} (per workshop, oldest first)").format(counts=by_workshop),
            )
        if row["team"]:
            grid.add_row(_("Team"), Text(one_line(", ".join(row["team"]))))
        meeting = row["next_meeting"]
        if meeting and meeting["status"] == "upcoming":  # a past one is a missing recap
            grid.add_row(_("Next meeting"), _meeting(meeting))
        missing = row.get("missing_recaps") or []
        if missing:
            label = ngettext("Missing recap", "Missing recaps", len(missing))
            grid.add_row(label, _missing(missing, row["basin"]))
        if grid.row_count:
            console.print(Padding(grid, (0, 0, 0, 2), expand=False))
        console.print()


def _meeting(meeting: dict[str, Any]) -> Text:
    """A meeting's day, time and place."""
    from rich.text import Text

    text = Text(day_time(meeting["date"] + (f"T{meeting['time']}" if meeting["time"] else "")))
    if meeting["place"]:
        text.append(", " + one_line(meeting["place"]))
    return text


def _missing(meetings: list[dict[str, Any]], basin: str) -> Text:
    """Each meeting held with no recap, and the command that adds it."""
    from rich.text import Text

    text = Text()
    for meeting in meetings:
        text.append_text(_meeting(meeting))
        text.append("\n" + add_command(meeting["date"], basin), style="dim")
        if meeting is not meetings[-1]:
            text.append("\n")
    return text


def show_actions(rows: list[dict[str, Any]], vocab: Vocabulary) -> None:
    """A table of actions: recaps linked, basins where seen (dim: run there, not seen)."""
    from rich.table import Table
    from rich.text import Text

    console = stdout()
    if not rows:
        console.print(_("No action is seen in or run by this basin."))
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column(_("Action"))
    table.add_column(_("Recaps"), justify="right")
    table.add_column(_("Basins"))
    table.add_column(_("First"), no_wrap=True)
    table.add_column(_("Last"), no_wrap=True)
    for row in rows:
        name = Text(one_line(row["name"]))
        name.append("\n" + row["action"], style="dim")
        places = Text()
        for slug in [*row["basins"], *(b for b in row["run_by"] if b not in row["basins"])]:
            style = basin_style(vocab, slug) if slug in row["basins"] else "dim"
            places.append(("\n" if places else "") + vocab.basin_name(slug), style=style)
        table.add_row(name, str(row["recaps"]), places, row["first"] or "", row["last"] or "")
    console.print(table)
    seen = sum(1 for row in rows if row["recaps"])
    summary = ngettext(
        "{n} action, {seen} seen in recaps", "{n} actions, {seen} seen in recaps", len(rows)
    ).format(n=number(len(rows)), seen=number(seen))
    console.print(Text(summary, style="dim"))


def show_agenda(meetings: list[Meeting], vocab: Vocabulary, *, today: dt.date, past: bool) -> None:
    """One block per meeting: day, time, basin and where it stands, then the place and the
    recap that announced it (and the recap of it, once held)."""
    from rich.cells import cell_len
    from rich.text import Text

    console = stdout()
    if not meetings:
        if past:
            console.print(_("No meeting announced."))
        else:
            console.print(
                _("No meeting announced from {day} on; --all shows the past ones too.").format(
                    day=day(today.isoformat())
                )
            )
        return
    basin_w = max(cell_len(vocab.basin_name(m.basin)) for m in meetings)
    indent = " " * (DATE_WIDTH + 2 + 5 + 2)
    width = max(console.width - len(indent), 20)
    out = Text()
    for meeting in meetings:
        name = vocab.basin_name(meeting.basin)
        out.append(meeting.date, style="bold")
        out.append(f"  {meeting.time or '':<5}  ")
        out.append(name, style=basin_style(vocab, meeting.basin))
        out.append(" " * (basin_w - cell_len(name) + 2))
        out.append_text(_meeting_status(meeting))
        if meeting.place:
            place = fitted(console, Text(one_line(meeting.place)), width, "\n" + indent)
            out.append("\n" + indent)
            out.append_text(place)
        announced = _("announced in {id}").format(id=meeting.announced_by)
        out.append(f"\n{indent}{announced}", style="dim")
        if meeting.status == "missing":
            out.append(f"\n{indent}{add_command(meeting.date, meeting.basin)}", style="dim")
        out.append("\n\n")
    count = ngettext("{n} meeting", "{n} meetings", len(meetings))
    out.append(count.format(n=number(len(meetings))), style="dim")
    console.print(out, no_wrap=True, overflow="ignore")


def _meeting_status(meeting: Meeting) -> Text:
    from rich.text import Text

    if meeting.status == "upcoming":
        return Text(_("upcoming"), style="bold")
    if meeting.status == "held":
        return Text(_("held: kb show {id}").format(id=meeting.recap))
    return Text(_("recap missing"), style="yellow")


def show_glossary(entries: Sequence[tuple[str, Sequence[str]]], *, json_output: bool) -> None:
    """The glossary: each term and what it stands for."""
    if json_output:
        as_json([{"term": term, "expansions": list(expansions)} for term, expansions in entries])
        return
    from rich.table import Table
    from rich.text import Text

    console = stdout()
    if not entries:
        console.print(_("The glossary is empty; kb.yml defines it."))
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column(_("Term"), no_wrap=True)
    table.add_column(_("Stands for"))
    for term, expansions in entries:
        table.add_row(Text(one_line(term), style="bold"), Text(one_line("; ".join(expansions))))
    console.print(table)
    terms = ngettext("{n} terms", "{n} terms", len(entries)).format(n=number(len(entries)))
    console.print(Text(terms, style="dim"))
