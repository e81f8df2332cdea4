"""The site on a copy of the bundled recaps: in-process (TestClient), or served on a free
local port by uvicorn in a thread, stopped at the end of the test."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kb.config import locate
from kb.web.app import create_app
from kb.web.server import address, listen, server
from tests.conftest import write_recap

HOSTILE = "<script>alert(1)</script>"
INJECTED = "<img src=x onerror=\"document.title='pwned'\">"
HOSTILE_ID = "2025-09-15-nord"
SERVER_TIMEOUT = 120  # seconds: a server left running by a stuck test stops by itself


@pytest.fixture
def hostile(kb_dir: Path) -> Path:
    """A recap whose title, headings and text carry HTML and a javascript: link."""
    body = (
        f"# Retour {HOSTILE}\n\nIntro {INJECTED} et [un lien](javascript:alert(3)).\n\n"
        f"## Section {HOSTILE}\n\nTexte {HOSTILE} avec {INJECTED}.\n\n"
        f'<div onclick="alert(4)">bloc</div>\n'
    )
    return write_recap(kb_dir, date="2025-09-15", basin="nord", body=body)


@pytest.fixture
def client(kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    return TestClient(create_app(locate(kb_dir)), raise_server_exceptions=False)


@pytest.fixture
def site(kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The site's address, served on 127.0.0.1 on a free port."""
    monkeypatch.setenv("KB_TODAY", "2025-09-01")
    sock = listen("127.0.0.1", 0)
    running = server(create_app(locate(kb_dir)), log_level="warning")
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    guard = threading.Timer(SERVER_TIMEOUT, lambda: setattr(running, "should_exit", True))
    guard.daemon = True
    thread.start()
    guard.start()
    deadline = time.monotonic() + 15
    while not running.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield address(sock).rstrip("/")
    finally:
        guard.cancel()
        running.should_exit = True
        thread.join(15)
        sock.close()
        assert not thread.is_alive(), "the server did not stop"
