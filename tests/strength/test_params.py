"""StrengthParams: defaults from MODEL.md, JSON round trip, validation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dunbar.errors import ValidationError
from dunbar.strength import ChannelWeights, ComponentWeights, StrengthParams


def test_defaults_are_the_model_defaults() -> None:
    p = StrengthParams()
    # MODEL.md §1.2 channel table.
    assert p.channel_weights.as_tuple() == (1.0, 0.8, 0.7, 0.5, 0.4, 0.3, 0.1)
    assert (p.h_act, p.h_rec, p.h_dur) == (90, 90, 730)
    # MODEL.md §2 and §3.
    assert p.circle_sizes == (5, 15, 50, 150, 500, 1500)
    assert p.cadence_days == (7, 30, 182, 365)
    assert p.kin_cadence_factor == 2
    assert (p.dormancy_days, p.bridge_cadence_factor, p.overdue_cap) == (1095, 0.5, 3)


def test_json_round_trip_of_defaults() -> None:
    p = StrengthParams()
    assert StrengthParams.from_dict(json.loads(json.dumps(p.to_dict()))) == p


def test_missing_keys_keep_their_defaults() -> None:
    p = StrengthParams.from_dict({"weights": {"closeness": 0.5}})
    assert p.weights.closeness == 0.5 and p.weights.recency == 0.2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"weights": {"recency": -0.1}}, "weights.recency must not be negative"),
        ({"h_act": 0}, "h_act must be positive"),
        ({"h_dur": -730}, "h_dur must be positive"),
        ({"h_rec": "90"}, "h_rec must be a number"),
        ({"h_rec": float("nan")}, "h_rec must be finite"),
        ({"colour": "blue"}, "unknown key in strength parameters: colour"),
        ({"weights": {"warmth": 1}}, "unknown key in weights: warmth"),
        ({"channel_weights": {"fax": 0.2}}, "unknown key in channel_weights: fax"),
        ({"channel_weights": {"call": 1.5}}, r"channel_weights.call must lie in \[0, 1\]"),
        ({"dormancy_days": 100}, "dormancy_days must be at least 365"),
        ({"dormant_min_closeness": 9}, "dormant_min_closeness must lie in 1..7"),
        ({"circle_sizes": [5, 5, 50]}, "circle_sizes must be positive and strictly increasing"),
        ({"cadence_days": [7, 0]}, "cadence_days must be positive"),
        ({"closeness_pins": [[8, 5]]}, "closeness_pins"),
        ({"closeness_pins": [[7, 6]]}, "closeness_pins"),
        ([1, 2], "must be a mapping"),
    ],
)
def test_bad_parameters_are_rejected_with_a_clear_message(data: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        StrengthParams.from_dict(data)


def test_direct_construction_validates_too() -> None:
    with pytest.raises(ValidationError, match=r"weights\.balance"):
        ComponentWeights(balance=-1)
    with pytest.raises(ValidationError, match="group_exponent"):
        StrengthParams(group_exponent=-0.5)


def test_pins() -> None:
    p = StrengthParams()
    assert [p.pinned_size(q) for q in (None, 1, 4, 5, 6, 7)] == [None, None, None, 50, 15, 5]


unit = st.floats(0, 1, allow_nan=False)
positive = st.floats(0.01, 10_000, allow_nan=False)


@given(
    weights=st.builds(ComponentWeights, *[unit] * 6),
    channels=st.builds(ChannelWeights, *[unit] * 7),
    h_act=positive,
    h_rec=positive,
    h_dur=positive,
    half=positive,
    gamma=st.floats(0, 3),
    dormancy=st.integers(365, 10_000),
    sizes=st.lists(st.integers(1, 5000), min_size=1, max_size=8, unique=True).map(sorted),
)
def test_round_trip(
    weights: ComponentWeights,
    channels: ChannelWeights,
    h_act: float,
    h_rec: float,
    h_dur: float,
    half: float,
    gamma: float,
    dormancy: int,
    sizes: list[int],
) -> None:
    p = StrengthParams(
        weights=weights,
        channel_weights=channels,
        h_act=h_act,
        h_rec=h_rec,
        h_dur=h_dur,
        duration_half_minutes=half,
        group_exponent=gamma,
        dormancy_days=dormancy,
        circle_sizes=tuple(sizes),
        cadence_days=(7,) * min(len(sizes), 4),
        closeness_pins=((7, sizes[0]),),
    )
    assert StrengthParams.from_dict(json.loads(json.dumps(p.to_dict()))) == p
