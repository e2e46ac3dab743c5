"""State snapshots, so start-up replays only the events after the latest one.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

EventId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("id", EventId, primary_key=True, autoincrement=True),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
    )
    op.create_index("ix_snapshots_last_event_id", "snapshots", ["last_event_id"])


def downgrade() -> None:
    op.drop_table("snapshots")
