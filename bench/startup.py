"""Start-up time of the store: from a snapshot vs replaying the whole log (prints figures).

    .venv/bin/python bench/startup.py [events]
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from db.models import SnapshotRow  # noqa: E402
from db.store import EventStore  # noqa: E402
from dispatch import events as ev  # noqa: E402
from dispatch.commands import Actor  # noqa: E402
from resources import scenario as scenarios  # noqa: E402


def main(total: int) -> None:
    demo = scenarios.load()
    specs = [{"unit_id": f"U{n:03d}", "name": "", "kind": "guide", "fleet": 100,
              "radio_id": str(n), "post": next(iter(demo.posts))} for n in range(300)]
    scenario = dataclasses.replace(demo, unit_specs=specs)
    url = f"sqlite:///{tempfile.mkdtemp()}/startup.sqlite3"
    store = EventStore.open(url, scenario.roster)
    actor = Actor("radio:bench", "bench")
    for burst in range(total // 300):
        store.append([actor.event(ev.UNIT_POSITION, {"unit": f"U{n:03d}", "lon": 122.1 + n * 1e-4,
                                                     "lat": 30.0 + burst * 1e-6})
                      for n in range(300)])
    store.close()
    start = time.perf_counter()
    EventStore.open(url, scenario.roster).engine.dispose()
    with_snapshot = time.perf_counter() - start
    store = EventStore.open(url, scenario.roster)
    with Session(store.engine) as session, session.begin():
        session.execute(delete(SnapshotRow))
    store.engine.dispose()
    start = time.perf_counter()
    full = EventStore.open(url, scenario.roster)
    full_replay = time.perf_counter() - start
    full.engine.dispose()
    print(f"start-up with {total:,} events in the log: from the snapshot {with_snapshot:.2f} s, "
          f"replaying the whole log {full_replay:.2f} s "
          f"({total / full_replay:,.0f} events/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 150_000)
