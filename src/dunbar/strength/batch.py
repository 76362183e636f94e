"""Score many ties at once: the vectorised twin of :func:`score_tie`.

:func:`score_many` takes flat arrays, one entry per raw episode (one person of
one encounter), and returns every person's score and parts as arrays. It applies
exactly the rules of :mod:`dunbar.strength.episodes` and
:mod:`dunbar.strength.score` — the dedup by (day, channel, direction), shared
minutes and the duration factor, all six parts — with numpy instead of a Python
loop per person, and agrees with :func:`score_tie` to 1e-9 (a Hypothesis test
holds it to that).

Codes
    ``channel``: the position in :class:`~dunbar.model.Channel` (``CHANNEL_CODES``:
    0 in_person, 1 video, 2 call, 3 event, 4 message, 5 email, 6 reaction).
    ``direction``: 0 none, 1 out, 2 in (``DIRECTION_CODES``). ``day``: the
    proleptic ordinal of the calendar day (``date.toordinal()``; use
    :func:`to_arrays` to get it with the same timezone rule as ``score_tie``).
    ``minutes`` and ``group``: NaN when unknown.

How: one ``np.unique`` over a packed int64 key (person, age, channel,
direction) does the dedup; because the key sorts by person then age, per-person
sums are ``np.bincount`` and per-person extremes are ``reduceat`` over
contiguous segments. Cost: one sort of the episodes, O(n log n).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt

from dunbar.errors import ValidationError
from dunbar.model import Channel
from dunbar.strength.episodes import Episode, _channel, _direction, calendar_day
from dunbar.strength.params import COMPONENTS, StrengthParams

__all__ = [
    "CHANNEL_CODES",
    "DIRECTION_CODES",
    "BatchScores",
    "EpisodeArrays",
    "score_many",
    "to_arrays",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CHANNEL_CODES: Mapping[Channel, int] = {c: i for i, c in enumerate(Channel)}
DIRECTION_CODES: Mapping[str | None, int] = {None: 0, "out": 1, "in": 2}
_REACTION = CHANNEL_CODES[Channel.REACTION]
_N_CHANNELS = len(CHANNEL_CODES)
STATUSES = ("unknown", "declared-only", "scored")


class EpisodeArrays(TypedDict):
    """Flat episode arrays, as :func:`to_arrays` makes and :func:`score_many` takes."""

    person: IntArray
    day: IntArray
    channel: IntArray
    direction: IntArray
    minutes: FloatArray
    group: FloatArray


@dataclass(frozen=True)
class BatchScores:
    """Scores of many ties; every array is aligned with ``person``.

    ``score`` and ``parts[c]`` are NaN where absent; ``status`` holds codes into
    ``STATUSES`` (0 unknown, 1 declared-only, 2 scored); day counts are −1
    where there is nothing to count.
    """

    person: IntArray
    score: FloatArray
    status: npt.NDArray[np.int8]
    parts: Mapping[str, FloatArray]
    weights: Mapping[str, float]
    episodes: IntArray
    outbound: IntArray
    inbound: IntArray
    last_episode_days: IntArray
    last_contact_days: IntArray
    days_known: IntArray

    def __len__(self) -> int:
        return len(self.person)

    def row(self, person_id: int) -> dict[str, Any]:
        """One person's result as plain values (status name, present parts only)."""
        hits = np.flatnonzero(self.person == person_id)
        if not len(hits):
            raise KeyError(person_id)
        i = int(hits[0])
        score = float(self.score[i])
        return {
            "score": None if np.isnan(score) else score,
            "status": STATUSES[int(self.status[i])],
            "parts": {c: float(v[i]) for c, v in self.parts.items() if not np.isnan(v[i])},
        }


def to_arrays(
    episodes: Mapping[int, Iterable[Episode]], *, now: dt.date | dt.datetime
) -> EpisodeArrays:
    """Flatten ``{person_id: episodes}`` into the arrays :func:`score_many` takes."""
    person: list[int] = []
    day: list[int] = []
    channel: list[int] = []
    direction: list[int] = []
    minutes: list[float] = []
    group: list[float] = []
    for pid, items in episodes.items():
        for ep in items:
            person.append(pid)
            day.append(calendar_day(ep.when, now=now).toordinal())
            channel.append(CHANNEL_CODES[_channel(ep.channel)])
            direction.append(DIRECTION_CODES[_direction(ep.direction)])
            minutes.append(np.nan if ep.minutes is None else float(ep.minutes))
            group.append(np.nan if ep.group is None else float(ep.group))
    return {
        "person": np.asarray(person, dtype=np.int64),
        "day": np.asarray(day, dtype=np.int64),
        "channel": np.asarray(channel, dtype=np.int64),
        "direction": np.asarray(direction, dtype=np.int64),
        "minutes": np.asarray(minutes, dtype=np.float64),
        "group": np.asarray(group, dtype=np.float64),
    }


def _ints(values: npt.ArrayLike, what: str) -> IntArray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValidationError(f"{what} must be a flat array", field=what)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValidationError(f"{what} must hold whole numbers", field=what)
    return array.astype(np.int64, copy=False)


def _floats(values: npt.ArrayLike | None, n: int, what: str) -> FloatArray:
    if values is None:
        return np.full(n, np.nan)
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (n,):
        raise ValidationError(f"{what} must have one entry per episode", field=what)
    return array


def _people_index(person: IntArray, people: npt.ArrayLike | None) -> tuple[IntArray, IntArray]:
    if people is None:
        ids, index = np.unique(person, return_inverse=True)
        return ids.astype(np.int64), index.astype(np.int64).reshape(-1)
    ids = _ints(people, "people")
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    if len(sorted_ids) > 1 and (np.diff(sorted_ids) == 0).any():
        raise ValidationError("people must not repeat", field="people")
    pos = np.searchsorted(sorted_ids, person)
    pos_clipped = np.minimum(pos, max(len(ids) - 1, 0))
    if len(person) and (not len(ids) or (sorted_ids[pos_clipped] != person).any()):
        raise ValidationError("an episode names a person missing from people", field="person")
    return ids, order[pos_clipped].astype(np.int64)


def _validate(
    age: IntArray, channel: IntArray, direction: IntArray, minutes: FloatArray, group: FloatArray
) -> None:
    if len(age) and age.min() < 0:
        raise ValidationError(f"{int((age < 0).sum())} episodes are in the future", field="day")
    if len(channel) and (channel.min() < 0 or channel.max() >= _N_CHANNELS):
        raise ValidationError(f"channel codes run from 0 to {_N_CHANNELS - 1}", field="channel")
    if len(direction) and (direction.min() < 0 or direction.max() > 2):
        raise ValidationError("direction codes are 0 (none), 1 (out), 2 (in)", field="direction")
    known = ~np.isnan(minutes)
    if (minutes[known] < 0).any() or np.isinf(minutes[known]).any():
        raise ValidationError("minutes must be zero or more", field="minutes")
    given = ~np.isnan(group)
    if (group[given] < 1).any() or np.isinf(group[given]).any():
        raise ValidationError(
            "group counts the people present besides me, at least 1", field="group"
        )


def score_many(
    person: npt.ArrayLike,
    day: npt.ArrayLike,
    channel: npt.ArrayLike,
    direction: npt.ArrayLike,
    minutes: npt.ArrayLike | None = None,
    group: npt.ArrayLike | None = None,
    *,
    now: dt.date | dt.datetime,
    people: npt.ArrayLike | None = None,
    first_known: npt.ArrayLike | None = None,
    closeness: npt.ArrayLike | None = None,
    params: StrengthParams | None = None,
) -> BatchScores:
    """Score every person's tie from flat episode arrays (codes in the module doc).

    ``people`` lists the people to score (default: those with episodes), which
    lets people with no episode be scored from ``first_known`` (day ordinals,
    −1 for none) and ``closeness`` (1..7, 0 for none), both aligned with
    ``people``. Raises :class:`~dunbar.errors.ValidationError` on the same bad
    input as :func:`score_tie`.
    """
    params = params or StrengthParams()
    now_day = now.date() if isinstance(now, dt.datetime) else now
    now_ord = now_day.toordinal()
    pid = _ints(person, "person")
    n = len(pid)
    day_arr, ch, dirn = _ints(day, "day"), _ints(channel, "channel"), _ints(direction, "direction")
    if not (len(day_arr) == len(ch) == len(dirn) == n):
        raise ValidationError("person, day, channel and direction must have the same length")
    mins, grp = _floats(minutes, n, "minutes"), _floats(group, n, "group")
    age = now_ord - day_arr
    _validate(age, ch, dirn, mins, grp)
    ids, pidx = _people_index(pid, people)
    n_people = len(ids)

    # Dedup by (person, age, channel, direction): one sort of a packed key.
    span = int(age.max()) + 1 if n else 1
    if n_people * span * _N_CHANNELS * 3 >= 2**62:
        raise ValidationError("too many people or too long a history to score at once")
    key = ((pidx * span + age) * _N_CHANNELS + ch) * 3 + dirn
    uniq, inverse = np.unique(key, return_inverse=True)
    inverse = inverse.reshape(-1)
    shared = mins / np.where(np.isnan(grp), 1.0, grp) ** params.group_exponent
    unknown = np.bincount(inverse, weights=np.isnan(shared), minlength=len(uniq)) > 0
    total = np.bincount(inverse, weights=np.nan_to_num(shared, nan=0.0), minlength=len(uniq))
    factor = np.where(unknown, 1.0, total / (total + params.duration_half_minutes))
    e_dir = uniq % 3
    e_ch = (uniq // 3) % _N_CHANNELS
    e_age = (uniq // (3 * _N_CHANNELS)) % span
    e_p = uniq // (3 * _N_CHANNELS * span)

    cw = np.asarray(params.channel_weights.as_tuple())[e_ch]
    decay = 2.0 ** (-e_age / params.h_act)
    activity = np.bincount(e_p, weights=cw * factor * decay, minlength=n_people)
    decay_sum = np.bincount(e_p, weights=decay, minlength=n_people)
    count = np.bincount(e_p, minlength=n_people).astype(np.int64)
    has = count > 0
    outbound = np.bincount(e_p, weights=e_dir == 1, minlength=n_people).astype(np.int64)
    inbound = np.bincount(e_p, weights=e_dir == 2, minlength=n_people).astype(np.int64)

    # Segments of each person's merged episodes (contiguous, ages ascending).
    starts = np.flatnonzero(np.r_[True, e_p[1:] != e_p[:-1]]) if len(uniq) else np.array([], int)
    seg_people = e_p[starts]
    contact = e_ch != _REACTION
    fresh = np.where(contact, factor * 2.0 ** (-e_age / params.h_rec), -1.0)
    big = np.iinfo(np.int64).max
    last_episode = np.full(n_people, -1, dtype=np.int64)
    last_contact = np.full(n_people, -1, dtype=np.int64)
    first_age = np.full(n_people, -1, dtype=np.int64)
    recency = np.full(n_people, np.nan)
    if len(uniq):
        last_episode[seg_people] = e_age[starts]
        ends = np.r_[starts[1:], len(uniq)] - 1
        first_age[seg_people] = e_age[ends]
        best = np.maximum.reduceat(fresh, starts)
        recency[seg_people] = np.where(best >= 0, best, np.nan)
        lc = np.minimum.reduceat(np.where(contact, e_age, big), starts)
        last_contact[seg_people] = np.where(lc == big, -1, lc)

    parts: dict[str, FloatArray] = {c: np.full(n_people, np.nan) for c in COMPONENTS}
    if closeness is not None:
        q = _ints(closeness, "closeness")
        if q.shape != (n_people,):
            raise ValidationError("closeness must be aligned with people", field="closeness")
        if ((q != 0) & ((q < 1) | (q > 7))).any():
            raise ValidationError("closeness must lie in 1..7 (0 for none)", field="closeness")
        parts["closeness"] = np.where(q > 0, (q - 1) / 6.0, np.nan)
    parts["recency"] = recency
    with np.errstate(invalid="ignore", divide="ignore"):
        parts["frequency"] = np.where(
            has, np.minimum(1.0, np.log1p(activity) / np.log1p(params.a_ref)), np.nan
        )
        parts["richness"] = np.where(has, activity / decay_sum, np.nan)
        share = (inbound + 1) / (inbound + outbound + 2)
        parts["balance"] = np.where(inbound + outbound > 0, 1.0 - np.abs(2.0 * share - 1.0), np.nan)
    days_known = first_age.copy()
    if first_known is not None:
        fk = _ints(first_known, "first_known")
        if fk.shape != (n_people,):
            raise ValidationError("first_known must be aligned with people", field="first_known")
        known_age = np.where(fk >= 0, now_ord - fk, -1)
        if ((fk >= 0) & (known_age < 0)).any():
            raise ValidationError("a first_known day is after now", field="first_known")
        days_known = np.maximum(days_known, known_age)
    parts["duration"] = np.where(
        days_known >= 0, 1.0 - 2.0 ** (-days_known.astype(np.float64) / params.h_dur), np.nan
    )

    weights = {c: params.weights.of(c) for c in COMPONENTS}
    numerator = np.zeros(n_people)
    denominator = np.zeros(n_people)
    for c in COMPONENTS:
        present = ~np.isnan(parts[c])
        numerator += np.where(present, weights[c] * np.nan_to_num(parts[c]), 0.0)
        denominator += np.where(present, weights[c], 0.0)
    status = np.where(has, 2, np.where(~np.isnan(parts["closeness"]), 1, 0)).astype(np.int8)
    status[denominator <= 0] = 0
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(status > 0, numerator / denominator, np.nan)
    return BatchScores(
        person=ids,
        score=score,
        status=status,
        parts=parts,
        weights=weights,
        episodes=count,
        outbound=outbound,
        inbound=inbound,
        last_episode_days=last_episode,
        last_contact_days=last_contact,
        days_known=days_known,
    )
