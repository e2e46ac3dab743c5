"""Event log and the incident and unit projections.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

EventId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", EventId, primary_key=True, autoincrement=True),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("workstation", sa.String(80), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(160), nullable=True, unique=True),
    )
    op.create_index("ix_events_time", "events", ["time"])
    op.create_index("ix_events_type", "events", ["type"])
    op.create_table(
        "incidents",
        sa.Column("case", sa.String(20), primary_key=True),
        sa.Column("alert_id", sa.String(80), nullable=False, unique=True),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.String(20), nullable=True),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_incidents_status", "incidents", ["status"])
    op.create_table(
        "units",
        sa.Column("unit_id", sa.String(20), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("fix_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("incident", sa.String(20), nullable=True),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("units")
    op.drop_table("incidents")
    op.drop_table("events")
