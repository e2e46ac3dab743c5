"""Reads of one China day (`jingbao export-map --day`, and the reviews to come): range reads
from the snapshot before the day, never the whole log and never the hub's start-up replay.

The incidents come from the latest snapshot written before the day plus the events after it up
to the day's end (positions left out: the events table holds only the facts that change the
state); the tracks come from the track store's overview fixes of the day, by index.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import Engine, select

from db import tracks
from db.models import EventRow
from db.store import Roster, latest_snapshot
from dispatch.events import Event
from dispatch.state import CenterState


def day_log(engine: Engine, roster: Roster, day: date) -> tuple[CenterState, list[Event]]:
    """The state of the latest snapshot written before the day (the roster's empty state if
    none fits) and the events after it up to the day's end. Nothing before the snapshot is
    read."""
    start, end = tracks.day_bounds(day)
    state = latest_snapshot(engine, roster, before=start) or CenterState(roster())
    table = EventRow.__table__
    query = select(table).where(table.c.id > state.last_event_id,
                                table.c.time < end).order_by(table.c.id)
    with engine.connect() as connection:
        rows = connection.execution_options(yield_per=5000).execute(query)
        return state, [tracks.to_event(row) for row in rows]


def day_tracks(engine: Engine, day: date) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each unit's overview fixes of the day, in time order: every fix of the day lies within
    db/tracks.py `OVERVIEW_M` of the line through them."""
    return tracks.overview_tracks(engine, *tracks.day_bounds(day))
