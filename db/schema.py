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


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the console read while the bridge writes; FULL sync so a committed event
    # survives a power cut, which matters more here than a few hundred µs per batch.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when current)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
