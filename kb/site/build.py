"""`kb site OUT/`: the site made whole in memory, its search index, then written."""

from __future__ import annotations

import datetime as dt

from kb.base import KnowledgeBase, View
from kb.site import output, pages, search


def build(kb: KnowledgeBase, out: str, *, today: dt.date) -> output.Written:
    """Make the site of ``kb`` into ``out``, from one answer of its index (what the sync
    has to say goes to ``kb``'s ``told``); what was written."""
    before = output.check(out, kb.loc)

    def question(view: View) -> dict[str, bytes]:
        return pages.make(view, today=today)

    files = dict(kb.read(question))
    files.update(search.index(files))
    return output.write(out, files, before)
