"""The static site's files, made in memory: kb.web's pages for every basin, action and
year a page links to, each address relative to the page that holds it.

A page of the server is an address with parameters (``/timeline?basin=nord``); here it is
a file (``timeline/basin-nord.html``). The templates make every address with ``link``:
here, ``link`` names the file and records it as wanted, and every file wanted is made in
turn, so each link of the site leads to a file of the site.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from jinja2 import pass_context
from jinja2.runtime import Context

from kb.base import Filters, View, without
from kb.errors import KbError
from kb.i18n import _, language

HERE = os.path.dirname(os.path.abspath(__file__))
# The parameters of each page, in the order a file's name gives them.
PARAMETERS = {
    "/": ("basin", "action", "year", "kind"),
    "/timeline": ("basin", "action"),
    "/agenda": ("basin",),
    "/agenda.ics": ("basin",),
}
FILES = {"/": "index.html", "/timeline": "timeline.html", "/agenda": "agenda.html"}
FOLDERS = {"/": "home", "/timeline": "timeline", "/agenda": "agenda", "/agenda.ics": "agenda"}
CSV = "recaps.csv"
ICS = "agenda.ics"
# The files beside the pages: the style sheet and the search's script.
STATIC = {
    "static/style.css": os.path.join(os.path.dirname(HERE), "web", "static", "style.css"),
    "static/search.js": os.path.join(HERE, "static", "search.js"),
    "static/search.css": os.path.join(HERE, "static", "search.css"),
}
# Pages may load their own scripts (Pagefind's, which compiles WebAssembly) and nothing
# else: whatever a recap holds is text (kb.web.app), and would not run anyway.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' "
    "'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'"
)

Page = tuple[str, tuple[tuple[str, str], ...]]  # an address and its parameters


def file_of(path: str, params: Mapping[str, str]) -> str:
    """The file of a page of the server: ``/recaps/ID`` -> ``recaps/ID.html``,
    ``/timeline?basin=nord`` -> ``timeline/basin-nord.html``; files (``/static/…``,
    ``/pagefind/…``) keep their path."""
    if path.startswith("/recaps/"):
        return path.removeprefix("/") + ".html"
    if path.startswith(("/static/", "/pagefind/")) or path == f"/{CSV}":
        return path.removeprefix("/")
    if path not in PARAMETERS:
        raise ValueError(f"no static page for {path}")
    names = PARAMETERS[path]
    unknown = set(params) - set(names)
    if unknown:
        raise ValueError(f"no static page for {path} with {sorted(unknown)}")
    if not params:
        return FILES.get(path, ICS)
    name = "_".join(f"{key}-{params[key]}" for key in names if key in params)
    return f"{FOLDERS[path]}/{name}{'.ics' if path.endswith('.ics') else '.html'}"


class Links:
    """``link`` for the templates: the address of a file relative to the page being made
    (the template's ``here``), each page linked to recorded in ``wanted``."""

    def __init__(self) -> None:
        self.wanted: set[Page] = set()
        # (folder of the page, page linked to) -> the address: a site links the same
        # pages from many pages (tens of thousands of links for a thousand recaps).
        self.made: dict[tuple[str, Page], str] = {}

    @pass_context
    def __call__(
        self,
        context: Context,
        path: str,
        params: Mapping[str, Any] | None = None,
        **changes: Any,
    ) -> str:
        merged = {**(params or {}), **changes}
        kept = {k: str(v) for k, v in merged.items() if v not in (None, "")}
        page = (path, tuple(sorted(kept.items())))
        here = posixpath.dirname(context["here"])
        known = self.made.get((here, page))
        if known is not None:
            return known
        if path in PARAMETERS or path.startswith("/recaps/"):
            self.wanted.add(page)
        relative = posixpath.relpath(file_of(path, kept), here or ".")
        if path.endswith("/") and path != "/":  # a folder (Pagefind's bundle)
            relative += "/"
        address = self.made[(here, page)] = quote(relative)
        return address


def _filters(params: Mapping[str, str]) -> Filters:
    year = params.get("year")
    return Filters(
        basin=params.get("basin"),
        action=params.get("action"),
        since=f"{year}-01-01" if year else None,
        until=f"{year}-12-31" if year else None,
        kind=params.get("kind"),
    )


def make(view: View, *, today: dt.date) -> dict[str, bytes]:
    """Every file of the site but the search index, by its path in the site, from one
    view of the index (kb.base)."""
    from kb.web import app

    loc, vocab = view.loc, view.vocab
    hidden = view.unpublished()  # links out of the folder, if read at all
    recaps = [row for row in view.recaps() if row["id"] not in hidden]
    if not recaps:
        raise KbError(
            _("{folder}: no recap to put on the site; nothing written").format(folder=loc.folder)
        )
    # The calendar file is linked at the foot of every page when there is one to link.
    meetings = without(
        hidden, view.agenda(Filters(), today=today, past=True), "announced_by", "recap"
    )
    downloads = [(f"/{CSV}", _SHEET)] + ([(f"/{ICS}", _CALENDAR)] if meetings else [])
    links = Links()
    env = app.environment(os.path.join(HERE, "templates"))
    env.globals.update(link=links, csp=CSP, downloads=downloads)
    render_markdown = app.markdown()
    files: dict[str, bytes] = {}

    def render(template: str, here: str, section: str, **context: Any) -> None:
        html = env.get_template(template).render(
            here=here, section=section, messages_lang=language(), vocab=vocab, **context
        )
        files[here] = html.encode("utf-8")

    def page(path: str, params: Mapping[str, str]) -> None:
        here = file_of(path, params)
        filters = _filters(params)
        if path.startswith("/recaps/"):
            meta = view.recap(path.removeprefix("/recaps/"), numbers=False)
            if not view.published(meta["path"]):
                return  # a link to a file outside the folder (kb.yml's read_links_outside)
            try:
                context = app.recap_page(loc, meta, render_markdown)
            except OSError as exc:
                raise KbError(
                    _("{path}: cannot be read ({reason})").format(
                        path=loc.shown(meta["path"]), reason=exc.strerror
                    )
                ) from None
            render("site_recap.html", here, "recap", today=today.isoformat(), **context)
        elif path == "/":
            found = view.browse("", filters)
            render("site_home.html", here, "home", **app.home_page(found))
        elif path == "/timeline":
            entries = without(hidden, view.timeline(filters, today=today), "id")
            render("timeline.html", here, "timeline", filters=filters, entries=entries)
        elif path == "/agenda":
            meetings = view.agenda(filters, today=today, past=True)
            meetings = without(hidden, meetings, "announced_by", "recap")
            context = app.agenda_page(meetings, today)
            render("agenda.html", here, "agenda", filters=filters, **context)
        elif path == "/agenda.ics":
            meetings = view.agenda(filters, today=today, past=True)
            meetings = without(hidden, meetings, "announced_by", "recap")
            if meetings:  # a calendar has at least one event (RFC 5545)
                files[here] = view.calendar(meetings, stamp=_stamp(meetings))

    # Every page the server has at an address without parameters, every recap, the
    # timeline of each basin and of each action, the agenda of each basin; then every
    # page these link to (the home page of a basin, of a year…), until none is new.
    todo: set[Page] = {(p, ()) for p in PARAMETERS}
    todo |= {("/timeline", (("action", a.slug),)) for a in vocab.actions}
    todo |= {("/timeline", (("basin", b.slug),)) for b in vocab.basins}
    todo |= {("/agenda", (("basin", b.slug),)) for b in vocab.basins}
    todo |= {(f"/recaps/{r['id']}", ()) for r in recaps}
    done: set[Page] = set()
    while todo:
        for path, params in sorted(todo):
            page(path, dict(params))
        done |= todo
        todo = links.wanted - done
    files[CSV] = view.spreadsheet(Filters(), hidden=hidden)
    for name, source in STATIC.items():
        with open(source, "rb") as handle:
            files[name] = handle.read()
    return files


# The footer's downloads (French, as every page's text).
_SHEET = "les comptes rendus en tableau (CSV)"
_CALENDAR = "l'agenda (iCalendar)"


def _stamp(meetings: list[Any]) -> dt.datetime:
    """The calendar's DTSTAMP: the day of the latest recap that announced a meeting, so
    that the same meetings give the same file (the clock's time would rewrite it at each
    build)."""
    latest = max(m.announced_by[:10] for m in meetings)
    try:
        day = dt.date.fromisoformat(latest)
    except ValueError:  # ids start with their date; a day that always parses otherwise
        day = dt.date(2000, 1, 1)
    return dt.datetime.combine(day, dt.time(), dt.timezone.utc)
