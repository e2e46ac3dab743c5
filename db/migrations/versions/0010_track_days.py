"""Packed track days for the day replay (issue 16): one row per unit and China day that is over.

A day of 300 units at 10 s is 2.6 million fixes; read as rows it took 4 s from PostgreSQL and
15 s from SQLite (per-row cost), against a goal of 2 s. Packed once the day is over (it no
longer changes), a day is 300 rows of three binary arrays numpy takes whole (db/replay_days.py).

Revision ID: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "track_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("unit", sa.String(20), primary_key=True),
        sa.Column("fixes", sa.Integer(), nullable=False),
        sa.Column("upto_id", sa.BigInteger(), nullable=False),
        sa.Column("seconds", sa.LargeBinary(), nullable=False),
        sa.Column("lon", sa.LargeBinary(), nullable=False),
        sa.Column("lat", sa.LargeBinary(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":  # doubles hardly compress: read, not unzip
        for column in ("seconds", "lon", "lat"):
            op.execute(f"ALTER TABLE track_days ALTER COLUMN {column} SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("track_days")
