"""The event log becomes a hash chain (db/audit.py): rows written before are chained now.

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

from db import audit

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=True))
    events = sa.table("events", sa.column("id"), sa.column("time", sa.DateTime(timezone=True)),
                      sa.column("type"), sa.column("actor"), sa.column("workstation"),
                      sa.column("payload", sa.JSON()), sa.column("idempotency_key"),
                      sa.column("prev_hash"), sa.column("hash"))
    connection = op.get_bind()
    rows = connection.execute(sa.select(events).order_by(events.c.id)).all()
    previous = audit.GENESIS
    for row in rows:
        body = audit.canonical(row.time, row.type, row.actor, row.workstation, row.payload,
                               row.idempotency_key)
        digest = audit.link(previous, body)
        connection.execute(events.update().where(events.c.id == row.id).values(
            prev_hash=previous, hash=digest))
        previous = digest


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
