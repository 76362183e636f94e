"""Forgetting a person erases every trace: rows, index entries, and the bytes on disk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from dunbar import LabelKind, Ledger, NotFoundError, PersonFields, ValidationError

Rows = Callable[[Ledger], dict[str, list[dict[str, Any]]]]

# Words that occur nowhere but in what we write about the forgotten person.
SECRETS = ("quintessa", "vexley", "qv-secret-handle", "+447700900123")


@dataclass
class Scene:
    gone: int
    bo: int
    cy: int
    solo: int
    shared: int
    dinner: int


@pytest.fixture
def scene(ledger: Ledger) -> Scene:
    gone = ledger.add_person(
        "Quintessa Vexley",
        emails=["quintessa.vexley@example.org"],
        phones=["+447700900123"],
        handles=["@qv-secret-handle"],
        tags=["vexley-circle"],
        title="Vexley Holdings",
        custom={"nickname": "Quintessa the Bold"},
    ).id
    bo = ledger.add_person("Bo Chen", how_met="Through Quintessa Vexley").id
    cy = ledger.add_person("Cy Diaz").id
    solo = ledger.log(
        "Lunch with Quintessa",
        with_=[gone],
        notes_text="quintessa.vexley@example.org sent the invite",
    ).id
    shared = ledger.log(
        "Dinner with Quintessa and Bo", with_=[gone, bo], notes_text="Vexley brought wine"
    ).id
    ledger.add_note("Quintessa wants to move to Lisbon", about=gone, topics=["vexley"])
    ledger.add_note("Bo met Quintessa Vexley at FOSDEM", about=bo)
    ledger.add_favour(gone, "me", "Quintessa lent me a tent")
    ledger.add_favour(bo, "me", "Bo helped Quintessa move house")
    ledger.add_introduction(gone, bo)
    ledger.add_introduction(bo, cy, reason="Quintessa suggested it")
    ledger.know(gone, bo)
    dinner = ledger.add_gathering("Supper", on="2026-11-01", notes_text="Seat Vexley by Bo").id
    ledger.set_attendance(dinner, gone, "attended")
    ledger.seat(dinner, gone, round_no=1, table=1, seat=1)
    ledger.add_follow_up(gone, due="2026-12-01", reason="send the photos")
    ledger.add_follow_up(bo, due="2026-12-01", reason="ask Bo how Quintessa is")
    ledger.not_duplicates(gone, bo)  # `dunbar not-duplicates`
    return Scene(gone, bo, cy, solo, shared, dinner)


def _mentions(ledger: Ledger) -> list[str]:
    """Every place in the database that still holds one of ``SECRETS``."""
    found: list[str] = []
    if ledger.backend == "sqlite":
        path = Path(str(ledger.url.database))
        for file in (path, Path(f"{path}-wal")):
            if file.exists():
                data = file.read_bytes().lower()
                found += [f"{file.name}: {s}" for s in SECRETS if s.encode() in data]
        return found
    with ledger.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT CAST(t AS TEXT) FROM "{table}" t')).scalars()
            for row in rows:
                found += [f"{table}: {s}" for s in SECRETS if s in row.lower()]
    return found


def test_every_trace_is_gone(ledger: Ledger, scene: Scene) -> None:
    assert len(_mentions(ledger)) >= len(SECRETS)  # the probe sees them before

    report = ledger.forget("quintessa.vexley@example.org")

    assert _mentions(ledger) == []
    assert (report.person_id, report.name) == (scene.gone, "Quintessa Vexley")
    assert (report.encounters_deleted, report.encounters_kept) == (1, 1)
    with pytest.raises(NotFoundError):
        ledger.person(scene.gone)
    for query in SECRETS[:2]:
        assert ledger.search(query) == []


def test_shared_encounters_keep_the_others(ledger: Ledger, scene: Scene) -> None:
    ledger.forget(scene.gone)
    assert ledger.encounters([scene.solo]) == []
    (shared,) = ledger.encounters([scene.shared])
    assert shared.participants == (scene.bo,)
    assert shared.title == "Dinner with [forgotten] and Bo"
    assert shared.notes == "[forgotten] brought wine"


def test_texts_about_others_are_redacted_not_deleted(ledger: Ledger, scene: Scene) -> None:
    report = ledger.forget(scene.gone)
    bo = ledger.profile(scene.bo)
    assert [n.body for n in bo.notes] == ["Bo met [forgotten] at FOSDEM"]
    assert [f.what for f in bo.favours] == ["Bo helped [forgotten] move house"]
    assert [i.reason for i in bo.introductions] == ["[forgotten] suggested it"]
    assert [f.reason for f in bo.follow_ups] == ["ask Bo how [forgotten] is"]
    assert bo.person.how_met == "Through [forgotten]"
    assert ledger.gathering(scene.dinner).notes == "Seat [forgotten] by Bo"
    assert ledger.acquaintances(scene.bo) == []
    assert report.texts_redacted >= 6


def test_records_that_were_theirs_are_removed(
    ledger: Ledger, scene: Scene, table_rows: Rows
) -> None:
    ledger.forget(scene.gone)
    rows = table_rows(ledger)
    for table in ("identities", "person_labels", "attendance", "seating", "not_duplicates"):
        assert rows[table] == [], table
    assert [r["person_id"] for r in rows["notes"]] == [scene.bo]
    assert [r["person_id"] for r in rows["follow_ups"]] == [scene.bo]
    assert [(r["giver_id"], r["receiver_id"]) for r in rows["favours"]] == [(scene.bo, 1)]
    assert [(r["person_a_id"], r["person_b_id"]) for r in rows["introductions"]] == [
        (scene.bo, scene.cy)
    ]


def test_forgetting_me_is_refused(ledger: Ledger, table_rows: Rows) -> None:
    before = table_rows(ledger)
    with pytest.raises(ValidationError, match="cannot forget 'me'"):
        ledger.forget("me")
    assert table_rows(ledger) == before


def test_forget_after_edits_leaves_no_old_versions(ledger: Ledger) -> None:
    # Old row versions (UPDATE leaves them in free pages, the WAL or dead tuples)
    # must not survive either.
    person = ledger.add_person("Quintessa Vexley")
    ledger.edit_person(
        person.id,
        PersonFields(title="vexley-secret-title"),
        labels={LabelKind.TAG: ["qv-secret-handle"]},
    )
    ledger.edit_person(
        person.id,
        PersonFields(name="Q. V."),
        clear=["title"],
        unlabel={LabelKind.TAG: ["qv-secret-handle"]},
    )
    ledger.forget(person.id)
    if ledger.backend == "sqlite":  # PostgreSQL: dead tuples are not readable as rows
        assert _mentions(ledger) == []
    assert ledger.count_people() == 1


def test_short_first_names_are_redacted_in_the_encounters_they_shared(ledger: Ledger) -> None:
    bo = ledger.add_person("Bo Chen").id
    cy = ledger.add_person("Cy Diaz").id
    ledger.log("Coffee with Bo and Cy", with_=[bo, cy], when="2026-11-01")
    ledger.add_note("Cy mentioned Bo Diddley records", about=cy)
    ledger.forget(bo)
    profile = ledger.profile(cy)
    assert [e.title for e in profile.encounters] == ["Coffee with [forgotten] and Cy"]
    # "Bo" alone outside their shared encounters is too short to be theirs for sure.
    assert [n.body for n in profile.notes] == ["Cy mentioned Bo Diddley records"]
