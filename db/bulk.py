"""Batched writes in the caller's transaction, as Core rows (dicts), never ORM instances.

Measured on the store (issue 12): a burst written as 300 pipelined INSERTs spent most of its
time in psycopg's per-statement round trips, and a multi-row VALUES list of 1,800 parameters
changes text with the batch size, so PostgreSQL parsed it again each time. So on PostgreSQL
rows go in with COPY, and an upsert is one statement over arrays (`unnest`) whose text never
changes; SQLite, in-process, takes one executemany.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, Connection, Table, insert, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

COPY_FROM = 20  # rows; fewer go as one INSERT (a COPY costs an extra round trip to start)


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if connection.dialect.name != "postgresql" or len(rows) < COPY_FROM:
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in as_json and row[c] is not None
                            else row[c] for c in columns])


def upsert_rows(connection: Connection, table: Table, key: str,
                rows: list[dict[str, Any]]) -> None:
    """Insert or replace rows by their primary key `key`, in one statement."""
    if not rows:
        return
    dialect = connection.dialect
    if dialect.name != "postgresql":
        statement = sqlite_insert(table)
        set_ = {c: statement.excluded[c] for c in rows[0] if c != key}
        connection.execute(statement.on_conflict_do_update(index_elements=[key], set_=set_),
                           rows)
        return
    quote = dialect.identifier_preparer.quote
    columns = list(rows[0])
    arrays = ", ".join(f"CAST(:{c} AS {table.c[c].type.compile(dialect)}[])" for c in columns)
    updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns if c != key)
    connection.execute(text(
        f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, columns))}) "
        f"SELECT * FROM unnest({arrays}) ON CONFLICT ({quote(key)}) DO UPDATE SET {updates}"),
        {c: [row[c] for row in rows] for c in columns})

