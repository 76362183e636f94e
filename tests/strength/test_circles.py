"""Dunbar circles: MODEL.md §2 tests, pins, cadences and overdue."""

from __future__ import annotations

from collections import Counter

import pytest

from dunbar.strength import (
    LAYER_NAMES,
    StrengthParams,
    TieStrength,
    assign_circles,
    cadence_for,
    layer_ratios,
    members_by_layer,
)


def tie(
    score: float | None,
    *,
    last: int | None = 10,
    closeness: int | None = None,
    status: str | None = None,
) -> TieStrength:
    return TieStrength(
        score=score,
        status=status or ("unknown" if score is None else "scored"),
        parts={},
        weights={},
        closeness=closeness,
        last_episode_days=last,
        last_contact_days=last,
    )


def test_two_hundred_distinct_scores_fill_5_10_35_100_50() -> None:
    # MODEL.md §2, "Tests".
    ties = {pid: tie(1 - pid / 1000) for pid in range(200)}
    placements = assign_circles(ties)
    sizes = Counter(p.layer for p in placements.values())
    assert [sizes[layer] for layer in (5, 15, 50, 150, 500)] == [5, 10, 35, 100, 50]
    assert [p.rank for p in placements.values()] == list(range(1, 201))
    assert members_by_layer(placements)[5] == [0, 1, 2, 3, 4]


def test_cut_off_ratios() -> None:
    # MODEL.md §2: 3, 3.33, 3, 3.33, 3.
    ratios = layer_ratios(StrengthParams().circle_sizes)
    assert ratios == pytest.approx([3, 10 / 3, 3, 10 / 3, 3])
    assert LAYER_NAMES[150] == "active network"


def test_ranks_beyond_the_last_cut_off_have_no_layer() -> None:
    ties = {pid: tie(1 - pid / 10_000) for pid in range(1600)}
    placements = assign_circles(ties)
    assert placements[1499].layer == 1500 and placements[1500].layer is None
    assert placements[1500].rank == 1501


def test_equal_scores_go_to_the_most_recent_episode() -> None:
    ties = {"old": tie(0.5, last=300), "never": tie(0.5, last=None), "fresh": tie(0.5, last=2)}
    assert list(assign_circles(ties)) == ["fresh", "old", "never"]


def test_unknown_ties_are_not_ranked() -> None:
    placements = assign_circles({"a": tie(None), "b": tie(0.2)})
    assert placements["a"].rank is None and placements["a"].layer is None
    assert placements["b"].rank == 1 and placements["b"].layer == 5
    assert list(placements) == ["b", "a"]


def test_declared_only_members_are_marked() -> None:
    placements = assign_circles({"a": tie(0.8, status="declared-only", last=None)})
    assert placements["a"].declared_only and placements["a"].layer == 5


def test_a_pin_is_a_floor_that_pushes_the_lowest_out() -> None:
    ties = {pid: tie(1 - pid / 1000) for pid in range(20)}
    ties[19] = tie(0.001, closeness=7)  # ranks last, declared closest
    placements = assign_circles(ties)
    assert placements[19].layer == 5 and placements[19].pinned
    assert placements[19].rank == 20
    in_l5 = members_by_layer(placements)[5]
    assert in_l5 == [0, 1, 2, 3, 19]  # rank 5 moved out to L15
    assert placements[4].layer == 15 and not placements[4].pinned


def test_a_pinned_person_can_still_rank_inward() -> None:
    ties = {pid: tie(1 - pid / 1000) for pid in range(20)}
    ties[0] = tie(0.999, closeness=5)  # pinned to L50 at least, ranks first
    placements = assign_circles(ties)
    assert placements[0].layer == 5 and not placements[0].pinned


def test_more_pins_than_room_grow_the_layer() -> None:
    ties = {pid: tie(0.1, closeness=7) for pid in range(7)}
    placements = assign_circles(ties)
    assert all(p.layer == 5 for p in placements.values())


def test_cadence_kin_and_overdue() -> None:
    # MODEL.md §2: L5 7 d, L15 30 d, L50 182 d, L150 365 d; kin ×2; overdue = Δ_last/cadence.
    assert [cadence_for(s) for s in (5, 15, 50, 150, 500, 1500, None)] == [
        7,
        30,
        182,
        365,
        None,
        None,
        None,
    ]
    assert cadence_for(50, kin=True) == 364
    assert cadence_for(5, bridging=True) == 3.5
    ties = {
        "friend": tie(0.9, last=21),
        "sister": tie(0.8, last=21),
        "like-only": tie(0.7, last=None),
    }
    placements = assign_circles(ties, kin={"sister"})
    assert placements["friend"].overdue == pytest.approx(3.0)
    assert placements["sister"].overdue == pytest.approx(1.5)
    assert placements["sister"].kin and placements["sister"].cadence_days == 14
    assert placements["like-only"].overdue is None


def test_empty() -> None:
    assert assign_circles({}) == {}


# --- the numpy twin ----------------------------------------------------------------


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dunbar.strength.circles import assign_circles_batch  # noqa: E402

_one = st.tuples(
    st.none() | st.sampled_from([0.1, 0.2, 0.5, 0.9]) | st.floats(0, 1),
    st.none() | st.integers(0, 40),
    st.none() | st.integers(1, 7),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_one, max_size=60),
    st.sampled_from(
        [
            StrengthParams(),
            StrengthParams(
                circle_sizes=(2, 4, 9),
                cadence_days=(7, 30),
                closeness_pins=((7, 2), (6, 4), (5, 9)),
            ),
        ]
    ),
)
def test_the_batch_assigns_the_same_circles(
    rows: list[tuple[float | None, int | None, int | None, bool]], params: StrengthParams
) -> None:
    ties = {
        pid: TieStrength(
            score=s,
            status="unknown" if s is None else "scored",
            parts={},
            weights={},
            closeness=q,
            last_episode_days=last,
            last_contact_days=last,
        )
        for pid, (s, last, q, _) in enumerate(rows, start=1)
    }
    kin = [pid for pid, row in enumerate(rows, start=1) if row[3]]
    expected = assign_circles(ties, kin=kin, params=params)
    got = assign_circles_batch(
        list(ties),
        [float("nan") if t.score is None else t.score for t in ties.values()],
        [-1 if t.last_episode_days is None else t.last_episode_days for t in ties.values()],
        [-1 if t.last_contact_days is None else t.last_contact_days for t in ties.values()],
        [t.closeness or 0 for t in ties.values()],
        [pid in kin for pid in ties],
        params=params,
    )
    for i, pid in enumerate(ties):
        place = expected[pid]
        assert (got.rank[i] or None) == place.rank
        assert (got.layer[i] or None) == place.layer
        assert bool(got.pinned[i]) == place.pinned
        if place.cadence_days is None:
            assert got.cadence[i] != got.cadence[i]
        else:
            assert got.cadence[i] == place.cadence_days
        if place.overdue is None:
            assert got.overdue[i] != got.overdue[i]
        else:
            assert got.overdue[i] == pytest.approx(place.overdue)
