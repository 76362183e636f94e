"""The demo ledger: built from InVS15 contacts, reproducible, and dated in the past."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dunbar import Ledger
from dunbar.demo import (
    DemoSummary,
    Episode,
    build_demo,
    choose_me,
    load_contacts,
    merge_contacts,
    plan_demo,
)
from dunbar.demo.contacts import load_departments
from dunbar.errors import DatabaseError, ValidationError

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
# Fewer acquaintance pairs than the default (5 minutes) keep the two builds fast;
# reproducibility does not depend on the threshold.
FAST_MINUTES = 60


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("demo")
    calls: list[tuple[int, int]] = []
    first = build_demo(
        base / "one.db",
        seed=7,
        now=NOW,
        min_acquaintance_minutes=FAST_MINUTES,
        progress=lambda d, t: calls.append((d, t)),
    )
    second = build_demo(base / "two.db", seed=7, now=NOW, min_acquaintance_minutes=FAST_MINUTES)
    exports = []
    for name in ("one.db", "two.db"):
        with Ledger.open(base / name, clock=lambda: NOW) as ledger:
            exports.append(ledger.export()["tables"])
    return {
        "summaries": (first, second),
        "exports": exports,
        "progress": calls,
        "path": base / "one.db",
    }


# --- merging 20-second records into episodes ----------------------------------------------


def test_merge_contacts_by_hand() -> None:
    rows = [
        (0, 1, 2),  # pair (1, 2) starts an episode at 0
        (20, 2, 1),  # same pair (order of i, j does not matter), 20 s later: same episode
        (320, 1, 2),  # 300 s after 20: exactly the gap, so still the same episode
        (660, 1, 2),  # 340 s after 320: more than the gap, a new episode
        (20, 1, 3),  # pair (1, 3): a single record
        (40, 4, 4),  # a person with themselves: ignored
    ]
    # By hand, gap = 300 s, each record covering 20 s:
    #   (1, 2): records 0, 20, 320 -> [0, 340): 3 records, 340 s -> (340 + 30) // 60 = 6 min
    #   (1, 2): record 660         -> [660, 680): 1 record, 20 s -> at least 1 min
    #   (1, 3): record 20          -> [20, 40): 1 record, 1 min
    # sorted by (start, a, b).
    episodes = merge_contacts(rows, gap=300)
    assert episodes == [
        Episode(start=0, a=1, b=2, end=340, records=3),
        Episode(start=20, a=1, b=3, end=40, records=1),
        Episode(start=660, a=1, b=2, end=680, records=1),
    ]
    assert [e.minutes for e in episodes] == [6, 1, 1]
    # With gap = 20 s only the records at 0 and 20 join: 4 episodes.
    assert [(e.start, e.end) for e in merge_contacts(rows, gap=20)] == [
        (0, 40),
        (20, 40),
        (320, 340),
        (660, 680),
    ]


def test_choose_me_is_the_person_with_most_partners() -> None:
    episodes = merge_contacts([(0, 1, 2), (0, 1, 3), (0, 2, 3), (0, 2, 4), (0, 5, 6)])
    assert choose_me(episodes) == 2  # partners 1, 3, 4; person 1 has only 2, 3


def test_data_ships_with_the_package() -> None:
    # Row and people counts as published for InVS15 (see src/dunbar/demo/data/SOURCE.md).
    rows = load_contacts()
    assert len(rows) == 78_249
    assert len({p for _, i, j in rows for p in (i, j)}) == 217
    departments = load_departments()
    assert len(departments) == 232
    assert len(set(departments.values())) == 12


# --- the built ledger -------------------------------------------------------------------


def test_same_seed_gives_the_same_ledger(builds: dict[str, Any]) -> None:
    one, two = builds["exports"]
    assert one == two
    first, second = builds["summaries"]
    assert {**vars(first), "seconds": 0} == {**vars(second), "seconds": 0}


def test_summary_counts_are_plausible(builds: dict[str, Any]) -> None:
    summary: DemoSummary = builds["summaries"][0]
    tables = builds["exports"][0]
    assert summary.people == len(tables["people"]) == 217  # everyone in the contacts
    assert summary.organisations == len(tables["organisations"]) == 12
    assert summary.encounters == len(tables["encounters"])
    assert 300 <= summary.encounters <= 1_000
    assert summary.acquaintances == len(tables["acquaintances"]) >= 200
    assert summary.notes == len(tables["notes"]) >= 20
    assert summary.favours == len(tables["favours"]) >= 10
    assert summary.introductions == len(tables["introductions"]) >= 3
    assert len(tables["gatherings"]) == 1 and len(tables["attendance"]) >= 8
    me = next(p for p in tables["people"] if p["is_me"])
    assert me["name"] == summary.me_name
    channels = {e["channel"] for e in tables["encounters"]}
    assert {"in_person", "email", "call"} <= channels
    assert sum(p["is_kin"] for p in tables["people"]) == 2
    assert sum(p["closeness"] is not None for p in tables["people"]) >= 8


def test_my_in_person_encounters_are_the_merged_episodes(builds: dict[str, Any]) -> None:
    episodes = merge_contacts(load_contacts(), gap=300)
    me = choose_me(episodes)
    mine = [e for e in episodes if e.involves(me)]
    tables = builds["exports"][0]
    refs = {e["source_ref"] for e in tables["encounters"] if e["source"] == "demo-invs15"}
    assert refs == {f"{e.a}-{e.b}-{e.start}" for e in mine}
    me_row = next(p for p in tables["people"] if p["is_me"])
    assert me_row["custom"] == {"invs15_id": me}
    # Every other person who met me in the data has in-person encounters with me.
    key_to_id = {p["custom"]["invs15_id"]: p["id"] for p in tables["people"]}
    in_person = {e["id"] for e in tables["encounters"] if e["source"] == "demo-invs15"}
    met = {
        r["person_id"] for r in tables["encounter_participants"] if r["encounter_id"] in in_person
    }
    assert met == {key_to_id[e.other(me)] for e in mine}


def test_dates_span_years_and_none_is_in_the_future(builds: dict[str, Any]) -> None:
    tables = builds["exports"][0]
    times = [dt.datetime.fromisoformat(e["occurred_at"]) for e in tables["encounters"]]
    assert all(t.tzinfo is not None for t in times)
    assert max(times) <= NOW
    assert max(times) >= NOW - dt.timedelta(days=14)  # a recent one
    assert min(times) <= NOW - dt.timedelta(days=5 * 365)
    notes = [dt.datetime.fromisoformat(n["written_at"]) for n in tables["notes"]]
    assert max(notes) <= NOW
    days = [r["on_date"] for r in (*tables["favours"], *tables["introductions"])]
    days += [g["held_on"] for g in tables["gatherings"]]
    assert max(dt.date.fromisoformat(d) for d in days) <= NOW.date()


def test_progress_counts_up_to_its_total(builds: dict[str, Any]) -> None:
    calls: list[tuple[int, int]] = builds["progress"]
    totals = {t for _, t in calls}
    assert len(totals) == 1
    done = [d for d, _ in calls]
    assert done[0] == 0 and done[-1] == totals.pop()
    assert done == sorted(done)


def test_different_seed_gives_different_names() -> None:
    seven = plan_demo(seed=7, now=NOW)
    eight = plan_demo(seed=8, now=NOW)
    names7 = {p.name for p in seven.people.values()}
    names8 = {p.name for p in eight.people.values()}
    assert len(names7) == len(names8) == 217  # all distinct
    assert len(names7 & names8) < 50
    # The contacts are the same data whatever the seed.
    assert seven.me == eight.me
    in_person = [e.source_ref for e in seven.encounters if e.source == "demo-invs15"]
    assert in_person == [e.source_ref for e in eight.encounters if e.source == "demo-invs15"]


def test_default_plan_keeps_pairs_with_five_minutes_together() -> None:
    plan = plan_demo(seed=7, now=NOW)
    episodes = merge_contacts(load_contacts(), gap=300)
    total: dict[tuple[int, int], int] = {}
    for e in episodes:
        if not e.involves(plan.me):
            total[(e.a, e.b)] = total.get((e.a, e.b), 0) + e.minutes
    from_contacts = [a for a in plan.acquaintances if a.evidence == "shared_encounter"]
    assert len(from_contacts) == sum(m >= 5 for m in total.values())
    assert max(a.strength or 0 for a in from_contacts) == 1.0


def test_naive_now_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="timezone"):
        build_demo(tmp_path / "demo.db", now=dt.datetime(2025, 6, 1))
    assert not (tmp_path / "demo.db").exists()


def test_an_existing_ledger_is_refused(builds: dict[str, Any]) -> None:
    with pytest.raises(DatabaseError, match="already exists"):
        build_demo(builds["path"], now=NOW, min_acquaintance_minutes=FAST_MINUTES)


def test_a_failed_build_leaves_no_file(tmp_path: Path) -> None:
    def stop(done: int, total: int) -> None:
        if done > 100:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_demo(tmp_path / "demo.db", now=NOW, progress=stop)
    assert list(tmp_path.iterdir()) == []
