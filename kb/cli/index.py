"""``kb index``: bring the index in line with the folder, and say what changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from kb.cli.console import knowledge_base, stderr, stdout
from kb.cli.options import Db, KbDir, NoColor
from kb.i18n import _, ngettext, number
from kb.text.shown import escaped

if TYPE_CHECKING:
    from kb.base import SyncReport

app = typer.Typer()


@app.command(
    epilog=_("Example: {examples}").format(examples="kb index --rebuild"),
    help=_("Bring the index in line with the recaps folder. Exit status 1 if a file is invalid."),
)
def index(
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help=_("Start from an empty index."))
    ] = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    report = knowledge_base(kb_dir, db).index(rebuild=rebuild)
    sync_summary(report)
    if report.invalid:
        raise typer.Exit(1)


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
