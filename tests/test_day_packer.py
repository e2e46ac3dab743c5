"""The hub packs yesterday for the replay in a process of its own (hub/day_packer.py): real
databases, a real child process; the packs hold exactly the day's fixes (counted once: two
units, 30 and 12), a packed day is not packed again, a day without fixes is left alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from db.replay_days import TRACK_DAYS
from db.schema import make_engine
from db.store import EventStore
from dispatch.service_hours import CHINA_TZ
from hub.day_packer import DayPacker
from tests.conftest import make_units
from tests.test_track_store import fix

DAY = date(2026, 11, 30)


def test_a_day_over_is_packed_once_in_a_process_of_its_own(db_url) -> None:
    store = EventStore.open(db_url, make_units)
    noon = datetime(2026, 11, 30, 12, tzinfo=CHINA_TZ).astimezone(UTC)
    store.append([fix("G01", k, noon + timedelta(seconds=10 * k)) for k in range(30)]
                 + [fix("G02", k, noon + timedelta(seconds=10 * k)) for k in range(12)])
    store.append([fix("G01", 99, noon + timedelta(days=1))])  # the next day: not packed
    store.close()
    packer = DayPacker(db_url)
    assert packer.pack_if_needed(DAY)
    engine = make_engine(db_url)
    with engine.connect() as connection:
        packs = connection.execute(select(TRACK_DAYS.c.day, TRACK_DAYS.c.unit,
                                          TRACK_DAYS.c.fixes).order_by(TRACK_DAYS.c.unit)).all()
    engine.dispose()
    assert [tuple(p) for p in packs] == [(DAY, "G01", 30), (DAY, "G02", 12)]
    assert DAY in packer.done
    assert not DayPacker(db_url).pack_if_needed(DAY)  # packed already: nothing spawned
    assert not packer.pack_if_needed(DAY - timedelta(days=1))  # no fixes that day
