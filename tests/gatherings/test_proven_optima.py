"""Proven optima of tiny seating instances (bounds.PROVEN_OPTIMA).

The table comes from ``benchmarks/prove_supper_club.py`` (exhaustive branch and
bound with symmetry breaking; RESULTS.md "Seating plans"). These tests rerun
the search on the small instances, check it against a brute force with only
round 1 fixed, and check that ``plan_seating`` calls a plan at the proven
optimum "optimal" while the §5 bounds stay as they are.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from dunbar.gatherings import ObjectiveWeights, plan_seating
from dunbar.gatherings.bounds import (
    PROVEN_OPTIMA,
    max_pairs_bound,
    proven_optimum,
    week_pair_bound,
)

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "prove_supper_club.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("prove_supper_club", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


proof = load_script()


def test_lookup() -> None:
    assert proven_optimum(15, [5, 5, 5], 4) == 23
    assert proven_optimum(15, (5, 5, 5), 2) == week_pair_bound(15, [5, 5, 5], 2) == 6
    assert proven_optimum(15, [5, 5, 5], 5) is None  # not proven (time cap)
    assert proven_optimum(14, [5, 5, 5], 4) is None
    assert proven_optimum(12, [4, 4, 4], 4) == 13


def test_the_table_is_never_below_the_section_5_bounds() -> None:
    for (n, sizes, rounds), best in PROVEN_OPTIMA.items():
        assert sum(sizes) == n and list(sizes) == sorted(sizes)
        assert best >= max_pairs_bound(n, sizes, rounds)
        wp = week_pair_bound(n, sizes, rounds)
        assert wp is not None and best >= wp


@pytest.mark.parametrize(("g", "s", "rounds"), [(3, 4, 3), (3, 4, 4), (3, 3, 5)])
def test_the_search_gives_the_table(g: int, s: int, rounds: int) -> None:
    res = proof.solve(g, s, rounds)
    assert res.finished
    assert res.repeats == PROVEN_OPTIMA[(g * s, (s,) * g, rounds)]
    # the best plan is a real plan with that many repeats, counted pair by pair
    assert proof.recount(proof.partitions(g, s)[res.plan]) == res.repeats


@pytest.mark.parametrize(("g", "s", "rounds"), [(2, 3, 4), (3, 3, 3), (3, 4, 3)])
def test_the_symmetry_breaking_against_a_brute_force(g: int, s: int, rounds: int) -> None:
    assert proof.solve(g, s, rounds).repeats == proof.brute_force(g, s, rounds)


@pytest.mark.slow
def test_the_round_ordering_against_a_brute_force_over_the_later_rounds() -> None:
    # 12 people at 3 tables of 4, 4 rounds: 13 repeats, 4 above the week-pair bound
    assert proof.solve(3, 4, 4).repeats == proof.brute_force(3, 4, 4, classes=True) == 13
    assert week_pair_bound(12, [4, 4, 4], 4) == 9


@pytest.mark.slow
def test_the_supper_club_proof() -> None:
    # about 2-3 s: 23 repeats over 4 rounds, 12 over 3 (the §5 bounds: 18 and 12)
    four = proof.solve(3, 5, 4)
    assert four.finished and four.repeats == 23 == PROVEN_OPTIMA[(15, (5, 5, 5), 4)]
    assert four.covered == 97  # 8 pairs never meet: 120 meetings − 97 pairs


def test_plan_seating_reports_the_proven_optimum() -> None:
    plan = plan_seating(
        range(15),
        [5, 5, 5],
        4,
        seed=1,
        max_iterations=1000,
        objective=ObjectiveWeights(over_target=0.01),
    )
    b = plan.bounds
    assert (b.max_pairs, b.week_pair, b.best, b.proven_optimum) == (15, 18, 18, 23)
    assert b.explain()[-1] == (
        "at least 23 repeats, the proven optimum (exhaustive search,"
        " benchmarks/prove_supper_club.py)"
    )
    assert plan.repeats == 23 and plan.gap == 0 and plan.quality == "optimal"
    # weights change the targets (the promising pair may meet twice): the table,
    # on plain repeats, is not used then; the gap is to 18 less that 1 repeat
    weighted = plan_seating(
        range(15), [5, 5, 5], 4, weights={(0, 1): 1.0}, seed=1, max_iterations=200
    )
    assert weighted.bounds.proven_optimum == 23
    assert weighted.gap == weighted.repeats_over_target - (18 - 1)
