"""The lexical topic matcher (dunbar.graph.topics).

Expected scores are worked out by hand from the definitions in the module
docstring (token similarity, coverage, PHRASE_GAP = 0.85, field weights, the
``1 − (1 − b)(1 − 0.25·R)`` combination); the property test compares the
indexed search with a brute-force reading of the same definitions that scores
every item.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from dunbar.errors import ValidationError
from dunbar.graph.topics import (
    FIELD_WEIGHTS,
    TopicIndex,
    TopicItem,
    match_topics,
    query_tokens,
    semantic_part,
    snippet,
    stem,
    tokens,
)


def scores(docs: dict[int, list[TopicItem]], query: str) -> dict[int, float]:
    return {m.person_id: round(m.score, 4) for m in match_topics(docs, query)}


def test_full_phrase_ranks_above_partial_overlap() -> None:
    docs = {
        1: [TopicItem("tag", "supply-chain finance")],
        2: [TopicItem("tag", "trade finance")],
        3: [TopicItem("tag", "gardening")],
    }
    result = match_topics(docs, "trade finance")
    assert [m.person_id for m in result] == [2, 1]
    # Exact phrase: coverage 1. Partial: only "finance" of 2 query tokens, 1/2.
    assert result[0].score == pytest.approx(1.0)
    assert result[1].score == pytest.approx(0.5)
    assert result[1].evidence == ('tagged "supply-chain finance"',)
    assert result[1].field == "tag"


def test_all_words_but_not_as_a_phrase_score_below_the_phrase() -> None:
    when = dt.date(2026, 3, 2)
    docs = {
        1: [TopicItem("topic", "finance for trade")],  # both words, not contiguous
        2: [TopicItem("topic", "trade finance")],
        3: [TopicItem("note", "she asked about trade finance in Kenya", when)],
    }
    got = scores(docs, "trade finance")
    assert got[2] == 1.0
    assert got[1] == pytest.approx(0.85)  # coverage 1 × PHRASE_GAP
    assert got[3] == pytest.approx(0.7)  # a note weighs 0.7 (FIELD_WEIGHTS)
    [note] = [m for m in match_topics(docs, "trade finance") if m.person_id == 3]
    assert note.evidence == ('note of 2026-03-02: "she asked about trade finance in Kenya"',)


def test_case_and_accents_are_folded() -> None:
    docs = {
        1: [TopicItem("organisation", "Société Générale")],
        2: [TopicItem("tag", "ÉCONOMIE SOLIDAIRE")],
    }
    assert scores(docs, "societe generale") == {1: 0.6}  # organisation weight 0.6
    assert scores(docs, "économie solidaire") == {2: 1.0}
    assert scores(docs, "Economie") == {2: 1.0}


def test_light_stemming_and_prefixes() -> None:
    assert [stem(t) for t in ("banks", "banking", "policies", "funded", "business")] == [
        "bank",
        "bank",
        "policy",
        "fund",
        "business",
    ]
    docs = {1: [TopicItem("tag", "banking")], 2: [TopicItem("tag", "financial inclusion")]}
    assert scores(docs, "banks") == {1: 1.0}  # same stem
    # "finance" and "financial" share the prefix "financ" (≥ 4 letters) only through
    # fuzzy matching: neither is a prefix of the other; ratio("finance", "financial")
    # = 2·6/16 = 0.75 < 0.85, so no match at all...
    assert scores(docs, "finance") == {}
    # ...but "financ" is a prefix of "financial": 0.9.
    assert scores(docs, "financ") == {2: 0.9}


def test_near_spellings_match_through_rapidfuzz() -> None:
    docs = {1: [TopicItem("tag", "finance")], 2: [TopicItem("tag", "fiance")]}
    got = scores(docs, "finanse")
    # ratio("finanse", "finance") = 1 − 2/14 = 0.857 → 0.85 × 0.857 = 0.7286.
    assert got[1] == pytest.approx(0.85 * fuzz.ratio("finanse", "finance") / 100, abs=1e-4)
    # ratio("finanse", "fiance") = 1 − 3/13 = 0.769 < 0.85: no match.
    assert 2 not in got


def test_several_items_add_a_little_but_never_beat_a_better_item() -> None:
    docs = {
        1: [TopicItem("tag", "trade finance")],
        2: [
            TopicItem("tag", "supply-chain finance"),
            TopicItem("title", "Finance Director"),
        ],
    }
    got = scores(docs, "trade finance")
    # b = 0.5 (tag), r = 0.8 × 0.5 = 0.4: 1 − 0.5 × (1 − 0.25 × 0.4) = 0.55.
    assert got == {1: 1.0, 2: pytest.approx(0.55)}
    [two] = [m for m in match_topics(docs, "trade finance") if m.person_id == 2]
    assert two.evidence == ('tagged "supply-chain finance"', 'title "Finance Director"')


def test_ordering_is_score_then_person_id() -> None:
    docs = {pid: [TopicItem("tag", "climate")] for pid in (9, 3, 5)}
    docs[4] = [TopicItem("note", "climate")]
    assert [m.person_id for m in match_topics(docs, "climate")] == [3, 5, 9, 4]
    assert [m.person_id for m in match_topics(docs, "climate", limit=2)] == [3, 5]


def test_function_words_are_not_matched() -> None:
    docs = {1: [TopicItem("note", "the cat sat on the mat")], 2: [TopicItem("tag", "cats")]}
    assert scores(docs, "someone who knows about cats") == {1: 1.0 * 0.7, 2: 1.0}
    assert query_tokens("someone who knows about supply-chain finance") == [
        "supply",
        "chain",
        "finance",
    ]


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_an_empty_query_is_a_validation_error(query: str) -> None:
    with pytest.raises(ValidationError, match="empty topic") as info:
        match_topics({1: [TopicItem("tag", "x")]}, query)
    assert "\n" not in str(info.value)


def test_a_query_without_words() -> None:
    with pytest.raises(ValidationError, match="no words"):
        query_tokens("!!! ---")


def test_only_function_words_are_kept_when_nothing_else_is_left() -> None:
    assert query_tokens("about") == ["about"]


def test_semantic_part_and_hybrid() -> None:
    assert semantic_part(0.35) == 0.0
    assert semantic_part(1.0) == 1.0
    assert semantic_part(0.675) == pytest.approx(0.5)
    docs = {1: [TopicItem("tag", "export credit")], 2: [TopicItem("tag", "supply-chain finance")]}
    index = TopicIndex(docs)
    # Lexical 0.5 and semantic 0.5 (cosine 0.675) combine to 1 − 0.5·0.5 = 0.75; a
    # semantic-only item is shown as such.
    result = index.search("trade finance", semantic={1: [0.675], 2: [0.675]})
    assert [(m.person_id, round(m.score, 4)) for m in result] == [(2, 0.75), (1, 0.5)]
    assert result[1].evidence == ('tagged "export credit" (similar meaning)',)
    assert index.search("trade finance", semantic={1: [0.2]}) == index.search("trade finance")


def test_custom_weights() -> None:
    docs = {1: [TopicItem("organisation", "Climate Co")], 2: [TopicItem("note", "climate")]}
    got = match_topics(docs, "climate", weights={"organisation": 1.0, "note": 0.1})
    assert [(m.person_id, m.score) for m in got] == [(1, 1.0), (2, 0.1)]


def test_snippets_stay_short_and_on_words() -> None:
    text = ("Lorem ipsum dolor sit amet " * 6) + "trade credit " + ("consectetur adipiscing " * 6)
    cut = snippet(text, ["credit"], width=50)
    assert cut.startswith("…") and cut.endswith("…")
    assert "credit" in cut
    assert len(cut) <= 52
    assert snippet("short note", ["note"]) == "short note"


def test_explain_names_the_evidence() -> None:
    [m] = match_topics({7: [TopicItem("offer", "intros to VCs")]}, "VCs")
    assert m.explain() == '#7 matches (0.90): offers "intros to VCs"'


# --- property: the token index prunes nothing that the definition would match ------

WORDS = ["trade", "finance", "financial", "finanse", "supply", "chain", "bank", "banking"]
WORDS += ["zoë", "zoe", "credit", "export", "the", "of", "climat", "climate", "café"]


def _reference_score(query: str, items: list[TopicItem]) -> float:
    """The module docstring's definitions, applied to every item without an index."""
    qs = query_tokens(query)

    def sim(q: str, d: str) -> float:
        if q == d:
            return 1.0
        short, long_ = sorted((q, d), key=len)
        if len(short) >= 4 and long_.startswith(short):
            return 0.9
        if len(q) >= 5 and len(d) >= 5:
            r = fuzz.ratio(q, d)
            if r >= 85:
                return 0.85 * r / 100
        return 0.0

    weighted = []
    for item in items:
        ts = tokens(item.text)
        best = [max((sim(q, d) for d in ts), default=0.0) for q in qs]
        cov = sum(best) / len(qs)
        if len(qs) > 1 and all(best):
            # A phrase: each query token, in order, at consecutive positions where it
            # matches as well as it matches anywhere in the item.
            phrase = any(
                all(j + k < len(ts) and sim(q, ts[j + k]) == best[k] for k, q in enumerate(qs))
                for j in range(len(ts))
            )
            if not phrase:
                cov *= 0.85
        if cov > 0:
            weighted.append(FIELD_WEIGHTS[item.field] * cov)
    if not weighted:
        return 0.0
    weighted.sort(reverse=True)
    rest = 1.0
    for w in weighted[1:]:
        rest *= 1.0 - w
    return 1.0 - (1.0 - weighted[0]) * (1.0 - 0.25 * (1.0 - rest))


item_strategy = st.builds(
    TopicItem,
    st.sampled_from(sorted(FIELD_WEIGHTS)),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join),
)


@settings(max_examples=200, deadline=None)
@given(
    docs=st.dictionaries(st.integers(1, 30), st.lists(item_strategy, min_size=1, max_size=3)),
    query=st.lists(st.sampled_from(WORDS[:8]), min_size=1, max_size=2).map(" ".join),
)
def test_index_agrees_with_the_definition(docs: dict[int, list[TopicItem]], query: str) -> None:
    result = match_topics(docs, query)
    got = {m.person_id: m.score for m in result}
    for pid, items in docs.items():
        expected = _reference_score(query, items)
        assert got.get(pid, 0.0) == pytest.approx(expected, abs=1e-9), (pid, items)
    assert all(0.0 < m.score <= 1.0 for m in result)
    assert [m.person_id for m in result] == sorted(got, key=lambda p: (-got[p], p))
