"""The pure agenda engine: each section's rules, ranking and wording."""

from __future__ import annotations

import datetime as dt

import pytest

from dunbar.strength.agenda import (
    AgendaItem,
    Contact,
    FavourFact,
    FollowUpFact,
    Mark,
    apply_marks,
    favour_items,
    follow_up_items,
    next_occurrence,
    occasion_items,
)

TODAY = dt.date(2026, 12, 2)
PEOPLE = {
    1: Contact(1, "Ana", birthday="--12-05", first_known=dt.date(2020, 12, 10)),
    2: Contact(2, "Bo", birthday="1990-12-02", needs=("a co-founder",)),
    3: Contact(3, "Cy", birthday="2000-02-29"),
}


def test_follow_ups_due_are_listed_oldest_first_and_cleared_by_contact() -> None:
    facts = [
        FollowUpFact(1, 1, TODAY - dt.timedelta(days=1), "send the paper", TODAY - dt.timedelta(3)),
        FollowUpFact(
            2, 2, TODAY - dt.timedelta(days=5), "book lunch", TODAY - dt.timedelta(7), "Supper"
        ),
        FollowUpFact(3, 3, TODAY + dt.timedelta(days=2), "not yet", TODAY),
    ]
    items = follow_up_items(facts, PEOPLE, today=TODAY, last_contact={})
    assert [i.ref for i in items] == [2, 1]  # the later one is not due yet
    assert items[0].reason == "follow up with Bo (after Supper): book lunch; 5 days overdue"
    # A contact with Ana after the follow-up was written clears it; one before does not.
    cleared = follow_up_items(
        facts, PEOPLE, today=TODAY, last_contact={1: TODAY, 2: TODAY - dt.timedelta(8)}
    )
    assert [i.ref for i in cleared] == [2]


def test_favours_are_framed_as_offers() -> None:
    facts = [
        FavourFact(
            1, 1, "a pitch review", "advice", TODAY - dt.timedelta(days=10), "promised", mine=True
        ),
        FavourFact(
            2, 2, "an intro to Acme", "intro", TODAY - dt.timedelta(days=20), "done", mine=False
        ),
        FavourFact(3, 3, "moving help", "help", TODAY - dt.timedelta(days=400), "done", mine=False),
    ]
    items = favour_items(facts, PEOPLE, today=TODAY)
    reasons = [i.reason for i in items]
    assert reasons == [
        "you offered to help Ana with a pitch review (advice), 10 days ago",
        "Bo helped you with an intro to Acme, 20 days ago; they are looking for a co-founder",
    ]  # Cy's help was more than 180 days ago
    assert items[1].suggestion == "think of something you could offer Bo"
    for item in items:  # never a debt
        assert "owe" not in item.reason and "debt" not in item.reason


def test_help_returned_since_is_not_listed() -> None:
    facts = [
        FavourFact(1, 2, "an intro", "intro", TODAY - dt.timedelta(days=20), "done", mine=False),
        FavourFact(2, 2, "a review", "advice", TODAY - dt.timedelta(days=5), "done", mine=True),
    ]
    assert favour_items(facts, PEOPLE, today=TODAY) == []


def test_birthdays_and_anniversaries() -> None:
    items = occasion_items(PEOPLE, today=TODAY, circle_of={1: 15, 2: None, 3: 5}, horizon_days=14)
    assert [(i.name, i.due) for i in items] == [
        ("Bo", TODAY),
        ("Ana", dt.date(2026, 12, 5)),
        ("Ana", dt.date(2026, 12, 10)),
    ]
    assert items[0].reason == "Bo's birthday (36) is today"
    assert items[2].reason == "6 years since you met Ana, in 8 days"


def test_29_february_is_the_28th_in_common_years() -> None:
    assert next_occurrence(2, 29, today=dt.date(2027, 1, 1)) == dt.date(2027, 2, 28)
    assert next_occurrence(2, 29, today=dt.date(2028, 1, 1)) == dt.date(2028, 2, 29)
    assert next_occurrence(12, 2, today=TODAY) == TODAY
    assert next_occurrence(12, 1, today=TODAY) == dt.date(2027, 12, 1)


def _item(kind: str, pid: int) -> AgendaItem:
    return AgendaItem(kind, pid, str(pid), "r", 1.0, TODAY, "s")


def test_marks_hide_until_their_day() -> None:
    items = [_item("fading", 1), _item("dormant", 1), _item("fading", 2)]
    marks = [
        Mark(1, "fading", "done", TODAY),
        Mark(2, "all", "snooze", TODAY - dt.timedelta(days=1)),  # expired
    ]
    kept, hidden = apply_marks(items, marks, today=TODAY)
    assert [(i.kind, i.person_id) for i in kept] == [("dormant", 1), ("fading", 2)]
    assert hidden == 1
    kept, hidden = apply_marks(items, [Mark(1, "all", "snooze", TODAY)], today=TODAY)
    assert [(i.kind, i.person_id) for i in kept] == [("fading", 2)] and hidden == 2


@pytest.mark.parametrize(
    ("kind", "ref", "key"),
    [
        ("fading", None, "fading-7-tie"),
        ("follow_up", 3, "follow_up-7-3"),
        ("occasion", None, "occasion-7-2026-12-02"),
    ],
)
def test_item_keys_are_stable(kind: str, ref: int | None, key: str) -> None:
    item = AgendaItem(kind, 7, "x", "r", 1.0, TODAY, "s", ref=ref)
    assert item.key == key
