"""Reverse networking: MODEL.md §7 tests and the counting rules."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from dunbar.errors import ValidationError
from dunbar.strength import (
    Episode,
    demand_breadth,
    evenness,
    inbound_share,
    initiative_counts,
    shannon_entropy,
    sought_ratio,
    value_profile,
)

NOW = dt.date(2025, 1, 1)


def test_inbound_share_of_the_model() -> None:
    # MODEL.md §7: i = 8, o = 2 → ι = 0.75.
    assert inbound_share(8, 2) == 0.75
    assert inbound_share(0, 0) == 0.5


def test_entropy_and_evenness_of_the_model() -> None:
    # MODEL.md §7: tags {6, 3, 1} → H 0.897946, evenness 0.817345.
    assert shannon_entropy([6, 3, 1]) == pytest.approx(0.897946, abs=1e-6)
    assert evenness([6, 3, 1]) == pytest.approx(0.817345, abs=1e-6)


def test_entropy_edge_cases() -> None:
    # MODEL.md §6: a single category gives H 0; counts [4, 3, 2, 1] give H 1.2799.
    assert shannon_entropy([5]) == 0 and evenness([5]) is None
    assert shannon_entropy([]) == 0
    assert shannon_entropy([4, 3, 2, 1]) == pytest.approx(1.2799, abs=1e-4)
    assert evenness([4, 3, 2, 1]) == pytest.approx(0.9232, abs=1e-4)
    assert shannon_entropy([2, 0, 2]) == pytest.approx(math.log(2))
    with pytest.raises(ValidationError):
        shannon_entropy([1, -1])


def test_sought_ratio() -> None:
    assert sought_ratio([(8, 2), (0, 10)]) == 0.4
    assert sought_ratio([]) is None
    with pytest.raises(ValidationError):
        sought_ratio([(-1, 2)])


def test_initiative_counts_use_episodes_in_the_window() -> None:
    eps = [Episode(NOW - dt.timedelta(days=d), "message", "in") for d in (1, 1, 1, 100, 400)]
    eps += [Episode(NOW - dt.timedelta(days=5), "call", "out")]
    assert initiative_counts(eps, now=NOW) == (2, 1)
    assert initiative_counts(eps, now=NOW, window_days=1000) == (3, 1)


def test_value_profile_and_breadth() -> None:
    profile = value_profile({"intro": 3, "advice": 6, "support": 1, "never": 0})
    assert list(profile.shares) == ["advice", "intro", "support"]
    assert profile.total == 10
    assert profile.evenness == pytest.approx(0.817345, abs=1e-6)
    assert (
        profile.explain()[0]
        == "people come to you most for advice (60%), intro (30%), support (10%)"
    )
    assert value_profile({}).explain() == ["nobody has asked you for anything yet that was tagged"]
    assert demand_breadth([1, 2, 2, 3]) == 3
