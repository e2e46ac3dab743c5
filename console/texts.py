"""Strings that are chosen at run time (statuses, column headers), declared for lupdate.

Qt's lupdate only sees literal strings; listing these here lets the .ts file carry them, and
`status_text` / `header_text` look them up through the installed translator.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

STATUS_TEXTS = (
    QT_TRANSLATE_NOOP("Status", "received"),
    QT_TRANSLATE_NOOP("Status", "triaged"),
    QT_TRANSLATE_NOOP("Status", "dispatched"),
    QT_TRANSLATE_NOOP("Status", "acknowledged"),
    QT_TRANSLATE_NOOP("Status", "en_route"),
    QT_TRANSLATE_NOOP("Status", "on_scene"),
    QT_TRANSLATE_NOOP("Status", "evidence_collected"),
    QT_TRANSLATE_NOOP("Status", "claim_filed"),
    QT_TRANSLATE_NOOP("Status", "closed"),
    QT_TRANSLATE_NOOP("Status", "referred_police"),
    QT_TRANSLATE_NOOP("Status", "referred_120"),
    QT_TRANSLATE_NOOP("Status", "duplicate"),
    QT_TRANSLATE_NOOP("Status", "escalated"),
    QT_TRANSLATE_NOOP("Status", "cancelled"),
    QT_TRANSLATE_NOOP("Status", "available"),
    QT_TRANSLATE_NOOP("Status", "busy"),
    QT_TRANSLATE_NOOP("Status", "off_duty"),
    QT_TRANSLATE_NOOP("Header", "Case"),
    QT_TRANSLATE_NOOP("Header", "Age"),
    QT_TRANSLATE_NOOP("Header", "Status"),
    QT_TRANSLATE_NOOP("Header", "Place"),
    QT_TRANSLATE_NOOP("Header", "Slip"),
    QT_TRANSLATE_NOOP("Header", "Unit"),
    QT_TRANSLATE_NOOP("Header", "Name"),
    QT_TRANSLATE_NOOP("Header", "Fix age"),
    QT_TRANSLATE_NOOP("Header", "Job"),
)


def status_text(status: str) -> str:
    return QCoreApplication.translate("Status", status)


def header_text(header: str) -> str:
    return QCoreApplication.translate("Header", header)
