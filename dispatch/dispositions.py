"""How a case ended: the disposition a dispatcher (or the guide's "job done" key) gives on close.

Reports count cases by how they ended (settled on the spot, claim filed, parties gone, no
accident), which "closed" alone cannot tell. The codes are data the core checks; the console
shows them in the dispatcher's language (console/texts.py).
"""

from __future__ import annotations

SETTLED = "settled"  # the parties agreed on the spot (快处快赔)
DISPOSITIONS = (
    SETTLED,
    "claim",  # an insurance claim was filed from the scene
    "police",  # traffic police took the case over on the scene
    "left",  # the parties had gone when the guide arrived
    "no_accident",  # no accident there: a false or mistaken call
)
