"""The web site: the same answers as the command line, as HTML pages.

Pages: ``/`` (the search box and its results, or the latest recaps; counts per basin,
action and year), ``/recaps/<id>`` (one recap), ``/timeline`` (a basin or an action
through time), ``/agenda`` (the announced meetings) and ``/agenda.ics`` (the same as a
calendar file). Every page is a GET, every parameter is checked (a bad one is a 400 page
that says which), an unknown page or recap is a 404 page; no traceback is ever shown.

Recap text is never trusted: the templates escape everything (Jinja's autoescape), the
highlights are added after escaping, Markdown is rendered with raw HTML turned off (so
``<script>`` shows as text) and unsafe links refused, and the Content-Security-Policy
allows no script at all.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kb import config
from kb.base import KIND_FR, MARK_END, MARK_START, MAX_QUERY, KnowledgeBase, Results, UnknownName
from kb.config import Location
from kb.errors import KbError, NotFoundError, UsageError
from kb.i18n import _, language
from kb.recaps.recap import KINDS
from kb.text.shown import escaped

HERE = os.path.dirname(os.path.abspath(__file__))
SHOWN = 50  # recaps on a page of results
SECTIONS_SHOWN = 3  # matching sections under each result, as `kb search` shows
MATCHING = 10_000  # recaps counted for the facets
QUERY_LENGTH = MAX_QUERY  # a longer query is cut there
_ID = re.compile(r"[0-9a-z][0-9a-z-]{0,200}")  # recap ids are <date>-<basin slug>
HEADERS = {
    # No script may run, whatever a recap holds; styles and images from the site only.
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
log = logging.getLogger("kb.web")
T = TypeVar("T")


class BadParameter(Exception):
    """A query parameter the site cannot use: ``name`` and the ``value`` given; the
    error page says what is expected (templates/error.html)."""

    def __init__(self, name: str, value: str, detail: str = "") -> None:
        super().__init__(f"{name}={value!r}")
        self.name, self.value, self.detail = name, value, detail


def marked(text: str | None) -> Markup:
    """Text with the search markers as ``<mark>``: escaped first, then marked."""
    safe = str(escape(text or ""))
    return Markup(" ".join(safe.split()).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


SEE_ALSO = 5  # sections of other recaps under a recap (kb.search.meaning.related)


def environment(*folders: str) -> Environment:
    """The pages' templates (``folders`` first: the static site's, which extend them).
    ``link`` makes every address of a page; ``csp`` and ``downloads`` are the static
    site's (the server sends its policy as a header)."""
    env = Environment(
        loader=FileSystemLoader([*folders, os.path.join(HERE, "templates")]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["marked"] = marked
    env.globals.update(link=link, csp=None, downloads=None, kind_names=KIND_FR)
    return env


def markdown() -> Callable[[str], str]:
    from markdown_it import MarkdownIt

    # "commonmark" with raw HTML off: <script> is text; javascript: and data: links are
    # refused by markdown-it's link check. Tables, as recaps may have them.
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    return md.render


def home_page(found: Results) -> dict[str, Any]:
    """home.html's context (beside ``vocab``) for these results."""
    chosen = {
        "basin": found.filters.basin,
        "action": found.filters.action,
        "kind": found.filters.kind,
    }
    year = next((f.value for f in found.facets.years if f.selected), None)
    return {
        "query": found.query,
        "results": found,
        "current": {"q": found.query, **chosen, "year": year},
        "problem": None,
        "shown_limit": SHOWN,
        "sections_shown": SECTIONS_SHOWN,
    }


def recap_page(
    loc: Location, meta: Mapping[str, Any], render_markdown: Callable[[str], str]
) -> dict[str, Any]:
    """recap.html's context (beside ``vocab``) for a recap as kb.search.lookup gives it.
    OSError when its file cannot be read (removed since the index was asked)."""
    from kb.recaps.recap import body_of

    with open(os.path.join(loc.folder, meta["path"]), "rb") as handle:
        text = handle.read().decode("utf-8", errors="replace")
    body = body_of(text.removeprefix("\ufeff").replace("\r\n", "\n"))
    return {
        "meta": meta,
        "body": Markup(render_markdown(body)),
        "source_link": _web_address(meta.get("source")),
    }


def agenda_page(meetings: list[Any], today: dt.date) -> dict[str, Any]:
    """agenda.html's context (beside ``vocab`` and ``filters``): upcoming and past."""
    day = today.isoformat()
    return {
        "upcoming": [m for m in meetings if m.date >= day],
        "past": [m for m in meetings if m.date < day],
    }


class Site:
    """The pages of one knowledge base. ``today`` is asked at each request (kb.config's,
    which honours $KB_TODAY, unless given)."""

    def __init__(self, loc: Location, *, today: Callable[[], dt.date] | None = None) -> None:
        self.loc = loc
        self.today = today or config.today
        # Asked one question at a time (requests are answered in threads): kb.base.
        self.kb = KnowledgeBase(loc, told=self.told, today=self.today)
        self.env = environment()
        self.render_markdown = markdown()

    # -- answering ----------------------------------------------------------------

    def told(self, notes: list[str], problems: list[str]) -> None:
        for problem in problems:
            # A file's name may hold a newline or a right-to-left override: escaped.
            shown = escaped(problem, line=True)
            log.warning("%s", _("{problem} (skipped)").format(problem=shown))

    def page(self, template: str, code: int = 200, **context: Any) -> HTMLResponse:
        """A page; ``section`` (which menu item is current) is the template's name."""
        context.setdefault("section", template.removesuffix(".html"))
        # The search's notes and problems are kb's messages, in the server's language (the
        # pages themselves are French): their lang attribute.
        context.setdefault("messages_lang", language())
        html = self.env.get_template(template).render(**context)
        return HTMLResponse(html, status_code=code)

    # -- pages --------------------------------------------------------------------

    def home(self, request: Request) -> Response:
        params = request.query_params
        query = " ".join(params.get("q", "").split())[:QUERY_LENGTH]
        chosen = _chosen(params)
        try:
            found = _named(lambda: self.kb.browse(query, **chosen, limit=SHOWN, counted=MATCHING))
        except UsageError as exc:  # a query with nothing to look for, filters at odds
            vocab = self.kb.vocabulary()
            return self.page(
                "home.html", 400, vocab=vocab, query=query, results=None, problem=str(exc)
            )
        return self.page("home.html", vocab=self.kb.vocab, **home_page(found))

    def recap(self, request: Request) -> Response:
        ref = request.path_params["recap_id"]
        if not _ID.fullmatch(ref):
            raise HTTPException(404)
        try:
            meta, _text, related = self.kb.recap(
                ref, related=SEE_ALSO, numbers=False, published=True
            )
        except NotFoundError:
            raise HTTPException(404) from None
        vocab = self.kb.vocab
        if meta["id"] != ref:  # a unique prefix of the id: the page's own address
            return RedirectResponse(request.url_for("recap", recap_id=meta["id"]).path, 302)
        try:
            context = recap_page(self.loc, meta, self.render_markdown)
        except OSError:
            raise HTTPException(404) from None  # removed since the index was asked
        # "next meeting" only for a day still to come
        return self.page(
            "recap.html",
            vocab=vocab,
            today=self.today().isoformat(),
            related=related,
            **context,
        )

    def timeline(self, request: Request) -> Response:
        chosen = _chosen(request.query_params, year=False)
        day = self.today()
        filters, entries = _named(lambda: self.kb.timeline(**chosen, today=day, published=True))
        return self.page("timeline.html", vocab=self.kb.vocab, filters=filters, entries=entries)

    def agenda(self, request: Request) -> Response:
        filters, meetings = self._meetings(request)
        return self.page(
            "agenda.html",
            vocab=self.kb.vocab,
            filters=filters,
            **agenda_page(meetings, self.today()),
        )

    def agenda_ics(self, request: Request) -> Response:
        _chosen_filters, meetings = self._meetings(request)
        if not meetings:
            raise HTTPException(404)  # a calendar has at least one event (RFC 5545)
        data = self.kb.calendar(meetings)
        return Response(
            data,
            media_type="text/calendar; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="agenda-adc.ics"'},
        )

    def _meetings(self, request: Request) -> tuple[Any, list[Any]]:
        chosen = _chosen(request.query_params, action=False, year=False)
        day = self.today()
        return _named(
            lambda: self.kb.agenda(basin=chosen["basin"], today=day, past=True, published=True)
        )

    # -- errors -------------------------------------------------------------------

    def bad_parameter(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BadParameter)
        return self.page("error.html", 400, status=400, problem=exc, section="")

    def http_error(self, request: Request, exc: Exception) -> Response:
        code = exc.status_code if isinstance(exc, HTTPException) else 500
        return self.page("error.html", code, status=code, problem=None, section="")

    def kb_error(self, request: Request, exc: Exception) -> Response:
        log.error("%s", exc)  # the index or the folder cannot be used: said on the console
        return self.page("error.html", 503, status=503, problem=None, section="")

    def server_error(self, request: Request, exc: Exception) -> Response:
        return self.page("error.html", 500, status=500, problem=None, section="")


def _chosen(params: Mapping[str, str], *, action: bool = True, year: bool = True) -> dict[str, Any]:
    """The basin, action, kind and year parameters, as the command line's options (a bad
    kind or year is a BadParameter; basins and actions are resolved by kb.base)."""
    basin = params.get("basin", "").strip() or None
    slug_action = (params.get("action", "").strip() or None) if action else None
    year_text = params.get("year", "").strip() if year else ""
    kind = params.get("kind", "").strip() or None
    if kind is not None and kind not in KINDS:
        raise BadParameter("kind", kind, ", ".join(KINDS))
    chosen: dict[str, Any] = {"basin": basin, "kind": kind}
    if action:
        chosen["action"] = slug_action
    if year:
        if year_text and not (
            year_text.isdigit() and len(year_text) == 4 and 1900 <= int(year_text) <= 2999
        ):
            raise BadParameter("year", year_text)
        chosen["year"] = int(year_text) if year_text else None
    return chosen


def _named(question: Callable[[], T]) -> T:
    """The answer to ``question``; a basin or action the vocabulary does not know is a
    BadParameter (the error page lists the known basins)."""
    try:
        return question()
    except UnknownName as exc:
        detail = ", ".join(exc.known) if exc.option == "basin" else ""
        raise BadParameter(exc.option, exc.value, detail) from None


def link(path: str, params: Mapping[str, Any] | None = None, **changes: Any) -> str:
    """``path`` with the query parameters ``params`` updated by ``changes`` (a None or
    empty value drops the parameter)."""
    merged = {**(params or {}), **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "")}
    return path + ("?" + urlencode(kept) if kept else "")


def _web_address(source: str | None) -> str | None:
    """The source as a link when it is a web address; else shown as text."""
    if source and re.fullmatch(r"https?://[^\s<>\"']+", source.strip()):
        return source.strip()
    return None


class _Headers:
    """Adds the security headers (HEADERS) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, sending)


def create_app(loc: Location, *, today: Callable[[], dt.date] | None = None) -> Starlette:
    """The site of the knowledge base at ``loc``."""
    from starlette.middleware import Middleware

    site = Site(loc, today=today)
    routes = [
        Route("/", site.home, name="home"),
        Route("/recaps/{recap_id}", site.recap, name="recap"),
        Route("/timeline", site.timeline, name="timeline"),
        Route("/agenda", site.agenda, name="agenda"),
        Route("/agenda.ics", site.agenda_ics, name="agenda_ics"),
        Mount("/static", StaticFiles(directory=os.path.join(HERE, "static")), name="static"),
    ]
    handlers: dict[Any, Callable[[Request, Exception], Response]] = {
        BadParameter: site.bad_parameter,
        HTTPException: site.http_error,
        KbError: site.kb_error,
        sqlite3.DatabaseError: site.kb_error,
        Exception: site.server_error,
    }
    return Starlette(
        routes=routes,
        middleware=[Middleware(_Headers)],
        exception_handlers=handlers,
    )
