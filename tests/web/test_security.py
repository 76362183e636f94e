"""The web app's locks: login, sessions, CSRF, rate limit, headers (issue 7, Security)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_helpers import BASE, PASSWORD, Web, count_rows, csrf_of, login

from dunbar.web import WebSettings, create_app
from dunbar.web.app import SESSION_COOKIE


def test_pages_need_a_login(web: Web) -> None:
    anon = web.anon()
    for path in ("/", "/people", "/network", "/gatherings", "/import", "/settings", "/people/1"):
        r = anon.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login?next="), path


def test_api_needs_a_token(web: Web) -> None:
    anon = web.anon()
    r = anon.get("/api/v1/people")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    r = anon.get("/api/v1/people", headers={"Authorization": "Bearer dbr_not-a-token"})
    assert r.status_code == 401
    # A session cookie is no API credential.
    r = web.client.get("/api/v1/people")
    assert r.status_code == 401


def test_wrong_password_is_refused_and_right_one_logs_in(web: Web) -> None:
    anon = web.anon()
    r = login(anon, "not the password")
    assert r.status_code == 401
    assert "That is not the password." in r.text
    assert anon.get("/", follow_redirects=False).status_code == 303
    r = login(anon)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert anon.get("/", follow_redirects=False).status_code == 200


def test_login_is_rate_limited(web: Web) -> None:
    anon = web.anon()
    for _ in range(5):
        assert login(anon, "wrong password").status_code == 401
    r = login(anon, "wrong password")
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    # Even the right password waits out the window: the limit is per address.
    r = login(anon)
    assert r.status_code == 429


def test_login_without_csrf_is_refused(web: Web) -> None:
    anon = web.anon()
    anon.get("/login")
    r = anon.post("/login", data={"password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403


def test_state_changing_forms_need_the_csrf_token(web: Web) -> None:
    ana = web.ledger.add_person("Ana Silva")
    before = count_rows(web.ledger, "encounters")
    r = web.client.post(
        "/agenda/log", data={"person_id": ana.id, "channel": "call"}, follow_redirects=False
    )
    assert r.status_code == 403
    r = web.client.post(
        "/agenda/log",
        data={"person_id": ana.id, "channel": "call", "csrf": "forged"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    r = web.client.post(
        "/agenda/log", data={"person_id": ana.id}, headers={"X-CSRF-Token": "forged"}
    )
    assert r.status_code == 403
    assert count_rows(web.ledger, "encounters") == before
    r = web.form("/agenda/log", {"person_id": ana.id, "channel": "call"})
    assert r.status_code == 303
    assert count_rows(web.ledger, "encounters") == before + 1


def test_cookie_is_secure_httponly_samesite(web: Web) -> None:
    anon = web.anon()
    r = anon.get("/login")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(SESSION_COOKIE + "=")
    lowered = cookie.lower()
    assert "httponly" in lowered and "secure" in lowered and "samesite=strict" in lowered


def test_security_headers_on_every_response(web: Web) -> None:
    for r in (web.client.get("/"), web.anon().get("/login"), web.api.get("/api/v1/people")):
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        # The app's own time, and nothing else about what it did.
        name, dur = r.headers["server-timing"].split(";dur=")
        assert name == "app" and float(dur) >= 0
    assert web.client.get("/").headers["cache-control"] == "no-store"


def test_no_inline_script_or_style_in_pages(web: Web) -> None:
    html = web.client.get("/").text + web.anon().get("/login").text
    assert "<script>" not in html and "style=" not in html and "onclick" not in html.lower()


def test_logout_ends_the_session(web: Web) -> None:
    r = web.form("/logout")
    assert r.status_code == 303
    assert web.client.get("/", follow_redirects=False).status_code == 303


def test_new_password_ends_other_sessions(web: Web) -> None:
    web.ledger.set_web_password("another secret")
    assert web.client.get("/", follow_redirects=False).status_code == 303
    anon = web.anon()
    assert login(anon).status_code == 401
    assert login(anon, "another secret").status_code == 303


def test_login_never_redirects_off_site(web: Web) -> None:
    anon = web.anon()
    page = anon.get("/login")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        r = anon.post(
            "/login",
            data={"password": PASSWORD, "csrf": csrf_of(page.text), "next": target},
            follow_redirects=False,
        )
        assert r.headers["location"] == "/"
        anon = web.anon()
        page = anon.get("/login")


def test_app_refuses_to_start_without_a_password(ledger, db_target: str) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from dunbar.errors import UsageError

    with pytest.raises(UsageError, match="no web password"):
        create_app(WebSettings(database=db_target), ledger=ledger)


def test_unknown_page_is_a_404_page_not_a_traceback(web: Web) -> None:
    r = web.client.get("/no/such/page")
    assert r.status_code == 404
    assert "Traceback" not in r.text and "There is no such page." in r.text


def test_cookies_are_not_sent_over_plain_http(web: Web) -> None:
    plain = TestClient(web.app, base_url=BASE.replace("https", "http"))
    login(plain)
    # The Secure cookie is kept by the client but never sent over http: still locked.
    assert plain.get("/", follow_redirects=False).status_code == 303
