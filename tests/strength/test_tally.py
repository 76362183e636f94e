"""A Tally brought forward scores exactly like the episodes it sums (to 1e-9).

The reference is :func:`score_many`, itself held to :func:`score_tie` by
``test_batch.py``; the history peak is checked against the definition: the best
``score_tie`` at the end of each episode day, with only the episodes up to it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunbar.errors import ValidationError
from dunbar.model import Channel
from dunbar.strength import Episode, StrengthParams, score_many, score_tie, to_arrays
from dunbar.strength.batch import score_tally, tally_many
from dunbar.strength.episodes import calendar_day

THEN = dt.date(2025, 1, 1)
TOL = 1e-9


def ago(days: int) -> dt.date:
    return THEN - dt.timedelta(days=days)


episode = st.builds(
    Episode,
    when=st.integers(0, 3000).map(ago),
    channel=st.sampled_from(list(Channel)),
    direction=st.sampled_from(["out", "in", None]),
    minutes=st.none() | st.just(0.0) | st.floats(0, 600),
    group=st.none() | st.floats(1, 40),
)
person = st.fixed_dictionaries(
    {
        "episodes": st.lists(episode, max_size=20),
        "closeness": st.none() | st.integers(1, 7),
        "first_known": st.none() | st.integers(0, 6000).map(ago),
    }
)
params_strategy = st.sampled_from(
    [
        StrengthParams(),
        StrengthParams(h_act=30, h_rec=365, h_dur=100, duration_half_minutes=10),
    ]
)


def _inputs(people: dict[int, dict[str, object]]) -> dict[str, object]:
    arrays = to_arrays({pid: p["episodes"] for pid, p in people.items()}, now=THEN)  # type: ignore[misc]
    return {
        **arrays,
        "people": np.asarray(list(people), dtype=np.int64),
        "first_known": [
            -1 if p["first_known"] is None else p["first_known"].toordinal()  # type: ignore[attr-defined]
            for p in people.values()
        ],
        "closeness": [int(p["closeness"] or 0) for p in people.values()],  # type: ignore[call-overload]
    }


@settings(max_examples=120, deadline=None)
@given(
    st.dictionaries(st.integers(1, 10**6), person, max_size=10),
    st.integers(0, 2000),
    params_strategy,
)
def test_a_tally_brought_forward_equals_scoring_afresh(
    people: dict[int, dict[str, object]], later: int, params: StrengthParams
) -> None:
    inputs = _inputs(people)
    now = THEN + dt.timedelta(days=later)
    tally = tally_many(**inputs, now=THEN, params=params)  # type: ignore[arg-type]
    forward = score_tally(
        tally,
        now=now,
        first_known=inputs["first_known"],  # type: ignore[arg-type]
        closeness=inputs["closeness"],  # type: ignore[arg-type]
        params=params,
    )
    fresh = score_many(**inputs, now=now, params=params)  # type: ignore[arg-type]
    assert list(forward.person) == list(fresh.person)
    np.testing.assert_array_equal(forward.status, fresh.status)
    np.testing.assert_allclose(forward.score, fresh.score, atol=TOL, equal_nan=True)
    for name in fresh.parts:
        np.testing.assert_allclose(
            forward.parts[name], fresh.parts[name], atol=TOL, equal_nan=True, err_msg=name
        )
    for name in ("episodes", "outbound", "inbound", "last_episode_days", "last_contact_days"):
        np.testing.assert_array_equal(getattr(forward, name), getattr(fresh, name), err_msg=name)
    np.testing.assert_array_equal(forward.days_known, fresh.days_known)


def _peak_by_definition(p: dict[str, object], params: StrengthParams) -> float | None:
    episodes: list[Episode] = p["episodes"]  # type: ignore[assignment]
    days = sorted({calendar_day(e.when, now=THEN) for e in episodes})
    best: float | None = None
    for day in days:
        seen = [e for e in episodes if calendar_day(e.when, now=THEN) <= day]
        known = p["first_known"]
        if known is not None and known > day:  # type: ignore[operator]
            known = None
        s = score_tie(
            seen,
            now=day,
            first_known=known,  # type: ignore[arg-type]
            closeness=p["closeness"],  # type: ignore[arg-type]
            params=params,
        ).score
        if s is not None and (best is None or s > best):
            best = s
    return best


@settings(max_examples=120, deadline=None)
@given(st.dictionaries(st.integers(1, 10**6), person, max_size=8), params_strategy)
def test_the_history_peak_is_the_best_end_of_day_score(
    people: dict[int, dict[str, object]], params: StrengthParams
) -> None:
    tally = tally_many(**_inputs(people), now=THEN, params=params)  # type: ignore[arg-type]
    for i, (pid, p) in enumerate(people.items()):
        assert tally.person[i] == pid
        expected = _peak_by_definition(p, params)
        if expected is None:
            assert np.isnan(tally.peak[i])
        else:
            assert tally.peak[i] == pytest.approx(expected, abs=TOL)


def test_the_peak_of_a_faded_tie_is_its_old_strength() -> None:
    # MODEL.md §1.3 T3 (40 alternating emails, q = 5) scored 0.4288 on 2025-01-01,
    # 1,115 days after its last email; its history peak is far higher, which is
    # what makes it a dormant tie worth reviving (§3).
    t3 = [Episode(ago(1115 + 14 * k), "email", "out" if k % 2 == 0 else "in") for k in range(40)]
    people = {3: {"episodes": t3, "closeness": 5, "first_known": dt.date(2012, 6, 1)}}
    tally = tally_many(**_inputs(people), now=THEN)  # type: ignore[arg-type]
    now_score = score_tie(t3, now=THEN, first_known=dt.date(2012, 6, 1), closeness=5).score
    assert now_score == pytest.approx(0.4288, abs=1e-4)
    assert tally.peak[0] == pytest.approx(_peak_by_definition(people[3], StrengthParams()))  # type: ignore[arg-type]
    assert tally.peak[0] > 0.6


def test_a_tally_cannot_score_an_earlier_day() -> None:
    people = {1: {"episodes": [Episode(ago(3))], "closeness": None, "first_known": None}}
    inputs = _inputs(people)
    tally = tally_many(**inputs, now=THEN)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="earlier day"):
        score_tally(tally, now=THEN - dt.timedelta(days=1))


def test_an_empty_tally_scores_nobody() -> None:
    empty = np.array([], dtype=np.int64)
    tally = tally_many(empty, empty, empty, empty, now=THEN)
    assert len(score_tally(tally, now=THEN + dt.timedelta(days=5))) == 0


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.integers(1, 10**6), person, min_size=1, max_size=6), params_strategy)
def test_peak_many_equals_peak_score(
    people: dict[int, dict[str, object]], params: StrengthParams
) -> None:
    from dunbar.strength import peak_score
    from dunbar.strength.batch import peak_many

    inputs = _inputs(people)
    peaks = peak_many(**inputs, now=THEN, params=params)  # type: ignore[arg-type]
    for i, p in enumerate(people.values()):
        expected = peak_score(
            p["episodes"],  # type: ignore[arg-type]
            now=THEN,
            first_known=p["first_known"],  # type: ignore[arg-type]
            closeness=p["closeness"],  # type: ignore[arg-type]
            params=params,
        )
        if expected is None:
            assert np.isnan(peaks[i])
        else:
            assert peaks[i] == pytest.approx(expected, abs=TOL)


@settings(max_examples=80, deadline=None)
@given(
    st.dictionaries(st.integers(1, 10**6), person, min_size=1, max_size=6),
    st.integers(0, 500),
    params_strategy,
)
def test_peak12_from_a_tally_equals_peak_many(
    people: dict[int, dict[str, object]], later: int, params: StrengthParams
) -> None:
    from dunbar.strength.batch import peak12, peak_many

    inputs = _inputs(people)
    now = THEN + dt.timedelta(days=later)
    tally = tally_many(**inputs, now=THEN, params=params)  # type: ignore[arg-type]
    got = peak12(
        tally,
        now=now,
        first_known=inputs["first_known"],  # type: ignore[arg-type]
        closeness=inputs["closeness"],  # type: ignore[arg-type]
        params=params,
    )
    expected = peak_many(**inputs, now=now, params=params)  # type: ignore[arg-type]
    np.testing.assert_allclose(got, expected, atol=TOL, equal_nan=True)
