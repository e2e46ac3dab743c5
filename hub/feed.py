"""The 110 feed: alert slips over websockets at ws://HOST:PORT/feed (docs/alert-slip.md).

Every message gets exactly one JSON reply: an ack naming the alert id once the slip is in the
log (a resend is acked again, flagged duplicate), or an error with the reason. A bad message
never closes the connection, so one malformed slip cannot cost the slips behind it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from dispatch.alerts import SlipRejected

log = logging.getLogger(__name__)

FEED_PATH = "/feed"


@dataclass(frozen=True)
class Accepted:
    alert_id: str
    duplicate: bool


AcceptAlert = Callable[[Any], Awaitable[Accepted]]


def _only_feed_path(connection: ServerConnection, request: Request) -> Response | None:
    if request.path.split("?")[0] != FEED_PATH:
        return connection.respond(HTTPStatus.NOT_FOUND, f"the feed is at {FEED_PATH}\n")
    return None


async def _reply(accept: AcceptAlert, message: str | bytes) -> dict[str, Any]:
    try:
        doc = json.loads(message)
    except (ValueError, UnicodeDecodeError) as exc:
        return {"type": "error", "reason": f"malformed JSON: {exc}"}
    alert_id = doc.get("alert_id") if isinstance(doc, dict) else None
    try:
        result = await accept(doc)
    except SlipRejected as exc:
        return {"type": "error", "alert_id": alert_id, "reason": str(exc)}
    except Exception:  # a storage fault: tell 110 to resend, never ack what is not stored
        log.exception("alert %r could not be stored", alert_id)
        return {"type": "error", "alert_id": alert_id, "reason": "internal error, resend later"}
    return {"type": "ack", "alert_id": result.alert_id, "duplicate": result.duplicate}


def feed_handler(accept: AcceptAlert) -> Callable[[ServerConnection], Awaitable[None]]:
    async def handle(connection: ServerConnection) -> None:
        peer = connection.remote_address
        log.info("110 feed connected from %s", peer)
        try:
            async for message in connection:
                reply = await _reply(accept, message)
                if reply["type"] == "error":
                    log.warning("alert rejected from %s: %s; raw=%.200r", peer,
                                reply["reason"], message)
                await connection.send(json.dumps(reply, ensure_ascii=False))
        except ConnectionClosed:
            pass
        log.info("110 feed from %s disconnected", peer)

    return handle


async def start_feed_server(accept: AcceptAlert, host: str, port: int) -> Server:
    """Start listening; port 0 picks a free port (read it from server.sockets)."""
    return await serve(feed_handler(accept), host, port, process_request=_only_feed_path)


def bound_port(server: Server) -> int:
    return next(iter(server.sockets)).getsockname()[1]
