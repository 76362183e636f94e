"""Stored topic vectors (migration 0008) and Ledger.topic_matches / index_topics.

Most tests use a counting stand-in for the model (a bag-of-words hashing
embedder, deterministic and instant), so that they can say exactly which texts
were embedded; the tests marked ``semantic`` load the real all-MiniLM-L6-v2 from
the ``[semantic]`` extra and skip cleanly without it. Both run on both backends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select

from dunbar import Ledger
from dunbar.errors import UsageError, ValidationError
from dunbar.graph.topics import tokens
from dunbar.model import LabelKind
from dunbar.semantic import SemanticUnavailableError, is_available, text_hash
from dunbar.store.tables import topic_vectors

semantic = pytest.mark.skipif(
    not is_available(),
    reason="the [semantic] extra is not installed (pip install -e '.[semantic]')",
)


class CountingEmbedder:
    """Unit vectors from hashed word stems: texts sharing a word have cosine > 0."""

    name = "test-hashing"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for t in tokens(text) or ["<empty>"]:
                out[row, int(hashlib.sha256(t.encode()).hexdigest(), 16) % self.dim] += 1.0
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out


@pytest.fixture
def fake(ledger: Ledger) -> CountingEmbedder:
    model = CountingEmbedder()
    ledger._embedder_override = model
    return model


def _people(ledger: Ledger) -> dict[str, int]:
    ana = ledger.add_person("Ana Silva", tags=["supply-chain finance"], title="Treasurer")
    bo = ledger.add_person("Bo Chen", tags=["trade finance"], organisation="Acme Bank")
    cy = ledger.add_person("Cy Park", tags=["gardening"])
    ledger.add_note(
        "Asked me about letters of credit for her export business",
        about=cy.id,
        topics=["export credit"],
        when="2026-03-02",
    )
    return {"ana": ana.id, "bo": bo.id, "cy": cy.id}


def _rows(ledger: Ledger) -> list[dict[str, Any]]:
    with ledger.engine.connect() as conn:
        query = select(topic_vectors).order_by(topic_vectors.c.person_id, topic_vectors.c.item)
        return [dict(r) for r in conn.execute(query).mappings()]


def test_index_stores_one_vector_per_item(ledger: Ledger, fake: CountingEmbedder) -> None:
    ids = _people(ledger)
    report = ledger.index_topics()
    # Ana: tag + title; Bo: tag + organisation; Cy: tag + note + note topic = 7 items,
    # 7 distinct texts. "Me" has no document.
    assert (report.embedded, report.reused, report.removed) == (7, 0, 0)
    rows = _rows(ledger)
    assert [(r["person_id"], r["item"], r["owner"]) for r in rows] == [
        (ids["ana"], "tag:supply-chain finance", "person"),
        (ids["ana"], "title", "person"),
        (ids["bo"], "organisation", "person"),
        (ids["bo"], "tag:trade finance", "person"),
        (ids["cy"], f"note:{rows[4]['note_id']}", "note"),
        (ids["cy"], f"note_topic:{rows[4]['note_id']}:0", "note"),
        (ids["cy"], "tag:gardening", "person"),
    ]
    tag = next(r for r in rows if r["item"] == "tag:trade finance")
    assert tag["text_hash"] == text_hash("trade finance")
    assert (tag["model"], tag["dim"], len(tag["vector"])) == ("test-hashing", 64, 64 * 4)
    expected = CountingEmbedder().encode(["trade finance"])[0]
    assert np.frombuffer(tag["vector"], dtype="<f4") == pytest.approx(expected)


def test_a_second_index_and_queries_reuse_the_vectors(
    ledger: Ledger, fake: CountingEmbedder
) -> None:
    _people(ledger)
    ledger.index_topics()
    embedded = len(fake.texts)
    assert ledger.index_topics().embedded == 0
    assert len(fake.texts) == embedded
    for _ in range(2):
        result = ledger.topic_matches("trade finance", mode="semantic")
        assert result.mode_used == "semantic" and result.note is None
    # Each query embedded its own text and nothing of the ledger.
    assert fake.texts[embedded:] == ["trade finance", "trade finance"]


def test_identical_texts_are_embedded_once(ledger: Ledger, fake: CountingEmbedder) -> None:
    for name in ("A One", "B Two", "C Three"):
        ledger.add_person(name, tags=["climate"])
    report = ledger.index_topics()
    # One text embedded, three rows written, one of them holding the vector.
    assert (report.embedded, report.reused) == (1, 0)
    assert fake.texts == ["climate"]
    rows = _rows(ledger)
    assert len(rows) == 3
    assert sum(r["vector"] is not None for r in rows) == 1
    assert {r["text_hash"] for r in rows} == {text_hash("climate")}
    # A fourth person with the same tag gets the stored vector, not a new embedding.
    ledger.add_person("D Four", tags=["Climate"])
    report = ledger.index_topics()
    assert (report.embedded, report.reused) == (1, 3)  # "Climate" ≠ "climate" as text
    ledger.add_person("E Five", tags=["climate"])
    assert (ledger.index_topics().embedded, len(fake.texts)) == (0, 2)


def test_an_edited_label_makes_its_vector_stale(ledger: Ledger, fake: CountingEmbedder) -> None:
    ids = _people(ledger)
    ledger.index_topics()
    ledger.edit_person(
        ids["cy"], labels={LabelKind.TAG: ["sourdough"]}, unlabel={LabelKind.TAG: ["gardening"]}
    )
    before = len(fake.texts)
    # The query embeds the missing text on the fly (and the query), never uses the old one.
    result = ledger.topic_matches("gardening", mode="semantic")
    assert sorted(fake.texts[before:]) == ["gardening", "sourdough"]
    assert ids["cy"] not in {m.person_id for m in result.matches}
    report = ledger.index_topics()
    assert (report.embedded, report.removed) == (1, 1)
    assert "tag:gardening" not in {r["item"] for r in _rows(ledger)}


def test_an_edited_title_replaces_the_row(ledger: Ledger, fake: CountingEmbedder) -> None:
    from dunbar.store.people import PersonFields

    ids = _people(ledger)
    ledger.index_topics()
    ledger.edit_person(ids["ana"], PersonFields(name="Ana Silva", title="Head of Trade"))
    report = ledger.index_topics()
    assert (report.embedded, report.removed) == (1, 0)
    [title] = [r for r in _rows(ledger) if r["item"] == "title"]
    assert title["text_hash"] == text_hash("Head of Trade")


def test_unindexed_ledgers_are_matched_by_words_with_a_note(
    ledger: Ledger, fake: CountingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dunbar.facade.topics as facade

    _people(ledger)
    monkeypatch.setattr(facade, "ON_THE_FLY", 3)
    result = ledger.topic_matches("trade finance", mode="semantic")
    assert result.note is not None and "dunbar topics index" in result.note
    assert "7 texts are not indexed" in result.note
    assert fake.texts == ["trade finance"]
    assert [m.person_id for m in result.matches][:2] == [
        m.person_id for m in ledger.topic_matches("trade finance", mode="lexical").matches
    ][:2]


def test_forget_erases_every_vector(ledger: Ledger, fake: CountingEmbedder) -> None:
    ids = _people(ledger)
    # A note about Bo that names Cy: redacted by forget, so its vector must go too.
    ledger.add_note("Bo met Cy Park at the fair", about=ids["bo"])
    ledger.index_topics()
    assert {r["person_id"] for r in _rows(ledger)} == set(ids.values())
    report = ledger.forget(ids["cy"])
    # Cy's 3 vectors, and the redacted note about Bo.
    assert report.removed["topic_vectors"] == 4
    rows = _rows(ledger)
    assert ids["cy"] not in {r["person_id"] for r in rows}
    assert all(not r["item"].startswith("note:") for r in rows)
    with ledger.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(topic_vectors)).scalar() == 4
    # The redacted note is embedded again, as redacted text.
    assert ledger.index_topics().embedded == 1
    assert fake.texts[-1] == "Bo met [forgotten] at the fair"


def test_deleting_a_person_cascades(ledger: Ledger, fake: CountingEmbedder) -> None:
    from sqlalchemy import delete

    from dunbar.store.tables import people

    ids = _people(ledger)
    ledger.index_topics()
    with ledger.engine.begin() as conn:
        conn.execute(delete(people).where(people.c.id == ids["ana"]))
    assert ids["ana"] not in {r["person_id"] for r in _rows(ledger)}


def test_me_is_never_matched(ledger: Ledger, fake: CountingEmbedder) -> None:
    ledger.edit_person(ledger.me().id, labels={LabelKind.TAG: ["trade finance"]})
    assert ledger.topic_matches("trade finance", mode="lexical").matches == []
    assert ledger.index_topics().embedded == 0


def test_lexical_matches_from_the_store(ledger: Ledger) -> None:
    ids = _people(ledger)
    result = ledger.topic_matches("trade finance", mode="lexical")
    assert result.mode_used == "lexical" and result.note is None
    # Bo: exact tag (1.0); Ana: only "finance" of the tag (0.5).
    assert [(m.person_id, m.score) for m in result.matches] == [(ids["bo"], 1.0), (ids["ana"], 0.5)]
    credit = ledger.topic_matches("letters of credit", mode="lexical").matches
    assert [m.person_id for m in credit] == [ids["cy"]]
    assert credit[0].evidence[0].startswith('note of 2026-03-02: "Asked me about letters of credit')
    assert ledger.topic_matches("finance", limit=1, mode="lexical").matches[0].person_id in (
        ids["ana"],
        ids["bo"],
    )


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_fails_with_one_line(ledger: Ledger, query: str) -> None:
    with pytest.raises(ValidationError) as info:
        ledger.topic_matches(query)
    assert info.value.exit_code == 2 and "\n" not in str(info.value)


def test_bad_mode_and_limit(ledger: Ledger) -> None:
    with pytest.raises(ValidationError, match="unknown matching mode"):
        ledger.topic_matches("x", mode="fuzzy")
    with pytest.raises(ValidationError, match="limit"):
        ledger.topic_matches("x", limit=0)


def test_without_the_extra(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    import dunbar.semantic

    reason = "semantic matching is not installed (torch missing): pip install 'dunbar[semantic]'"
    monkeypatch.setattr(dunbar.semantic, "unavailable_reason", lambda: reason)
    _people(ledger)
    with pytest.raises(SemanticUnavailableError) as info:
        ledger.topic_matches("trade finance", mode="semantic")
    assert isinstance(info.value, UsageError) and info.value.exit_code == 2
    assert "pip install 'dunbar[semantic]'" in str(info.value)
    result = ledger.topic_matches("trade finance")  # auto: words only, and says so
    assert result.mode_used == "lexical"
    assert result.note == reason + "; matched words only"
    assert len(result.matches) == 2
    with pytest.raises(SemanticUnavailableError):
        ledger.index_topics()


# --- the real model ----------------------------------------------------------------


@semantic
def test_real_model_finds_meaning_without_shared_words(ledger: Ledger) -> None:
    ana = ledger.add_person("Ana Silva", tags=["supply-chain finance"]).id
    dee = ledger.add_person("Dee Okafor", tags=["export credit"]).id
    unrelated = [
        ledger.add_person(name, tags=[tag]).id
        for name, tag in (
            ("Cy Park", "gardening"),
            ("Eve Ito", "jazz piano"),
            ("Fay Roy", "sourdough baking"),
            ("Gus Lee", "rock climbing"),
        )
    ]
    report = ledger.index_topics()
    assert (report.embedded, report.model) == (6, "all-MiniLM-L6-v2")
    result = ledger.topic_matches("trade finance", mode="semantic")
    assert result.mode_used == "semantic" and result.note is None
    ranked = [m.person_id for m in result.matches]
    # all-MiniLM-L6-v2 cosines to "trade finance" (measured 2026-12-02): supply-chain
    # finance 0.640, export credit 0.477; gardening 0.085, jazz piano 0.201,
    # sourdough baking 0.037, rock climbing 0.069 (all below the 0.35 floor).
    assert ranked[:2] == [ana, dee]
    assert not set(unrelated) & set(ranked)
    # Lexically, "export credit" shares no word with "trade finance".
    lexical = ledger.topic_matches("trade finance", mode="lexical")
    assert [m.person_id for m in lexical.matches] == [ana]
    dee_match = next(m for m in result.matches if m.person_id == dee)
    assert dee_match.evidence == ('tagged "export credit" (similar meaning)',)


@semantic
def test_real_model_queries_embed_only_the_query(ledger: Ledger) -> None:
    from dunbar.semantic import load_embedder

    _people(ledger)
    ledger.index_topics()
    model = load_embedder()
    before = model.texts  # type: ignore[attr-defined]
    ledger.topic_matches("trade finance")
    ledger.topic_matches("export")
    assert model.texts - before == 2  # type: ignore[attr-defined]


def test_auto_on_a_never_indexed_ledger_does_not_load_the_model(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dunbar.facade.topics as facade
    import dunbar.semantic

    def no_model() -> None:
        raise AssertionError("the model must not be loaded")

    monkeypatch.setattr(dunbar.semantic, "unavailable_reason", lambda: None)
    monkeypatch.setattr(dunbar.semantic, "load_embedder", no_model)
    monkeypatch.setattr(facade, "ON_THE_FLY", 3)
    _people(ledger)  # 7 distinct texts > 3
    result = ledger.topic_matches("trade finance")
    assert result.mode_used == "lexical"
    assert result.note is not None and "run 'dunbar topics index'" in result.note
    assert len(result.matches) == 2


def test_a_shared_vector_survives_its_holder(ledger: Ledger, fake: CountingEmbedder) -> None:
    ids = [ledger.add_person(name, tags=["climate"]).id for name in ("A One", "B Two", "C3")]
    ledger.index_topics()
    [holder] = [r["person_id"] for r in _rows(ledger) if r["vector"] is not None]
    # The holder's tag changes: its row goes, and the vector moves to another row.
    ledger.edit_person(
        holder, labels={LabelKind.TAG: ["oceans"]}, unlabel={LabelKind.TAG: ["climate"]}
    )
    report = ledger.index_topics()
    assert (report.embedded, report.reused) == (1, 2)  # only "oceans" is new
    assert fake.texts == ["climate", "oceans"]
    rows = _rows(ledger)
    climate = [r for r in rows if r["text_hash"] == text_hash("climate")]
    assert sorted(r["person_id"] for r in climate) == sorted(set(ids) - {holder})
    assert sum(r["vector"] is not None for r in climate) == 1
    before = len(fake.texts)
    result = ledger.topic_matches("climate", mode="semantic")
    assert fake.texts[before:] == ["climate"]  # the query only
    assert {m.person_id for m in result.matches} == set(ids) - {holder}


def test_a_shared_vector_forgotten_with_its_holder_is_embedded_again(
    ledger: Ledger, fake: CountingEmbedder
) -> None:
    ids = [ledger.add_person(name, tags=["climate"]).id for name in ("A One", "B Two")]
    ledger.index_topics()
    [holder] = [r["person_id"] for r in _rows(ledger) if r["vector"] is not None]
    ledger.forget(holder)
    [other] = set(ids) - {holder}
    # The query embeds the one missing text itself (and the query)...
    before = len(fake.texts)
    result = ledger.topic_matches("climate", mode="semantic")
    assert sorted(fake.texts[before:]) == ["climate", "climate"]
    assert [m.person_id for m in result.matches] == [other]
    # ...and the next index run stores it again, on the remaining row.
    report = ledger.index_topics()
    assert (report.embedded, report.reused, report.removed) == (1, 0, 0)
    [row] = _rows(ledger)
    assert row["person_id"] == other and row["vector"] is not None
