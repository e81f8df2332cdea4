"""What a sync computes for each changed file before writing it: read, hash, parse, link
to actions, French analysis. Pure work on one file, so a large sync spreads it over
worker processes while the main process writes the index.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from kb.config import leads_out
from kb.errors import RecapError
from kb.i18n import _
from kb.text.shown import printable

if TYPE_CHECKING:
    from kb.recaps.recap import Recap
    from kb.recaps.vocab import Vocabulary

# Below this many changed files a pool costs more (start-up, pickling) than it saves.
POOL_FROM = 400
CHUNK = 100


# The columns of the recaps table kb writes, in this order (n, its row number, first).
RECAP_COLUMNS = (
    *("id", "path", "date", "basin", "title", "edition", "participants", "team"),
    *("support_group", "actions", "tags", "next_meeting", "next_meeting_place", "source"),
    *("kind", "published"),
)


class Rows(NamedTuple):
    """What the index stores for one recap, as the values of its rows (without the
    recap's row number, which only the writer knows)."""

    id: str
    recap: tuple[Any, ...]  # RECAP_COLUMNS
    fts: tuple[str, str, str, str, str]  # recaps_fr: title, text, their stems, forms
    sections: list[tuple[int, str, str, str, str]]  # position, heading, text, digest, key
    actions: list[tuple[str, str]]  # linked action, JSON list of its sections


@dataclass(frozen=True)
class Prepared:
    path: str
    digest: str | None = None  # None when the file could not be read
    rows: Rows | None = None  # None when the file is not a valid recap
    problem: str | None = None  # the one-line message when the file is not a valid recap
    gone: bool = False  # removed between the folder's snapshot and its reading


def _misnamed(shown: str, path: str) -> str | None:
    """Why a file cannot be a recap by its name alone, if it cannot."""
    if not path.isascii():
        try:
            path.encode("utf-8")
        except UnicodeEncodeError:  # bytes the file system holds that are not UTF-8
            return _("{path}: the name is not UTF-8 text; rename it").format(path=printable(shown))
    if not path.endswith(".md"):
        return _("{path}: a recap's name ends in .md (lower case); rename it {name}.md").format(
            path=shown, name=path[:-3]
        )
    return None


def prepare(
    kb_dir: str, vocab: Vocabulary, path: str, *, known_digest: str | None = None
) -> Prepared:
    """Everything about one file that needs no index. When its content hash equals
    ``known_digest`` (a file touched, not changed), nothing more is computed."""
    shown = os.path.join(kb_dir, path)
    problem = _misnamed(shown, path)
    if problem is not None:
        return Prepared(path, problem=problem)
    if not vocab.links_outside and leads_out(kb_dir, path):
        return Prepared(
            path,
            problem=_(
                "{path}: a link to {target}, outside the knowledge base: not read "
                "(read_links_outside: true in kb.yml reads it)"
            ).format(path=shown, target=os.path.realpath(shown)),
        )
    try:
        with open(shown, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:  # removed since the folder was looked at: not a recap now
        return Prepared(path, gone=True)
    except OSError as exc:
        return Prepared(
            path,
            problem=_("{path}: cannot be read ({reason})").format(path=shown, reason=exc.strerror),
        )
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if digest == known_digest:
        return Prepared(path, digest)
    from kb.recaps.recap import parse_recap

    try:
        recap = parse_recap(data, path, vocab, shown=shown)
    except RecapError as exc:
        return Prepared(path, digest, problem=str(exc))
    return Prepared(path, digest, rows(vocab, recap))


def rows(vocab: Vocabulary, recap: Recap) -> Rows:
    """The index's rows of a recap. Its ``actions`` column lists every linked action,
    named in the frontmatter or mentioned in a section."""
    from kb.index.fts import terms
    from kb.recaps.actions import links
    from kb.text.fold import fold
    from kb.text.meaning import digest

    linked = links(vocab, recap.actions, recap.sections)
    plain = recap.plain
    return Rows(
        recap.id,
        (
            *(recap.id, recap.path, recap.date, recap.basin, recap.title),
            *(recap.edition, recap.participants, _json(recap.team)),
            *(_json(recap.support_group), _json(list(linked)), _json(recap.tags)),
            *(recap.next_meeting, recap.next_meeting_place, recap.source),
            *(recap.kind, recap.published),
        ),
        (recap.title, plain, *terms(recap.title, plain)),
        [
            (s.position, s.heading, s.text, digest(s.heading, s.text), fold(s.heading))
            for s in recap.sections
        ],
        [(action, _json(positions)) for action, positions in linked.items()],
    )


# json.dumps with an option builds an encoder at each call: a measurable share of a rebuild.
_json = json.JSONEncoder(ensure_ascii=False).encode


def _prepare_chunk(
    kb_dir: str, vocab: Vocabulary, paths: Sequence[tuple[str, str | None]]
) -> list[Prepared]:
    return [prepare(kb_dir, vocab, path, known_digest=digest) for path, digest in paths]


def _leave_with_parent() -> None:
    """In a worker: exit when the process that started the pool is gone. Killed, it
    cannot shut the pool down, and its workers would wait for work forever.

    multiprocessing hands each worker a handle that the process that started it holds
    open (a pipe, on Windows the process): it is closed when that process ends, whatever
    the start method, even if it ended before the worker got here. Its parent process id
    would not do: Windows never changes it, and a worker spawned as its parent is killed
    starts with init as its parent."""
    import multiprocessing
    import threading

    parent = multiprocessing.parent_process()
    if parent is None:  # not started by multiprocessing
        return

    def watch() -> None:
        parent.join()  # returns when the handle closes
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def prepare_all(
    kb_dir: str, vocab: Vocabulary, paths: Sequence[str], known: dict[str, str]
) -> Iterator[Prepared]:
    """``prepare`` for every path, in order: in worker processes when there are many
    files and more than one core, with a bounded number of chunks in flight. ``known``:
    the content hash the index has for a path (a file with the same hash is not parsed)."""
    # As many workers as cores: the main process mostly waits for them.
    workers = min(4, os.cpu_count() or 1)
    if workers < 2 or len(paths) < POOL_FROM:
        for path in paths:
            yield prepare(kb_dir, vocab, path, known_digest=known.get(path))
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    from kb.index.folder import forks

    items = [(path, known.get(path)) for path in paths]
    chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
    # Where kb does not fork, the workers start as they do on Windows: a new interpreter.
    context = multiprocessing.get_context(None if forks() else "spawn")
    with ProcessPoolExecutor(workers, context, initializer=_leave_with_parent) as pool:
        pending: list[Future[list[Prepared]]] = []
        for chunk in chunks:
            pending.append(pool.submit(_prepare_chunk, kb_dir, vocab, chunk))
            if len(pending) > workers * 3:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()
