"""Seating plans over several rounds: the objective, the rules, and the solver API.

:func:`plan_seating` seats ``people`` at ``tables`` (capacities, which may differ)
for ``rounds`` rounds (courses, evenings of a club, rotations at an event).

Objective (GATHERINGS.md §6.2), maximised
------------------------------------------
For each pair ``{i, j}`` let ``h`` be the times it met before (``history``),
``m`` the rounds it shares a table in this plan, ``M = h + m``, ``w ∈ [0, 1]`` how
promising it is (``weights``) and ``t`` its target: ``target_repeats`` (2) for a
promising pair (``w > 0``), 1 for any other. With :class:`ObjectiveWeights`
``(α, β, γ, δ)``::

    total = α · new_pairs + β · promising − γ · over_target − δ · same_attribute

    new_pairs      = #{pairs : h = 0, M ≥ 1}                       pairs who meet at last
    promising      = Σ w · (min(M, t) − min(h, t))                 meet, and meet again, up to t
    over_target    = Σ max(0, M − t)² − max(0, h − t)²             repeats beyond the target,
                                                                   squared: spread fairly
    same_attribute = Σ [a_i = a_j] · m                             co-seatings within one
                                                                   organisation (diversity)

Rules (:class:`SeatingRules`) are hard: ``together`` pairs share a table every
round, ``apart`` pairs never do, ``locked`` people sit at their table, and every
host sits at their own table all evening. A plan that breaks a rule is never
returned; rules that cannot hold raise :class:`~dunbar.errors.InfeasibleRulesError`
naming them.

How it is solved
----------------
* Uniform instances (every table of size ``s``, ``n = g·s``, no weights, history,
  attributes or rules) with a construction (round robin, AG(2, q), TD(s, q),
  KTS(15); :mod:`dunbar.gatherings.designs`) for ``rounds`` rounds are returned
  at once: zero repeats, optimal.
* Otherwise a greedy start (the construction's rounds where there are some) and
  the swap tabu search of :mod:`dunbar.gatherings.search`, stopped at the bound
  (an unweighted plan whose repeats equal the §5 bound, all as single repeats,
  is optimal), after ``max_iterations``, after ``stall_iterations`` without a
  better plan, or at ``time_limit`` seconds.
* Same seed, same plan. ``time_limit`` is a cap: results with different time
  limits (or machines) differ only when the limit was hit (``plan.stopped ==
  "time"``).

Bounds and quality
------------------
Every plan carries the §5 bounds (:mod:`dunbar.gatherings.bounds`): the repeats
no plan can avoid (max-pairs and week-pair bounds; ``best`` is the larger) and
the star bound on the promising part; and, for a few tiny instances, the proven
fewest repeats (``proven_optimum``, from an exhaustive search:
:data:`~dunbar.gatherings.bounds.PROVEN_OPTIMA`). ``quality`` is ``"optimal"``
when the plan's repeats beyond their targets equal the best bound (less the
repeats promising pairs may take) or, without weights, the proven optimum, else
``"within N repeats of the best possible"``, prefixed by
``"optimal for the objective (repeats spread fairly); "`` when the squared penalty
makes a plan with more, but fairer, repeats provably best (the objective LP bound
of :func:`~dunbar.gatherings.bounds.objective_bound`).

Tables are indexed from 0 in the API and numbered from 1 in messages and in
:meth:`SeatingPlan.why`.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from dunbar.errors import InfeasibleRulesError, ValidationError
from dunbar.gatherings.bounds import (
    max_pairs_bound,
    objective_bound,
    proven_optimum,
    star_bound,
    week_pair_bound,
    weeks_bound,
)
from dunbar.gatherings.designs import construct, construction_weeks
from dunbar.gatherings.search import PairFunction, Progress, counts, tabu_search, total_value

__all__ = [
    "ObjectiveWeights",
    "SeatingBounds",
    "SeatingObjective",
    "SeatingPlan",
    "SeatingRules",
    "plan_seating",
]

Person = Hashable
_RULE = 1e6  # the weight of a broken apart rule inside the search (never in a returned plan)


@dataclass(frozen=True)
class ObjectiveWeights:
    """The weights ``(α, β, γ, δ)`` of the objective's parts (module docstring).

    ``promising`` is 2 so that a meeting of a fully promising pair (``w = 1``) is
    worth twice a new pair: repetition builds trust.

    ``over_target`` is 2, not 1, on purpose. Two rounds of a full plan share a
    fixed least number of pairs (§5.3), and a pair meeting ``m`` times covers
    ``C(m, 2)`` of those; per covered unit, its ``m − 1`` repeats and penalty cost
    ``2(α + γ(m − 1))/m``. That is the same for every ``m`` when ``γ = α``, so a
    plan could pile repeats on one pair at no cost; ``γ > α`` makes doubles the
    cheapest (repeats spread fairly), ``γ < α`` makes piling them the cheapest
    (fewest repeats). Use ``over_target < new_pair`` to minimise repeats instead.
    """

    new_pair: float = 1.0
    promising: float = 2.0
    over_target: float = 2.0
    diversity: float = 0.5

    def __post_init__(self) -> None:
        for name in ("new_pair", "promising", "over_target", "diversity"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValidationError(f"objective weight {name} must be >= 0", field=name)


@dataclass(frozen=True)
class SeatingRules:
    """Hard rules: ``together`` and ``apart`` pairs, ``locked`` seats and ``hosts``.

    ``locked`` maps a person to ``(round, table)``; ``round`` ``None`` locks every
    round. ``hosts`` is ``{table: person}`` or a sequence of people, host ``k`` at
    table ``k``; a host sits at their table in every round.
    """

    together: Sequence[tuple[Person, Person]] = ()
    apart: Sequence[tuple[Person, Person]] = ()
    locked: Mapping[Person, tuple[int | None, int]] = field(default_factory=dict)
    hosts: Mapping[int, Person] | Sequence[Person] = ()


@dataclass(frozen=True)
class SeatingObjective:
    """The objective of a plan in named parts, and ``total`` (module docstring)."""

    new_pairs: int
    promising: float
    over_target: int
    same_attribute: int
    rule_violations: int
    total: float
    weights: ObjectiveWeights

    def explain(self) -> list[str]:
        w = self.weights
        return [
            f"{self.new_pairs} pairs meet for the first time (× {w.new_pair:g})",
            f"promising pairs gain {self.promising:.2f} (× {w.promising:g})",
            f"repeats beyond their targets cost {self.over_target} squared (× {w.over_target:g})",
            f"{self.same_attribute} co-seatings share an organisation (× {w.diversity:g})",
            f"total {self.total:.2f}",
        ]


@dataclass(frozen=True)
class SeatingBounds:
    """GATHERINGS.md §5 bounds of an instance.

    ``max_pairs`` and ``week_pair`` are the repeats no plan can avoid (``week_pair``
    is ``None`` when some seats stay empty), ``best`` the larger; ``weeks`` the most
    rounds a zero-repeat plan can have (uniform tables only); ``star`` an upper
    bound on the promising part (``None`` without weights); ``objective`` an upper
    bound on the total of an instance without weights, history or attributes
    (the week-pair LP; ``None`` when some seats stay empty). ``proven_optimum`` is
    not a §5 bound: the fewest repeats any plan has, where an exhaustive search
    proved it (:data:`~dunbar.gatherings.bounds.PROVEN_OPTIMA`), else ``None``.
    """

    max_pairs: int
    week_pair: int | None
    best: int
    weeks: int | None
    star: float | None
    objective: float | None = None
    proven_optimum: int | None = None

    def explain(self) -> list[str]:
        out = [f"at least {self.max_pairs} repeats by counting pairs"]
        if self.week_pair is not None:
            out.append(f"at least {self.week_pair} repeats by the week-pair bound")
        if self.weeks is not None:
            out.append(f"at most {self.weeks} rounds without any repeat")
        if self.star is not None:
            out.append(f"promising value at most {self.star:.2f} (star bound)")
        if self.objective is not None:
            out.append(f"objective at most {self.objective:.2f} without weights (week-pair LP)")
        if self.proven_optimum is not None:
            out.append(
                f"at least {self.proven_optimum} repeats, the proven optimum"
                " (exhaustive search, benchmarks/prove_supper_club.py)"
            )
        return out


@dataclass(frozen=True)
class SeatingPlan:
    """A seating plan: ``rounds[r][t]`` lists the people at table ``t`` in round ``r``.

    ``repeats`` counts the plan's excess meetings ``Σ max(0, m − 1)``;
    ``repeats_over_target`` those beyond each pair's target; and
    ``repeats_with_history`` the meetings of pairs that had met before (earlier
    evenings or earlier rounds). ``gap`` is the distance in repeats to the best
    bound, or to the proven optimum where there is one (plans without weights);
    ``quality`` says it in words. ``method`` is ``"construction …"`` or
    ``"tabu search"``; ``stopped`` why the search ended (``"construction"``,
    ``"bound"``, ``"iterations"``, ``"stall"``, ``"time"``); ``trace`` the
    ``(seconds into the search, objective total)`` of each better plan found.
    """

    rounds: list[list[list[Person]]]
    objective: SeatingObjective
    bounds: SeatingBounds
    repeats: int
    repeats_over_target: int
    repeats_with_history: int
    gap: int
    quality: str
    seed: int | None
    seconds: float
    iterations: int
    method: str
    stopped: str
    weights: Mapping[tuple[Person, Person], float] = field(default_factory=dict, repr=False)
    history: Mapping[tuple[Person, Person], int] = field(default_factory=dict, repr=False)
    attributes: Mapping[Person, Hashable] = field(default_factory=dict, repr=False)
    hosts: Mapping[int, Person] = field(default_factory=dict, repr=False)
    together: Sequence[tuple[Person, Person]] = field(default=(), repr=False)
    trace: tuple[tuple[float, float], ...] = field(default=(), repr=False)

    def why(self, round: int, table: int, labels: Mapping[Person, str] | None = None) -> str:
        """A line on why these people sit together at ``table`` in ``round`` (0-based)."""
        if not 0 <= round < len(self.rounds) or not 0 <= table < len(self.rounds[round]):
            raise ValidationError(f"no table {table + 1} in round {round + 1}", field="table")
        people = self.rounds[round][table]

        def name(p: Person) -> str:
            return labels.get(p, str(p)) if labels is not None else str(p)

        if len(people) < 2:
            return f"{name(people[0])} sits alone" if people else "an empty table"
        met: dict[frozenset[Person], int] = {}
        for (a, b), k in self.history.items():
            met[frozenset((a, b))] = met.get(frozenset((a, b)), 0) + k
        for r in range(round):
            for t in self.rounds[r]:
                for a, b in combinations(t, 2):
                    key = frozenset((a, b))
                    met[key] = met.get(key, 0) + 1
        parts: list[str] = []
        host = self.hosts.get(table)
        if host is not None and host in people:
            parts.append(f"hosted by {name(host)}")
        asked = [(a, b) for a, b in self.together if a in people and b in people]
        if asked:
            parts.append(
                ", ".join(f"{name(a)} and {name(b)}" for a, b in asked) + " asked to sit together"
            )
        promising = []
        for a, b in combinations(people, 2):
            w = self.weights.get((a, b), self.weights.get((b, a), 0.0))
            if w > 0:
                promising.append((w, a, b))
        if promising:
            w, a, b = max(promising, key=lambda x: (x[0], str(x[1]), str(x[2])))
            times = met.get(frozenset((a, b)), 0) + 1
            again = (
                "meet for the first time" if times == 1 else f"meet for the {_ordinal(times)} time"
            )
            parts.append(f"{name(a)} and {name(b)} are a promising pair ({w:.2f}) and {again}")
        new = {
            p: sum(1 for q in people if q != p and met.get(frozenset((p, q)), 0) == 0)
            for p in people
        }
        total_new = sum(new.values()) // 2
        pairs = len(people) * (len(people) - 1) // 2
        star = max(people, key=lambda p: (new[p], str(p)))
        if total_new == pairs:
            parts.append(f"all {pairs} pairs meet for the first time")
        else:
            parts.append(f"{total_new} of {pairs} pairs meet for the first time")
            if new[star]:
                parts.append(
                    f"{name(star)} meets {new[star]} new {'person' if new[star] == 1 else 'people'}"
                )
        if self.attributes:
            known = [self.attributes[p] for p in people if p in self.attributes]
            kinds = set(known)
            if len(known) == len(people) and len(kinds) == 1:
                parts.append(f"all from {known[0]}")
            elif len(kinds) > 1:
                parts.append(f"{len(kinds)} organisations among {len(people)}")
        return "; ".join(parts)


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


# --- input checks ------------------------------------------------------------------------


def _check_int(value: object, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) < low:
        raise ValidationError(f"{name} must be a whole number >= {low}, not {value!r}", field=name)
    return int(value)


class _Groups:
    """Union-find over seats for the together rule."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


@dataclass
class _Prepared:
    index: dict[Person, int]
    groups: list[list[int]]  # together groups of 2+ seats, then singletons are implied
    group_of: dict[int, int]
    locks: dict[int, dict[int, int]]  # seat -> {round: table}
    apart: list[tuple[int, int]]
    hosts: dict[int, Person]


def _prepare_rules(
    people: Sequence[Person], caps: Sequence[int], rounds: int, rules: SeatingRules | None
) -> _Prepared:
    index = {p: k for k, p in enumerate(people)}
    g = len(caps)
    if rules is None:
        return _Prepared(index, [], {}, {}, [], {})

    def seat(p: Person, where: str) -> int:
        try:
            return index[p]
        except (KeyError, TypeError):
            raise ValidationError(f"unknown person {p!r} in {where}", field="rules") from None

    def table_ok(t: object, where: str) -> int:
        if isinstance(t, bool) or not isinstance(t, int | np.integer) or not 0 <= int(t) < g:
            raise ValidationError(f"no table {t!r} in {where} (tables 0 to {g - 1})", field="rules")
        return int(t)

    together = [
        (seat(a, f"together({a}, {b})"), seat(b, f"together({a}, {b})")) for a, b in rules.together
    ]
    apart = [(seat(a, f"apart({a}, {b})"), seat(b, f"apart({a}, {b})")) for a, b in rules.apart]
    conflicts: list[str] = []
    for a, b in together + apart:
        if a == b:
            raise ValidationError(f"a rule pairs {people[a]} with themselves", field="rules")
    # hosts become locks for every round
    host_items: list[tuple[int, Person]]
    if isinstance(rules.hosts, Mapping):
        host_items = [(table_ok(t, f"host {p}"), p) for t, p in rules.hosts.items()]
    else:
        hosts_list = list(rules.hosts)
        if len(hosts_list) > g:
            conflicts.append(f"{len(hosts_list)} hosts for {g} tables")
            raise InfeasibleRulesError(conflicts)
        host_items = list(enumerate(hosts_list))
    hosts: dict[int, Person] = {}
    locks: dict[int, dict[int, int]] = {}
    lock_why: dict[tuple[int, int], str] = {}

    def add_lock(s: int, r: int, t: int, why: str) -> None:
        have = locks.setdefault(s, {})
        if r in have and have[r] != t:
            conflicts.append(f"{lock_why[(s, r)]} and {why}")
            return
        have[r] = t
        lock_why[(s, r)] = why

    host_seat: dict[int, int] = {}
    for t, p in host_items:
        s = seat(p, f"hosts (table {t + 1})")
        if s in host_seat:
            conflicts.append(f"host {p} at table {host_seat[s] + 1} and at table {t + 1}")
            continue
        host_seat[s] = t
        hosts[t] = p
        for r in range(rounds):
            add_lock(s, r, t, f"host {p} at table {t + 1}")
    for p, spec in rules.locked.items():
        s = seat(p, "locked")
        try:
            r_spec, t = spec
        except (TypeError, ValueError):
            raise ValidationError(
                f"locked {p}: expected (round or None, table), not {spec!r}", field="rules"
            ) from None
        t = table_ok(t, f"locked {p}")
        if r_spec is None:
            for r in range(rounds):
                add_lock(s, r, t, f"locked {p} to table {t + 1}")
        else:
            r = _check_int(r_spec, f"round of locked {p}", 0)
            if r >= rounds:
                raise ValidationError(
                    f"locked {p} to round {r}, but there are {rounds} rounds", field="rules"
                )
            add_lock(s, r, t, f"locked {p} to table {t + 1} in round {r + 1}")
    # two hosts at one table in a round
    for r in range(rounds):
        at: dict[int, int] = {}
        for s in host_seat:
            t = locks[s][r]
            if t in at:
                conflicts.append(f"hosts {people[at[t]]} and {people[s]} both at table {t + 1}")
            at[t] = s
    union = _Groups(len(people))
    for a, b in together:
        union.union(a, b)
    members: dict[int, list[int]] = {}
    for a, b in together:
        for s in (a, b):
            root = union.find(s)
            members.setdefault(root, [])
            if s not in members[root]:
                members[root].append(s)
    groups = [sorted(v) for v in members.values()]
    group_of = {s: k for k, grp in enumerate(groups) for s in grp}

    def listing(grp: list[int]) -> str:
        return ", ".join(str(people[s]) for s in grp)

    together_given = {frozenset(p): p for p in together}
    for a, b in apart:
        if a in group_of and group_of.get(a) == group_of.get(b):
            if frozenset((a, b)) in together_given:
                x, y = together_given[frozenset((a, b))]
                conflicts.append(
                    f"together({people[x]}, {people[y]}) and apart({people[a]}, {people[b]})"
                )
            else:
                conflicts.append(
                    f"together({listing(groups[group_of[a]])}) and apart({people[a]}, {people[b]})"
                )
    biggest = max(caps)
    for grp in groups:
        if len(grp) > biggest:
            conflicts.append(
                f"together({listing(grp)}) needs {len(grp)} seats, the largest table has {biggest}"
            )
    for grp in groups:
        for r in range(rounds):
            where = {s: locks[s][r] for s in grp if s in locks and r in locks[s]}
            if len(set(where.values())) > 1:
                items = sorted(where.items())
                s1 = items[0][0]
                s2 = next(x for x, t in items if t != items[0][1])
                conflicts.append(
                    f"{lock_why[(s1, r)]} and {lock_why[(s2, r)]} but together({listing(grp)})"
                )
                break
    for a, b in apart:
        for r in range(rounds):
            ta = _unit_table(a, r, locks, groups, group_of)
            tb = _unit_table(b, r, locks, groups, group_of)
            if ta is not None and ta == tb:
                conflicts.append(
                    f"apart({people[a]}, {people[b]}) but both are locked to table {ta + 1}"
                    f" in round {r + 1}"
                )
                break
    for r in range(rounds):
        load = [0] * g
        seen: set[int] = set()
        for s in range(len(people)):
            at_t = _unit_table(s, r, locks, groups, group_of)
            if at_t is not None and s not in seen:
                load[at_t] += 1
                seen.add(s)
        for t in range(g):
            if load[t] > caps[t]:
                conflicts.append(
                    f"{load[t]} people locked to table {t + 1} in round {r + 1},"
                    f" which has {caps[t]} seats"
                )
    if conflicts:
        raise InfeasibleRulesError(list(dict.fromkeys(conflicts)))
    return _Prepared(index, groups, group_of, locks, apart, hosts)


def _unit_table(
    s: int,
    r: int,
    locks: dict[int, dict[int, int]],
    groups: list[list[int]],
    group_of: dict[int, int],
) -> int | None:
    members = groups[group_of[s]] if s in group_of else [s]
    for x in members:
        if x in locks and r in locks[x]:
            return locks[x][r]
    return None


# --- the API -------------------------------------------------------------------------------


def plan_seating(
    people: Sequence[Person],
    tables: Sequence[int],
    rounds: int,
    *,
    weights: Mapping[tuple[Person, Person], float] | None = None,
    rules: SeatingRules | None = None,
    seed: int | None = None,
    time_limit: float = 5.0,
    history: Mapping[tuple[Person, Person], int] | None = None,
    target_repeats: int = 2,
    attributes: Mapping[Person, Hashable] | None = None,
    objective: ObjectiveWeights | None = None,
    max_iterations: int | None = None,
    stall_iterations: int | None = None,
    use_designs: bool = True,
    progress: Progress | None = None,
) -> SeatingPlan:
    """Seat ``people`` at ``tables`` (capacities) for ``rounds`` rounds (module docstring).

    ``weights`` ``{(a, b): w}`` (``w ∈ [0, 1]``) and ``history`` ``{(a, b): times met}``
    may name people who are not here (a club's absent members); those pairs are
    ignored. ``attributes`` ``{person: organisation}`` keeps tables diverse.
    ``progress(done, total)`` reports elapsed milliseconds of ``time_limit``.
    ``use_designs=False`` skips the constructions (search from a greedy start).
    ``stall_iterations`` (default ``max(2000, 20 · seats)``; 0 for never) ends the
    search after that many iterations without a better plan.

    Raises :class:`~dunbar.errors.ValidationError` on bad input (more guests than
    seats, a table below 2 seats, an unknown person in the rules, ``rounds < 1``)
    and :class:`~dunbar.errors.InfeasibleRulesError` when the rules contradict
    each other; nothing is returned in part.

    >>> plan = plan_seating(range(16), [4, 4, 4, 4], 5, seed=1)
    >>> plan.quality, plan.repeats, plan.method
    ('optimal', 0, 'construction AG(2, 4)')
    """
    started = time.perf_counter()
    people = list(people)
    n = len(people)
    if n == 0:
        raise ValidationError("nobody to seat", field="people")
    try:
        if len(set(people)) != n:
            dupes = sorted({str(p) for p in people if people.count(p) > 1})
            raise ValidationError(f"people listed twice: {', '.join(dupes)}", field="people")
    except TypeError:
        raise ValidationError("people must be hashable ids", field="people") from None
    caps = [_check_int(c, "table size", 2) for c in tables]
    if not caps:
        raise ValidationError("no tables", field="tables")
    if sum(caps) < n:
        raise ValidationError(f"{n} guests, {sum(caps)} seats", field="tables")
    rounds = _check_int(rounds, "rounds", 1)
    target_repeats = _check_int(target_repeats, "target_repeats", 1)
    if not (isinstance(time_limit, int | float) and math.isfinite(time_limit) and time_limit > 0):
        raise ValidationError("time_limit must be a positive number of seconds", field="time_limit")
    ow = objective or ObjectiveWeights()
    prepared = _prepare_rules(people, caps, rounds, rules)
    index = prepared.index
    g = len(caps)
    seats = sum(caps)
    w_arr = np.zeros((seats, seats))
    h_arr = np.zeros((seats, seats))
    same = np.zeros((seats, seats))
    apart = np.zeros((seats, seats))
    kept_w: dict[tuple[Person, Person], float] = {}
    for (a, b), w in (weights or {}).items():
        wf = float(w)
        if not math.isfinite(wf) or not 0 <= wf <= 1:
            raise ValidationError(
                f"weight of ({a}, {b}) must be in [0, 1], not {w!r}", field="weights"
            )
        if a in index and b in index and a != b and wf > 0:
            i, j = index[a], index[b]
            w_arr[i, j] = w_arr[j, i] = max(w_arr[i, j], wf)
            kept_w[(a, b)] = wf
    kept_h: dict[tuple[Person, Person], int] = {}
    for (a, b), k in (history or {}).items():
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
            raise ValidationError(
                f"history of ({a}, {b}) must be a count >= 0, not {k!r}", field="history"
            )
        if a in index and b in index and a != b and k > 0:
            i, j = index[a], index[b]
            h_arr[i, j] += k
            h_arr[j, i] = h_arr[i, j]
            kept_h[(a, b)] = int(k)
    kept_attr = {p: v for p, v in (attributes or {}).items() if p in index}
    if kept_attr:
        for a, b in combinations(kept_attr, 2):
            if kept_attr[a] == kept_attr[b]:
                i, j = index[a], index[b]
                same[i, j] = same[j, i] = 1
    for a, b in prepared.apart:
        apart[a, b] = apart[b, a] = 1
    real = np.zeros((seats, seats))
    real[:n, :n] = 1
    np.fill_diagonal(real, 0)
    target = np.where(w_arr > 0, float(target_repeats), 1.0)
    f = PairFunction(
        h_arr,
        w_arr,
        target,
        same,
        apart,
        real,
        ow.new_pair,
        ow.promising,
        ow.over_target,
        ow.diversity,
        _RULE,
    )

    bounds = _bounds(people, caps, rounds, kept_w, target_repeats, ow)
    uniform = len(set(caps)) == 1 and seats == n
    plain = not kept_w and not kept_h and not kept_attr and rules is None
    design = construct(g, caps[0], rounds) if uniform and use_designs else None
    method = "tabu search"
    tables_arr: np.ndarray[Any, np.dtype[np.int64]]
    if design is not None and plain:
        tables_arr = _from_schedule(design, seats)
        iterations, stopped = 0, "construction"
        trace: tuple[tuple[float, float], ...] = ()
        method = f"construction {_design_name(g, caps[0], rounds)}"
    else:
        rng = np.random.default_rng(seed)
        pyrng = random.Random(seed)
        start_rounds: list[list[list[int]]] = []
        if uniform and use_designs and not prepared.locks and not prepared.groups:
            weeks = construction_weeks(g, caps[0])
            if weeks:
                got = construct(g, caps[0], min(weeks, rounds))
                start_rounds = got or []
        tables_arr, movable = _greedy(f, caps, rounds, prepared, start_rounds, pyrng)
        goal = bounds.objective if plain else None
        result = tabu_search(
            f,
            tables_arr,
            movable,
            g,
            seed=rng,
            time_limit=time_limit,
            max_iterations=max_iterations,
            stall_iterations=(
                max(2000, 20 * seats) if stall_iterations is None else (stall_iterations or None)
            ),
            target=goal,
            progress=progress,
        )
        tables_arr, iterations, stopped = result.tables, result.iterations, result.stopped
        trace = result.trace
    plan_rounds = [
        [[people[s] for s in np.flatnonzero(tables_arr[r] == t) if s < n] for t in range(g)]
        for r in range(rounds)
    ]
    parts = _objective(f, tables_arr, n, ow)
    if parts.rule_violations:
        broken = sorted(
            {
                f"apart({people[a]}, {people[b]})"
                for a, b in prepared.apart
                if any(tables_arr[r, a] == tables_arr[r, b] for r in range(rounds))
            }
        )
        raise InfeasibleRulesError(
            [f"could not keep {b} with the other rules and tables" for b in broken]
        )
    m = counts(tables_arr[:, :n])
    iu = np.triu_indices(n, 1)
    mm, hh, tt = m[iu], h_arr[:n, :n][iu], target[:n, :n][iu]
    repeats = int(np.maximum(mm - 1, 0).sum())
    over = int(np.maximum(mm - tt, 0).sum())
    with_history = int((np.maximum(mm + hh - 1, 0) - np.maximum(hh - 1, 0)).sum())
    allowance = int(np.minimum(tt - 1, rounds - 1)[mm >= 0].sum()) if kept_w else 0
    floor = max(0, bounds.best - allowance)
    if bounds.proven_optimum is not None and not kept_w:
        floor = max(floor, bounds.proven_optimum)  # every pair's target is 1: over = repeats
    gap = max(0, over - floor)
    quality = "optimal" if gap == 0 else f"within {gap} repeats of the best possible"
    if gap and bounds.objective is not None and plain and parts.total >= bounds.objective - 1e-6:
        quality = f"optimal for the objective (repeats spread fairly); {quality}"
    return SeatingPlan(
        rounds=plan_rounds,
        objective=parts,
        bounds=bounds,
        repeats=repeats,
        repeats_over_target=over,
        repeats_with_history=with_history,
        gap=gap,
        quality=quality,
        seed=seed,
        seconds=time.perf_counter() - started,
        iterations=iterations,
        method=method,
        stopped=stopped,
        weights=kept_w,
        history=kept_h,
        attributes=kept_attr,
        hosts=prepared.hosts,
        together=list(rules.together) if rules is not None else [],
        trace=trace,
    )


def _design_name(g: int, s: int, w: int) -> str:
    if s == 2:
        return f"round robin of {2 * g}"
    if (g, s) == (5, 3) and w > 5:
        return "KTS(15)"
    return f"AG(2, {g})" if g == s else f"TD({s}, {g})"


def _from_schedule(
    design: list[list[list[int]]], seats: int
) -> np.ndarray[Any, np.dtype[np.int64]]:
    out = np.zeros((len(design), seats), dtype=np.int64)
    for r, tables in enumerate(design):
        for t, members in enumerate(tables):
            out[r, members] = t
    return out


def _objective(
    f: PairFunction, tables: np.ndarray[Any, np.dtype[np.int64]], n: int, ow: ObjectiveWeights
) -> SeatingObjective:
    m = counts(tables)[:n, :n]
    iu = np.triu_indices(n, 1)
    mm = m[iu]
    hh = f.history[:n, :n][iu]
    tt = f.target[:n, :n][iu]
    ww = f.weight[:n, :n][iu]
    new = int(((hh == 0) & (mm >= 1)).sum())
    prom = float((ww * (np.minimum(hh + mm, tt) - np.minimum(hh, tt))).sum())
    over = int((np.maximum(hh + mm - tt, 0) ** 2 - np.maximum(hh - tt, 0) ** 2).sum())
    same = int((f.same[:n, :n][iu] * mm).sum())
    viol = int((f.apart[:n, :n][iu] * mm).sum())
    total = ow.new_pair * new + ow.promising * prom - ow.over_target * over - ow.diversity * same
    check = total_value(f, tables) + _RULE * viol
    assert abs(check - total) < 1e-6 * max(1.0, abs(total)), (check, total)
    return SeatingObjective(new, prom, over, same, viol, total, ow)


def _bounds(
    people: Sequence[Person],
    caps: Sequence[int],
    rounds: int,
    weights: Mapping[tuple[Person, Person], float],
    target_repeats: int,
    ow: ObjectiveWeights,
) -> SeatingBounds:
    n = len(people)
    mp = max_pairs_bound(n, caps, rounds)
    wp = week_pair_bound(n, caps, rounds)
    weeks = weeks_bound(len(caps), caps[0]) if len(set(caps)) == 1 and sum(caps) == n else None
    star = None
    if weights:
        star = star_bound(people, caps, rounds, weights, default_target=target_repeats)
    objective = objective_bound(n, caps, rounds, ow.new_pair, ow.over_target)
    proven = proven_optimum(n, caps, rounds) if sum(caps) == n else None
    return SeatingBounds(mp, wp, max(mp, wp or 0), weeks, star, objective, proven)


def _greedy(
    f: PairFunction,
    caps: Sequence[int],
    rounds: int,
    prepared: _Prepared,
    start: list[list[list[int]]],
    rng: random.Random,
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.bool_]]]:
    """A first plan: given rounds, then locked units, groups and people by best gain."""
    seats = sum(caps)
    n = len(prepared.index)
    g = len(caps)
    tables = np.full((rounds, seats), -1, dtype=np.int64)
    movable = np.ones((rounds, seats), dtype=bool)
    m = np.zeros((seats, seats))
    groups = prepared.groups
    group_of = prepared.group_of
    units: list[list[int]] = [list(grp) for grp in groups] + [
        [s] for s in range(n) if s not in group_of
    ]
    for r in range(rounds):
        if r < len(start):
            for t, members in enumerate(start[r]):
                tables[r, members] = t
        else:
            up = f(m + 1) - f(m)
            room = list(caps)
            gain = np.zeros((seats, g))

            def place(unit: list[int], t: int, fixed: bool, r: int = r, up: Any = up) -> None:
                for s in unit:
                    tables[r, s] = t
                    gain[:, t] += up[:, s]  # noqa: B023 - called in this iteration only
                    if fixed:
                        movable[r, s] = False
                room[t] -= len(unit)  # noqa: B023

            order = list(range(len(units)))
            rng.shuffle(order)
            fixed_units = []
            free_groups = []
            singles = []
            for k in order:
                unit = units[k]
                t_lock = _unit_table(unit[0], r, prepared.locks, groups, group_of)
                if t_lock is not None:
                    fixed_units.append((unit, t_lock))
                elif len(unit) > 1:
                    free_groups.append(unit)
                else:
                    singles.append(unit)
            for unit, t in fixed_units:
                place(unit, t, True)
            free_groups.sort(key=len, reverse=True)
            for unit in free_groups + singles:
                fits = [t for t in range(g) if room[t] >= len(unit)]
                if not fits:
                    sizes = sorted((len(u) for u in groups), reverse=True)
                    groups_s = ", ".join(map(str, sizes))
                    caps_s = ", ".join(map(str, caps))
                    raise InfeasibleRulesError(
                        [f"together groups of {groups_s} people do not fit at tables of {caps_s}"]
                    )
                # every seat is filled in the end, so the new-pair value of joining a
                # fuller table is no gain: score tables by what beats a stranger
                stranger = f.new * len(unit) * np.array([caps[t] - room[t] for t in fits])
                if seats > n:
                    stranger[:] = 0.0
                score = [
                    float(gain[unit, t].sum()) - float(stranger[k]) + 1e-9 * room[t]
                    for k, t in enumerate(fits)
                ]
                best = max(score)
                tie = [t for t, sc in zip(fits, score, strict=True) if sc >= best - 1e-12]
                place(unit, rng.choice(tie), len(unit) > 1)
            ghost = n
            for t in range(g):
                for _ in range(room[t]):
                    tables[r, ghost] = t
                    ghost += 1
        m += tables[r][:, None] == tables[r][None, :]
        np.fill_diagonal(m, 0)
    return tables, movable
