"""score_many agrees with score_tie (to 1e-9) and rejects the same bad input."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunbar.errors import ValidationError
from dunbar.model import Channel
from dunbar.strength import (
    COMPONENTS,
    Episode,
    StrengthParams,
    score_many,
    score_tie,
    to_arrays,
)

NOW = dt.date(2025, 1, 1)
TOL = 1e-9


def ago(days: int) -> dt.date:
    return NOW - dt.timedelta(days=days)


episode = st.builds(
    Episode,
    when=st.integers(0, 4000).map(ago),
    channel=st.sampled_from(list(Channel)),
    direction=st.sampled_from(["out", "in", None]),
    minutes=st.none() | st.just(0.0) | st.floats(0, 600),
    group=st.none() | st.floats(1, 40),
)
person = st.fixed_dictionaries(
    {
        "episodes": st.lists(episode, max_size=25),
        "closeness": st.none() | st.integers(1, 7),
        "first_known": st.none() | st.integers(0, 9000).map(ago),
    }
)
params_strategy = st.sampled_from(
    [
        StrengthParams(),
        StrengthParams(h_act=30, h_rec=365, duration_half_minutes=10, group_exponent=1),
    ]
)


def assert_agree(people: dict[int, dict[str, object]], params: StrengthParams) -> None:
    arrays = to_arrays({pid: p["episodes"] for pid, p in people.items()}, now=NOW)  # type: ignore[misc]
    ids = np.asarray(list(people), dtype=np.int64)
    first = [p["first_known"] for p in people.values()]
    batch = score_many(
        **arrays,
        now=NOW,
        people=ids,
        first_known=[-1 if f is None else f.toordinal() for f in first],  # type: ignore[attr-defined]
        closeness=[int(p["closeness"] or 0) for p in people.values()],  # type: ignore[call-overload]
        params=params,
    )
    assert list(batch.person) == list(ids)
    for i, (pid, p) in enumerate(people.items()):
        tie = score_tie(
            p["episodes"],  # type: ignore[arg-type]
            now=NOW,
            first_known=p["first_known"],  # type: ignore[arg-type]
            closeness=p["closeness"],  # type: ignore[arg-type]
            params=params,
        )
        row = batch.row(pid)
        assert row["status"] == tie.status
        if tie.score is None:
            assert row["score"] is None
        else:
            assert row["score"] == pytest.approx(tie.score, abs=TOL)
        assert set(row["parts"]) == set(tie.parts)
        for name, value in tie.parts.items():
            assert row["parts"][name] == pytest.approx(value, abs=TOL), name
        assert batch.episodes[i] == tie.episodes
        assert (batch.outbound[i], batch.inbound[i]) == (tie.outbound, tie.inbound)
        assert batch.last_episode_days[i] == (
            -1 if tie.last_episode_days is None else tie.last_episode_days
        )
        assert batch.last_contact_days[i] == (
            -1 if tie.last_contact_days is None else tie.last_contact_days
        )


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.integers(1, 10**9), person, max_size=12), params_strategy)
def test_batch_agrees_with_score_tie(
    people: dict[int, dict[str, object]], params: StrengthParams
) -> None:
    assert_agree(people, params)


def test_model_vectors_through_the_batch() -> None:
    people = {
        1: {
            "episodes": [
                Episode(ago(2 + 7 * k), "in_person", "out" if k % 2 == 0 else "in")
                for k in range(52)
            ],
            "closeness": 7,
            "first_known": dt.date(2015, 1, 1),
        },
        4: {"episodes": [], "closeness": 6, "first_known": dt.date(2020, 1, 1)},
        5: {
            "episodes": [Episode(ago(5 + 10 * k), "reaction", "in") for k in range(20)],
            "closeness": None,
            "first_known": None,
        },
        6: {
            "episodes": [Episode(ago(3), "message", "in")] * 30,
            "closeness": None,
            "first_known": None,
        },
        7: {"episodes": [], "closeness": None, "first_known": None},
    }
    assert_agree(people, StrengthParams())  # type: ignore[arg-type]


def test_people_default_to_those_with_episodes_in_id_order() -> None:
    arrays = to_arrays({9: [Episode(ago(1))], 3: [Episode(ago(2))]}, now=NOW)
    batch = score_many(**arrays, now=NOW)
    assert list(batch.person) == [3, 9]
    assert len(batch) == 2
    with pytest.raises(KeyError):
        batch.row(4)


def test_empty_input() -> None:
    empty = np.array([], dtype=np.int64)
    batch = score_many(empty, empty, empty, empty, now=NOW)
    assert len(batch) == 0
    batch = score_many(empty, empty, empty, empty, now=NOW, people=[1], closeness=[3])
    assert batch.row(1)["status"] == "declared-only"


def one(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "person": [1],
        "day": [NOW.toordinal() - 1],
        "channel": [0],
        "direction": [0],
        "minutes": [5.0],
        "group": [np.nan],
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"day": [NOW.toordinal() + 1]}, "future"),
        ({"minutes": [-1.0]}, "minutes"),
        ({"group": [0.5]}, "group"),
        ({"channel": [7]}, "channel"),
        ({"direction": [3]}, "direction"),
        ({"day": [1.5]}, "whole numbers"),
        ({"person": [1, 2]}, "same length"),
    ],
)
def test_bad_input_is_rejected(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        score_many(**one(**changes), now=NOW)  # type: ignore[arg-type]


def test_bad_people_arrays_are_rejected() -> None:
    with pytest.raises(ValidationError, match="missing from people"):
        score_many(**one(), now=NOW, people=[2])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="repeat"):
        score_many(**one(), now=NOW, people=[1, 1])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="closeness"):
        score_many(**one(), now=NOW, people=[1], closeness=[9])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="first_known"):
        score_many(**one(), now=NOW, people=[1], first_known=[NOW.toordinal() + 1])  # type: ignore[arg-type]


def test_parts_cover_all_components() -> None:
    batch = score_many(**one(), now=NOW)  # type: ignore[arg-type]
    assert list(batch.parts) == list(COMPONENTS)
    assert np.isnan(batch.parts["closeness"][0])


@settings(max_examples=100, deadline=None)
@given(person, params_strategy, st.integers(1, 30))
def test_score_history_agrees_with_score_tie_at_every_checkpoint(
    p: dict[str, object], params: StrengthParams, months: int
) -> None:
    # The person page's strength line: one pass over checkpoint-shifted copies of
    # the episodes must give, at each checkpoint, what score_tie gives on the
    # episodes up to that day (a first-known day after it ignored there).
    from dunbar.strength.batch import score_history
    from dunbar.strength.reconnect import monthly_checkpoints

    episodes: list[Episode] = p["episodes"]  # type: ignore[assignment]
    first: dt.date | None = p["first_known"]  # type: ignore[assignment]
    closeness: int | None = p["closeness"]  # type: ignore[assignment]
    checkpoints = list(reversed(monthly_checkpoints(NOW, months=months)))
    arrays = to_arrays({1: episodes}, now=NOW)
    got = score_history(
        arrays["day"],
        arrays["channel"],
        arrays["direction"],
        arrays["minutes"],
        arrays["group"],
        checkpoints=checkpoints,
        first_known=-1 if first is None else first.toordinal(),
        closeness=closeness or 0,
        params=params,
    )
    assert len(got) == len(checkpoints)
    for checkpoint, value in zip(checkpoints, got.tolist(), strict=True):
        tie = score_tie(
            [e for e in episodes if e.when <= checkpoint],
            now=checkpoint,
            first_known=first if first is not None and first <= checkpoint else None,
            closeness=closeness,
            params=params,
        )
        if tie.score is None:
            assert value != value, checkpoint  # NaN
        else:
            assert value == pytest.approx(tie.score, abs=TOL), checkpoint


def test_score_history_of_no_checkpoints_is_empty() -> None:
    from dunbar.strength.batch import score_history

    assert len(score_history([], [], [], checkpoints=[])) == 0


def test_score_history_rejects_columns_of_other_lengths() -> None:
    from dunbar.strength.batch import score_history

    with pytest.raises(ValidationError, match="same length"):
        score_history([NOW.toordinal()], [0, 1], [0], checkpoints=[NOW])
    with pytest.raises(ValidationError):  # an unknown channel code, as score_many says
        score_history([NOW.toordinal()], [99], [0], checkpoints=[NOW])
