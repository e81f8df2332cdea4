"""The last search shown on a terminal: its results by number, for ``kb show N``.

A search printed on a terminal numbers its recaps and keeps their ids beside the index
(``<index>.last-search``: the query, then one id a line), so that ``kb show 3`` or
``kb open 3`` takes the third. A search that is piped or printed as JSON keeps nothing:
the numbers are those the reader saw. The file is a cache like the index: written
atomically, never in the recaps folder itself (unless the index is), and a search that
cannot write it still succeeds.

A reference is a result number when it is a whole number from 1 to the count of the last
search. Recap ids start with a date, so no id is a bare number; a number of 1 to 3
digits outside that range is a mistake (said in one line), one of 4 digits or more is an
id prefix, as before (``kb show 2025``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from typing import NamedTuple

from kb.errors import NotFoundError
from kb.i18n import _, ngettext, number

SUFFIX = ".last-search"


class LastSearch(NamedTuple):
    query: str
    ids: tuple[str, ...]


def file_for(index_file: str) -> str:
    return index_file + SUFFIX


def save(index_file: str, query: str, ids: Sequence[str]) -> None:
    """Keep a search's results; on failure (a read-only folder), keep nothing."""
    path = file_for(index_file)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as out:
            out.write(" ".join(query.split()) + "\n" + "".join(f"{i}\n" for i in ids))
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def load(index_file: str) -> LastSearch | None:
    """The last search kept, or None (none yet, or unreadable)."""
    try:
        with open(file_for(index_file), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if not lines:
        return None
    return LastSearch(lines[0], tuple(line for line in lines[1:] if line))


def result_id(index_file: str, ref: str) -> str | None:
    """The id that ``ref`` stands for when it is a result number of the last search;
    None when it is no number (an id, a prefix, a path). Raises NotFoundError for a
    small number that is no result of the last search."""
    if not (ref.isascii() and ref.isdigit()):
        return None
    position = int(ref)
    last = load(index_file)
    if last is not None and 1 <= position <= len(last.ids):
        return last.ids[position - 1]
    if len(ref) >= 4:
        return None  # 2025, 20250: the start of ids
    if last is None:
        raise NotFoundError(
            _(
                "result {ref}: no search to take it from yet; run kb search WORDS on a "
                "terminal (it numbers the recaps it shows), or give a recap id (kb list "
                "shows them)"
            ).format(ref=ref)
        )
    count = len(last.ids)
    if count == 0:
        message = _(
            "result {ref}: the last search ({query}) found no recap; search again, or give "
            "a recap id (kb list shows them)"
        )
    else:
        message = ngettext(
            "result {ref}: the last search ({query}) showed one recap, number 1; search "
            "again, or give a recap id (kb list shows them)",
            "result {ref}: the last search ({query}) showed {n} recaps, numbered 1 to {n}; "
            "search again, or give a recap id (kb list shows them)",
            count,
        )
    raise NotFoundError(message.format(ref=ref, query=last.query, n=number(count)))
