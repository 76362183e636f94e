"""The gatherings pages: new → invite → RSVP → plan → move and re-score → save → cards → close.

The ledger's clock is the conftest ``NOW`` (2026-11-22T12:00Z): a gathering on that
day can be planned (it is not past) and closed (it has happened).
"""

from __future__ import annotations

import re

import pytest
from web_helpers import Web, count_rows

XSS = "<script>alert(1)</script>"
XSS2 = '"><img src=x onerror=alert(1)>'
TODAY = "2026-11-22"
NAMES = ["Ana Silva", "Bo Chen", "Cy Diaz", "Di Evans", "Ed Fox", "Flo Gray"]
WRITTEN = ("gatherings", "attendance", "seating", "encounters", "follow_ups", "acquaintances")


def _rows(web: Web) -> dict[str, int]:
    return {t: count_rows(web.ledger, t) for t in WRITTEN}


def _new(web: Web, name: str = "Mid-week supper", on: str = TODAY, **more: str) -> int:
    r = web.form("/gatherings", {"name": name, "on": on, "kind": "dinner", **more})
    assert r.status_code == 303, r.text
    found = re.fullmatch(r"/gatherings/(\d+)", r.headers["location"])
    assert found
    return int(found.group(1))


def _people(web: Web, names: list[str] = NAMES) -> dict[str, int]:
    return {n: web.ledger.add_person(n).id for n in names}


def _confirmed(web: Web, names: list[str] = NAMES) -> tuple[int, dict[str, int]]:
    ids = _people(web, names)
    gid = _new(web)
    assert web.form(f"/gatherings/{gid}/invite", {"names": "\n".join(names)}).status_code == 303
    for pid in ids.values():
        web.form(f"/gatherings/{gid}/rsvp", {"person_id": pid, "status": "confirmed"})
    return gid, ids


def _plan(web: Web, gid: int, **data: str) -> str:
    """Plan (as a job), wait for it, return the page it goes on to."""
    fields = {"tables": "3, 3", "rounds": "2", "seconds": "1", **data}
    r = web.form(f"/gatherings/{gid}/plan", fields)
    assert r.status_code == 303, r.text
    job_id = re.search(r"job=([\w-]+)", r.headers["location"])
    assert job_id
    job = web.app.state.jobs.wait(job_id.group(1))
    assert job is not None and job.state == "finished", job and job.error
    return str(web.client.get(r.headers["location"]).text)


def _arrangement(web: Web, gid: int) -> list[list[list[int]]]:
    view = web.ledger.gathering_view(gid)
    return [
        [[pid for pid, _ in view.seating[r][t]] for t in sorted(view.seating[r])]
        for r in sorted(view.seating)
    ]


def _post_json(web: Web, url: str, body: object) -> object:
    return web.client.post(
        url, json=body, headers={"X-CSRF-Token": web.csrf, "Accept": "application/json"}
    )


def test_the_whole_lifecycle_through_the_pages(web: Web) -> None:
    assert "No gatherings yet" in web.client.get("/gatherings").text
    gid, ids = _confirmed(web)
    listing = web.client.get("/gatherings").text
    assert f'href="/gatherings/{gid}"' in listing and "6 confirmed" in listing
    page = web.client.get(f"/gatherings/{gid}").text
    assert page.count('data-status="confirmed"') == 6
    assert "No seating yet" in page

    # Plan: a job, then the page draws the tables, the objective's parts and the quality.
    page = _plan(web, gid)
    assert "Planned by" in page
    assert page.count('class="seat-table card"') == 4  # 2 rounds × 2 tables
    assert "pairs meet for the first time" in page  # the objective, in its named parts
    assert "at least" in page and "repeats by counting pairs" in page  # the bounds
    assert re.search(r'class="quality-text">(optimal|within \d+ repeats)', page)
    assert count_rows(web.ledger, "seating") == 12
    assert '<script src="/static/seating.js" defer></script>' in page

    # Move a person: the objective re-scores (not saved).
    rounds = _arrangement(web, gid)
    before = web.ledger.score_gathering_seating(gid, rounds, tables=[3, 3]).plan.objective
    moved = [[list(t) for t in rnd] for rnd in rounds]
    moved[0][1].append(moved[0][0].pop())  # 2 + 4 at tables of 3
    r = _post_json(web, f"/gatherings/{gid}/rescore", {"rounds": moved})
    assert r.status_code == 200  # type: ignore[attr-defined]
    data = r.json()  # type: ignore[attr-defined]
    assert data["problems"] == ["round 1, table 2: 4 people at 3 seats"]
    assert data["objective"][0].endswith("(× 1)") and len(data["why"]) == 2
    assert data["objective"] != before.explain()
    # A table over its seats cannot be saved; nothing is written.
    seats = _arrangement(web, gid)
    r = _post_json(web, f"/gatherings/{gid}/seating", {"rounds": moved})
    assert r.status_code == 400 and "not saved" in r.json()["detail"]  # type: ignore[attr-defined]
    assert _arrangement(web, gid) == seats

    # Swap two people instead: valid, saved in one go, the page shows it.
    swapped = [[list(t) for t in rnd] for rnd in rounds]
    a, b = swapped[0][0][0], swapped[0][1][0]
    swapped[0][0][0], swapped[0][1][0] = b, a
    r = _post_json(web, f"/gatherings/{gid}/rescore", {"rounds": swapped})
    assert r.json()["problems"] == []  # type: ignore[attr-defined]
    r = _post_json(web, f"/gatherings/{gid}/seating", {"rounds": swapped})
    assert r.status_code == 200 and r.json()["saved"] == 12  # type: ignore[attr-defined]
    assert _arrangement(web, gid) == swapped
    assert "Seating saved: 12 seats" in web.client.get(f"/gatherings/{gid}").text

    # Place cards and table lists, CSV and the HTML export.
    cards = web.client.get(f"/gatherings/{gid}/cards")
    assert cards.status_code == 200 and cards.text.count('class="place-card"') == 6
    assert "round 1: table" in cards.text and "Table 2" in cards.text
    csv = web.client.get(f"/gatherings/{gid}/seating.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "round,table,seat,person_id,name"
    assert len(csv.text.splitlines()) == 13
    html = web.client.get(f"/gatherings/{gid}/seating.html")
    assert "attachment" in html.headers["content-disposition"] and "Place cards" in html.text

    # Attendance, then close: one encounter, the pairs who met, follow-ups.
    for name in NAMES[:5]:
        web.form(f"/gatherings/{gid}/rsvp", {"person_id": ids[name], "status": "attended"})
    web.form(f"/gatherings/{gid}/rsvp", {"person_id": ids["Flo Gray"], "status": "no_show"})
    page = web.client.get(f"/gatherings/{gid}").text
    assert 'data-confirm="Log Mid-week supper?' in page
    encounters = count_rows(web.ledger, "encounters")
    r = web.form(f"/gatherings/{gid}/close", {"minutes": "120"})
    assert r.status_code == 303
    assert count_rows(web.ledger, "encounters") == encounters + 1
    page = web.client.get(f"/gatherings/{gid}").text
    assert "Logged: one in-person encounter with 5 who attended" in page
    assert "5 follow-ups on the agenda" in page
    assert page.count("Follow up with someone new from Mid-week supper") == 5
    assert "logged" in web.client.get("/gatherings").text
    # Closed: no second close, no more RSVPs.
    rows = _rows(web)
    assert web.form(f"/gatherings/{gid}/close").status_code == 400
    r = web.form(f"/gatherings/{gid}/rsvp", {"person_id": ids["Ana Silva"], "status": "invited"})
    assert r.status_code == 400 and "closed" in r.text
    assert _rows(web) == rows


def test_invite_from_the_suggestions(web: Web) -> None:
    ids = _people(web, NAMES[:3])
    for pid in ids.values():
        for day in range(1, 30, 3):
            web.ledger.log("Coffee", with_=[pid], when=f"2026-0{1 + day % 8}-{day:02d}")
    gid = _new(web, capacity="4")
    page = web.client.get(f"/gatherings/{gid}?suggest=1").text
    assert "Invite from the suggestions" in page
    picks = web.ledger.suggest_guests(gid).picks
    assert picks, "the ledger should suggest someone"
    for p in picks:
        assert f'name="person" value="{p.id}"' in page
        assert p.reason.replace("'", "&#39;") in page
    r = web.form(f"/gatherings/{gid}/invite", {"person": [p.id for p in picks[:2]]})
    assert r.status_code == 303
    invited = {g.person_id for g in web.ledger.gathering_view(gid).guests}
    assert invited == {int(str(p.id)) for p in picks[:2]}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"tables": "2, 2"}, "6 guests, 4 seats"),
        ({"tables": "1, 6"}, "table size must be a whole number &gt;= 2"),
        ({"tables": "three"}, "tables: sizes separated by commas"),
        (
            {"together": "Ana Silva, Bo Chen", "apart": "Ana Silva, Bo Chen"},
            "the seating rules cannot all hold: together(",
        ),
        ({"together": "Ana Silva, Nobody Atall"}, "Nobody Atall"),
        ({"apart": "Ana Silva"}, "apart: one pair a line"),
    ],
)
def test_bad_plans_are_refused_at_once_and_write_nothing(
    web: Web, fields: dict[str, str], message: str
) -> None:
    gid, _ids = _confirmed(web)
    rows = _rows(web)
    r = web.form(f"/gatherings/{gid}/plan", {"tables": "3, 3", "rounds": "1", **fields})
    assert r.status_code in (400, 404), r.text
    assert message in r.text
    assert "Traceback" not in r.text
    assert _rows(web) == rows
    assert not web.app.state.jobs._jobs  # no job was started


def test_planning_a_past_gathering_is_refused(web: Web) -> None:
    _people(web, NAMES[:2])
    gid = _new(web, on="2026-11-01")
    web.form(f"/gatherings/{gid}/invite", {"names": "Ana Silva, Bo Chen"})
    rows = _rows(web)
    r = web.form(f"/gatherings/{gid}/plan", {"tables": "2"})
    assert r.status_code == 400
    assert "was on 2026-11-01: a seating plan is for a gathering to come" in r.text
    assert _rows(web) == rows
    # Nothing to plan on a past gathering's page, but it can be closed.
    page = web.client.get(f"/gatherings/{gid}").text
    assert 'action="/gatherings/' + str(gid) + '/plan"' not in page
    assert f'action="/gatherings/{gid}/close"' in page


def test_other_bad_input_is_a_clear_message(web: Web) -> None:
    rows = _rows(web)
    r = web.form("/gatherings", {"name": "Supper", "on": "someday soon"})
    assert r.status_code == 400 and "Traceback" not in r.text
    r = web.form("/gatherings", {"name": "Supper", "on": TODAY, "capacity": "lots"})
    assert r.status_code == 400 and "capacity must be a whole number" in r.text
    assert _rows(web) == rows
    gid = _new(web)
    rows = _rows(web)
    r = web.form(f"/gatherings/{gid}/invite", {"names": "Nobody Atall"})
    assert r.status_code == 404 and "Nobody Atall" in r.text
    r = web.form(f"/gatherings/{gid}/invite", {"names": ""})
    assert r.status_code == 400 and "name at least one person" in r.text
    assert web.client.get("/gatherings/9999").status_code == 404
    r = web.form(f"/gatherings/{gid}/close")
    assert r.status_code == 400 and "nobody is marked as attended" in r.text
    a, b = _people(web, ["Ana Silva", "Bo Chen"]).values()
    rows = _rows(web)
    r = _post_json(web, f"/gatherings/{gid}/rescore", {"rounds": [[[a, b], [b]]]})
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert "sits twice" in r.json()["detail"]  # type: ignore[attr-defined]
    r = _post_json(web, f"/gatherings/{gid}/rescore", {"rounds": "not a list"})
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert r.json()["detail"].startswith("rounds: ")  # type: ignore[attr-defined]
    assert _rows(web) == rows


def test_user_text_is_escaped_everywhere(web: Web) -> None:
    names = [f"Ana {XSS}", f"Bo {XSS2}", "Cy Diaz", "Di Evans"]
    ids = _people(web, names)
    gid = _new(web, name=f"Supper {XSS}", venue=XSS2, series=f"Club {XSS2}")
    for pid in ids.values():
        web.form(f"/gatherings/{gid}/invite", {"person": pid})
        web.form(f"/gatherings/{gid}/rsvp", {"person_id": pid, "status": "confirmed"})
    page = _plan(web, gid, tables="2, 2", rounds="1")
    pages = [
        web.client.get("/gatherings").text,
        page,
        web.client.get(f"/gatherings/{gid}/cards").text,
        web.client.get(f"/gatherings/{gid}/seating.html").text,
    ]
    for text in pages:
        assert "<script>alert(1)</script>" not in text
        assert "<img src=x" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    r = _post_json(web, f"/gatherings/{gid}/rescore", {"rounds": _arrangement(web, gid)})
    assert r.headers["content-type"] == "application/json"  # type: ignore[attr-defined]


def test_pages_need_a_login_and_forms_need_the_csrf_token(web: Web) -> None:
    gid, ids = _confirmed(web, NAMES[:2])
    anon = web.anon()
    for url in ("/gatherings", f"/gatherings/{gid}", f"/gatherings/{gid}/cards"):
        r = anon.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = anon.get(f"/gatherings/{gid}/seating.csv", follow_redirects=False)
    assert r.status_code == 303
    rows = _rows(web)
    bad = {"csrf": "forged"}
    assert web.form("/gatherings", {"name": "X", "on": TODAY, **bad}).status_code == 403
    r = web.form(
        f"/gatherings/{gid}/rsvp", {"person_id": ids["Ana Silva"], "status": "attended", **bad}
    )
    assert r.status_code == 403
    assert web.form(f"/gatherings/{gid}/plan", {"tables": "2", **bad}).status_code == 403
    assert web.form(f"/gatherings/{gid}/close", bad).status_code == 403
    r = web.client.post(f"/gatherings/{gid}/seating", json={"rounds": [[[1, 2]]]})
    assert r.status_code == 403
    r = web.client.post(
        f"/gatherings/{gid}/rescore", json={"rounds": [[[1, 2]]]}, headers={"X-CSRF-Token": "x"}
    )
    assert r.status_code == 403
    r = anon.post(f"/gatherings/{gid}/close", follow_redirects=False)
    assert r.status_code in (303, 403)
    assert _rows(web) == rows
