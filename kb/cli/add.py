"""``kb add``: its options, and what it prints (the draft read from a text, the recaps
written); the conversation itself (questions, confirmation, editor) is kb.cli.questions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from kb.cli.console import (
    WORKSHOP,
    edition_text,
    kind_label,
    note,
    participants_text,
    stderr,
    stdout,
    warnings,
)
from kb.cli.options import Basin, Db, KbDir, NoColor
from kb.i18n import _, day, ngettext, number
from kb.text.shown import clean, one_line

if TYPE_CHECKING:
    from kb.base import Added, Vocabulary
    from kb.recaps.reading import Candidate

app = typer.Typer()


@app.command(
    epilog=_(
        "Examples: kb add draft.md;  kb add --from-text recap.txt --dry-run;  kb add "
        "(opens $VISUAL or $EDITOR on a template)"
    ),
    help=_(
        "Add a recap: a Markdown file, the text as published, or a template in "
        "an editor.\n\nThe recap is checked, written as <date>-<basin>.md in the "
        "knowledge base and indexed. With a published text, the options --date, "
        "--basin, --edition and --participants override what is read from it."
    ),
)
def add(
    files: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="[FILE.md]",
            help=_(
                "A recap in Markdown with its frontmatter (- for standard input); with "
                "--from-text, more published texts or folders of .txt texts."
            ),
            show_default=False,
        ),
    ] = None,
    from_text: Annotated[
        Optional[str],
        typer.Option(
            "--from-text",
            metavar="FILE",
            help=_("Import the text as published (- for standard input)."),
        ),
    ] = None,
    from_html: Annotated[
        Optional[str],
        typer.Option(
            "--from-html",
            metavar="FILE",
            help=_("Import a web page saved as HTML: its main text, title and publication date."),
        ),
    ] = None,
    from_url: Annotated[
        Optional[str],
        typer.Option(
            "--from-url",
            metavar="URL",
            help=_("Import the web page at this address (fetched once, with a timeout)."),
        ),
    ] = None,
    date: Annotated[
        Optional[str],
        typer.Option(metavar="DATE", help=_("The workshop's date (2025-02-20 or 20/02/2025).")),
    ] = None,
    basin: Basin = None,
    kind: Annotated[
        Optional[str],
        typer.Option(
            "--kind",
            metavar="KIND",
            help=_(
                "What the text is, when not a workshop recap: concertation, report, "
                "colloquium, news, presentation, press or newsletter."
            ),
        ),
    ] = None,
    edition: Annotated[
        Optional[int], typer.Option(min=1, metavar="N", help=_("The workshop's number."))
    ] = None,
    participants: Annotated[
        Optional[int], typer.Option(min=0, metavar="N", help=_("How many took part."))
    ] = None,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            "-y",
            help=_(
                "Do not ask for confirmation (a published text's date or basin that is "
                "only guessed stops kb: pass --date, --basin)."
            ),
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Print the Markdown; write nothing."))
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help=_("Replace the recap with the same id (kept as <file>.bak beside it).")
        ),
    ] = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    from kb.base import KnowledgeBase
    from kb.cli.questions import Options
    from kb.cli.questions import add as run_add

    options = Options(date, basin, edition, participants, yes, dry_run, force, kind)
    kb = KnowledgeBase.open(kb_dir, db)  # its syncs say nothing: kb add says what it did
    run_add(kb, files or [], from_text, options, from_html=from_html, from_url=from_url)


# -- what it prints -----------------------------------------------------------------------


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
        facts.append(edition_text(recap.edition))
    if recap.participants is not None:
        facts.append(participants_text(recap.participants))
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
