"""Find by what a dispatcher has at hand: a case number, a plate, a unit, part of an address."""

from __future__ import annotations

from dispatch.state import CenterState


def search(state: CenterState, text: str) -> tuple[str, str] | None:
    """("incident", case) or ("unit", unit id) for the best match; newest incidents first."""
    needle = text.strip().upper().replace(" ", "")
    if not needle:
        return None
    if needle in state.units:
        return "unit", needle
    if text.strip() in state.incidents:
        return "incident", text.strip()
    newest_first = sorted(state.incidents.values(), key=lambda i: i.received_at, reverse=True)
    for incident in newest_first:
        plates = [str(p).upper().replace(" ", "") for p in incident.structured.get("plates", [])]
        if any(needle in plate for plate in plates):
            return "incident", incident.case
    for incident in newest_first:
        if text.strip() and text.strip() in incident.address:
            return "incident", incident.case
    return None
