"""score_tie beyond the vectors: statuses, bad input, explanations, properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunbar.errors import ValidationError
from dunbar.model import Channel
from dunbar.strength import COMPONENTS, Episode, StrengthParams, score_tie
from dunbar.strength.params import ComponentWeights

NOW = dt.date(2025, 1, 1)


def ago(days: int) -> dt.date:
    return NOW - dt.timedelta(days=days)


# --- statuses (MODEL.md §1.2, "Missing data") -------------------------------------------


def test_nothing_known_is_unknown_not_weak() -> None:
    tie = score_tie([], now=NOW)
    assert (tie.score, tie.status, dict(tie.parts)) == (None, "unknown", {})
    assert tie.explain() == ["nothing to go on yet: no contact logged and no closeness declared"]


def test_first_known_alone_is_still_unknown() -> None:
    tie = score_tie([], now=NOW, first_known=dt.date(2020, 1, 1))
    assert tie.score is None and tie.status == "unknown"
    assert "duration" in tie.parts  # reported, but not turned into a score
    assert "known for 5 years" in tie.explain()


def test_closeness_alone_is_declared_only() -> None:
    tie = score_tie([], now=NOW, closeness=4)
    assert tie.status == "declared-only"
    assert tie.score == pytest.approx(0.5)


def test_zero_weights_everywhere_present_gives_unknown() -> None:
    params = StrengthParams(weights=ComponentWeights(closeness=0))
    assert score_tie([], now=NOW, closeness=7, params=params).status == "unknown"


# --- bad input at the boundary -----------------------------------------------------------


@pytest.mark.parametrize("q", [0, 8, -1, 3.5, True, "5"])
def test_closeness_outside_1_to_7_is_rejected(q: object) -> None:
    with pytest.raises(ValidationError, match="closeness"):
        score_tie([], now=NOW, closeness=q)  # type: ignore[arg-type]


def test_episode_in_the_future_is_rejected() -> None:
    with pytest.raises(ValidationError, match="future"):
        score_tie([Episode(NOW + dt.timedelta(days=1))], now=NOW)


def test_first_known_after_now_is_rejected() -> None:
    with pytest.raises(ValidationError, match="first_known"):
        score_tie([], now=NOW, first_known=dt.date(2025, 1, 2), closeness=3)


def test_negative_minutes_are_rejected() -> None:
    with pytest.raises(ValidationError, match="minutes"):
        score_tie([Episode(ago(1), minutes=-5)], now=NOW)


# --- duration (MODEL.md §9) ---------------------------------------------------------------


def test_known_minutes_never_count_more_than_unknown() -> None:
    unknown = score_tie([Episode(ago(3))], now=NOW)
    for minutes in (0, 0.1, 1, 60, 600):
        known = score_tie([Episode(ago(3), minutes=minutes)], now=NOW)
        assert known.score is not None and unknown.score is not None
        assert known.score <= unknown.score


def test_a_fleeting_contact_counts_less_than_a_real_one() -> None:
    brush = score_tie([Episode(ago(3), minutes=1 / 3)], now=NOW)
    chat = score_tie([Episode(ago(3), minutes=20)], now=NOW)
    assert brush.score is not None and chat.score is not None
    assert brush.score < chat.score
    assert brush.parts["recency"] < chat.parts["recency"] < 1


def test_explain_mentions_known_lengths_and_fleeting_contacts() -> None:
    tie = score_tie([Episode(ago(3), minutes=45)], now=NOW)
    assert "last in-person meeting 3 days ago (45 minutes)" in tie.explain()
    brushes = [Episode(ago(d), minutes=0.2) for d in range(1, 60)]
    lines = score_tie(brushes, now=NOW, closeness=7).explain()
    assert "last in-person meeting yesterday (under a minute)" in lines
    assert lines[-1].endswith("the latest contacts were fleeting (under a minute)")


def test_time_in_a_crowd_counts_less() -> None:
    alone = score_tie([Episode(ago(3), minutes=1)], now=NOW)
    crowd = score_tie([Episode(ago(3), minutes=1, group=16)], now=NOW)
    assert alone.score is not None and crowd.score is not None
    assert crowd.score < alone.score


# --- explanations ----------------------------------------------------------------------------


def test_explain_reads_like_the_issue() -> None:
    # The three sentences the issue quotes, from an input built to produce them.
    eps = [Episode(ago(94), "in_person", "out")]
    eps += [Episode(ago(100 + 7 * k), "message", "out") for k in range(10)]
    eps += [Episode(ago(200), "call", "in")]
    tie = score_tie(eps, now=NOW, first_known=dt.date(2018, 6, 1))
    lines = tie.explain()
    assert "last in-person meeting 94 days ago" in lines
    assert "you reached out 11 of the last 12 times" in lines
    assert "known for 6 years" in lines


def test_explain_names_the_weakest_part() -> None:
    # T3 of MODEL.md §1.3: three years without contact.
    eps = [Episode(ago(1115 + 14 * k), "email", "out" if k % 2 == 0 else "in") for k in range(40)]
    tie = score_tie(eps, now=NOW, first_known=dt.date(2012, 6, 1), closeness=5)
    assert tie.weakest == "recency"
    assert tie.explain()[-1].startswith("weakest part: recency")
    assert "no real contact for 3 years" in tie.explain()[-1]


def test_a_strong_tie_has_no_weakest_part_worth_naming() -> None:
    eps = [Episode(ago(2 + 7 * k), "in_person", "out" if k % 2 == 0 else "in") for k in range(52)]
    tie = score_tie(eps, now=NOW, first_known=dt.date(2015, 1, 1), closeness=7)
    assert tie.weakest is None
    assert not any(line.startswith("weakest part") for line in tie.explain())


def test_declared_only_says_so() -> None:
    tie = score_tie([], now=NOW, first_known=dt.date(2020, 1, 1), closeness=6)
    assert tie.explain()[0] == "no contact logged: the score rests on what you declared"


# --- properties --------------------------------------------------------------------------------

episodes = st.lists(
    st.builds(
        Episode,
        when=st.integers(0, 5000).map(ago),
        channel=st.sampled_from(list(Channel)),
        direction=st.sampled_from(["out", "in", None]),
        minutes=st.none() | st.floats(0, 1000),
        group=st.none() | st.floats(1, 50),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(episodes, st.none() | st.integers(1, 7), st.none() | st.integers(0, 20000))
def test_score_and_parts_lie_in_the_unit_interval(
    eps: list[Episode], q: int | None, known_days: int | None
) -> None:
    first = None if known_days is None else ago(known_days)
    tie = score_tie(eps, now=NOW, closeness=q, first_known=first)
    assert list(tie.parts) == [c for c in COMPONENTS if c in tie.parts]
    for value in tie.parts.values():
        assert 0 <= value <= 1
    if tie.score is not None:
        assert 0 <= tie.score <= 1
        assert tie.status in ("scored", "declared-only")
    assert isinstance(tie.explain(), list)


@settings(max_examples=100, deadline=None)
@given(episodes)
def test_order_and_duplicates_do_not_matter(eps: list[Episode]) -> None:
    once = score_tie(eps, now=NOW)
    again = score_tie(list(reversed(eps)) + [e for e in eps if e.minutes is None], now=NOW)
    assert once.score == again.score or (
        once.score is not None
        and again.score is not None
        and once.score == pytest.approx(again.score, abs=1e-12)
    )
