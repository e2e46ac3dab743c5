"""The hub's one websocket port: the 110 feed at /feed and the consoles at /console.

One port and one set of limits for every peer (frame size, queued frames, write buffer), so a
firewall rule and a certificate cover the whole hub. TLS is one setting away: given a
certificate and its key, the same paths are served as wss://.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from pathlib import Path

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response

# above the slip limit, so an oversized slip still gets a JSON reason
MAX_FRAME_BYTES = 2**20
MAX_QUEUED_FRAMES = 16  # then websockets stops reading the socket: TCP slows the sender down
WRITE_LIMIT_BYTES = 64 * 1024  # past this a send waits for the peer to read (bounded by each)

log = logging.getLogger(__name__)

Handler = Callable[[ServerConnection], Awaitable[None]]
# checks a path's handshake before the websocket opens: None to let it in, else why not
Gate = Callable[[Request], Awaitable[str | None]]


def _path(request: Request) -> str:
    return request.path.split("?")[0]


def tls_context(certificate: str | Path, key: str | Path) -> ssl.SSLContext:
    """A server context for wss:// from PEM files (the center's own CA or a self-signed pair)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certificate, key)
    return context


async def start_hub_server(routes: dict[str, Handler], host: str, port: int, *,
                           tls: ssl.SSLContext | None = None,
                           gates: dict[str, Gate] | None = None) -> Server:
    """Listen on host:port (0 picks a free port: read it with `bound_port`); any path that is
    not routed is answered with HTTP 404 naming the ones that are, and a path with a gate
    that refuses the handshake with HTTP 401 and the reason."""
    gates = gates or {}

    async def only_routed(connection: ServerConnection, request: Request) -> Response | None:
        path = _path(request)
        if path not in routes:
            known = " and ".join(sorted(routes))
            return connection.respond(HTTPStatus.NOT_FOUND, f"this hub serves {known}\n")
        refused = await gates[path](request) if path in gates else None
        if refused is not None:
            log.warning("%s refused from %s: %s", path, connection.remote_address, refused)
            return connection.respond(HTTPStatus.UNAUTHORIZED, f"{refused}\n")
        return None

    async def route(connection: ServerConnection) -> None:
        await routes[_path(connection.request)](connection)

    # no per-message compression: on a center's LAN it costs the hub more CPU than it saves,
    # and each console's stream would be compressed apart (measured: bench/center_load.py)
    return await serve(route, host, port, process_request=only_routed, ssl=tls,
                       compression=None,
                       max_size=MAX_FRAME_BYTES, max_queue=MAX_QUEUED_FRAMES,
                       write_limit=WRITE_LIMIT_BYTES)


def bound_port(server: Server) -> int:
    return next(iter(server.sockets)).getsockname()[1]
