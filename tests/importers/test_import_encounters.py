"""The generic encounters CSV and `t i j` contact logs (SocioPatterns) with gap merging."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Callable
from pathlib import Path

import pytest

from dunbar import Channel, Initiative, Ledger, ValidationError

ROOT = Path(__file__).resolve().parents[2]
CSV = ROOT / "tests" / "fixtures" / "csv"
INVS15 = ROOT / "src" / "dunbar" / "demo" / "data" / "workplace_InVS15_tij.dat.gz"  # CC0


def test_encounters_csv(ledger: Ledger) -> None:
    report = ledger.import_files([CSV / "encounters.csv"]).files[0]
    assert (report.format, report.encounters_added) == ("encounters-csv", 3)
    assert [(r.where.rsplit(":", 1)[1], r.reason.split(":")[0]) for r in report.rejected] == [
        ("5", "no one but me took part"),
        ("6", "bad or missing date 'yesterday-ish'"),
        ("7", "unknown channel 'teleport'"),
        ("8", "minutes must be a number, got 'five'"),
    ]
    coffee = ledger.profile("ana@example.org").encounters[0]
    assert coffee.when == dt.datetime(2026, 10, 1, 7, 30, tzinfo=dt.UTC)
    assert (coffee.channel, coffee.initiative, coffee.minutes) == (
        Channel.IN_PERSON,
        Initiative.OUT,
        45,
    )
    assert coffee.title == "Coffee in Lisbon" and coffee.source == "encounters-csv"
    call = ledger.profile("Bo Chen").encounters[0]
    assert len(call.participants) == 2 and call.channel is Channel.VIDEO
    assert ledger.person("+14155552671").name == "+1 415 555 2671"
    again = ledger.import_files([CSV / "encounters.csv"]).files[0]
    assert (again.encounters_added, again.encounters_existing, again.created) == (0, 3, 0)


def test_encounters_csv_names_link_to_the_one_person_so_named(ledger: Ledger) -> None:
    bo = ledger.add_person("Bo Chen", emails=["bo@example.org"])
    ledger.import_files([CSV / "encounters.csv"])
    assert ledger.profile(bo.id).encounters[0].title == "Planning call"
    assert len(ledger.people("Bo Chen")) == 1


def test_a_contact_log_merges_records_into_encounters(ledger: Ledger) -> None:
    path = CSV / "contacts_relative_tij.dat"
    start = 1_700_000_000
    report = ledger.import_files([path], start=start, me_ids=["1"], prefix="Visitor ").files[0]
    assert (report.created, report.encounters_added, report.acquaintances) == (3, 3, 1)
    assert [r.reason for r in report.rejected] == ["not `t i j` numbers"]
    two = ledger.profile("Visitor 2").encounters
    # 1000, 1020, 1040 are one episode (gap 5 min) of 60 s; 2000 is 960 s later: another.
    assert [(e.when.timestamp() - start, e.minutes) for e in reversed(two)] == [
        (1000, 1),
        (2000, 1),
    ]
    (tie,) = ledger.acquaintances("Visitor 3")
    assert (tie.evidence, tie.count) == ("shared_encounter", 1)
    again = ledger.import_files([path], start=start, me_ids=["1"], prefix="Visitor ").files[0]
    assert (again.created, again.encounters_added, again.encounters_existing) == (0, 0, 3)
    assert ledger.acquaintances("Visitor 3")[0].count == 1  # not counted twice


def test_gap_minutes_decides_what_is_one_encounter(ledger: Ledger) -> None:
    path = CSV / "contacts_relative_tij.dat"
    ledger.import_files([path], start=0, me_ids=["1"], prefix="V", gap_minutes=20)
    two = ledger.profile("V2").encounters
    assert [(e.when.timestamp(), e.minutes) for e in two] == [(1000, 17)]  # 1000..2020 s


def test_a_contact_log_with_relative_times_needs_a_start(ledger: Ledger) -> None:
    with pytest.raises(ValidationError, match="give --start"):
        ledger.import_files([CSV / "contacts_relative_tij.dat"])
    assert ledger.count_people() == 1


def _pairs_and_ids(path: Path) -> tuple[set[tuple[int, int]], set[int]]:
    pairs: set[tuple[int, int]] = set()
    ids: set[int] = set()
    with gzip.open(path, "rt") as rows:
        for row in rows:
            _, i, j = map(int, row.split()[:3])
            pairs.add((min(i, j), max(i, j)))
            ids.update((i, j))
    return pairs, ids


def test_invs15_workplace_contacts(ledger: Ledger) -> None:
    """SocioPatterns InVS15 (CC0): 217 people, 78,249 records (published counts)."""
    pairs, ids = _pairs_and_ids(INVS15)
    assert len(ids) == 217
    me = 15
    report = ledger.import_files([INVS15], start=1_430_000_000, me_ids=[str(me)]).files[0]
    assert report.created == 216  # everyone but me
    assert report.acquaintances == len([p for p in pairs if me not in p]) == 4224
    assert report.encounters_added == 214  # episodes of person 15, 5-minute gap
    assert ledger.count_people() == 1 + 216


@pytest.mark.parametrize(
    ("name", "start", "people", "ties"),
    [
        ("SFHH_tij.dat.gz", 1_244_000_000, 403, 9565),  # CC0
        ("ht2009_contact_list.dat.gz", 1_246_255_200, 113, 2196),  # CC BY-NC-SA: not copied
    ],
)
def test_shared_contact_logs(
    ledger: Ledger,
    shared_file: Callable[[str], Path],
    name: str,
    start: int,
    people: int,
    ties: int,
) -> None:
    path = shared_file(f"sociopatterns/{name}")
    pairs, ids = _pairs_and_ids(path)
    assert (len(ids), len(pairs)) == (people, ties)  # the published counts, independently
    report = ledger.import_files([path], start=start).files[0]
    assert (report.created, report.acquaintances, report.rejected) == (people, ties, [])
