"""Ledger.people_page: the paged people list, its filters and orders, against plain listings."""

from __future__ import annotations

import datetime as dt

import pytest

from dunbar import Ledger
from dunbar.errors import ValidationError


def _crowd(ledger: Ledger) -> dict[str, int]:
    now = ledger.now()
    ids: dict[str, int] = {}
    spec = [
        ("Zoë Núñez", "Acme", ["climbing"], ["python"], [1, 3, 8, 15, 22, 30, 40]),
        ("Ana Silva", "Acme", ["friend"], [], [2, 100]),
        ("Bob Stone", "Initech", ["friend", "climbing"], ["finance"], [200]),
        ("Carla Ruiz", None, [], ["python"], []),
        ("Dan Ode", "Initech", [], [], [5, 12]),
    ]
    for name, org, tags, topics, days in spec:
        p = ledger.add_person(name, organisation=org, tags=tags, topics=topics)
        ids[name] = p.id
        for d in days:
            ledger.log("Coffee", with_=[p.id], when=now - dt.timedelta(days=d))
    return ids


def _names(page: object) -> list[str]:
    return [r.person.name for r in page.rows]  # type: ignore[attr-defined]


def test_name_order_and_paging_match_the_plain_listing(ledger: Ledger) -> None:
    _crowd(ledger)
    everyone = [p.name for p in ledger.people()]
    pages = [ledger.people_page(page=n, per_page=2) for n in (1, 2, 3)]
    assert [n for p in pages for n in _names(p)] == everyone
    assert [p.total for p in pages] == [5, 5, 5] and pages[0].pages == 3
    assert len(pages[2].rows) == 1 and not pages[2].has_next and pages[2].has_previous
    beyond = ledger.people_page(page=9, per_page=2)
    assert beyond.rows == [] and beyond.total == 5 and beyond.first == 0
    assert _names(ledger.people_page(sort="-name")) == everyone[::-1]
    # Rows carry the same summary as the listing (last seen, counts, tags).
    plain = {p.id: p for p in ledger.people()}
    for row in ledger.people_page().rows:
        assert row.person == plain[row.person.id]


def test_filters_match_the_plain_listing(ledger: Ledger) -> None:
    _crowd(ledger)
    for kwargs in (
        {"text": "nunez"},
        {"text": "ZOE"},
        {"text": "acme"},
        {"tags": ["climbing"]},
        {"topics": ["python"]},
        {"organisation": "initech"},
        {"tags": ["friend"], "organisation": "Acme"},
    ):
        text = kwargs.pop("text", None)
        want = [p.name for p in ledger.people(text, **kwargs)]  # type: ignore[arg-type]
        assert want, kwargs
        got = ledger.people_page(text, **kwargs)  # type: ignore[arg-type]
        assert _names(got) == want and got.total == len(want), kwargs


def test_last_seen_filters_and_order(ledger: Ledger) -> None:
    _crowd(ledger)
    assert _names(ledger.people_page(seen_within=10)) == ["Ana Silva", "Dan Ode", "Zoë Núñez"]
    # Not seen for more than 50 days: never-seen included.
    assert _names(ledger.people_page(not_seen_for=50)) == ["Bob Stone", "Carla Ruiz"]
    recent = _names(ledger.people_page(sort="-last_seen"))
    assert recent == ["Zoë Núñez", "Ana Silva", "Dan Ode", "Bob Stone", "Carla Ruiz"]
    # Oldest first; the never-seen still come last.
    assert _names(ledger.people_page(sort="last_seen")) == [
        "Bob Stone",
        "Dan Ode",
        "Ana Silva",
        "Zoë Núñez",
        "Carla Ruiz",
    ]


def test_strength_order_and_circles_come_from_the_scoreboard(ledger: Ledger) -> None:
    ids = _crowd(ledger)
    board = ledger.scoreboard()
    index = ledger.people_index(board=board)
    page = ledger.people_page(sort="-strength", index=index)
    scores = [r.score for r in page.rows]
    known = [s for s in scores if s is not None]
    assert known == sorted(known, reverse=True) and known
    assert scores[: len(known)] == known  # the unscored last
    zoe = next(r for r in page.rows if r.person.id == ids["Zoë Núñez"])
    place = board.placement(ids["Zoë Núñez"])
    assert zoe.score == pytest.approx(place.score) and zoe.layer == place.layer
    assert zoe.layer is not None
    inside = ledger.people_page(circle=zoe.layer, index=index)
    assert ids["Zoë Núñez"] in [r.person.id for r in inside.rows]
    assert all(r.layer == zoe.layer for r in inside.rows)
    outside = ledger.people_page(circle=0, index=index)
    assert all(r.layer is None for r in outside.rows)
    assert inside.total + outside.total <= 5
    weakest = ledger.people_page(sort="strength", index=index)
    assert [r.score for r in weakest.rows][: len(known)] == known[::-1]
    # Filters combine with the index orders.
    both = ledger.people_page("acme", sort="-strength", index=index)
    assert sorted(_names(both)) == ["Ana Silva", "Zoë Núñez"]


def test_bad_arguments_are_validation_errors(ledger: Ledger) -> None:
    _crowd(ledger)
    for kwargs in (
        {"page": 0},
        {"per_page": 0},
        {"sort": "age"},
        {"circle": 7},
        {"seen_within": -1},
    ):
        with pytest.raises(ValidationError):
            ledger.people_page(**kwargs)  # type: ignore[arg-type]


def test_me_is_left_out(ledger: Ledger) -> None:
    assert ledger.people_page().total == 0
    assert ledger.people_page(sort="-strength").rows == []


def test_the_index_and_sql_paths_agree(ledger: Ledger) -> None:
    _crowd(ledger)
    index = ledger.people_index()
    for text, kwargs in (
        (None, {}),
        ("acme", {}),
        ("zo nu", {}),
        (None, {"tags": ["friend"]}),
        (None, {"organisation": "Initech"}),
    ):
        for sort in ("name", "-name"):
            for page in (1, 2, 3):
                plain = ledger.people_page(text, sort=sort, page=page, per_page=2, **kwargs)  # type: ignore[arg-type]
                fast = ledger.people_page(
                    text,
                    sort=sort,
                    page=page,
                    per_page=2,
                    index=index,
                    **kwargs,  # type: ignore[arg-type]
                )
                assert _names(plain) == _names(fast) and plain.total == fast.total
                assert all(r.score is None for r in plain.rows)  # no index: no scores
