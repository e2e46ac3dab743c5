"""Two incidents may share a 110 alert id (a resend with other content is kept and flagged).

The incidents table is a projection, rebuilt from the log at start-up when it disagrees, so it
is recreated without the unique constraint rather than altered (SQLite cannot drop an unnamed
constraint in place).

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _incidents(unique: bool) -> None:
    op.create_table(
        "incidents",
        sa.Column("case", sa.String(20), primary_key=True),
        sa.Column("alert_id", sa.String(80), nullable=False, unique=unique, index=not unique),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.String(20), nullable=True),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_incidents_status", "incidents", ["status"])


def upgrade() -> None:
    op.drop_table("incidents")
    _incidents(unique=False)


def downgrade() -> None:
    op.drop_table("incidents")
    _incidents(unique=True)
