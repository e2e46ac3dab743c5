"""Right and bottom panels: the selected incident, and the radio log."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QPlainTextEdit, QTextBrowser, QWidget

from console.engine import RadioLogEntry
from console.texts import status_text
from dispatch.recommend import Recommendation
from dispatch.state import Incident


def _local(when: datetime) -> str:
    return when.astimezone().strftime("%H:%M:%S")


class IncidentPanel(QTextBrowser):
    """Slip text, triage reasons, top recommendations and the keys that act on them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentPanel")
        self.setOpenLinks(False)
        self.show_incident(None, [])

    def show_incident(self, incident: Incident | None, ranked: list[Recommendation]) -> None:
        if incident is None:
            self.setHtml(f"<p style='color:#777'>{self.tr('Select an alert in the queue.')}</p>")
            return
        e = html.escape
        facts = "".join(f"<li>{e(k)}: {e(str(v))}</li>" for k, v in incident.structured.items())
        reasons = "".join(f"<li>{e(r)}</li>" for r in incident.reasons) or (
            f"<li style='color:#777'>{self.tr('Not triaged yet: press T')}</li>")
        recs = "".join(
            f"<li><b>{n}. {e(r.unit_id)}</b> ETA {r.eta_s / 60:.1f} min — {e(r.reason)}</li>"
            for n, r in enumerate(ranked, 1)
        ) or f"<li style='color:#777'>{self.tr('No available guide')}</li>"
        keys = self.tr("Keys: T triage · Enter dispatch #1 · 1–3 pick · P refer police · "
                       "A refer 120 · C close")
        self.setHtml(
            f"<h3>{self.tr('Case')} {e(incident.case)} · {e(status_text(incident.status))}</h3>"
            f"<p>{e(_local(incident.received_at))} · {e(incident.address)}<br>"
            f"{self.tr('Caller')} {e(incident.caller_phone)}</p>"
            f"<p style='background:#fff8dc;padding:4px'>{e(incident.description)}</p>"
            f"<ul>{facts}</ul><h4>{self.tr('Triage')}</h4><ul>{reasons}</ul>"
            f"<h4>{self.tr('Recommended guides')}</h4><ol style='margin-left:0'>{recs}</ol>"
            f"<p style='color:#555'>{e(keys)}</p>"
        )


class RadioLogPanel(QPlainTextEdit):
    """Every frame in and out, rejections included, newest at the bottom."""

    MAX_LINES = 5000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("radioLog")
        self.setReadOnly(True)
        self.setMaximumBlockCount(self.MAX_LINES)
        self.setFont(QFont("monospace", 9))
        self.lines = 0

    def append_entry(self, entry: RadioLogEntry) -> None:
        arrow = {"in": "◀", "out": "▶"}.get(entry.direction, "✖")
        self.appendPlainText(
            f"{_local(entry.time)} {entry.port:<7} {arrow} {entry.unit:<8} {entry.text}")
        self.lines += 1
