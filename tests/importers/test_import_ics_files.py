"""Every iCalendar file in ../shared/data imports without a crash, with known counts.

The table gives, for an empty ledger whose "me" is Rosa Díaz (who is in none of
these files) and the test clock (2026-11-22 12:00 UTC): encounters added, people
created, events rejected. The numbers were computed by this importer and then
checked by hand for the files commented below (read the file's RRULE, EXDATE,
RECURRENCE-ID, STATUS and METHOD lines and count; for example calconnect.ics is
``FREQ=DAILY;COUNT=5`` with two attendees: 5 and 2). A file with no VEVENT
that has an ATTENDEE yields nothing, by design (your own appointments are not
encounters). Known-broken files give rejections, never exceptions.

The ical4j, icalendar and vobject files are BSD/Apache licensed; two are copied
into tests/fixtures/ics (see SOURCE.md), the rest, and the GPL Radicale files,
are read from ../shared/data and skipped when it is absent. The big real Outlook
calendar (``transform__outlook2.ics``) is marked slow.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dunbar import Ledger

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ics"

# (file under ../shared/data/ical, encounters, people created, events rejected)
FILES = [
    ("ical4j/samples_hcalendar__example1.ics", 1, 2, 0),
    ("ical4j/samples_invalid__OZMovies.ics", 2, 3, 0),
    ("ical4j/samples_invalid__groupwise.ics", 1, 1, 0),
    ("ical4j/samples_invalid__tmeher.ics", 1, 3, 0),
    ("ical4j/samples_valid__3.ics", 0, 0, 0),
    (
        "ical4j/samples_valid__THFC.ics",
        1,
        2,
        0,
    ),  # 114 fixtures of a football club; one has an attendee
    (
        "ical4j/samples_valid__blankTzid.ics",
        1,
        2,
        0,
    ),  # Exchange 2010: a VTIMEZONE with an empty TZID (the event's time is read as local)
    (
        "ical4j/samples_valid__calconnect.ics",
        5,
        2,
        0,
    ),  # Lotus Notes: DAILY;COUNT=5 from 2005-04-11; chair and participant
    ("ical4j/samples_valid__calconnect2.ics", 5, 2, 0),
    ("ical4j/samples_valid__calconnect3.ics", 5, 2, 0),
    ("ical4j/samples_valid__calconnect4.ics", 5, 2, 0),
    ("ical4j/samples_valid__calconnect5.ics", 5, 2, 0),
    (
        "ical4j/samples_valid__calconnect6.ics",
        1,
        2,
        0,
    ),  # one RDATE period equal to DTSTART: one occurrence
    ("ical4j/samples_valid__calconnect7.ics", 1, 2, 0),
    ("ical4j/samples_valid__calconnect8.ics", 5, 2, 0),
    ("ical4j/samples_valid__calconnect9.ics", 5, 2, 0),
    ("ical4j/samples_valid__classify.ics", 1, 4, 0),
    # iTIP: the newest REQUEST (SEQUENCE 2) beats the CANCEL (SEQUENCE 1); 4 REPLY and
    # 1 COUNTER are skipped; the room and the NON-PARTICIPANT are no people.
    ("ical4j/samples_valid__incoming.ics", 1, 4, 0),
    ("ical4j/samples_valid__multiple_calendars.ics", 2, 4, 0),
    ("ical4j/samples_valid__oracle-personal-notes-test-empty.ics", 1, 1, 0),
    ("ical4j/samples_valid__oracle-personal-notes-test.ics", 1, 1, 0),
    ("ical4j/samples_valid__rfc5545-sec3.6.4.ics", 0, 0, 0),
    ("ical4j/samples_valid__rfc5545-sec3.6.6.ics", 0, 0, 0),
    ("ical4j/samples_valid__rfc5545-sec4.2.ics", 1, 1, 0),
    ("ical4j/samples_valid__rfc5545-sec4.3.ics", 1, 2, 0),
    ("ical4j/samples_valid__rfc5545-sec4.4.ics", 0, 0, 0),
    ("ical4j/samples_valid__zidestoreical4jbomb.ics", 1, 1, 0),
    ("ical4j/transform__apple.ics", 2, 3, 0),
    ("ical4j/transform__outlook1.ics", 1, 2, 0),
    (
        "ical4j/transform__outlook2.ics",
        5870,
        107,
        0,
    ),  # real Outlook calendar: 7 open-ended series from 2012-14 expanded to NOW
    ("ical4j/transform__yahoo1.ics", 1, 1, 0),
    ("ical4j/transform__yahoo2.ics", 2, 5, 0),
    ("ical4j/transform_outlook__TZ-no-description.ics", 3, 2, 0),
    ("ical4j/transform_outlook__TZ-set-to-utc.ics", 3, 2, 0),
    ("ical4j/transform_timezones__outlook1.ics", 1, 3, 0),
    (
        "ical4j/transform_timezones__outlook2.ics",
        98,
        3,
        0,
    ),  # WEEKLY;COUNT=99 on weekdays, its first date in EXDATE
    ("icalendar/alarm_google_acknowledged.ics", 0, 0, 0),
    ("icalendar/alarm_google_future.ics", 0, 0, 0),
    ("icalendar/event_with_rsvp.ics", 0, 0, 1),  # a bare VEVENT without DTSTART: rejected
    ("icalendar/issue_156_RDATE_with_PERIOD_TZID_khal.ics", 1, 1, 0),
    ("icalendar/issue_156_RDATE_with_PERIOD_TZID_khal_2.ics", 1, 1, 0),
    ("icalendar/issue_27_multiple_periods_in_freebusy_multiple_freebusies.ics", 0, 0, 0),
    ("icalendar/issue_27_multiple_periods_in_freebusy_one_freebusy.ics", 0, 0, 0),
    ("icalendar/property_params.ics", 1, 3, 0),
    ("icalendar/rfc_6868.ics", 0, 0, 1),  # no DTSTART: rejected
    (
        "icalendar/rfc_7256_multi_value_parameters.ics",
        0,
        0,
        2,
    ),  # two events without DTSTART: rejected
    ("icalendar/rfc_7265_request_status.ics", 0, 0, 0),
    ("radicale/broken-vevent.ics", 0, 0, 1),  # END:VEVENT missing: rejected
    ("radicale/broken-vevents.ics", 0, 0, 0),
    ("radicale/event1.ics", 1, 3, 0),
    ("radicale/event10.ics", 0, 0, 0),  # STATUS:CANCELLED
    ("radicale/event11.ics", 0, 0, 0),
    ("radicale/event1_modified.ics", 1, 3, 0),
    ("radicale/event1_y2040.ics", 0, 0, 0),  # in 2040: not yet
    ("radicale/event1a1.ics", 1, 2, 0),
    ("radicale/event2.ics", 0, 0, 0),
    ("radicale/event3.ics", 0, 0, 0),
    ("radicale/event4.ics", 0, 0, 0),
    ("radicale/event5.ics", 0, 0, 0),
    ("radicale/event6.ics", 0, 0, 0),
    ("radicale/event7.ics", 0, 0, 0),
    ("radicale/event8.ics", 0, 0, 0),
    ("radicale/event9.ics", 0, 0, 0),
    ("radicale/event_daily_rrule.ics", 0, 0, 0),
    ("radicale/event_daily_rrule_forever.ics", 0, 0, 0),
    ("radicale/event_daily_rrule_overridden.ics", 0, 0, 0),
    ("radicale/event_exdate_without_rrule.ics", 0, 0, 0),
    ("radicale/event_full_day_rrule.ics", 0, 0, 0),
    ("radicale/event_full_day_rrule_count_500.ics", 0, 0, 0),
    ("radicale/event_full_day_rrule_overridden.ics", 0, 0, 0),
    ("radicale/event_full_day_rrule_until_2y.ics", 0, 0, 0),
    ("radicale/event_full_day_rrule_until_5000y.ics", 0, 0, 0),
    ("radicale/event_full_day_rrule_until_50y.ics", 0, 0, 0),
    ("radicale/event_full_day_rrule_until_before_dtstart.ics", 0, 0, 0),
    ("radicale/event_issue1812.ics", 0, 0, 0),
    ("radicale/event_issue1812_2.ics", 0, 0, 0),
    ("radicale/event_issue1812_3.ics", 1, 2, 0),
    ("radicale/event_issue1812_getetag.ics", 0, 0, 0),
    ("radicale/event_issue1847_1.ics", 0, 0, 0),
    ("radicale/event_issue1847_2.ics", 0, 0, 0),
    ("radicale/event_issue1880_1.ics", 0, 0, 0),
    ("radicale/event_issue1880_2.ics", 0, 0, 0),
    ("radicale/event_issue1917_1.ics", 0, 0, 0),
    ("radicale/event_issue1970_ok.ics", 1, 3, 0),
    ("radicale/event_issue1970_problem.ics", 1, 3, 0),
    (
        "radicale/event_issue2151.ics",
        27,
        4,
        0,
    ),  # Fridays 2026-01-23..07-31 (28), EXDATE 04-03; the 01-30 override is one of them
    ("radicale/event_issue2172.ics", 1, 2, 0),
    ("radicale/event_mixed_datetime_and_date.ics", 0, 0, 0),
    ("radicale/event_mixed_datetime_and_date_exdate.ics", 0, 0, 0),
    ("radicale/event_mixed_recurrence_id_dt_type.ics", 0, 0, 0),
    ("radicale/event_multiple.ics", 0, 0, 0),
    ("radicale/event_multiple3.ics", 0, 0, 0),
    ("radicale/event_multiple_case_sensitive_uids.ics", 0, 0, 0),
    ("radicale/event_multiple_too_many.ics", 0, 0, 0),
    ("radicale/event_rdate_period_start_duration.ics", 0, 0, 0),
    ("radicale/event_rdate_period_start_duration_multi.ics", 0, 0, 0),
    ("radicale/event_rdate_period_start_stop.ics", 0, 0, 0),
    ("radicale/event_rdate_period_start_stop_multi.ics", 0, 0, 0),
    ("radicale/event_rrule_rdate.ics", 0, 0, 0),
    ("radicale/event_timezone_seconds.ics", 0, 0, 0),
    ("radicale/event_weekly_rrule.ics", 0, 0, 0),
    ("radicale/valarm1.ics", 0, 0, 0),
    ("radicale/valarm2.ics", 0, 0, 0),
    ("vobject/ms_tzid.ics", 0, 0, 0),
    ("vobject/radicale-0816.ics", 0, 0, 0),
    ("vobject/radicale-0827.ics", 0, 0, 0),
    ("vobject/ruby_rrule.ics", 0, 0, 0),
    ("vobject/simple_test.ics", 0, 0, 0),
    ("vobject/timezones.ics", 0, 0, 0),
    ("vobject/tz_us_eastern.ics", 0, 0, 0),
    ("vobject/tzid_8bit.ics", 0, 0, 0),
    ("vobject/vobject_0050.ics", 0, 0, 0),
    ("vobject/vtodo.ics", 0, 0, 0),
]
SLOW = {"ical4j/transform__outlook2.ics"}
COPIED = {"ical4j/samples_valid__blankTzid.ics", "ical4j/samples_valid__calconnect.ics"}


def _check(ledger: Ledger, path: Path, encounters: int, people: int, rejected: int) -> None:
    report = ledger.import_files([path], format="ics")
    (done,) = report.files
    assert done.error is None
    assert (done.encounters_added, done.created, len(done.rejected)) == (
        encounters,
        people,
        rejected,
    )
    for rejection in done.rejected:
        assert rejection.file == str(path) and rejection.where.startswith(f"{path}:")
        assert rejection.reason
    again = ledger.import_files([path]).files[0]
    assert (again.encounters_added, again.created, again.updated) == (0, 0, 0)
    assert again.encounters_existing == encounters


def _params() -> list[object]:
    return [
        pytest.param(*row, id=row[0], marks=[pytest.mark.slow] if row[0] in SLOW else [])
        for row in FILES
    ]


@pytest.mark.parametrize(("name", "encounters", "people", "rejected"), _params())
def test_shared_ics_file(
    ledger: Ledger,
    shared_file: Callable[[str], Path],
    name: str,
    encounters: int,
    people: int,
    rejected: int,
) -> None:
    _check(ledger, shared_file(f"ical/{name}"), encounters, people, rejected)


@pytest.mark.parametrize("name", sorted(COPIED))
def test_copied_ics_fixture(ledger: Ledger, name: str) -> None:
    row = next(r for r in FILES if r[0] == name)
    _check(ledger, FIXTURES / name, *row[1:])


def test_every_shared_ics_file_is_in_the_table(shared_file: Callable[[str], Path]) -> None:
    root = shared_file("ical")
    found = {str(p.relative_to(root)) for p in root.rglob("*.ics")}
    assert found == {name for name, *_ in FILES}
    assert len(found) == 113
