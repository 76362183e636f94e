"""The People page: search, filters, sorting, paging, the fragment, escaping, login."""

from __future__ import annotations

import datetime as dt
import re

from web_helpers import Web

XSS = "<script>alert(1)</script>"
XSS2 = '"><img src=x onerror=alert(1)>'


def _names(html: str) -> list[str]:
    return re.findall(r'<td><a href="/people/\d+">([^<]*)</a></td>', html)


def _crowd(web: Web) -> dict[str, int]:
    now = web.ledger.now()
    ids: dict[str, int] = {}
    for name, org, tags, topics, days in (
        ("Zoë Núñez", "Acme", ["climbing"], ["python"], [1, 3, 8, 15, 22, 30, 40]),
        ("Ana Silva", "Acme", ["friend"], [], [2, 100]),
        ("Bob Stone", "Initech", ["friend", "climbing"], ["finance"], [200]),
        ("Carla Ruiz", None, [], ["python"], []),
    ):
        p = web.ledger.add_person(name, organisation=org, tags=tags, topics=topics)
        ids[name] = p.id
        for d in days:
            web.ledger.log("Coffee", with_=[p.id], when=now - dt.timedelta(days=d))
    return ids


def test_the_list_shows_people_with_links_and_columns(web: Web) -> None:
    ids = _crowd(web)
    r = web.client.get("/people")
    assert r.status_code == 200
    assert _names(r.text) == ["Ana Silva", "Bob Stone", "Carla Ruiz", "Zoë Núñez"]
    assert f'href="/people/{ids["Zoë Núñez"]}"' in r.text
    me = web.ledger.me()
    assert f'href="/people/{me.id}"' not in r.text
    assert "1 day ago" in r.text and "2026-11-21" in r.text  # Zoë, seen yesterday
    assert "never" in r.text  # Carla
    assert '<span class="pill">climbing</span>' in r.text
    assert "1–4 of 4 people" in r.text
    assert 'data-live="/people/rows"' in r.text and '<div class="table-wrap">' in r.text


def test_search_is_accent_and_case_insensitive(web: Web) -> None:
    _crowd(web)
    for q in ("nunez", "NÚÑEZ", "zoe"):
        assert _names(web.client.get("/people", params={"q": q}).text) == ["Zoë Núñez"], q
    assert _names(web.client.get("/people", params={"q": "acme"}).text) == [
        "Ana Silva",
        "Zoë Núñez",
    ]
    assert "No one matches." in web.client.get("/people", params={"q": "nobody"}).text


def test_filters(web: Web) -> None:
    ids = _crowd(web)

    def names(**params: str) -> list[str]:
        r = web.client.get("/people", params=params)
        assert r.status_code == 200, r.text
        return _names(r.text)

    assert names(tag="climbing") == ["Bob Stone", "Zoë Núñez"]
    assert names(org="initech") == ["Bob Stone"]
    assert names(topic="python") == ["Carla Ruiz", "Zoë Núñez"]
    assert names(seen="within:7") == ["Ana Silva", "Zoë Núñez"]
    assert names(seen="over:90") == ["Bob Stone", "Carla Ruiz"]
    assert names(tag="friend", org="acme") == ["Ana Silva"]
    layer = web.ledger.scoreboard().placement(ids["Zoë Núñez"]).layer
    assert layer is not None
    assert "Zoë Núñez" in names(circle=str(layer))
    assert "Zoë Núñez" not in names(circle="none")
    assert "Carla Ruiz" in names(circle="none")


def test_sorting(web: Web) -> None:
    _crowd(web)

    def names(sort: str) -> list[str]:
        return _names(web.client.get("/people", params={"sort": sort}).text)

    assert names("-name") == ["Zoë Núñez", "Carla Ruiz", "Bob Stone", "Ana Silva"]
    assert names("-last_seen") == ["Zoë Núñez", "Ana Silva", "Bob Stone", "Carla Ruiz"]
    assert names("last_seen") == ["Bob Stone", "Ana Silva", "Zoë Núñez", "Carla Ruiz"]
    board = web.ledger.scoreboard()
    scored = sorted(
        ((board.placement(p.id).score, p.name) for p in web.ledger.people()),
        key=lambda sp: -(sp[0] if sp[0] is not None else -1),
    )
    assert names("-strength") == [n for _, n in scored]


def test_paging_boundaries(web: Web) -> None:
    for n in range(53):
        web.ledger.add_person(f"Person {n:03d}")
    first = web.client.get("/people").text
    assert len(_names(first)) == 50 and "1–50 of 53 people" in first
    assert 'href="/people?sort=name&amp;page=2" rel="next"' in first and 'rel="prev"' not in first
    last = web.client.get("/people", params={"page": "2"}).text
    assert _names(last) == ["Person 050", "Person 051", "Person 052"]
    assert "51–53 of 53 people" in last and 'rel="next"' not in last and 'rel="prev"' in last
    beyond = web.client.get("/people", params={"page": "9"})
    assert beyond.status_code == 200 and _names(beyond.text) == []
    assert "No one on page 9: 53 people on 2 pages." in beyond.text
    assert 'href="/people?sort=name&amp;page=2" rel="prev"' in beyond.text  # back to the last
    # Filters are kept in the paging links.
    tagged = web.client.get("/people", params={"q": "person", "sort": "-name"}).text
    assert 'href="/people?q=person&amp;sort=-name&amp;page=2"' in tagged
    assert _names(tagged)[0] == "Person 052"


def test_bad_input_is_a_400_page(web: Web) -> None:
    _crowd(web)
    for params in (
        {"page": "0"},
        {"page": "abc"},
        {"page": "-1"},
        {"sort": "age"},
        {"circle": "7"},
        {"circle": "x"},
        {"seen": "sometimes"},
        {"q": "x" * 500},
    ):
        r = web.client.get("/people", params=params)
        assert r.status_code == 400, params
        assert 'class="error"' in r.text and "Traceback" not in r.text
        assert web.client.get("/people/rows", params=params).status_code == 400


def test_the_fragment_is_the_list_alone(web: Web) -> None:
    _crowd(web)
    r = web.client.get("/people/rows", params={"q": "nunez", "sort": "-strength"})
    assert r.status_code == 200
    assert _names(r.text) == ["Zoë Núñez"]
    assert "<html" not in r.text and "<form" not in r.text
    assert "1–1 of 1 person" in r.text


def test_user_text_is_escaped(web: Web) -> None:
    web.ledger.add_person(XSS, organisation=XSS2, tags=[XSS2, XSS])
    web.ledger.add_person(XSS2, organisation=XSS)
    for url, params in (
        ("/people", {}),
        ("/people/rows", {}),
        ("/people", {"q": XSS, "tag": XSS2, "org": XSS2, "topic": XSS}),
    ):
        text = web.client.get(url, params=params).text
        assert XSS not in text and XSS2 not in text, url
    text = web.client.get("/people").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in text
    # What was typed comes back in the form, escaped.
    echoed = web.client.get("/people", params={"q": XSS2}).text
    assert 'value="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"' in echoed


def test_login_is_required(web: Web) -> None:
    _crowd(web)
    anon = web.anon()
    for url in ("/people", "/people/rows?q=ana"):
        r = anon.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
        assert "Ana Silva" not in r.text


def test_a_busy_apps_writer_sees_their_call_without_everyone_being_scored_again(
    web: Web,
) -> None:
    """deps.writing(touched=) and cached(fold=): while other requests are in flight,
    a session's call with Carla is folded into the cached board and people index
    (Ledger.rescored / reindexed) instead of scoring the whole ledger again."""
    ids = _crowd(web)
    assert _names(web.client.get("/people", params={"sort": "-last_seen"}).text)[0] == "Zoë Núñez"
    boards: list[object] = []
    real = web.ledger.scoreboard
    web.ledger.scoreboard = lambda **kw: boards.append(kw) or real(**kw)  # type: ignore[method-assign]
    web.app.state.load.in_flight = 3  # as if three other requests were being served
    try:
        carla = ids["Carla Ruiz"]
        assert web.form(f"/people/{carla}/log", {"channel": "in_person"}).status_code == 303
        page = web.client.get("/people", params={"sort": "-last_seen"}).text
        assert _names(page)[0] == "Carla Ruiz"  # the write is seen: met today
        strongest = _names(web.client.get("/people", params={"sort": "-strength"}).text)
        assert "Carla Ruiz" in strongest[:3]  # scored now (she had no score before)
        person = web.client.get(f"/people/{carla}").text
        assert "Carla Ruiz" in person
        assert boards == []  # no full scoreboard: folded for Carla alone
    finally:
        web.app.state.load.in_flight = 0
        del web.ledger.scoreboard
    # Idle again: the current board, made afresh, agrees.
    assert _names(web.client.get("/people", params={"sort": "-last_seen"}).text)[0] == "Carla Ruiz"


def test_an_idle_apps_writer_gets_the_fold_then_the_current_board(web: Web) -> None:
    """Not busy: a session's own write is folded too (its next page does not wait for
    everyone to be scored again); the page after is made from a current board."""
    ids = _crowd(web)
    web.client.get("/people")
    boards: list[object] = []
    real = web.ledger.scoreboard
    web.ledger.scoreboard = lambda **kw: boards.append(kw) or real(**kw)  # type: ignore[method-assign]
    try:
        carla = ids["Carla Ruiz"]
        assert web.form(f"/people/{carla}/log", {"channel": "call"}).status_code == 303
        assert _names(web.client.get("/people", params={"sort": "-last_seen"}).text)[0] == (
            "Carla Ruiz"
        )
        assert boards == []
        web.ledger.log("Coffee", with_=[ids["Bob Stone"]])  # another process writes
        assert _names(web.client.get("/people", params={"sort": "-last_seen"}).text)[0] == (
            "Bob Stone"
        )  # idle: current, the other process's write included
        assert len(boards) == 1
    finally:
        del web.ledger.scoreboard
