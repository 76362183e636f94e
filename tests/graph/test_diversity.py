"""Network diversity: MODEL.md §6 test numbers, edge cases, and Hypothesis properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import entropy as scipy_entropy

from dunbar.errors import ValidationError
from dunbar.graph.diversity import (
    beyond_work_share,
    blau,
    d_social,
    diversity,
    effective_number,
    evenness,
    inverse_simpson,
    iqv,
    shannon,
)

MEASURES = (blau, iqv, shannon, evenness, effective_number, inverse_simpson, d_social)


def test_model_section_6_counts_4_3_2_1() -> None:
    # MODEL.md §6 "Tests": Blau 0.7000, IQV 0.9333, H 1.2799, evenness 0.9232,
    # exp(H) 3.5961, 1/Σp² 3.3333 (tolerance 1e-4, MODEL.md preamble).
    counts = [4, 3, 2, 1]
    assert blau(counts) == pytest.approx(0.7000, abs=1e-4)
    assert iqv(counts) == pytest.approx(0.9333, abs=1e-4)
    assert shannon(counts) == pytest.approx(1.2799, abs=1e-4)
    assert evenness(counts) == pytest.approx(0.9232, abs=1e-4)
    assert effective_number(counts) == pytest.approx(3.5961, abs=1e-4)
    assert inverse_simpson(counts) == pytest.approx(3.3333, abs=1e-4)


def test_model_section_6_single_category() -> None:
    # MODEL.md §6: a single category gives Blau 0 and H 0.
    assert blau([7]) == 0.0
    assert shannon([7]) == 0.0
    # Our policy for K = 1 (module docstring): effective numbers 1, IQV/evenness NaN.
    assert effective_number([7]) == 1.0
    assert inverse_simpson([7]) == 1.0
    assert math.isnan(iqv([7]))
    assert math.isnan(evenness([7]))


def test_model_section_6_d_social() -> None:
    # MODEL.md §6: volumes [50, 30, 10, 5, 5] give D_social 0.7690.
    assert d_social([50, 30, 10, 5, 5]) == pytest.approx(0.7690, abs=1e-4)
    assert math.isnan(d_social([12]))  # one contact: ln k = 0


def test_mapping_and_sequence_agree() -> None:
    mapping = {"Acme": 4, "Beta": 3, "Gamma": 2, "Delta": 1}
    for measure in MEASURES:
        assert measure(mapping) == measure([4, 3, 2, 1])


def test_nothing_to_measure_is_nan() -> None:
    for measure in MEASURES:
        assert math.isnan(measure([]))
        assert math.isnan(measure([0, 0]))


def test_zero_weights_do_not_count_in_k() -> None:
    for measure in MEASURES:
        assert measure([4, 0, 3, 2, 0, 1]) == measure([4, 3, 2, 1])


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "many"])
def test_bad_weights_raise(bad: object) -> None:
    with pytest.raises(ValidationError):
        blau([1, bad])  # type: ignore[list-item]
    with pytest.raises(ValidationError):
        diversity(["a", "b"], [1.0, bad])  # type: ignore[list-item]


def test_uniform_counts_reach_the_maxima() -> None:
    # K equal categories: IQV = evenness = 1, both effective numbers = K.
    for k in (2, 5, 12):
        counts = [3] * k
        assert iqv(counts) == pytest.approx(1.0)
        assert evenness(counts) == pytest.approx(1.0)
        assert effective_number(counts) == pytest.approx(k)
        assert inverse_simpson(counts) == pytest.approx(k)


counts_strategy = st.lists(
    st.floats(min_value=0.01, max_value=1e6, allow_nan=False), min_size=1, max_size=30
)


@given(counts_strategy)
def test_shannon_against_scipy(counts: list[float]) -> None:
    # Reference definition: scipy.stats.entropy normalises and uses natural logs.
    assert shannon(counts) == pytest.approx(float(scipy_entropy(counts)), abs=1e-9)


@given(counts_strategy)
def test_blau_is_the_chance_two_draws_differ(counts: list[float]) -> None:
    # Reference definition: P(two draws with replacement differ) = Σ_{i≠j} p_i p_j.
    total = sum(counts)
    p = [c / total for c in counts]
    differ = sum(p[i] * p[j] for i in range(len(p)) for j in range(len(p)) if i != j)
    assert blau(counts) == pytest.approx(differ, abs=1e-9)
    assert inverse_simpson(counts) == pytest.approx(1 / (1 - blau(counts)), rel=1e-6)


@given(counts_strategy)
def test_hill_numbers_are_ordered(counts: list[float]) -> None:
    # Hill 1973: the diversity numbers decrease with the order: 1 ≤ D2 ≤ D1 ≤ K.
    k = len(counts)
    d1, d2 = effective_number(counts), inverse_simpson(counts)
    assert 1 - 1e-9 <= d2 <= d1 + 1e-9
    assert d1 <= k + 1e-9
    if k >= 2:
        assert -1e-9 <= evenness(counts) <= 1 + 1e-9
        assert -1e-9 <= iqv(counts) <= 1 + 1e-9


@given(counts_strategy, st.floats(min_value=0.1, max_value=1000), st.randoms())
def test_scale_and_order_do_not_matter(counts: list[float], factor: float, rng: object) -> None:
    shuffled = [c * factor for c in counts]
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    for measure in (blau, shannon, effective_number, inverse_simpson):
        assert measure(shuffled) == pytest.approx(measure(counts), rel=1e-9, abs=1e-12)


# --- the report -------------------------------------------------------------------------


def orgs() -> dict[str, str | None]:
    # 10 people in counts 4/3/2/1 (the MODEL.md §6 vector) and one unknown.
    people: dict[str, str | None] = {}
    for org, count in (("Acme", 4), ("Beta", 3), ("Gamma", 2), ("Delta", 1)):
        for i in range(count):
            people[f"{org}-{i}"] = org
    people["nobody"] = None
    return people


def test_report_has_every_measure_and_explains() -> None:
    report = diversity(orgs(), label="organisations")
    assert (report.n, report.unknown, report.k) == (10, 1, 4)
    assert list(report.counts) == ["Acme", "Beta", "Gamma", "Delta"]
    assert report.blau == pytest.approx(0.7)
    assert report.iqv == pytest.approx(0.9333, abs=1e-4)
    assert report.shannon == pytest.approx(1.2799, abs=1e-4)
    assert report.evenness == pytest.approx(0.9232, abs=1e-4)
    assert report.effective_number == pytest.approx(3.5961, abs=1e-4)
    assert report.inverse_simpson == pytest.approx(3.3333, abs=1e-4)
    assert report.top == ("Acme", pytest.approx(0.4))
    lines = report.explain()
    assert lines[0] == "your 10 ties span 4 organisations; the biggest, Acme, holds 40 %"
    assert "Blau 0.70" in lines[1] and "3.6 equally sized organisations" in lines[1]
    assert lines[2].startswith("evenness 0.92")
    assert lines[3] == "1 more have no organisation recorded, left out"


def test_evenness_hidden_below_ten_people() -> None:
    # MODEL.md §6 [D]: only show evenness when n ≥ 10.
    people = orgs()
    del people["Delta-0"]  # 9 known people
    report = diversity(people, label="organisations")
    assert report.n == 9
    assert report.evenness is None and report.evenness_hidden
    assert report.blau is not None
    assert any("not shown below 10" in line for line in report.explain())
    shown = diversity(people, min_n_for_evenness=5)
    assert shown.evenness == pytest.approx(evenness([4, 3, 2]))


def test_weighted_report_uses_strengths() -> None:
    categories = {"ann": "work", "bob": "work", "cat": "climbing"}
    strengths = {"ann": 0.5, "bob": 0.1, "cat": 0.9}
    report = diversity(categories, strengths, min_n_for_evenness=1)
    assert report.weighted
    assert dict(report.counts) == {"climbing": 0.9, "work": pytest.approx(0.6)}
    assert report.blau == pytest.approx(blau([0.9, 0.6]))
    assert report.explain()[0].endswith("holds 60 % of the tie strength")


def test_weights_by_sequence_and_missing_keys() -> None:
    report = diversity(["a", "b", "b"], [2.0, 1.0, 1.0])
    assert dict(report.counts) == {"a": 2.0, "b": 2.0}
    # A person missing from a weights mapping weighs 0 and is not counted.
    report = diversity({"x": "a", "y": "b"}, {"x": 1.0})
    assert report.n == 1 and report.k == 1
    with pytest.raises(ValidationError):
        diversity(["a", "b"], [1.0])


def test_report_edge_cases_have_none_not_nan() -> None:
    empty = diversity([])
    assert (empty.n, empty.k, empty.blau, empty.shannon) == (0, 0, None, None)
    assert empty.explain() == ["no ties to measure categories over"]
    only_unknown = diversity([None, None], label="organisations")
    assert only_unknown.explain() == ["no organisations known for any of your 2 ties"]
    single = diversity(["Acme"] * 12, label="organisations")
    assert (single.blau, single.shannon, single.iqv, single.evenness) == (0.0, 0.0, None, None)
    assert single.explain() == ["all your 12 ties are in one of the organisations: Acme"]


# --- beyond-work share ------------------------------------------------------------------


def test_beyond_work_share() -> None:
    # MODEL.md §6: Σ_{non-work} S / Σ S = (0.9 + 0.6) / 1.8.
    strengths = {"ann": 0.9, "bob": 0.3, "cat": 0.6}
    assert beyond_work_share(strengths, {"bob"}) == pytest.approx(1.5 / 1.8)
    flags = {"ann": False, "bob": True, "cat": None}  # cat unknown: left out
    assert beyond_work_share(strengths, flags) == pytest.approx(0.9 / 1.2)
    assert beyond_work_share(strengths, set()) == 1.0
    assert beyond_work_share(strengths, set(strengths)) == 0.0
    assert math.isnan(beyond_work_share({}, set()))
    assert math.isnan(beyond_work_share({"ann": 0.0}, set()))
    with pytest.raises(ValidationError):
        beyond_work_share({"ann": -0.1}, set())
