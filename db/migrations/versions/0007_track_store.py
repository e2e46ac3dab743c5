"""The track store: position reports move out of the events table into `positions`.

Decision: a position keeps its event id and its link in the one hash chain; only the table
that holds it changes. The log is the two tables merged by id (db/tracks.py `log_rows`).
Why not re-chain the events left behind, or give positions a chain of their own:
- consoles follow the log by gap-free ids and take a gap for a lost event; ids renumbered or
  split into two sequences would break every console's resume point and every snapshot's
  `last_event_id`;
- replay (and `check_projections` after it) must fold fixes and arrivals in the order they
  happened (arrival counts fixes inside the geofence); one numbering keeps that order;
- re-chaining would rewrite every hash a shift lead has noted (the head shown in the status
  bar), and a track is evidence in a dispute, so it stays in the chain;
- moving a row keeps its content, id and hash, so this migration computes no hash at all, and
  `jingbao audit verify` passes after it exactly as before.
A payload the columns cannot rebuild byte for byte (older logs wrote fixes without speed or
radio status) is kept verbatim in `payload`, so those rows verify too.

PostgreSQL: declarative partitioning by China day; partitions for the moved days are created
here, later ones by the store before its first write into a day. Rows are moved in id order,
50,000 at a time, never loading the whole log.

`overview` marks, per unit, a fix at least `tracks.OVERVIEW_S` after the last one marked:
a day's map reads those through a partial index instead of every fix of the day.

Revision ID: 0007
"""

import sqlalchemy as sa
from alembic import op

from db import tracks
from dispatch import events as ev

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CHUNK = 50_000


def _create_positions(postgresql: bool) -> None:
    op.create_table(
        "positions",
        sa.Column("id", sa.BigInteger() if postgresql else sa.Integer(), primary_key=True,
                  autoincrement=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False,
                  primary_key=postgresql),  # PostgreSQL: the partition key is in every key
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("speed_kmh", sa.Float(), nullable=True),
        sa.Column("course", sa.Float(), nullable=True),
        sa.Column("radio_status", sa.Integer(), nullable=True),
        sa.Column("fix_time", sa.String(40), nullable=True),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("workstation", sa.String(80), nullable=False),
        sa.Column("idempotency_key", sa.String(160), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=True),
        sa.Column("hash", sa.String(64), nullable=True),
        sa.Column("overview", sa.Boolean(), nullable=False),
        postgresql_partition_by="RANGE (time)",
    )
    op.create_index("ix_positions_unit_time", "positions", ["unit", "time"])
    # a block-range index: a few pages per day, nearly free to keep up as fixes stream in
    op.create_index("ix_positions_time", "positions", ["time"],
                    postgresql_using="brin" if postgresql else None)
    op.create_index("ix_positions_idempotency_key", "positions", ["idempotency_key"],
                    postgresql_where=sa.text("idempotency_key IS NOT NULL"),
                    sqlite_where=sa.text("idempotency_key IS NOT NULL"))
    op.create_index("ix_positions_overview", "positions", ["unit", "time"],
                    postgresql_where=sa.text("overview"), sqlite_where=sa.text("overview"))


def upgrade() -> None:
    connection = op.get_bind()
    postgresql = connection.dialect.name == "postgresql"
    _create_positions(postgresql)
    events = sa.table("events", sa.column("id"), sa.column("time", sa.DateTime(timezone=True)),
                      sa.column("type"), sa.column("actor"), sa.column("workstation"),
                      sa.column("payload", sa.JSON()), sa.column("idempotency_key"),
                      sa.column("prev_hash"), sa.column("hash"))
    query = sa.select(events).where(events.c.type == ev.UNIT_POSITION).order_by(
        events.c.id).limit(CHUNK)
    days: set = set()
    overview = tracks.Overview()
    after = 0
    while rows := connection.execute(query.where(events.c.id > after)).all():
        moved = [tracks.to_row(tracks.to_event(r), r.id, r.prev_hash, r.hash) for r in rows]
        overview.last.update(overview.mark(moved))
        if postgresql:
            for day in {tracks.local_day(r["time"]) for r in moved} - days:
                tracks.create_partition(connection, day)
                days.add(day)
        tracks.write(connection, moved)
        after = rows[-1].id
    connection.execute(events.delete().where(events.c.type == ev.UNIT_POSITION))


def downgrade() -> None:
    connection = op.get_bind()
    events = sa.table("events", sa.column("id"), sa.column("time", sa.DateTime(timezone=True)),
                      sa.column("type"), sa.column("actor"), sa.column("workstation"),
                      sa.column("payload", sa.JSON()), sa.column("idempotency_key"),
                      sa.column("prev_hash"), sa.column("hash"))
    query = sa.select(tracks.POSITIONS).order_by(tracks.POSITIONS.c.id).limit(CHUNK)
    after = 0
    while rows := connection.execute(query.where(tracks.POSITIONS.c.id > after)).all():
        back = [tracks.log_row(r)._asdict() for r in rows]
        connection.execute(events.insert(), back)
        after = rows[-1].id
    op.drop_table("positions")

