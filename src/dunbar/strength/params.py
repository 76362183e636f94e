"""The parameters of the strength engine: one typed, frozen object.

Every number the engine uses lives in :class:`StrengthParams`. Nothing is global:
the functions of :mod:`dunbar.strength` take ``params=`` and fall back to
``StrengthParams()`` (the defaults of MODEL.md §1.2, §2, §3 and §9). A ledger
stores its own parameters as JSON through :meth:`StrengthParams.to_dict` and
:meth:`StrengthParams.from_dict`; ``dunbar calibrate`` replaces them.

>>> p = StrengthParams()
>>> p.weights.closeness, p.h_act, p.channel_weights.call
(0.3, 90.0, 0.7)
>>> StrengthParams.from_dict(p.to_dict()) == p
True
>>> StrengthParams.from_dict({"h_rec": 30}).h_rec
30.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import Any, Self

from dunbar.errors import ValidationError
from dunbar.model import Channel

__all__ = ["COMPONENTS", "ChannelWeights", "ComponentWeights", "StrengthParams"]

#: The components of a tie strength, in the order they are listed back.
COMPONENTS = ("closeness", "recency", "frequency", "richness", "balance", "duration")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{where} must be a number, not {value!r}", field=where)
    number = float(value)
    if not math.isfinite(number):
        raise ValidationError(f"{where} must be finite, not {value!r}", field=where)
    return number


def _integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ValidationError(f"{where} must be a whole number, not {value!r}", field=where)
    return value


def _check_keys(data: Any, allowed: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationError(f"{where} must be a mapping, not {type(data).__name__}", field=where)
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError(
            f"unknown key{'s' if len(unknown) > 1 else ''} in {where}: "
            f"{', '.join(map(str, unknown))} (known: {', '.join(allowed)})",
            field=where,
        )
    return data


@dataclass(frozen=True)
class ComponentWeights:
    """Weights of the six components of S (MODEL.md §1.2, defaults [D]).

    Zero switches a component off; negative weights are rejected.
    """

    closeness: float = 0.30
    recency: float = 0.20
    frequency: float = 0.20
    richness: float = 0.10
    balance: float = 0.10
    duration: float = 0.10

    def __post_init__(self) -> None:
        for f in fields(self):
            value = _number(getattr(self, f.name), f"weights.{f.name}")
            if value < 0:
                raise ValidationError(
                    f"weights.{f.name} must not be negative (got {value})",
                    field=f"weights.{f.name}",
                )
            object.__setattr__(self, f.name, value)

    def of(self, component: str) -> float:
        """The weight of ``component`` (one of :data:`COMPONENTS`)."""
        value: float = getattr(self, component)
        return value


@dataclass(frozen=True)
class ChannelWeights:
    """How much one episode on each channel counts (MODEL.md §1.2 table, [D]).

    Weights lie in [0, 1], so that richness, and with it S, stays in [0, 1].
    """

    in_person: float = 1.0
    video: float = 0.8
    call: float = 0.7
    event: float = 0.5
    message: float = 0.4
    email: float = 0.3
    reaction: float = 0.1

    def __post_init__(self) -> None:
        for f in fields(self):
            value = _number(getattr(self, f.name), f"channel_weights.{f.name}")
            if not 0 <= value <= 1:
                raise ValidationError(
                    f"channel_weights.{f.name} must lie in [0, 1] (got {value})",
                    field=f"channel_weights.{f.name}",
                )
            object.__setattr__(self, f.name, value)

    def of(self, channel: Channel) -> float:
        """The weight of ``channel``."""
        value: float = getattr(self, channel.value)
        return value

    def as_tuple(self) -> tuple[float, ...]:
        """The weights in :class:`~dunbar.model.Channel` order (the batch channel codes)."""
        return tuple(self.of(c) for c in Channel)


_SCALARS: dict[str, tuple[str, float | None]] = {
    # name: (kind, lower bound)
    "h_act": ("positive", None),
    "h_rec": ("positive", None),
    "h_dur": ("positive", None),
    "duration_half_minutes": ("positive", None),
    "group_exponent": ("non-negative", None),
    "dormancy_days": ("int", 365),
    "dormant_min_peak": ("unit", None),
    "dormant_min_closeness": ("closeness", None),
    "kin_cadence_factor": ("positive", None),
    "bridge_cadence_factor": ("positive", None),
    "overdue_cap": ("positive", None),
}


@dataclass(frozen=True)
class StrengthParams:
    """Every parameter of tie strength, circles and the reconnect queues.

    Tie strength (MODEL.md §1.2; §9 for the duration rule)
        ``weights``, ``channel_weights``; half-lives in days ``h_act`` (frequency
        and richness), ``h_rec`` (recency), ``h_dur`` (how long known).
        ``duration_half_minutes`` κ: an episode of m known minutes counts
        ``m / (m + κ)`` of an episode of unknown length (see
        :func:`dunbar.strength.episodes.duration_factor`).
        ``group_exponent`` γ: minutes spent with ``g`` people present count
        ``m / g**γ`` for each of them.
    Circles (MODEL.md §2)
        ``circle_sizes``: cumulative cut-offs; ``cadence_days``: contact cadence of
        the innermost layers (outer layers have none); ``kin_cadence_factor``;
        ``closeness_pins``: pairs (declared closeness q, layer size) — a person with
        closeness q is never placed outside that layer.
    Reconnect (MODEL.md §3)
        ``dormancy_days`` (at least 365), ``dormant_min_peak`` and
        ``dormant_min_closeness`` (a strong history), ``bridge_cadence_factor``,
        ``overdue_cap`` (priority uses ``min(overdue, cap)``).
    """

    weights: ComponentWeights = field(default_factory=ComponentWeights)
    channel_weights: ChannelWeights = field(default_factory=ChannelWeights)
    h_act: float = 90.0
    h_rec: float = 90.0
    h_dur: float = 730.0
    duration_half_minutes: float = 0.25
    group_exponent: float = 0.5
    circle_sizes: tuple[int, ...] = (5, 15, 50, 150, 500, 1500)
    cadence_days: tuple[int, ...] = (7, 30, 182, 365)
    kin_cadence_factor: float = 2.0
    closeness_pins: tuple[tuple[int, int], ...] = ((7, 5), (6, 15), (5, 50))
    dormancy_days: int = 1095
    dormant_min_peak: float = 0.4
    dormant_min_closeness: int = 5
    bridge_cadence_factor: float = 0.5
    overdue_cap: float = 3.0

    def __post_init__(self) -> None:
        if not isinstance(self.weights, ComponentWeights):
            raise ValidationError("weights must be ComponentWeights", field="weights")
        if not isinstance(self.channel_weights, ChannelWeights):
            raise ValidationError("channel_weights must be ChannelWeights", field="channel_weights")
        for name, (kind, low) in _SCALARS.items():
            value: float | int
            if kind in ("int", "closeness"):
                value = _integer(getattr(self, name), name)
            else:
                value = _number(getattr(self, name), name)
            bad = (
                (kind == "positive" and value <= 0)
                or (kind == "non-negative" and value < 0)
                or (kind == "unit" and not 0 <= value <= 1)
                or (kind == "closeness" and not 1 <= value <= 7)
                or (kind == "int" and low is not None and value < low)
            )
            if bad:
                rule = {
                    "positive": "must be positive",
                    "non-negative": "must not be negative",
                    "unit": "must lie in [0, 1]",
                    "closeness": "must lie in 1..7",
                    "int": f"must be at least {low}",
                }[kind]
                raise ValidationError(f"{name} {rule} (got {value})", field=name)
            object.__setattr__(self, name, value)
        sizes = tuple(_integer(s, "circle_sizes") for s in self.circle_sizes)
        if not sizes or any(s <= 0 for s in sizes) or list(sizes) != sorted(set(sizes)):
            raise ValidationError(
                f"circle_sizes must be positive and strictly increasing (got {list(sizes)})",
                field="circle_sizes",
            )
        cadences = tuple(_integer(c, "cadence_days") for c in self.cadence_days)
        if len(cadences) > len(sizes) or any(c <= 0 for c in cadences):
            raise ValidationError(
                "cadence_days must be positive, at most one per circle "
                f"(got {list(cadences)} for {len(sizes)} circles)",
                field="cadence_days",
            )
        pins: list[tuple[int, int]] = []
        for pair in self.closeness_pins:
            if len(pair) != 2:
                raise ValidationError(
                    f"closeness_pins holds (closeness, circle size) pairs, not {pair!r}",
                    field="closeness_pins",
                )
            q, size = _integer(pair[0], "closeness_pins"), _integer(pair[1], "closeness_pins")
            if not 1 <= q <= 7 or size not in sizes:
                raise ValidationError(
                    f"closeness_pins: ({q}, {size}) needs closeness in 1..7 and one of the "
                    f"circle sizes {list(sizes)}",
                    field="closeness_pins",
                )
            pins.append((q, size))
        object.__setattr__(self, "circle_sizes", sizes)
        object.__setattr__(self, "cadence_days", cadences)
        object.__setattr__(self, "closeness_pins", tuple(pins))

    # --- derived values -------------------------------------------------------------

    @property
    def a_ref(self) -> float:
        """Peak activity of weekly in-person contact, ``1/(1 − 2^(−7/h_act))`` (19.0534)."""
        return 1.0 / (1.0 - math.pow(2.0, -7.0 / self.h_act))

    def pinned_size(self, closeness: int | None) -> int | None:
        """The circle size a declared closeness pins, or None."""
        if closeness is None:
            return None
        sizes = [size for q, size in self.closeness_pins if q == closeness]
        return min(sizes) if sizes else None

    def with_changes(self, **changes: Any) -> StrengthParams:
        """A copy with some fields replaced (validated like any other)."""
        return replace(self, **changes)

    # --- JSON -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :meth:`from_dict` reads it back unchanged."""
        out: dict[str, Any] = {
            "weights": {f.name: getattr(self.weights, f.name) for f in fields(self.weights)},
            "channel_weights": {
                f.name: getattr(self.channel_weights, f.name) for f in fields(self.channel_weights)
            },
        }
        for name in _SCALARS:
            out[name] = getattr(self, name)
        out["circle_sizes"] = list(self.circle_sizes)
        out["cadence_days"] = list(self.cadence_days)
        out["closeness_pins"] = [list(pair) for pair in self.closeness_pins]
        return out

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Parameters from a dict such as :meth:`to_dict` wrote.

        Keys left out keep their defaults (so older stored parameters still load);
        unknown keys, wrong types and out-of-range values raise
        :class:`~dunbar.errors.ValidationError` naming the key.
        """
        top = _check_keys(data, tuple(f.name for f in fields(cls)), "strength parameters")
        kwargs: dict[str, Any] = {}
        for name, value in top.items():
            if name == "weights":
                sub = _check_keys(value, COMPONENTS, "weights")
                kwargs[name] = ComponentWeights(**sub)
            elif name == "channel_weights":
                sub = _check_keys(value, tuple(c.value for c in Channel), "channel_weights")
                kwargs[name] = ChannelWeights(**sub)
            elif name in ("circle_sizes", "cadence_days"):
                if not isinstance(value, list | tuple):
                    raise ValidationError(f"{name} must be a list", field=name)
                kwargs[name] = tuple(value)
            elif name == "closeness_pins":
                if not isinstance(value, list | tuple) or not all(
                    isinstance(p, list | tuple) for p in value
                ):
                    raise ValidationError(
                        "closeness_pins must be a list of [closeness, circle size] pairs",
                        field=name,
                    )
                kwargs[name] = tuple(tuple(p) for p in value)
            else:
                kwargs[name] = value
        return cls(**kwargs)
