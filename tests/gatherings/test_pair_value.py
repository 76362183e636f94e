"""The mutual value of a pair, the value graph and the guest list (dunbar.gatherings.value).

Expected numbers come from the formulas in the module docstring, worked by hand
here; the lexical coverages (1 for the same tokens, 0.5 for "trade finance"
against "supply-chain finance") are those of dunbar.graph.topics' docstring.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunbar.errors import ValidationError
from dunbar.gatherings.value import (
    GuestCandidate,
    PairWeights,
    Profile,
    pair_value,
    suggest_guests,
    value_graph,
)

W = PairWeights()  # 0.40, 0.20, 0.15, 0.15, 0.10; total 1.0


def P(pid: int, name: str, **kw: object) -> Profile:
    return Profile(pid, name, **kw)  # type: ignore[arg-type]


# --- parts -------------------------------------------------------------------------------


def test_exact_offer_meets_need() -> None:
    ana = P(1, "Ana", offers=("supply-chain finance",))
    bo = P(2, "Bo", needs=("Supply Chain Finance",))
    v = pair_value(ana, bo)
    assert v.parts["complementary"] == 1.0
    assert v.reasons[0] == "Ana offers supply-chain finance, which Bo needs"
    # 0.40·1 + 0.15·novelty 1 (strangers, no cluster, no strengths)
    assert v.score == pytest.approx(0.55)


def test_partial_offer_is_close_to_the_need() -> None:
    # topics docstring: "trade finance" scores 0.5 against "supply-chain finance".
    ana = P(1, "Ana", offers=("supply-chain finance",))
    bo = P(2, "Bo", needs=("trade finance",))
    v = pair_value(ana, bo)
    assert v.parts["complementary"] == pytest.approx(0.5)
    assert v.reasons[0] == "Ana offers supply-chain finance, close to Bo's need: trade finance"


def test_coverage_below_half_does_not_count() -> None:
    # "finance" covers 1 of the 3 tokens of "trade finance law": 1/3 < MIN_COVERAGE.
    v = pair_value(P(1, "Ana", offers=("finance",)), P(2, "Bo", needs=("trade finance law",)))
    assert v.parts["complementary"] == 0.0
    assert v.reasons == ()


def test_help_both_ways_is_a_noisy_or() -> None:
    # 1 − (1 − 0.5)(1 − 0.5) = 0.75
    ana = P(1, "Ana", offers=("supply-chain finance",), needs=("trade law",))
    bo = P(2, "Bo", offers=("maritime law",), needs=("trade finance",))
    v = pair_value(ana, bo)
    assert v.parts["complementary"] == pytest.approx(0.75)
    assert len([r for r in v.reasons if " offers " in r]) == 2


def test_shared_labels_overlap_coefficient_with_stemming() -> None:
    # {book, jazz} ∩ {book, chess, go} = {book}; min size 2 → 1/2.
    a = P(1, "Ana", topics=("Books", "jazz"))
    b = P(2, "Bo", tags=("book", "chess", "go"))
    v = pair_value(a, b)
    assert v.parts["shared"] == pytest.approx(0.5)
    assert "both into Books" in v.reasons
    assert pair_value(a, P(3, "Cy")).parts["shared"] == 0.0


def test_bridge_needs_two_known_different_clusters() -> None:
    a = P(1, "Ana", cluster=1)
    assert pair_value(a, P(2, "Bo", cluster=2)).parts["bridge"] == 1.0
    assert pair_value(a, P(2, "Bo", cluster=1)).parts["bridge"] == 0.0
    assert pair_value(a, P(2, "Bo")).parts["bridge"] == 0.0
    assert (
        "they bridge two of your clusters (1 and 2)" in pair_value(a, P(2, "Bo", cluster=2)).reasons
    )


def test_novelty_acquainted_and_same_organisation() -> None:
    a = P(1, "Ana", organisation="Acme")
    b = P(2, "Bo", organisation="ACME")
    assert pair_value(a, b).parts["novelty"] == 0.5
    assert pair_value(a, b, acquainted=True).parts["novelty"] == 0.0
    assert pair_value(a, P(3, "Cy", organisation="Other")).parts["novelty"] == 1.0
    assert "Ana and Bo already know each other" in pair_value(a, b, acquainted=True).reasons


def test_mix_of_strong_and_weak_tie() -> None:
    v = pair_value(P(1, "Ana", strength=0.2), P(2, "Bo", strength=0.9))
    assert v.parts["mix"] == pytest.approx(0.7)
    assert "Bo is a closer tie than Ana, and can vouch" in v.reasons
    assert pair_value(P(1, "Ana", strength=0.2), P(2, "Bo")).parts["mix"] == 0.0


def test_score_is_the_weighted_mean_of_the_parts() -> None:
    a = P(1, "Ana", offers=("python",), topics=("jazz",), cluster="x", strength=1.0)
    b = P(2, "Bo", needs=("python",), topics=("jazz",), cluster="y", strength=0.0)
    w = PairWeights(complementary=2, shared=1, bridge=1, novelty=0, mix=0)
    v = pair_value(a, b, weights=w)
    assert v.parts == {
        "complementary": 1.0,
        "shared": 1.0,
        "bridge": 1.0,
        "novelty": 1.0,
        "mix": 1.0,
    }
    assert v.score == pytest.approx(1.0)
    v2 = pair_value(P(1, "Ana", offers=("python",)), P(2, "Bo"), weights=w)
    assert v2.score == 0.0  # novelty 1 weighs 0 here; nothing else


def test_symmetric_score() -> None:
    a = P(1, "Ana", offers=("design",), needs=("hiring",), tags=("x",), strength=0.3)
    b = P(2, "Bo", offers=("hiring help",), needs=("product design",), tags=("x", "y"))
    assert pair_value(a, b).score == pair_value(b, a).score
    assert pair_value(a, b).parts == pair_value(b, a).parts


def test_bad_input() -> None:
    with pytest.raises(ValidationError, match="tie strength must be in"):
        P(1, "Ana", strength=1.5)
    with pytest.raises(ValidationError, match="pair weights must be numbers ≥ 0"):
        PairWeights(shared=-1)
    with pytest.raises(ValidationError, match="at least one must be above 0"):
        PairWeights(0, 0, 0, 0, 0)
    with pytest.raises(ValidationError, match="two people"):
        pair_value(P(1, "Ana"), P(1, "Ana"))
    with pytest.raises(ValidationError, match="share the id 1"):
        value_graph([P(1, "Ana"), P(1, "Bo")])
    with pytest.raises(ValidationError, match="min_score"):
        value_graph([P(1, "Ana")], min_score=2)


# --- the value graph ---------------------------------------------------------------------

WORDS = ["supply-chain finance", "trade finance", "python", "hiring", "design", "law", "of the"]
LABELS = ["jazz", "Books", "book", "chess", "climbing"]


@st.composite
def profiles(draw: st.DrawFn) -> list[Profile]:
    n = draw(st.integers(min_value=0, max_value=7))
    out = []
    for i in range(n):
        out.append(
            Profile(
                i,
                f"P{i}",
                offers=tuple(draw(st.lists(st.sampled_from(WORDS), max_size=2))),
                needs=tuple(draw(st.lists(st.sampled_from(WORDS), max_size=2))),
                topics=tuple(draw(st.lists(st.sampled_from(LABELS), max_size=2))),
                tags=tuple(draw(st.lists(st.sampled_from(LABELS), max_size=1))),
                organisation=draw(st.sampled_from([None, "Acme", "acme", "Other"])),
                cluster=draw(st.sampled_from([None, 0, 1])),
                strength=draw(st.sampled_from([None, 0.0, 0.5, 0.9])),
            )
        )
    return out


@settings(max_examples=100, deadline=None)
@given(profiles(), st.data())
def test_value_graph_equals_pair_value_on_every_pair(
    people: list[Profile], data: st.DataObject
) -> None:
    pairs = list(itertools.combinations([p.id for p in people], 2))
    known = data.draw(st.sets(st.sampled_from(pairs)) if pairs else st.just(set()))
    min_score = data.draw(st.sampled_from([0.0, 0.2, 0.5]))
    G = value_graph(people, acquainted=known, min_score=min_score)
    assert list(G) == [p.id for p in people]
    for a, b in itertools.combinations(people, 2):
        v = pair_value(a, b, acquainted=(a.id, b.id) in known or (b.id, a.id) in known)
        if v.score > 0 and v.score >= min_score:
            d = G.edges[a.id, b.id]
            assert d["value"] == pytest.approx(v.score, abs=1e-12)
            assert d["reasons"] == v.reasons
            assert d["parts"] == pytest.approx(v.parts)
        else:
            assert not G.has_edge(a.id, b.id)


def test_value_graph_hand_example() -> None:
    ana = P("a", "Ana", offers=("supply-chain finance",), cluster=1)
    bo = P("b", "Bo", needs=("trade finance",), cluster=2)
    cy = P("c", "Cy", cluster=1)
    G = value_graph([ana, bo, cy], acquainted={("c", "a")})
    # a–b: 0.40·0.5 + 0.15 bridge + 0.15 novelty = 0.50; b–c: 0.15 + 0.15 = 0.30;
    # a–c: acquainted, same cluster: 0 → no edge.
    assert G["a"]["b"]["value"] == pytest.approx(0.50)
    assert G["b"]["c"]["value"] == pytest.approx(0.30)
    assert not G.has_edge("a", "c")
    assert value_graph([ana, bo, cy], min_score=0.4).number_of_edges() == 1


# --- the guest list ----------------------------------------------------------------------


def C(
    pid: int, kind: str, strength: float, score: float, org: str | None = None, **kw: object
) -> GuestCandidate:
    return GuestCandidate(
        pid, f"G{pid}", kind, strength, score, attributes={"organisation": org}, **kw
    )  # type: ignore[arg-type]


def test_guest_mix_of_strong_and_weak() -> None:
    # Four strong ties outscore every weak one, but half the seats go to weak ties.
    cands = [C(i, "overdue", 0.9, 0.9 - i / 100) for i in range(4)] + [
        C(10 + i, "dormant", 0.1, 0.5 - i / 100) for i in range(4)
    ]
    g = suggest_guests(cands, capacity=4)
    assert [p.id for p in g.picks] == [0, 1, 10, 11]
    assert (g.strong, g.weak) == (2, 2)
    assert g.picks[2].reason == "dormant; a weak tie"
    g = suggest_guests(cands, capacity=4, strong_share=1.0)
    assert [p.id for p in g.picks] == [0, 1, 2, 3]


def test_guest_organisation_cap_and_decay() -> None:
    # capacity 6, max_share 0.34 → at most ⌈2.04⌉ = 3 from Acme; the decay halves the
    # gain per Acme guest already picked (0.9 → 0.45), so Beta's 0.5 goes second.
    cands = [C(i, "overdue", 0.9, 0.9, "Acme") for i in range(5)] + [
        C(9, "overdue", 0.9, 0.5, "Beta")
    ]
    g = suggest_guests(cands, capacity=6, strong_share=1.0)
    ids = [p.id for p in g.picks]
    assert ids[:2] == [0, 9]
    assert sum(1 for i in ids[:4] if i < 5) == 3  # the cap holds while others are left
    assert len(ids) == 6  # then it gives way so the list fills
    assert g.picks[-1].reason.endswith("picked over the mix or cap: no other candidate was left")
    assert g.picks[1].reason == "overdue; a strong tie; first from Beta"


def test_guest_pair_waits_for_partner() -> None:
    # A pair candidate is worth half until its partner is on the list.
    cands = [
        C(1, "pair", 0.1, 0.8, partner=2, why="should meet G2: both into jazz"),
        C(2, "overdue", 0.9, 0.6),
        C(3, "dormant", 0.1, 0.5),
    ]
    g = suggest_guests(cands, capacity=2, diversity_key=None)
    assert [p.id for p in g.picks] == [2, 1]
    assert g.picks[1].gain == pytest.approx(0.8)
    assert g.picks[1].reason == "should meet G2: both into jazz; to meet G2; a weak tie"


def test_guest_duplicates_keep_the_higher_score_and_seed_is_deterministic() -> None:
    cands = [C(1, "overdue", 0.9, 0.3), C(1, "pair", 0.9, 0.7, partner=99)] + [
        C(i, "dormant", 0.2, 0.5) for i in range(2, 12)
    ]
    g = suggest_guests(cands, capacity=3)
    assert g.picks[0].id == 1 and g.picks[0].kind == "pair"
    a = suggest_guests(cands, capacity=5, seed=3)
    b = suggest_guests(cands, capacity=5, seed=3)
    assert a == b
    orders = {
        tuple(p.id for p in suggest_guests(cands, capacity=5, seed=s).picks) for s in range(8)
    }
    assert len(orders) > 1  # ties among the equal dormant ties go to the seeded order


def test_guest_bad_input() -> None:
    with pytest.raises(ValidationError, match="capacity must be a whole number ≥ 1"):
        suggest_guests([], capacity=0)
    with pytest.raises(ValidationError, match="kind must be one of overdue, dormant, pair"):
        C(1, "friend", 0.5, 0.5)
    with pytest.raises(ValidationError, match="score must be in"):
        C(1, "overdue", 0.5, 1.5)
    with pytest.raises(ValidationError, match="strong_share"):
        suggest_guests([], capacity=2, strong_share=2)
    assert suggest_guests([], capacity=3).picks == ()


def test_docstring_examples() -> None:
    import doctest

    import dunbar.gatherings.value

    result = doctest.testmod(dunbar.gatherings.value)
    assert result.attempted >= 8
    assert result.failed == 0


def test_value_graph_progress_ends_at_the_total() -> None:
    people = [P(i, f"P{i}", cluster=i % 3) for i in range(6)]
    calls: list[tuple[int, int]] = []
    G = value_graph(people, progress=lambda done, total: calls.append((done, total)))
    # 15 pairs, all kept (every pair has novelty 1 > 0): one call at 0, one at the end.
    assert G.number_of_edges() == 15
    assert calls == [(0, 15), (15, 15)]


def test_explain_sentences() -> None:
    v = pair_value(P(1, "Ana", offers=("python",)), P(2, "Bo", needs=("python",)))
    assert v.explain() == "1 and 2 (0.55): Ana offers python, which Bo needs"
    assert pair_value(P(1, "Ana"), P(2, "Bo"), acquainted=True).explain() == (
        "1 and 2 (0.00): Ana and Bo already know each other"
    )
    g = suggest_guests([C(1, "overdue", 0.9, 0.9, "Acme", why="overdue by 40 days")], capacity=2)
    assert g.explain().splitlines() == [
        "1 of 2 seats: 1 strong, 0 weak ties",
        "1. G1: overdue by 40 days; a strong tie; first from Acme",
    ]
