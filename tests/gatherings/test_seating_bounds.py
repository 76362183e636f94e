"""GATHERINGS.md §5 bounds, against hand computation and against random plans."""

from __future__ import annotations

import random
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunbar.gatherings.bounds import (
    max_pairs_bound,
    min_overlap,
    objective_bound,
    occupancy,
    star_bound,
    week_pair_bound,
    weeks_bound,
)


def test_week_pair_bound_of_the_supper_club() -> None:
    # GATHERINGS.md §5.3: 15 people, 3 tables of 5: bound 6 over 2 rounds, 18 over 4.
    assert week_pair_bound(15, [5, 5, 5], 2) == 6
    assert week_pair_bound(15, [5, 5, 5], 4) == 18


def test_min_overlap_by_hand() -> None:
    # Two partitions of 15 into three 5s: every row of the 3×3 intersection matrix
    # sums to 5, as evenly as possible (2, 2, 1): C(2,2)·2 = 2 per row, 6 in all.
    assert min_overlap([5, 5, 5], [5, 5, 5]) == 6
    # 32 people at 8 tables of 4: rows (1, 1, 1, 1, 0, 0, 0, 0) share nothing.
    assert min_overlap([4] * 8, [4] * 8) == 0
    # 6 people at 2 tables of 3: rows (2, 1): 1 pair each.
    assert min_overlap([3, 3], [3, 3]) == 2


def test_max_pairs_bound_by_hand() -> None:
    # §5.2: excess >= W·g·C(s,2) − C(n,2).
    assert max_pairs_bound(15, [5, 5, 5], 4) == 4 * 3 * 10 - 105  # 15
    assert max_pairs_bound(32, [4] * 8, 10) == 0  # 480 meetings ≤ 496 pairs
    assert max_pairs_bound(32, [4] * 8, 11) == 11 * 8 * 6 - 496  # 32: 11 weeks impossible
    # per person: 6 people at tables of 3 over 4 rounds meet 8 others of 5: 3 excess
    # each, 6·3/2 = 9 (the same as 24 − 15 by pairs).
    assert max_pairs_bound(6, [3, 3], 4) == 9


def test_week_pair_lp_is_at_least_the_counting_bound() -> None:
    assert week_pair_bound(32, [4] * 8, 11) == 32
    assert week_pair_bound(15, [3] * 5, 7) == 0  # KTS(15) exists
    assert week_pair_bound(14, [5, 5, 5], 2) is None  # an empty seat: sizes unknown


def test_weeks_bound_table_a() -> None:
    # Table A, UB column ⌊(n−1)/(s−1)⌋, and the g = s and g < s rules of §5.1.
    assert weeks_bound(8, 4) == 10
    assert weeks_bound(5, 3) == 7
    assert weeks_bound(7, 4) == 9
    assert weeks_bound(6, 3) == 8
    assert weeks_bound(5, 5) == 6 and weeks_bound(8, 8) == 9
    assert weeks_bound(6, 6) == 3  # Sellmann's table: 3 (no 2 MOLS(6))
    assert weeks_bound(3, 4) == 1  # g < s


def test_occupancy_fills_evenly_under_the_caps() -> None:
    assert occupancy(10, [5, 5, 5]) == [3, 3, 4]
    assert occupancy(7, [2, 6]) == [2, 5]
    assert sum(occupancy(13, [3, 4, 8])) == 13


def test_star_bound_by_hand() -> None:
    # a: top-1 of {1, 0.5} = 1; b: top-1 of {1, 0.2} = 1; c: top-1 of {0.5, 0.2} = 0.5.
    w = {("a", "b"): 1.0, ("a", "c"): 0.5, ("b", "c"): 0.2}
    assert star_bound(["a", "b", "c"], [2, 2], 1, w) == (1 + 1 + 0.5) / 2
    # with target 2 over 2 rounds every weight counts twice: a {1,1,.5,.5} -> 2 …
    assert star_bound(["a", "b", "c"], [2, 2], 2, w, default_target=2) == (2 + 2 + 1) / 2


@settings(max_examples=60, deadline=None)
@given(
    g=st.integers(2, 4),
    s=st.integers(2, 4),
    w=st.integers(1, 5),
    seed=st.integers(0, 10_000),
)
def test_random_plans_never_beat_the_bounds(g: int, s: int, w: int, seed: int) -> None:
    n = g * s
    rng = random.Random(seed)
    meets: dict[tuple[int, int], int] = {}
    for _ in range(w):
        order = list(range(n))
        rng.shuffle(order)
        for t in range(g):
            for pair in combinations(sorted(order[t * s : (t + 1) * s]), 2):
                meets[pair] = meets.get(pair, 0) + 1
    repeats = sum(m - 1 for m in meets.values())
    assert repeats >= max_pairs_bound(n, [s] * g, w)
    bound = week_pair_bound(n, [s] * g, w)
    assert bound is not None and repeats >= bound


def test_objective_bound_by_hand() -> None:
    # §5.3 LP, 15 at 3 tables of 5 over 4 rounds: 36 shared pair-rounds; with α = 1,
    # γ = 2 doubles are cheapest: (120 − 36) − 2·36 = 12; with γ = 1 any mix gives 48.
    assert objective_bound(15, [5, 5, 5], 4, 1.0, 2.0) == pytest.approx(12)
    assert objective_bound(15, [5, 5, 5], 4, 1.0, 1.0) == pytest.approx(48)
    # empty seats, by counting: 203 people at 26 tables of 8 seat at most 25 full
    # tables and one of 3, 25·28 + 3 = 703 pairs a round; 3 rounds: 2109 < C(203, 2).
    assert objective_bound(203, [8] * 26, 3, 1.0, 2.0) == 2109
