"""Qt item models over the console's replica of the center state (views, no state of their own).

The queue puts new alerts first, then open incidents by urgency (oldest first), then the
incidents closed or referred in this session at the bottom, so nothing vanishes from sight.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from console.texts import header_text, status_text
from dispatch.clocks import (
    BREACH,
    DEFAULT_CLOCK,
    OK,
    STOPPED,
    WARN,
    Clock,
    ClockPolicy,
    clock_of,
)
from dispatch.lifecycle import TERMINAL, IncidentStatus
from dispatch.state import STALE_AFTER_S, STUCK_AFTER_FIXES, CenterState, Incident, Unit
from map.view import STATUS_COLOURS, UNIT_COLOURS

Index = QModelIndex | QPersistentModelIndex


def _age(since: datetime | None, now: datetime) -> str:
    if since is None:
        return "—"
    seconds = max(0, int((now - since).total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


CLOCK_COLOURS = {OK: "#c8f0c8", WARN: "#ffd27f", BREACH: "#ff8080"}


def _clock_text(c: Clock) -> str:
    if c.level == STOPPED:
        return "—"
    seconds = int(c.elapsed_s)
    return f"{seconds // 60}:{seconds % 60:02d}" + (" ✓" if c.stopped else "")


def _queue_order(incident: Incident) -> tuple:
    new = incident.status == IncidentStatus.RECEIVED
    closed = incident.status in TERMINAL
    stamp = incident.received_at.timestamp()
    return (closed, not new, -stamp if closed else stamp)


class _RowsModel(QAbstractTableModel):
    """A table of `rows` under translated `HEADERS`; subclasses say what a row shows."""

    HEADERS: tuple[str, ...] = ()
    rows: list

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return header_text(self.HEADERS[section])
        return None

    def _changed_all(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(self.HEADERS) - 1))


class QueueModel(_RowsModel):
    HEADERS = ("Case", "Age", "Status", "Place", "Slip", "Unit")

    def __init__(self, state: CenterState, clock: ClockPolicy = DEFAULT_CLOCK) -> None:
        super().__init__()
        self.state = state
        self.clock = clock
        self.rows: list[Incident] = []
        self.now = datetime.now(UTC)

    def refresh(self) -> None:
        self.now = datetime.now(UTC)
        ordered = sorted(self.state.incidents.values(), key=_queue_order)
        if [i.case for i in ordered] != [i.case for i in self.rows]:
            self.beginResetModel()
            self.rows = ordered
            self.endResetModel()
        else:
            self._changed_all()

    def row_of(self, case: str) -> int:
        return next((n for n, i in enumerate(self.rows) if i.case == case), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        incident = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                incident.case, _clock_text(clock_of(incident, self.now, self.clock)),
                status_text(incident.status), incident.address,
                incident.description[:40], incident.unit_id or "",
            )[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2:
            return QColor(STATUS_COLOURS.get(incident.status, "#777"))
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == 1:
            colour = CLOCK_COLOURS.get(clock_of(incident, self.now, self.clock).level)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.UserRole:
            return incident.case
        return None


class UnitBoardModel(_RowsModel):
    @staticmethod
    def _status(unit: Unit) -> str:
        notes = [status_text("emergency")] if unit.emergency else []
        if unit.frozen_fixes >= STUCK_AFTER_FIXES:
            notes.append(status_text("gps_stuck"))
        return " · ".join([status_text(unit.status), *notes])

    HEADERS = ("Unit", "Name", "Status", "Fix age", "Job")

    def __init__(self, state: CenterState) -> None:
        super().__init__()
        self.state = state
        self.rows: list[Unit] = list(state.units.values())
        self.now = datetime.now(UTC)

    def refresh(self) -> None:
        self.now = datetime.now(UTC)
        self.rows = list(self.state.units.values())
        self._changed_all()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        unit = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (unit.unit_id, unit.name, self._status(unit),
                    _age(unit.fix_time, self.now), unit.incident or "")[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2:
            return QColor("#ff0000" if unit.emergency else UNIT_COLOURS[unit.status])
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 3 and (
                unit.fix_time is None
                or (self.now - unit.fix_time).total_seconds() > STALE_AFTER_S):
            return QColor("#c00")
        return None
