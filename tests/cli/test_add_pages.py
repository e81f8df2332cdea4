"""kb add --from-html FILE and --from-url URL (issue 23): a page's main text, title and
publication date (trafilatura), the date written as ``published:``, never the workshop's;
pages served from 127.0.0.1 on a free port by a thread that stops by itself."""

from __future__ import annotations

import functools
import socket
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kb.recaps.recap import parse_recap
from kb.recaps.vocab import defaults
from tests.cli.test_add_cli import ids
from tests.conftest import ROOT, Run, python

PAGES = ROOT / "tests" / "fixtures" / "pages"
SERVER_TIMEOUT = 120  # seconds: a server a stuck test leaves running stops by itself
ATELIER = "atelier-nord-1er-fevrier.html"


class Handler(SimpleHTTPRequestHandler):
    """The saved pages; ``/slow`` answers after two seconds."""

    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(2)
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # quiet tests
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(PAGES)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stop = threading.Timer(SERVER_TIMEOUT, server.shutdown)
    stop.daemon = True
    stop.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.cancel()
        server.shutdown()
        server.server_close()


def written(kb: Path, name: str) -> str:
    return (kb / name).read_text(encoding="utf-8")


def test_a_saved_page_gives_its_text_title_and_publication_date(empty_kb: Path, run: Run) -> None:
    result = run("add", "--from-html", str(PAGES / ATELIER), "--yes")
    assert result.exit_code == 0, result.stderr
    text = written(empty_kb, "2025-02-01-nord.md")
    # the publication date is the page's (its markup), the workshop's is read in the text
    assert text.startswith("---\ndate: 2025-02-01\nbasin: nord\n")
    assert "\npublished: 2025-03-10\n" in text
    assert 'date 2025-02-01: the year is taken from the publication date "2025-03-10"' in (
        result.stderr
    )
    body = text.split("---\n", 2)[2]
    assert body.startswith(
        "\n# Les professionnel·les du bassin Nord dessinent leur carte des services\n"
    )
    assert "## Ce qui ressort\n\n- Les services de première ligne" in body
    # the site's chrome is not the text: menu, banner, share links, related, footer
    for chrome in ("Accueil", "Actualités", "Partager", "Articles similaires", "Mentions"):
        assert chrome not in body
    recap = parse_recap(text.encode(), "2025-02-01-nord.md", defaults())
    assert recap.published == "2025-03-10" and recap.team == ["Nadia", "Thomas", "Zineb"]


def test_a_page_of_another_kind_is_refused_then_imported_as_it(empty_kb: Path, run: Run) -> None:
    page = str(PAGES / "concertation-locale.html")
    refused = run("add", "--from-html", page, "--date", "2025-06-24", "--basin", "sud", "--yes")
    assert refused.exit_code == 2
    [line] = refused.stderr.splitlines()
    assert "this looks like a concertation report" in line and "pass --kind concertation" in line
    result = run("add", "--from-html", page, "--kind", "concertation", "--yes")
    assert result.exit_code == 0, result.stderr
    text = written(empty_kb, "concertation-2025-06-24-centre-ouest.md")
    assert "kind: concertation\n" in text and "published: 2025-07-09\n" in text
    assert "participants" not in text  # the concertation's 23 are no workshop's


def test_a_page_fetched_from_its_address(empty_kb: Path, run: Run, site: str) -> None:
    url = f"{site}/{ATELIER}"
    result = run("add", "--from-url", url, "--yes")
    assert result.exit_code == 0, result.stderr
    text = written(empty_kb, "2025-02-01-nord.md")
    assert f'\nsource: "{url}"\n' in text and "\npublished: 2025-03-10\n" in text
    assert ids(run) == ["2025-02-01-nord"]


def test_fetching_fails_in_one_line(
    empty_kb: Path, run: Run, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setattr("kb.pages.TIMEOUT", 0.5)
    cases = {
        f"http://127.0.0.1:{closed}/page.html": "cannot be fetched (Connection refused); "
        "check the address and the network",
        f"{site}/absente.html": "the server answered 404 File not found; nothing was written",
        f"{site}/slow": "no answer within 0.5 seconds; check the address and the network",
        f"{site}/README.txt": "not a web page (text/plain); nothing was written",
    }
    for url, error in cases.items():
        result = run("add", "--from-url", url, "--yes")
        assert result.exit_code == 1, url
        assert result.stderr.splitlines() == [f"Error: {url}: {error}"]
    result = run("add", "--from-url", "ftp://example.org/page", "--yes")
    assert result.exit_code == 2
    assert "expected an address starting with http:// or https://" in result.stderr
    assert sorted(p.name for p in empty_kb.iterdir()) == []


def test_one_source_at_a_time(empty_kb: Path, run: Run) -> None:
    result = run("add", "--from-html", "a.html", "--from-url", "http://127.0.0.1:9/")
    assert result.exit_code == 2
    assert "give one of --from-html and --from-url, not both" in result.stderr


def test_trafilatura_is_imported_only_for_pages(kb_dir: Path) -> None:
    script = (
        "import sys\n"
        "from kb.cli.app import run\n"
        "sys.argv = ['kb', 'search', 'helpdesk']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "import kb.cli.questions, kb.pages\n"
        "assert 'trafilatura' not in sys.modules, 'trafilatura imported'\n"
    )
    done = python("-c", script, cwd=kb_dir.parent)
    assert done.returncode == 0, done.stderr
