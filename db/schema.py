"""Engine creation and schema migration; the one place that knows SQLite from PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

MIGRATIONS = Path(__file__).with_name("migrations")


def default_url() -> str:
    """SQLite file in the user's data folder: the one-workstation default."""
    folder = Path(platformdirs.user_data_dir("jingbao", "jingbao"))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'jingbao.sqlite3'}"


# A server that refuses is noticed at once; one that hangs is cut off by these, on the
# server (statement, lock) and in the kernel (keepalives, unacknowledged data). The engine
# adds its own deadline around every write, since a frozen server can still ACK packets.
POSTGRESQL_TIMEOUTS = {
    "connect_timeout": 5,
    "options": "-c statement_timeout=10000 -c lock_timeout=5000"
               " -c idle_in_transaction_session_timeout=60000",
    "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3,
    "tcp_user_timeout": 15000,
}


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the console read while the bridge writes; FULL sync so a committed event
    # survives a power cut, which matters more here than a few hundred µs per batch.
    # The driver's own transaction handling is switched off (isolation_level None) and
    # `_sqlite_begin` opens every transaction explicitly: pysqlite otherwise begins only
    # before DML, so a SAVEPOINT or a leading SELECT ran outside the transaction and an
    # append could commit in two parts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # A write transaction takes the write lock at its BEGIN (IMMEDIATE). Begun deferred, its
    # first read pins a snapshot, and when another connection commits before its first write
    # SQLite refuses the upgrade at once with "database is locked": busy_timeout does not wait
    # for that (a console logging in next to an alert got the alert refused). Reads stay
    # deferred, so a long report never holds the writers back.
    writes = connection.get_execution_options().get("writes", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def writing(engine: Engine) -> Engine:
    """The engine to open write transactions on (`writing(engine).begin()`): the same pool,
    marked so that SQLite locks for writing at the start (PostgreSQL ignores the mark)."""
    return engine.execution_options(writes=True)


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=True, pool_timeout=10,
                             connect_args=POSTGRESQL_TIMEOUTS)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when current)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with writing(engine).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
