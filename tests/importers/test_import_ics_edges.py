"""The iCalendar parser on one fixture per edge case (``tests/fixtures/ics/edge``).

These call :func:`dunbar.importers.ics.parse_ics` directly, with the test
ledger's clock (2026-11-22 12:00 UTC) and "me" as Rosa Díaz <rosa@example.org>,
so every expected value below can be read off the fixture by hand; the comments
say how. What goes through the ledger is in ``test_import_ics_ledger.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dunbar import Channel, Initiative
from dunbar.importers import ics_series
from dunbar.importers.formats import ParseOptions
from dunbar.importers.ics import parse_ics
from dunbar.importers.ics_time import local_zone
from dunbar.importers.records import EncounterRecord, Rejection, Warning_
from dunbar.normalise import name_key

EDGE = Path(__file__).resolve().parents[1] / "fixtures" / "ics" / "edge"
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
UTC = dt.UTC
LISBON = ZoneInfo("Europe/Lisbon")


def parse(
    name: str, *, me: bool = True, me_by_name_only: bool = False
) -> tuple[list[EncounterRecord], list[Rejection], list[Warning_]]:
    path = EDGE / name
    options = ParseOptions(
        file=str(path),
        me_emails=set() if (me_by_name_only or not me) else {"rosa@example.org"},
        me_names={name_key("Rosa Díaz")} if me else set(),
        now=NOW,
    )
    with path.open("rb") as stream:
        items = list(parse_ics(stream, options))
    encounters = [i for i in items if isinstance(i, EncounterRecord)]
    rejected = [i for i in items if isinstance(i, Rejection)]
    warnings = [i for i in items if isinstance(i, Warning_)]
    return encounters, rejected, warnings


def summary(warnings: list[Warning_]) -> str:
    (line,) = [w.message for w in warnings if w.message.startswith("not encounters")]
    return line


def emails(record: EncounterRecord) -> list[str]:
    return [p.emails[0] for p in record.people]


def test_recurring_series_with_exdate_and_an_override() -> None:
    # WEEKLY;COUNT=10 from Mon 2026-10-05 10:00 Lisbon: 10-05 ... 12-07. EXDATE takes
    # 10-19 out; 10-26 is moved to 14:00 (an override); 11-23 on are after NOW.
    found, rejected, warnings = parse("recurring_exdate_override.ics")
    assert rejected == []
    assert [e.when for e in found] == [
        dt.datetime(2026, 10, 5, 9, 0, tzinfo=UTC),  # 10:00 WEST (UTC+1)
        dt.datetime(2026, 10, 12, 9, 0, tzinfo=UTC),
        dt.datetime(2026, 10, 26, 14, 0, tzinfo=UTC),  # moved; WET (UTC+0) from 10-25
        dt.datetime(2026, 11, 2, 10, 0, tzinfo=UTC),
        dt.datetime(2026, 11, 9, 10, 0, tzinfo=UTC),
        dt.datetime(2026, 11, 16, 10, 0, tzinfo=UTC),
    ]
    moved = found[2]
    assert (moved.title, moved.channel, moved.minutes) == (
        "Weekly 1:1 (moved, on Zoom)",
        Channel.VIDEO,
        60,
    )
    assert emails(moved) == ["ana@example.org", "bo@example.org"]
    assert moved.source_ref == "ics:weekly-1on1@example.org@20261026T100000Z"  # RECURRENCE-ID
    assert moved.origin.line == 18 and moved.origin.ref == "weekly-1on1@example.org"
    others = [e for e in found if e is not moved]
    assert {(e.channel, e.minutes, e.initiative) for e in others} == {
        (Channel.IN_PERSON, 30, Initiative.OUT)
    }
    assert len({e.source_ref for e in found}) == 6
    assert summary(warnings).endswith("the future occurrences of 1 series")


def test_declined_by_me_is_skipped_and_who_declined_takes_no_part() -> None:
    found, _, warnings = parse("declined.ics")
    (planning,) = found
    assert planning.title == "Planning" and emails(planning) == ["ana@example.org"]  # not Dee
    assert "1 declined by me" in summary(warnings)


def test_cancelled_by_status_and_by_a_later_method_cancel() -> None:
    found, rejected, warnings = parse("cancelled.ics")
    assert [e.title for e in found] == ["The one that happened"]
    assert rejected == []  # the CANCEL needs no DTSTART
    assert "2 cancelled" in summary(warnings)


def test_video_links_and_a_phone_conference() -> None:
    found, _, _ = parse("video_link.ics")
    assert [(e.title, e.channel) for e in found] == [
        ("Intro call", Channel.VIDEO),  # Zoom URL folded inside DESCRIPTION
        ("Sync", Channel.VIDEO),  # X-MICROSOFT-SKYPETEAMSMEETINGURL
        ("Catch-up", Channel.VIDEO),  # X-GOOGLE-CONFERENCE
        ("Review", Channel.VIDEO),  # LOCATION:Microsoft Teams Meeting
        ("Board", Channel.VIDEO),  # CONFERENCE;FEATURE=VIDEO,AUDIO (RFC 7986)
        ("Dial-in", Channel.CALL),  # CONFERENCE;FEATURE=PHONE:tel:...
    ]
    # The description was read for the link and is kept nowhere.
    assert all("salary" not in repr(e) for e in found)


def test_places_phone_numbers_and_the_default_for_no_place() -> None:
    found, _, _ = parse("physical_location.ics")
    assert [(e.title, e.channel) for e in found] == [
        ("Coffee", Channel.IN_PERSON),
        ("Walk", Channel.IN_PERSON),  # GEO only
        ("Quick question", Channel.CALL),  # LOCATION is a phone number
        ("Chat", Channel.CALL),  # neither place nor link: the documented default
        ("Hybrid", Channel.VIDEO),  # a room and a Zoom link: the link wins
    ]
    hybrid = found[-1]
    assert emails(hybrid) == ["ana@example.org"]  # no room, group or FYI copy


def test_outlook_windows_zone_names_and_its_own_vtimezone() -> None:
    found, rejected, warnings = parse("outlook_windows_tz.ics")
    assert rejected == [] and warnings == []
    assert [e.when for e in found] == [
        dt.datetime(2026, 7, 15, 8, 0, tzinfo=UTC),  # W. Europe Standard Time = Berlin, CEST
        dt.datetime(2026, 11, 10, 9, 0, tzinfo=UTC),  # the 1601-based VTIMEZONE, CET
    ]
    assert [e.minutes for e in found] == [60, 90]
    assert found[0].people[0].name == "Lena Kühn"  # Outlook's "Kühn, Lena"
    assert found[0].initiative is Initiative.IN
    assert all(e.when.tzinfo is not None for e in found)


def test_floating_times_follow_x_wr_timezone_else_the_local_zone() -> None:
    (new_york,), _, _ = parse("floating_time.ics")
    assert new_york.when == dt.datetime(2026, 11, 12, 14, 0, tzinfo=UTC)  # 09:00 EST
    (local,), _, _ = parse("floating_time_no_zone.ics")
    assert local.when == dt.datetime(2026, 11, 12, 9, 0, tzinfo=local_zone())
    assert local.minutes == 90  # DURATION:PT1H30M


def test_all_day_events_are_at_noon_without_a_duration() -> None:
    found, _, warnings = parse("all_day.ics")
    (offsite,) = found
    assert offsite.when == dt.datetime(2026, 11, 13, 12, 0, tzinfo=LISBON)
    assert offsite.minutes is None and offsite.channel is Channel.IN_PERSON
    assert "1 in the future" in summary(warnings)  # 2026-11-23, the day after NOW


def test_initiative_from_the_organiser() -> None:
    found, _, _ = parse("organiser_me_vs_other.ics")
    assert [(e.title, e.initiative) for e in found] == [
        ("I invited Ana", Initiative.OUT),  # ORGANIZER mailto:Rosa@Example.org (any case)
        ("Ana invited me", Initiative.IN),
        ("Bo's workshop", Initiative.IN),
        ("Nobody organised this", Initiative.UNKNOWN),
    ]
    assert emails(found[2]) == ["ana@example.org", "bo@example.org"]  # the organiser takes part


def test_me_by_name_alone() -> None:
    found, _, _ = parse("organiser_me_vs_other.ics", me_by_name_only=True)
    assert found[0].initiative is Initiative.OUT  # CN=Rosa Díaz
    assert all("rosa@example.org" not in emails(e) for e in found)


def test_events_without_attendees_or_with_only_me() -> None:
    found, rejected, warnings = parse("no_attendees.ics")
    assert found == [] and rejected == []
    assert summary(warnings) == (
        "not encounters (not imported): 1 with no one but me, 2 without attendees"
    )


def test_future_events_are_not_encounters_yet() -> None:
    found, _, warnings = parse("future_events.ics")
    assert [e.title for e in found] == ["Last week", "Happening now"]  # started 11:30
    assert "2 in the future" in summary(warnings)
    assert not any("as me" in w.message for w in warnings)  # Ana is no calendar owner


def test_huge_and_impossible_rules_are_capped_or_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ics_series, "MAX_OCCURRENCES", 1_000)  # 5,000 by default
    found, rejected, warnings = parse("huge_rrule.ics")
    assert [(r.where.rsplit(":", 1)[1], r.reason) for r in rejected] == [
        (
            "4",
            "series every-second-a-billion-times@example.org: RRULE FREQ=SECONDLY: "
            "no meeting recurs more often than hourly",
        ),
        (
            "20",
            "series february-30th@example.org: RRULE FREQ=DAILY;BYMONTHDAY=30;BYMONTH=2 "
            "matches no date",
        ),
        ("28", "series interval-zero@example.org: RRULE INTERVAL=0: must be at least 1"),
        (
            "36",
            "series hourly-since-2000@example.org: more than 100,000 occurrences "
            "before today: not a meeting series",
        ),
    ]
    daily = [e for e in found if e.title == "Daily stand-up"]
    # COUNT=10^9 from 2026-01-01 09:00 UTC: one a day up to NOW, 2026-11-22 (day 326).
    assert len(daily) == 326 and daily[-1].when == dt.datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    since_1990 = [e for e in found if e.title == "Daily since 1990"]
    # The most recent 1,000 of 13,475 (1990-01-01 to 2026-11-22, both counted).
    assert len(since_1990) == 1_000
    assert since_1990[0].when == dt.datetime(2024, 2, 27, 9, 0, tzinfo=UTC)  # NOW - 999 days
    messages = [w.message for w in warnings]
    assert (
        "series daily-since-1990@example.org: 13,475 occurrences: "
        "only the most recent 1,000 are imported"
    ) in messages


def test_broken_events_are_rejected_one_by_one() -> None:
    found, rejected, warnings = parse("broken_events.ics")
    assert [e.title for e in found] == ["Good one", "Bad end: kept, without a duration"]
    assert found[1].minutes is None
    assert [(r.where.rsplit(":", 1)[1], r.reason.split(" (")[0]) for r in rejected] == [
        ("31", "VEVENT is not closed"),
        ("12", "event bad-date@example.org: no usable DTSTART"),
        ("18", "event no-start@example.org: no usable DTSTART"),
    ]
    assert "nine o'clock" in rejected[1].reason
    assert any("dropped DTEND" in w.message for w in warnings)


def test_the_highest_sequence_wins() -> None:
    (meeting,), _, _ = parse("sequence_update.ics")
    assert meeting.title == "Strategy (moved to the afternoon)"
    assert meeting.when == dt.datetime(2026, 10, 20, 15, 0, tzinfo=UTC)
    assert meeting.source_ref == "ics:moved-meeting@example.org"


def test_the_owner_of_a_calendar_is_the_address_in_every_meeting() -> None:
    found, _, warnings = parse("owner_in_every_meeting.ics", me=False)
    assert warnings[0].message.startswith("took owner@example.net as me: it is in all 3 meetings")
    assert [emails(e) for e in found] == [
        ["ana@example.org"],
        ["bo@example.org"],
        ["cy@example.org", "ana@example.org"],
    ]
    assert [e.initiative for e in found] == [Initiative.OUT, Initiative.IN, Initiative.OUT]


CUT = sorted(p.name for p in EDGE.glob("*.ics") if p.name != "huge_rrule.ics")  # slow: alone


@pytest.mark.parametrize("name", CUT)
def test_a_calendar_cut_anywhere_never_raises(name: str, tmp_path: Path) -> None:
    """Every fixture, cut at twenty points (a download that stopped), and with junk
    bytes in the middle: records and rejections, never an exception."""
    data = (EDGE / name).read_bytes()
    for i, cut in enumerate(range(0, len(data), max(1, len(data) // 20))):
        path = tmp_path / f"{i}.ics"
        path.write_bytes(data[:cut] + bytes(range(256)) + data[cut : cut + 200])
        options = ParseOptions(file=str(path), now=NOW)
        with path.open("rb") as stream:
            items = list(parse_ics(stream, options))
        assert all(isinstance(item, EncounterRecord | Rejection | Warning_) for item in items)
