"""The storage interface: append events atomically with their projections, read them back.

The store owns the write-side CenterState so the projection tables and the in-memory state can
never disagree: both are updated in the same transaction as the events that changed them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db import audit
from db.models import EventRow, IncidentRow, SnapshotRow, UnitRow
from db.schema import make_engine, upgrade
from dispatch.events import Event
from dispatch.snapshot import from_document, to_document
from dispatch.state import CenterState, Incident, Unit

log = logging.getLogger(__name__)

Roster = Callable[[], list[Unit]]


class StorageUnavailable(RuntimeError):
    """The database did not take a write in time or refused it: the caller should resend."""
SNAPSHOT_EVERY = 20_000  # events; at 300 positions a second, about one a minute


def _to_row(event: Event, previous: str) -> dict[str, Any]:
    """The event's row, chained to the row before it (db/audit.py)."""
    body = audit.canonical(event.time, event.type, event.actor, event.workstation,
                           event.payload, event.idempotency_key)
    return {"time": event.time, "type": event.type, "actor": event.actor,
            "workstation": event.workstation, "payload": event.payload,
            "idempotency_key": event.idempotency_key, "prev_hash": previous,
            "hash": audit.link(previous, body)}


def _incident_row(incident: Incident, last_event_id: int) -> dict[str, Any]:
    return {"case": incident.case, "alert_id": incident.alert_id,
            "status": str(incident.status), "received_at": incident.received_at,
            "lon": incident.lon, "lat": incident.lat, "address": incident.address,
            "unit_id": incident.unit_id, "last_event_id": last_event_id}


def _unit_row(unit: Unit, last_event_id: int) -> dict[str, Any]:
    return {"unit_id": unit.unit_id, "status": str(unit.status), "lon": unit.lon,
            "lat": unit.lat, "fix_time": unit.fix_time, "incident": unit.incident,
            "last_event_id": last_event_id}


def _comparable(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    return value


def _differ(have: dict[str, Any], want: dict[str, dict[str, Any]]) -> list[str]:
    """Keys of rows that say something else than the log (not which event wrote them last),
    or that the log does not know at all."""
    return sorted(have.keys() - want.keys()) + [
        key for key, row in want.items() if key in have and any(
            _comparable(have[key][c]) != _comparable(v) for c, v in row.items()
            if c != "last_event_id")]


def _from_row(row: EventRow) -> Event:
    when = row.time if row.time.tzinfo else row.time.replace(tzinfo=UTC)
    return Event(row.type, row.actor, row.workstation, row.payload, when, row.id,
                 row.idempotency_key)


def verify_chain(engine: Engine) -> audit.Verdict:
    """Walk the whole log through its hash chain (`jingbao audit verify`), streaming."""
    query = select(EventRow).order_by(EventRow.id).execution_options(yield_per=5000)
    with Session(engine) as session:
        return audit.verify(session.scalars(query))


class EventStore:
    """Event log + projections on one SQLAlchemy engine (SQLite file or PostgreSQL)."""

    def __init__(self, engine: Engine, roster: Roster) -> None:
        self.engine = engine
        self._roster = roster
        self.state = CenterState(roster())
        self.replay()
        self.head = self._read_chain_head()
        self.chain_head = (self.state.last_event_id, self.head)

    @classmethod
    def open(cls, url: str, roster: Roster) -> EventStore:
        engine = make_engine(url)
        upgrade(engine)
        store = cls(engine, roster)
        store.check_projections()
        return store

    def replay(self) -> None:
        """Build the in-memory state at start-up: from the latest usable snapshot plus the
        events after it, or from the whole log."""
        self.state, self.replayed_from = self._latest_snapshot(), 0
        if self.state is None:
            self.state = CenterState(self._roster())
        else:
            self.replayed_from = self.state.last_event_id
        query = select(EventRow).where(EventRow.id > self.state.last_event_id).order_by(
            EventRow.id)
        with Session(self.engine) as session:
            for row in session.scalars(query.execution_options(yield_per=5000)):
                self.state.apply(_from_row(row))
        self._snapshot_at = self.state.last_event_id

    def _read_chain_head(self) -> str:
        query = select(EventRow.hash).order_by(EventRow.id.desc()).limit(1)
        with self.engine.connect() as connection:
            return connection.scalar(query) or audit.GENESIS

    def _latest_snapshot(self) -> CenterState | None:
        query = select(SnapshotRow).order_by(SnapshotRow.last_event_id.desc()).limit(1)
        with Session(self.engine) as session:
            row = session.scalars(query).first()
            if row is None:
                return None
            state = from_document(row.document, self._roster())
        if state is None:
            log.warning("snapshot at event %d does not fit this roster: replaying the log",
                        row.last_event_id)
        return state

    def write_snapshot(self) -> None:
        """Keep the state as of now; older snapshots but the last two are dropped."""
        document = to_document(self.state)
        with Session(self.engine) as session, session.begin():
            session.add(SnapshotRow(last_event_id=self.state.last_event_id,
                                    created=datetime.now(UTC), document=document))
            keep = select(SnapshotRow.id).order_by(SnapshotRow.id.desc()).limit(3)
            session.execute(delete(SnapshotRow).where(SnapshotRow.id.not_in(keep)))
        self._snapshot_at = self.state.last_event_id

    def events(self, after_id: int = 0, *, types: Iterable[str] | None = None) -> list[Event]:
        query = select(EventRow).where(EventRow.id > after_id).order_by(EventRow.id)
        if types is not None:
            query = query.where(EventRow.type.in_(list(types)))
        with Session(self.engine) as session:
            return [_from_row(r) for r in session.scalars(query)]

    def append(self, events: Sequence[Event]) -> list[Event]:
        """Persist events and their projections in one transaction, then fold them into the
        state.

        Returns the events actually appended, with ids; an event whose idempotency key is
        already in the log (a resent alert) is skipped, not duplicated. The events are applied
        to a fork of the state inside the transaction (so an illegal one rolls everything
        back) and the fork replaces the state only after the commit: a failed write leaves
        the memory as it was, with no replay of the log.
        """
        state = self.state.fork(events)
        with self.engine.begin() as connection:
            stored: list[Event] = []
            ids, head = self._insert(connection, events)
            for event, event_id in zip(events, ids, strict=True):
                if event_id is not None:
                    stored.append(event.with_id(event_id))
                    state.apply(stored[-1])
            self._project(connection, state, stored)
        self.state, self.head = state, head
        self.chain_head = (state.last_event_id, head)  # one tuple: read whole from any thread
        if self.state.last_event_id - self._snapshot_at >= SNAPSHOT_EVERY:
            self.write_snapshot()
        return stored

    def _insert(self, connection: Connection, events: Sequence[Event],
                ) -> tuple[list[int | None], str]:
        """The new rows' ids in event order (None for a key already in the log) and the new
        head of the hash chain.

        The store numbers the events itself, one after the other: the hub is the log's only
        writer, and a database sequence leaves gaps (PostgreSQL's skips the ids of refused
        duplicates and rolled-back transactions), while consoles follow the log by these
        numbers and take a gap for a lost event. Runs of events without a key go in one
        multi-row INSERT (a burst of 300 positions is one statement); a keyed event is
        INSERT … ON CONFLICT DO NOTHING, which needs no savepoint (pysqlite's savepoints
        committed on their own)."""
        ids: list[int | None] = []
        plain: list[dict] = []
        head, next_id = self.head, self.state.last_event_id + 1

        def flush() -> None:
            if plain:
                connection.execute(insert(EventRow), plain)
                plain.clear()

        for event in events:
            row = {"id": next_id, **_to_row(event, head)}
            if event.idempotency_key is None:
                plain.append(row)
            else:
                flush()
                statement = self._dialect_insert(EventRow).values(**row)
                statement = statement.on_conflict_do_nothing(index_elements=["idempotency_key"])
                if connection.scalar(statement.returning(EventRow.id)) is None:
                    log.info("duplicate %s ignored", event.idempotency_key)
                    ids.append(None)
                    continue
            ids.append(next_id)
            head, next_id = row["hash"], next_id + 1
        flush()
        return ids, head

    def _dialect_insert(self, model: type):
        return {"sqlite": sqlite_insert, "postgresql": postgresql_insert}[
            self.engine.dialect.name](model)

    def _project(self, connection: Connection, state: CenterState, stored: list[Event]) -> None:
        if not stored:
            return
        last = stored[-1].id
        cases = {e.payload.get("case") for e in stored} | (
            state.incidents.keys() - self.state.incidents.keys())
        units = {e.payload.get("unit") for e in stored}
        self._upsert(connection, IncidentRow, "case", [
            _incident_row(state.incidents[c], last) for c in sorted(filter(None, cases))])
        self._upsert(connection, UnitRow, "unit_id", [
            _unit_row(state.units[n], last) for n in sorted(filter(None, units))])

    def _upsert(self, connection: Connection, model: type, key: str, rows: list[dict]) -> None:
        """One INSERT … ON CONFLICT DO UPDATE for all rows: a burst of 300 positions costs one
        statement, not 300 SELECT-then-UPDATE round trips."""
        if not rows:
            return
        statement = self._dialect_insert(model)
        columns = {c: statement.excluded[c] for c in rows[0] if c != key}
        connection.execute(statement.on_conflict_do_update(index_elements=[key], set_=columns),
                           rows)

    def check_projections(self) -> bool:
        """Compare the projection tables with the state folded from the log and rebuild them
        when they disagree (a crash of an older version, a hand edit). True if rebuilt."""
        last = self.state.last_event_id
        want_incidents = {c: _incident_row(i, last) for c, i in self.state.incidents.items()}
        want_units = {n: _unit_row(u, last) for n, u in self.state.units.items()}
        with self.engine.connect() as connection:
            have_incidents = {r["case"]: r for r in connection.execute(
                select(IncidentRow.__table__)).mappings()}
            have_units = {r["unit_id"]: r for r in connection.execute(
                select(UnitRow.__table__)).mappings()}
        differ = _differ(have_incidents, want_incidents) + _differ(have_units, want_units)
        missing = (want_incidents.keys() - have_incidents.keys()) | (
            want_units.keys() - have_units.keys())
        if differ:
            log.warning("projections disagree with the event log (%s): rebuilding them",
                        ", ".join(differ[:5]))
        elif missing:  # a fresh database, or units the log never mentioned
            log.info("writing %d missing projection row(s)", len(missing))
        else:
            return False
        with self.engine.begin() as connection:
            connection.execute(delete(IncidentRow))
            connection.execute(delete(UnitRow))
            for model, rows in ((IncidentRow, want_incidents), (UnitRow, want_units)):
                if rows:
                    connection.execute(insert(model), list(rows.values()))
        return True

    def close(self) -> None:
        if self.state.last_event_id > self._snapshot_at:
            self.write_snapshot()
        self.engine.dispose()
