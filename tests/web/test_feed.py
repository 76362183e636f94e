"""The agenda feed at a secret URL (issue 4 left it for the web app)."""

from __future__ import annotations

import datetime as dt
import re

from web_helpers import Web


def _feed_url(html: str) -> str:
    found = re.search(r'value="https://testserver(/feed/[^"]+/agenda\.ics)"', html)
    assert found, "no feed address on the page"
    return found.group(1)


def test_feed_is_off_until_made_and_serves_the_agenda(web: Web) -> None:
    ana = web.ledger.add_person("Ana Silva")
    start = web.ledger.now() - dt.timedelta(days=300)
    for week in range(20):
        web.ledger.log("Coffee", with_=[ana.id], when=start + dt.timedelta(days=7 * week))
    assert "The agenda feed is off" in web.client.get("/feed").text
    r = web.form("/feed/new")
    assert r.status_code == 200
    path = _feed_url(r.text)
    feed = web.anon().get(path)  # a calendar app has no session
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in feed.content and b"Ana Silva" in feed.content
    assert "The agenda feed is on" in web.client.get("/feed").text


def test_wrong_or_old_feed_token_is_404(web: Web) -> None:
    first = _feed_url(web.form("/feed/new").text)
    second = _feed_url(web.form("/feed/new").text)
    anon = web.anon()
    assert anon.get(first).status_code == 404
    assert anon.get(second).status_code == 200
    assert anon.get("/feed/guess/agenda.ics").status_code == 404
    assert web.form("/feed/revoke").status_code == 200
    assert anon.get(second).status_code == 404


def test_feed_token_is_stored_hashed(web: Web) -> None:
    path = _feed_url(web.form("/feed/new").text)
    token = path.split("/")[2]
    with web.ledger.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT value FROM settings").fetchall()
    dump = repr(web.ledger.export()) + repr(stored)
    assert token not in dump


def test_making_a_feed_needs_login_and_csrf(web: Web) -> None:
    anon = web.anon()
    assert anon.post("/feed/new", follow_redirects=False).status_code in (303, 403)
    assert web.client.post("/feed/new", data={"csrf": "forged"}).status_code == 403
    assert not web.ledger.has_feed_token()
