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
from collections.abc import Iterable, Mapping, Sequence
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
    "Tally",
    "peak12",
    "score_history",
    "score_many",
    "score_tally",
    "tally_many",
    "to_arrays",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CHANNEL_CODES: Mapping[Channel, int] = {c: i for i, c in enumerate(Channel)}
DIRECTION_CODES: Mapping[str | None, int] = {None: 0, "out": 1, "in": 2}
_REACTION = CHANNEL_CODES[Channel.REACTION]
LN2 = float(np.log(2.0))
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


@dataclass(frozen=True)
class Tally:
    """Every person's episode sums as of one day: what a score is made of.

    A tally is *brought forward* exactly: every decayed sum only shrinks by a
    factor ``2^(−Δ/h)`` when ``Δ`` days pass without a new episode, and the day
    counts grow by ``Δ``. So a tally made today (and stored,
    :mod:`dunbar.store.tallies`) gives tomorrow's scores without reading a single
    episode again (:func:`score_tally`), as long as no episode was added since.

    Arrays are aligned with ``person``. ``recency`` is the best
    ``u·2^(−age/h_rec)`` over non-reaction episodes (NaN: none); day counts are
    −1 where there is nothing to count. ``peak`` is the highest score the tie
    reached at the end of any of its episode days (NaN without episodes), the
    "strong history" that makes a dormant tie worth reviving (MODEL.md §3).
    ``months[:, k − 1]`` is the score at the end of the k-th month before month
    ``months_base`` (a month index, ``year·12 + month − 1``: that of the day the
    tally was made), k = 1 … 12, NaN where there was none: the past checkpoints
    of S_peak12m (:func:`peak12`), which never change once they are past.
    """

    person: IntArray
    as_of: int | IntArray
    activity: FloatArray
    decay_sum: FloatArray
    recency: FloatArray
    count: IntArray
    outbound: IntArray
    inbound: IntArray
    last_episode: IntArray
    last_contact: IntArray
    first_age: IntArray
    peak: FloatArray
    months: FloatArray
    months_base: int | IntArray

    def __len__(self) -> int:
        return len(self.person)

    def at(self, day: int, params: StrengthParams) -> Tally:
        """This tally brought forward to ``day`` (a day ordinal, not before ``as_of``).

        ``as_of`` may be one day for all, or an array (each person's own).
        """
        delta = day - np.asarray(self.as_of, dtype=np.int64)
        if (delta < 0).any():
            latest = int(np.max(self.as_of))
            raise ValidationError(
                f"a tally as of {dt.date.fromordinal(latest)} cannot score an earlier day",
                field="now",
            )
        if not delta.any():
            return self
        act = 2.0 ** (-delta / params.h_act)

        def later(days: IntArray) -> IntArray:
            return np.where(days >= 0, days + delta, -1)

        return Tally(
            person=self.person,
            as_of=day,
            activity=self.activity * act,
            decay_sum=self.decay_sum * act,
            recency=self.recency * 2.0 ** (-delta / params.h_rec),
            count=self.count,
            outbound=self.outbound,
            inbound=self.inbound,
            last_episode=later(self.last_episode),
            last_contact=later(self.last_contact),
            first_age=later(self.first_age),
            peak=self.peak,
            months=self.months,
            months_base=self.months_base,
        )

    @staticmethod
    def join(tallies: Sequence[Tally]) -> Tally:
        """One tally of several people's (each keeps its ``as_of``), ordered by person."""
        if not tallies:
            raise ValidationError("nothing to join")
        person = np.concatenate([t.person for t in tallies])
        order = np.argsort(person, kind="stable")

        def cat(name: str) -> Any:
            parts = [
                np.broadcast_to(np.asarray(getattr(t, name), dtype=np.int64), (len(t),))
                if name in _PER_DAY
                else getattr(t, name)
                for t in tallies
            ]
            return np.concatenate(parts)[order]

        return Tally(person=person[order], **{name: cat(name) for name in TALLY_FIELDS})

    def take(self, index: npt.ArrayLike) -> Tally:
        """The rows at ``index``."""
        idx = np.asarray(index, dtype=np.int64)

        def pick(name: str) -> Any:
            value = getattr(self, name)
            return value if np.ndim(value) == 0 else np.asarray(value)[idx]

        return Tally(person=self.person[idx], **{name: pick(name) for name in TALLY_FIELDS})


_PER_DAY = ("as_of", "months_base")
TALLY_FIELDS = (
    "as_of",
    "activity",
    "decay_sum",
    "recency",
    "count",
    "outbound",
    "inbound",
    "last_episode",
    "last_contact",
    "first_age",
    "peak",
    "months",
    "months_base",
)
MONTHS = 12


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_end_of(index: int) -> dt.date:
    from dunbar.strength.reconnect import month_end

    return month_end(index // 12, index % 12 + 1)


def _merged(
    pidx: IntArray,
    age: IntArray,
    ch: IntArray,
    dirn: IntArray,
    mins: FloatArray,
    grp: FloatArray,
    n_people: int,
    params: StrengthParams,
) -> tuple[IntArray, IntArray, IntArray, IntArray, FloatArray]:
    """The dedup by (person, age, channel, direction), sorted by person then age.

    Returns each merged episode's person index, age, channel, direction and
    duration factor u.
    """
    span = int(age.max()) + 1 if len(age) else 1
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
    return e_p, e_age, e_ch, e_dir, factor


def _closeness_part(closeness: npt.ArrayLike | None, n_people: int) -> FloatArray:
    if closeness is None:
        return np.full(n_people, np.nan)
    q = _ints(closeness, "closeness")
    if q.shape != (n_people,):
        raise ValidationError("closeness must be aligned with people", field="closeness")
    if ((q != 0) & ((q < 1) | (q > 7))).any():
        raise ValidationError("closeness must lie in 1..7 (0 for none)", field="closeness")
    return np.where(q > 0, (q - 1) / 6.0, np.nan)


def _known_day(first_known: npt.ArrayLike | None, n_people: int, now_ord: int) -> IntArray:
    """``first_known`` as day ordinals (−1: none), checked against ``now``."""
    if first_known is None:
        return np.full(n_people, -1, dtype=np.int64)
    fk = _ints(first_known, "first_known")
    if fk.shape != (n_people,):
        raise ValidationError("first_known must be aligned with people", field="first_known")
    if ((fk >= 0) & (fk > now_ord)).any():
        raise ValidationError("a first_known day is after now", field="first_known")
    return fk


def _weighted(parts: Mapping[str, FloatArray], params: StrengthParams) -> FloatArray:
    """Σ w_c x_c / Σ_present w_c (NaN where no part is present or no weight)."""
    numerator = np.zeros_like(next(iter(parts.values())))
    denominator = np.zeros_like(numerator)
    for c in COMPONENTS:
        present = ~np.isnan(parts[c])
        w = params.weights.of(c)
        numerator += np.where(present, w * np.nan_to_num(parts[c]), 0.0)
        denominator += np.where(present, w, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def tally_many(
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
    with_peak: bool = True,
) -> Tally:
    """Every person's :class:`Tally` as of ``now`` (arguments as :func:`score_many`).

    ``first_known`` and ``closeness`` only enter the ``peak`` (all NaN with
    ``with_peak=False``, which skips its cost).
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
    k_part = _closeness_part(closeness, n_people)
    known = _known_day(first_known, n_people, now_ord)

    e_p, e_age, e_ch, e_dir, factor = _merged(pidx, age, ch, dirn, mins, grp, n_people, params)
    cw = np.asarray(params.channel_weights.as_tuple())[e_ch]
    contact = e_ch != _REACTION
    sums = _sums(e_p, e_age, cw * factor, contact, factor, e_dir, n_people, params)
    peak = np.full(n_people, np.nan)
    months = np.full((n_people, MONTHS), np.nan)
    if with_peak:
        # Month ends: the merged episodes up to each (merging is per day, so
        # filtering merged episodes by day equals merging the filtered ones).
        base = month_index(now_day)
        for k in range(1, MONTHS + 1):
            cut = _month_end_of(base - k)
            back = now_ord - cut.toordinal()
            sel = e_age >= back
            at_cut = Tally(
                person=ids,
                as_of=cut.toordinal(),
                **_sums(
                    e_p[sel],
                    e_age[sel] - back,
                    (cw * factor)[sel],
                    contact[sel],
                    factor[sel],
                    e_dir[sel],
                    n_people,
                    params,
                ),
                peak=peak,
                months=months,
                months_base=base,
            )
            months[:, k - 1] = score_tally(
                at_cut,
                now=cut,
                first_known=np.where(known > cut.toordinal(), -1, known),
                closeness=closeness,
                params=params,
            ).score
        peak = _history_peak(
            e_p,
            e_age,
            e_dir,
            cw * factor,
            np.where(contact, factor, -1.0),
            n_people,
            k_part,
            known,
            now_ord,
            params,
        )
    return Tally(
        person=ids,
        as_of=now_ord,
        **sums,
        peak=peak,
        months=months,
        months_base=month_index(now_day),
    )


def _sums(
    e_p: IntArray,
    e_age: IntArray,
    weight: FloatArray,
    contact: npt.NDArray[np.bool_],
    factor: FloatArray,
    e_dir: IntArray,
    n_people: int,
    params: StrengthParams,
) -> dict[str, Any]:
    """A Tally's sums from merged episodes sorted by person, then age."""
    decay = 2.0 ** (-e_age / params.h_act)
    activity = np.bincount(e_p, weights=weight * decay, minlength=n_people).astype(np.float64)
    decay_sum = np.bincount(e_p, weights=decay, minlength=n_people).astype(np.float64)
    count = np.bincount(e_p, minlength=n_people).astype(np.int64)
    outbound = np.bincount(e_p, weights=e_dir == 1, minlength=n_people).astype(np.int64)
    inbound = np.bincount(e_p, weights=e_dir == 2, minlength=n_people).astype(np.int64)
    # Segments of each person's merged episodes (contiguous, ages ascending).
    starts = np.flatnonzero(np.r_[True, e_p[1:] != e_p[:-1]]) if len(e_p) else np.array([], int)
    seg_people = e_p[starts]
    fresh = np.where(contact, factor * 2.0 ** (-e_age / params.h_rec), -1.0)
    big = np.iinfo(np.int64).max
    last_episode = np.full(n_people, -1, dtype=np.int64)
    last_contact = np.full(n_people, -1, dtype=np.int64)
    first_age = np.full(n_people, -1, dtype=np.int64)
    recency = np.full(n_people, np.nan)
    if len(e_p):
        last_episode[seg_people] = e_age[starts]
        ends = np.r_[starts[1:], len(e_p)] - 1
        first_age[seg_people] = e_age[ends]
        best = np.maximum.reduceat(fresh, starts)
        recency[seg_people] = np.where(best >= 0, best, np.nan)
        lc = np.minimum.reduceat(np.where(contact, e_age, big), starts)
        last_contact[seg_people] = np.where(lc == big, -1, lc)
    return {
        "activity": activity,
        "decay_sum": decay_sum,
        "recency": recency,
        "count": count,
        "outbound": outbound,
        "inbound": inbound,
        "last_episode": last_episode,
        "last_contact": last_contact,
        "first_age": first_age,
    }


def _segment_accumulate(
    ufunc: np.ufunc, values: FloatArray, starts: IntArray, lengths: IntArray, fill: float
) -> FloatArray:
    """``ufunc.accumulate`` within each segment (contiguous runs at ``starts``).

    Exact per segment: segments of similar length (by powers of two) are laid
    out as the rows of one padded matrix, and the matrix is accumulated along its
    rows, so no segment's values ever mix with another's (a flat cumulative sum
    minus its value before the segment would lose the small values of a later
    segment to a large total of an earlier one). Padding (``fill``) is the
    identity of ``ufunc`` and comes after each row's values. Memory: at most
    twice the values.
    """
    out = np.empty_like(values)
    if not len(values):
        return out
    size_class = np.ceil(np.log2(np.maximum(lengths, 1))).astype(np.int64)
    for cls in np.unique(size_class):
        segments = np.flatnonzero(size_class == cls)
        width = int(lengths[segments].max())
        columns = np.arange(width)
        valid = columns[None, :] < lengths[segments][:, None]
        index = np.where(valid, starts[segments][:, None] + columns[None, :], 0)
        matrix = np.where(valid, values[index], fill)
        out[index[valid]] = ufunc.accumulate(matrix, axis=1)[valid]
    return out


def _history_peak(
    e_p: IntArray,
    e_age: IntArray,
    e_dir: IntArray,
    weight: FloatArray,
    contact_factor: FloatArray,
    n_people: int,
    k_part: FloatArray,
    known: IntArray,
    now_ord: int,
    params: StrengthParams,
) -> FloatArray:
    """The highest score each tie had at the end of one of its episode days.

    The merged episodes come sorted by person, then age (newest first); here
    they are walked oldest first, and every sum of :func:`score_tie` is kept
    as a running sum within each person. Decays are factored: for the episodes
    up to day ``d``, ``Σ x_l·2^(−(d−d_l)/h) = 2^(−(d−b)/h)·Σ x_l·2^((d_l−b)/h)``
    with ``b`` the person's first day, so one running sum serves every day; it
    is kept in logs (``np.logaddexp``), where decades of history at a short
    half-life cannot overflow.
    """
    peak = np.full(n_people, np.nan)
    if not len(e_p):
        return peak
    # Oldest first within each person (persons stay in ascending order).
    order = np.lexsort((-e_age, e_p))
    p, age, dirn = e_p[order], e_age[order], e_dir[order]
    w, cf = weight[order], contact_factor[order]
    day = now_ord - age
    starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])
    lengths = np.diff(np.r_[starts, len(p)])
    base = np.repeat(day[starts], lengths)
    since = (day - base).astype(np.float64)  # days since the person's first episode

    def running(log_values: FloatArray, ufunc: np.ufunc, half_life: float) -> FloatArray:
        # Σ (or max) of x_l·2^(−(d−d_l)/h) over l ≤ j, in logs: accumulate
        # ln x_l + (d_l−b)·ln2/h, then subtract (d_j−b)·ln2/h. Logs never overflow.
        rate = LN2 / half_life
        grown = _segment_accumulate(ufunc, log_values + since * rate, starts, lengths, -np.inf)
        result: FloatArray = np.exp(grown - since * rate)
        return result

    with np.errstate(divide="ignore"):
        log_w = np.log(w)
        log_contact = np.where(cf >= 0, np.log(np.maximum(cf, 0.0)), -np.inf)
    activity = running(log_w, np.logaddexp, params.h_act)
    decay_sum = running(np.zeros(len(p)), np.logaddexp, params.h_act)
    contacts = _segment_accumulate(np.add, (cf >= 0).astype(np.float64), starts, lengths, 0.0)
    recency = np.where(contacts > 0, running(log_contact, np.maximum, params.h_rec), np.nan)
    outbound = _segment_accumulate(np.add, (dirn == 1).astype(np.float64), starts, lengths, 0.0)
    inbound = _segment_accumulate(np.add, (dirn == 2).astype(np.float64), starts, lengths, 0.0)
    first = (
        base if not len(known) else np.where((known[p] >= 0) & (known[p] < base), known[p], base)
    )
    days_known = (day - first).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (inbound + 1) / (inbound + outbound + 2)
        parts = {
            "closeness": k_part[p],
            "recency": recency,
            "frequency": np.minimum(1.0, np.log1p(activity) / np.log1p(params.a_ref)),
            "richness": activity / decay_sum,
            "balance": np.where(inbound + outbound > 0, 1.0 - np.abs(2.0 * share - 1.0), np.nan),
            "duration": 1.0 - 2.0 ** (-days_known / params.h_dur),
        }
    score = _weighted(parts, params)
    # Only the end of each day counts: the last merged episode of each (person, day).
    last_of_day = np.r_[(p[1:] != p[:-1]) | (day[1:] != day[:-1]), True]
    score = np.where(last_of_day, np.nan_to_num(score, nan=-1.0), -1.0)
    best_score = np.maximum.reduceat(score, starts)
    peak[p[starts]] = np.where(best_score >= 0, best_score, np.nan)
    return peak


def score_tally(
    tally: Tally,
    *,
    now: dt.date | dt.datetime,
    first_known: npt.ArrayLike | None = None,
    closeness: npt.ArrayLike | None = None,
    params: StrengthParams | None = None,
) -> BatchScores:
    """Scores at ``now`` (not before the tally's day) from a :class:`Tally`.

    ``first_known`` and ``closeness`` are aligned with ``tally.person``; the
    result equals :func:`score_many` on the same episodes (to rounding).
    """
    params = params or StrengthParams()
    now_day = now.date() if isinstance(now, dt.datetime) else now
    now_ord = now_day.toordinal()
    t = tally.at(now_ord, params)
    n_people = len(t)
    has = t.count > 0
    parts: dict[str, FloatArray] = {c: np.full(n_people, np.nan) for c in COMPONENTS}
    parts["closeness"] = _closeness_part(closeness, n_people)
    parts["recency"] = t.recency
    with np.errstate(invalid="ignore", divide="ignore"):
        parts["frequency"] = np.where(
            has, np.minimum(1.0, np.log1p(t.activity) / np.log1p(params.a_ref)), np.nan
        )
        parts["richness"] = np.where(has, t.activity / t.decay_sum, np.nan)
        share = (t.inbound + 1) / (t.inbound + t.outbound + 2)
        parts["balance"] = np.where(
            t.inbound + t.outbound > 0, 1.0 - np.abs(2.0 * share - 1.0), np.nan
        )
    known = _known_day(first_known, n_people, now_ord)
    days_known = np.maximum(t.first_age, np.where(known >= 0, now_ord - known, -1))
    parts["duration"] = np.where(
        days_known >= 0, 1.0 - 2.0 ** (-days_known.astype(np.float64) / params.h_dur), np.nan
    )
    weights = {c: params.weights.of(c) for c in COMPONENTS}
    weighted = _weighted(parts, params) if n_people else np.zeros(0)
    status = np.where(has, 2, np.where(~np.isnan(parts["closeness"]), 1, 0)).astype(np.int8)
    status[np.isnan(weighted)] = 0
    score = np.where(status > 0, weighted, np.nan)
    return BatchScores(
        person=t.person,
        score=score,
        status=status,
        parts=parts,
        weights=weights,
        episodes=t.count,
        outbound=t.outbound,
        inbound=t.inbound,
        last_episode_days=t.last_episode,
        last_contact_days=t.last_contact,
        days_known=days_known,
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
    tally = tally_many(
        person,
        day,
        channel,
        direction,
        minutes,
        group,
        now=now,
        people=people,
        first_known=first_known,
        closeness=closeness,
        params=params,
        with_peak=False,
    )
    return score_tally(tally, now=now, first_known=first_known, closeness=closeness, params=params)


def peak_many(
    person: npt.ArrayLike,
    day: npt.ArrayLike,
    channel: npt.ArrayLike,
    direction: npt.ArrayLike,
    minutes: npt.ArrayLike | None = None,
    group: npt.ArrayLike | None = None,
    *,
    now: dt.date | dt.datetime,
    people: npt.ArrayLike,
    first_known: npt.ArrayLike | None = None,
    closeness: npt.ArrayLike | None = None,
    months: int = 12,
    params: StrengthParams | None = None,
) -> FloatArray:
    """S_peak12m of each of ``people``: the vectorised twin of
    :func:`~dunbar.strength.reconnect.peak_score` (same monthly checkpoints, the
    episodes up to each, a first-known day after a checkpoint ignored there).

    NaN where no checkpoint has a score. One :func:`score_many` per checkpoint.
    """
    from dunbar.strength.reconnect import monthly_checkpoints

    ids = _ints(people, "people")
    pid = _ints(person, "person")
    days = _ints(day, "day")
    arrays = _columns(channel, direction, minutes, group, len(pid))
    known = None if first_known is None else _ints(first_known, "first_known")
    best = np.full(len(ids), np.nan)
    for checkpoint in monthly_checkpoints(now, months=months):
        cut = checkpoint.toordinal()
        keep = days <= cut
        fk = None if known is None else np.where(known > cut, -1, known)
        scores = score_many(
            pid[keep],
            days[keep],
            **{k: v[keep] for k, v in arrays.items()},
            now=checkpoint,
            people=ids,
            first_known=fk,
            closeness=closeness,
            params=params,
        ).score
        best = np.fmax(best, scores)
    return best


def _columns(
    channel: npt.ArrayLike,
    direction: npt.ArrayLike,
    minutes: npt.ArrayLike | None,
    group: npt.ArrayLike | None,
    n: int,
) -> dict[str, Any]:
    """The episode columns besides person and day, checked, to be filtered together."""
    return {
        "channel": _ints(channel, "channel"),
        "direction": _ints(direction, "direction"),
        "minutes": _floats(minutes, n, "minutes"),
        "group": _floats(group, n, "group"),
    }


def score_history(
    day: npt.ArrayLike,
    channel: npt.ArrayLike,
    direction: npt.ArrayLike,
    minutes: npt.ArrayLike | None = None,
    group: npt.ArrayLike | None = None,
    *,
    checkpoints: Sequence[dt.date],
    first_known: int = -1,
    closeness: int = 0,
    params: StrengthParams | None = None,
) -> FloatArray:
    """One tie's score at each of ``checkpoints``, each counting only the episodes up to it.

    The arrays are one person's episodes (codes as in :func:`score_many`);
    ``first_known`` is a day ordinal (−1: none; ignored at a checkpoint before
    it), ``closeness`` 1..7 (0: none). Equal, to rounding, to one
    :func:`score_many` per checkpoint, in a single pass: every part of a score
    depends on days only through ``now − day``, so each checkpoint's episodes
    are moved forward to end on the latest checkpoint and scored as a person of
    their own. NaN where there is nothing to score by.
    """
    if not checkpoints:
        return np.zeros(0)
    days = _ints(day, "day")
    arrays = _columns(channel, direction, minutes, group, len(days))
    if not len(arrays["channel"]) == len(arrays["direction"]) == len(days):
        raise ValidationError("day, channel and direction must have the same length")
    cuts = np.asarray([c.toordinal() for c in checkpoints], dtype=np.int64)
    latest = int(cuts.max())
    keep = days[None, :] <= cuts[:, None]  # checkpoint × episode
    who, which = np.nonzero(keep)
    shift = latest - cuts  # moves checkpoint k onto the latest one
    known = np.where((first_known >= 0) & (first_known <= cuts), first_known + shift, -1)
    return score_many(
        who,
        days[which] + shift[who],
        **{k: v[which] for k, v in arrays.items()},
        now=dt.date.fromordinal(latest),
        people=np.arange(len(cuts)),
        first_known=known,
        closeness=np.full(len(cuts), closeness, dtype=np.int64),
        params=params,
    ).score


def peak12(
    tally: Tally,
    *,
    now: dt.date | dt.datetime,
    first_known: npt.ArrayLike | None = None,
    closeness: npt.ArrayLike | None = None,
    params: StrengthParams | None = None,
) -> FloatArray:
    """S_peak12m of everyone in ``tally``, without reading an episode.

    The checkpoints are today and the ends of the 11 months before
    (:func:`~dunbar.strength.reconnect.monthly_checkpoints`). Today's score and
    those of month ends after the tally was made come from the tally brought
    forward (exact: no episode was added since, or the tally would have been
    dropped); earlier month ends were stored with it (``months``). Equal to
    :func:`peak_many` on the same episodes (a Hypothesis test holds it to that).
    """
    params = params or StrengthParams()
    day = now.date() if isinstance(now, dt.datetime) else now
    n = len(tally)
    known = None if first_known is None else _ints(first_known, "first_known")
    best = score_tally(
        tally, now=day, first_known=known, closeness=closeness, params=params
    ).score.copy()
    base = np.broadcast_to(np.asarray(tally.months_base, dtype=np.int64), (n,))
    close = None if closeness is None else _ints(closeness, "closeness")
    for back in range(1, MONTHS):
        target = month_index(day) - back
        k = base - target
        stored = (k >= 1) & (k <= MONTHS)
        values = np.full(n, np.nan)
        rows = np.flatnonzero(stored)
        values[rows] = tally.months[rows, k[rows] - 1]
        later = np.flatnonzero(k <= 0)
        if len(later):
            cut = _month_end_of(target)
            fk = (
                None
                if known is None
                else np.where(known[later] > cut.toordinal(), -1, known[later])
            )
            values[later] = score_tally(
                tally.take(later),
                now=cut,
                first_known=fk,
                closeness=None if close is None else close[later],
                params=params,
            ).score
        best = np.fmax(best, values)
    return best
