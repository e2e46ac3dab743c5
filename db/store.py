"""The storage interface: append events atomically with their projections, read them back.

The store owns the write-side CenterState so the projection tables and the in-memory state can
never disagree: both are updated in the same transaction as the events that changed them.
Position reports go to the track store (db/tracks.py) in the same transaction, keeping their
place in the log's numbering and hash chain; everything that reads the log reads both tables
merged by id, and a read by day is a range read from the snapshot before that day.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select
from sqlalchemy.orm import Session

from db import archive, audit, bulk, tracks
from db.models import EventRow, IncidentRow, SnapshotRow, UnitRow
from db.schema import make_engine, upgrade, writing
from dispatch import events as ev
from dispatch.events import Event
from dispatch.lifecycle import TERMINAL, IncidentStatus
from dispatch.retirement import retirable
from dispatch.snapshot import from_document, to_document
from dispatch.state import FIRST_CASE_NUMBER, CenterState, Incident, Unit

log = logging.getLogger(__name__)

Roster = Callable[[], list[Unit]]


class StorageUnavailable(RuntimeError):
    """The database did not take a write in time or refused it: the caller should resend."""
SNAPSHOT_EVERY = 20_000  # events; at 300 positions a second, about one a minute


def _to_row(event: Event, event_id: int, previous: str, digest: str) -> dict[str, Any]:
    """The event's row, chained to the row before it (db/audit.py)."""
    return {"id": event_id, "time": event.time, "type": event.type, "actor": event.actor,
            "workstation": event.workstation, "payload": event.payload,
            "idempotency_key": event.idempotency_key, "prev_hash": previous, "hash": digest}


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


def _retired(rows: dict[str, Any], state: CenterState) -> list[str]:
    """Projected cases the state no longer holds because they were retired: ended, and
    numbered below the cases the log has opened (a case above is one the log never opened)."""
    opened = FIRST_CASE_NUMBER + state.cases_opened
    return [case for case, row in rows.items() if case not in state.incidents
            and case.isdigit() and int(case) < opened
            and IncidentStatus(row["status"]) in TERMINAL]


def verify_chain(engine: Engine) -> audit.Verdict:
    """Walk the whole log, both tables, through its hash chain (`jingbao audit verify`),
    streaming."""
    with engine.connect() as connection:
        start = archive.anchor(connection)
    return audit.verify(tracks.log_rows(engine, start[0]), start=start)


def latest_snapshot(engine: Engine, roster: Roster, before: datetime | None = None,
                    ) -> CenterState | None:
    """The newest snapshot (written before `before`, if given) as a state, or None."""
    query = select(SnapshotRow).order_by(SnapshotRow.last_event_id.desc()).limit(1)
    if before is not None:
        query = query.where(SnapshotRow.created < before.astimezone(UTC))
    with Session(engine) as session:
        row = session.scalars(query).first()
        if row is None:
            return None
        state = from_document(row.document, roster())
    if state is None:
        log.warning("snapshot at event %d does not fit this roster: replaying the log",
                    row.last_event_id)
    return state


class EventStore:
    """Event log + projections on one SQLAlchemy engine (SQLite file or PostgreSQL)."""

    def __init__(self, engine: Engine, roster: Roster) -> None:
        self.engine = engine
        self._roster = roster
        self._partitions = tracks.Partitions(engine)
        self._overview = tracks.Overview()
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
        with self.engine.connect() as connection:
            archived = archive.anchor(connection)[0]
        if archived > self.state.last_event_id:
            log.error("events up to %d are archived and no usable snapshot covers them: the "
                      "state misses them (load a snapshot of this roster)", archived)
        for row in tracks.log_rows(self.engine, self.state.last_event_id):
            self.state.apply(tracks.to_event(row))
        self._snapshot_at = self.state.last_event_id

    def _read_chain_head(self) -> str:
        with self.engine.connect() as connection:
            last = tracks.last_row(connection)
            if last is None:  # everything archived: the log goes on from the anchor
                return archive.anchor(connection)[1]
        return last[1] or audit.GENESIS

    def _latest_snapshot(self) -> CenterState | None:
        return latest_snapshot(self.engine, self._roster)

    def write_snapshot(self) -> None:
        """Keep the state as of now. Of today's snapshots the first (where a read of today
        starts) and the last three are kept; each earlier day keeps what it had at its end."""
        document = to_document(self.state)
        now = datetime.now(UTC)
        today = tracks.day_bounds(tracks.local_day(now))[0]
        with Session(writing(self.engine)) as session, session.begin():
            session.add(SnapshotRow(last_event_id=self.state.last_event_id, created=now,
                                    document=document))
            session.flush()
            keep = select(SnapshotRow.id).order_by(SnapshotRow.id.desc()).limit(3)
            first = select(func.min(SnapshotRow.id)).where(SnapshotRow.created >= today)
            session.execute(delete(SnapshotRow).where(
                SnapshotRow.id.not_in(keep), SnapshotRow.created >= today,
                SnapshotRow.id != first.scalar_subquery()))
        self._snapshot_at = self.state.last_event_id

    def events(self, after_id: int = 0, *, types: Iterable[str] | None = None) -> list[Event]:
        return [tracks.to_event(row) for row in tracks.log_rows(
            self.engine, after_id, types=None if types is None else list(types))]

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
        self._partitions.ensure(e.time for e in events if e.type == ev.UNIT_POSITION)
        with writing(self.engine).begin() as connection:
            stored: list[Event] = []
            ids, head, overview = self._insert(connection, events)
            for event, event_id in zip(events, ids, strict=True):
                if event_id is not None:
                    stored.append(event.with_id(event_id))
                    state.apply(stored[-1])
            self._project(connection, state, stored)
        self.state, self.head = state, head
        self._overview.last.update(overview)
        self.chain_head = (state.last_event_id, head)  # one tuple: read whole from any thread
        if self.state.last_event_id - self._snapshot_at >= SNAPSHOT_EVERY:
            self.write_snapshot()
        return stored

    def _insert(self, connection: Connection, events: Sequence[Event],
                ) -> tuple[list[int | None], str, dict[str, datetime]]:
        """The new rows' ids in event order (None for a key already in the log), the new
        head of the hash chain and the units' new overview times (db/tracks.py).

        The store numbers the events itself, one after the other: the hub is the log's only
        writer, and a database sequence leaves gaps (PostgreSQL's skips the ids of refused
        duplicates and rolled-back transactions), while consoles follow the log by these
        numbers and take a gap for a lost event. Keys already in the log (or twice in the
        batch) are found with one lookup per batch; then the events and the positions go in
        as one batch each (db/bulk.py: COPY on PostgreSQL; Core rows, no ORM instances)."""
        seen = tracks.known_keys(connection, list(events))
        ids: list[int | None] = []
        rows: list[dict[str, Any]] = []
        fixes: list[dict[str, Any]] = []
        head, next_id = self.head, self.state.last_event_id + 1
        for event in events:
            key = event.idempotency_key
            if key is not None and key in seen:
                log.info("duplicate %s ignored", key)
                ids.append(None)
                continue
            if key is not None:
                seen.add(key)
            digest = audit.link(head, audit.canonical(
                event.time, event.type, event.actor, event.workstation, event.payload, key))
            if event.type == ev.UNIT_POSITION:
                fixes.append(tracks.to_row(event, next_id, head, digest))
            else:
                rows.append(_to_row(event, next_id, head, digest))
            ids.append(next_id)
            head, next_id = digest, next_id + 1
        bulk.insert_rows(connection, EventRow.__table__, rows)
        overview = self._overview.mark(fixes)
        tracks.write(connection, fixes)
        return ids, head, overview

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

    def retire(self, now: datetime, kept: timedelta) -> list[str]:
        """Let cases ended `kept` ago go from memory (dispatch/retirement.py); their rows and
        events stay. Called on the writer thread, as `append` is: the state is replaced by a
        fork, never changed under a reader."""
        cases = retirable(self.state, now, kept)
        if cases:
            state = self.state.fork(())
            state.retire(cases)
            self.state = state
        return cases

    def _upsert(self, connection: Connection, model: type, key: str, rows: list[dict]) -> None:
        """One statement for all rows: a burst of 300 positions costs one upsert, not 300
        SELECT-then-UPDATE round trips."""
        bulk.upsert_rows(connection, model.__table__, key, rows)

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
        for case in _retired(have_incidents, self.state):
            want_incidents[case] = have_incidents[case]  # let go from memory, kept as they are
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
        with writing(self.engine).begin() as connection:
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
