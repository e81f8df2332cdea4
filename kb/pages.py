"""Web pages as published texts (``kb add --from-html FILE``, ``kb add --from-url URL``).

A page of the basins' sites holds a menu, a section banner, share links and a footer
around the text. trafilatura (imported here only, inside the functions that need it)
finds the main text, the title and the publication date: the text comes back as the
plain text kb.recaps.published reads ("# title", paragraphs, "- " items), the date as
``published:``, never as the workshop's. ``fetch`` gets a page with urllib: a timeout,
a size limit, and a one-line error for every way it can fail.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kb.errors import KbError, RecapError, UsageError
from kb.i18n import _

TIMEOUT = 20.0  # seconds: a page that does not come within this is not coming
MAX_BYTES = 5_000_000  # a web page with its markup; a recap's text is far smaller
INSTALL = "pip install 'kb[pages]'"


@dataclass(frozen=True)
class Page:
    """What a page says: its text (the title first, as ``# title``), its title, when it
    was published (ISO day, or None) and its address (or None)."""

    text: str
    title: str | None
    published: str | None
    source: str | None


def _trafilatura(option: str) -> object:
    try:
        import trafilatura
    except ImportError:
        raise KbError(
            _("{option} needs trafilatura, which is not installed: {command}").format(
                option=option, command=INSTALL
            )
        ) from None
    return trafilatura


def read_page(data: bytes, shown: str, *, url: str | None = None, option: str) -> Page:
    """The main text, title and publication date of a page's HTML. ``url`` is where it
    was fetched (its ``source``); a saved page's own address (its canonical link) is
    taken when it states one."""
    _trafilatura(option)
    import trafilatura

    # Only the page's markup dates it (meta tags, <time>): a date in its text may be the
    # workshop's, and is kb.recaps.workshop_date's to read.
    dates = {"extensive_search": False, "original_date": True}
    meta = trafilatura.bare_extraction(
        data, url=url, with_metadata=True, date_extraction_params=dates
    )
    body = trafilatura.extract(
        data,
        url=url,
        output_format="markdown",
        include_comments=False,
        include_links=False,
        include_images=False,
        deduplicate=True,
    )
    if not body or not body.strip():
        raise RecapError(shown, _("no main text found in the page: is it a web page?"))
    title = _clean(getattr(meta, "title", None))
    text = body.strip()
    first = text.split("\n", 1)[0].lstrip("# ").strip()
    if title and _clean(first) != title:
        text = f"# {title}\n\n{text}"
    elif not title:
        title = _clean(first)
    page_url = url or getattr(meta, "url", None)
    return Page(text + "\n", title, _day(getattr(meta, "date", None)), page_url or None)


def _clean(text: str | None) -> str | None:
    return " ".join(text.split()) if text and text.strip() else None


def _day(text: str | None) -> str | None:
    """An ISO day from the metadata's date ("2025-03-10"), or None."""
    try:
        return dt.date.fromisoformat((text or "")[:10]).isoformat()
    except ValueError:
        return None


_SCHEME = re.compile(r"^https?://[^/\s]+", re.I)


def fetch(url: str, *, timeout: float | None = None) -> bytes:
    """The bytes of the page at ``url`` (http or https); a KbError in one line when it
    cannot be had: no network, no answer in time, an error status, not a web page."""
    import urllib.error
    import urllib.request

    from kb import __version__

    if not _SCHEME.match(url):
        raise UsageError(
            _("--from-url {url!r}: expected an address starting with http:// or https://").format(
                url=url
            )
        )
    wait = TIMEOUT if timeout is None else timeout
    request = urllib.request.Request(url, headers={"User-Agent": f"kb/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=wait) as answer:
            kind = answer.headers.get_content_type()
            if kind not in ("text/html", "application/xhtml+xml"):
                raise KbError(
                    _("{url}: not a web page ({type}); nothing was written").format(
                        url=url, type=kind
                    )
                )
            data: bytes = answer.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise KbError(
            _("{url}: the server answered {status} {reason}; nothing was written").format(
                url=url, status=exc.code, reason=exc.reason
            )
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise _timed_out(url, wait) from None
        why = getattr(reason, "strerror", None) or str(reason)
        raise KbError(
            _("{url}: cannot be fetched ({reason}); check the address and the network").format(
                url=url, reason=why
            )
        ) from None
    except TimeoutError:
        raise _timed_out(url, wait) from None
    except OSError as exc:  # the connection dropped while reading
        raise KbError(
            _("{url}: cannot be fetched ({reason}); check the address and the network").format(
                url=url, reason=exc.strerror or exc
            )
        ) from None
    if len(data) > MAX_BYTES:
        raise KbError(
            _("{url}: larger than {size} MB: not a page of the sites; nothing was written").format(
                url=url, size=MAX_BYTES // 1_000_000
            )
        )
    return data


def _timed_out(url: str, wait: float) -> KbError:
    return KbError(
        _("{url}: no answer within {seconds} seconds; check the address and the network").format(
            url=url, seconds=f"{wait:g}"
        )
    )
