"""Gatherings: seating plans over rounds, and the designs and bounds behind them;
1:1 matchmaking slots and the mutual value of a pair, and guest suggestions.

Pure: plain data in, plain data out; nothing here touches the store. The
algorithms, benchmarks and bounds are in GATHERINGS.md.
"""

from __future__ import annotations

from dunbar.gatherings.matching import MatchPlan, greedy_matching, match_slots, plan_bound
from dunbar.gatherings.seating import (
    ObjectiveWeights,
    SeatingBounds,
    SeatingObjective,
    SeatingPlan,
    SeatingRules,
    plan_seating,
)
from dunbar.gatherings.value import (
    GuestCandidate,
    GuestList,
    GuestPick,
    PairValue,
    PairWeights,
    Profile,
    pair_value,
    suggest_guests,
    value_graph,
)

__all__ = [
    "GuestCandidate",
    "GuestList",
    "GuestPick",
    "MatchPlan",
    "ObjectiveWeights",
    "PairValue",
    "PairWeights",
    "Profile",
    "SeatingBounds",
    "SeatingObjective",
    "SeatingPlan",
    "SeatingRules",
    "greedy_matching",
    "match_slots",
    "pair_value",
    "plan_bound",
    "plan_seating",
    "suggest_guests",
    "value_graph",
]
