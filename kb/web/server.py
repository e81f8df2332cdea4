"""Serving the site: a socket bound first (so a port in use is one clear error, and port 0
gives a free one), then uvicorn on it."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from kb.errors import KbError
from kb.i18n import _

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (0: any free port). KbError when the
    address cannot be used (in use, unknown host, not this machine's)."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
    except OSError as exc:
        raise KbError(
            _("--host {host}: not an address of this machine ({reason})").format(
                host=host, reason=exc.strerror
            )
        ) from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise KbError(
            _(
                "--host {host} --port {port}: cannot listen there ({reason}); choose another --port"
            ).format(host=host, port=port, reason=exc.strerror)
        ) from None
    return sock


def address(sock: socket.socket) -> str:
    """The site's address, as a browser takes it."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def server(app: ASGIApp, *, log_level: str = "info") -> uvicorn.Server:
    """A uvicorn server for ``app`` (``run(sockets=[sock])`` runs it; ``should_exit``
    stops it)."""
    import uvicorn

    config = uvicorn.Config(app, log_level=log_level, lifespan="off", server_header=False)
    return uvicorn.Server(config)
