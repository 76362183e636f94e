"""Tie strength S ∈ [0, 1]: a transparent weighted mean of named parts.

:func:`score_tie` implements MODEL.md §1.2, with the duration rule of §9 (see
:mod:`dunbar.strength.episodes`). With episodes ``k`` merged by day, ``age_k`` in
days, channel weight ``c_k`` and duration factor ``u_k`` (1 when the length is
unknown), ``W_k = c_k·u_k`` and ``d_k = 2^(−age_k/h_act)``:

==========  ============================================================  =========
closeness   ``K = (q − 1)/6`` for a declared closeness q ∈ 1..7            if q given
recency     ``R = max_k u_k·2^(−age_k/h_rec)`` over non-reaction episodes  if any
frequency   ``F = min(1, ln(1 + A)/ln(1 + A_ref))``, ``A = Σ W_k d_k``,    if any
            ``A_ref = 1/(1 − 2^(−7/h_act))`` (weekly in-person peak)
richness    ``C = Σ W_k d_k / Σ d_k``                                     if any
balance     ``s = (i + 1)/(i + o + 2)``, ``B = 1 − |2s − 1|`` from          if i + o > 0
            lifetime inbound i and outbound o episodes
duration    ``D = 1 − 2^(−days_known/h_dur)``, from the earlier of          if either
            ``first_known`` and the first episode
==========  ============================================================  =========

``S = Σ_c w_c x_c / Σ_{c present} w_c``. With unknown lengths (``u_k = 1``) recency
is MODEL.md's ``2^(−Δ_last/h_rec)``; with known ones a fleeting contact renews
recency only in part, which answers MODEL.md §3's open question about "rich"
episodes in the same spirit.

Status: ``"scored"`` with at least one episode; ``"declared-only"`` with no
episode but a declared closeness (the score then rests on K and D);
``"unknown"`` with neither — missing logs are not read as a weak tie (Wiese et
al. 2015), so the score is ``None``.

References
----------
Granovetter 1973, AJS 78(6):1360. Marsden & Campbell 1984, Soc. Forces 63(2).
Gilbert & Karahalios, CHI 2009. Burke & Kraut, CHI 2014. Raeder et al. 2011,
Soc. Netw. 33:245. Wiese et al., CSCW 2015. Urena-Carrion, Saramäki & Kivelä
2020, EPJ Data Science. dunbar MODEL.md §1.2–1.3, §9.

Examples
--------
MODEL.md §1.3 T6: one inbound message three days ago.

>>> import datetime as dt
>>> t6 = score_tie([Episode(dt.date(2024, 12, 29), "message", "in")], now=dt.date(2025, 1, 1))
>>> round(t6.score, 4), t6.status
(0.4634, 'scored')
>>> {name: round(value, 4) for name, value in t6.parts.items()}
{'recency': 0.9772, 'frequency': 0.11, 'richness': 0.4, 'balance': 0.6667, 'duration': 0.0028}
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dunbar.errors import ValidationError
from dunbar.model import Channel
from dunbar.strength.episodes import DayEpisode, Episode, calendar_day, day_episodes
from dunbar.strength.params import COMPONENTS, StrengthParams

__all__ = ["TieStrength", "closeness_part", "score_tie"]

_LEAN = (Channel.MESSAGE, Channel.EMAIL, Channel.REACTION)
_RECENT_DIRECTED = 12
#: A part that costs the score less than this is not worth calling "weakest".
_MATERIAL_LOSS = 0.01


def closeness_part(closeness: int | None) -> float | None:
    """``K = (q − 1)/6``; rejects anything but a whole number in 1..7."""
    if closeness is None:
        return None
    if isinstance(closeness, bool) or not isinstance(closeness, int) or not 1 <= closeness <= 7:
        raise ValidationError(
            f"closeness must be a whole number from 1 to 7, not {closeness!r}", field="closeness"
        )
    return (closeness - 1) / 6


@dataclass(frozen=True)
class TieStrength:
    """The strength of one tie, its named parts, and the facts behind them.

    ``parts`` maps each present component (names from
    :data:`~dunbar.strength.params.COMPONENTS`) to its value in [0, 1];
    ``weights`` gives their weights. Day counts are whole days before ``now``;
    ``None`` when there is nothing to count.
    """

    score: float | None
    status: str
    parts: Mapping[str, float]
    weights: Mapping[str, float]
    closeness: int | None = None
    episodes: int = 0
    outbound: int = 0
    inbound: int = 0
    recent_outbound: int = 0
    recent_directed: int = 0
    last_episode_days: int | None = None
    last_contact_days: int | None = None
    last_contact_channel: Channel | None = None
    last_contact_minutes: float | None = None
    last_in_person_days: int | None = None
    last_in_person_minutes: float | None = None
    days_known: int | None = None
    days_active_past_year: int = 0
    days_active_past_quarter: int = 0
    channels: Mapping[str, int] = field(default_factory=dict)

    def loss(self, component: str) -> float:
        """How much ``component`` costs the score: ``w_c·(1 − x_c)/Σ w``."""
        total = sum(self.weights.values())
        if component not in self.parts or total <= 0:
            return 0.0
        return self.weights[component] * (1.0 - self.parts[component]) / total

    @property
    def weakest(self) -> str | None:
        """The part that costs the score most (the answer to "why is this tie weak?")."""
        if self.score is None or not self.parts:
            return None
        # Losses within 0.001 of each other tie; the earlier component wins.
        name = max(self.parts, key=lambda c: (round(self.loss(c), 3), -COMPONENTS.index(c)))
        return name if self.loss(name) >= _MATERIAL_LOSS else None

    def explain(self) -> list[str]:
        """Plain sentences behind the score, the weakest part last."""
        lines: list[str] = []
        if self.status == "unknown":
            lines.append("nothing to go on yet: no contact logged and no closeness declared")
        elif self.status == "declared-only":
            lines.append("no contact logged: the score rests on what you declared")
        if self.closeness is not None:
            lines.append(f"you rated this relationship {self.closeness} of 7")
        lines.extend(self._contact_lines())
        if self.recent_directed:
            lines.append(_initiative_line(self.recent_outbound, self.recent_directed))
        if self.days_known is not None:
            lines.append(f"known for {_span(self.days_known)}")
        weakest = self.weakest
        if weakest is not None:
            lines.append(
                f"weakest part: {weakest} ({self.parts[weakest]:.2f}, weight "
                f"{self.weights[weakest]:.2f}): {self._why(weakest)}"
            )
        return lines

    def _contact_lines(self) -> list[str]:
        lines: list[str] = []
        if self.last_in_person_days is not None:
            lines.append(
                f"last in-person meeting {_ago(self.last_in_person_days)}"
                + _lasting(self.last_in_person_minutes)
            )
        if self.last_contact_days is not None and self.last_contact_channel is not None:
            if self.last_contact_channel is not Channel.IN_PERSON and (
                self.last_in_person_days is None
                or self.last_contact_days < self.last_in_person_days
            ):
                what = self.last_contact_channel.value.replace("_", " ")
                lines.append(
                    f"last contact: {what}, {_ago(self.last_contact_days)}"
                    + _lasting(self.last_contact_minutes)
                )
        elif self.last_episode_days is not None:
            lines.append(f"only reactions so far, the last {_ago(self.last_episode_days)}")
        if self.episodes:
            days = self.days_active_past_year
            lines.append(
                f"in touch on {_days(days)} in the past year"
                if days
                else "no contact in the past year"
            )
        return lines

    def _why(self, component: str) -> str:
        if component == "closeness":
            return f"you rated the relationship {self.closeness} of 7"
        if component == "recency":
            brief = self.last_contact_minutes
            if brief is not None and brief < 1 and (self.last_contact_days or 0) < 30:
                return "the latest contacts were fleeting (under a minute)"
            return f"no real contact for {_span(self.last_contact_days or 0)}"
        if component == "frequency":
            days = self.days_active_past_quarter
            return f"{_days(days)} with contact in the past 3 months (weekly would be 13)"
        if component == "richness":
            lean = sum(n for c, n in self.channels.items() if Channel(c) in _LEAN)
            return f"{lean} of {self.episodes} contacts were messages, emails or reactions"
        if component == "balance":
            return _initiative_line(self.outbound, self.outbound + self.inbound, lifetime=True)
        return f"known for only {_span(self.days_known or 0)}"


def _ago(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 365:
        return f"{days} days ago"
    years = days // 365
    return f"{years} year{'s' if years > 1 else ''} ago"


def _lasting(minutes: float | None) -> str:
    """ " (45 minutes)" for a known length (shared minutes of that day), else ""."""
    if minutes is None:
        return ""
    if minutes < 1:
        return " (under a minute)"
    return f" ({minutes:.0f} minute{'s' if round(minutes) != 1 else ''})"


def _days(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''}"


def _span(days: int) -> str:
    if days < 61:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 730:
        months = round(days / 30.4375)
        return f"{months} months"
    return f"{days // 365} years"


def _initiative_line(outbound: int, directed: int, *, lifetime: bool = False) -> str:
    scope = "of all" if lifetime else "of the last"
    if directed == 1:
        who = "you" if outbound else "they"
        return f"{who} reached out the one time it is known who did"
    if outbound * 2 >= directed:
        return f"you reached out {outbound} {scope} {directed} times"
    return f"they reached out {directed - outbound} {scope} {directed} times"


def _weighted_mean(
    parts: Mapping[str, float], params: StrengthParams
) -> tuple[float | None, dict[str, float]]:
    weights = {c: params.weights.of(c) for c in parts}
    total = sum(weights.values())
    if total <= 0:
        return None, weights
    return sum(weights[c] * parts[c] for c in parts) / total, weights


def activity_parts(eps: list[DayEpisode], params: StrengthParams) -> dict[str, float]:
    """Recency, frequency, richness and balance from merged episodes (those present)."""
    parts: dict[str, float] = {}
    if not eps:
        return parts
    activity = 0.0
    decay_sum = 0.0
    recency: float | None = None
    outbound = inbound = 0
    for ep in eps:
        decay = 2.0 ** (-ep.age / params.h_act)
        activity += params.channel_weights.of(ep.channel) * ep.factor * decay
        decay_sum += decay
        if ep.channel is not Channel.REACTION:
            fresh = ep.factor * 2.0 ** (-ep.age / params.h_rec)
            recency = fresh if recency is None else max(recency, fresh)
        outbound += ep.direction == "out"
        inbound += ep.direction == "in"
    if recency is not None:
        parts["recency"] = recency
    parts["frequency"] = min(1.0, math.log1p(activity) / math.log1p(params.a_ref))
    parts["richness"] = activity / decay_sum
    if outbound + inbound:
        share = (inbound + 1) / (inbound + outbound + 2)
        parts["balance"] = 1.0 - abs(2.0 * share - 1.0)
    return parts


def score_tie(
    episodes: Iterable[Episode],
    *,
    now: dt.date | dt.datetime,
    first_known: dt.date | dt.datetime | None = None,
    closeness: int | None = None,
    params: StrengthParams | None = None,
) -> TieStrength:
    """The strength of one tie from its episodes (MODEL.md §1.2, §9).

    Parameters
    ----------
    episodes : iterable of Episode
        Contacts with this person, in any order; merged by (day, channel,
        direction) first.
    now : date or datetime
        The moment to score at. Time is a parameter, so results are exact.
    first_known : date or datetime, optional
        Since when I know this person (the earlier of this and the first episode
        counts for duration).
    closeness : int in 1..7, optional
        Declared closeness q.
    params : StrengthParams, optional
        Defaults to ``StrengthParams()``.

    Raises
    ------
    ValidationError
        An episode or ``first_known`` after ``now``, negative minutes, a group
        below 1, an unknown channel or direction, closeness outside 1..7.
    """
    params = params or StrengthParams()
    k_part = closeness_part(closeness)
    eps = day_episodes(
        episodes,
        now=now,
        half_minutes=params.duration_half_minutes,
        group_exponent=params.group_exponent,
    )
    now_day = now.date() if isinstance(now, dt.datetime) else now
    parts: dict[str, float] = {}
    if k_part is not None:
        parts["closeness"] = k_part
    parts.update(activity_parts(eps, params))
    days_known = max(eps[-1].age, 0) if eps else None
    if first_known is not None:
        known_day = calendar_day(first_known, now=now)
        known_age = (now_day - known_day).days
        if known_age < 0:
            raise ValidationError(
                f"first_known ({known_day.isoformat()}) is after now ({now_day.isoformat()})",
                field="first_known",
            )
        days_known = known_age if days_known is None else max(days_known, known_age)
    if days_known is not None:
        parts["duration"] = 1.0 - 2.0 ** (-days_known / params.h_dur)
    parts = {c: parts[c] for c in COMPONENTS if c in parts}

    if eps:
        status = "scored"
    elif k_part is not None:
        status = "declared-only"
    else:
        status = "unknown"
    score, weights = _weighted_mean(parts, params)
    if status == "unknown" or score is None:
        status, score = "unknown", None
    return _with_facts(eps, score, status, parts, weights, closeness, days_known)


def _with_facts(
    eps: list[DayEpisode],
    score: float | None,
    status: str,
    parts: dict[str, float],
    weights: dict[str, float],
    closeness: int | None,
    days_known: int | None,
) -> TieStrength:
    contacts = [e for e in eps if e.channel is not Channel.REACTION]
    in_person = [e for e in eps if e.channel is Channel.IN_PERSON]
    directed = [e for e in eps if e.direction is not None]
    recent = directed[:_RECENT_DIRECTED]
    channels: dict[str, int] = {}
    for e in eps:
        channels[e.channel.value] = channels.get(e.channel.value, 0) + 1
    return TieStrength(
        score=score,
        status=status,
        parts=parts,
        weights=weights,
        closeness=closeness,
        episodes=len(eps),
        outbound=sum(e.direction == "out" for e in eps),
        inbound=sum(e.direction == "in" for e in eps),
        recent_outbound=sum(e.direction == "out" for e in recent),
        recent_directed=len(recent),
        last_episode_days=eps[0].age if eps else None,
        last_contact_days=contacts[0].age if contacts else None,
        last_contact_channel=contacts[0].channel if contacts else None,
        last_contact_minutes=contacts[0].minutes if contacts else None,
        last_in_person_days=in_person[0].age if in_person else None,
        last_in_person_minutes=in_person[0].minutes if in_person else None,
        days_known=days_known,
        days_active_past_year=len({e.day for e in eps if e.age < 365}),
        days_active_past_quarter=len({e.day for e in eps if e.age < 91}),
        channels=channels,
    )
