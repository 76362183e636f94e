"""Full-text search across people, notes and encounters; the index follows every write."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dunbar import IdentityKind, LabelKind, Ledger, PersonFields, SearchHit, ValidationError

NOW = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)


def kinds(hits: list[SearchHit]) -> set[tuple[str, int]]:
    return {(h.kind, h.ref) for h in hits}


@pytest.fixture
def world(ledger: Ledger) -> dict[str, int]:
    zoe = ledger.add_person(
        "Zoë Núñez",
        title="Treasurer",
        organisation="Fintech Coop",
        tags=["supply-chain finance"],
        location="Valencia",
    ).id
    bo = ledger.add_person("Bohdan Chen", how_met="At the bouldering gym").id
    note = ledger.add_note(
        "Zoë is writing a book about cooperative banking", about=zoe, topics=["publishing"]
    ).id
    enc = ledger.log(
        "Paella with Zoë and Bohdan",
        with_=[zoe, bo],
        when="2026-10-10T20:00:00+02:00",
        notes_text="Talked about Valencia",
    ).id
    return {"zoe": zoe, "bo": bo, "note": note, "enc": enc}


def test_people_by_name_accent_insensitive(ledger: Ledger, world: dict[str, int]) -> None:
    for query in ("zoe", "ZOË", "nunez", "Núñez", "zoe nunez"):
        hits = ledger.search(query)
        assert ("person", world["zoe"]) in kinds(hits), query
    person = next(h for h in ledger.search("nunez") if h.kind == "person")
    assert person.people == ((world["zoe"], "Zoë Núñez"),)
    assert person.text == "Zoë Núñez" and person.when is None


def test_people_by_what_they_are(ledger: Ledger, world: dict[str, int]) -> None:
    assert kinds(ledger.search("treasurer")) == {("person", world["zoe"])}
    assert kinds(ledger.search("fintech")) == {("person", world["zoe"])}  # organisation
    assert kinds(ledger.search("bouldering")) == {("person", world["bo"])}  # how met
    # Prefixes of every word, in any order ("supp fin" -> "supply-chain finance").
    assert kinds(ledger.search("supp fin")) == {("person", world["zoe"])}
    assert kinds(ledger.search("fin supp")) == {("person", world["zoe"])}


def test_notes_say_from_whom(ledger: Ledger, world: dict[str, int]) -> None:
    (hit,) = ledger.search("cooperative bank")
    assert (hit.kind, hit.ref) == ("note", world["note"])
    assert hit.people == ((world["zoe"], "Zoë Núñez"),)
    assert hit.text == "Zoë is writing a book about cooperative banking"
    assert hit.when == dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)
    assert kinds(ledger.search("publishing")) == {("note", world["note"])}  # topics


def test_encounters_by_title_and_notes(ledger: Ledger, world: dict[str, int]) -> None:
    (hit,) = ledger.search("paella")
    assert (hit.kind, hit.ref) == ("encounter", world["enc"])
    assert hit.people == ((world["zoe"], "Zoë Núñez"), (world["bo"], "Bohdan Chen"))
    assert hit.text == "Paella with Zoë and Bohdan — Talked about Valencia"
    assert hit.when == dt.datetime(2026, 10, 10, 18, tzinfo=dt.UTC)
    assert kinds(ledger.search("valencia")) == {
        ("person", world["zoe"]),
        ("encounter", world["enc"]),
    }
    untitled = ledger.log(None, with_=[world["bo"]])
    assert all(h.ref != untitled.id for h in ledger.search("bohdan") if h.kind == "encounter")


def test_search_mixes_kinds_and_limits(ledger: Ledger, world: dict[str, int]) -> None:
    everything = kinds(ledger.search("zoe"))
    assert everything == {
        ("person", world["zoe"]),
        ("note", world["note"]),
        ("encounter", world["enc"]),
    }
    assert len(ledger.search("zoe", limit=2)) == 2
    with pytest.raises(ValidationError):
        ledger.search("zoe", limit=0)


@pytest.mark.parametrize("query", ["", "   ", "!!! ???", "-"])
def test_queries_without_words_find_nothing(
    ledger: Ledger, world: dict[str, int], query: str
) -> None:
    assert ledger.search(query) == []


@pytest.mark.parametrize("query", ['"', "a*", "NEAR(", "zoe OR", "AND", "tsv:*&|!"])
def test_operator_characters_are_words_not_syntax(
    ledger: Ledger, world: dict[str, int], query: str
) -> None:
    # Query syntax of FTS5 and tsquery is never passed through: only the words count.
    words = " ".join(re.findall(r"\w+", query))
    assert kinds(ledger.search(query)) == kinds(ledger.search(words))


def test_index_follows_edits(ledger: Ledger, world: dict[str, int]) -> None:
    ledger.edit_person(world["bo"], PersonFields(name="Taras Wu", title="Sculptor"))
    assert kinds(ledger.search("taras")) == {("person", world["bo"])}
    assert kinds(ledger.search("sculptor")) == {("person", world["bo"])}
    assert ("person", world["bo"]) not in kinds(ledger.search("chen"))

    ledger.edit_person(world["bo"], labels={LabelKind.TOPIC: ["ceramics"]})
    assert kinds(ledger.search("ceramics")) == {("person", world["bo"])}
    ledger.edit_person(world["bo"], unlabel={LabelKind.TOPIC: ["Ceramics"]})
    assert ledger.search("ceramics") == []

    ledger.edit_person(
        world["zoe"], clear=["organisation", "title"], add={IdentityKind.EMAIL: ["zoe@example.org"]}
    )
    assert ledger.search("fintech") == []
    assert ledger.search("treasurer") == []


def test_index_follows_an_organisation_joined_later(ledger: Ledger) -> None:
    ana = ledger.add_person("Ana")
    ledger.edit_person(ana.id, PersonFields(organisation="Quokka Labs"))
    assert kinds(ledger.search("quokka")) == {("person", ana.id)}


def test_index_follows_deletes(ledger: Ledger, world: dict[str, int]) -> None:
    ledger.forget(world["bo"])
    assert ledger.search("bouldering") == []
    assert ledger.search("bohdan") == [] and ledger.search("chen") == []
    # The shared encounter stays (Zoë was there too), with Bohdan's name redacted.
    (hit,) = ledger.search("paella")
    assert hit.people == ((world["zoe"], "Zoë Núñez"),)
    assert hit.text == "Paella with Zoë and [forgotten] — Talked about Valencia"
    ledger.forget(world["zoe"])
    assert ledger.search("paella") == [] and ledger.search("cooperative") == []


def test_only_encounters_with_text_are_indexed(ledger: Ledger, world: dict[str, int]) -> None:
    # Migration 0004: the insert trigger skips untitled encounters (a bulk-import
    # cost), and still indexes those with a title or notes, by either path.
    from dunbar import EncounterInput

    table, key = (
        ("search_fts", "rowid") if ledger.backend == "sqlite" else ("search_index", "rowid_key")
    )

    def indexed(encounter_id: int) -> bool:
        with ledger.engine.connect() as conn:
            found = conn.exec_driver_sql(
                f"SELECT count(*) FROM {table} WHERE {key} = {4 * encounter_id + 2}"
            ).scalar()
        return bool(found)

    person = next(iter(world.values()))
    quiet = ledger.log(None, with_=[person], when="2026-11-01")
    titled = ledger.log("Harbour walk", with_=[person], when="2026-11-02")
    noted = ledger.log(None, with_=[person], when="2026-11-03", notes_text="lighthouse")
    assert (indexed(quiet.id), indexed(titled.id), indexed(noted.id)) == (False, True, True)
    ledger.bulk_add_encounters(
        [
            EncounterInput(
                when=NOW - dt.timedelta(days=9), participants=[person], source="t", source_ref="a"
            ),
            EncounterInput(
                when=NOW - dt.timedelta(days=8),
                participants=[person],
                title="Ferry ride",
                source="t",
                source_ref="b",
            ),
        ]
    )
    assert [h.text for h in ledger.search("ferry")] == ["Ferry ride"]
    assert [h.text for h in ledger.search("lighthouse")] == ["lighthouse"]
