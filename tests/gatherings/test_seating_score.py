"""score_seating: a hand-made arrangement gets the planner's objective, bounds and quality."""

from __future__ import annotations

import pytest

from dunbar.errors import InfeasibleRulesError, ValidationError
from dunbar.gatherings import SeatingRules, plan_seating
from dunbar.gatherings.score import check_seating, score_seating


def test_a_plan_scores_as_the_planner_scored_it() -> None:
    weights = {(0, 1): 0.8, (2, 5): 0.4}
    history = {(0, 3): 1}
    attributes = {0: "Acme", 4: "Acme", 6: "Beta"}
    rules = SeatingRules(apart=[(1, 2)], hosts=[7])
    plan = plan_seating(
        range(10), [5, 5], 3, weights=weights, history=history, attributes=attributes,
        rules=rules, seed=3, time_limit=2,
    )  # fmt: skip
    scored = score_seating(
        plan.rounds, [5, 5], weights=weights, history=history, attributes=attributes, rules=rules
    )
    assert scored.valid
    assert scored.plan.objective == plan.objective
    got, want = scored.plan.bounds, plan.bounds
    assert (got.max_pairs, got.week_pair, got.best) == (want.max_pairs, want.week_pair, want.best)
    assert got.star == pytest.approx(want.star)
    assert (scored.plan.repeats, scored.plan.gap, scored.plan.quality) == (
        plan.repeats,
        plan.gap,
        plan.quality,
    )
    assert scored.plan.why(0, 0) == plan.why(0, 0)


def test_a_move_rescores_and_reports_what_it_breaks() -> None:
    plan = plan_seating(range(8), [4, 4], 1, seed=1)
    assert plan.quality == "optimal"
    moved = [[list(plan.rounds[0][0]), list(plan.rounds[0][1])]]
    person = moved[0][0].pop()
    moved[0][1].append(person)
    a, b = moved[0][1][0], moved[0][1][1]
    scored = score_seating(moved, [4, 4], rules=SeatingRules(apart=[(a, b)]))
    # 3 + 5 people: 3 + 10 = 13 pairs meet, not 12; one table over its seats; a rule broken
    assert scored.plan.objective.new_pairs == 13
    assert scored.problems == (
        "round 1, table 2: 5 people at 4 seats",
        f"{a} and {b} should sit apart (round 1)",
    )
    assert not scored.valid


def test_two_rounds_that_repeat_are_not_optimal() -> None:
    same = [[0, 1, 2], [3, 4, 5]]
    scored = score_seating([same, same], [3, 3])
    assert scored.plan.repeats == 6
    assert scored.plan.quality.startswith("within")
    assert scored.plan.objective.over_target == 6


def test_bad_arrangements_are_refused() -> None:
    with pytest.raises(ValidationError, match="round 2 does not seat every guest exactly once"):
        score_seating([[[0, 1], [2, 3]], [[0, 1], [2, 2]]], [2, 2])
    with pytest.raises(ValidationError, match="round 1 has 1 tables, not 2"):
        score_seating([[[0, 1, 2, 3]]], [2, 2])
    with pytest.raises(ValidationError, match="table size must be a whole number >= 2"):
        score_seating([[[0], [1]]], [1, 1])


def test_check_seating_raises_what_the_planner_would() -> None:
    with pytest.raises(ValidationError, match="5 guests, 4 seats"):
        check_seating(range(5), [2, 2], 1, None)
    with pytest.raises(ValidationError, match="table size"):
        check_seating(range(3), [1, 4], 1, None)
    with pytest.raises(InfeasibleRulesError, match="together"):
        check_seating(range(4), [2, 2], 1, SeatingRules(together=[(0, 1)], apart=[(0, 1)]))
    check_seating(range(4), [2, 2], 2, SeatingRules(apart=[(0, 1)]))
