"""Zero-repeat constructions (GATHERINGS.md §2 Table A, §6.1) and GF(q) arithmetic."""

from __future__ import annotations

from itertools import combinations, product

import pytest

from dunbar.gatherings.designs import (
    GF,
    affine_plane,
    construct,
    construction_weeks,
    is_zero_repeat,
    kirkman_15,
    prime_power,
    round_robin,
    transversal_design,
)


def _shape(schedule: list[list[list[int]]]) -> tuple[int, int, set[int]]:
    sizes = {len(t) for tables in schedule for t in tables}
    return len(schedule), len(schedule[0]), sizes


@pytest.mark.parametrize("q", [2, 3, 4, 5, 7, 8, 9, 11, 16, 25, 27])
def test_gf_is_a_field(q: int) -> None:
    f = GF(q)
    elements = range(q)
    # (F, +) and (F*, ·) are groups: identities, inverses; distributivity
    for a in elements:
        assert f.add(a, 0) == a and f.mul(a, 1) == a
        assert any(f.add(a, b) == 0 for b in elements)
        if a:
            assert sum(f.mul(a, b) == 1 for b in elements) == 1
    for a, b, c in product(range(min(q, 6)), repeat=3):
        assert f.mul(a, f.add(b, c)) == f.add(f.mul(a, b), f.mul(a, c))
        assert f.mul(f.mul(a, b), c) == f.mul(a, f.mul(b, c))


def test_gf4_has_characteristic_2_not_arithmetic_mod_4() -> None:
    # In Z/4, 2·2 = 0 (a zero divisor); in GF(4) = GF(2)[x]/(x²+x+1), x·x = x+1.
    f = GF(4)
    assert f.add(1, 1) == 0 and f.mul(2, 2) == 3


def test_not_a_prime_power() -> None:
    assert prime_power(6) is None and prime_power(12) is None
    assert prime_power(8) == (2, 3) and prime_power(49) == (7, 2)
    with pytest.raises(ValueError, match="not a prime power"):
        GF(6)


@pytest.mark.parametrize("q", [2, 3, 4, 5, 7, 8, 9])
def test_affine_plane_reaches_the_weeks_bound(q: int) -> None:
    # AG(2, q): q + 1 parallel classes of q lines of q points (Table A: 4-4-5, 5-5-6,
    # 7-7-8, 8-8-9); every pair of the q² points on exactly one line.
    plane = affine_plane(q)
    assert _shape(plane) == (q + 1, q, {q})
    assert is_zero_repeat(plane)
    met = {pair for tables in plane for t in tables for pair in combinations(sorted(t), 2)}
    assert len(met) == q * q * (q * q - 1) // 2


@pytest.mark.parametrize(("s", "q"), [(3, 4), (4, 8), (3, 7), (8, 13), (10, 11), (8, 31)])
def test_transversal_designs(s: int, q: int) -> None:
    # Table A: 13-8-13, 11-10-11, 31-8-31 constructed; 8-4-9 = TD(4, 8) + split groups.
    td = transversal_design(s, q)
    assert _shape(td) == (q + (1 if q % s == 0 else 0), q, {s})
    assert is_zero_repeat(td)


def test_kirkman_schoolgirls() -> None:
    # 5-3-7 (Table A): 7 days of 5 rows of 3, all C(15, 2) = 105 pairs exactly once.
    kts = kirkman_15()
    assert _shape(kts) == (7, 5, {3})
    assert is_zero_repeat(kts)
    assert sum(len(list(combinations(t, 2))) for tables in kts for t in tables) == 105


@pytest.mark.parametrize("n", [2, 4, 10, 16])
def test_round_robin(n: int) -> None:
    rr = round_robin(n)
    assert _shape(rr) == (n - 1, n // 2, {2})
    assert is_zero_repeat(rr)


@pytest.mark.parametrize(
    ("g", "s", "w"),
    [(5, 3, 7), (4, 4, 5), (5, 5, 6), (8, 4, 8), (8, 4, 9), (7, 7, 8), (8, 8, 9), (6, 2, 11)],
)
def test_table_a_instances_by_construction(g: int, s: int, w: int) -> None:
    schedule = construct(g, s, w)
    assert schedule is not None
    assert _shape(schedule) == (w, g, {s})
    assert is_zero_repeat(schedule)


def test_no_construction_beyond_what_is_known_here() -> None:
    assert construct(8, 4, 10) is None  # Aguado 2004; not a construction of this module
    assert construct(6, 6, 4) is None  # 2 MOLS(6) do not exist (Tarry 1900)
    assert construction_weeks(6, 4) == 0


def test_is_zero_repeat_catches_a_repeat_and_a_missing_person() -> None:
    assert not is_zero_repeat([[[0, 1], [2, 3]], [[0, 1], [2, 3]]])
    assert not is_zero_repeat([[[0, 1], [2, 3]], [[0, 2], [1, 1]]])
    assert not is_zero_repeat([[[0, 1], [2, 3]], [[0, 2], [1, 4]]])


@pytest.mark.parametrize("name", ["designs", "bounds", "seating"])
def test_docstring_examples(name: str) -> None:
    import doctest
    import importlib

    module = importlib.import_module(f"dunbar.gatherings.{name}")
    result = doctest.testmod(module)
    assert result.attempted >= 2
    assert result.failed == 0
