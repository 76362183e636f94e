"""The dedup rule, the duration rule and the time rules of dunbar.strength.episodes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dunbar.errors import ValidationError
from dunbar.model import Channel, Initiative
from dunbar.strength import Episode, day_episodes, duration_factor, score_tie

NOW = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)
PARIS = ZoneInfo("Europe/Paris")


def at(hour: int, day: int = 31, month: int = 12, year: int = 2024) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


# --- dedup: one episode per (calendar day, channel, direction) ---------------------------------


def test_thirty_messages_on_one_day_are_one_episode() -> None:
    # MODEL.md conventions; T6.
    merged = day_episodes([Episode(at(9), "message", "in")] * 30, now=NOW)
    assert len(merged) == 1 and merged[0].count == 30 and merged[0].factor == 1


def test_channel_and_direction_split_episodes() -> None:
    eps = [
        Episode(at(9), "message", "in"),
        Episode(at(10), "message", "out"),
        Episode(at(11), "call", "out"),
        Episode(at(12), "call", "out"),
    ]
    merged = day_episodes(eps, now=NOW)
    assert [(e.channel, e.direction, e.count) for e in merged] == [
        (Channel.CALL, "out", 2),
        (Channel.MESSAGE, "out", 1),
        (Channel.MESSAGE, "in", 1),
    ]


def test_minutes_of_one_day_add_up() -> None:
    merged = day_episodes([Episode(at(9), minutes=0.25), Episode(at(15), minutes=0.5)], now=NOW)
    assert merged[0].minutes == pytest.approx(0.75)
    assert merged[0].factor == pytest.approx(0.75 / (0.75 + 0.25))


def test_unknown_minutes_on_a_day_make_it_count_in_full() -> None:
    merged = day_episodes([Episode(at(9), minutes=0.1), Episode(at(15))], now=NOW)
    assert merged[0].minutes is None and merged[0].shared_minutes is None
    assert merged[0].factor == 1


def test_group_shares_the_minutes() -> None:
    merged = day_episodes([Episode(at(9), minutes=2, group=4), Episode(at(10), minutes=1)], now=NOW)
    assert merged[0].minutes == 3
    assert merged[0].shared_minutes == pytest.approx(2 / 4**0.5 + 1)
    assert merged[0].factor == pytest.approx(2 / (2 + 0.25))


# --- duration factor ------------------------------------------------------------------------------


def test_duration_factor_is_one_when_unknown_and_saturates_below_one() -> None:
    assert duration_factor(None) == 1
    assert duration_factor(0) == 0
    assert duration_factor(0.25) == pytest.approx(0.5)
    values = [duration_factor(m) for m in (0.1, 1, 5, 60, 600, 6000)]
    assert values == sorted(values) and all(v < 1 for v in values)
    assert duration_factor(600) == pytest.approx(1, abs=1e-3)


# --- channels and directions ----------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["in_person", "in-person", "In Person", Channel.IN_PERSON])
def test_channel_spellings(spelling: object) -> None:
    assert day_episodes([Episode(at(9), spelling)], now=NOW)[0].channel is Channel.IN_PERSON  # type: ignore[arg-type]


def test_unknown_channel_is_rejected() -> None:
    with pytest.raises(ValidationError, match="unknown channel 'fax'"):
        day_episodes([Episode(at(9), "fax")], now=NOW)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (Initiative.OUT, "out"),
        (Initiative.IN, "in"),
        (Initiative.MUTUAL, None),
        (Initiative.UNKNOWN, None),
        ("out", "out"),
        (None, None),
    ],
)
def test_directions(given: object, expected: str | None) -> None:
    assert day_episodes([Episode(at(9), direction=given)], now=NOW)[0].direction == expected  # type: ignore[arg-type]


def test_bad_direction_is_rejected() -> None:
    with pytest.raises(ValidationError, match="direction"):
        day_episodes([Episode(at(9), direction="sideways")], now=NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize("group", [0, 0.5, float("inf"), float("nan")])
def test_bad_group_is_rejected(group: float) -> None:
    with pytest.raises(ValidationError, match="group"):
        day_episodes([Episode(at(9), minutes=3, group=group)], now=NOW)


@pytest.mark.parametrize("minutes", [-1, -0.01, float("inf"), float("nan")])
def test_bad_minutes_are_rejected(minutes: float) -> None:
    with pytest.raises(ValidationError, match="minutes"):
        day_episodes([Episode(at(9), minutes=minutes)], now=NOW)


# --- time: days, future, naive and aware ----------------------------------------------------------


def test_ages_are_whole_calendar_days() -> None:
    merged = day_episodes([Episode(at(23, day=31)), Episode(at(0, day=31))], now=NOW)
    assert [e.age for e in merged] == [1]


def test_future_is_rejected_to_the_second() -> None:
    day_episodes([Episode(NOW)], now=NOW)  # exactly now is fine
    with pytest.raises(ValidationError, match="episode 2 is in the future"):
        day_episodes([Episode(NOW), Episode(NOW + dt.timedelta(seconds=1))], now=NOW)


def test_a_date_on_the_day_of_a_datetime_now_is_not_future() -> None:
    assert day_episodes([Episode(dt.date(2025, 1, 1))], now=NOW)[0].age == 0


def test_aware_times_take_the_day_in_nows_zone() -> None:
    # 23:30 UTC on 31 December is 00:30 on 1 January in Paris.
    late = dt.datetime(2024, 12, 31, 23, 30, tzinfo=dt.UTC)
    now_paris = dt.datetime(2025, 1, 1, 12, 0, tzinfo=PARIS)
    assert day_episodes([Episode(late)], now=now_paris)[0].age == 0
    assert day_episodes([Episode(late)], now=NOW)[0].age == 1


def test_naive_times_are_wall_clock_in_nows_zone() -> None:
    now_paris = dt.datetime(2025, 1, 1, 12, 0, tzinfo=PARIS)
    assert day_episodes([Episode(dt.datetime(2025, 1, 1, 11, 0))], now=now_paris)[0].age == 0
    with pytest.raises(ValidationError, match="future"):
        day_episodes([Episode(dt.datetime(2025, 1, 1, 13, 0))], now=now_paris)


def test_naive_now_reads_aware_times_in_utc() -> None:
    naive_now = dt.datetime(2025, 1, 1, 12, 0)
    inside = dt.datetime(2025, 1, 1, 12, 30, tzinfo=PARIS)  # 11:30 UTC
    assert day_episodes([Episode(inside)], now=naive_now)[0].age == 0
    with pytest.raises(ValidationError, match="future"):
        day_episodes([Episode(dt.datetime(2025, 1, 1, 12, 30, tzinfo=dt.UTC))], now=naive_now)


def test_date_now_compares_by_day() -> None:
    today = dt.date(2025, 1, 1)
    assert day_episodes([Episode(dt.datetime(2025, 1, 1, 23, 59))], now=today)[0].age == 0
    with pytest.raises(ValidationError, match="future"):
        day_episodes([Episode(dt.date(2025, 1, 2))], now=today)


def test_not_a_date_is_rejected() -> None:
    with pytest.raises(ValidationError):
        score_tie([Episode("2025-01-01")], now=NOW)  # type: ignore[arg-type]
