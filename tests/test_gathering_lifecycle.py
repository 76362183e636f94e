"""Gatherings from new to closed, in the library and through the CLI, on both backends.

The ledger's clock is the conftest ``NOW`` (2026-11-22T12:00Z).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dunbar import Ledger
from dunbar.errors import AmbiguousError, NotFoundError, ValidationError

Rows = Callable[[Ledger], dict[str, list[dict[str, Any]]]]


@pytest.fixture
def guests(ledger: Ledger) -> dict[str, int]:
    ids = {n: ledger.add_person(n).id for n in ("Ana Silva", "Bo Chen", "Cy Diaz", "Di Evans")}
    ledger.log("Coffee", with_=[ids["Ana Silva"]], when="2026-10-01")  # Ana is not new
    return ids


def test_invite_rsvp_and_close(ledger: Ledger, guests: dict[str, int]) -> None:
    g = ledger.add_gathering("Mid-week supper", on="2026-11-18", capacity=6)
    invited = ledger.invite("mid-week SUPPER", ["Ana Silva", "Bo Chen", "Cy Diaz", "Di Evans"])
    assert [a.status.value for a in invited] == ["invited"] * 4
    for name in ("Ana Silva", "Bo Chen", "Cy Diaz"):
        ledger.rsvp(g.id, name, "attended")
    ledger.rsvp(g.id, "Di Evans", "no-show")
    # Seating: Ana and Bo at table 1, Cy at table 2 in round 1; Ana and Cy in round 2.
    for rnd, table, seat, who in (
        (1, 1, 1, "Ana Silva"),
        (1, 1, 2, "Bo Chen"),
        (1, 2, 1, "Cy Diaz"),
        (2, 1, 1, "Ana Silva"),
        (2, 1, 2, "Cy Diaz"),
        (2, 2, 1, "Bo Chen"),
    ):
        ledger.seat(g.id, who, round_no=rnd, table=table, seat=seat)
    report = ledger.close_gathering(g.id, minutes=150)
    assert report.attended == 3 and report.pairs_met == 2
    enc = ledger.profile(guests["Bo Chen"]).encounters
    assert len(enc) == 1 and enc[0].title == "Mid-week supper" and enc[0].minutes == 150
    assert enc[0].gathering_id == g.id
    ties = {
        (a.person_a_id, a.person_b_id): a
        for a in ledger.acquaintances()
        if a.evidence.value == "shared_gathering"
    }
    ana, bo, cy = guests["Ana Silva"], guests["Bo Chen"], guests["Cy Diaz"]
    assert set(ties) == {(min(ana, bo), max(ana, bo)), (min(ana, cy), max(ana, cy))}
    # Bo and Cy are new contacts (no encounter before); Ana is not. Due two days later.
    assert sorted((f.person_id, f.due.isoformat()) for f in report.follow_ups) == sorted(
        [(bo, "2026-11-20"), (cy, "2026-11-20")]
    )
    agenda = ledger.agenda(today="2026-11-22")
    assert {i.person_id for i in agenda.sections["follow_up"]} == {bo, cy}
    view = ledger.gathering_view(g.id)
    assert view.closed and [x.name for x in view.guests][:3] == ["Ana Silva", "Bo Chen", "Cy Diaz"]
    assert view.seating[2][1] == [(ana, "Ana Silva"), (cy, "Cy Diaz")]
    summary = ledger.gatherings()[0]
    assert summary.closed and summary.counts == {"attended": 3, "no_show": 1}
    # The graph sees them as having met at the gathering.
    G = ledger.network().graph
    assert "shared_gathering" in G.edges[ana, bo]["kinds"]


def test_close_without_seating_pairs_everyone(ledger: Ledger, guests: dict[str, int]) -> None:
    g = ledger.add_gathering("Walk", on="2026-11-20", kind="meetup")
    for name in ("Bo Chen", "Cy Diaz", "Di Evans"):
        ledger.rsvp(g.id, name, "attended")
    assert ledger.close_gathering("Walk").pairs_met == 3


def test_close_failures_write_nothing(
    ledger: Ledger, guests: dict[str, int], table_rows: Rows
) -> None:
    future = ledger.add_gathering("Next week", on="2026-11-29")
    ledger.rsvp(future.id, "Bo Chen", "attended")
    empty = ledger.add_gathering("Nobody came", on="2026-11-10")
    ledger.invite(empty.id, ["Cy Diaz"])
    before = table_rows(ledger)
    with pytest.raises(ValidationError, match="close it once it has happened"):
        ledger.close_gathering(future.id)
    with pytest.raises(ValidationError, match="nobody is marked as attended"):
        ledger.close_gathering(empty.id)
    with pytest.raises(ValidationError, match="negative"):
        ledger.close_gathering(empty.id, follow_up_days=-1)
    assert table_rows(ledger) == before
    done = ledger.add_gathering("Done", on="2026-11-15")
    ledger.rsvp(done.id, "Bo Chen", "attended")
    ledger.close_gathering(done.id)
    after_close = table_rows(ledger)
    with pytest.raises(ValidationError, match="closed"):
        ledger.close_gathering(done.id)
    with pytest.raises(ValidationError, match="closed"):
        ledger.invite(done.id, ["Cy Diaz"])
    assert table_rows(ledger) == after_close


def test_references_and_bad_input(ledger: Ledger, guests: dict[str, int]) -> None:
    ledger.add_gathering("Supper", on="2026-11-01")
    ledger.add_gathering("Supper", on="2026-11-08")
    with pytest.raises(
        AmbiguousError, match="2 gatherings are named 'supper': #1 Supper on 2026-11-01"
    ):
        ledger.resolve_gathering("supper")
    with pytest.raises(NotFoundError, match="no gathering named"):
        ledger.resolve_gathering("Brunch")
    with pytest.raises(NotFoundError, match="no gathering with id 99"):
        ledger.resolve_gathering(99)
    with pytest.raises(ValidationError, match="capacity must be at least 1"):
        ledger.add_gathering("Tiny", on="2026-11-01", capacity=0)
    with pytest.raises(ValidationError, match="gathering name is empty"):
        ledger.add_gathering("  ", on="2026-11-01")
    with pytest.raises(ValidationError, match="RSVP status"):
        ledger.rsvp(1, "Bo Chen", "maybe")
    with pytest.raises(ValidationError, match="you host it"):
        ledger.invite(1, ["me"])
    with pytest.raises(NotFoundError):
        ledger.invite(1, ["Nobody Here"])


def test_capacity_is_respected(ledger: Ledger, guests: dict[str, int]) -> None:
    g = ledger.add_gathering("Small", on="2026-11-01", capacity=1)
    ledger.rsvp(g.id, "Bo Chen", "confirmed")
    with pytest.raises(ValidationError, match="full"):
        ledger.rsvp(g.id, "Cy Diaz", "confirmed")


@pytest.fixture
def club(ledger: Ledger) -> tuple[int, list[int]]:
    """Nine confirmed guests for a supper on 2026-11-25 (after the ledger's today)."""
    orgs = ["Acme", "Beta", "Gamma"]
    ids = [
        ledger.add_person(
            f"Guest {i}",
            organisation=orgs[i % 3],
            offers=["supply-chain finance"] if i == 0 else [],
            needs=["supply-chain finance"] if i == 4 else [],
        ).id
        for i in range(9)
    ]
    g = ledger.add_gathering("Club evening", on="2026-11-25", capacity=9)
    ledger.invite(g.id, ids)
    for pid in ids:
        ledger.rsvp(g.id, pid, "confirmed")
    return g.id, ids


def test_plan_seats_everyone_and_saves(ledger: Ledger, club: tuple[int, list[int]]) -> None:
    gid, ids = club
    result = ledger.plan_gathering(gid, tables=[3, 3, 3], rounds=2, seed=1, time_limit=2.0)
    plan = result.plan
    for tables in plan.rounds:
        assert sorted(p for t in tables for p in t) == sorted(ids)
        assert all(len(t) <= 3 for t in tables)
    # 9 people at 3 tables of 3 for 2 rounds: a zero-repeat plan exists (GATHERINGS.md §5).
    assert plan.repeats == 0 and plan.quality == "optimal"
    seats = ledger.seating(gid)
    assert len(seats) == 18 and {s.round for s in seats} == {1, 2}
    assert all(isinstance(why, str) and why for rnd in result.tables for _n, why in rnd)
    again = ledger.plan_gathering(gid, tables=[3, 3, 3], rounds=2, seed=1, time_limit=2.0)
    assert again.plan.rounds == plan.rounds  # same seed, same plan
    # Guests 0 and 4 are a promising pair (an offer meets a need): weighted up.
    assert plan.weights.get((ids[0], ids[4]), plan.weights.get((ids[4], ids[0]), 0)) > 0


def test_plan_rules_and_failures(
    ledger: Ledger, club: tuple[int, list[int]], table_rows: Rows
) -> None:
    gid, ids = club
    result = ledger.plan_gathering(
        gid,
        tables=[3, 3, 3],
        together=[("Guest 1", "Guest 2")],
        apart=[("Guest 3", "Guest 6")],
        save=False,
        time_limit=1.0,
    )
    (tables,) = result.plan.rounds
    table_of = {p: i for i, t in enumerate(tables) for p in t}
    assert table_of[ids[1]] == table_of[ids[2]] and table_of[ids[3]] != table_of[ids[6]]
    assert result.saved is False and ledger.seating(gid) == []
    outsider = ledger.add_person("Not Invited").id
    past = ledger.add_gathering("Last month", on="2026-10-01")
    ledger.rsvp(past.id, "Guest 1", "confirmed")
    before = table_rows(ledger)
    with pytest.raises(ValidationError, match="9 guests, 6 seats"):
        ledger.plan_gathering(gid, tables=[3, 3])
    with pytest.raises(ValidationError):
        ledger.plan_gathering(gid, tables=[1, 8])
    with pytest.raises(ValidationError, match="together"):
        ledger.plan_gathering(
            gid, tables=[3, 3, 3], together=[("Guest 1", "Guest 2")], apart=[("Guest 2", "Guest 1")]
        )
    with pytest.raises(ValidationError, match="not a confirmed guest"):
        ledger.plan_gathering(gid, tables=[3, 3, 3], together=[(outsider, "Guest 1")])
    with pytest.raises(ValidationError, match="a seating plan is for a gathering to come"):
        ledger.plan_gathering(past.id, tables=[3])
    assert table_rows(ledger) == before


def test_match_and_suggest(ledger: Ledger, club: tuple[int, list[int]]) -> None:
    gid, ids = club
    report = ledger.match_gathering(gid, slots=3, availability={"Guest 8": [1]})
    seen: set[frozenset[int]] = set()
    for s, pairs in enumerate(report.plan.slots):
        people = [p for pair in pairs for p in pair]
        assert len(people) == len(set(people))  # nobody twice in a slot
        for a, b in pairs:
            assert frozenset((a, b)) not in seen  # no pair twice
            seen.add(frozenset((a, b)))
        if s > 0:
            assert ids[8] not in people  # Guest 8 is only there for slot 1
    assert report.plan.total >= report.plan.baseline - 1e-9
    with pytest.raises(ValidationError):
        ledger.match_gathering(gid, slots=0)
    stranger = ledger.add_person("Stranger").id
    with pytest.raises(ValidationError, match=f"#{stranger} is not a confirmed guest"):
        ledger.match_gathering(gid, slots=2, availability={"Stranger": [1]})
    for i in range(3):
        ledger.log("Lunch", with_=[f"Guest {i}"], when=f"2025-0{i + 1}-10")
    other = ledger.add_gathering("Next one", on="2026-12-01", capacity=4)
    picks = ledger.suggest_guests(other.id, seed=2)
    assert 0 < len(picks.picks) <= 4
    assert all(p.reason for p in picks.picks)
    assert picks.strong + picks.weak == len(picks.picks)


def test_seating_exports(ledger: Ledger, club: tuple[int, list[int]]) -> None:
    import csv
    import io

    gid, _ids = club
    plan = ledger.plan_gathering(gid, tables=[3, 3, 3], rounds=2, seed=1, time_limit=1.0).plan
    rows = list(csv.DictReader(io.StringIO(ledger.export_seating(gid, "csv"))))
    assert len(rows) == 18
    first = [r for r in rows if r["round"] == "1" and r["table"] == "1"]
    assert [int(r["person_id"]) for r in first] == plan.rounds[0][0]
    assert [r["seat"] for r in first] == ["1", "2", "3"]
    page = ledger.export_seating(gid, "html")
    assert page.startswith("<!doctype html>") and "http" not in page
    assert page.count('<div class="card">') == 9  # one place card per guest
    assert page.count("<h2>Round") == 2 and page.count('<div class="table">') == 6
    assert "round 1: table" in page and "round 2: table" in page
    with pytest.raises(ValidationError, match="unknown seating format"):
        ledger.export_seating(gid, "pdf")
    empty = ledger.add_gathering("Unplanned", on="2026-12-01")
    assert ledger.export_seating(empty.id, "csv") == "round,table,seat,person_id,name\n"
    assert "No seating yet" in ledger.export_seating(empty.id, "html")


def test_a_recurring_club_remembers_who_met(ledger: Ledger) -> None:
    ids = [ledger.add_person(f"Member {i}").id for i in range(6)]
    first = ledger.add_gathering("Club night 1", on="2026-11-04", series="Supper club")
    assert first.series == "Supper club"
    for pid in ids[:4]:
        ledger.rsvp(first.id, pid, "attended")
    for seat, pid in enumerate(ids[:2], start=1):
        ledger.seat(first.id, pid, round_no=1, table=1, seat=seat)
    for seat, pid in enumerate(ids[2:4], start=1):
        ledger.seat(first.id, pid, round_no=1, table=2, seat=seat)
    ledger.close_gathering(first.id)
    assert ledger.series_members("supper CLUB") == sorted(ids[:4])
    second = ledger.add_gathering("Club night 2", on="2026-11-25", series="Supper club")
    invited = ledger.invite(second.id, [ids[4]], members=True)
    assert sorted(a.person_id for a in invited) == sorted(ids[:5])
    for pid in ids[:4]:
        ledger.rsvp(second.id, pid, "confirmed")
    plan = ledger.plan_gathering(second.id, tables=[2, 2], seed=3, time_limit=1.0).plan
    # Members 0 and 1 sat together at the first evening, so did 2 and 3: the new
    # evening pairs each with someone new (GATHERINGS.md §6: new pairs first).
    assert set(plan.history) == {(ids[0], ids[1]), (ids[2], ids[3])}
    tables = [sorted(t) for t in plan.rounds[0]]
    assert sorted(ids[:2]) not in tables and sorted(ids[2:4]) not in tables
    lonely = ledger.add_gathering("One-off", on="2026-11-26")
    with pytest.raises(ValidationError, match="not part of a series"):
        ledger.invite(lonely.id, members=True)
    empty = ledger.add_gathering("New club 1", on="2026-11-26", series="Walkers")
    with pytest.raises(ValidationError, match="no members yet"):
        ledger.invite(empty.id, members=True)
