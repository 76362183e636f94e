"""Merging two records of one person: everything moves, conflicts resolve, nothing is lost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from dunbar import Evidence, Ledger, NotFoundError, ValidationError

Rows = Callable[[Ledger], dict[str, list[dict[str, Any]]]]


@dataclass
class Scene:
    keep: int
    other: int
    bo: int
    cy: int
    shared: int
    solo_other: int
    dinner: int
    brunch: int


@pytest.fixture
def scene(ledger: Ledger) -> Scene:
    keep = ledger.add_person(
        "Ana Silva",
        emails=["ana@example.org"],
        tags=["climbing"],
        closeness=3,
        first_known="2020-01-01",
        custom={"source": "kept", "shoe": 38},
    ).id
    other = ledger.add_person(
        "Ana S.",
        emails=["ana.s@work.example"],
        phones=["+351912345678"],
        tags=["Climbing", "chess"],
        topics=["rust"],
        title="Engineer",
        organisation="Acme",
        closeness=5,
        kin=True,
        first_known="2015-06-01",
        birthday="--05-17",
        custom={"source": "other", "city": "Porto"},
    ).id
    bo = ledger.add_person("Bo Chen").id
    cy = ledger.add_person("Cy Diaz").id
    shared = ledger.log("Climbing", with_=[keep, other, bo], when="2026-01-10T10:00:00+00:00").id
    solo_other = ledger.log("Coffee", with_=[other], when="2026-02-10T10:00:00+00:00").id
    ledger.add_note("Ana S. likes Porto", about=other)
    ledger.add_follow_up(other, due="2026-12-01", reason="send slides")
    ledger.add_favour(other, "me", "lent a book")
    ledger.add_favour(keep, other, "a favour between the two records")
    ledger.add_favour(other, bo, "helped Bo move")
    ledger.add_introduction(keep, other, reason="introduced her to herself")
    ledger.add_introduction(other, cy, reason="both into rust")
    ledger.know(other, bo, evidence="shared_encounter", on="2026-01-10", strength=0.5)
    ledger.know(keep, bo, evidence="shared_encounter", on="2026-03-01", strength=0.7)
    ledger.know(other, cy)
    ledger.know(keep, other)
    dinner = ledger.add_gathering("Supper", on="2026-11-01").id
    ledger.set_attendance(dinner, keep, "attended")
    ledger.set_attendance(dinner, other, "attended")
    ledger.seat(dinner, keep, round_no=1, table=1, seat=1)
    ledger.seat(dinner, other, round_no=1, table=1, seat=2)
    ledger.seat(dinner, other, round_no=2, table=2, seat=1)
    brunch = ledger.add_gathering("Brunch", on="2026-10-01").id
    ledger.set_attendance(brunch, other, "confirmed")
    return Scene(keep, other, bo, cy, shared, solo_other, dinner, brunch)


def test_merge_moves_everything(ledger: Ledger, scene: Scene) -> None:
    merged = ledger.merge(scene.keep, scene.other)
    with pytest.raises(NotFoundError):
        ledger.person(scene.other)

    # Identities move; labels are the union, one per key (keep's spelling wins).
    assert merged.emails == ["ana@example.org", "ana.s@work.example"]
    assert merged.phones == ["+351912345678"]
    assert merged.tags == ["chess", "climbing"] and merged.topics == ["rust"]
    # Empty fields are filled from the other; keep's own values win; the earliest
    # first_known and kin-ness survive; custom is merged with keep's keys winning.
    assert (merged.title, merged.organisation, merged.birthday) == ("Engineer", "Acme", "--05-17")
    assert merged.closeness == 3 and merged.is_kin
    assert merged.first_known == dt.date(2015, 6, 1)
    assert merged.custom == {"source": "kept", "shoe": 38, "city": "Porto"}

    profile = ledger.profile(scene.keep)
    assert sorted(e.id for e in profile.encounters) == [scene.shared, scene.solo_other]
    (shared,) = ledger.encounters([scene.shared])
    assert shared.participants == (scene.keep, scene.bo)  # once, not twice
    assert [n.body for n in profile.notes] == ["Ana S. likes Porto"]
    assert [f.reason for f in profile.follow_ups] == ["send slides"]
    # The favour between the two records would be a self-favour: dropped.
    assert sorted((f.giver_id, f.receiver_id, f.what) for f in profile.favours) == [
        (scene.keep, 1, "lent a book"),
        (scene.keep, scene.bo, "helped Bo move"),
    ]
    # Likewise the introduction of the two records to each other.
    assert [(i.person_a_id, i.person_b_id) for i in profile.introductions] == [
        (scene.keep, scene.cy)
    ]


def test_merge_combines_acquaintances(ledger: Ledger, scene: Scene) -> None:
    ledger.merge(scene.keep, scene.other)
    found = {
        (a.person_a_id, a.person_b_id, a.evidence): a for a in ledger.acquaintances(scene.keep)
    }
    assert set(found) == {
        (scene.keep, scene.bo, Evidence.SHARED_ENCOUNTER),
        (scene.keep, scene.cy, Evidence.DECLARED),
    }
    with_bo = found[(scene.keep, scene.bo, Evidence.SHARED_ENCOUNTER)]
    assert with_bo.count == 2 and with_bo.strength == 0.7
    assert (with_bo.first_seen, with_bo.last_seen) == (dt.date(2026, 1, 10), dt.date(2026, 3, 1))
    assert all(a.person_a_id < a.person_b_id for a in ledger.acquaintances())


def test_merge_resolves_gathering_conflicts(ledger: Ledger, scene: Scene) -> None:
    ledger.merge(scene.keep, scene.other)
    assert [(a.person_id, a.status.value) for a in ledger.attendees(scene.dinner)] == [
        (scene.keep, "attended")
    ]
    assert [(a.person_id, a.status.value) for a in ledger.attendees(scene.brunch)] == [
        (scene.keep, "confirmed")
    ]
    # Round 1 had both records seated: keep's seat stays. Round 2 moves over.
    assert [(s.round, s.table, s.seat, s.person_id) for s in ledger.seating(scene.dinner)] == [
        (1, 1, 1, scene.keep),
        (2, 2, 1, scene.keep),
    ]


def test_merge_keeps_the_index_in_step(ledger: Ledger, scene: Scene) -> None:
    ledger.merge(scene.keep, scene.other)
    assert ledger.resolve("ana.s@work.example") == scene.keep
    (note,) = [h for h in ledger.search("porto") if h.kind == "note"]
    assert note.people == ((scene.keep, "Ana Silva"),)
    assert {h.ref for h in ledger.search("engineer") if h.kind == "person"} == {scene.keep}


def test_merge_into_me_but_never_me_away(ledger: Ledger, table_rows: Rows) -> None:
    twin = ledger.add_person("Rosa D.", emails=["rosa@example.org"])
    before = table_rows(ledger)
    with pytest.raises(ValidationError, match="'me' must be the one that is kept"):
        ledger.merge(twin.id, "me")
    with pytest.raises(ValidationError, match="themselves"):
        ledger.merge(twin.id, twin.id)
    assert table_rows(ledger) == before
    me = ledger.merge("me", twin.id)
    assert me.is_me and me.emails == ["rosa@example.org"]
    assert ledger.count_people() == 1
