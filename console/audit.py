"""`jingbao triage FILE.jsonl`: the eligibility rules run over past slips, one verdict a line.

Three outcomes: eligible, referred (120 or police, with the reasons), and verify, with the
question the dispatcher asks the caller first.

For auditing the rules against what dispatchers decided: the same parser and rules as the live
console, so a slip the feed would reject is reported as rejected here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from dispatch.alerts import SlipRejected, alert_id_of, decode_slip, parse_alert_slip
from dispatch.eligibility import assess_incident
from dispatch.state import Incident
from map.zones import ServiceZones
from resources.scenario import Scenario


def _verdict(doc: Any, number: int, scenario: Scenario, zones: ServiceZones) -> dict[str, Any]:
    slip = parse_alert_slip(doc, scenario.region)
    incident = Incident("-", slip.alert_id, slip.received_at, slip.lon, slip.lat, slip.address,
                        slip.description, slip.caller_phone, slip.structured)
    result = assess_incident(incident, scenario.rules(), zones.zones_at)
    asks = [f"请与报警人核实:{q.text}" for q in result.questions]
    blocking = [r.text for r in result.reasons if r.blocking]
    return {
        "line": number,
        "alert_id": slip.alert_id,
        "decision": result.outcome,
        "reasons": blocking or (asks if result.question else ["符合警保联动出警条件"]),
        "question": result.question.text if result.question else None,
        "notes": [r.text for r in result.reasons if not r.blocking],
        "signals": [{"code": s.code, "phrase": s.phrase, "modality": str(s.modality)}
                    for s in result.signals],
    }


def triage_lines(lines: Iterable[str], scenario: Scenario) -> Iterator[dict[str, Any]]:
    zones = ServiceZones(scenario.zones)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:  # the feed's own decoding and limits: a line the hub would refuse is refused here
            doc = decode_slip(line)
        except SlipRejected as exc:
            yield {"line": number, "alert_id": None, "decision": "rejected",
                   "reasons": [str(exc)]}
            continue
        try:
            yield _verdict(doc, number, scenario, zones)
        except SlipRejected as exc:
            yield {"line": number, "alert_id": alert_id_of(doc), "decision": "rejected",
                   "reasons": [str(exc)]}
