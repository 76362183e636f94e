"""Notes, favours, introductions, acquaintances and gatherings through the store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dunbar import (
    Acquaintance,
    AcquaintanceInput,
    AttendanceStatus,
    Attendee,
    Evidence,
    Favour,
    FavourKind,
    FavourStatus,
    FollowUp,
    Gathering,
    GatheringKind,
    Introduction,
    IntroOutcome,
    Ledger,
    Note,
    NotFoundError,
    Seat,
    ValidationError,
)

NOW = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)


@pytest.fixture
def trio(ledger: Ledger) -> tuple[int, int, int]:
    return (
        ledger.add_person("Ana Silva").id,
        ledger.add_person("Bo Chen").id,
        ledger.add_person("Cy Diaz").id,
    )


# --- notes -----------------------------------------------------------------------------


def test_note_round_trip(ledger: Ledger, trio: tuple[int, int, int]) -> None:
    ana = trio[0]
    meeting = ledger.log("Lunch", with_=[ana], when="2026-11-20T13:00:00+00:00")
    note = ledger.add_note(
        "  Moving to Porto in spring. ",
        about="ana silva",
        topics=["relocation", "  machine   learning ", "relocation"],
        when="2026-11-20T14:00:00+01:00",
        encounter_id=meeting.id,
    )
    assert note == Note(
        id=note.id,
        body="Moving to Porto in spring.",
        person_id=ana,
        written_at=dt.datetime(2026, 11, 20, 13, tzinfo=dt.UTC),
        topics=("relocation", "machine learning"),
        encounter_id=meeting.id,
    )
    assert ledger.profile(ana).notes == [note]


def test_note_defaults_and_refusals(ledger: Ledger, trio: tuple[int, int, int]) -> None:
    free = ledger.add_note("An idea for a supper club")
    assert (free.person_id, free.written_at, free.topics, free.encounter_id) == (
        None,
        NOW,
        (),
        None,
    )
    with pytest.raises(ValidationError, match="note is empty"):
        ledger.add_note("   ", about=trio[0])
    with pytest.raises(ValidationError, match="no encounter with id 99"):
        ledger.add_note("x", encounter_id=99)
    with pytest.raises(NotFoundError):
        ledger.add_note("x", about="Nobody Here")
    assert ledger.profile(trio[0]).notes == []


# --- favours ---------------------------------------------------------------------------


def test_favour_round_trip(ledger: Ledger, trio: tuple[int, int, int]) -> None:
    ana, bo, _ = trio
    given = ledger.add_favour("me", ana, "Reviewed her CV", kind="advice", on="2026-11-01")
    asked = ledger.add_favour(bo, "me", "An intro to Ana", kind=FavourKind.INTRO, status="asked")
    assert given == Favour(
        given.id,
        1,
        ana,
        "Reviewed her CV",
        FavourKind.ADVICE,
        dt.date(2026, 11, 1),
        FavourStatus.DONE,
    )
    assert asked.on == NOW.date() and asked.status is FavourStatus.ASKED
    promised = ledger.set_favour_status(asked.id, "promised")
    assert promised.status is FavourStatus.PROMISED
    assert ledger.profile(bo).favours == [promised]
    assert ledger.profile("me").favours == [promised, given]  # newest first


def test_favour_refusals(ledger: Ledger, trio: tuple[int, int, int]) -> None:
    ana = trio[0]
    with pytest.raises(ValidationError, match="two different people"):
        ledger.add_favour(ana, ana, "x")
    with pytest.raises(ValidationError, match="in the future"):
        ledger.add_favour("me", ana, "x", on="2026-12-01")
    with pytest.raises(ValidationError, match="unknown favour kind"):
        ledger.add_favour("me", ana, "x", kind="bribe")
    with pytest.raises(ValidationError, match="favour is empty"):
        ledger.add_favour("me", ana, " ")
    with pytest.raises(NotFoundError, match="no favour with id 99"):
        ledger.set_favour_status(99, "done")
    assert ledger.profile(ana).favours == []


# --- introductions ---------------------------------------------------------------------


def test_introduction_round_trip(ledger: Ledger, trio: tuple[int, int, int]) -> None:
    ana, bo, cy = trio
    intro = ledger.add_introduction(ana, bo, reason=" Both climb ", on="2026-10-01")
    assert intro == Introduction(
        intro.id, 1, ana, bo, dt.date(2026, 10, 1), "Both climb", IntroOutcome.PENDING
    )
    theirs = ledger.add_introduction(bo, cy, broker=ana)
    assert (theirs.broker_id, theirs.on, theirs.reason) == (ana, NOW.date(), None)
    worked = ledger.set_introduction_outcome(intro.id, "worked-together")
    assert worked.outcome is IntroOutcome.WORKED_TOGETHER
    assert ledger.profile(bo).introductions == [theirs, worked]


@pytest.mark.parametrize(("a", "b", "broker"), [(0, 0, "me"), (0, 1, 0), (0, 1, 1)])
def test_introduction_needs_three_people(
    ledger: Ledger, trio: tuple[int, int, int], a: int, b: int, broker: int | str
) -> None:
    who = broker if isinstance(broker, str) else trio[broker]
    with pytest.raises(ValidationError, match="three different people"):
        ledger.add_introduction(trio[a], trio[b], broker=who)


def test_introduction_outcome_unknown(ledger: Ledger) -> None:
    with pytest.raises(NotFoundError):
        ledger.set_introduction_outcome(5, "met")


# --- acquaintances ---------------------------------------------------------------------


def test_acquaintance_is_stored_as_an_ordered_pair(
    ledger: Ledger, trio: tuple[int, int, int]
) -> None:
    ana, bo, _ = trio
    known = ledger.know(bo, ana, strength=0.4, on="2026-01-05")
    assert known == Acquaintance(
        known.id, ana, bo, Evidence.DECLARED, 0.4, 1, dt.date(2026, 1, 5), dt.date(2026, 1, 5)
    )
    assert ledger.know(ana, bo).count == 1  # declaring twice is one declaration


def test_repeated_evidence_counts(ledger: Ledger, trio: tuple[int, int, int]) -> None:
    ana, bo, cy = trio
    ledger.know(ana, bo, evidence="shared-encounter", on="2026-03-01")
    ledger.know(bo, ana, evidence="shared_encounter", on="2026-01-01")
    third = ledger.know(ana, bo, evidence=Evidence.SHARED_ENCOUNTER, strength=0.9)
    assert (third.count, third.strength) == (3, 0.9)
    assert (third.first_seen, third.last_seen) == (dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    ledger.know(cy, bo, evidence="email_cc")
    assert [(a.person_a_id, a.person_b_id, a.evidence) for a in ledger.acquaintances(bo)] == [
        (ana, bo, Evidence.SHARED_ENCOUNTER),
        (bo, cy, Evidence.EMAIL_CC),
    ]
    assert len(ledger.acquaintances()) == 2
    assert ledger.acquaintances(cy) == ledger.profile(cy).acquaintances


def test_acquaintance_refusals(ledger: Ledger, trio: tuple[int, int, int]) -> None:
    ana, bo, _ = trio
    with pytest.raises(ValidationError, match="I know all my contacts"):
        ledger.know("me", ana)
    with pytest.raises(ValidationError, match="knows themselves"):
        ledger.know(ana, ana)
    with pytest.raises(ValidationError, match="between 0 and 1"):
        ledger.know(ana, bo, strength=1.5)
    with pytest.raises(ValidationError, match="unknown evidence"):
        ledger.know(ana, bo, evidence="rumour")
    assert ledger.acquaintances() == []


# --- gatherings ------------------------------------------------------------------------


def test_gathering_with_attendance_seating_and_follow_ups(
    ledger: Ledger, trio: tuple[int, int, int]
) -> None:
    ana, bo, cy = trio
    dinner = ledger.add_gathering(
        "Supper club #3",
        on="2026-11-18",
        kind="dinner",
        venue="Casa Rosa",
        capacity=2,
        notes_text="No agenda.",
    )
    assert dinner == Gathering(
        dinner.id,
        "Supper club #3",
        GatheringKind.DINNER,
        dt.date(2026, 11, 18),
        "Casa Rosa",
        2,
        "No agenda.",
    )
    assert ledger.gathering(dinner.id) == dinner

    assert ledger.set_attendance(dinner.id, ana, "confirmed") == Attendee(
        dinner.id, ana, AttendanceStatus.CONFIRMED
    )
    ledger.set_attendance(dinner.id, bo, "confirmed")
    with pytest.raises(ValidationError, match=r"Supper club #3 is full \(2 confirmed\)"):
        ledger.set_attendance(dinner.id, cy, "confirmed")
    ledger.set_attendance(dinner.id, cy, "invited")  # invitations do not take seats
    ledger.set_attendance(dinner.id, ana, "attended")  # a status change, not a new seat
    assert ledger.attendees(dinner.id) == [
        Attendee(dinner.id, ana, AttendanceStatus.ATTENDED),
        Attendee(dinner.id, bo, AttendanceStatus.CONFIRMED),
        Attendee(dinner.id, cy, AttendanceStatus.INVITED),
    ]

    ledger.seat(dinner.id, bo, round_no=1, table=1, seat=2)
    ledger.seat(dinner.id, ana, round_no=1, table=1, seat=1)
    ledger.seat(dinner.id, ana, round_no=2, table=1, seat=2)
    assert ledger.seating(dinner.id) == [
        Seat(dinner.id, 1, 1, 1, ana),
        Seat(dinner.id, 1, 1, 2, bo),
        Seat(dinner.id, 2, 1, 2, ana),
    ]
    with pytest.raises(ValidationError):  # the seat is taken
        ledger.seat(dinner.id, cy, round_no=1, table=1, seat=1)
    with pytest.raises(ValidationError):  # one seat per person per round
        ledger.seat(dinner.id, ana, round_no=1, table=2, seat=1)
    with pytest.raises(ValidationError, match="numbered from 1"):
        ledger.seat(dinner.id, cy, round_no=0, table=1, seat=1)
    assert len(ledger.seating(dinner.id)) == 3

    follow = ledger.add_follow_up(
        ana, due="2026-12-01", reason="Send the article", gathering_id=dinner.id
    )
    assert follow == FollowUp(
        follow.id, ana, dt.date(2026, 12, 1), "Send the article", False, dinner.id
    )
    plain = ledger.add_follow_up(ana, due="2026-11-25", reason="Call about Porto")
    assert ledger.profile(ana).follow_ups == [plain, follow]  # by due date

    linked = ledger.log("Supper", with_=[ana, bo], gathering_id=dinner.id)
    assert linked.gathering_id == dinner.id


def test_gathering_refusals(ledger: Ledger, trio: tuple[int, int, int]) -> None:
    with pytest.raises(ValidationError, match="capacity must be at least 1"):
        ledger.add_gathering("x", on="2026-01-01", capacity=0)
    with pytest.raises(ValidationError, match="gathering name is empty"):
        ledger.add_gathering("  ", on="2026-01-01")
    with pytest.raises(ValidationError, match="unknown gathering kind"):
        ledger.add_gathering("x", on="2026-01-01", kind="rave")
    with pytest.raises(NotFoundError, match="no gathering with id 7"):
        ledger.gathering(7)
    with pytest.raises(NotFoundError):
        ledger.set_attendance(7, trio[0], "invited")
    with pytest.raises(NotFoundError):
        ledger.seat(7, trio[0], round_no=1, table=1, seat=1)
    with pytest.raises(NotFoundError):
        ledger.add_follow_up(trio[0], due="2026-12-01", reason="x", gathering_id=7)
    with pytest.raises(ValidationError, match="bad due date"):
        ledger.add_follow_up(trio[0], due="soon", reason="x")
    assert ledger.profile(trio[0]).follow_ups == []


def test_bulk_acquaintances_add_up_like_know(
    ledger: Ledger, trio: tuple[int, int, int], table_rows: Any
) -> None:
    ana, bo, cy = trio
    day = dt.date(2025, 3, 1)
    added = ledger.bulk_add_acquaintances(
        [
            AcquaintanceInput(
                bo,
                ana,
                evidence=Evidence.EMAIL_CC,
                count=3,
                first_seen=day,
                last_seen=day + dt.timedelta(days=10),
            ),
            AcquaintanceInput(
                ana,
                bo,
                evidence=Evidence.EMAIL_CC,
                count=2,
                first_seen=day - dt.timedelta(days=5),
                last_seen=day,
            ),
            AcquaintanceInput(ana, cy, evidence=Evidence.SHARED_ENCOUNTER, strength=0.4),
        ]
    )
    assert added == 3
    ties = {(a.person_a_id, a.person_b_id, a.evidence): a for a in ledger.acquaintances()}
    cc = ties[(ana, bo, Evidence.EMAIL_CC)]
    # Counts add (3 + 2); the window widens to the earliest first and latest last.
    assert cc.count == 5
    assert cc.first_seen == day - dt.timedelta(days=5)
    assert cc.last_seen == day + dt.timedelta(days=10)
    assert ties[(ana, cy, Evidence.SHARED_ENCOUNTER)].strength == 0.4

    before = table_rows(ledger)
    with pytest.raises(ValidationError, match="unknown person id 999"):
        ledger.bulk_add_acquaintances(
            [AcquaintanceInput(ana, cy, count=1), AcquaintanceInput(ana, 999)]
        )
    with pytest.raises(ValidationError, match="names me"):
        ledger.bulk_add_acquaintances([AcquaintanceInput(ana, ledger.me().id)])
    with pytest.raises(ValidationError, match="first seen is after last seen"):
        ledger.bulk_add_acquaintances(
            [AcquaintanceInput(ana, bo, first_seen=day, last_seen=day - dt.timedelta(days=1))]
        )
    assert table_rows(ledger) == before  # all or nothing


def test_follow_up_can_be_completed_and_reopened(
    ledger: Ledger, trio: tuple[int, int, int]
) -> None:
    ana, _bo, _cy = trio
    follow_up = ledger.add_follow_up(ana, due="2026-11-24", reason="send the paper")
    assert follow_up.done is False
    assert ledger.complete_follow_up(follow_up.id).done is True
    assert ledger.profile(ana).follow_ups[0].done is True
    assert ledger.complete_follow_up(follow_up.id, done=False).done is False
    with pytest.raises(NotFoundError):
        ledger.complete_follow_up(12345)


def test_today_follows_the_ledger_clock(ledger: Ledger, trio: tuple[int, int, int]) -> None:
    # The fixture's clock says 2026-11-22, whatever the machine's date is.
    ana, bo, _cy = trio
    favour = ledger.add_favour("me", ana, "lent a book", on="yesterday")
    assert favour.on == dt.date(2026, 11, 21)
    encounter = ledger.log("Coffee", with_=[bo], when="today")
    assert encounter.when.date() == dt.date(2026, 11, 22)
    assert [p.name for p in ledger.people(not_seen_since="today")] == ["Ana Silva", "Cy Diaz"]
