"""Score a seating someone arranged by hand: the planner's objective and bounds.

:func:`score_seating` takes a complete arrangement (``rounds[r][t]`` lists the
people at table ``t`` in round ``r``) and returns the same
:class:`~dunbar.gatherings.seating.SeatingPlan` the planner would (the objective
in its named parts, the §5 bounds, repeats and quality, ``why`` per table), plus
the problems that would stop it from being a valid plan: a table over its seats,
a rule broken. Pure, like the rest of :mod:`dunbar.gatherings`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from dunbar.errors import ValidationError
from dunbar.gatherings.search import PairFunction, counts
from dunbar.gatherings.seating import (
    _RULE,
    ObjectiveWeights,
    SeatingPlan,
    SeatingRules,
    _bounds,
    _check_int,
    _objective,
    _prepare_rules,
)

__all__ = ["SeatingScore", "check_seating", "score_seating"]

Person = Hashable


@dataclass(frozen=True)
class SeatingScore:
    """A hand-made arrangement scored: the plan, and what is wrong with it (if anything)."""

    plan: SeatingPlan
    problems: tuple[str, ...]

    @property
    def valid(self) -> bool:
        return not self.problems


def check_seating(
    people: Sequence[Person], tables: Sequence[int], rounds: int, rules: SeatingRules | None
) -> None:
    """The planner's input checks, without planning (cheap; for a form to answer at once).

    Raises the errors :func:`~dunbar.gatherings.plan_seating` would: nobody to seat,
    a table below 2 seats, more guests than seats, ``rounds < 1``, an unknown person
    in the rules, rules that contradict each other.
    """
    people = list(people)
    if not people:
        raise ValidationError("nobody to seat", field="people")
    caps = [_check_int(c, "table size", 2) for c in tables]
    if not caps:
        raise ValidationError("no tables", field="tables")
    if sum(caps) < len(people):
        raise ValidationError(f"{len(people)} guests, {sum(caps)} seats", field="tables")
    rounds = _check_int(rounds, "rounds", 1)
    _prepare_rules(people, caps, rounds, rules)


def score_seating(
    arrangement: Sequence[Sequence[Sequence[Person]]],
    tables: Sequence[int],
    *,
    weights: Mapping[tuple[Person, Person], float] | None = None,
    history: Mapping[tuple[Person, Person], int] | None = None,
    attributes: Mapping[Person, Hashable] | None = None,
    rules: SeatingRules | None = None,
    target_repeats: int = 2,
    objective: ObjectiveWeights | None = None,
) -> SeatingScore:
    """The objective, bounds and quality of ``arrangement`` at tables of ``tables`` seats.

    Every round must seat the same people, each once, at tables ``0 … len(tables)−1``
    (else :class:`~dunbar.errors.ValidationError`). A table over its seats and a
    broken rule are not errors but ``problems``: the numbers are still computed,
    so that someone moving guests around sees what a move costs.
    """
    started = time.perf_counter()
    caps = [_check_int(c, "table size", 2) for c in tables]
    g = len(caps)
    if not arrangement:
        raise ValidationError("no rounds to score", field="rounds")
    rounds = len(arrangement)
    people: list[Person] = [p for t in arrangement[0] for p in t]
    n = len(people)
    if n == 0:
        raise ValidationError("nobody to seat", field="people")
    everyone = set(people)
    if len(everyone) != n:
        raise ValidationError("someone sits twice in round 1", field="rounds")
    index = {p: i for i, p in enumerate(people)}
    table_of = np.zeros((rounds, n), dtype=np.int64)
    problems: list[str] = []
    for r, round_tables in enumerate(arrangement):
        if len(round_tables) != g:
            raise ValidationError(
                f"round {r + 1} has {len(round_tables)} tables, not {g}", field="rounds"
            )
        seen = [p for t in round_tables for p in t]
        if len(seen) != len(set(seen)) or set(seen) != everyone:
            raise ValidationError(
                f"round {r + 1} does not seat every guest exactly once", field="rounds"
            )
        for t, members in enumerate(round_tables):
            for p in members:
                table_of[r, index[p]] = t
            if len(members) > caps[t]:
                problems.append(
                    f"round {r + 1}, table {t + 1}: {len(members)} people at {caps[t]} seats"
                )
    ow = objective or ObjectiveWeights()
    try:
        prepared = _prepare_rules(people, caps, rounds, rules)
    except ValidationError as exc:
        raise ValidationError(str(exc), field="rules") from None
    w_arr = np.zeros((n, n))
    h_arr = np.zeros((n, n))
    same = np.zeros((n, n))
    apart = np.zeros((n, n))
    kept_w: dict[tuple[Person, Person], float] = {}
    for (a, b), w in (weights or {}).items():
        wf = float(w)
        if not math.isfinite(wf) or not 0 <= wf <= 1:
            raise ValidationError(f"weight of ({a}, {b}) must be in [0, 1]", field="weights")
        if a in index and b in index and a != b and wf > 0:
            i, j = index[a], index[b]
            w_arr[i, j] = w_arr[j, i] = max(w_arr[i, j], wf)
            kept_w[(a, b)] = wf
    kept_h: dict[tuple[Person, Person], int] = {}
    for (a, b), k in (history or {}).items():
        if a in index and b in index and a != b and int(k) > 0:
            i, j = index[a], index[b]
            h_arr[i, j] += int(k)
            h_arr[j, i] = h_arr[i, j]
            kept_h[(a, b)] = int(k)
    kept_attr = {p: v for p, v in (attributes or {}).items() if p in index}
    for a, b in combinations(kept_attr, 2):
        if kept_attr[a] == kept_attr[b]:
            same[index[a], index[b]] = same[index[b], index[a]] = 1
    for a, b in prepared.apart:
        apart[a, b] = apart[b, a] = 1
    real = np.ones((n, n))
    np.fill_diagonal(real, 0)
    target = np.where(w_arr > 0, float(target_repeats), 1.0)
    f = PairFunction(
        h_arr, w_arr, target, same, apart, real,
        ow.new_pair, ow.promising, ow.over_target, ow.diversity, _RULE,
    )  # fmt: skip
    parts = _objective(f, table_of, n, ow)
    for a, b in prepared.apart:
        broken = [r + 1 for r in range(rounds) if table_of[r, a] == table_of[r, b]]
        if broken:
            problems.append(f"{people[a]} and {people[b]} should sit apart (round {broken[0]})")
    for grp in prepared.groups:
        for r in range(rounds):
            if len({int(table_of[r, s]) for s in grp}) > 1:
                names = ", ".join(str(people[s]) for s in grp)
                problems.append(f"{names} should sit together (round {r + 1})")
                break
    for t, host in prepared.hosts.items():
        s = index[host]
        moved = [r + 1 for r in range(rounds) if table_of[r, s] != t]
        if moved:
            problems.append(f"{host} hosts table {t + 1} (round {moved[0]})")
    for s, locks in prepared.locks.items():
        if people[s] in prepared.hosts.values():
            continue
        for r, t in sorted(locks.items()):
            if table_of[r, s] != t:
                problems.append(f"{people[s]} is locked to table {t + 1} (round {r + 1})")
                break
    bounds = _bounds(people, caps, rounds, kept_w, target_repeats, ow)
    m = counts(table_of)
    iu = np.triu_indices(n, 1)
    mm, hh, tt = m[iu], h_arr[iu], target[iu]
    repeats = int(np.maximum(mm - 1, 0).sum())
    over = int(np.maximum(mm - tt, 0).sum())
    with_history = int((np.maximum(mm + hh - 1, 0) - np.maximum(hh - 1, 0)).sum())
    allowance = int(np.minimum(tt - 1, rounds - 1).sum()) if kept_w else 0
    floor = max(0, bounds.best - allowance)
    if bounds.proven_optimum is not None and not kept_w:
        floor = max(floor, bounds.proven_optimum)
    gap = max(0, over - floor)
    quality = "optimal" if gap == 0 else f"within {gap} repeats of the best possible"
    plain = not kept_w and not kept_h and not kept_attr and rules is None
    if gap and bounds.objective is not None and plain and parts.total >= bounds.objective - 1e-6:
        quality = f"optimal for the objective (repeats spread fairly); {quality}"
    plan_rounds: list[list[list[Any]]] = [[list(t) for t in rnd] for rnd in arrangement]
    plan = SeatingPlan(
        rounds=plan_rounds,
        objective=parts,
        bounds=bounds,
        repeats=repeats,
        repeats_over_target=over,
        repeats_with_history=with_history,
        gap=gap,
        quality=quality,
        seed=None,
        seconds=time.perf_counter() - started,
        iterations=0,
        method="arranged by hand",
        stopped="scored",
        weights=kept_w,
        history=kept_h,
        attributes=kept_attr,
        hosts=prepared.hosts,
        together=list(rules.together) if rules is not None else [],
    )
    return SeatingScore(plan, tuple(dict.fromkeys(problems)))
