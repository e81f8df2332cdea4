"""`kb site` and `kb datasette`: the knowledge base for those who have no terminal."""

from __future__ import annotations

import os

from kb.cli import render
from kb.i18n import _, ngettext, number

PathArg = str | os.PathLike[str] | None


def site(*, out: str, kb_dir: PathArg = None, db: PathArg = None) -> int:
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
            render.note(line)
        render.warnings(problems)
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
    render.note(
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
    return 0


def datasette(*, kb_dir: PathArg = None, db: PathArg = None) -> int:
    from kb.cli.commands import knowledge_base

    kb = knowledge_base(kb_dir, db)
    render.as_json(kb.datasette())
    render.note(
        _("Then: datasette {index} --metadata metadata.json (docs/sharing.md)").format(
            index=kb.loc.index_file
        )
    )
    return 0
