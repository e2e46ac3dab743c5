"""`jingbao screenshot`: the real window, after the demo has lived a few seconds, as a PNG.

While it waits it acts as a dispatcher would, through the window's own keyboard actions
(triage, then dispatch the recommended guide), so the picture shows a working center.
"""

from __future__ import annotations

import argparse
import logging

from PySide6.QtCore import QTimer

from console.app import make_app, open_console
from console.main_window import MainWindow
from dispatch.lifecycle import IncidentStatus

log = logging.getLogger(__name__)


def _act_like_a_dispatcher(window: MainWindow) -> None:
    for case, incident in window.state.incidents.items():
        if incident.status in (IncidentStatus.RECEIVED, IncidentStatus.TRIAGED):
            window.select_case(case)
            window.refresh()
            if incident.status == IncidentStatus.RECEIVED:
                window.triage_selected()
            elif window.desk.ranked:
                window.dispatch_choice(0)
            return


def take_screenshot(args: argparse.Namespace) -> int:
    app = make_app(args.lang)
    args.demo = True
    center, client, window = open_console(args)
    window.showNormal()  # the README's picture has one size, whatever this PC's screen
    window.resize(1600, 1000)
    actor = QTimer(window, interval=700, timeout=lambda: _act_like_a_dispatcher(window))
    actor.start()
    QTimer.singleShot(int(args.seconds * 1000) - 1500, actor.stop)

    def shoot() -> None:
        window.refresh()
        ok = window.grab().save(args.out)
        log.info("screenshot %s: %s", "saved to" if ok else "FAILED", args.out)
        app.exit(0 if ok else 1)

    QTimer.singleShot(int(args.seconds * 1000), shoot)
    try:
        return app.exec()
    finally:
        client.stop()
        center.stop()
