"""Property tests: whatever valid person or encounter goes in comes back out, on both backends.

Hypothesis runs every example against the same function-scoped ``ledger``; the
examples do not interfere because each reads back only the ids it wrote.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunbar import Channel, EncounterInput, Initiative, Ledger
from dunbar.normalise import name_key

NOW = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)

SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Any Unicode text PostgreSQL can hold (no NUL, so no control characters at all)
# and Python can encode (no lone surrogates).
CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))


def _valid_name(text: str) -> bool:
    # The rules of dunbar.store.people.check_name.
    clean = " ".join(text.split())
    return bool(clean) and not clean.isdigit() and not clean.startswith("#")


names = st.text(CHARS, min_size=1, max_size=80).filter(_valid_name)
labels = st.text(CHARS, min_size=1, max_size=40).filter(lambda t: bool(t.split()))
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(CHARS, max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(CHARS, max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
customs = st.dictionaries(st.text(CHARS, max_size=15), json_values, max_size=5)


def _expected_labels(values: list[str]) -> list[str]:
    """What set_labels keeps: spaces collapsed, the first spelling of each key."""
    kept: dict[str, str] = {}
    for value in values:
        clean = " ".join(value.split())
        kept.setdefault(name_key(clean), clean)
    return sorted(kept.values(), key=name_key)


@SETTINGS
@given(
    name=names,
    tags=st.lists(labels, max_size=5),
    topics=st.lists(labels, max_size=3),
    custom=customs,
    closeness=st.none() | st.integers(1, 7),
    kin=st.booleans(),
    first_known=st.none() | st.dates(dt.date(1900, 1, 1), NOW.date()),
)
def test_person_round_trip(
    ledger: Ledger,
    name: str,
    tags: list[str],
    topics: list[str],
    custom: dict[str, Any],
    closeness: int | None,
    kin: bool,
    first_known: dt.date | None,
) -> None:
    added = ledger.add_person(
        name,
        tags=tags,
        topics=topics,
        custom=custom,
        closeness=closeness,
        kin=kin,
        first_known=first_known,
    )
    stored = ledger.person(added.id)
    assert stored == added
    assert stored.name == " ".join(name.split())
    assert sorted(stored.tags, key=name_key) == _expected_labels(tags)
    assert sorted(stored.topics, key=name_key) == _expected_labels(topics)
    assert stored.custom == custom
    assert (stored.closeness, stored.is_kin, stored.first_known) == (closeness, kin, first_known)
    assert ledger.resolve(added.id) == added.id


ZONES = st.sampled_from(
    [
        dt.UTC,
        dt.timezone(dt.timedelta(hours=-12)),
        dt.timezone(dt.timedelta(hours=14)),
        dt.timezone(dt.timedelta(hours=5, minutes=45)),
        ZoneInfo("Europe/Lisbon"),
        ZoneInfo("America/St_Johns"),
        ZoneInfo("Australia/Lord_Howe"),
        ZoneInfo("Asia/Kolkata"),
    ]
)
moments = st.datetimes(
    min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2026, 11, 21), timezones=ZONES
)


@SETTINGS
@given(
    when=moments,
    channel=st.sampled_from(Channel),
    initiative=st.sampled_from(Initiative),
    minutes=st.none() | st.integers(0, 60 * 24 * 14),
    title=st.none() | st.text(CHARS, max_size=60),
)
def test_encounter_round_trip(
    ledger: Ledger,
    when: dt.datetime,
    channel: Channel,
    initiative: Initiative,
    minutes: int | None,
    title: str | None,
) -> None:
    who = ledger.add_person("Ana").id
    logged = ledger.log(
        title, with_=[who], when=when, channel=channel, initiative=initiative, minutes=minutes
    )
    (stored,) = ledger.encounters([logged.id])
    assert stored == logged
    # The same instant, to the microsecond, returned in UTC. (Compared in UTC:
    # Python never calls an instant in a DST fold equal across zones.)
    assert stored.when == when.astimezone(dt.UTC)
    assert stored.when.tzinfo == dt.UTC
    assert (stored.channel, stored.initiative, stored.minutes) == (channel, initiative, minutes)
    assert stored.title == ((title or "").strip() or None)  # blank titles are no titles
    assert ledger.profile(who).last_seen == stored.when


@SETTINGS
@given(whens=st.lists(moments, min_size=1, max_size=8))
def test_bulk_and_log_agree(ledger: Ledger, whens: list[dt.datetime]) -> None:
    who = ledger.add_person("Bo").id
    inserted, skipped = ledger.bulk_add_encounters(
        [EncounterInput(when=w, participants=[who]) for w in whens]
    )
    assert (inserted, skipped) == (len(whens), 0)
    stored = ledger.profile(who, limit=None).encounters
    assert sorted(e.when for e in stored) == sorted(w.astimezone(dt.UTC) for w in whens)
    assert ledger.profile(who).last_seen == max(whens).astimezone(dt.UTC)
