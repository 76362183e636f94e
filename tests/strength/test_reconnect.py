"""Fading and dormant queues: MODEL.md §3 test, priority, bridges, MMR."""

from __future__ import annotations

import datetime as dt

import pytest

from dunbar.errors import ValidationError
from dunbar.strength import (
    Episode,
    Placement,
    diversify,
    dormant_score,
    fading,
    is_dormant,
    monthly_checkpoints,
    peak_score,
    score_tie,
)

NOW = dt.date(2025, 1, 1)


def ago(days: int) -> dt.date:
    return NOW - dt.timedelta(days=days)


T1 = [Episode(ago(2 + 7 * k), "in_person", "out" if k % 2 == 0 else "in") for k in range(52)]
T3 = [Episode(ago(1115 + 14 * k), "email", "out" if k % 2 == 0 else "in") for k in range(40)]


# --- MODEL.md §3 "Test" ------------------------------------------------------------------------


def test_t3_qualifies_as_dormant_and_t1_does_not() -> None:
    t1 = score_tie(T1, now=NOW, first_known=dt.date(2015, 1, 1), closeness=7)
    t3 = score_tie(T3, now=NOW, first_known=dt.date(2012, 6, 1), closeness=5)
    assert is_dormant(t3)
    assert not is_dormant(t1)


def test_t3_dormant_score() -> None:
    # MODEL.md §3: J = 0, 1,115 days → Engagement 0.8, Novelty 0.7531, score 0.6025.
    t3 = score_tie(T3, now=NOW, first_known=dt.date(2012, 6, 1), closeness=5)
    assert t3.last_episode_days == 1115
    d = dormant_score(
        closeness=t3.closeness,
        balance=t3.parts["balance"],
        jaccard=0.0,
        days_dormant=t3.last_episode_days,
    )
    assert d.engagement == pytest.approx(0.8, abs=1e-4)
    assert d.novelty == pytest.approx(0.7531, abs=1e-4)
    assert d.score == pytest.approx(0.6025, abs=1e-4)
    assert "out of touch for 3.1 years" in d.explain()


def test_dormancy_needs_a_strong_history() -> None:
    weak = score_tie(T3, now=NOW, closeness=3)
    assert not is_dormant(weak)
    assert not is_dormant(weak, peak=0.39)
    assert is_dormant(weak, peak=0.4)


def test_dormant_score_falls_back_to_peak_and_needs_something() -> None:
    assert dormant_score(peak=0.5, days_dormant=0).k_hist == 0.5
    with pytest.raises(ValidationError, match="closeness or a peak"):
        dormant_score(days_dormant=10)
    with pytest.raises(ValidationError, match="jaccard"):
        dormant_score(closeness=5, jaccard=1.5, days_dormant=10)


# --- fading ---------------------------------------------------------------------------------------


def place(layer: int | None, days: int | None, score: float = 0.5, kin: bool = False) -> Placement:
    cadence = {5: 7.0, 15: 30.0, 50: 182.0, 150: 365.0}.get(layer or 0)
    return Placement(
        rank=1, layer=layer, score=score, kin=kin, cadence_days=cadence, days_since_contact=days
    )


def test_fading_priority_is_peak_times_capped_overdue() -> None:
    placements = {
        "due": place(15, 30),  # overdue 1.0
        "late": place(5, 70),  # overdue 10 → capped at 3
        "fine": place(50, 100),  # overdue 0.55
        "acquaintance": place(500, 5000),  # no cadence
        "never": place(5, None),
    }
    items = fading(placements, peaks={"due": 0.9, "late": 0.4})
    assert [i.key for i in items] == ["late", "due"]
    assert items[0].priority == pytest.approx(0.4 * 3)
    assert items[1].priority == pytest.approx(0.9 * 1.0)
    assert "10.0× overdue" in items[0].explain()


def test_bridging_ties_fade_twice_as_fast() -> None:
    placements = {"bridge": place(15, 20), "local": place(15, 20)}
    items = fading(placements, bridging={"bridge"})
    assert [i.key for i in items] == ["bridge"]
    assert items[0].overdue == pytest.approx(20 / 15)
    assert "a bridge" in items[0].explain()


def test_kin_have_a_longer_cadence_in_fading() -> None:
    assert fading({"mum": place(15, 45, kin=True)}) == []


# --- peak over 12 months ---------------------------------------------------------------


def test_monthly_checkpoints_clamp_to_month_end() -> None:
    points = monthly_checkpoints(dt.date(2025, 3, 31), months=4)
    assert points == [
        dt.date(2025, 3, 31),
        dt.date(2025, 2, 28),
        dt.date(2025, 1, 31),
        dt.date(2024, 12, 31),
    ]
    assert len(monthly_checkpoints(NOW)) == 12


def test_peak_score_finds_the_best_month() -> None:
    # Weekly meetings that stopped 200 days ago: today's S is low, the peak 11 months ago is high.
    eps = [Episode(ago(200 + 7 * k), "in_person") for k in range(100)]
    now_score = score_tie(eps, now=NOW).score
    peak = peak_score(eps, now=NOW)
    assert now_score is not None and peak is not None
    assert peak > now_score + 0.2
    by_hand = []
    for checkpoint in monthly_checkpoints(NOW):
        seen = [e for e in eps if e.when <= checkpoint]
        by_hand.append(score_tie(seen, now=checkpoint).score or 0.0)
    assert peak == max(by_hand)
    # 31 March 2024: the month end closest after one of the weekly meetings (30 March).
    assert by_hand.index(peak) == 10


def test_peak_score_with_aware_now_and_late_first_known() -> None:
    now = dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC)
    eps = [Episode(dt.datetime(2024, 12, 20, 8, tzinfo=dt.UTC), "call", "in")]
    assert peak_score(eps, now=now, first_known=dt.date(2024, 12, 1)) is not None
    assert peak_score([], now=now) is None


# --- diversify (MMR) -------------------------------------------------------------------


def test_diversify_spreads_clusters() -> None:
    items = [
        ("a1", 0.9, "A"),
        ("a2", 0.85, "A"),
        ("a3", 0.8, "A"),
        ("b1", 0.6, "B"),
        ("x", 0.5, None),
    ]
    out = diversify(items, score=lambda i: i[1], cluster=lambda i: i[2])
    assert [i[0] for i in out] == ["a1", "b1", "x", "a2", "a3"]
    same = diversify(items, score=lambda i: i[1], cluster=lambda i: i[2], trade_off=1)
    assert same == items
    with pytest.raises(ValidationError):
        diversify(items, score=lambda i: i[1], cluster=lambda i: i[2], trade_off=2)
