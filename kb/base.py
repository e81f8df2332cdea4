"""The knowledge base as one object: what the command line and the web site ask of it.

``KnowledgeBase`` is opened once, from a folder and an index (:meth:`KnowledgeBase.open`,
as ``kb.config.locate`` finds them), as sqlite-utils' ``Database`` is. Each question is a
method that takes plain arguments (filters as the user typed them) and returns data (the
dataclasses and named tuples of kb.search, kb.timeline and kb.add), never styled text.

Each method answers from an index in line with its folder (kb.index.fresh: a sync, then
one connection, opened and closed under kb.index.gate's shared lock, so that a rebuild
never renames a file over an open connection). One question at a time per object: the
web site answers requests in threads, and two syncs of one index would only wait for each
other inside SQLite. What a sync has to say (files skipped as invalid, an index made
again) goes to the ``told`` callback given at opening, before the answer is returned.
Several questions from one view of the index: :meth:`KnowledgeBase.read`.

kb.cli, kb.web and kb.site call only this (pyproject.toml's import-linter contracts hold it).
Nothing heavy is imported at the top: each method imports what it uses.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from kb import config
from kb.config import Location, locate
from kb.errors import KbError, NotFoundError

# What kb.cli and kb.web name from the layers below, which they do not import themselves
# (pyproject.toml's contracts): types, the search's match markers, and the helpers of
# `kb add`'s conversation (reading its input, composing Markdown), imported when first
# asked for (:func:`__getattr__`), as kb.add parses YAML.
from kb.search.hits import MARK_END as MARK_END
from kb.search.hits import MARK_START as MARK_START
from kb.search.hits import strip_marks as strip_marks

if TYPE_CHECKING:
    from kb.add import NOTE as NOTE
    from kb.add import STDIN as STDIN
    from kb.add import UTF_8 as UTF_8
    from kb.add import Added as Added
    from kb.add import Plan as Plan
    from kb.add import compose as compose
    from kb.add import from_template as from_template
    from kb.add import read_input as read_input
    from kb.add import read_text as read_text
    from kb.add import template as template
    from kb.index.fresh import Progressing as Progressing
    from kb.index.sync import Progress as Progress
    from kb.index.sync import SyncReport as SyncReport
    from kb.recaps.vocab import Vocabulary as Vocabulary
    from kb.search.facets import KIND_FR as KIND_FR
    from kb.search.facets import Facets as Facets
    from kb.search.filters import Filters as Filters
    from kb.search.filters import check_kind as check_kind
    from kb.search.hits import RecapHit as RecapHit
    from kb.search.meaning import Related as Related
    from kb.search.query import MAX_QUERY as MAX_QUERY
    from kb.search.ranking import Outcome as Outcome
    from kb.timeline.agenda import Meeting as Meeting
    from kb.timeline.entries import Entry as Entry
    from kb.timeline.entries import Passage as Passage

_LATER = {
    "NOTE": "kb.add",
    "STDIN": "kb.add",
    "UTF_8": "kb.add",
    "compose": "kb.add",
    "from_template": "kb.add",
    "read_input": "kb.add",
    "read_text": "kb.add",
    "template": "kb.add",
    "Added": "kb.add",
    "Plan": "kb.add",
    "check_kind": "kb.search.filters",
    "Filters": "kb.search.filters",
    "Progress": "kb.index.sync",
    "SyncReport": "kb.index.sync",
    "Vocabulary": "kb.recaps.vocab",
    "Facets": "kb.search.facets",
    "RecapHit": "kb.search.hits",
    "Related": "kb.search.meaning",
    "Outcome": "kb.search.ranking",
    "Meeting": "kb.timeline.agenda",
    "Entry": "kb.timeline.entries",
    "KIND_FR": "kb.search.facets",
    "MAX_QUERY": "kb.search.query",
    "Passage": "kb.timeline.entries",
}


def __getattr__(name: str) -> Any:
    """The names of :data:`_LATER`, from their module, imported when first asked for."""
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


T = TypeVar("T")
PathArg = str | os.PathLike[str] | None
# What a sync has to say beside an answer: (notes on the index, one line per invalid file).
Told = Callable[[list[str], list[str]], None]
STDOUT = "-"  # an --output or --ics of "-": standard output, no file to check


class UnknownName(NotFoundError):
    """A basin or action filter that the vocabulary does not know: ``option`` ("basin" or
    "action"), the ``value`` given and the ``known`` slugs (the web site's error page
    lists them)."""

    def __init__(self, message: str, option: str, value: str, known: list[str]) -> None:
        super().__init__(message)
        self.option, self.value, self.known = option, value, known


class Shown(NamedTuple):
    """One recap: its fields (kb.search.lookup), its file's text when asked for, and
    sections of other recaps that speak of the same things (kb.search.meaning.related)."""

    meta: dict[str, Any]
    text: str | None
    related: list[Related]


@dataclass
class Results:
    """What the web site's home page shows: search hits, or recaps when there is no query,
    with the counts per basin, action, kind and year (kb.search.facets)."""

    query: str
    filters: Filters
    facets: Facets
    hits: list[RecapHit] = field(default_factory=list)
    recaps: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class View:
    """The index as one answer sees it: the folder's location, an open connection (closed
    once the answer is made) and the vocabulary the index was synced with. Its methods
    are the questions, filters already resolved (:meth:`filters`)."""

    loc: Location
    conn: sqlite3.Connection
    vocab: Vocabulary

    def filters(
        self,
        *,
        basin: str | None = None,
        action: str | None = None,
        since: str | None = None,
        until: str | None = None,
        year: int | None = None,
        kind: str | None = None,
    ) -> Filters:
        """The filters as typed (a basin's name, an action's alias, 2025-06), resolved;
        UsageError or UnknownName when one cannot be."""
        from kb.search.filters import make_filters

        try:
            return make_filters(
                self.vocab,
                basin=basin,
                action=action,
                since=since,
                until=until,
                year=year,
                kind=kind,
            )
        except NotFoundError as exc:
            if basin and not _resolves(self.vocab.resolve_basin, basin):
                known = [b.slug for b in self.vocab.basins]
                raise UnknownName(str(exc), "basin", basin, known) from None
            known = [a.slug for a in self.vocab.actions]
            raise UnknownName(str(exc), "action", action or "", known) from None

    def search(
        self,
        query: str,
        *,
        filters: Filters | None = None,
        limit: int = 10,
        raw: bool = False,
        meaning: bool = True,
        scores: bool = False,
        sections: bool = True,
    ) -> Outcome:
        from kb.search.ranking import Outcome
        from kb.search.ranking import search as french_search

        if raw:
            from kb.search.raw import search as raw_search

            return Outcome(raw_search(self.conn, query, filters=filters, limit=limit))
        return french_search(
            self.conn,
            query,
            vocab=self.vocab,
            filters=filters,
            limit=limit,
            meaning=meaning,
            scores=scores,
            sections=sections,
        )

    def recaps(self, filters: Filters | None = None) -> list[dict[str, Any]]:
        from kb.search.lookup import list_recaps

        return list_recaps(self.conn, filters=filters)

    def recap(self, ref: str, *, numbers: bool = True) -> dict[str, Any]:
        """One recap by id, unique id prefix, file path, or (``numbers``) the Nth result
        of the last search shown on a terminal (kb.search.last); else by id or prefix."""
        from kb.search.lookup import find_recap, get_recap

        return (find_recap if numbers else get_recap)(self.conn, self.loc, ref)

    def related(self, recap_id: str, limit: int) -> list[Related]:
        from kb.search.meaning import related

        return related(self.conn, recap_id, limit)

    def facets(self, filters: Filters, among: Collection[str] | None = None) -> Facets:
        from kb.search.facets import facets

        return facets(self.conn, self.vocab, filters=filters, among=among)

    def timeline(self, filters: Filters, *, today: dt.date) -> list[Entry]:
        from kb.timeline.entries import timeline

        return timeline(self.conn, self.vocab, filters=filters, today=today)

    def agenda(self, filters: Filters, *, today: dt.date, past: bool = False) -> list[Meeting]:
        from kb.timeline.agenda import agenda

        return agenda(self.conn, filters=filters, today=today, past=past)

    def exported(self, filters: Filters) -> list[dict[str, Any]]:
        """Every field of the recaps of ``filters`` (kb.share.export.recaps)."""
        from kb.share.export import recaps

        return recaps(self.conn, self.loc, self.vocab, filters=filters)

    def browse(
        self, query: str, filters: Filters, *, limit: int = 50, counted: int = 10_000
    ) -> Results:
        """:meth:`KnowledgeBase.browse`, the filters resolved."""
        if not query:
            rows = self.recaps(filters)[::-1]  # latest first
            found = Results(query, filters, self.facets(filters), recaps=rows[:limit])
        else:
            hits = self.search(query, filters=filters, limit=limit)
            # The counts: recaps that match the query whatever the filters, then counted
            # per filter as kb.search.facets says.
            matching = self.search(query, limit=counted, sections=False)
            counts = self.facets(filters, among={h.id for h in matching.hits})
            found = Results(query, filters, counts, hits=hits.hits, notes=hits.notes)
        if self.vocab.links_outside:
            found.hits = [hit for hit in found.hits if self.published(hit.path)]
            found.recaps = [row for row in found.recaps if self.published(row["path"])]
        return found

    def calendar(self, meetings: list[Meeting], *, stamp: dt.datetime) -> bytes:
        """The meetings as an iCalendar file (kb.share.ics)."""
        from kb.share.ics import calendar

        return calendar(meetings, self.vocab, stamp=stamp)

    def spreadsheet(self, filters: Filters, *, hidden: Collection[str] = ()) -> bytes:
        """The recaps of ``filters`` but ``hidden`` as CSV (kb.share.export.to_csv)."""
        from kb.share.export import to_csv

        return to_csv([row for row in self.exported(filters) if row["id"] not in hidden])

    def published(self, path: str) -> bool:
        """Whether the recap file ``path`` may be on a web page: never one that is a link
        to a file outside the folder, which kb.yml may let kb read (read_links_outside),
        but which a web site would publish (a link to /etc/passwd, say)."""
        return not (self.vocab.links_outside and config.leads_out(self.loc.folder, path))

    def unpublished(self) -> set[str]:
        """The ids of the recaps no web page shows (:meth:`published`): none unless kb.yml
        lets kb read links to files outside the folder."""
        if not self.vocab.links_outside:
            return set()
        rows = self.conn.execute("SELECT id, path FROM recaps")
        return {row[0] for row in rows if not self.published(row[1])}


def _resolves(resolve: Callable[[str], str], text: str) -> bool:
    try:
        resolve(text)
    except KbError:
        return False
    return True


def without(hidden: set[str], items: list[T], *ids: str) -> list[T]:
    """``items`` (timeline entries, meetings) but those whose attributes ``ids`` name
    a recap of ``hidden``."""
    if not hidden:
        return items
    return [item for item in items if not any(getattr(item, a) in hidden for a in ids)]


class KnowledgeBase:
    """A knowledge base: its folder of recaps and its index (a cache of the folder).

    ``told`` hears what each sync has to say (notes on the index, invalid files);
    ``progress`` gives the progress callback of a long sync (kb.index.fresh); ``today``
    is asked at each question that depends on the day (kb.config.today, which honours
    $KB_TODAY, unless given)."""

    def __init__(
        self,
        loc: Location,
        *,
        told: Told | None = None,
        progress: Progressing | None = None,
        today: Callable[[], dt.date] | None = None,
    ) -> None:
        self.loc = loc
        self.told = told
        self.progress = progress
        self.today = today or config.today
        self._lock = threading.RLock()  # one sync at a time (see the module docstring)
        self._last = threading.local()  # the vocabulary of this thread's last answer

    @classmethod
    def open(
        cls,
        kb_dir: PathArg = None,
        db: PathArg = None,
        *,
        told: Told | None = None,
        progress: Progressing | None = None,
        today: Callable[[], dt.date] | None = None,
    ) -> KnowledgeBase:
        """The knowledge base in ``kb_dir`` (else $KB_DIR, else ./recaps) with the index
        ``db`` (else $KB_DB, else beside the recaps): kb.config.locate."""
        return cls(locate(kb_dir, db), told=told, progress=progress, today=today)

    # -- answering ------------------------------------------------------------------

    def read(self, question: Callable[[View], T]) -> T:
        """``question`` answered from one view of an index in line with the folder."""
        from kb.index.fresh import answer

        loc = self.loc
        with self._lock:
            done = answer(
                loc, lambda conn, vocab: question(View(loc, conn, vocab)), progress=self.progress
            )
        self._last.vocab = done.vocab
        if self.told is not None:
            self.told(done.notes, done.problems)
        return done.value

    @property
    def vocab(self) -> Vocabulary:
        """The vocabulary of this thread's last answer (basins, actions, glossary: what
        output names and colours come from), else a fresh one."""
        known: Vocabulary | None = getattr(self._last, "vocab", None)
        return known if known is not None else self.vocabulary()

    def vocabulary(self) -> Vocabulary:
        """The index synced, and the vocabulary it was synced with (kb.yml's)."""
        return self.read(lambda view: view.vocab)

    def settings(self) -> Vocabulary:
        """kb.yml as it is now (or the defaults), without the index: for ``kb add``."""
        from kb.recaps.vocab import load_vocabulary

        return load_vocabulary(self.loc.data_file)

    def stored_vocabulary(self) -> Vocabulary:
        """The vocabulary the index was last synced with, else kb.yml's (or the defaults):
        the index read as it is, never synced (shell completion)."""
        from kb.index.schema import stored
        from kb.recaps.vocab import Vocabulary, load_vocabulary

        with self._peek() as conn:
            data = stored(conn, "vocabulary", None) if conn is not None else None
        if data is not None:
            return Vocabulary.from_dict(data)
        return load_vocabulary(self.loc.data_file)

    def ids(self, prefix: str) -> list[tuple[str, str]]:
        """(id, title) of the recaps whose id starts with ``prefix``, from the index as it
        is, never synced (shell completion); none without an index."""
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._peek() as conn:
            if conn is None:
                return []
            rows = conn.execute(
                "SELECT id, title FROM recaps WHERE id LIKE ? ESCAPE '\\' ORDER BY id", (like,)
            )
            return [(row[0], " ".join(str(row[1]).split())) for row in rows]

    @contextmanager
    def _peek(self) -> Iterator[sqlite3.Connection | None]:
        """The index opened read-only, or None when there is none yet; under
        kb.index.gate's shared lock, as every connection to it."""
        if not os.path.isfile(self.loc.index_file):
            yield None
            return
        from pathlib import Path

        from kb.index.gate import reading

        uri = Path(self.loc.index_file).resolve().as_uri() + "?mode=ro"
        with reading(self.loc.index_file):
            conn = sqlite3.connect(uri, uri=True)
            try:
                yield conn
            finally:
                conn.close()

    def index(self, *, rebuild: bool = False) -> SyncReport:
        """Bring the index in line with the folder (``rebuild``: from an empty index)."""
        from kb.index.fresh import placed, rebuilt
        from kb.index.sync import sync

        self._tell(placed(self.loc))
        with self._lock:
            if self.progress is None:
                report = sync(self.loc, rebuild=rebuild)
            else:
                with self.progress() as progress:
                    report = sync(self.loc, rebuild=rebuild, progress=progress)
        self._tell(rebuilt(self.loc, report.rebuilt))
        return report

    def _tell(self, notes: list[str]) -> None:
        if notes and self.told is not None:
            self.told(notes, [])

    def _day(self, today: dt.date | None) -> dt.date:
        return today if today is not None else self.today()

    # -- reading --------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        basin: str | None = None,
        action: str | None = None,
        since: str | None = None,
        until: str | None = None,
        year: int | None = None,
        kind: str | None = None,
        limit: int = 10,
        raw: bool = False,
        meaning: bool = True,
        scores: bool = False,
    ) -> Outcome:
        """The recaps that match ``query``, best first (``raw``: FTS5 syntax as typed;
        ``meaning``: also the recaps that say the same in other words; ``scores``: each
        hit's meaning score, as JSON shows it)."""

        def question(view: View) -> Outcome:
            filters = view.filters(
                basin=basin, action=action, since=since, until=until, year=year, kind=kind
            )
            return view.search(
                query, filters=filters, limit=limit, raw=raw, meaning=meaning, scores=scores
            )

        return self.read(question)

    def remember(self, query: str, ids: list[str]) -> None:
        """The recaps a reader was shown for ``query``, in order: ``kb show N``."""
        from kb.search.last import save

        save(self.loc.index_file, query, ids)

    def recaps(
        self,
        *,
        basin: str | None = None,
        action: str | None = None,
        since: str | None = None,
        until: str | None = None,
        year: int | None = None,
        kind: str | None = None,
    ) -> list[dict[str, Any]]:
        """The recaps of these filters, oldest first (``kb list``)."""

        def question(view: View) -> list[dict[str, Any]]:
            filters = view.filters(
                basin=basin, action=action, since=since, until=until, year=year, kind=kind
            )
            return view.recaps(filters)

        return self.read(question)

    def recap(
        self,
        ref: str,
        *,
        text: bool = False,
        related: int = 0,
        numbers: bool = True,
        published: bool = False,
    ) -> Shown:
        """One recap by the references ``kb show`` takes (:meth:`View.recap`), with its
        file's text (``text``) and ``related`` sections of other recaps. ``published``:
        NotFoundError for a recap no web page may show (:meth:`View.published`)."""

        def question(view: View) -> Shown:
            meta = view.recap(ref, numbers=numbers)
            if published and not view.published(meta["path"]):
                raise NotFoundError(ref)
            body = _read(os.path.join(self.loc.folder, meta["path"])) if text else None
            near = view.related(meta["id"], related) if related else []
            return Shown(meta, body, near)

        return self.read(question)

    def similar(self, ref: str, *, limit: int = 5) -> list[Related]:
        """The sections of other recaps that speak of what this recap's sections do."""
        return self.read(lambda view: view.related(view.recap(ref)["id"], limit))

    def path(self, ref: str) -> str:
        """The file of the recap ``ref`` names (``kb open``)."""
        meta = self.read(lambda view: view.recap(ref))
        return os.path.join(self.loc.folder, meta["path"])

    def browse(
        self,
        query: str = "",
        *,
        basin: str | None = None,
        action: str | None = None,
        year: int | None = None,
        kind: str | None = None,
        limit: int = 50,
        counted: int = 10_000,
    ) -> Results:
        """The web site's home page: the latest recaps of the filters without a query,
        else the query's hits; with the counts per basin, action and year (for the
        recaps that match the query whatever the filters, among the first ``counted``).
        Only the recaps that may be published (:meth:`View.published`)."""

        def question(view: View) -> Results:
            filters = view.filters(basin=basin, action=action, year=year, kind=kind)
            return view.browse(query, filters, limit=limit, counted=counted)

        return self.read(question)

    def timeline(
        self,
        *,
        basin: str | None = None,
        action: str | None = None,
        since: str | None = None,
        until: str | None = None,
        year: int | None = None,
        kind: str | None = None,
        today: dt.date | None = None,
        published: bool = False,
    ) -> tuple[Filters, list[Entry]]:
        """The recaps oldest first, with announced meetings and editions without recap;
        and the filters as resolved. ``published``: only what a web page may show."""
        day = self._day(today)

        def question(view: View) -> tuple[Filters, list[Entry]]:
            filters = view.filters(
                basin=basin, action=action, since=since, until=until, year=year, kind=kind
            )
            entries = view.timeline(filters, today=day)
            if published:
                entries = without(view.unpublished(), entries, "id")
            return filters, entries

        return self.read(question)

    def agenda(
        self,
        *,
        basin: str | None = None,
        since: str | None = None,
        until: str | None = None,
        year: int | None = None,
        past: bool = False,
        today: dt.date | None = None,
        published: bool = False,
    ) -> tuple[Filters, list[Meeting]]:
        """The meetings the recaps announce (kb.timeline.agenda), and the filters as
        resolved. ``published``: only what a web page may show."""
        day = self._day(today)

        def question(view: View) -> tuple[Filters, list[Meeting]]:
            filters = view.filters(basin=basin, since=since, until=until, year=year)
            meetings = view.agenda(filters, today=day, past=past)
            if published:
                meetings = without(view.unpublished(), meetings, "announced_by", "recap")
            return filters, meetings

        return self.read(question)

    def basins(self, *, today: dt.date | None = None) -> list[dict[str, Any]]:
        """Per basin: recaps, dates, participants, team, next meeting (``kb basins``)."""
        from kb.timeline.summaries import basins_summary

        day = self._day(today)
        return self.read(lambda view: basins_summary(view.conn, view.vocab, today=day))

    def actions(self, *, basin: str | None = None) -> list[dict[str, Any]]:
        """Every action of kb.yml: its recaps, basins, first and last date."""
        from kb.timeline.summaries import actions_summary

        def question(view: View) -> list[dict[str, Any]]:
            slug = view.vocab.resolve_basin(basin) if basin else None
            return actions_summary(view.conn, view.vocab, basin=slug)

        return self.read(question)

    def glossary(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The glossary: each term and what it stands for (kb.yml's, else the defaults)."""
        return self.read(lambda view: view.vocab.glossary)

    def datasette(self) -> dict[str, Any]:
        """Datasette's metadata for the index (kb.share.datasette)."""
        from kb.share.datasette import metadata

        return self.read(lambda view: metadata(view.loc, view.vocab))

    # -- sharing --------------------------------------------------------------------

    def export(
        self,
        fmt: str | None = None,
        *,
        output: str | None = None,
        force: bool = False,
        basin: str | None = None,
        action: str | None = None,
        since: str | None = None,
        until: str | None = None,
        year: int | None = None,
        today: dt.date | None = None,
    ) -> tuple[bytes, int]:
        """The recaps of the filters in ``fmt`` (csv, jsonl, md; else ``output``'s
        extension), and how many. ``output`` (a file to write) is checked first
        (:meth:`check_target`)."""
        from kb.share.export import export, export_format

        chosen = export_format(fmt, output)
        day = self._day(today)

        def question(view: View) -> tuple[bytes, int]:
            if output is not None:
                self.check_target(output, option="--output", force=force)  # before any work
            filters = view.filters(basin=basin, action=action, since=since, until=until, year=year)
            return export(view.conn, self.loc, view.vocab, fmt=chosen, filters=filters, today=day)

        return self.read(question)

    def calendar(self, meetings: list[Meeting], *, stamp: dt.datetime | None = None) -> bytes:
        """The meetings as an iCalendar file (kb.share.ics), with the vocabulary of this
        thread's last answer; ``stamp``: now, else."""
        from kb.share.ics import calendar

        when = stamp or dt.datetime.now(dt.timezone.utc)
        return calendar(meetings, self.vocab, stamp=when)

    def check_target(self, target: str, *, option: str, force: bool = False) -> None:
        """UsageError when ``target`` may not be written (a recap, kb.yml, the index…
        without ``force``); nothing to check for standard output (``-``)."""
        if target == STDOUT:
            return
        from kb.share.files import check_target

        check_target(target, self.loc, option=option, force=force)

    def write(self, target: str, data: bytes, *, option: str, force: bool = False) -> str | None:
        """``data`` written to ``target`` whole (atomically); the former file's backup, if
        one was kept (kb.share.files)."""
        from kb.share.files import write_output

        return write_output(target, data, self.loc, option=option, force=force)

    # -- adding ---------------------------------------------------------------------

    def plan_add(
        self, data: bytes, *, source: str, force: bool = False, vocab: Vocabulary | None = None
    ) -> Plan:
        """A recap's Markdown checked, and where it would be written; nothing written.
        ``vocab``: kb.yml's (:meth:`settings`) unless given."""
        from kb.add import prepare

        return prepare(self.loc, data, vocab or self.settings(), source=source, force=force)

    def commit(self, plan: Plan, *, index: bool = True) -> Added:
        """Write a planned recap (atomically) and index it (``index``; else
        :meth:`index` once after several)."""
        from kb.add import commit

        return commit(plan, index=index)

    def recap_file(self, recap_id: str) -> str | None:
        """The file (relative to the folder) of the recap with this id, if any."""
        from kb.add import find_recap_file

        return find_recap_file(self.loc, recap_id)


def _read(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", errors="replace")
    except OSError as exc:
        from kb.i18n import _

        raise KbError(
            _("{path}: cannot be read ({reason})").format(path=path, reason=exc.strerror)
        ) from None
