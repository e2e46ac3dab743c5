"""Which 110 systems may send slips: one token per client, checked before the websocket opens.

Without it anyone who can reach the port could inject alerts. A token is shown once, when it
is made (`jingbao feed-token add NAME`); the hub keeps only its SHA-256, so a copy of the
database holds no live token. The client sends it as `Authorization: Bearer TOKEN` (or, for
clients that cannot set headers, `?token=TOKEN` on the URL).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import Engine, insert, select, update
from websockets.http11 import Request

from db.models import FeedClientRow
from db.schema import writing

NAME = re.compile(r"^[\w.-]{1,40}$")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class FeedTokens:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, name: str) -> str:
        """A new client and its token (shown only now)."""
        if not NAME.match(name):
            raise ValueError(f"feed client name {name!r}: 1–40 letters, digits, . _ -")
        # hex, not urlsafe base64: a token starting with "-" is read by argparse as an option
        # (`--token -x...` fails), and people paste tokens into command lines
        token = secrets.token_hex(32)
        with writing(self.engine).begin() as connection:
            if connection.scalar(select(FeedClientRow.name).where(FeedClientRow.name == name)):
                raise ValueError(f"feed client {name} exists; revoke it or choose another name")
            connection.execute(insert(FeedClientRow).values(
                name=name, token_sha256=_digest(token), active=True,
                created=datetime.now(UTC)))
        return token

    def revoke(self, name: str) -> None:
        with writing(self.engine).begin() as connection:
            done = connection.execute(update(FeedClientRow).where(FeedClientRow.name == name)
                                      .values(active=False))
            if done.rowcount == 0:
                raise ValueError(f"no feed client {name}")

    def list(self) -> list[tuple[str, bool]]:
        with self.engine.connect() as connection:
            return [(r.name, r.active) for r in connection.execute(
                select(FeedClientRow.name, FeedClientRow.active).order_by(FeedClientRow.name))]

    def client_of(self, token: str) -> str | None:
        """The active client holding this token, or None."""
        query = select(FeedClientRow.name).where(FeedClientRow.token_sha256 == _digest(token),
                                                 FeedClientRow.active.is_(True))
        with self.engine.connect() as connection:
            return connection.scalar(query)


def bearer_token(request: Request) -> str | None:
    """The token a 110 client presents: `Authorization: Bearer …`, or `?token=…`."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    query = parse_qs(urlsplit(request.path).query)
    return (query.get("token") or [None])[0]


def feed_gate(tokens: FeedTokens):
    """The feed's gate for hub/server.py: only a known, active client's token opens it."""
    async def gate(request: Request) -> str | None:
        token = bearer_token(request)
        if token is None:
            return "a feed token is required (Authorization: Bearer TOKEN)"
        try:
            client = await asyncio.wait_for(asyncio.to_thread(tokens.client_of, token), 5)
        except Exception as exc:  # the database is away: refuse, 110 retries
            return f"cannot check the token now: {type(exc).__name__}"
        return None if client else "unknown or revoked feed token"

    return gate
