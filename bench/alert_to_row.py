"""Alert → row painted: from a 110 client's websocket send to the queue row repainted.

Runs the real engine (SQLite file, websocket feed) and the real window offscreen, following the
hub over the console link as every console does; a client thread sends N alerts; the time is
taken when the queue model has reset with the new row and the queue's viewport has been
repainted. Prints p50/p95/max in milliseconds.

    .venv/bin/python bench/alert_to_row.py [N]
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from console.app import attach_window  # noqa: E402
from console.hub_client import Credentials  # noqa: E402
from db.store import EventStore  # noqa: E402
from hub.center import LogListener  # noqa: E402
from hub.engine import Engine  # noqa: E402
from hub.simulated_feed import SlipFactory  # noqa: E402
from resources import scenario as scenarios  # noqa: E402


def main(n: int) -> None:
    app = QApplication([])
    scenario = scenarios.load()
    folder = tempfile.mkdtemp()
    store = EventStore.open(f"sqlite:///{folder}/bench.sqlite3", scenario.roster)
    engine = Engine(store, scenario, LogListener(), workstation=socket.gethostname())
    engine.start(feed_port=0)
    token = engine.console_link.local_session("bench", "bench")
    hub, window = attach_window(scenario, engine.url, Credentials(token=token), "bench")
    window.resize(1600, 1000)
    window.show()
    sent: dict[str, float] = {}
    latencies: list[float] = []
    seen: set[str] = set()

    def on_reset() -> None:
        window.queue.viewport().repaint()
        now = time.perf_counter()
        for incident in window.queue_model.rows:
            if incident.alert_id in sent and incident.alert_id not in seen:
                seen.add(incident.alert_id)
                latencies.append((now - sent[incident.alert_id]) * 1000)
        if len(latencies) >= n:
            app.quit()

    window.queue_model.modelReset.connect(lambda: QTimer.singleShot(0, on_reset))

    async def client() -> None:
        factory = SlipFactory(scenario, seed=1)
        async with connect(f"ws://127.0.0.1:{engine.feed_port}/feed") as ws:
            for _ in range(n):
                slip = factory.make()
                sent[slip["alert_id"]] = time.perf_counter()
                await ws.send(json.dumps(slip, ensure_ascii=False))
                await ws.recv()
                await asyncio.sleep(0.25)

    threading.Thread(target=lambda: asyncio.run(client()), daemon=True).start()
    QTimer.singleShot(n * 1000 + 10000, app.quit)
    app.exec()
    hub.stop()
    engine.stop()
    latencies.sort()
    print(f"alert → row painted, {len(latencies)} alerts: "
          f"p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.1f} ms, max {latencies[-1]:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
