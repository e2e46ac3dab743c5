"""Tables: the append-only event log, the track store and the projections derived from them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
EventId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class EventRow(Base):
    """One fact; rows are only ever inserted. `idempotency_key` makes a resent alert a no-op;
    `hash` chains each row to the one before, so tampering shows (db/audit.py)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    actor: Mapped[str] = mapped_column(String(80))
    workstation: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    idempotency_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))  # the hash chain (db/audit.py)
    hash: Mapped[str | None] = mapped_column(String(64))


class PositionRow(Base):
    """One position report: the track store (db/tracks.py). A position keeps its place in the
    log's numbering and hash chain (its `id`, `prev_hash`, `hash`), but lives here, keyed by
    unit and time, so the events table holds only the facts that change the state and a day's
    tracks are one range read. `payload` is set only when the report's payload is not the
    standard one the columns rebuild exactly (rows moved from older logs), so the chain still
    verifies. On PostgreSQL the table is partitioned by China day (migration 0007)."""

    __tablename__ = "positions"
    __table_args__ = (Index("ix_positions_unit_time", "unit", "time"),
                      Index("ix_positions_time", "time"),
                      Index("ix_positions_idempotency_key", "idempotency_key"),
                      Index("ix_positions_overview", "unit", "time",
                            postgresql_include=["lon", "lat"],  # migration 0009: index-only
                            postgresql_where=text("overview"), sqlite_where=text("overview")))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    time: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    unit: Mapped[str] = mapped_column(String(20))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    speed_kmh: Mapped[float | None] = mapped_column(Float)
    course: Mapped[float | None] = mapped_column(Float)
    radio_status: Mapped[int | None] = mapped_column(Integer)
    fix_time: Mapped[str | None] = mapped_column(String(40))  # the radio's, as it came
    actor: Mapped[str] = mapped_column(String(80))
    workstation: Mapped[str] = mapped_column(String(80))
    idempotency_key: Mapped[str | None] = mapped_column(String(160))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    overview: Mapped[bool] = mapped_column(Boolean)  # a unit's fix ≥ OVERVIEW_S after its last


class TrackDayRow(Base):
    """One unit's fixes of one China day that is over, packed for the day replay
    (db/replay_days.py): seconds since the day's start, longitudes and latitudes as
    little-endian doubles, so a day of millions of fixes is read as 300 rows. `upto_id` is the
    day's newest position id when packed: a fix of the day with a larger id, or that id gone,
    makes the day's packs stale."""

    __tablename__ = "track_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    unit: Mapped[str] = mapped_column(String(20), primary_key=True)
    fixes: Mapped[int] = mapped_column(Integer)
    upto_id: Mapped[int] = mapped_column(BigInteger)
    seconds: Mapped[bytes] = mapped_column(LargeBinary)
    lon: Mapped[bytes] = mapped_column(LargeBinary)
    lat: Mapped[bytes] = mapped_column(LargeBinary)


class LogAnchorRow(Base):
    """The last row archived (db/archive.py), one row or none: the live log chains from its
    hash, and `jingbao audit verify` starts there."""

    __tablename__ = "log_anchor"

    last_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))


class IncidentRow(Base):
    """Current state of an incident, rewritten from the log; safe to drop and rebuild."""

    __tablename__ = "incidents"

    case: Mapped[str] = mapped_column(String(20), primary_key=True)
    alert_id: Mapped[str] = mapped_column(String(80), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[str | None] = mapped_column(String(20))
    last_event_id: Mapped[int] = mapped_column(BigInteger)


class UnitRow(Base):
    """Current state of a unit (status, last fix), rewritten from the log."""

    __tablename__ = "units"

    unit_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    fix_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    incident: Mapped[str | None] = mapped_column(String(20))
    last_event_id: Mapped[int] = mapped_column(BigInteger)


class SnapshotRow(Base):
    """The state as of `last_event_id`, so start-up replays only the events after it."""

    __tablename__ = "snapshots"

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    last_event_id: Mapped[int] = mapped_column(BigInteger, index=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class UserRow(Base):
    """A person who logs in (hub/users.py). Never deleted, only disabled: the event log names
    users as actors for good, so the name must keep meaning the same person."""

    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, with its parameters
    role: Mapped[str] = mapped_column(String(20))
    insurer: Mapped[str | None] = mapped_column(String(40))  # only for insurer clerks
    active: Mapped[bool]
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    """A login at a workstation. Only the token's SHA-256 is kept, so a copy of the database
    holds no live token. No foreign key to `users`: users are never deleted, and hub/users.py
    writes a session only in the transaction that read its user as active."""

    __tablename__ = "sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(40), index=True)
    workstation: Mapped[str] = mapped_column(String(80))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)  # idle
    absolute_expiry: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FeedClientRow(Base):
    """A 110 system allowed to send slips (hub/feed_tokens.py); its token kept as SHA-256."""

    __tablename__ = "feed_clients"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool]
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
