"""Exact fewest repeats of a small seating instance, by exhaustive search (issue 6).

    python benchmarks/prove_supper_club.py                 # 15 people, 3 tables of 5, 4 rounds
    python benchmarks/prove_supper_club.py --rounds 3
    python benchmarks/prove_supper_club.py --rounds 5 --max-seconds 600
    python benchmarks/prove_supper_club.py --check         # the cross-checks only
    python benchmarks/prove_supper_club.py --independent   # 4 rounds without step 1 (20 min)

``n = g·s`` people at ``g`` tables of ``s`` for ``W`` rounds. Every pair's meetings
``m_ij`` sum to ``T = W·g·C(s, 2)``, so the repeats ``Σ max(0, m_ij − 1)`` are
``T − covered``, ``covered`` the pairs that meet at all: the fewest repeats are
``T`` less the most pairs ``W`` partitions of the people into ``g`` tables of ``s``
can cover. This script finds that maximum by branch and bound over all plans.

Symmetry breaking (each step keeps at least one optimal plan in the search):

1. **Rounds.** Relabel the rounds so that rounds 1 and 2 share the most pairs
   of any two rounds (``o₁₂``), and rounds 3 … W are in decreasing order of the
   pairs each adds to those of rounds 1 and 2. Hence every two rounds share at
   most ``o₁₂`` pairs, and round ``k + 1`` adds no more to rounds 1–2 than round
   ``k`` (the search imposes both).
2. **People, round 1.** Rename the people so round 1 is ``{0 … s−1}, {s … 2s−1}, …``.
3. **People, round 2.** The renamings that keep round 1 (permute within its tables,
   permute its tables) map round 2 to every round with the same ``g × g``
   intersection matrix with round 1, up to permuting its rows and columns: cells
   of equal size in one row of round 1 can be exchanged person by person. So one
   round 2 per class of matrices is enough.

Branch and bound: rounds 3 … W are chosen among all partitions that keep
(1); a partial plan covering ``C`` pairs, whose next round can add at most ``M``
pairs (the most of any allowed partition, computed exactly over all of them), is
cut when ``C + (rounds left)·M`` cannot beat the best plan so far; the last round
is scored over every allowed partition at once (numpy bit masks of the pairs). A
plan is counted only when it is found, so the result is exact: the best plan
found is returned, and it is checked by recounting its repeats pair by pair.

Cross-checks (``--check``): 2 rounds of the supper club give 6, the §5 week-pair
bound (``bounds.week_pair_bound``); 9 people at 3 tables of 3 over 3 and 4
rounds, and 6 people at 2 tables of 3 over 4 rounds, against a brute force
with round 1 fixed and nothing else; 3 rounds of the supper club against
``plan_seating``'s best (the search can only be better or equal).
``--independent`` redoes the last round of the proof without step 1 or the
branch and bound: round 2 by class, every round 3 after which 30 more pairs
could still beat ``--goal`` pairs, round 4 exact over all partitions.

Result (15 people, 3 tables of 5; RESULTS.md "Seating plans"): 2 rounds 6,
3 rounds 13, 4 rounds 23 repeats (the §5 week-pair bound is 18).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from itertools import combinations, permutations
from typing import Any

import numpy as np

Masks = np.ndarray[Any, np.dtype[np.uint64]]


def partitions(g: int, s: int) -> np.ndarray[Any, np.dtype[np.int8]]:
    """Every partition of ``g·s`` people into ``g`` unordered tables of ``s``.

    Row ``k`` gives each person's table; tables are numbered by their smallest member.
    """
    n = g * s
    rows: list[list[int]] = []

    def extend(label: list[int], left: list[int], table: int) -> None:
        if not left:
            rows.append(label[:])
            return
        first, rest = left[0], left[1:]
        for others in combinations(rest, s - 1):
            for p in (first, *others):
                label[p] = table
            extend(label, [p for p in rest if p not in others], table + 1)

    extend([0] * n, list(range(n)), 0)
    return np.array(rows, dtype=np.int8)


def pair_masks(labels: np.ndarray[Any, np.dtype[np.int8]]) -> Masks:
    """The pairs each partition seats together, as bits of ``⌈C(n, 2)/64⌉`` words."""
    n = labels.shape[1]
    pairs = list(combinations(range(n), 2))
    words = (len(pairs) + 63) // 64
    out = np.zeros((labels.shape[0], words), dtype=np.uint64)
    for bit, (i, j) in enumerate(pairs):
        same = (labels[:, i] == labels[:, j]).astype(np.uint64)
        out[:, bit // 64] |= same << np.uint64(bit % 64)
    return out


def popcount(masks: Masks) -> np.ndarray[Any, np.dtype[np.int64]]:
    counts: np.ndarray[Any, np.dtype[np.int64]] = np.bitwise_count(masks).sum(
        axis=1, dtype=np.int64
    )
    return counts


def round_two_classes(labels: np.ndarray[Any, np.dtype[np.int8]], g: int, s: int) -> list[int]:
    """One partition per class of intersection matrices with round 1 (step 3)."""
    blocks = np.stack(
        [
            np.stack([(labels[:, b * s : (b + 1) * s] == t).sum(axis=1) for t in range(g)], axis=1)
            for b in range(g)
        ],
        axis=1,
    )  # (P, g rows = round-1 tables, g columns = the partition's tables)
    base = s + 1
    weights = base ** np.arange(g * g - 1, -1, -1, dtype=np.int64)
    code = np.full(labels.shape[0], np.iinfo(np.int64).max, dtype=np.int64)
    for rp in permutations(range(g)):
        for cp in permutations(range(g)):
            flat = blocks[:, list(rp)][:, :, list(cp)].reshape(len(labels), -1)
            code = np.minimum(code, flat.astype(np.int64) @ weights)
    _, first = np.unique(code, return_index=True)
    return sorted(int(k) for k in first)


@dataclass
class Result:
    n: int
    g: int
    s: int
    rounds: int
    covered: int = -1
    plan: list[int] = field(default_factory=list)
    nodes: int = 0  # partial plans expanded (round 2 classes, then rounds 3 … W − 1)
    leaves: int = 0  # complete plans scored in the last round
    seconds: float = 0.0
    finished: bool = True

    @property
    def meetings(self) -> int:
        return self.rounds * self.g * self.s * (self.s - 1) // 2

    @property
    def repeats(self) -> int:
        return self.meetings - self.covered


def solve(g: int, s: int, rounds: int, *, max_seconds: float | None = None) -> Result:
    """The most pairs ``rounds`` partitions into ``g`` tables of ``s`` cover (exact).

    ``finished`` is False when ``max_seconds`` ran out; ``covered`` is then only
    the best found.
    """
    if rounds < 2:
        raise ValueError("at least 2 rounds (1 round has no repeats)")
    started = time.perf_counter()
    labels = partitions(g, s)
    masks = pair_masks(labels)
    res = Result(g * s, g, s, rounds)
    full = np.uint64(2**64 - 1)
    classes = round_two_classes(labels, g, s)
    # rounds 1 and 2 share o₁₂ pairs; the classes with the least sharing first
    shared_with_1 = popcount(masks & masks[0])
    classes.sort(key=lambda k: int(shared_with_1[k]))
    for second in classes:
        if max_seconds is not None and time.perf_counter() - started > max_seconds:
            res.finished = False
            break
        res.nodes += 1
        o12 = int(shared_with_1[second])
        covered2 = masks[0] | masks[second]
        c2 = int(popcount(covered2[None, :])[0])
        if rounds == 2:
            if c2 > res.covered:
                res.covered, res.plan = c2, [0, second]
            continue
        ok = (shared_with_1 <= o12) & (popcount(masks & masks[second]) <= o12)
        adds_to_12 = popcount(masks & (covered2 ^ full))
        _branch(
            res, masks, [0, second], covered2, c2, ok, adds_to_12, None, o12, started, max_seconds
        )
    res.seconds = time.perf_counter() - started
    if res.plan:
        res.plan = [int(k) for k in res.plan]
        assert recount(labels[res.plan]) == res.repeats, "the best plan does not recount"
    return res


def _branch(
    res: Result,
    masks: Masks,
    plan: list[int],
    covered: Masks,
    c: int,
    ok: np.ndarray[Any, np.dtype[np.bool_]],
    adds_to_12: np.ndarray[Any, np.dtype[np.int64]],
    last_adds: int | None,
    o12: int,
    started: float,
    max_seconds: float | None,
) -> None:
    """Choose round ``len(plan) + 1`` among the partitions allowed by ``ok``."""
    full = np.uint64(2**64 - 1)
    allowed = ok if last_adds is None else ok & (adds_to_12 <= last_adds)
    idx = np.flatnonzero(allowed)
    if idx.size == 0:
        return
    new = popcount(masks[idx] & (covered ^ full))
    left = res.rounds - len(plan)  # rounds still to choose, this one included
    if left == 1:
        res.leaves += int(idx.size)
        k = int(np.argmax(new))
        if c + int(new[k]) > res.covered:
            res.covered, res.plan = c + int(new[k]), [*plan, int(idx[k])]
        return
    most = int(new.max())
    # after this round, each later one adds at most min(most, what it adds to rounds 1–2),
    # and what it adds to rounds 1–2 is at most this round's (step 1)
    bound = c + new + (left - 1) * np.minimum(adds_to_12[idx], most)
    order = np.argsort(-bound, kind="stable")
    for pos in order:
        if int(bound[pos]) <= res.covered:
            break
        if max_seconds is not None and time.perf_counter() - started > max_seconds:
            res.finished = False
            return
        k = int(idx[pos])
        res.nodes += 1
        child_ok = allowed & (popcount(masks & masks[k]) <= o12)
        _branch(
            res,
            masks,
            [*plan, k],
            covered | masks[k],
            c + int(new[pos]),
            child_ok,
            adds_to_12,
            int(adds_to_12[k]),
            o12,
            started,
            max_seconds,
        )


def recount(plan: np.ndarray[Any, np.dtype[np.int8]]) -> int:
    """Repeats of a plan (rows: rounds, each person's table), pair by pair."""
    n = plan.shape[1]
    total = 0
    for i, j in combinations(range(n), 2):
        m = sum(1 for row in plan if row[i] == row[j])
        total += max(0, m - 1)
    return total


def brute_force(g: int, s: int, rounds: int, *, classes: bool = False) -> int:
    """Fewest repeats with round 1 fixed and every later round free (tiny instances).

    ``classes``: round 2 only one per class of step 3, rounds 3 … W free (this
    checks steps 1 and the branch and bound on larger instances).
    """
    labels = partitions(g, s)
    masks = pair_masks(labels)
    full = np.uint64(2**64 - 1)
    best = -1

    def go(covered: Masks, c: int, left: int) -> None:
        nonlocal best
        new = popcount(masks & (covered ^ full))
        if left == 1:
            best = max(best, c + int(new.max()))
            return
        for k in range(len(masks)):
            go(covered | masks[k], c + int(new[k]), left - 1)

    c1 = int(popcount(masks[:1])[0])
    if classes:
        for k in round_two_classes(labels, g, s):
            both = masks[0] | masks[k]
            c2 = int(popcount(both[None, :])[0])
            if rounds == 2:
                best = max(best, c2)
            else:
                go(both, c2, rounds - 2)
    else:
        go(masks[0], c1, rounds - 1)
    return rounds * g * s * (s - 1) // 2 - best


def independent(g: int, s: int, goal: int) -> tuple[int, int]:
    """Most pairs 4 rounds cover when that beats ``goal - 1``, else at most ``goal - 1``.

    Steps 2 and 3 only: (the best found, the round-3 candidates tried).
    """
    labels = partitions(g, s)
    masks = pair_masks(labels)
    full = np.uint64(2**64 - 1)
    best, tried = 0, 0
    for k in round_two_classes(labels, g, s):
        both = masks[0] | masks[k]
        c2 = int(popcount(both[None, :])[0])
        new3 = popcount(masks & (both ^ full))
        for j in np.flatnonzero(c2 + new3 + 30 >= goal):
            tried += 1
            three = both | masks[j]
            best = max(best, c2 + int(new3[j]) + int(popcount(masks & (three ^ full)).max()))
        print(f"  round 2 class {k}: {c2} pairs, {tried:,} tried, best {best}", flush=True)
    return best, tried


def tables_of(res: Result) -> list[list[list[int]]]:
    labels = partitions(res.g, res.s)
    return [
        [[p for p in range(res.n) if labels[k, p] == t] for t in range(res.g)] for k in res.plan
    ]


def check() -> None:
    from dunbar.gatherings import ObjectiveWeights, plan_seating
    from dunbar.gatherings.bounds import week_pair_bound

    two = solve(3, 5, 2)
    assert two.repeats == week_pair_bound(15, [5, 5, 5], 2) == 6, two
    print(f"check: 15 @ 3x5, 2 rounds: {two.repeats} = the week-pair bound", flush=True)
    for g, s, w in ((3, 3, 3), (3, 3, 4), (2, 3, 4), (3, 4, 3)):
        exact, brute = solve(g, s, w).repeats, brute_force(g, s, w)
        assert exact == brute, (g, s, w, exact, brute)
        print(f"check: {g * s} @ {g}x{s}, {w} rounds: {exact} = brute force", flush=True)
    for g, s, w in ((3, 4, 4), (3, 3, 5)):
        exact, brute = solve(g, s, w).repeats, brute_force(g, s, w, classes=True)
        assert exact == brute, (g, s, w, exact, brute)
        print(
            f"check: {g * s} @ {g}x{s}, {w} rounds: {exact} = brute force over rounds 3-{w}",
            flush=True,
        )
    three = solve(3, 5, 3)
    plan = plan_seating(
        range(15),
        [5, 5, 5],
        3,
        seed=1,
        time_limit=2.0,
        objective=ObjectiveWeights(over_target=0.01),
    )
    assert three.repeats <= plan.repeats, (three, plan.repeats)
    print(f"check: 15 @ 3x5, 3 rounds: {three.repeats}, plan_seating {plan.repeats}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=3)
    parser.add_argument("--size", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=None)
    parser.add_argument("--check", action="store_true", help="run the cross-checks only")
    parser.add_argument("--independent", action="store_true", help="4 rounds, no step 1")
    parser.add_argument("--goal", type=int, default=98, help="pairs to beat, --independent")
    args = parser.parse_args(argv)
    if args.check:
        check()
        return 0
    if args.independent:
        t0 = time.perf_counter()
        best, tried = independent(args.tables, args.size, args.goal)
        n = args.tables * args.size
        meetings = 4 * args.tables * args.size * (args.size - 1) // 2
        verdict = f"{best}" if best >= args.goal else f"{best} (< {args.goal})"
        print(
            f"{n} people, 4 rounds, without step 1: most pairs covered {verdict}, "
            f"fewest repeats {meetings - best if best >= args.goal - 1 else 'unknown'}; "
            f"{tried:,} round-3 candidates, {time.perf_counter() - t0:.0f} s",
            flush=True,
        )
        return 0
    res = solve(args.tables, args.size, args.rounds, max_seconds=args.max_seconds)
    verdict = "optimum" if res.finished else "best found (time cap hit: NOT proven)"
    print(
        f"{res.n} people at {res.g} tables of {res.s}, {res.rounds} rounds: {verdict} "
        f"{res.repeats} repeats ({res.covered} of {res.n * (res.n - 1) // 2} pairs meet); "
        f"{res.nodes:,} nodes, {res.leaves:,} complete plans scored, {res.seconds:.1f} s",
        flush=True,
    )
    for r, tables in enumerate(tables_of(res), start=1):
        print(f"  round {r}: " + " | ".join(" ".join(map(str, t)) for t in tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
