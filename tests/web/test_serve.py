"""kb serve: the command listens on localhost, answers, stops on Ctrl+C; a port in use
is one line of error."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import Run


def test_serve_answers_on_localhost_and_stops_on_ctrl_c(kb_dir: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "kb", "serve", "--port", "0", "--kb-dir", str(kb_dir)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert line.startswith(f"Serving the recaps of {kb_dir} at http://127.0.0.1:"), line
        url = line.split(" at ")[1].split()[0]
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url + "?q=helpdesk", timeout=5) as page:
                    html = page.read().decode("utf-8")
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.1)
        assert '<a href="/recaps/2025-02-20-centre-ouest">' in html
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_a_port_in_use_is_one_line(kb_dir: Path, run: Run) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: --host 127.0.0.1 --port {port}: cannot listen there (Address already in use); "
        "choose another --port"
    ]


def test_an_unknown_host_is_one_line(kb_dir: Path, run: Run) -> None:
    result = run("serve", "--host", "no-such-host.invalid")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: --host no-such-host.invalid: not an address of this machine")
