"""``kb export``, ``kb serve``, ``kb site`` and ``kb datasette``: the knowledge base for
those who have no terminal (files, the web site, Datasette)."""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer

from kb.cli.console import STDOUT, as_json, emit, knowledge_base, note, warnings
from kb.cli.options import Action, Basin, Db, ForceOutput, KbDir, NoColor, Since, Until, Year
from kb.i18n import _, ngettext, number

app = typer.Typer()


@app.command(
    epilog=_("Examples: {examples}").format(
        examples=(
            "kb export --format csv --output recaps.csv;  kb export --format md "
            "--action helpdesk --output helpdesk.md;  kb export --format jsonl"
        )
    ),
    help=_(
        "Export the recaps with their metadata, oldest first: for a spreadsheet, "
        "a program or a document to share.\n\ncsv: one row per recap, UTF-8 with a "
        'BOM (Excel reads the accents), lists joined with "; ". md with '
        "--action: what each recap says about the action."
    ),
)
def export(
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            "-f",
            metavar="csv|jsonl|md",
            help=_(
                "csv (a spreadsheet), jsonl (one JSON object a line) or md (one document) "
                "[default: the --output file's extension]."
            ),
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help=_("Write to FILE (whole or not at all) [default: standard output]."),
            show_default=False,
        ),
    ] = None,
    basin: Basin = None,
    action: Action = None,
    year: Year = None,
    since: Since = None,
    until: Until = None,
    force: ForceOutput = False,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    kb = knowledge_base(kb_dir, db)
    data, count = kb.export(
        fmt,
        output=output,
        force=force,
        basin=basin,
        action=action,
        since=since,
        until=until,
        year=year,
    )
    emit(kb, output, data, option="--output", force=force)
    if output not in (None, STDOUT):
        written = ngettext("{n} recap written to {file}", "{n} recaps written to {file}", count)
        note(written.format(n=number(count), file=output))


@app.command(
    epilog=_("Examples: {examples}").format(examples="kb serve;  kb serve --port 8080"),
    help=_(
        "A read-only web site over the recaps: search, a page per recap, "
        "timeline, agenda.\n\nIt answers from the same index as the commands, kept "
        "up to date with the folder, and never writes to the recaps. Ctrl+C "
        "stops it."
    ),
)
def serve(
    host: Annotated[
        str,
        typer.Option(
            metavar="HOST", help=_("Address to listen on (127.0.0.1: this machine only).")
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, metavar="PORT", help=_("Port to listen on."))
    ] = 8001,
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    from kb.web.app import create_app
    from kb.web.server import LOOPBACK, address, listen, server

    # Synced once first: a knowledge base that cannot be used is said here, in one line,
    # rather than on the first page; invalid files are listed; the first page is quick.
    kb = knowledge_base(kb_dir, db)
    kb.vocabulary()
    app = create_app(kb.loc)
    sock = listen(host, port)
    note(
        _("Serving the recaps of {folder} at {address} (Ctrl+C stops)").format(
            folder=kb.loc.folder, address=address(sock)
        )
    )
    if host not in LOOPBACK:
        note(
            _("warning: --host {host}: whoever can reach this machine can read the recaps").format(
                host=host
            )
        )
    try:
        server(app).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn stopped on Ctrl+C, then raises it again: done
        pass
    finally:
        sock.close()
    note(_("Stopped."))


@app.command(
    epilog=_("Examples: {examples}").format(examples="kb site site/;  kb site /var/www/adc"),
    help=_(
        "Write the web site's pages as static files into OUT, for any web host: search "
        "(Pagefind, in the browser), a page per recap, timeline, agenda, with the "
        "calendar file and the CSV export.\n\nA rebuild rewrites only what changed and "
        "says what it wrote. OUT must be new, empty, or a site kb site wrote: a folder "
        "that holds anything else is refused."
    ),
)
def site(
    out: Annotated[str, typer.Argument(metavar="OUT", help=_("The site's folder."))],
    kb_dir: KbDir = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    from kb.base import KnowledgeBase
    from kb.site.build import build
    from kb.site.search import BUNDLE

    heard: list[tuple[list[str], list[str]]] = []  # said once the site is written
    kb = KnowledgeBase.open(
        kb_dir, db, told=lambda notes, problems: heard.append((notes, problems))
    )
    written = build(kb, out, today=kb.today())
    for notes, problems in heard:
        for line in notes:
            note(line)
        warnings(problems)
    bundle = [name for name in written.written if name.startswith(BUNDLE + "/")]
    for name in written.written:
        if not name.startswith(BUNDLE + "/"):
            print(_("written: {path}").format(path=name))
    if bundle:
        print(
            ngettext(
                "written: {path} ({n} file of the search index)",
                "written: {path} ({n} files of the search index)",
                len(bundle),
            ).format(path=BUNDLE + "/", n=number(len(bundle)))
        )
    for name in written.removed:
        print(_("removed: {path}").format(path=name))
    total = len(written.written) + len(written.unchanged)
    note(
        ngettext(
            "{out}: {n} file, {written} written, {removed} removed; open {page}",
            "{out}: {n} files, {written} written, {removed} removed; open {page}",
            total,
        ).format(
            out=out,
            n=number(total),
            written=number(len(written.written)),
            removed=number(len(written.removed)),
            page=os.path.join(out, "index.html"),
        )
    )


@app.command(
    epilog=_("Examples: {examples}").format(
        examples="kb datasette > metadata.json;  datasette recaps/.kb/index.sqlite -m metadata.json"
    ),
    help=_(
        "Print Datasette's metadata for the index (JSON): its tables named and described, "
        "full-text search, facets by basin, action and year.\n\nDatasette then opens or "
        "publishes the index as it is (docs/sharing.md)."
    ),
)
def datasette(kb_dir: KbDir = None, db: Db = None, no_color: NoColor = False) -> None:
    kb = knowledge_base(kb_dir, db)
    as_json(kb.datasette())
    note(
        _("Then: datasette {index} --metadata metadata.json (docs/sharing.md)").format(
            index=kb.loc.index_file
        )
    )
