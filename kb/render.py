"""The only module that styles output: rich for people, JSON for programs.

Recap content is always handed to rich as ``Text`` (never as markup) and cleaned of
control characters, so a recap cannot restyle or hijack the terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from kb.search import MARK_END, MARK_START, RecapHit, strip_marks
from kb.text import clean, one_line, squash
from kb.vocab import Vocabulary

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from kb.index import Progress, SyncReport

PALETTE = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_cyan", "bright_magenta")
HIGHLIGHT = "bold black on yellow"
SECTIONS_SHOWN = 3


def stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def error(message: str) -> None:
    from rich.text import Text

    stderr().print(Text.assemble(("Error: ", "bold red"), clean(message)))


def warnings(lines: list[str]) -> None:
    if not lines:
        return
    from rich.text import Text

    console = stderr()
    for line in lines:
        console.print(Text.assemble(("warning: ", "yellow"), clean(line), " (skipped)"))


def as_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


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
    """A progress callback: a rich bar on a terminal for long runs, nothing otherwise."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.progress import Progress as Bar

    with Bar(console=stderr(), transient=True) as bar:
        task = None

        def update(done: int, total: int) -> None:
            nonlocal task
            if total < threshold:
                return
            if task is None:
                task = bar.add_task(label, total=total)
            bar.update(task, completed=done)

        yield update


# -- commands -------------------------------------------------------------------------


def sync_summary(report: SyncReport) -> None:
    from rich.text import Text

    console = stderr()
    for line in report.problems:
        console.print(Text(clean(line)))
    stdout().print(
        f"{report.total} recaps indexed: {report.added} added, {report.updated} updated, "
        f"{report.removed} removed, {report.unchanged} unchanged, {report.invalid} invalid"
    )


def search_results(hits: list[RecapHit], vocab: Vocabulary, query: str, *, limit: int) -> None:
    from rich.padding import Padding
    from rich.text import Text

    console = stdout()
    if not hits:
        console.print(Text(f"No recap matches {one_line(query)!r}."))
        return
    for hit in hits:
        header = Text.assemble(
            (hit.date, "bold"),
            "  ",
            (vocab.basin_name(hit.basin), basin_style(vocab, hit.basin)),
            "  ",
            no_wrap=True,
            overflow="ellipsis",
        )
        header.append_text(marked(hit.title, "bold"))
        console.print(header)
        for section in hit.sections[:SECTIONS_SHOWN]:
            heading = section.heading or "Introduction"
            console.print(Padding(marked(heading, "bold cyan"), (0, 0, 0, 2), expand=False))
            console.print(Padding(marked(section.snippet), (0, 0, 0, 4), expand=False))
        hidden = len(hit.sections) - SECTIONS_SHOWN
        more = f" ({hidden} more matching section{'s' if hidden > 1 else ''})" if hidden > 0 else ""
        console.print(
            Padding(Text(f"kb show {hit.id}{more}", style="dim"), (0, 0, 0, 2), expand=False)
        )
        console.print()
    more = " (--limit shows more)" if len(hits) >= limit else ""
    console.print(Text(f"{len(hits)} recap{'s' if len(hits) > 1 else ''}{more}", style="dim"))


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
                    "title": strip_marks(hit.title),
                    "section": strip_marks(section.heading) or None,
                    "position": section.position,
                    "snippet": one_line(strip_marks(section.snippet)),
                    "score": round(section.score, 4),
                    "recap_score": round(hit.score, 4),
                    "path": hit.path,
                }
            )
    as_json(rows)


def recap_table(rows: list[dict[str, Any]], vocab: Vocabulary) -> None:
    from rich.table import Table
    from rich.text import Text

    console = stdout()
    if not rows:
        console.print("No recap matches these filters.")
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("Basin", no_wrap=True)
    table.add_column("Ed.", justify="right")
    table.add_column("Part.", justify="right")
    table.add_column("Title / id")
    for row in rows:
        title = Text(one_line(row["title"]))
        title.append("\n" + row["id"], style="dim")
        table.add_row(
            row["date"],
            Text(vocab.basin_name(row["basin"]), style=basin_style(vocab, row["basin"])),
            _num(row["edition"]),
            _num(row["participants"]),
            title,
        )
    console.print(table)
    console.print(Text(f"{len(rows)} recap{'s' if len(rows) != 1 else ''}", style="dim"))


def _num(value: int | None) -> str:
    return "" if value is None else str(value)


SHOW_FIELDS = (
    ("date", "Date"),
    ("basin", "Basin"),
    ("edition", "Edition"),
    ("participants", "Participants"),
    ("team", "Team"),
    ("support_group", "Support group"),
    ("actions", "Actions"),
    ("tags", "Tags"),
    ("next_meeting", "Next meeting"),
    ("next_meeting_place", "Place"),
    ("source", "Source"),
    ("path", "File"),
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
        if value in (None, [], ""):
            continue
        if key == "basin":
            cell = Text(vocab.basin_name(value), style=basin_style(vocab, value))
        elif isinstance(value, list):
            cell = Text(one_line(", ".join(value)))
        elif key == "next_meeting":
            cell = Text(str(value).replace("T", " "))
        else:
            cell = Text(one_line(str(value)))
        grid.add_row(label, cell)
    console.print(grid)
    console.print(Rule(style="dim"))
    console.print(Markdown(clean(body)))


def raw(text: str) -> None:
    """The file as it is; cleaned of control characters only when shown on a terminal."""
    sys.stdout.write(clean(text) if sys.stdout.isatty() else text)


def glossary(entries: Sequence[tuple[str, Sequence[str]]], *, json_output: bool) -> None:
    """The glossary: each term and what it stands for."""
    if json_output:
        as_json([{"term": term, "expansions": list(expansions)} for term, expansions in entries])
        return
    from rich.table import Table
    from rich.text import Text

    console = stdout()
    if not entries:
        console.print("The glossary is empty; kb.yml defines it.")
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Term", no_wrap=True)
    table.add_column("Stands for")
    for term, expansions in entries:
        table.add_row(Text(one_line(term), style="bold"), Text(one_line("; ".join(expansions))))
    console.print(table)
    console.print(Text(f"{len(entries)} terms", style="dim"))
