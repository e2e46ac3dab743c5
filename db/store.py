"""The storage interface: append events atomically with their projections, read them back.

The store owns the write-side CenterState so the projection tables and the in-memory state can
never disagree: both are updated in the same transaction as the events that changed them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import EventRow, IncidentRow, SnapshotRow, UnitRow
from db.schema import make_engine, upgrade
from dispatch.events import Event
from dispatch.snapshot import from_document, to_document
from dispatch.state import CenterState, Unit

log = logging.getLogger(__name__)

Roster = Callable[[], list[Unit]]
SNAPSHOT_EVERY = 20_000  # events; at 300 positions a second, about one a minute


def _upsert(session: Session, model: type, key: str, rows: list[dict]) -> None:
    """One INSERT … ON CONFLICT DO UPDATE for all rows: a burst of 300 positions costs one
    statement, not 300 SELECT-then-UPDATE round trips as session.merge would."""
    if not rows:
        return
    insert = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}[
        session.get_bind().dialect.name]
    statement = insert(model)
    columns = {c: statement.excluded[c] for c in rows[0] if c != key}
    session.execute(statement.on_conflict_do_update(index_elements=[key], set_=columns), rows)


def _to_row(event: Event) -> EventRow:
    return EventRow(time=event.time, type=event.type, actor=event.actor,
                    workstation=event.workstation, payload=event.payload,
                    idempotency_key=event.idempotency_key)


def _from_row(row: EventRow) -> Event:
    when = row.time if row.time.tzinfo else row.time.replace(tzinfo=UTC)
    return Event(row.type, row.actor, row.workstation, row.payload, when, row.id,
                 row.idempotency_key)


class EventStore:
    """Event log + projections on one SQLAlchemy engine (SQLite file or PostgreSQL)."""

    def __init__(self, engine: Engine, roster: Roster) -> None:
        self.engine = engine
        self._roster = roster
        self.state = CenterState(roster())
        self.replay()

    @classmethod
    def open(cls, url: str, roster: Roster) -> EventStore:
        engine = make_engine(url)
        upgrade(engine)
        return cls(engine, roster)

    def replay(self) -> None:
        """Rebuild the in-memory state (start-up, or after a failed batch): from the latest
        usable snapshot plus the events after it, or from the whole log."""
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
        """Persist events in one transaction and fold them into the state.

        Returns the events actually appended, with ids; an event whose idempotency key is
        already in the log (a resent alert) is skipped, not duplicated. If folding an event
        fails the transaction is rolled back, the state rebuilt from the log, and the error
        re-raised: nothing half-done survives.
        """
        try:
            with Session(self.engine) as session, session.begin():
                pairs = [(e, row) for e in events if (row := self._insert(session, e))]
                session.flush()
                stored = [e.with_id(row.id) for e, row in pairs]
                for event in stored:
                    self.state.apply(event)
                self._project(session, stored)
        except Exception:
            log.exception("append of %d event(s) failed; state rebuilt from the log", len(events))
            self.replay()
            raise
        if self.state.last_event_id - self._snapshot_at >= SNAPSHOT_EVERY:
            self.write_snapshot()
        return stored

    def _insert(self, session: Session, event: Event) -> EventRow | None:
        row = _to_row(event)
        if event.idempotency_key is None:
            session.add(row)
            return row
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            log.info("duplicate %s ignored", event.idempotency_key)
            return None
        return row

    def _project(self, session: Session, stored: list[Event]) -> None:
        if not stored:
            return
        last = stored[-1].id
        cases = {e.payload.get("case") for e in stored} | {
            self.state.by_alert.get(e.payload.get("alert_id", "")) for e in stored
        }
        units = {e.payload.get("unit") for e in stored}
        incidents = [self.state.incidents[c] for c in sorted(filter(None, cases))]
        _upsert(session, IncidentRow, "case", [
            {"case": i.case, "alert_id": i.alert_id, "status": str(i.status),
             "received_at": i.received_at, "lon": i.lon, "lat": i.lat, "address": i.address,
             "unit_id": i.unit_id, "last_event_id": last} for i in incidents])
        _upsert(session, UnitRow, "unit_id", [
            {"unit_id": u.unit_id, "status": str(u.status), "lon": u.lon, "lat": u.lat,
             "fix_time": u.fix_time, "incident": u.incident, "last_event_id": last}
            for u in (self.state.units[n] for n in sorted(filter(None, units)))])

    def close(self) -> None:
        if self.state.last_event_id > self._snapshot_at:
            self.write_snapshot()
        self.engine.dispose()
