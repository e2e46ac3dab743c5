"""`jingbao triage FILE.jsonl`: the eligibility rules run over past slips, one verdict a line.

For auditing the rules against what dispatchers decided: the same parser and rules as the live
console, so a slip the feed would reject is reported as rejected here too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from dispatch.alerts import SlipRejected, parse_alert_slip
from dispatch.eligibility import assess_incident
from dispatch.state import Incident
from map.zones import ServiceZones
from resources.scenario import Scenario


def _verdict(doc: Any, number: int, scenario: Scenario, zones: ServiceZones) -> dict[str, Any]:
    slip = parse_alert_slip(doc, scenario.region)
    incident = Incident("-", slip.alert_id, slip.received_at, slip.lon, slip.lat, slip.address,
                        slip.description, slip.caller_phone, slip.structured)
    result = assess_incident(incident, scenario.rules(), zones.zones_at)
    return {
        "line": number,
        "alert_id": slip.alert_id,
        "decision": "eligible" if result.eligible else result.referral,
        "reasons": [r.text for r in result.reasons if r.blocking] or ["符合警保联动出警条件"],
        "notes": [r.text for r in result.reasons if not r.blocking],
        "signals": [{"code": s.code, "phrase": s.phrase, "negated": s.negated}
                    for s in result.signals],
    }


def triage_lines(lines: Iterable[str], scenario: Scenario) -> Iterator[dict[str, Any]]:
    zones = ServiceZones(scenario.zones)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except ValueError as exc:
            yield {"line": number, "alert_id": None, "decision": "rejected",
                   "reasons": [f"malformed JSON: {exc}"]}
            continue
        try:
            yield _verdict(doc, number, scenario, zones)
        except SlipRejected as exc:
            alert_id = doc.get("alert_id") if isinstance(doc, dict) else None
            yield {"line": number, "alert_id": alert_id, "decision": "rejected",
                   "reasons": [str(exc)]}
