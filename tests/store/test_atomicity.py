"""Every write completes or leaves the ledger exactly as it was (ledger.py's promise).

Each case makes a write fail *after* it has already written something in its
transaction (a new person, an organisation, a first identity, a first batch), then
compares every row of every table, and what search finds, before and after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from dunbar import (
    AmbiguousError,
    DunbarError,
    EncounterInput,
    IdentityKind,
    LabelKind,
    Ledger,
    PersonFields,
    ValidationError,
)

Rows = Callable[[Ledger], dict[str, list[dict[str, Any]]]]
NOW = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)


def _unchanged(
    ledger: Ledger,
    table_rows: Rows,
    action: Callable[[], object],
    error: type[DunbarError],
    match: str,
) -> None:
    before = table_rows(ledger)
    found = [(h.kind, h.ref) for h in ledger.search("a")]
    with pytest.raises(error, match=match):
        action()
    assert table_rows(ledger) == before
    assert [(h.kind, h.ref) for h in ledger.search("a")] == found
    assert ledger.search("fresh") == []


def test_log_creating_someone_then_hitting_an_ambiguous_name(
    ledger: Ledger, populated: Any, table_rows: Rows
) -> None:
    ledger.add_person("Ana Costa")  # now "ana" is ambiguous
    _unchanged(
        ledger,
        table_rows,
        lambda: ledger.log("x", with_=["fresh.face@example.org", "ana"], create=True),
        AmbiguousError,
        "'ana' matches 2 people",
    )


def test_log_creating_someone_then_naming_me(
    ledger: Ledger, populated: Any, table_rows: Rows
) -> None:
    _unchanged(
        ledger,
        table_rows,
        lambda: ledger.log("x", with_=["Fresh Face", "me"], create=True),
        ValidationError,
        "'me' is always part",
    )


def test_log_creating_someone_then_a_future_date(
    ledger: Ledger, populated: Any, table_rows: Rows
) -> None:
    _unchanged(
        ledger,
        table_rows,
        lambda: ledger.log("x", with_=["Fresh Face"], create=True, when=NOW + dt.timedelta(days=3)),
        ValidationError,
        "in the future",
    )


def test_log_with_an_unknown_gathering(ledger: Ledger, populated: Any, table_rows: Rows) -> None:
    _unchanged(
        ledger,
        table_rows,
        lambda: ledger.log("x", with_=["Fresh Face", populated.ana], create=True, gathering_id=999),
        ValidationError,
        "rejected by the ledger's rules",
    )


def test_add_person_with_a_taken_second_email(
    ledger: Ledger, populated: Any, table_rows: Rows
) -> None:
    _unchanged(
        ledger,
        table_rows,
        lambda: ledger.add_person(
            "Fresh Face", organisation="Fresh Org", emails=["fresh@example.org", "ana@example.org"]
        ),
        ValidationError,
        "already belongs to",
    )


def test_add_person_with_a_bad_phone_after_good_emails(
    ledger: Ledger, populated: Any, table_rows: Rows
) -> None:
    _unchanged(
        ledger,
        table_rows,
        lambda: ledger.add_person(
            "Fresh Face", emails=["fresh@example.org"], tags=["fresh"], phones=["12"]
        ),
        ValidationError,
        "phone",
    )


def test_add_person_with_custom_fields_that_are_not_json(
    ledger: Ledger, populated: Any, table_rows: Rows
) -> None:
    _unchanged(
        ledger,
        table_rows,
        lambda: ledger.add_person(
            "Fresh Face", organisation="Fresh Org", custom={"when": dt.date(2020, 1, 1)}
        ),
        ValidationError,
        "plain JSON",
    )


def test_edit_person_failing_after_its_first_changes(
    ledger: Ledger, populated: Any, table_rows: Rows
) -> None:
    _unchanged(
        ledger,
        table_rows,
        lambda: ledger.edit_person(
            populated.ana,
            PersonFields(name="Fresh Face", organisation="Fresh Org"),
            labels={LabelKind.TAG: ["fresh"]},
            clear=["title"],
            add={IdentityKind.EMAIL: ["fresh@example.org", "bo@example.org"]},
        ),
        ValidationError,
        "already belongs to",
    )


def test_bulk_add_with_a_bad_item_late_in_the_stream(
    ledger: Ledger, populated: Any, table_rows: Rows
) -> None:
    def stream() -> Iterator[EncounterInput]:
        for day in range(1, 8):
            yield EncounterInput(
                when=dt.datetime(2026, 1, day, tzinfo=dt.UTC),
                participants=[populated.ana],
                title=f"fresh {day}",
                source="import",
                source_ref=str(day),
            )
        yield EncounterInput(when=NOW, participants=[424242], title="fresh bad")

    # batch_size=2: three batches are already written when the bad item comes.
    _unchanged(
        ledger,
        table_rows,
        lambda: ledger.bulk_add_encounters(stream(), batch_size=2),
        ValidationError,
        "unknown person id 424242",
    )
    assert ledger.bulk_add_encounters(list(stream())[:-1]) == (7, 0)  # nothing was kept


def test_merge_refused_midway_changes_nothing(
    ledger: Ledger, populated: Any, table_rows: Rows
) -> None:
    _unchanged(
        ledger,
        table_rows,
        lambda: ledger.merge(populated.ana, "me"),
        ValidationError,
        "must be the one that is kept",
    )
