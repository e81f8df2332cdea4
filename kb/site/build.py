"""`kb site OUT/`: the site made whole in memory, its search index, then written."""

from __future__ import annotations

import datetime as dt
import sqlite3

from kb.config import Location
from kb.index.fresh import Answer, answer
from kb.recaps.vocab import Vocabulary
from kb.site import output, pages, search


def build(
    loc: Location, out: str, *, today: dt.date
) -> tuple[Answer[dict[str, bytes]], output.Written]:
    """Make the site of ``loc`` into ``out``: the index's answer (its vocabulary, the
    files the sync found invalid) with the files made, and what was written."""
    before = output.check(out, loc)

    def question(conn: sqlite3.Connection, vocab: Vocabulary) -> dict[str, bytes]:
        return pages.make(conn, loc, vocab, today=today)

    done = answer(loc, question)
    files = dict(done.value)
    files.update(search.index(files))
    return done, output.write(out, files, before)
