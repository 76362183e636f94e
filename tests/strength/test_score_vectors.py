"""MODEL.md §1.3 test vectors T1–T6 and the §1.2 cadence table, to 1e-4.

Every expected number below is copied from MODEL.md (now = 2025-01-01). The
vectors log no minutes, so they also pin down that the §9 duration rule leaves
episodes of unknown length exactly as v1 counted them.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

import pytest

from dunbar.strength import Episode, StrengthParams, score_tie

NOW = dt.date(2025, 1, 1)
TOL = 1e-4


def ago(days: int) -> dt.date:
    return NOW - dt.timedelta(days=days)


def alternate(k: int) -> Literal["out", "in"]:
    return "out" if k % 2 == 0 else "in"


# MODEL.md §1.3, one row per case: (inputs, expected S, status, expected parts).
VECTORS = {
    "T1": (
        {
            "episodes": [Episode(ago(2 + 7 * k), "in_person", alternate(k)) for k in range(52)],
            "first_known": dt.date(2015, 1, 1),
            "closeness": 7,
        },
        0.9889,
        "scored",
        {
            "closeness": 1,
            "frequency": 0.9754,
            "recency": 0.9847,
            "richness": 1,
            "balance": 1,
            "duration": 0.9688,
        },
    ),
    "T2": (
        {
            "episodes": [Episode(ago(10 + 30 * k), "call", "out") for k in range(12)],
            "first_known": dt.date(2022, 1, 1),
        },
        0.6081,
        "scored",
        {
            "frequency": 0.4577,
            "recency": 0.9259,
            "richness": 0.7,
            "balance": 0.1429,
            "duration": 0.6468,
        },
    ),
    "T3": (
        {
            "episodes": [Episode(ago(1115 + 14 * k), "email", alternate(k)) for k in range(40)],
            "first_known": dt.date(2012, 6, 1),
            "closeness": 5,
        },
        0.4288,
        "scored",
        {
            "closeness": 0.6667,
            "frequency": 0.0002,
            "recency": 0.0002,
            "richness": 0.3,
            "balance": 1,
            "duration": 0.9873,
        },
    ),
    "T4": (
        {"episodes": [], "first_known": dt.date(2020, 1, 1), "closeness": 6},
        0.8309,
        "declared-only",
        {"closeness": 0.8333, "duration": 0.8236},
    ),
    "T5": (
        {"episodes": [Episode(ago(5 + 10 * k), "reaction", "in") for k in range(20)]},
        0.1658,
        "scored",
        {"frequency": 0.2345, "richness": 0.1, "balance": 0.0909, "duration": 0.169},
    ),
    "T6": (
        {"episodes": [Episode(ago(3), "message", "in")]},
        0.4634,
        "scored",
        {
            "frequency": 0.11,
            "recency": 0.9772,
            "richness": 0.4,
            "balance": 0.6667,
            "duration": 0.0028,
        },
    ),
    "T6 ×30": (
        {"episodes": [Episode(ago(3), "message", "in")] * 30},
        0.4634,
        "scored",
        {
            "frequency": 0.11,
            "recency": 0.9772,
            "richness": 0.4,
            "balance": 0.6667,
            "duration": 0.0028,
        },
    ),
}


@pytest.mark.parametrize("case", list(VECTORS))
def test_vector(case: str) -> None:
    inputs, expected_score, status, expected_parts = VECTORS[case]
    tie = score_tie(now=NOW, **inputs)  # type: ignore[arg-type]
    assert tie.status == status
    assert tie.score == pytest.approx(expected_score, abs=TOL)
    assert set(tie.parts) == set(expected_parts), "exactly the present components"
    for name, value in expected_parts.items():
        assert tie.parts[name] == pytest.approx(value, abs=TOL), name
    assert set(tie.weights) == set(expected_parts)


def test_t5_has_no_recency_because_reactions_do_not_count_as_contact() -> None:
    inputs = VECTORS["T5"][0]
    assert "recency" not in score_tie(now=NOW, **inputs).parts  # type: ignore[arg-type]


def test_default_weights_and_a_ref() -> None:
    # MODEL.md §1.2: K .30, R .20, F .20, C .10, B .10, D .10; A_ref 19.0534 at h = 90.
    p = StrengthParams()
    w = p.weights
    assert (w.closeness, w.recency, w.frequency, w.richness, w.balance, w.duration) == (
        0.3,
        0.2,
        0.2,
        0.1,
        0.1,
        0.1,
    )
    assert p.a_ref == pytest.approx(19.0534, abs=TOL)


# MODEL.md §1.2 cadence table: (cadence days, R when the next contact is due, peak F).
CADENCES = {
    "weekly": (7, 0.9475, 1.0),
    "monthly": (30, 0.7937, 0.5890),
    "6-monthly": (182, 0.2462, 0.2816),
    "yearly": (365, 0.0601, 0.2417),
}
HISTORY_DAYS = 40 * 365  # long enough for the geometric sums to converge below 1e-6


@pytest.mark.parametrize("name", list(CADENCES))
def test_cadence_recency_when_due(name: str) -> None:
    cadence, expected_r, _ = CADENCES[name]
    # The last meeting was one cadence ago: the next one is due today.
    eps = [Episode(ago(cadence * k), "in_person") for k in range(1, HISTORY_DAYS // cadence)]
    assert score_tie(eps, now=NOW).parts["recency"] == pytest.approx(expected_r, abs=TOL)


@pytest.mark.parametrize("name", list(CADENCES))
def test_cadence_peak_frequency(name: str) -> None:
    cadence, _, expected_f = CADENCES[name]
    # The peak comes right after a meeting, after a long steady history.
    eps = [Episode(ago(cadence * k), "in_person") for k in range(HISTORY_DAYS // cadence)]
    assert score_tie(eps, now=NOW).parts["frequency"] == pytest.approx(expected_f, abs=TOL)


def test_peak_frequency_closed_form() -> None:
    # F at the peak is ln(1 + 1/(1 − 2^(−c/h))) / ln(1 + A_ref); check against the loop.
    p = StrengthParams()
    for cadence, _, expected_f in CADENCES.values():
        peak = 1 / (1 - 2 ** (-cadence / p.h_act))
        assert min(1, math.log1p(peak) / math.log1p(p.a_ref)) == pytest.approx(expected_f, abs=TOL)
