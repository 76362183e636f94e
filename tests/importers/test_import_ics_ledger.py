"""iCalendar import into the ledger (SQLite, and PostgreSQL when configured).

What the parser yields per edge case is in ``test_import_ics_edges.py``; here:
the encounters and people the ledger ends up with, idempotence, dry runs,
provenance, privacy (descriptions are never stored) and updated exports.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dunbar import Channel, FormatError, IdentityKind, Initiative, Ledger

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EDGE = FIXTURES / "ics" / "edge"
MEETINGS = [
    EDGE / name
    for name in (
        "recurring_exdate_override.ics",
        "declined.ics",
        "cancelled.ics",
        "video_link.ics",
        "physical_location.ics",
        "organiser_me_vs_other.ics",
        "sequence_update.ics",
    )
]


@pytest.fixture
def mine(ledger: Ledger) -> Ledger:
    """The test ledger, with my address (the fixtures' rosa@example.org)."""
    ledger.edit_person("me", add={IdentityKind.EMAIL: ["rosa@example.org"]})
    return ledger


def test_meetings_become_encounters_once(mine: Ledger) -> None:
    report = mine.import_files(MEETINGS)
    # 6 + 1 + 1 + 6 + 5 + 4 + 1, as test_import_ics_edges.py counts them per file.
    assert report.total("encounters_added") == 24
    assert report.total("rejected") == 0
    assert {f.format for f in report.files} == {"ics"}
    # Ana and Bo, nobody else: not me, not Dee who declined, not Cy (his meeting I
    # declined), not rooms, groups or FYI copies.
    assert {p.name for p in mine.people()} == {"Ana Silva", "Bo Chen"}
    again = mine.import_files(MEETINGS)
    assert (again.total("encounters_added"), again.total("encounters_existing")) == (0, 24)
    assert (again.total("created"), again.total("updated"), again.total("merged")) == (0, 0, 0)
    assert mine.count_people() == 3


def test_encounters_keep_time_channel_duration_and_initiative(mine: Ledger) -> None:
    mine.import_files([EDGE / "recurring_exdate_override.ics"])
    ana = mine.profile("ana@example.org").encounters
    assert len(ana) == 6
    moved = next(e for e in ana if e.when == dt.datetime(2026, 10, 26, 14, 0, tzinfo=dt.UTC))
    assert (moved.channel, moved.minutes, moved.initiative) == (Channel.VIDEO, 60, Initiative.OUT)
    assert moved.source == "ics"
    assert moved.source_ref == "ics:weekly-1on1@example.org@20261026T100000Z"
    assert len(moved.participants) == 2  # Ana and Bo; me is implied
    assert [e.title for e in mine.profile("bo@example.org").encounters] == [
        "Weekly 1:1 (moved, on Zoom)"
    ]


def test_provenance_names_the_file_line_and_reference(mine: Ledger) -> None:
    path = EDGE / "organiser_me_vs_other.ics"
    mine.import_files([path])
    (source,) = mine.sources("bo@example.org")
    assert (source.source, source.file, source.line, source.ref) == (
        "ics",
        str(path),
        24,
        "email:bo@example.org",
    )


def test_descriptions_are_never_stored(mine: Ledger) -> None:
    mine.import_files([EDGE / "video_link.ics"])
    dumped = json.dumps(mine.export(), default=str)
    assert "salary" not in dumped and "Private agenda" not in dumped
    assert mine.search("salary") == []


def test_dry_run_writes_nothing(mine: Ledger) -> None:
    report = mine.import_files(MEETINGS, dry_run=True)
    assert report.dry_run and report.total("encounters_added") == 24
    assert report.total("created") == 2
    assert mine.count_people() == 1
    assert mine.profile("me").encounters == []


def test_an_updated_export_does_not_double_an_event(mine: Ledger, tmp_path: Path) -> None:
    """The first export has SEQUENCE 1 (09:00); the next, SEQUENCE 2 (moved to 15:00).
    Same UID, same ``source_ref``: the encounter the ledger has is updated, not doubled
    (more in test_import_updates.py)."""
    full = (EDGE / "sequence_update.ics").read_text(encoding="utf-8")
    _, second = full.split("BEGIN:VEVENT")[1:]  # keep only the older version
    older = tmp_path / "older.ics"
    older.write_text("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT" + second, encoding="utf-8")
    assert mine.import_files([older]).files[0].encounters_added == 1
    (first,) = mine.profile("ana@example.org").encounters
    report = mine.import_files([EDGE / "sequence_update.ics"]).files[0]
    counts = (report.encounters_added, report.encounters_existing, report.encounters_updated)
    assert counts == (0, 0, 1)
    (meeting,) = mine.profile("ana@example.org").encounters
    assert meeting.id == first.id
    # SEQUENCE 2 of the fixture: SUMMARY and DTSTART 15:00Z.
    assert meeting.title == "Strategy (moved to the afternoon)"
    assert meeting.when == dt.datetime(2026, 10, 20, 15, 0, tzinfo=dt.UTC)


def test_me_is_recognised_by_my_address_and_never_becomes_a_contact(ledger: Ledger) -> None:
    ledger.edit_person("me", add={IdentityKind.EMAIL: ["rosa@example.org"]})
    ledger.import_files([EDGE / "declined.ics"])
    assert ledger.person("rosa@example.org").name == "Rosa Díaz"
    assert ledger.count_people() == 2  # me and Ana


def test_a_file_that_is_not_a_calendar_is_refused_before_anything_is_written(
    ledger: Ledger,
) -> None:
    vcard = FIXTURES / "vcard" / "ez-vcard" / "gmail-single.vcf"
    with pytest.raises(FormatError, match="is not an iCalendar file") as caught:
        ledger.import_files([EDGE / "declined.ics", vcard], format="ics")
    assert "\n" not in str(caught.value)
    assert ledger.count_people() == 1


def test_auto_detects_a_calendar(ledger: Ledger) -> None:
    report = ledger.import_files([FIXTURES / "ics" / "ical4j" / "samples_valid__calconnect.ics"])
    (done,) = report.files
    assert (done.format, done.encounters_added) == ("ics", 5)
    times = sorted(e.when for e in ledger.profile("icalchair@coffeebean.com").encounters)
    # 09:00 in the file's "Eastern" VTIMEZONE, which is on daylight time (UTC-4) in April 2005.
    assert times[0] == dt.datetime(2005, 4, 11, 13, 0, tzinfo=dt.UTC)
    assert times[-1] == dt.datetime(2005, 4, 15, 13, 0, tzinfo=dt.UTC)
