"""The only module that styles output: rich for people, JSON for programs.

Recap content is always handed to rich as ``Text`` (never as markup) and cleaned of
control characters, so a recap cannot restyle or hijack the terminal.

Colours: rich's own rules (none when the output is not a terminal, ``NO_COLOR``,
``FORCE_COLOR``, nothing but text with ``TERM=dumb``), and ``--no-color`` (see
:func:`use_color`). Long output on a terminal goes through a pager (see :func:`paged`).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from kb.i18n import N_, _, clock, day, ngettext, number
from kb.recaps.vocab import Vocabulary
from kb.search.hits import MARK_END, MARK_START, RecapHit, strip_marks
from kb.text.shown import clean, escaped, one_line, squash

WORKSHOP = "workshop"  # kb.recaps.recap.WORKSHOP, without importing the parser

if TYPE_CHECKING:
    import datetime as dt

    from rich.console import Console
    from rich.text import Text

    from kb.add import Added
    from kb.index.sync import Progress, SyncReport
    from kb.recaps.reading import Candidate
    from kb.timeline.agenda import Meeting
    from kb.timeline.entries import Entry, Passage

# The basins' colours, in the order of kb.yml's basins: readable on a dark and on a light
# terminal (a WCAG contrast of at least 4.5:1 against both black and white, which only
# mid-tones reach: tests/cli/test_colours.py). Colours of the 256-colour palette, whose
# RGB no terminal theme changes (the 16 standard ones, "blue" on black, depend on it).
# Teal, magenta, violet, brick, blue.
PALETTE = ("color(29)", "color(163)", "color(98)", "color(131)", "color(63)")
HIGHLIGHT = "bold black on yellow"
SECTIONS_SHOWN = 3


class _Output:
    """How this run prints: colours on or off (--no-color), and the console that
    collects stdout while a pager may be needed."""

    color = True
    capture: Console | None = None


def use_color(on: bool) -> None:
    """``--no-color``: no colours on stdout or stderr, as with ``NO_COLOR`` (bold and dim
    stay, so matches still stand out)."""
    _Output.color = on


def _no_color() -> bool | None:
    return None if _Output.color else True  # None: rich reads NO_COLOR


def stdout() -> Console:
    if _Output.capture is not None:
        return _Output.capture
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, no_color=_no_color())


def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, no_color=_no_color())


def on_terminal() -> bool:
    """Whether stdout is a terminal: someone reads it (search results are numbered)."""
    return sys.stdout.isatty()


# -- the pager --------------------------------------------------------------------------

NO_PAGER = ("", "cat")  # $KB_PAGER or $PAGER set to one of these: no pager, as git does


def _pager_setting() -> tuple[str, str] | None:
    """(variable, command) of the pager to use: $KB_PAGER, else $PAGER, else ("", "")
    for ``less -R`` if found; None when the variable says no pager."""
    for name in ("KB_PAGER", "PAGER"):
        value = os.environ.get(name)
        if value is not None:
            return None if value.strip() in NO_PAGER else (name, value)
    return "", ""


@contextmanager
def paged(enabled: bool = True) -> Iterator[None]:
    """What the block prints on stdout goes through a pager when stdout is a terminal
    and it is longer than the screen: ``$KB_PAGER``, else ``$PAGER``, else ``less -R``
    where it is installed, with ``LESS=FRX`` when LESS is unset (as git does), so that
    colours pass. Never when stdout is not a terminal, nor on a dumb one (TERM=dumb)."""
    setting = _pager_setting() if enabled and _Output.capture is None and on_terminal() else None
    if setting is None or os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        yield
        return
    from rich.console import Console

    screen = stdout()
    _Output.capture = Console(
        file=_Collected(screen.encoding),
        force_terminal=True,
        color_system=screen.color_system,  # type: ignore[arg-type]
        width=screen.width,
        height=screen.height,
        no_color=screen.no_color,
        highlight=False,
        soft_wrap=False,
        legacy_windows=False,
    )
    collected = _Output.capture.file
    assert isinstance(collected, _Collected)
    try:
        yield
    except BaseException:
        sys.stdout.write(collected.getvalue())  # what was printed before it went wrong
        raise
    finally:
        _Output.capture = None
    text = collected.getvalue()
    if text.count("\n") < screen.height:
        sys.stdout.write(text)
    else:
        _page(text, setting)


class _Collected(io.StringIO):
    """Collects what would go to the terminal, with the terminal's encoding (rich picks
    its characters by it)."""

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


def _page(text: str, setting: tuple[str, str]) -> None:
    import shlex
    import signal
    import subprocess

    name, command = setting
    data = text.encode(sys.stdout.encoding or "utf-8")  # fails as a write to stdout would
    if not name:
        argv = _less()
        if argv is None:  # no pager installed: as if there were none asked for
            sys.stdout.write(text)
            return
    else:
        try:
            argv = shlex.split(command, posix=os.name != "nt")
        except ValueError:
            sys.stdout.write(text)
            _warn(
                _(
                    "${name} {command!r} cannot be read (unbalanced quotes); shown without pager"
                ).format(name=name, command=command)
            )
            return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # quit when done, colours as they are, text left on screen
    env.setdefault("LV", "-c")
    sys.stdout.flush()
    try:
        pager = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    except OSError as exc:
        sys.stdout.write(text)
        what = f"${name} ({command})" if name else "less"
        _warn(
            _("cannot run the pager {what}: {reason}; set KB_PAGER, or pass --no-pager").format(
                what=what, reason=exc.strerror
            )
        )
        return
    # Ctrl-C in the pager is the pager's: kb waits for it to end, as git does.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert pager.stdin is not None
        try:
            pager.stdin.write(data)
            pager.stdin.close()
        except OSError:  # the pager was left before reading everything
            pass
        pager.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


def _warn(line: str) -> None:
    from rich.text import Text

    stderr().print(Text.assemble((_("warning: "), "yellow"), escaped(line, line=True)))


def _less() -> list[str] | None:
    """``less -R`` when less is on the PATH (found without importing shutil)."""
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        for name in ("less", "less.exe") if os.name == "nt" else ("less",):
            path = os.path.join(folder or ".", name)
            if os.path.isfile(path) and os.access(path, os.X_OK):
                return [path, "-R"]
    return None


def error(message: str) -> None:
    from rich.text import Text

    stderr().print(Text.assemble((_("Error: "), "bold red"), escaped(message, line=True)))


def warnings(lines: list[str]) -> None:
    if not lines:
        return
    from rich.text import Text

    console = stderr()
    for line in lines:
        console.print(
            Text.assemble((_("warning: "), "yellow"), escaped(line, line=True), _(" (skipped)"))
        )


def as_json(data: Any) -> None:
    import json  # lazy: only --json needs it

    try:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except UnicodeEncodeError:  # an output that cannot take UTF-8: JSON's own escapes
        sys.stdout.write(json.dumps(data, indent=2) + "\n")


def basin_style(vocab: Vocabulary, slug: str) -> str:
    slugs = [b.slug for b in vocab.basins]
    index = slugs.index(slug) if slug in slugs else len(slugs)
    return PALETTE[index % len(PALETTE)]


def marked(text: str, style: str = "", mark_style: str = HIGHLIGHT) -> Text:
    """Text with the search markers turned into highlighted spans."""
    from rich.text import Text

    out = Text(style=style)
    for i, part in enumerate(text.split(MARK_START)):
        inside, _, after = part.partition(MARK_END) if i else ("", "", part)
        if inside:
            out.append(squash(inside), style=mark_style)
        out.append(squash(after))
    return out


@contextmanager
def progress(label: str, threshold: int = 200) -> Iterator[Progress]:
    """A progress callback: a rich bar on a terminal for long runs, nothing otherwise.

    The bar (and rich.progress, a costly import) only comes with the first long run:
    the usual sync, with nothing to do, pays nothing for it.
    """
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if total < threshold:
            return
        if "bar" not in state:
            from rich.progress import Progress as Bar

            state["bar"] = Bar(console=stderr(), transient=True)
            state["bar"].start()
            state["task"] = state["bar"].add_task(label, total=total)
        state["bar"].update(state["task"], completed=done)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()


# -- commands -------------------------------------------------------------------------


def sync_summary(report: SyncReport) -> None:
    from rich.text import Text

    console = stderr()
    for line in report.problems:
        console.print(Text(escaped(line, line=True)))
    stdout().print(
        ngettext(
            "{total} recaps indexed: {added} added, {updated} updated, {removed} removed, "
            "{unchanged} unchanged, {invalid} invalid",
            "{total} recaps indexed: {added} added, {updated} updated, {removed} removed, "
            "{unchanged} unchanged, {invalid} invalid",
            report.total,
        ).format(
            total=number(report.total),
            added=number(report.added),
            updated=number(report.updated),
            removed=number(report.removed),
            unchanged=number(report.unchanged),
            invalid=number(report.invalid),
        )
    )


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
        out.append_text(_fitted(console, header, width))
        if not hit.words:  # found by meaning alone: say which words meant the query
            line = _("by meaning: {near} ≈ {query}").format(
                near=", ".join(hit.near) or "…", query=one_line(_positive(query))
            )
            out.append("\n  ")
            out.append_text(_fitted(console, Text(line, style="italic yellow"), width - 2, "\n  "))
        for section in hit.sections[:SECTIONS_SHOWN]:
            heading = section.heading or _("Introduction")
            out.append("\n  ")
            out.append_text(_fitted(console, marked(heading, "bold cyan"), width - 2, "\n  "))
            out.append("\n    ")
            out.append_text(_fitted(console, marked(section.snippet), width - 4, "\n    "))
        hidden = len(hit.sections) - SECTIONS_SHOWN
        more = ""
        if hidden > 0:
            more = ngettext(
                " ({n} more matching section)", " ({n} more matching sections)", hidden
            ).format(n=number(hidden))
        out.append("\n  ")
        command = Text(f"kb show {hit.id}{more}", style="dim")
        out.append_text(_fitted(console, command, width - 2, "\n  "))
        out.append("\n\n")
    more = _(" (--limit shows more)") if len(hits) >= limit else ""
    if numbered:
        more += _("; kb show N shows the Nth")
    out.append_text(_fitted(console, Text(_recaps(len(hits)) + more, style="dim"), width, "\n"))
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
        out.append_text(_fitted(console, line, width))
        near = _("  near: {heading}").format(heading=item.heading or _("Introduction"))
        out.append("\n")
        out.append_text(_fitted(console, Text(near, style="dim"), width))
        out.append("\n")
        out.append_text(_fitted(console, Text(f"  kb show {item.id}", style="dim"), width))
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
        out.append_text(_fitted(console, Text(title), title_w, "\n" + indent))
        out.append(f"\n{indent}")
        out.append(recap_id, style="dim")
        out.append("\n")
    out.append(_recaps(len(rows)), style="dim")
    console.print(out, no_wrap=True, overflow="crop")


def kind_label(kind: str) -> str:
    """A kind of text as shown: ``[concertation]``, ``[activity report]``."""
    from kb.recaps.recap import KIND_NAMES

    return f"[{_(KIND_NAMES.get(kind, kind))}]"


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
            cell = Text(_when(str(value)))
        elif key in ("date", "published"):
            cell = Text(day(str(value)))
        else:
            cell = Text(one_line(str(value)))
        grid.add_row(_(label), cell)
    console.print(grid)
    console.print(Rule(style="dim"))
    console.print(Markdown(clean(body)))


def _when(value: str) -> str:
    """A day with an optional time (``2025-06-12T14:00``) as text."""
    date, _sep, time = value.partition("T")
    return _("{day} {time}").format(day=day(date), time=clock(time)) if time else day(date)


def raw(text: str) -> None:
    """The file as it is; on a terminal, what the terminal would act on (an escape
    sequence, a bell, a right-to-left override) is shown as an escape instead."""
    out = _Output.capture.file if _Output.capture is not None else sys.stdout
    out.write(escaped(text) if on_terminal() else text)


# -- timeline, basins, actions ----------------------------------------------------------

DATE_WIDTH = 10


def timeline(entries: list[Entry], vocab: Vocabulary) -> None:
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
        out.append_text(_fitted(console, header[DATE_WIDTH + 2 :], width - DATE_WIDTH - 2))
        for line in _timeline_lines(entry, width - DATE_WIDTH - 2):
            out.append(_INDENT)
            out.append_text(_fitted(console, line, width - DATE_WIDTH - 2))
        out.append("\n\n")
        if done % 50 == 0:
            flush(out)
            out = Text()
    recaps = sum(1 for e in entries if e.kind == "recap")
    out.append(_recaps(recaps), style="dim")
    flush(out, end="\n")


_INDENT = "\n" + " " * (DATE_WIDTH + 2)


def _recaps(count: int) -> str:
    return ngettext("{n} recap", "{n} recaps", count).format(n=number(count))


def _fitted(console: Console, line: Text, width: int, indent: str = _INDENT) -> Text:
    """``line`` wrapped (or cut, if it says so) to ``width``, its next lines starting with
    ``indent``; as it is when it fits (most lines: no need for rich's wrap)."""
    from rich.cells import cell_len
    from rich.text import Text

    if cell_len(line.plain) <= width:
        return line
    lines = line.wrap(console, width)
    for part in lines:
        part.rstrip()
    return Text(indent).join(lines)


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
        details = [_edition(entry.edition)] if entry.edition is not None else []
        if entry.participants is not None:
            details.append(_participants(entry.participants))
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


def add_command(date: str, basin: str) -> str:
    """The command that writes the recap of a meeting that has none (kb add's template,
    its date and basin filled in)."""
    return f"kb add --date {date} --basin {basin}"


def _edition(n: int) -> str:
    return _("edition {n}").format(n=n)


def _participants(n: int) -> str:
    return ngettext("{n} participant", "{n} participants", n).format(n=number(n))


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


def basins(rows: list[dict[str, Any]], vocab: Vocabulary) -> None:
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
                "  " + _("{recaps}, {day}").format(recaps=_recaps(1), day=day(row["first"]))
            )
        elif count:
            span = _("{recaps}, {first} to {last}").format(
                recaps=_recaps(count), first=day(row["first"]), last=day(row["last"])
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

    text = Text(_when(meeting["date"] + (f"T{meeting['time']}" if meeting["time"] else "")))
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


def actions(rows: list[dict[str, Any]], vocab: Vocabulary) -> None:
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


def agenda(meetings: list[Meeting], vocab: Vocabulary, *, today: dt.date, past: bool) -> None:
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
            place = _fitted(console, Text(one_line(meeting.place)), width, "\n" + indent)
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


# -- kb add ---------------------------------------------------------------------------


def note(message: str) -> None:
    """A message for the person at the terminal (stderr): not data."""
    from rich.text import Text

    stderr().print(Text(escaped(message, line=True)))


def _field_text(key: str, value: Any, vocab: Vocabulary) -> str:
    if key == "basin":
        return vocab.basin_name(value)
    if isinstance(value, list):
        return ", ".join(value) if value else _("(none)")
    if key == "next_meeting":
        return str(value).replace("T", " ")
    return str(value)


def draft(
    fields: dict[str, Any],
    missing: dict[str, str],
    headings: list[str],
    vocab: Vocabulary,
    *,
    given: dict[str, str],
    target: str,
    inferred: dict[str, str] | None = None,
    kind: str | None = None,
) -> None:
    """What was read from a text (stderr): the fields, the headings, what is missing, and
    a line for each value inferred (``inferred``: field -> what and from where) and for a
    text of another kind."""
    from rich.table import Table
    from rich.text import Text

    from kb.recaps.published import NOT_STATED

    inferred = inferred or {}
    console = stderr()
    heading = _("Read from the text, to be written as {path}:").format(path=clean(target))
    console.print(Text(heading, style="bold"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    for key, value in fields.items():
        if key == "tags" and not value:
            continue
        cell = Text(one_line(_field_text(key, value, vocab)))
        if key in given:
            cell.append(f"  ({given[key]})", style="dim")
        elif key in inferred:
            cell.append("  " + _("(inferred)"), style="yellow")
        grid.add_row(key, cell)
    if headings:
        grid.add_row(_("headings"), Text("\n".join(one_line(h) for h in headings)))
    console.print(grid, soft_wrap=False)
    plain = [key for key, why in missing.items() if why == NOT_STATED]
    if plain:
        absent = _("Not in the text: {fields}").format(fields=", ".join(plain))
        console.print(Text(absent, style="yellow"))
    for key, why in missing.items():
        if why != NOT_STATED:
            said = _("{field}: {reason}").format(field=key, reason=one_line(why))
            console.print(Text(said, style="yellow"))
    for key, how in inferred.items():
        said = _("{field} {value}: {note}").format(field=key, value=fields[key], note=one_line(how))
        console.print(Text(said, style="yellow"))
    if kind:
        console.print(Text(one_line(kind) + ".", style="yellow"))


def batch(outcomes: Sequence[Any], vocab: Vocabulary, *, written: bool) -> None:
    """``kb add --from-text A B …``: a line per text (stdout, never wrapped), written or
    to be written with its kind, refused and why; what was inferred under it; a summary."""
    from rich.text import Text

    from kb.recaps.recap import KIND_NAMES

    console = stdout()
    for o in outcomes:
        if o.plan is None:
            console.print(
                Text(one_line(_("refused: {reason}").format(reason=o.refused))),
                style="red",
                soft_wrap=True,
            )
            continue
        kind = _(KIND_NAMES.get(o.plan.recap.kind, o.plan.recap.kind))
        if o.plan.same:
            line = _("{file}: already in the knowledge base as {path}, unchanged ({kind})")
        elif written:
            line = _("{file}: written as {path} ({kind})")
        else:
            line = _("{file}: would be written as {path} ({kind})")
        console.print(
            Text(one_line(line.format(file=o.source, path=o.plan.shown, kind=kind))),
            soft_wrap=True,
        )
        for key, reading in o.draft.inferred():
            said = _("{field} {value}: {note}").format(
                field=key, value=reading.value, note=reading.note
            )
            console.print(Text("  " + one_line(said), style="yellow"), soft_wrap=True)
    done = sum(1 for o in outcomes if o.plan is not None and not o.plan.same)
    refused = sum(1 for o in outcomes if o.plan is None)
    if written:
        summary = ngettext("{n} recap written", "{n} recaps written", done).format(n=number(done))
    else:
        summary = ngettext(
            "{n} recap would be written", "{n} recaps would be written", done
        ).format(n=number(done))
    summary += ngettext(", {n} text refused.", ", {n} texts refused.", refused).format(
        n=number(refused)
    )
    console.print(Text(summary, style="bold"))


def candidates(choices: Sequence[Candidate]) -> None:
    """The values kb could propose for a field, numbered, each with the words it came
    from and why (stderr)."""
    from rich.text import Text

    console = stderr()
    for n, choice in enumerate(choices, 1):
        line = Text(f"  {n}. ")
        line.append(one_line(str(choice.value)), style="bold")
        line.append(f'  "{one_line(choice.phrase)}" ({one_line(choice.why)})', style="dim")
        console.print(line)


def added(result: Added, vocab: Vocabulary) -> None:
    """The id and a one-line summary of what ``kb add`` did (stdout), then any warning."""
    from rich.text import Text

    recap = result.recap
    console = stdout()
    where = clean(result.path)
    if result.status == "added":
        said = _("Added {id}: {path}")
    elif result.status == "replaced":
        said = _("Replaced {id}: {path}")
    else:
        said = _("Unchanged {id}: {path}")
    before, _sep, after = said.partition("{id}")
    console.print(
        Text.assemble(before.format(path=where), (recap.id, "bold"), after.format(path=where))
    )
    facts = [day(recap.date), vocab.basin_name(recap.basin)]
    if recap.kind != WORKSHOP:
        facts.append(kind_label(recap.kind))
    if recap.edition:
        facts.append(_edition(recap.edition))
    if recap.participants is not None:
        facts.append(_participants(recap.participants))
    sections = len([s for s in recap.sections if s.heading])
    facts.append(ngettext("{n} section", "{n} sections", sections).format(n=number(sections)))
    count = len(recap.actions)
    facts.append(ngettext("{n} action", "{n} actions", count).format(n=number(count)))
    console.print(Text(one_line(", ".join(facts)), style="dim"))
    if result.status == "unchanged":
        note(_("It is already in the knowledge base with this content: nothing written."))
    if result.backup:
        note(_("The previous version is kept as {path}.").format(path=result.backup))
    if result.report is not None:
        warnings(result.report.problems)
    if result.index_error:
        note(
            _("warning: the index was not updated ({error}); kb index retries").format(
                error=result.index_error
            )
        )


def glossary(entries: Sequence[tuple[str, Sequence[str]]], *, json_output: bool) -> None:
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
