"""``dunbar serve``, ``dunbar demo --serve`` and ``dunbar token``, without a real server.

``uvicorn.run`` is replaced by a recorder: the tests check what it would have
served (the app, the address), and log in to that very app with TestClient.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import Cli
from dunbar import Ledger

PASSWORD = "a long enough password"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """What ``uvicorn.run`` was called with (it returns at once)."""
    import uvicorn

    calls: list[dict[str, Any]] = []

    def fake_run(app: Any, **kwargs: Any) -> None:
        calls.append({"app": app, **kwargs})

    monkeypatch.setattr(uvicorn, "run", fake_run)
    # Not a terminal: nobody can be asked for a password.
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.delenv("DUNBAR_PASSWORD_FILE", raising=False)
    yield calls
    # The apps' lifespans never ran: close the ledgers they opened.
    for call in calls:
        call["app"].state.freshness.close()
        call["app"].state.ledger.close()


def _login(app: FastAPI, password: str) -> int:
    with TestClient(app, base_url="https://testserver") as client:
        page = client.get("/login")
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found
        r = client.post(
            "/login",
            data={"password": password, "csrf": found.group(1), "next": "/"},
            follow_redirects=False,
        )
        return r.status_code


def _password_file(tmp_path: Path, text: str = PASSWORD + "\n") -> Path:
    path = tmp_path / "pw.txt"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def test_serve_refuses_without_a_password_on_a_non_tty(
    cli: Cli, served: list[dict[str, Any]], db_target: str
) -> None:
    r = cli("serve")
    assert r.code == 2
    lines = [line for line in r.err.splitlines() if line.strip()]
    assert len(lines) == 1, r.err
    assert "password" in lines[0] and "DUNBAR_PASSWORD_FILE" in lines[0]
    assert "Traceback" not in r.err
    assert served == []
    with Ledger.open(db_target) as ledger:
        assert not ledger.has_web_password()


def test_serve_takes_a_password_file_and_serves_on_loopback(
    cli: Cli, served: list[dict[str, Any]], db_target: str, tmp_path: Path
) -> None:
    r = cli("serve", "--password-file", str(_password_file(tmp_path)), "--port", "9123")
    assert r.code == 0, r.err
    assert len(served) == 1
    call = served[0]
    assert isinstance(call["app"], FastAPI)
    assert call["host"] == "127.0.0.1" and call["port"] == 9123
    assert "http://127.0.0.1:9123/" in r.out
    assert "warning" not in r.err
    with Ledger.open(db_target) as ledger:
        assert ledger.check_web_password(PASSWORD)
    assert _login(call["app"], PASSWORD) == 303
    assert _login(call["app"], "not it at all") == 401


def test_serve_takes_dunbar_password_file_from_the_environment(
    cli: Cli,
    served: list[dict[str, Any]],
    db_target: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DUNBAR_PASSWORD_FILE", str(_password_file(tmp_path)))
    r = cli("serve")
    assert r.code == 0, r.err
    assert len(served) == 1 and served[0]["host"] == "127.0.0.1" and served[0]["port"] == 8765
    with Ledger.open(db_target) as ledger:
        assert ledger.check_web_password(PASSWORD)
    # The same file again is fine; another password is refused (no quiet change).
    assert cli("serve").code == 0
    monkeypatch.setenv("DUNBAR_PASSWORD_FILE", str(_password_file(tmp_path, "something else\n")))
    r = cli("serve")
    assert r.code != 0 and "does not hold this ledger's web password" in r.err
    assert len(served) == 2
    with Ledger.open(db_target) as ledger:
        assert ledger.check_web_password(PASSWORD)


def test_serve_password_file_problems_are_one_line(
    cli: Cli, served: list[dict[str, Any]], tmp_path: Path
) -> None:
    for path in (tmp_path / "missing.txt", _password_file(tmp_path, "")):
        r = cli("serve", "--password-file", str(path))
        assert r.code != 0
        assert len([x for x in r.err.splitlines() if x.strip()]) == 1, r.err
        assert "password file" in r.err
    assert served == []


def test_serve_warns_for_a_non_loopback_host(
    cli: Cli, served: list[dict[str, Any]], tmp_path: Path
) -> None:
    r = cli("serve", "--host", "0.0.0.0", "--password-file", str(_password_file(tmp_path)))
    assert r.code == 0, r.err
    assert "warning: listening on 0.0.0.0" in r.err
    assert served[0]["host"] == "0.0.0.0"
    r = cli("serve", "--host", "localhost", "--password-file", str(_password_file(tmp_path)))
    assert r.code == 0 and "warning" not in r.err
    assert served[1]["host"] == "localhost"


def test_token_create_list_revoke(cli: Cli, db_target: str) -> None:
    r = cli("token", "list")
    assert r.code == 0 and "No API tokens." in r.out
    r = cli("token", "create", "backup-script")
    assert r.code == 0, r.err
    token = r.out.strip()
    assert len(token) >= 20 and "\n" not in token
    assert "not shown again" in r.err
    listed = cli("token", "list", "--json").json()
    assert [t["name"] for t in listed] == ["backup-script"]
    assert token.startswith(listed[0]["prefix"]) and listed[0]["prefix"] != token
    # Only a hash is stored: the token itself is nowhere in the listing.
    assert token not in cli("token", "list").out
    with Ledger.open(db_target) as ledger:
        assert ledger.check_api_token(token) is not None
    r = cli("token", "revoke", "backup-script")
    assert r.code == 0 and "Revoked" in r.out
    assert cli("token", "list", "--json").json() == []
    with Ledger.open(db_target) as ledger:
        assert ledger.check_api_token(token) is None
    r = cli("token", "revoke", "backup-script")
    assert r.code != 0 and "Traceback" not in r.err


def test_demo_serve_sets_a_password_and_serves_the_demo(
    bare_cli: Cli,
    served: list[dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dunbar.demo

    real = dunbar.demo.build_demo

    def quicker(*args: Any, **kwargs: Any) -> Any:  # fewer acquaintance pairs: seconds, not more
        return real(*args, **{**kwargs, "min_acquaintance_minutes": 60})

    monkeypatch.setattr(dunbar.demo, "build_demo", quicker)
    target = tmp_path / "demo.db"
    r = bare_cli("demo", "--path", str(target), "--serve")
    assert r.code == 0, r.err
    found = re.search(r"Open http://127\.0\.0\.1:8765/ and log in with password: (\S+)", r.out)
    assert found, r.out
    password = found.group(1)
    assert len(password) >= 12
    assert len(served) == 1
    assert served[0]["host"] == "127.0.0.1" and served[0]["port"] == 8765
    with Ledger.open(target) as ledger:
        assert ledger.has_web_password() and ledger.check_web_password(password)
        assert ledger.count_people() > 50
    assert _login(served[0]["app"], password) == 303


def test_demo_without_serve_starts_nothing(
    bare_cli: Cli, served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the option's wiring: a refused target stops before any build or server.
    r = bare_cli("demo", "--path", __file__)
    assert r.code != 0 and "exists" in r.err
    assert served == []
