"""The Settings page: strength parameters, calibration, backup and export, password, API tokens."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

from web_helpers import PASSWORD, Web, count_rows, login

from dunbar import Ledger

XSS = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(1)>'
JOB_RE = re.compile(r'data-job="/jobs/([^"]+)"')


def _crowd(web: Web, n: int) -> list[int]:
    """``n`` people with distinct strengths: person k last met k days ago."""
    ids = []
    for k in range(1, n + 1):
        pid = web.ledger.add_person(f"Person {k:03d}").id
        web.ledger.log("met", with_=[pid], when=web.ledger.now() - dt.timedelta(days=k))
        ids.append(pid)
    return ids


def test_settings_page_shows_the_parameters(web: Web) -> None:
    r = web.client.get("/settings")
    assert r.status_code == 200
    params = web.ledger.strength_params()
    assert 'name="weights.closeness" value="0.3"' in r.text
    assert f'name="h_rec" value="{json.dumps(params.h_rec)}"' in r.text
    assert 'name="circle_sizes" value="[5, 15, 50, 150, 500, 1500]"' in r.text
    assert r.headers["cache-control"] == "no-store"


def test_edit_parameters_and_reset(web: Web) -> None:
    r = web.form("/settings/params", {"h_rec": "60", "weights.recency": "0.4", "h_act": "90.0"})
    assert r.status_code == 303
    params = web.ledger.strength_params()
    assert params.h_rec == 60 and params.weights.recency == 0.4 and params.h_act == 90
    page = web.client.get("/settings").text
    assert "Saved: h_rec, weights.recency." in page
    assert 'name="h_rec" value="60.0"' in page
    r = web.form("/settings/params", {"circle_sizes": "[5, 15, 50, 150, 500, 2000]"})
    assert r.status_code == 303
    assert web.ledger.strength_params().circle_sizes[-1] == 2000
    assert web.form("/settings/params/reset").status_code == 303
    assert web.ledger.strength_params().h_rec == 90
    assert "back to their defaults" in web.client.get("/settings").text


def test_bad_parameter_values_are_one_line_and_change_nothing(web: Web) -> None:
    web.ledger.set_strength_params({"h_rec": 45})
    before = web.ledger.strength_params()
    for data in (
        {"h_rec": "-1"},
        {"h_rec": "fast"},
        {"weights.recency": "-0.2"},
        {"channel_weights.call": "1.5"},
        {"dormancy_days": "10"},
        {"circle_sizes": "[5, 15"},
        {"h_rec": "60", "dormant_min_closeness": "9"},  # one bad value: nothing is stored
    ):
        r = web.form("/settings/params", data)
        assert r.status_code == 400, data
        errors = re.findall(r'<p class="error" role="alert">([^<]*)</p>', r.text)
        assert len(errors) == 1 and "\n" not in errors[0], data
        assert "Traceback" not in r.text
    assert web.ledger.strength_params() == before


def test_unknown_fields_are_ignored_and_no_change_says_so(web: Web) -> None:
    before = web.ledger.strength_params()
    r = web.form("/settings/params", {"evil": "1", "weights.nope": "2"})
    assert r.status_code == 303
    assert "No parameter changed." in web.client.get("/settings").text
    assert web.ledger.strength_params() == before


def _calibrate(web: Web, content: bytes, name: str = "ratings.csv", **extra: str) -> str:
    r = web.client.post(
        "/settings/calibrate",
        data={"csrf": web.csrf, **extra},
        files={"ratings": (name, content, "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 200, r.text
    found = JOB_RE.search(r.text)
    assert found
    job = web.app.state.jobs.wait(found.group(1))
    assert job is not None and job.state != "running"
    page = web.client.get(f"/settings/calibration/{job.id}").text
    assert not JOB_RE.search(page)
    return page


def test_calibration_keeps_better_parameters(web: Web) -> None:
    ids = _crowd(web, 30)
    truth_h = 30.0
    rows = "person,rating\n" + "".join(
        f"{pid},{2.0 ** (-k / truth_h):.6f}\n" for k, pid in enumerate(ids, start=1)
    )
    # Report only: nothing is stored.
    before = web.ledger.strength_params()
    page = _calibrate(web, rows.encode(), dry_run="1")
    assert "not stored" in page and 'data-stored="no"' in page
    assert web.ledger.strength_params() == before
    # For real: the fitted parameters are kept.
    page = _calibrate(web, rows.encode())
    assert "New parameters kept" in page and 'data-stored="yes"' in page
    assert "mean absolute error" in page
    assert web.ledger.strength_params().h_rec == truth_h


def test_calibration_that_does_not_fit_better_keeps_the_current(web: Web) -> None:
    ids = _crowd(web, 20)
    board = web.ledger.scoreboard()
    rows = "".join(f"{pid},{board.ties[pid].score or 0.0:.9f}\n" for pid in ids)
    before = web.ledger.strength_params()
    page = _calibrate(web, rows.encode())
    assert "The current parameters stay" in page and 'data-stored="no"' in page
    assert web.ledger.strength_params() == before


def test_bad_ratings_files_are_one_line(web: Web) -> None:
    ids = _crowd(web, 6)
    before = web.ledger.strength_params()
    for content, expect in (
        (f"{ids[0]},1.5\n".encode(), "not between 0 and 1"),
        (b"\xff\xfe\x00bad", "UTF-8"),
        (b"person,rating\n", "no ratings"),
    ):
        r = web.client.post(
            "/settings/calibrate",
            data={"csrf": web.csrf},
            files={"ratings": ("mine.csv", content)},
            follow_redirects=False,
        )
        assert r.status_code == 400 and expect in r.text, (content, r.text[-600:])
        assert "/tmp/" not in r.text and "mine.csv" in r.text
    # Too few ratings: the job fails with the library's message.
    page = _calibrate(web, f"{ids[0]},0.5\n".encode())
    assert "at least 5 ratings" in page and 'class="error"' in page
    r = web.client.post(
        "/settings/calibrate",
        data={"csrf": web.csrf},
        files={"ratings": ("../r.csv", b"1,0.5\n")},
        follow_redirects=False,
    )
    assert r.status_code == 400 and "path traversal in uploads rejected" in r.text
    assert web.ledger.strength_params() == before


def test_calibration_sample_downloads_as_csv(web: Web) -> None:
    _crowd(web, 25)
    r = web.client.get("/settings/calibration-sample.csv")
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith("attachment;")
    lines = r.text.strip().splitlines()
    assert lines[0] == "person,name,rating" and 10 <= len(lines) - 1 <= 25


def test_backup_download_is_a_consistent_sqlite_file(web: Web, tmp_path: Path) -> None:
    web.ledger.add_person(f"Backed Up {XSS}")
    r = web.client.get("/settings/backup")
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith("attachment;")
    assert ".sqlite" in r.headers["content-disposition"]
    path = tmp_path / "copy.sqlite"
    path.write_bytes(r.content)
    assert r.content.startswith(b"SQLite format 3\x00")
    with sqlite3.connect(path) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM people")]
    assert f"Backed Up {XSS}" in names
    with Ledger.open(path) as copy:
        assert copy.count_people() == web.ledger.count_people()


def test_exports_download_as_attachments(web: Web) -> None:
    web.ledger.add_person("Ana Silva", emails=["ana@example.com"])
    r = web.client.get("/settings/export.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.headers["content-disposition"].startswith("attachment;")
    document = r.json()
    assert document["format"] == "dunbar-export"
    assert any(p["name"] == "Ana Silva" for p in document["tables"]["people"])
    # The web secrets stay out of the export.
    assert "argon2" not in r.text and web.token not in r.text
    r = web.client.get("/settings/export.vcf")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/vcard")
    assert r.headers["content-disposition"].startswith("attachment;")
    assert "FN:Ana Silva" in r.text and r.text.count("BEGIN:VCARD") == web.ledger.count_people() - 1


def test_change_password_keeps_this_session_and_ends_others(web: Web) -> None:
    other = web.anon()
    assert login(other).status_code == 303
    assert other.get("/settings", follow_redirects=False).status_code == 200
    new = "a much longer passphrase"
    r = web.form("/settings/password", {"current": PASSWORD, "new": new, "again": new})
    assert r.status_code == 303
    page = web.client.get("/settings", follow_redirects=False)
    assert page.status_code == 200 and "Password changed" in page.text
    r = other.get("/settings", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert web.ledger.check_web_password(new) and not web.ledger.check_web_password(PASSWORD)
    assert login(web.anon(), new).status_code == 303
    assert login(web.anon(), PASSWORD).status_code == 401


def test_password_change_failures_change_nothing(web: Web) -> None:
    for data, expect in (
        (
            {"current": "wrong one!", "new": "another long one", "again": "another long one"},
            "current password",
        ),
        ({"current": PASSWORD, "new": "another long one", "again": "another long two"}, "differ"),
        ({"current": PASSWORD, "new": "short", "again": "short"}, "at least"),
    ):
        r = web.form("/settings/password", data)
        assert r.status_code == 400 and expect in r.text, data
        assert 'class="error"' in r.text
    assert web.ledger.check_web_password(PASSWORD)
    assert web.client.get("/settings", follow_redirects=False).status_code == 200


def test_api_tokens_create_show_once_and_revoke(web: Web) -> None:
    r = web.form("/settings/tokens", {"name": f"script {XSS}"})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    found = re.search(r'class="token-value" readonly value="([^"]+)"', r.text)
    assert found
    token = found.group(1)
    assert web.ledger.check_api_token(token) == f"script {XSS}"
    assert "script &lt;script&gt;alert(1)&lt;/script&gt;" in r.text and XSS not in r.text
    # Shown once: the settings page lists the name and prefix, never the token.
    page = web.client.get("/settings").text
    assert token not in page and token[:8] in page
    api = web.anon()
    assert (
        api.get("/api/v1/people", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )
    r = web.form("/settings/tokens/revoke", {"name": f"script {XSS}"})
    assert r.status_code == 303
    assert (
        api.get("/api/v1/people", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    assert f"script {XSS}" not in [t.name for t in web.ledger.api_tokens()]


def test_token_failures(web: Web) -> None:
    tokens = len(web.ledger.api_tokens())
    r = web.form("/settings/tokens", {"name": "tests"})  # the fixture's token
    assert r.status_code == 400 and "already a token named" in r.text
    r = web.form("/settings/tokens", {"name": "  "})
    assert r.status_code == 400 and "1 to 80 characters" in r.text
    r = web.form("/settings/tokens/revoke", {"name": "nosuch"})
    assert r.status_code == 404 and "no token named" in r.text
    assert len(web.ledger.api_tokens()) == tokens


def test_settings_need_login_and_csrf(web: Web) -> None:
    anon = web.anon()
    for url in (
        "/settings",
        "/settings/backup",
        "/settings/export.json",
        "/settings/export.vcf",
        "/settings/calibration-sample.csv",
    ):
        r = anon.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), url
    tokens = len(web.ledger.api_tokens())
    before = web.ledger.strength_params()
    settings_rows = count_rows(web.ledger, "settings")
    for url, data in (
        ("/settings/params", {"h_rec": "30"}),
        ("/settings/params/reset", {}),
        ("/settings/tokens", {"name": "sneaky"}),
        ("/settings/tokens/revoke", {"name": "tests"}),
        ("/settings/password", {"current": PASSWORD, "new": "x" * 20, "again": "x" * 20}),
    ):
        r = web.client.post(url, data={**data, "csrf": "forged"}, follow_redirects=False)
        assert r.status_code == 403, url
    assert len(web.ledger.api_tokens()) == tokens
    assert web.ledger.strength_params() == before
    assert count_rows(web.ledger, "settings") == settings_rows
    assert web.ledger.check_web_password(PASSWORD)
