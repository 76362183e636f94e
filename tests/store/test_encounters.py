"""Encounters: one at a time through ``log`` and in bulk; time zones; idempotency."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dunbar import (
    Channel,
    EncounterInput,
    Initiative,
    Ledger,
    NotFoundError,
    ValidationError,
)

NOW = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)


@pytest.fixture
def pair(ledger: Ledger) -> tuple[int, int]:
    ana = ledger.add_person("Ana Silva", emails=["ana@example.org"])
    bo = ledger.add_person("Bo Chen")
    return ana.id, bo.id


@pytest.mark.parametrize(
    "when",
    [
        dt.datetime(2026, 3, 1, 9, 30, tzinfo=ZoneInfo("America/New_York")),
        dt.datetime(2026, 7, 1, 23, 45, 12, 123456, tzinfo=ZoneInfo("Asia/Kolkata")),
        dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=14))),
        dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=-9))),
    ],
    ids=["new-york", "kolkata-micro", "kiribati", "pre-epoch"],
)
def test_aware_times_come_back_as_the_same_instant(
    ledger: Ledger, pair: tuple[int, int], when: dt.datetime
) -> None:
    logged = ledger.log("Coffee", with_=[pair[0]], when=when)
    (stored,) = ledger.encounters([logged.id])
    assert stored.when == when
    assert stored.when.utcoffset() == dt.timedelta(0)  # always returned in UTC
    assert stored.when.timestamp() == when.timestamp()


def test_iso_text_with_offset(ledger: Ledger, pair: tuple[int, int]) -> None:
    logged = ledger.log("Call", with_=[pair[0]], when="2026-02-03T04:05:06-08:00")
    assert logged.when == dt.datetime(2026, 2, 3, 12, 5, 6, tzinfo=dt.UTC)
    zulu = ledger.log("Call", with_=[pair[0]], when="2026-02-03T04:05:06Z")
    assert zulu.when == dt.datetime(2026, 2, 3, 4, 5, 6, tzinfo=dt.UTC)


def test_log_round_trips_every_field(ledger: Ledger, pair: tuple[int, int]) -> None:
    ana, bo = pair
    dinner = ledger.add_gathering("Supper club", on="2026-11-18")
    logged = ledger.log(
        "  Dinner at Casa ",
        with_=["ana@example.org", "Bo Chen", ana],  # the same person twice counts once
        when="2026-11-18T19:00:00+01:00",
        channel="In Person",
        initiative="out",
        minutes=150,
        notes_text="Talked about climbing.",
        gathering_id=dinner.id,
    )
    assert logged.title == "Dinner at Casa"
    assert logged.participants == (ana, bo)
    assert logged.channel is Channel.IN_PERSON and logged.initiative is Initiative.OUT
    assert logged.minutes == 150 and logged.notes == "Talked about climbing."
    assert logged.gathering_id == dinner.id
    assert (logged.source, logged.source_ref) == ("manual", None)
    assert ledger.encounters([logged.id]) == [logged]


def test_defaults(ledger: Ledger, pair: tuple[int, int]) -> None:
    logged = ledger.log(None, with_=[pair[1]])
    assert logged.when == NOW  # the ledger's clock
    assert logged.channel is Channel.IN_PERSON and logged.initiative is Initiative.UNKNOWN
    assert logged.title is None and logged.minutes is None
    assert ledger.log("   ", with_=[pair[1]]).title is None  # a blank title is no title


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("video", Channel.VIDEO),
        ("CALL", Channel.CALL),
        ("in_person", Channel.IN_PERSON),
        (Channel.REACTION, Channel.REACTION),
    ],
)
def test_channel_spellings(
    ledger: Ledger, pair: tuple[int, int], value: str, expected: Channel
) -> None:
    assert ledger.log("x", with_=[pair[0]], channel=value).channel is expected


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"channel": "pigeon"}, "unknown channel 'pigeon'"),
        ({"initiative": "sideways"}, "unknown initiative"),
        ({"minutes": -1}, "minutes must be zero or more"),
        ({"minutes": 60 * 24 * 15}, "longer than two weeks"),
        ({"when": "2026-11-24T12:00:00+00:00"}, "in the future"),
        ({"when": "yesterday-ish"}, "bad date"),
        ({"with_": []}, "say who was there"),
        ({"with_": ["me"]}, "'me' is always part"),
        ({"title": "x" * 501}, "title too long"),
    ],
)
def test_log_refusals(
    ledger: Ledger, pair: tuple[int, int], kwargs: dict[str, object], error: str
) -> None:
    args: dict[str, object] = {"title": "x", "with_": [pair[0]], **kwargs}
    with pytest.raises(ValidationError, match=error):
        ledger.log(**args)  # type: ignore[arg-type]
    assert ledger.profile(pair[0]).encounters == []


def test_unknown_gathering_is_rejected(ledger: Ledger, pair: tuple[int, int]) -> None:
    with pytest.raises(ValidationError, match="rejected by the ledger's rules"):
        ledger.log("x", with_=[pair[0]], gathering_id=999)


def test_unknown_person_and_create(ledger: Ledger, pair: tuple[int, int]) -> None:
    with pytest.raises(NotFoundError, match="add --create"):
        ledger.log("x", with_=["Nadia Noor"])
    logged = ledger.log(
        "x", with_=["Nadia Noor", "carla.del_rio@example.org", "+4915112345678"], create=True
    )
    assert len(logged.participants) == 3
    names = sorted(ledger.person(pid).name for pid in logged.participants)
    # From an email the name is the local part, split on . and _ and capitalised.
    assert names == ["+4915112345678", "Carla Del Rio", "Nadia Noor"]
    assert ledger.person("carla.del_rio@example.org").emails == ["carla.del_rio@example.org"]
    assert ledger.person("+49 151 12345678").phones == ["+4915112345678"]
    with pytest.raises(NotFoundError):  # ids are never created
        ledger.log("x", with_=["#999"], create=True)


def test_log_source_ref_is_idempotent(ledger: Ledger, pair: tuple[int, int]) -> None:
    first = ledger.log(
        "Standup",
        with_=[pair[0]],
        when="2026-11-20T09:00:00+00:00",
        source="calendar",
        source_ref="evt-1",
    )
    again = ledger.log(
        "Standup (moved)",
        with_=[pair[1]],
        when="2026-11-21T09:00:00+00:00",
        source="calendar",
        source_ref="evt-1",
    )
    assert again == first
    other_source = ledger.log("Standup", with_=[pair[0]], source="mail", source_ref="evt-1")
    assert other_source.id != first.id
    assert len(ledger.profile(pair[0]).encounters) == 2
    assert ledger.profile(pair[1]).encounters == []


def test_bulk_insert_and_rerun_skips(ledger: Ledger, pair: tuple[int, int]) -> None:
    ana, bo = pair
    tz = ZoneInfo("Europe/Berlin")
    items = [
        EncounterInput(
            when=dt.datetime(2026, 1, day, 10, tzinfo=tz),
            participants=[ana, bo],
            channel=Channel.EMAIL,
            initiative=Initiative.IN,
            minutes=day,
            title=f"mail {day}",
            source="mbox",
            source_ref=f"<m{day}@x>",
        )
        for day in range(1, 6)
    ]
    duplicate_in_stream = EncounterInput(
        when=dt.datetime(2026, 1, 9, tzinfo=tz),
        participants=[ana],
        source="mbox",
        source_ref="<m1@x>",
    )
    anonymous = EncounterInput(when=dt.datetime(2026, 1, 7, tzinfo=tz), participants=[bo])
    assert ledger.bulk_add_encounters([*items, duplicate_in_stream, anonymous], batch_size=2) == (
        6,
        1,
    )
    assert ledger.bulk_add_encounters(items, batch_size=3) == (0, 5)
    profile = ledger.profile(ana)
    assert [e.title for e in profile.encounters] == [f"mail {d}" for d in range(5, 0, -1)]
    fifth = profile.encounters[0]
    assert fifth.when == dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)  # CET is UTC+1
    assert fifth.participants == (ana, bo) and fifth.minutes == 5
    assert (fifth.channel, fifth.initiative) == (Channel.EMAIL, Initiative.IN)
    assert (fifth.source, fifth.source_ref) == ("mbox", "<m5@x>")
    # The bulk path and log() share id space and ordering.
    later = ledger.log("after", with_=[ana], when="2026-01-06T00:00:00+00:00")
    assert later.id == max(e.id for e in ledger.profile(bo).encounters) + 1
    assert ledger.profile(ana).last_seen == later.when
    assert ledger.people("ana")[0].last_seen == later.when


def test_bulk_and_log_times_compare_alike(ledger: Ledger, pair: tuple[int, int]) -> None:
    # SQLite stores instants as text: both write paths must produce the same text,
    # or "last seen" would compare strings of two formats.
    ana = pair[0]
    ledger.log("logged", with_=[ana], when=dt.datetime(2026, 5, 1, 10, 0, 0, 500000, tzinfo=dt.UTC))
    ledger.bulk_add_encounters(
        [
            EncounterInput(
                when=dt.datetime(2026, 5, 1, 10, 0, 0, 400000, tzinfo=dt.UTC),
                participants=[ana],
                title="bulk",
            )
        ]
    )
    assert [e.title for e in ledger.profile(ana).encounters] == ["logged", "bulk"]
    assert ledger.people(
        not_seen_since=dt.datetime(2026, 5, 1, 10, 0, 0, 450000, tzinfo=dt.UTC)
    ) == [p for p in ledger.people() if p.id != ana]


@pytest.mark.parametrize(
    ("item", "error"),
    [
        (EncounterInput(when=dt.datetime(2026, 1, 1), participants=[2]), "time zone"),
        (EncounterInput(when=NOW + dt.timedelta(days=2), participants=[2]), "in the future"),
        (EncounterInput(when=NOW, participants=[]), "at least one other person"),
        (EncounterInput(when=NOW, participants=[1]), "names me as a participant"),
        (EncounterInput(when=NOW, participants=[42]), "unknown person id 42"),
        (EncounterInput(when=NOW, participants=[2], minutes=-5), "minutes"),
    ],
    ids=["naive", "future", "nobody", "me", "unknown", "negative-minutes"],
)
def test_bulk_refusals(
    ledger: Ledger, pair: tuple[int, int], item: EncounterInput, error: str
) -> None:
    with pytest.raises(ValidationError, match=error):
        ledger.bulk_add_encounters([item])
    assert ledger.profile(pair[0]).encounters == []


def test_encounters_are_returned_newest_first(ledger: Ledger, pair: tuple[int, int]) -> None:
    ids = [
        ledger.log(f"e{i}", with_=[pair[0]], when=f"2026-0{i}-01T12:00:00+00:00").id
        for i in (3, 1, 2)
    ]
    assert [e.title for e in ledger.encounters(ids)] == ["e3", "e2", "e1"]
    assert ledger.encounters([]) == []


def test_recent_encounters_newest_first_paged_and_by_person(ledger: Ledger) -> None:
    ana = ledger.add_person("Ana Silva").id
    bob = ledger.add_person("Bob Stone").id
    ledger.log("Old", with_=[ana], when="2026-01-01")
    ledger.log("Both", with_=[ana, bob], when="2026-02-01")
    ledger.log("Bob only", with_=[bob], when="2026-03-01")
    assert [e.title for e in ledger.recent_encounters()] == ["Bob only", "Both", "Old"]
    assert [e.title for e in ledger.recent_encounters(limit=1, offset=1)] == ["Both"]
    assert [e.title for e in ledger.recent_encounters(ana)] == ["Both", "Old"]
    assert [e.title for e in ledger.recent_encounters("Bob Stone", offset=1)] == ["Both"]
    assert ledger.recent_encounters(ana, offset=5) == []
    with pytest.raises(NotFoundError):
        ledger.recent_encounters(9999)
    with pytest.raises(ValidationError):
        ledger.recent_encounters(limit=-1)
