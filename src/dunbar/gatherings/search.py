"""Multi-round swap tabu search for seating plans (GATHERINGS.md §3, §6.2).

The engine works on seats ``0 … S−1`` (people first, then empty seats as
"ghosts" that have no pairs), ``R`` rounds and ``g`` tables. The objective is a
sum over pairs of a function of how often the pair meets, ``Σ_{i<j} f_ij(m_ij)``
(:mod:`dunbar.gatherings.seating` defines ``f``). A move swaps two seats at
different tables in one round (a person with a ghost is a move to an empty seat).

Incremental deltas
    ``Up_ij = f_ij(m_ij + 1) − f_ij(m_ij)`` and ``Dn_ij = f_ij(m_ij − 1) − f_ij(m_ij)``
    are kept as S×S arrays, and per round ``U_r[i, T] = Σ_{k at T} Up_ik`` and
    ``D_r[i, T]`` likewise. Swapping ``i`` (table A) and ``j`` (table B) in round
    ``r`` changes the objective by::

        Δ_ij = U_r[i, B] + D_r[i, A] + U_r[j, A] + D_r[j, B] − 2·Up_ij

    so the whole swap neighbourhood of a round is a handful of numpy operations on
    S×S arrays (all rounds at once for small instances, one round per iteration
    for large ones). After a move only the ``O(s)`` pairs of ``i`` and ``j`` at
    the two tables change; ``Up``, ``Dn`` and every round's ``U``, ``D`` are
    updated in ``O(R·s + S)``.
Tabu
    Best non-tabu swap (ties broken by the seeded generator), a moved seat is tabu
    in its round for a random tenure, aspiration when a move beats the best plan
    (Dotú & Van Hentenryck 2005). After a stall, a random breakout of a few swaps;
    after several fruitless breakouts, a restart from the best plan.
Stopping
    At ``target`` (a proven bound: the plan is optimal), after ``max_iterations``,
    after ``stall_iterations`` without a better plan, or at ``time_limit``
    seconds. Only the last depends on the machine: with the same seed, runs that
    stop for one of the other reasons return the same plan.

References
----------
Dotú & Van Hentenryck, "Scheduling social golfers locally", CPAIOR 2005, LNCS
3524:155–167. Lewis & Carroll, JORS 67(11):1353–1362 (2016). GATHERINGS.md §6.2.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["PairFunction", "SearchResult", "tabu_search"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: ``progress(done, total)``: elapsed milliseconds of the time limit.
Progress = Callable[[int, int], None]
_EPS = 1e-9


@dataclass(frozen=True)
class PairFunction:
    """``f_ij(m)`` of the objective, for the seats' pairs (S×S arrays, symmetric).

    ``f(m) = new·[h = 0][h + m ≥ 1] + promising·w·min(h + m, t)
    − over·max(0, h + m − t)² − diversity·same·m − rule·apart·m``, times ``real``.
    """

    history: FloatArray
    weight: FloatArray
    target: FloatArray
    same: FloatArray
    apart: FloatArray
    real: FloatArray
    new: float
    promising: float
    over: float
    diversity: float
    rule: float

    def __call__(self, m: FloatArray, idx: tuple[IntArray, IntArray] | None = None) -> FloatArray:
        """``f(m)`` elementwise; ``idx`` selects the pairs ``m`` belongs to (else all)."""

        def at(arr: FloatArray) -> FloatArray:
            return arr if idx is None else arr[idx]

        h, t = at(self.history), at(self.target)
        total = h + m
        value = self.new * ((h == 0) & (total >= 1))
        value = value + self.promising * at(self.weight) * np.minimum(total, t)
        value = value - self.over * np.maximum(total - t, 0.0) ** 2
        value = value - (self.diversity * at(self.same) + self.rule * at(self.apart)) * m
        return np.asarray(value * at(self.real), dtype=np.float64)


@dataclass(frozen=True)
class SearchResult:
    """The best seating found: ``tables[r, seat]``, its objective, and why it stopped.

    ``trace`` lists ``(seconds, total)`` each time a better plan was found.
    """

    tables: IntArray
    total: float
    iterations: int
    stopped: str
    trace: tuple[tuple[float, float], ...] = ()


def counts(tables: IntArray) -> FloatArray:
    """``m_ij``: in how many rounds seats ``i`` and ``j`` share a table (diagonal 0)."""
    s = tables.shape[1]
    m = np.zeros((s, s))
    for row in tables:
        m += row[:, None] == row[None, :]
    np.fill_diagonal(m, 0)
    return m


def total_value(f: PairFunction, tables: IntArray) -> float:
    """``Σ_{i<j} f_ij(m_ij) − f_ij(0)``: the objective of a plan, from scratch."""
    m = counts(tables)
    gain = f(m) - f(np.zeros_like(m))
    return float(np.triu(gain, 1).sum())


def tabu_search(
    f: PairFunction,
    tables: IntArray,
    movable: BoolArray,
    g: int,
    *,
    seed: np.random.Generator,
    time_limit: float,
    max_iterations: int | None = None,
    stall_iterations: int | None = None,
    target: float | None = None,
    progress: Progress | None = None,
) -> SearchResult:
    """Improve ``tables`` (R×S, table of each seat per round) by swap tabu search.

    ``movable[r, seat]`` is False for seats fixed in round ``r`` (locked people,
    hosts, together groups). ``tables`` is not modified.
    """
    rng = seed
    start = time.perf_counter()
    tab = tables.astype(np.int64).copy()
    n_rounds, n_seats = tab.shape
    m = counts(tab)
    up = f(m + 1) - f(m)
    dn = np.where(m >= 1, f(np.maximum(m - 1, 0)) - f(m), 0.0)
    u = np.zeros((n_rounds, n_seats, g))
    d = np.zeros((n_rounds, n_seats, g))
    eye_g = np.eye(g)
    for r in range(n_rounds):
        onehot = eye_g[tab[r]]
        u[r] = up @ onehot
        d[r] = dn @ onehot
    total = total_value(f, tab)
    lut = _lookup(f, n_rounds, n_seats)
    best_total, best_tab = total, tab.copy()
    trace = [(time.perf_counter() - start, total)]
    ghost = f.real.sum(axis=1) == 0
    static_bad = np.tril(np.ones((n_seats, n_seats), dtype=bool)) | (
        ghost[:, None] & ghost[None, :]
    )
    all_rounds = n_rounds * n_seats * n_seats <= 250_000
    tabu_until = np.zeros((n_rounds, n_seats), dtype=np.int64)
    tenure_lo, tenure_span = 3, max(2, min(10, n_seats // 4))
    stall_breakout = max(40, 4 * n_seats)
    breakouts = 0
    it = last_improve = 0
    stopped = "iterations"
    limit_ms = max(1, int(time_limit * 1000))
    next_report = 0.1
    arange = np.arange(n_seats)
    if target is not None and best_total >= target - _EPS:
        return SearchResult(best_tab, best_total, 0, "bound")
    if not movable.any():
        return SearchResult(best_tab, best_total, 0, "iterations")
    while True:
        if max_iterations is not None and it >= max_iterations:
            stopped = "iterations"
            break
        if stall_iterations is not None and it - last_improve >= stall_iterations:
            stopped = "stall"
            break
        elapsed = time.perf_counter() - start
        if elapsed >= time_limit:
            stopped = "time"
            break
        if progress is not None and elapsed >= next_report:
            progress(min(limit_ms, int(elapsed * 1000)), limit_ms)
            next_report = elapsed + 0.1
        it += 1
        rounds = np.arange(n_rounds) if all_rounds else np.array([it % n_rounds])
        tr = tab[rounds]  # k × S
        q = u[rounds[:, None, None], arange[None, :, None], tr[:, None, :]]
        a = d[rounds[:, None], arange[None, :], tr]
        delta = q + q.transpose(0, 2, 1) + a[:, :, None] + a[:, None, :] - 2 * up[None]
        bad = static_bad[None] | (tr[:, :, None] == tr[:, None, :])
        mov = movable[rounds]
        bad |= ~(mov[:, :, None] & mov[:, None, :])
        tabu = tabu_until[rounds] > it
        tabu_pair = tabu[:, :, None] | tabu[:, None, :]
        aspire = total + delta > best_total + _EPS
        bad |= tabu_pair & ~aspire
        delta = np.where(bad, -np.inf, delta)
        flat = delta.ravel()
        top = flat.max()
        if not np.isfinite(top):
            tabu_until[:] = 0
            continue
        ties = np.flatnonzero(flat >= top - _EPS)
        pick = int(ties[rng.integers(len(ties))]) if len(ties) > 1 else int(ties[0])
        k, rest = divmod(pick, n_seats * n_seats)
        i, j = divmod(rest, n_seats)
        r = int(rounds[k])
        _swap(f, tab, m, up, dn, u, d, r, i, j, lut)
        total += float(top)
        tenure = tenure_lo + int(rng.integers(tenure_span))
        tabu_until[r, i] = tabu_until[r, j] = it + tenure
        if total > best_total + _EPS:
            best_total, best_tab = total, tab.copy()
            trace.append((time.perf_counter() - start, total))
            last_improve = it
            breakouts = 0
            if target is not None and best_total >= target - _EPS:
                stopped = "bound"
                break
        elif it - last_improve >= stall_breakout * (breakouts + 1):
            breakouts += 1
            if breakouts % 8 == 0:  # restart from the best plan
                total = _reset(f, tab, best_tab, m, up, dn, u, d, eye_g)
            for _ in range(max(2, n_seats // 16)):
                rr = int(rng.integers(n_rounds))
                choices = np.flatnonzero(movable[rr])
                if len(choices) < 2:
                    continue
                x, y = rng.choice(choices, 2, replace=False)
                if tab[rr, x] == tab[rr, y] or (ghost[x] and ghost[y]):
                    continue
                before = _pair_sum(f, m)
                _swap(f, tab, m, up, dn, u, d, rr, int(x), int(y), lut)
                total += _pair_sum(f, m) - before
    if progress is not None:
        progress(limit_ms, limit_ms)
    return SearchResult(best_tab, best_total, it, stopped, tuple(trace))


def _pair_sum(f: PairFunction, m: FloatArray) -> float:
    return float(np.triu(f(m), 1).sum())


def _reset(
    f: PairFunction,
    tab: IntArray,
    best: IntArray,
    m: FloatArray,
    up: FloatArray,
    dn: FloatArray,
    u: FloatArray,
    d: FloatArray,
    eye_g: FloatArray,
) -> float:
    tab[:] = best
    m[:] = counts(tab)
    up[:] = f(m + 1) - f(m)
    dn[:] = np.where(m >= 1, f(np.maximum(m - 1, 0)) - f(m), 0.0)
    for r in range(tab.shape[0]):
        onehot = eye_g[tab[r]]
        u[r] = up @ onehot
        d[r] = dn @ onehot
    return total_value(f, tab)


def _lookup(f: PairFunction, n_rounds: int, n_seats: int) -> FloatArray | None:
    """``f_ij(k)`` for ``k = 0 … R + 1`` as an S×S×(R+2) table (None when too big)."""
    if n_seats * n_seats * (n_rounds + 2) > 20_000_000:
        return None
    levels = [f(np.full((n_seats, n_seats), float(k))) for k in range(n_rounds + 2)]
    return np.ascontiguousarray(np.stack(levels, axis=-1))


def _swap(
    f: PairFunction,
    tab: IntArray,
    m: FloatArray,
    up: FloatArray,
    dn: FloatArray,
    u: FloatArray,
    d: FloatArray,
    r: int,
    i: int,
    j: int,
    lut: FloatArray | None = None,
) -> None:
    """Swap seats ``i`` and ``j`` in round ``r`` and update every incremental array."""
    ta, tb = int(tab[r, i]), int(tab[r, j])
    u[r][:, ta] += up[:, j] - up[:, i]
    u[r][:, tb] += up[:, i] - up[:, j]
    d[r][:, ta] += dn[:, j] - dn[:, i]
    d[r][:, tb] += dn[:, i] - dn[:, j]
    row = tab[r]
    in_a = np.flatnonzero(row == ta)
    in_b = np.flatnonzero(row == tb)
    ka = in_a[in_a != i]
    kb = in_b[in_b != j]
    row[i], row[j] = tb, ta
    for p, minus, plus in ((i, ka, kb), (j, kb, ka)):
        m[p, minus] -= 1
        m[minus, p] -= 1
        m[p, plus] += 1
        m[plus, p] += 1
    ks = np.concatenate([ka, kb])
    rows = np.repeat(np.array([i, j], dtype=np.int64), len(ks))
    cols = np.tile(ks, 2)
    mv = m[rows, cols]
    if lut is not None:
        mi = mv.astype(np.int64)
        base = lut[rows, cols, mi]
        new_up = lut[rows, cols, mi + 1] - base
        new_dn = np.where(mi >= 1, lut[rows, cols, np.maximum(mi - 1, 0)] - base, 0.0)
    else:
        idx = (rows, cols)
        base = f(mv, idx)
        new_up = f(mv + 1, idx) - base
        new_dn = np.where(mv >= 1, f(np.maximum(mv - 1, 0), idx) - base, 0.0)
    d_up = new_up - up[rows, cols]
    d_dn = new_dn - dn[rows, cols]
    up[rows, cols] = new_up
    up[cols, rows] = new_up
    dn[rows, cols] = new_dn
    dn[cols, rows] = new_dn
    n_rounds = tab.shape[0]
    shape = (n_rounds, len(rows))
    rr = np.broadcast_to(np.arange(n_rounds)[:, None], shape)
    at_cols = tab[:, cols]
    at_rows = tab[:, rows]
    pr = np.broadcast_to(rows, shape)
    pc = np.broadcast_to(cols, shape)
    du = np.broadcast_to(d_up, shape)
    dd = np.broadcast_to(d_dn, shape)
    np.add.at(u, (rr, pr, at_cols), du)
    np.add.at(d, (rr, pr, at_cols), dd)
    np.add.at(u, (rr, pc, at_rows), du)
    np.add.at(d, (rr, pc, at_rows), dd)
