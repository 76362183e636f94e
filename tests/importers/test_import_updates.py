"""Re-importing an updated export updates the encounters that changed (both backends).

An encounter is known by ``(source, source_ref)`` and stored with the digest of
what the file said about it (migration 0009, ``EncounterRecord.digest``). What
"updated" means depends on each importer's ``source_ref``:

- iCalendar: ``ics:UID`` (``@RECURRENCE-ID`` for an occurrence). Any change to an
  event (time, end, summary, attendees, a declined attendee) is an update.
- LinkedIn messages: a hash of conversation, date, sender and recipients. A
  changed subject or direction is an update; another recipient or date makes
  another message, so it is a new encounter and the old one stays.
- Encounters CSV: the ``id`` column when there is one (any change is an update);
  without it, a hash of time, people and channel: changed minutes, title or
  initiative update the row's encounter, a changed time, person or channel is a
  new row.

The fixtures ``tests/fixtures/ics/update/*.ics`` say what changed between
``before.ics`` and ``after.ics`` (``SOURCE.md``); every expected value below is
read off them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from dunbar import Channel, IdentityKind, Initiative, Ledger
from dunbar.importers.records import EncounterRecord, Origin, PersonRecord
from dunbar.store.encounters import BulkResult, EncounterInput, bulk_insert, bulk_write
from dunbar.store.tables import encounter_participants, encounters, tie_tallies

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
UPDATE = FIXTURES / "ics" / "update"
BEFORE, AFTER, DECLINED = (UPDATE / n for n in ("before.ics", "after.ics", "declined.ics"))
CSV = FIXTURES / "csv"
ME = "rosa@example.org"  # "me" in every fixture

Rows = Callable[[Ledger], dict[str, list[dict[str, Any]]]]


@pytest.fixture
def mine(ledger: Ledger) -> Ledger:
    """The test ledger, with my address."""
    ledger.edit_person("me", add={IdentityKind.EMAIL: [ME]})
    return ledger


def _lunch(ledger: Ledger) -> Any:
    (lunch,) = [e for e in ledger.profile("ana@example.org").encounters if "lunch" in str(e.title)]
    return lunch


def _names(ledger: Ledger, ids: tuple[int, ...]) -> set[str]:
    return {ledger.person(pid).name for pid in ids}


def _stored_tallies(ledger: Ledger, pids: list[int] | None = None) -> int:
    query = select(func.count()).select_from(tie_tallies)
    if pids is not None:
        query = query.where(tie_tallies.c.person_id.in_(pids))
    with ledger.engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


# --- iCalendar ---------------------------------------------------------------------------


def test_an_updated_event_updates_the_same_encounter(mine: Ledger) -> None:
    first = mine.import_files([BEFORE]).files[0]
    assert (first.encounters_added, first.encounters_updated) == (2, 0)
    old = _lunch(mine)
    assert _names(mine, old.participants) == {"Ana Silva", "Bo Chen", "Cy Park"}
    assert (old.title, old.minutes) == ("Budget lunch", 60)

    report = mine.import_files([AFTER]).files[0]
    # The lunch changed, the standup did not; Dee is new.
    assert (report.encounters_added, report.encounters_existing) == (0, 1)
    assert report.encounters_updated == 1
    assert report.created == 1
    lunch = _lunch(mine)
    assert lunch.id == old.id
    # after.ics: DTSTART 13:00Z, DTEND 14:30Z, SUMMARY "Roadmap lunch", organiser me.
    assert lunch.when == dt.datetime(2026, 10, 15, 13, 0, tzinfo=dt.UTC)
    assert (lunch.minutes, lunch.title) == (90, "Roadmap lunch")
    assert (lunch.channel, lunch.initiative) == (Channel.IN_PERSON, Initiative.OUT)
    assert _names(mine, lunch.participants) == {"Ana Silva", "Cy Park", "Dee Evans"}
    assert mine.profile("bo@example.org").encounters == []
    # The participant rows carry the new time (Cy's only encounter is the lunch).
    (cy,) = [p for p in mine.people() if p.name == "Cy Park"]
    assert (cy.last_seen, cy.encounters) == (lunch.when, 1)
    (bo,) = [p for p in mine.people() if p.name == "Bo Chen"]
    assert (bo.last_seen, bo.encounters) == (None, 0)
    with mine.engine.connect() as conn:
        times = set(
            conn.execute(
                select(encounter_participants.c.occurred_at).where(
                    encounter_participants.c.encounter_id == lunch.id
                )
            ).scalars()
        )
    assert times == {lunch.when}
    # The search index follows the title.
    assert [(h.kind, h.ref) for h in mine.search("roadmap")] == [("encounter", lunch.id)]
    assert mine.search("budget") == []


def test_a_rerun_of_the_updated_file_changes_nothing(mine: Ledger, table_rows: Rows) -> None:
    mine.import_files([BEFORE])
    mine.import_files([AFTER])
    snapshot = table_rows(mine)
    again = mine.import_files([AFTER]).files[0]
    counts = (again.encounters_added, again.encounters_existing, again.encounters_updated)
    assert counts == (0, 2, 0)
    assert (again.created, again.updated, again.merged) == (0, 0, 0)
    assert table_rows(mine) == snapshot


def test_the_tally_cache_follows_the_update(
    mine: Ledger, fresh_target: str, now: dt.datetime
) -> None:
    """Strength after the update equals that of a ledger that only ever saw after.ics."""
    mine.import_files([BEFORE])
    mine.scoreboard()  # fills the tally cache from before.ics
    ids = {p.name: p.id for p in mine.people()}
    assert _stored_tallies(mine, list(ids.values())) == 3  # Ana, Bo, Cy
    before_ana = mine.tie("ana@example.org").strength.score
    mine.import_files([AFTER])
    # Everyone who was or is at the lunch lost their tally (Dee never had one).
    touched = [ids["Ana Silva"], ids["Bo Chen"], ids["Cy Park"]]
    assert _stored_tallies(mine, touched) == 0

    fresh = Ledger.init(fresh_target, me="Rosa Díaz", clock=lambda: now)
    try:
        fresh.edit_person("me", add={IdentityKind.EMAIL: [ME]})
        fresh.import_files([AFTER])
        for who in ("ana@example.org", "cy@example.org", "dee@example.org"):
            mine_tie, fresh_tie = mine.tie(who), fresh.tie(who)
            assert mine_tie.placement is not None and fresh_tie.placement is not None
            assert mine_tie.placement.score == pytest.approx(fresh_tie.placement.score, abs=1e-12)
            assert mine_tie.strength.score == pytest.approx(fresh_tie.strength.score, abs=1e-12)
            assert mine_tie.explanation == fresh_tie.explanation
    finally:
        fresh.close()
    # The lunch moved an hour and grew: Ana's score is not what it was.
    assert mine.tie("ana@example.org").strength.score != pytest.approx(before_ana, abs=1e-12)
    board = mine.scoreboard()
    index = list(board.scores.person).index(ids["Bo Chen"])
    assert int(board.scores.episodes[index]) == 0  # Bo is no longer at any encounter


def test_a_declined_attendee_leaves_the_encounter(mine: Ledger) -> None:
    mine.import_files([BEFORE])
    mine.import_files([AFTER])
    report = mine.import_files([DECLINED]).files[0]
    assert report.encounters_updated == 1
    lunch = _lunch(mine)
    # declined.ics: Cy's ATTENDEE line has PARTSTAT=DECLINED.
    assert _names(mine, lunch.participants) == {"Ana Silva", "Dee Evans"}
    assert mine.profile("cy@example.org").encounters == []


def test_a_dry_run_reports_the_update_and_writes_nothing(mine: Ledger, table_rows: Rows) -> None:
    mine.import_files([BEFORE])
    snapshot = table_rows(mine)
    report = mine.import_files([AFTER], dry_run=True).files[0]
    counts = (report.encounters_added, report.encounters_existing, report.encounters_updated)
    assert counts == (0, 1, 1)
    assert table_rows(mine) == snapshot
    assert _lunch(mine).title == "Budget lunch"


def test_the_cli_shows_updated_encounters(cli: Any, db_target: str) -> None:
    with Ledger.open(db_target) as ledger:
        ledger.edit_person("me", add={IdentityKind.EMAIL: [ME]})
    assert cli("import", str(BEFORE)).code == 0
    dry = cli("import", str(AFTER), "--dry-run")
    assert dry.code == 0, dry.err
    assert "encounters: 0 new, 1 known, 1 updated" in dry.out
    assert "  would update 1 encounter\n" in dry.out
    assert "Dry run: nothing was written." in dry.out
    done = cli("import", str(AFTER))
    assert done.code == 0, done.err
    assert "encounters: 0 new, 1 known, 1 updated" in done.out
    as_json = cli("import", str(AFTER), "--json").json()
    assert as_json["files"][0]["encounters_updated"] == 0  # the re-run: nothing changed


def _clear_digests(ledger: Ledger) -> None:
    """As an import before migration 0009 left the encounters: no digest."""
    with ledger.engine.begin() as conn:
        conn.execute(update(encounters).values(source_digest=None))


def _digests(ledger: Ledger) -> dict[str | None, str | None]:
    with ledger.engine.connect() as conn:
        rows = conn.execute(select(encounters.c.source_ref, encounters.c.source_digest))
        return {ref: digest for ref, digest in rows}


def test_an_encounter_imported_before_0009_gets_its_digest_and_nothing_else(
    mine: Ledger, table_rows: Rows
) -> None:
    mine.import_files([BEFORE])
    complete = table_rows(mine)
    digests = _digests(mine)
    assert len(digests) == 2 and all(d is not None and len(d) == 40 for d in digests.values())
    _clear_digests(mine)
    assert set(_digests(mine).values()) == {None}
    again = mine.import_files([BEFORE]).files[0]
    counts = (again.encounters_added, again.encounters_existing, again.encounters_updated)
    assert counts == (0, 2, 0)
    assert table_rows(mine) == complete  # the digests are back; nothing else changed

    # A digest-less encounter cannot tell what changed: it keeps its values and takes
    # the new digest (documented in migration 0009), so the next change is seen.
    _clear_digests(mine)
    report = mine.import_files([AFTER]).files[0]
    assert (report.encounters_existing, report.encounters_updated) == (2, 0)
    assert _lunch(mine).title == "Budget lunch"
    assert _digests(mine) != digests
    assert mine.import_files([DECLINED]).files[0].encounters_updated == 1
    assert _names(mine, _lunch(mine).participants) == {"Ana Silva", "Dee Evans"}


def test_the_first_version_in_one_file_wins(mine: Ledger, tmp_path: Path) -> None:
    """Two records with one ref in one file (across batches): the first is written, the
    second counts as known, so a re-run does not flip the encounter back and forth."""
    both = tmp_path / "both.csv"
    both.write_text(
        "when,person_a,minutes,title,id\n"
        "2026-10-01T09:30:00Z,ana@example.org,45,First,m1\n"
        "2026-10-01T09:30:00Z,ana@example.org,50,Second,m1\n",
        encoding="utf-8",
    )
    for _ in range(2):
        report = mine.import_files([both], batch_size=1).files[0]
        assert report.encounters_updated == 0
    (only,) = mine.profile("ana@example.org").encounters
    assert (only.title, only.minutes) == ("First", 45)


def test_two_versions_in_one_import_keep_the_first(mine: Ledger) -> None:
    """Both exports in one import: the first file's lunch is written, the second's is
    known (not applied), and running the same import again changes nothing."""
    for _ in range(2):
        report = mine.import_files([BEFORE, AFTER])
        assert report.total("encounters_updated") == 0
    assert _lunch(mine).title == "Budget lunch"


# --- LinkedIn messages -------------------------------------------------------------------


def test_an_edited_linkedin_subject_updates_the_message(mine: Ledger, tmp_path: Path) -> None:
    original = (CSV / "linkedin_messages_2022.csv").read_text(encoding="utf-8")
    export = tmp_path / "messages.csv"
    export.write_text(original, encoding="utf-8")
    mine.import_files([export])
    (dinner,) = mine.profile("Bo Chen").encounters
    assert dinner.title == "Dinner?"
    export.write_text(original.replace("Dinner?", "Dinner on Friday?"), encoding="utf-8")
    report = mine.import_files([export]).files[0]
    assert (report.encounters_added, report.encounters_updated) == (0, 1)
    (dinner_now,) = mine.profile("Bo Chen").encounters
    assert (dinner_now.id, dinner_now.title) == (dinner.id, "Dinner on Friday?")
    assert [h.ref for h in mine.search("friday")] == [dinner.id]


def test_another_linkedin_recipient_is_another_message(mine: Ledger, tmp_path: Path) -> None:
    """The ref hashes the recipients: with one more, it is a message of its own."""
    original = (CSV / "linkedin_messages_2022.csv").read_text(encoding="utf-8")
    export = tmp_path / "messages.csv"
    export.write_text(original, encoding="utf-8")
    mine.import_files([export])
    export.write_text(original.replace('"Ana Silva, Bo Chen"', '"Ana Silva, Bo Chen, Cy Park"'))
    report = mine.import_files([export]).files[0]
    assert (report.encounters_added, report.encounters_updated) == (1, 0)
    assert [len(e.participants) for e in mine.profile("Bo Chen").encounters] == [3, 2]


# --- encounters CSV ----------------------------------------------------------------------


def test_encounters_csv_rows_update_by_content_key(mine: Ledger, tmp_path: Path) -> None:
    """Without an ``id`` column the ref is time, people and channel: new minutes and a
    new title update the row's encounter; a new time is a new row."""
    path = tmp_path / "log.csv"
    header = "when,person_a,channel,minutes,initiative,title\n"
    path.write_text(header + "2026-10-01T09:30:00Z,ana@example.org,call,20,out,Catch-up\n")
    mine.import_files([path])
    (call,) = mine.profile("ana@example.org").encounters
    path.write_text(header + "2026-10-01T09:30:00Z,ana@example.org,call,35,in,Long catch-up\n")
    report = mine.import_files([path]).files[0]
    assert (report.encounters_added, report.encounters_updated) == (0, 1)
    (now_call,) = mine.profile("ana@example.org").encounters
    assert now_call.id == call.id
    assert (now_call.minutes, now_call.initiative, now_call.title) == (
        35,
        Initiative.IN,
        "Long catch-up",
    )
    path.write_text(header + "2026-10-02T09:30:00Z,ana@example.org,call,35,in,Long catch-up\n")
    moved = mine.import_files([path]).files[0]
    assert (moved.encounters_added, moved.encounters_updated) == (1, 0)
    assert len(mine.profile("ana@example.org").encounters) == 2


def test_encounters_csv_rows_with_an_id_update_whatever_changed(
    mine: Ledger, tmp_path: Path
) -> None:
    path = tmp_path / "log.csv"
    header = "when,person_a,person_b,channel,minutes,id\n"
    path.write_text(header + "2026-10-01T09:30:00Z,ana@example.org,,video,20,r1\n")
    mine.import_files([path])
    (call,) = mine.profile("ana@example.org").encounters
    path.write_text(header + "2026-10-03T10:00:00Z,ana@example.org,bo@example.org,call,20,r1\n")
    report = mine.import_files([path]).files[0]
    assert (report.encounters_added, report.encounters_updated) == (0, 1)
    (now_call,) = mine.profile("ana@example.org").encounters
    assert now_call.id == call.id
    assert now_call.when == dt.datetime(2026, 10, 3, 10, 0, tzinfo=dt.UTC)
    assert now_call.channel is Channel.CALL
    who = {mine.person("ana@example.org").id, mine.person("bo@example.org").id}
    assert set(now_call.participants) == who
    assert [e.id for e in mine.profile("bo@example.org").encounters] == [call.id]


# --- the store's bulk path ---------------------------------------------------------------


def test_bulk_write_compares_digests(ledger: Ledger, now: dt.datetime) -> None:
    """Each branch of ``bulk_write`` once, counted; the stored rows say what happened."""
    ana, bo = ledger.add_person("Ana Silva").id, ledger.add_person("Bo Chen").id
    when = now - dt.timedelta(days=1)

    def item(ref: str, digest: str | None, who: list[int], minutes: int) -> EncounterInput:
        return EncounterInput(
            when=when,
            participants=who,
            minutes=minutes,
            source="test",
            source_ref=ref,
            source_digest=digest,
        )

    with ledger.engine.begin() as conn:
        first = bulk_write(
            conn,
            [
                item("a", "1" * 40, [ana], 10),
                item("a", "2" * 40, [bo], 20),
                item("b", None, [ana], 5),
            ],
            now=now,
        )
    assert first == BulkResult(inserted=2, unchanged=1)  # the second "a" is a repeat
    with ledger.engine.begin() as conn:
        second = bulk_write(
            conn,
            [item("a", "2" * 40, [bo], 20), item("b", "3" * 40, [bo], 7), item("c", None, [bo], 1)],
            now=now,
        )
    assert second == BulkResult(inserted=1, unchanged=0, updated=1, digested=1)
    rows = {r: (m, d) for r, m, d in _rows(ledger)}
    # "a" took the new minutes and digest; "b" only its digest (its minutes stay 5).
    assert rows == {"a": (20, "2" * 40), "b": (5, "3" * 40), "c": (1, None)}
    (a_enc,) = [e for e in ledger.profile(bo).encounters if e.minutes == 20]
    assert a_enc.participants == (bo,)
    with ledger.engine.begin() as conn:
        third = bulk_write(conn, [item("a", None, [ana], 99)], now=now)  # nothing to compare
    assert third == BulkResult(inserted=0, unchanged=1)
    with ledger.engine.begin() as conn:  # bulk_insert never updates
        assert bulk_insert(conn, [item("a", "4" * 40, [ana], 99)], now=now) == (0, 1)
    assert {r: (m, d) for r, m, d in _rows(ledger)}["a"] == (20, "2" * 40)


def _rows(ledger: Ledger) -> list[tuple[str, int, str | None]]:
    with ledger.engine.connect() as conn:
        query = select(encounters.c.source_ref, encounters.c.minutes, encounters.c.source_digest)
        return [(r, m, d) for r, m, d in conn.execute(query.where(encounters.c.source == "test"))]


# --- the digest --------------------------------------------------------------------------


def _record(**changes: Any) -> EncounterRecord:
    people = changes.pop(
        "people",
        [
            PersonRecord(Origin("f", 1, "email:ana@example.org"), "Ana Silva"),
            PersonRecord(Origin("f", 1, "email:bo@example.org"), "Bo Chen"),
        ],
    )
    values: dict[str, Any] = {
        "origin": Origin("f", 1, ""),
        "when": dt.datetime(2026, 10, 15, 12, 0, tzinfo=dt.UTC),
        "people": people,
        "minutes": 60,
        "title": "Lunch",
        "source_ref": "ics:x",
    }
    values.update(changes)
    return EncounterRecord(**values)


def test_the_digest_is_of_the_content_not_of_where_or_how_it_was_read() -> None:
    base = _record().digest()
    assert len(base) == 40 and int(base, 16) >= 0
    lisbon = dt.timezone(dt.timedelta(hours=1))
    same = [
        _record(when=dt.datetime(2026, 10, 15, 13, 0, tzinfo=lisbon)),  # the same instant
        _record(people=list(reversed(_record().people))),  # another order
        _record(origin=Origin("other.ics", 99, "")),  # read elsewhere
    ]
    assert {r.digest() for r in same} == {base}
    ana = PersonRecord(Origin("f", 1, "email:ana@example.org"), "Ana Silva")
    different = [
        _record(when=dt.datetime(2026, 10, 15, 13, 0, tzinfo=dt.UTC)),
        _record(minutes=90),
        _record(minutes=None),
        _record(title="Lunch!"),
        _record(title=None),
        _record(channel=Channel.VIDEO),
        _record(initiative=Initiative.OUT),
        _record(people=[ana]),
        _record(people=[ana, PersonRecord(Origin("f", 1, "email:cy@example.org"), "Bo Chen")]),
    ]
    digests = [r.digest() for r in different]
    assert base not in digests and len(set(digests)) == len(digests)


_REFS = st.sampled_from(["email:ana@example.org", "email:bo@example.org", "name:cy park", ""])
_ZONES = st.sampled_from(
    [dt.UTC, dt.timezone(dt.timedelta(hours=-5)), dt.timezone(dt.timedelta(hours=2))]
)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 2),  # hours after a fixed instant
            _ZONES,
            st.sampled_from([None, 0, 30]),
            st.sampled_from(list(Channel)[:2]),
            st.sampled_from(list(Initiative)[:2]),
            st.lists(_REFS, min_size=1, max_size=3),
            st.sampled_from([None, "Lunch", "Lunch\x1f", "lunch"]),
        ),
        min_size=2,
        max_size=2,
    )
)
def test_the_digest_is_equal_exactly_when_the_content_is(
    pair: list[tuple[Any, ...]],
) -> None:
    """The reference: two records say the same when their instant, minutes, channel,
    initiative, set of identity keys and title are equal (the docstring's definition)."""
    records, contents = [], []
    for hours, zone, minutes, channel, initiative, refs, title in pair:
        when = (
            dt.datetime(2026, 10, 15, 12, tzinfo=dt.UTC) + dt.timedelta(hours=hours)
        ).astimezone(zone)
        people = [PersonRecord(Origin("f", 1, ref), "Cy Park") for ref in refs]
        keys = frozenset(ref or "name:cy park" for ref in refs)
        records.append(
            EncounterRecord(
                Origin("f", 1, ""), when, people, channel, initiative, minutes, title, "ref"
            )
        )
        contents.append((when, minutes, channel, initiative, keys, title))
    a, b = records
    assert (a.digest() == b.digest()) == (contents[0] == contents[1])
