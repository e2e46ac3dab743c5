"""Joint assignment against one-by-one nearest."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dispatch.assignment import greedy_plan, joint_plan


def test_joint_plan_saves_the_incident_greedy_leaves_late() -> None:
    # unit 0 is nearest to both; greedy gives it to the older incident 0 and incident 1 waits
    etas = np.array([[100.0, 200.0], [60.0, 900.0]])
    elapsed = [250.0, 200.0]
    greedy, joint = greedy_plan(etas, elapsed), joint_plan(etas, elapsed)
    assert greedy.pairs == ((0, 0), (1, 1)) and greedy.late_count == 1
    assert joint.pairs == ((0, 1), (1, 0)) and joint.late_count == 0
    assert joint.lateness_s < greedy.lateness_s


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 8)),
              elements=st.floats(10, 3000)),
       st.lists(st.floats(0, 600), min_size=6, max_size=6))
def test_joint_is_never_later_than_greedy(etas, elapsed) -> None:
    elapsed = elapsed[: etas.shape[0]]
    joint, greedy = joint_plan(etas, elapsed), greedy_plan(etas, elapsed)
    assert joint.lateness_s <= greedy.lateness_s + 1e-6
    units = [u for _, u in joint.pairs]
    assert len(units) == len(set(units)) == min(etas.shape)
