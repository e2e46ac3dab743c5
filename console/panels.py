"""Right and bottom panels: the selected incident, and the radio log."""

from __future__ import annotations

import html
from collections import deque
from datetime import datetime

from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from console.texts import field_text, status_text
from dispatch.duplicates import DuplicateCandidate
from dispatch.eligibility import Eligibility
from dispatch.lifecycle import AWAITING_UNIT, IncidentStatus
from dispatch.recommend import Recommendation
from dispatch.service_hours import CHINA_TZ
from dispatch.state import Incident
from hub.radio_log import RadioLogEntry


def _local(when: datetime) -> str:
    """China time, whatever the PC's own zone: the 110 slip, the radio and every colleague
    speak it."""
    return when.astimezone(CHINA_TZ).strftime("%H:%M:%S")


def frame_text(raw: bytes) -> str:
    """A frame as a radio operator reads it: text as the radio sent it (UTF-8, so a page's
    Chinese reads as Chinese), CR and LF by name, every other control or undecodable byte as a
    middle dot (the hex line below shows its value)."""
    names = {"\r": "␍", "\n": "␊", "\ufffd": "·"}
    return "".join(names.get(c, c if c.isprintable() else "·")
                   for c in raw.decode("utf-8", errors="replace"))


def _highlighted(text: str, verdict: Eligibility | None) -> str:
    """The slip text with every clause that raised a signal marked: red when it counts,
    amber underlined when hedged (ask the caller), struck-through grey when negated."""
    out = html.escape(text)
    for signal in (verdict.signals if verdict else ()):
        style = ("color:#999;text-decoration:line-through" if signal.negated
                 else "color:#b36b00;text-decoration:underline" if signal.hedged
                 else "color:#b00020;font-weight:bold")
        phrase = html.escape(signal.phrase)
        out = out.replace(phrase, f"<span style='{style}'>{phrase}</span>", 1)
    return out


class IncidentPanel(QTextBrowser):
    """Slip text, triage reasons, top recommendations and the keys that act on them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentPanel")
        self.setOpenLinks(False)
        self._page: str | None = None
        self._case: str | None = None
        self.show_incident(None, [])

    def _render(self, page: str, case: str | None) -> None:
        """The panel is asked again every second (clocks, rankings): it is re-rendered only
        when the page changed, and for the same case at the same scroll position, so a long
        slip stays readable."""
        if page == self._page:
            return
        keep = self.verticalScrollBar().value() if case == self._case else 0
        self._page, self._case = page, case
        self.setHtml(page)
        self.verticalScrollBar().setValue(keep)

    def _question(self, incident: Incident, verdict: Eligibility | None) -> str:
        """The question triage waits on (or will ask when T is pressed), and how to answer."""
        if incident.status != IncidentStatus.RECEIVED:
            return ""
        if incident.question:
            title, question = self.tr("Ask the caller"), incident.question
        elif verdict is not None and verdict.question is not None:
            title, question = self.tr("Triage will ask the caller"), verdict.question.text
        else:
            return ""
        how = self.tr("Answer with /a %1 y or /a %1 n (yes or no to the question as asked)")
        return ("<div style='background:#fff0c2;color:#1a1a1a;padding:4px'>"
                f"<b>{html.escape(title)}</b>: "
                f"<b style='color:#b36b00'>{html.escape(question)}</b><br>"
                f"{html.escape(how.replace('%1', incident.case))}</div>")

    def show_incident(self, incident: Incident | None, ranked: list[Recommendation],
                      verdict: Eligibility | None = None,
                      duplicates: list[DuplicateCandidate] = ()) -> None:
        if incident is None:
            hint = self.tr("Select an alert in the queue.")
            self._render(f"<p style='color:#777'>{hint}</p>", None)
            return
        e = html.escape
        not_triaged = self.tr("Not triaged yet: press T")
        no_guide = self.tr("No available guide")
        case, caller = self.tr("Case"), self.tr("Caller")
        triage, recommended = self.tr("Triage"), self.tr("Recommended guides")
        assigned = self.tr("Assigned unit")
        dup_title = self.tr("Likely duplicate of (M merge · K not a duplicate)")
        dups = "".join(f"<li><b>{e(d.case)}</b> {d.score:.2f} — {e(';'.join(d.reasons))}</li>"
                       for d in duplicates)
        dup_section = f"<h4 style='color:#b00020'>{dup_title}</h4><ul>{dups}</ul>" if dups else ""
        duplicate_of, merged = self.tr("Duplicate of"), self.tr("Merged alerts")
        if incident.duplicate_of:
            dup_section = f"<p>{duplicate_of} <b>{e(incident.duplicate_of)}</b></p>"
        if incident.merged:
            dup_section += f"<p>{merged}: {e(', '.join(incident.merged))}</p>"
        keys = self.tr("Keys: T triage · O override into the program · Enter dispatch #1 · "
                       "1–3 pick · P refer police · A refer 120 · C close · J joint · "
                       "/ command line · F1 help")
        facts = "".join(f"<li>{e(k)}: {e(v)}</li>" for k, v in (
            field_text(name, value) for name, value in incident.structured.items()))
        reasons = "".join(f"<li>{e(r)}</li>" for r in incident.reasons)
        if not reasons and verdict is not None:
            reasons = f"<li style='color:#777'>{not_triaged}</li>" + "".join(
                f"<li style='color:{'#b00020' if r.blocking else '#555'}'>{e(r.text)}</li>"
                for r in verdict.reasons)
        recs = "".join(
            f"<li><b>{e(r.unit_id)}</b> ETA {r.eta_s / 60:.1f} min — {e(r.reason)}</li>"
            for r in ranked
        ) or f"<li style='color:#777'>{no_guide}</li>"
        units_section = f"<h4>{recommended}</h4><ol>{recs}</ol>"
        if incident.unit_id:
            units_section = f"<h4>{assigned}</h4><p><b>{e(incident.unit_id)}</b></p>"
        elif incident.status not in AWAITING_UNIT:
            units_section = ""
        timeline = self.tr("Timeline")
        steps = "".join(f"<li>{e(_local(when))} {e(status_text(status))}</li>"
                        for when, status in incident.history)
        timeline_section = f"<h4>{timeline}</h4><ul>{steps}</ul>"  # every step, in China time
        self._render(
            f"<h3>{case} {e(incident.case)} · {e(status_text(incident.status))}</h3>"
            f"<p>{e(_local(incident.received_at))} · {e(incident.address)}<br>"
            f"{caller} {e(incident.caller_phone)}</p>"
            f"<p style='background:#fff8dc;color:#1a1a1a;padding:4px'>"
            f"{_highlighted(incident.description, verdict)}</p>"
            f"<ul>{facts}</ul>{dup_section}<h4>{triage}</h4>{self._question(incident, verdict)}"
            f"<ul>{reasons}</ul>"
            f"{units_section}{timeline_section}"
            f"<p style='color:#555'>{e(keys)}</p>", incident.case,
        )


class RadioLogPanel(QWidget):
    """The radio operator's log: every frame in and out, rejections included, newest at the
    bottom; filter by unit or port, raw frames on demand, unknown radio ids listed."""

    MAX_LINES = 5000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("radioLog")
        self.entries: deque[RadioLogEntry] = deque(maxlen=self.MAX_LINES)
        self.unknown: dict[str, int] = {}
        self.filter = QLineEdit(placeholderText=self.tr("Filter by unit or port"))
        self.raw = QCheckBox(self.tr("Raw frames"))
        self.unknown_label = QLabel()
        self.view = QPlainTextEdit(readOnly=True)
        self.view.setMaximumBlockCount(self.MAX_LINES)
        self.view.setFont(QFont("monospace", 9))
        bar = QHBoxLayout()
        bar.addWidget(self.filter)
        bar.addWidget(self.raw)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(bar)
        column.addWidget(self.view)
        column.addWidget(self.unknown_label)
        self.filter.textChanged.connect(self._rerender)
        self.raw.toggled.connect(self._rerender)

    def _line(self, entry: RadioLogEntry) -> str:
        arrow = {"in": "◀", "out": "▶"}.get(entry.direction, "✖")
        line = f"{_local(entry.time)} {entry.port:<7} {arrow} {entry.unit:<8} {entry.text}"
        if self.raw.isChecked() and entry.raw:
            line += f"\n    {frame_text(entry.raw)}\n    {entry.raw.hex(' ').upper()}"
        return line

    def _shown(self, entry: RadioLogEntry) -> bool:
        wanted = self.filter.text().strip().lower()
        return not wanted or wanted in entry.unit.lower() or wanted in entry.port.lower()

    def append_entry(self, entry: RadioLogEntry) -> None:
        self.entries.append(entry)
        if entry.direction == "rejected" and "/" in entry.unit:  # an unknown FLEET/ID
            self.unknown[entry.unit] = self.unknown.get(entry.unit, 0) + 1
            listed = "  ".join(f"{k}×{v}" for k, v in sorted(self.unknown.items()))
            self.unknown_label.setText(self.tr("Unknown radios (map with /map): ") + listed)
        if self._shown(entry):
            self.view.appendPlainText(self._line(entry))

    def _rerender(self) -> None:
        self.view.setPlainText("\n".join(self._line(e) for e in self.entries if self._shown(e)))
        self.view.moveCursor(QTextCursor.MoveOperation.End)
