"""Qt item models over the console's replica of the center state (views, no state of their own).

The queue puts new alerts first, then open incidents by urgency (oldest first). Ended cases
(closed, referred, duplicate, cancelled) leave it; a filter (`show_ended`) brings the latest
MAX_CLOSED_ROWS of them back at the bottom, so a day's thousands of finished cases never make
the queue grow.
"""

from __future__ import annotations

import bisect
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFontMetrics

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
from map.styles import STATUS_COLOURS, UNIT_COLOURS

Index = QModelIndex | QPersistentModelIndex
MAX_CLOSED_ROWS = 200
FLASH_S = 20.0  # a new alert's row flashes this long after its receipt
FLASH_QCOLOUR = QColor("#ffb3b3")
_PAINTED_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                            Qt.ItemDataRole.BackgroundRole})


def _age(since: datetime | None, now: datetime) -> str:
    if since is None:
        return "—"
    seconds = max(0, int((now - since).total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


CLOCK_COLOURS = {OK: "#c8f0c8", WARN: "#ffd27f", BREACH: "#ff8080"}
CLOCK_QCOLOURS = {level: QColor(colour) for level, colour in CLOCK_COLOURS.items()}
# under the night palette's light text, the same meanings as dark fills: the day's pastel
# fills left light grey text on light green, unreadable, and lit a dark room
NIGHT_CLOCK_QCOLOURS = {OK: QColor("#24482c"), WARN: QColor("#6a4b12"),
                        BREACH: QColor("#7a2222")}
NIGHT_FLASH_QCOLOUR = QColor("#5a2020")


def night_text(colour: QColor) -> QColor:
    """A status colour as text on the night palette's dark cells: halfway to white (the map's
    mid-tone hues measured a contrast of 2.7–3.9 on the dark base, under 2 on a flashing
    row; halfway, at least 4.5)."""
    return QColor(*(round((c + 255) / 2) for c in (colour.red(), colour.green(), colour.blue())))


def _clock_text(c: Clock) -> str:
    if c.level == STOPPED:
        return "—"
    seconds = int(c.elapsed_s)
    return f"{seconds // 60}:{seconds % 60:02d}" + (" ✓" if c.stopped else "")


def _queue_order(incident: Incident) -> tuple:
    """Where an incident stands in the queue; the case number (shorter first, so "999" before
    "1000") breaks ties, so every key is unique and a row is found by bisection."""
    new = incident.status == IncidentStatus.RECEIVED
    closed = incident.status in TERMINAL
    stamp = incident.received_at.timestamp()
    return (closed, not new, -stamp if closed else stamp, len(incident.case), incident.case)


@dataclass(frozen=True)
class _QueueRow:
    """A row's display values, computed once when its incident changes, so `data()` (called
    for every visible cell and role at every repaint) only indexes. The clock is kept as its
    start, so its text is one subtraction a second, not a walk of the incident's history."""

    texts: tuple[str, ...]
    status_colour: QColor
    clock_start: float | None  # epoch seconds of a running clock; None: `clock` is fixed
    clock: Clock  # a stopped, not-counted or not-yet-started clock
    received: float | None = None  # epoch seconds of a new alert's receipt; None: not new

    @classmethod
    def of(cls, incident: Incident, now: float, policy: ClockPolicy) -> _QueueRow:
        clock = clock_of(incident, datetime.fromtimestamp(now, UTC), policy)
        running = clock.level != STOPPED and not clock.stopped and _clock_started(
            incident, policy)
        texts = (incident.case, "", status_text(incident.status), incident.address,
                 incident.description[:40], incident.unit_id or "")
        new = incident.status == IncidentStatus.RECEIVED
        return cls(texts, QColor(STATUS_COLOURS.get(incident.status, "#777")),
                   now - clock.elapsed_s if running else None, clock,
                   incident.received_at.timestamp() if new else None)

    def flashing(self, now: float) -> bool:
        """A new alert's row, for its first FLASH_S: lit every other second."""
        return self.received is not None and now - self.received < FLASH_S

    def clock_at(self, now: float, policy: ClockPolicy) -> Clock:
        if self.clock_start is None:
            return self.clock
        elapsed = max(0.0, now - self.clock_start)
        level = (BREACH if elapsed >= policy.breach_s
                 else WARN if elapsed >= policy.warn_s else OK)
        return Clock(elapsed, level, False)


def _clock_started(incident: Incident, policy: ClockPolicy) -> bool:
    return policy.start == IncidentStatus.RECEIVED or any(
        status == policy.start for _when, status in incident.history)


def _signature(incident: Incident) -> tuple:
    """What a row shows changes only with these (every event bumps the version; the status
    and unit are checked too for states built by hand, as tests do)."""
    return incident.version, incident.status, incident.unit_id


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

    def multiData(self, index: QModelIndex, roleDataSpan: QModelRoleDataSpan) -> None:  # noqa: N803
        """Qt override: one call from C++ per painted cell instead of one per role (a
        delegate asks seven roles, and the crossing into Python is most of a cell's cost);
        only the roles these models answer are asked of `data`. A role without a value is
        cleared: the delegate hands the same span to every cell, and a colour left in it
        painted the next cells' text in the status colour of the cell before."""
        for n in range(len(roleDataSpan)):
            role_data = roleDataSpan[n]
            value = self.data(index, role_data.role()) if role_data.role() in _PAINTED_ROLES \
                else None
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def samples(self) -> tuple[str, ...]:
        """A wide expected text per column, translated."""
        raise NotImplementedError

    def column_widths(self, metrics: QFontMetrics) -> list[int]:
        """Pixel widths for an interactive header, from the title or a wide expected text,
        whichever is wider: never from measuring rows (a ResizeToContents header measures
        up to 1,000 rows whenever the model changes, and the board changes every frame)."""
        return [max(metrics.horizontalAdvance(header_text(h)),
                    metrics.horizontalAdvance(sample)) + 16
                for h, sample in zip(self.HEADERS, self.samples(), strict=True)]

    _night_texts: dict[int, QColor] | None = None  # by the day colour's rgb, at night

    def set_night(self, night: bool) -> None:
        """The colours for the day's or the night's palette (console/appearance.py)."""
        self._night_texts = {} if night else None
        self._changed_all()

    def _text(self, colour: QColor) -> QColor:
        """A text colour as the palette of the hour wants it."""
        if self._night_texts is None:
            return colour
        return self._night_texts.setdefault(colour.rgb(), night_text(colour))

    def _changed_all(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(self.HEADERS) - 1))


class QueueModel(_RowsModel):
    """The queue, updated row by row: a new alert is one rowsInserted, a status change one
    dataChanged (or one rowsMoved when it changes the row's place), so a view keeps its
    selection and scroll and measures nothing; only a new snapshot resets the model. The cost
    of an alert is a bisection and the repaint of the visible rows, whatever the queue's
    length (tests/test_queue_counts.py counts it)."""

    HEADERS = ("Case", "Age", "Status", "Place", "Slip", "Unit")
    CLOCK_COLUMN = 1

    def __init__(self, state: CenterState, clock: ClockPolicy = DEFAULT_CLOCK) -> None:
        super().__init__()
        self.state = state
        self.clock = clock
        self.rows: list[Incident] = []
        self._cells: list[_QueueRow] = []
        self._keys: list[tuple] = []  # sort keys of `rows`, ascending
        # case → (signature, key) as shown; key None: a finished case paged out of the queue
        self._seen: dict[str, tuple[tuple, tuple | None]] = {}
        self._source: dict[str, Incident] | None = None  # the incidents dict the rows mirror
        self._version = -1
        self._second = 0
        self.now = time.time()
        self.ended_rows = 0  # ended cases shown at the bottom: none, or MAX_CLOSED_ROWS
        self._clock_fills, self._flash_colour = CLOCK_QCOLOURS, FLASH_QCOLOUR

    def set_night(self, night: bool) -> None:
        self._clock_fills = NIGHT_CLOCK_QCOLOURS if night else CLOCK_QCOLOURS
        self._flash_colour = NIGHT_FLASH_QCOLOUR if night else FLASH_QCOLOUR
        super().set_night(night)

    def samples(self) -> tuple[str, ...]:
        return ("100000", "88:88 ✓", status_text("evidence_collected"), "舟山市定海区环城南路",
                "两车追尾无人受伤车可移动", "G000")

    def refresh(self) -> bool:
        """Bring the rows up to the state: called every frame, it does work only when the
        incidents changed (a scan of signatures, then one signal per changed row) or when the
        clocks' second turned (one dataChanged for the clock column). Returns whether a case
        came, went or changed, so the window can paint the queue before anything else."""
        self.now = time.time()
        changed = False
        if self.state.incidents is not self._source:
            self._reset()
            changed = True
        elif self.state.incident_version != self._version or len(self._seen) != len(
                self.state.incidents):
            self._version = self.state.incident_version
            for case, incident in self.state.incidents.items():
                seen = self._seen.get(case)
                if seen is None or seen[0] != _signature(incident):
                    self._update(incident, seen)
                    changed = True
            for case in self._seen.keys() - self.state.incidents.keys():
                self._forget(case)
                changed = True
            self._page_out()
        if int(self.now) != self._second and self.rows:
            self._second = int(self.now)
            column = self.CLOCK_COLUMN
            self.dataChanged.emit(self.index(0, column), self.index(len(self.rows) - 1, column))
            self._flash()
        return changed

    def _flash(self) -> None:
        """One more signal a second, over the new alerts' rows still flashing (they sit at
        the top, oldest first: the block ends where the new alerts end)."""
        new = bisect.bisect_left(self._keys, (False, True))
        lit = [n for n in range(new) if self._cells[n].flashing(self.now)]
        if lit:
            self.dataChanged.emit(self.index(lit[0], 0),
                                  self.index(lit[-1], len(self.HEADERS) - 1))

    def _reset(self) -> None:
        self.beginResetModel()
        self._source = self.state.incidents
        self._version = self.state.incident_version
        ordered = sorted(self._source.values(), key=_queue_order)
        self.rows = ordered
        self._keys = [_queue_order(i) for i in ordered]
        self._cells = [_QueueRow.of(i, self.now, self.clock) for i in ordered]
        self._seen = {i.case: (_signature(i), k) for i, k in zip(ordered, self._keys,
                                                                  strict=True)}
        self.endResetModel()
        self._page_out()

    def show_ended(self, shown: bool) -> None:
        """The filter: the latest ended cases at the bottom, or none; rebuilt from the state,
        so cases paged out before come back."""
        self.ended_rows = MAX_CLOSED_ROWS if shown else 0
        self._reset()

    def _page_out(self) -> None:
        """Finished rows beyond `ended_rows` leave the queue, the oldest first: they are its
        last rows, as finished cases sort newest first at the bottom."""
        first = bisect.bisect_left(self._keys, (True,)) + self.ended_rows
        if first >= len(self.rows):
            return
        self.beginRemoveRows(QModelIndex(), first, len(self.rows) - 1)
        for incident in self.rows[first:]:
            self._seen[incident.case] = (self._seen[incident.case][0], None)
        for column in (self.rows, self._keys, self._cells):
            del column[first:]
        self.endRemoveRows()

    def _forget(self, case: str) -> None:
        """A case retired from the state (dispatch/retirement.py): its row goes, if shown."""
        key = self._seen.pop(case)[1]
        if key is None:
            return
        row = bisect.bisect_left(self._keys, key)
        self.beginRemoveRows(QModelIndex(), row, row)
        for column in (self.rows, self._keys, self._cells):
            del column[row]
        self.endRemoveRows()

    def _update(self, incident: Incident, seen: tuple[tuple, tuple | None] | None) -> None:
        if seen is not None and seen[1] is None:  # paged out: stays out while it is ended
            if incident.status in TERMINAL:
                self._seen[incident.case] = (_signature(incident), None)
                return
            seen = None  # reopened: back in the queue as a new row
        key = _queue_order(incident)
        cells = _QueueRow.of(incident, self.now, self.clock)
        self._seen[incident.case] = (_signature(incident), key)
        if seen is None:
            row = bisect.bisect_left(self._keys, key)
            self.beginInsertRows(QModelIndex(), row, row)
            self._put(row, incident, key, cells)
            self.endInsertRows()
            return
        old = bisect.bisect_left(self._keys, seen[1])
        del self._keys[old]
        new = bisect.bisect_left(self._keys, key)
        self._keys.insert(old, seen[1])
        if new == old:
            self.rows[old], self._keys[old], self._cells[old] = incident, key, cells
            self.dataChanged.emit(self.index(old, 0), self.index(old, len(self.HEADERS) - 1))
            return
        # Qt numbers the destination before the move: past the old row means one further
        self.beginMoveRows(QModelIndex(), old, old, QModelIndex(), new + (new > old))
        for column in (self.rows, self._keys, self._cells):
            del column[old]
        self._put(new, incident, key, cells)
        self.endMoveRows()

    def _put(self, row: int, incident: Incident, key: tuple, cells: _QueueRow) -> None:
        self.rows.insert(row, incident)
        self._keys.insert(row, key)
        self._cells.insert(row, cells)

    def row_of(self, case: str) -> int:
        seen = self._seen.get(case)
        if seen is None or seen[1] is None:
            return -1
        row = bisect.bisect_left(self._keys, seen[1])
        return row if row < len(self.rows) and self.rows[row].case == case else -1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        cells = self._cells[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.CLOCK_COLUMN:
                return _clock_text(cells.clock_at(self.now, self.clock))
            return cells.texts[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return self._text(cells.status_colour)
        if role == Qt.ItemDataRole.BackgroundRole and column == self.CLOCK_COLUMN:
            return self._clock_fills.get(cells.clock_at(self.now, self.clock).level)
        if role == Qt.ItemDataRole.BackgroundRole and int(self.now) % 2 == 0 and (
                cells.flashing(self.now)):
            return self._flash_colour
        if role == Qt.ItemDataRole.UserRole:
            return cells.texts[0]
        return None


class UnitBoardModel(_RowsModel):
    """The unit board, repainted only where it changed: a row's signal when what the row
    shows changed, every row's when the fix ages' second turned (their text is whole
    seconds), so a frame where no unit changed repaints nothing (tests/test_board_counts.py
    counts it)."""

    @staticmethod
    def _status(unit: Unit) -> str:
        notes = [status_text("emergency")] if unit.emergency else []
        if unit.frozen_fixes >= STUCK_AFTER_FIXES:
            notes.append(status_text("gps_stuck"))
        shown = status_text("returning") if unit.returning() else status_text(unit.status)
        return " · ".join([shown, *notes])

    HEADERS = ("Unit", "Name", "Insurer", "Status", "Fix age", "Job")
    STATUS_COLUMN, AGE_COLUMN = 3, 4

    def __init__(self, state: CenterState) -> None:
        super().__init__()
        self.state = state
        self.rows: list[Unit] = list(state.units.values())
        self._shown = [_unit_signature(u) for u in self.rows]
        self.now = datetime.now(UTC)
        self._second = int(self.now.timestamp())

    def samples(self) -> tuple[str, ...]:
        return ("G000", "舟山定海引导员", "中国人保财险", " · ".join(
            status_text(s) for s in ("dispatched", "emergency", "gps_stuck")), "888:88",
                "100000")

    def refresh(self) -> None:
        self.now = datetime.now(UTC)
        units = self.state.units.values()
        if len(units) != len(self.rows) or any(
                a is not b for a, b in zip(units, self.rows, strict=True)):
            self.beginResetModel()  # a new snapshot or roster: other unit objects
            self.rows = list(units)
            self._shown = [_unit_signature(u) for u in self.rows]
            self.endResetModel()
            return
        second = int(self.now.timestamp())
        changed = [n for n, unit in enumerate(self.rows)
                   if _unit_signature(unit) != self._shown[n]]
        for n in changed:
            self._shown[n] = _unit_signature(self.rows[n])
        if second != self._second:
            self._second = second
            self._changed_all()
            return
        last = len(self.HEADERS) - 1
        for n in changed:
            self.dataChanged.emit(self.index(n, 0), self.index(n, last))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        unit = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (unit.unit_id, unit.name, unit.insurer or "", self._status(unit),
                    _age(unit.fix_time, self.now), unit.incident or "")[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.STATUS_COLUMN:
            return self._text(QColor("#ff0000" if unit.emergency else UNIT_COLOURS[unit.status]))
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.AGE_COLUMN and (
                unit.fix_time is None
                or (self.now - unit.fix_time).total_seconds() > STALE_AFTER_S):
            return self._text(QColor("#c00"))
        return None


def _unit_signature(unit: Unit) -> tuple:
    """What a board row shows, besides the fix age's ticking (the replica changes units in
    place, so the values are kept, not the object)."""
    return (unit.name, unit.status, unit.emergency, unit.frozen_fixes >= STUCK_AFTER_FIXES,
            unit.fix_time, unit.incident, unit.returning())
