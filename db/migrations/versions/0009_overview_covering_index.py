"""The day map reads its overview fixes from the index alone (issue 12).

`ix_positions_overview` (unit, time) WHERE overview also carries lon and lat on PostgreSQL
(INCLUDE), so the day map's read is an index-only scan in unit and time order: without them
each overview fix was a fetch from its own heap page, and the overview fixes of a day lie
scattered over every page of its 26-million-row partition (measured in bench/export_day.py).
Existing day partitions get the autovacuum setting new ones are created with
(db/tracks.py `create_partition`), which keeps their pages marked all-visible for such scans.
SQLite has no INCLUDE: its index stays as it was.

Revision ID: 0009
"""

import sqlalchemy as sa
from alembic import op

from db.tracks import VACUUM_EVERY

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _partitions() -> list[str]:
    return list(op.get_bind().scalars(sa.text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'positions'::regclass")))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("SET LOCAL statement_timeout = 0")  # a large day's index takes a while
    op.drop_index("ix_positions_overview", table_name="positions")
    op.create_index("ix_positions_overview", "positions", ["unit", "time"],
                    postgresql_include=["lon", "lat"], postgresql_where=sa.text("overview"))
    for name in _partitions():
        op.execute(f"ALTER TABLE {name} SET ({VACUUM_EVERY})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("SET LOCAL statement_timeout = 0")
    op.drop_index("ix_positions_overview", table_name="positions")
    op.create_index("ix_positions_overview", "positions", ["unit", "time"],
                    postgresql_where=sa.text("overview"))
    for name in _partitions():
        op.execute(f"ALTER TABLE {name} RESET (autovacuum_vacuum_insert_scale_factor)")
