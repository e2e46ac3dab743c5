"""The 110 feed: alert slips over websockets at ws://HOST:PORT/feed (docs/alert-slip.md).

Every message gets exactly one JSON reply: an ack naming the alert id once the slip is in the
log (a resend is acked again, flagged duplicate), or an error with the reason. A bad message
never closes the connection, so one malformed slip cannot cost the slips behind it. A peer that
stops reading its replies is the exception: it is hung up on rather than waited for.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.server import Server, ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from db.store import StorageUnavailable
from dispatch.alerts import SlipRejected, alert_id_of, decode_slip
from hub.server import start_hub_server

log = logging.getLogger(__name__)

FEED_PATH = "/feed"
REPLY_TIMEOUT_S = 10.0  # a peer that has not taken a reply in this long is not reading


@dataclass(frozen=True)
class Accepted:
    alert_id: str
    duplicate: bool
    conflict: bool = False  # a stored id with other content: kept as an incident of its own


AcceptAlert = Callable[[Any], Awaitable[Accepted]]


async def reply_to(accept: AcceptAlert, message: str | bytes) -> dict[str, Any]:
    """The one reply a slip gets (also for slips an edge hub relays, hub/fanout.py)."""
    try:
        doc = decode_slip(message)
    except SlipRejected as exc:
        return {"type": "error", "alert_id": None, "reason": str(exc)}
    alert_id = alert_id_of(doc)
    try:
        result = await accept(doc)
    except SlipRejected as exc:
        return {"type": "error", "alert_id": alert_id, "reason": str(exc)}
    except StorageUnavailable as exc:  # tell 110 to resend, never ack what is not stored
        log.warning("alert %r not stored: %s", alert_id, exc)
        return {"type": "error", "alert_id": alert_id,
                "reason": "storage unavailable, resend later"}
    except Exception:  # a fault of the hub itself: resending will not help
        log.exception("alert %r could not be stored", alert_id)
        return {"type": "error", "alert_id": alert_id, "reason": "internal error: not stored"}
    reply = {"type": "ack", "alert_id": result.alert_id, "duplicate": result.duplicate}
    return reply | ({"conflict": True} if result.conflict else {})


async def _send(connection: ServerConnection, reply: dict[str, Any], timeout_s: float) -> bool:
    """Send one reply; False if the peer was hung up on instead.

    A connection that is closing (the peer sent its close frame, or the hub is stopping) gets
    no more replies and its queued slips are not read: unanswered, 110 resends them. Hanging up
    aborts the transport: a close would queue behind what the peer is not reading, and wait.
    """
    if connection.state is not State.OPEN:
        why = "the connection closed with slips still unanswered"
    else:
        try:
            await asyncio.wait_for(connection.send(json.dumps(reply, ensure_ascii=False)),
                                   timeout_s)
            return True
        except TimeoutError:
            why = f"a reply waited {timeout_s:g} s for the peer to read"
    log.warning("110 feed from %s hung up: %s", connection.remote_address, why)
    connection.transport.abort()
    return False


def feed_handler(accept: AcceptAlert, reply_timeout_s: float = REPLY_TIMEOUT_S,
                 ) -> Callable[[ServerConnection], Awaitable[None]]:
    async def handle(connection: ServerConnection) -> None:
        peer = connection.remote_address
        log.info("110 feed connected from %s", peer)
        try:
            async for message in connection:
                reply = await reply_to(accept, message)
                if reply["type"] == "error":
                    log.warning("alert rejected from %s: %s; raw=%r", peer, reply["reason"],
                                message[:200])
                if not await _send(connection, reply, reply_timeout_s):
                    break
                # Queued messages are handed over without a pause, and from Python 3.12 on
                # wait_for does not pause either: yield, or one flooding client would keep every
                # other client's slip waiting until its flood is through.
                await asyncio.sleep(0)
        except ConnectionClosed:
            pass
        log.info("110 feed from %s disconnected", peer)

    return handle


async def start_feed_server(accept: AcceptAlert, host: str, port: int, *,
                            reply_timeout_s: float = REPLY_TIMEOUT_S) -> Server:
    """The feed alone on its own port (tests, tools); the hub serves it beside /console."""
    return await start_hub_server({FEED_PATH: feed_handler(accept, reply_timeout_s)}, host, port)
