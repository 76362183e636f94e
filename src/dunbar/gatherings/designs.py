"""Zero-repeat seating schedules from combinatorial designs (GATHERINGS.md §2, §6.1).

A *schedule* here is a list of rounds; a round is a list of tables; a table is a
list of seat numbers ``0 … n−1``. In a zero-repeat schedule no two people share a
table twice (a resolvable packing; the social golfer problem g-s-w, CSPLib
prob010).

Constructions
-------------
round robin, ``s = 2``
    The circle method (Lucas 1883): ``n − 1`` rounds of ``n/2`` pairs for even
    ``n``; seat ``n−1`` stays put and the others rotate.
resolvable transversal design TD(s, q) over GF(q), ``s ≤ q``
    Points ``(i, x)`` with group ``i < s`` and ``x ∈ GF(q)``; give every group a
    distinct field element ``f_i``. Round ``a ∈ GF(q)`` has the ``q`` tables
    ``B(a, b) = {(i, a·f_i + b) : i < s}``, ``b ∈ GF(q)``. Two points of different
    groups lie in exactly one block (``a(f_i − f_j) = x − y`` fixes ``a``, then
    ``b``), points of one group in none: ``q`` rounds of ``q`` tables of ``s``.
    When ``s`` divides ``q`` one more round splits every group into ``q/s``
    tables: ``q + 1`` rounds. With ``s = q`` this is the affine plane AG(2, q)
    (``q + 1`` rounds, the weeks bound), and 8-4-9 (TD(4, 8) plus the split
    groups) reaches 9 weeks with no search.
Kirkman triple system KTS(15)
    The 35 lines ``{a, b, a ⊕ b}`` of PG(3, 2) (the non-zero vectors of GF(2)⁴)
    packed into 7 spreads by a deterministic exact-cover search (milliseconds):
    Kirkman's schoolgirls, 5-3-7.

GF(q) for prime powers ``q = p^k`` uses polynomial arithmetic modulo the first
monic irreducible polynomial of degree ``k`` over GF(p) (in lexicographic order),
so GF(4), GF(8), GF(9), GF(16), … are supported, not only primes.

References
----------
Lucas 1883, *Récréations mathématiques* II (the circle method). Colbourn &
Dinitz (eds.), *Handbook of Combinatorial Designs*, 2nd ed. 2007: III.3
(transversal designs from finite fields), VII.2 (affine planes), II.2
(Kirkman triple systems; KTS(15) as a packing of PG(3, 2)). CSPLib prob010.
GATHERINGS.md Table A.

Examples
--------
>>> len(affine_plane(4)), len(affine_plane(4)[0])
(5, 4)
>>> is_zero_repeat(construct(8, 4, 9))
True
>>> construct(6, 6, 4) is None   # needs 2 MOLS(6), which do not exist
True
"""

from __future__ import annotations

from functools import cache
from itertools import combinations, product

__all__ = [
    "GF",
    "affine_plane",
    "construct",
    "construction_weeks",
    "is_zero_repeat",
    "kirkman_15",
    "prime_power",
    "round_robin",
    "transversal_design",
]

Schedule = list[list[list[int]]]


def prime_power(q: int) -> tuple[int, int] | None:
    """``(p, k)`` with ``q = p**k`` for a prime ``p``, or ``None``."""
    if q < 2:
        return None
    p = next(d for d in range(2, q + 1) if q % d == 0)
    k, rest = 0, q
    while rest % p == 0:
        rest //= p
        k += 1
    return (p, k) if rest == 1 else None


class GF:
    """The finite field GF(q), elements ``0 … q−1`` (base-p digits = coefficients).

    >>> f = GF(4)
    >>> [f.mul(2, x) for x in range(4)]   # x·{0, 1, x, x+1} in GF(2)[x]/(x²+x+1)
    [0, 2, 3, 1]
    >>> all(any(f.mul(a, b) == 1 for b in range(1, 4)) for a in range(1, 4))
    True
    """

    def __init__(self, q: int) -> None:
        found = prime_power(q)
        if found is None:
            raise ValueError(f"GF({q}) does not exist: {q} is not a prime power")
        self.q = q
        self.p, self.k = found
        p, k = found
        if k == 1:
            self._add = [[(a + b) % p for b in range(q)] for a in range(q)]
            self._mul = [[(a * b) % p for b in range(q)] for a in range(q)]
            return
        self._add = [
            [
                _from_digits(
                    [(x + y) % p for x, y in zip(_digits(a, p, k), _digits(b, p, k), strict=True)],
                    p,
                )
                for b in range(q)
            ]
            for a in range(q)
        ]
        for tail in product(range(p), repeat=k):
            modulus = [*tail, 1]  # monic, coefficients from x^0 up
            mul = [
                [
                    _from_digits(_polymul(_digits(a, p, k), _digits(b, p, k), modulus, p), p)
                    for b in range(q)
                ]
                for a in range(q)
            ]
            if all(any(mul[a][b] == 1 for b in range(1, q)) for a in range(1, q)):
                self._mul = mul
                return
        raise AssertionError(
            f"no irreducible polynomial of degree {k} over GF({p})"
        )  # pragma: no cover

    def add(self, a: int, b: int) -> int:
        return self._add[a][b]

    def mul(self, a: int, b: int) -> int:
        return self._mul[a][b]


def _digits(a: int, p: int, k: int) -> list[int]:
    out = []
    for _ in range(k):
        out.append(a % p)
        a //= p
    return out


def _from_digits(d: list[int], p: int) -> int:
    return sum(c * p**i for i, c in enumerate(d))


def _polymul(a: list[int], b: list[int], modulus: list[int], p: int) -> list[int]:
    k = len(a)
    prod = [0] * (2 * k - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            prod[i + j] = (prod[i + j] + x * y) % p
    for d in range(len(prod) - 1, k - 1, -1):  # reduce by the monic modulus of degree k
        c = prod[d]
        if c:
            for i in range(k + 1):
                prod[d - k + i] = (prod[d - k + i] - c * modulus[i]) % p
    return prod[:k]


@cache
def _field(q: int) -> GF:
    return GF(q)


def round_robin(n: int) -> Schedule:
    """The circle method: ``n − 1`` rounds of ``n/2`` pairs, every pair once (n even)."""
    if n < 2 or n % 2:
        raise ValueError("a round robin needs an even number of people, at least 2")
    rounds: Schedule = []
    others = list(range(n - 1))
    for r in range(n - 1):
        ring = others[r:] + others[:r]
        tables = [[n - 1, ring[0]]]
        tables += [[ring[i], ring[-i]] for i in range(1, n // 2)]
        rounds.append(tables)
    return rounds


def transversal_design(s: int, q: int) -> Schedule:
    """TD(s, q) resolved into rounds: ``q`` tables of ``s`` (``+1`` round if ``s | q``).

    Seat ``i·q + x`` is the point ``(i, x)``.
    """
    if not 2 <= s <= q:
        raise ValueError("a transversal design TD(s, q) needs 2 <= s <= q")
    f = _field(q)
    rounds: Schedule = []
    for a in range(q):
        rounds.append([[i * q + f.add(f.mul(a, i), b) for i in range(s)] for b in range(q)])
    if q % s == 0:
        rounds.append(
            [
                [i * q + x for x in range(c * s, (c + 1) * s)]
                for i in range(s)
                for c in range(q // s)
            ]
        )
    return rounds


def affine_plane(q: int) -> Schedule:
    """AG(2, q): ``q + 1`` rounds of ``q`` tables of ``q`` (``q`` a prime power)."""
    return transversal_design(q, q)


@cache
def _kts15() -> tuple[tuple[tuple[int, ...], ...], ...]:
    lines = sorted({tuple(sorted((a, b, a ^ b))) for a, b in combinations(range(1, 16), 2)})
    through: dict[int, list[tuple[int, ...]]] = {v: [] for v in range(1, 16)}
    for line in lines:
        for v in line:
            through[v].append(line)
    used: set[tuple[int, ...]] = set()
    spreads: list[list[tuple[int, ...]]] = []

    def fill(spread: list[tuple[int, ...]], covered: set[int]) -> bool:
        if len(covered) == 15:
            spreads.append(spread)
            if len(spreads) == 7:
                return True
            if fill([], set()):
                return True
            spreads.pop()
            return False
        v = min(set(range(1, 16)) - covered)
        for line in through[v]:
            if line in used or covered.intersection(line):
                continue
            used.add(line)
            if fill([*spread, line], covered | set(line)):
                return True
            used.discard(line)
        return False

    if not fill([], set()):  # pragma: no cover - PG(3, 2) has packings
        raise AssertionError("no packing of PG(3, 2) found")
    return tuple(tuple(tuple(v - 1 for v in line) for line in spread) for spread in spreads)


def kirkman_15() -> Schedule:
    """KTS(15): 7 rounds of 5 tables of 3 (Kirkman's schoolgirls)."""
    return [[list(t) for t in spread] for spread in _kts15()]


def construction_weeks(g: int, s: int) -> int:
    """Rounds the constructions here give for ``g`` tables of ``s`` (0: none)."""
    best = 0
    if s == 2:
        best = 2 * g - 1
    if (g, s) == (5, 3):
        best = max(best, 7)
    if prime_power(g) is not None and 2 <= s <= g:
        best = max(best, g + (1 if g % s == 0 else 0))
    return best


def construct(g: int, s: int, w: int) -> Schedule | None:
    """A zero-repeat schedule of ``w`` rounds, ``g`` tables of ``s``, or ``None``.

    Takes the first ``w`` rounds of the construction with the most rounds.
    """
    if w < 1 or construction_weeks(g, s) < w:
        return None
    if s == 2:
        return round_robin(2 * g)[:w]
    if (g, s) == (5, 3) and w > g:
        return kirkman_15()[:w]
    return transversal_design(s, g)[:w]


def is_zero_repeat(schedule: Schedule) -> bool:
    """True when every round seats everyone once and no pair shares two tables."""
    seen: set[tuple[int, int]] = set()
    people: set[int] | None = None
    for tables in schedule:
        here = [v for t in tables for v in t]
        if len(set(here)) != len(here) or (people is not None and set(here) != people):
            return False
        people = set(here)
        for t in tables:
            for pair in combinations(sorted(t), 2):
                if pair in seen:
                    return False
                seen.add(pair)
    return True
