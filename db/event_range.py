"""The events of a time range, for reports: the alerts received in it and what followed them.

A simple range read on the events table by time (positions live in the track store and no KPI
needs them). The alerts received before the range are only counted, because case numbers are
given by order of receipt (dispatch/kpi.timelines).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, or_, select

from db import tracks
from db.models import EventRow
from dispatch import events as ev
from dispatch.events import Event

FOLLOW_UP = timedelta(hours=12)  # milestones of an incident received just before the end


def events_between(engine: Engine, start: datetime, end: datetime,
                   follow_up: timedelta = FOLLOW_UP) -> tuple[int, list[Event]]:
    """(alerts received before `start`, events in order): the alerts received in
    [start, end) and every other event up to `end + follow_up`."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)  # as the store writes them
    with engine.connect() as connection:
        before = connection.execute(select(func.count()).select_from(EventRow).where(
            EventRow.type == ev.ALERT_RECEIVED, EventRow.time < start)).scalar_one()
        rows = connection.execute(select(EventRow).where(
            EventRow.time >= start, EventRow.time < end + follow_up,
            or_(EventRow.type != ev.ALERT_RECEIVED, EventRow.time < end),
        ).order_by(EventRow.id)).all()
    return before, [tracks.to_event(row) for row in rows]
