"""The Today page: the agenda with its reasons, and its one-click actions."""

from __future__ import annotations

import datetime as dt

from web_helpers import Web, count_rows


def _fading(web: Web) -> int:
    """Ana was seen weekly last year, then not for months: a fading tie."""
    ana = web.ledger.add_person("Ana <b>Silva</b>", emails=["ana@example.com"])
    start = web.ledger.now() - dt.timedelta(days=300)
    for week in range(20):
        web.ledger.log("Coffee", with_=[ana.id], when=start + dt.timedelta(days=7 * week))
    return ana.id


def test_today_lists_fading_ties_with_reasons(web: Web) -> None:
    ana = _fading(web)
    agenda = web.ledger.agenda(limit=10)
    item = next(i for i in agenda.items if i.person_id == ana)
    r = web.client.get("/")
    assert r.status_code == 200
    assert f'href="/people/{ana}"' in r.text
    # The name is escaped, never markup.
    assert "Ana &lt;b&gt;Silva&lt;/b&gt;" in r.text and "<b>Silva</b>" not in r.text
    assert item.suggestion.replace("<", "&lt;").replace(">", "&gt;") in r.text


def test_log_from_today_records_an_encounter_and_refreshes(web: Web) -> None:
    ana = _fading(web)
    assert "Fading" in web.client.get("/").text
    before = count_rows(web.ledger, "encounters")
    r = web.form("/agenda/log", {"person_id": ana, "channel": "in_person", "title": "Lunch"})
    assert r.status_code == 303
    assert count_rows(web.ledger, "encounters") == before + 1
    page = web.client.get("/").text
    assert "Logged: in person with Ana" in page
    # Seen today: no longer fading (the cached agenda was made again).
    assert (
        f'data-kind="fading">\n      \n      <p class="reason"><a href="/people/{ana}"' not in page
    )
    assert not any(i.person_id == ana for i in web.ledger.agenda().sections.get("fading", []))


def test_snooze_and_done_hide_the_item(web: Web) -> None:
    ana = _fading(web)
    r = web.form("/agenda/snooze", {"person_id": ana, "days": 7, "kind": "fading"})
    assert r.status_code == 303
    assert f"/people/{ana}" not in web.client.get("/").text
    bob = web.ledger.add_person("Bob Stone")
    start = web.ledger.now() - dt.timedelta(days=300)
    for week in range(20):
        web.ledger.log("Call", with_=[bob.id], when=start + dt.timedelta(days=7 * week))
    assert f"/people/{bob.id}" in web.client.get("/").text
    assert web.form("/agenda/done", {"person_id": bob.id, "kind": "all"}).status_code == 303
    assert f"/people/{bob.id}" not in web.client.get("/").text


def test_bad_log_input_is_one_line_and_writes_nothing(web: Web) -> None:
    ana = _fading(web)
    before = count_rows(web.ledger, "encounters")
    for data in (
        {"person_id": ana, "channel": "telepathy"},
        {"person_id": ana, "minutes": "ten"},
        {"person_id": ana, "when": "not a date"},
        {"person_id": 99999},
        {"person_id": "abc"},
    ):
        r = web.form("/agenda/log", data)
        assert r.status_code in (400, 404), data
        assert "Traceback" not in r.text
        assert 'class="error"' in r.text
    assert count_rows(web.ledger, "encounters") == before


def test_snooze_days_out_of_range_is_refused(web: Web) -> None:
    ana = _fading(web)
    r = web.form("/agenda/snooze", {"person_id": ana, "days": 0})
    assert r.status_code == 400


def test_when_busy_other_sessions_may_see_the_agenda_a_moment_old(web: Web) -> None:
    """dunbar.web.deps.cached: only while other requests are in flight, and never for
    the session that wrote."""
    ana = _fading(web)
    fading = f'<p class="reason"><a href="/people/{ana}"'
    assert fading in web.client.get("/").text
    web.app.state.load.hold = 0.0  # busy only while in_flight says so (see test_load_*)
    web.app.state.load.in_flight = 3  # as if three other requests were being served
    try:
        web.ledger.log("Lunch", with_=[ana])  # another process (the CLI) writes
        assert fading in web.client.get("/").text  # the agenda of a moment ago, at once
        bob = web.ledger.add_person("Bob Stone")
        r = web.form("/agenda/log", {"person_id": bob.id, "channel": "call"})
        assert r.status_code == 303
        # This session wrote: its next page includes its write, and so everything before.
        assert fading not in web.client.get("/").text
    finally:
        web.app.state.load.in_flight = 0
    # Not busy: the current agenda, even right after another process wrote.
    cara = web.ledger.add_person("Cara Lind")
    start = web.ledger.now() - dt.timedelta(days=300)
    for week in range(20):
        web.ledger.log("Call", with_=[cara.id], when=start + dt.timedelta(days=7 * week))
    assert f'<p class="reason"><a href="/people/{cara.id}"' in web.client.get("/").text


def test_done_and_snooze_while_busy_take_effect_without_scoring_everyone(web: Web) -> None:
    """writing(touched=[person]) on done and snooze: the writer's next Today is made
    from the board folded for that person, not from a full scoreboard, and no longer
    shows the item."""
    ana = _fading(web)
    bob = web.ledger.add_person("Bob Stone")
    start = web.ledger.now() - dt.timedelta(days=300)
    for week in range(20):
        web.ledger.log("Call", with_=[bob.id], when=start + dt.timedelta(days=7 * week))
    page = web.client.get("/").text
    assert f'<p class="reason"><a href="/people/{ana}"' in page
    assert f'<p class="reason"><a href="/people/{bob.id}"' in page
    boards: list[object] = []
    real = web.ledger.scoreboard
    web.ledger.scoreboard = lambda **kw: boards.append(kw) or real(**kw)  # type: ignore[method-assign]
    web.app.state.load.in_flight = 3  # as if three other requests were being served
    try:
        assert web.form("/agenda/snooze", {"person_id": ana, "days": 7}).status_code == 303
        page = web.client.get("/").text
        assert f'<p class="reason"><a href="/people/{ana}"' not in page
        assert web.form("/agenda/done", {"person_id": bob.id}).status_code == 303
        page = web.client.get("/").text
        assert f'<p class="reason"><a href="/people/{bob.id}"' not in page
        assert boards == []
    finally:
        web.app.state.load.in_flight = 0
        del web.ledger.scoreboard
