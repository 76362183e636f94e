"""Helpers of the web tests (``from web_helpers import ...``); fixtures are in conftest.py.

The web app under test: FastAPI's TestClient over the ``ledger`` fixture.

Fixtures (each runs on SQLite and PostgreSQL, like ``ledger``):

``web``
    A :class:`Web`: the app over ``ledger`` (password ``PASSWORD``, the fixed
    clock), with ``web.client`` logged in. ``web.form(url, data)`` posts a form
    with the session's CSRF token; ``web.anon()`` is a new client without a
    session; ``web.api`` is a client sending a valid API token.

The base URL is ``https://testserver``: session cookies are ``Secure``, and
httpx sends those only over HTTPS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from dunbar import Ledger

PASSWORD = "correct horse battery"
BASE = "https://testserver"
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def login(client: TestClient, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"password": password, "csrf": csrf_of(page.text), "next": "/"},
        follow_redirects=False,
    )


@dataclass
class Web:
    app: FastAPI
    ledger: Ledger
    client: TestClient
    api: TestClient
    token: str

    csrf: str = ""
    """The logged-in session's CSRF token (constant for the session)."""

    def form(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """POST a form as the logged-in user would (with the CSRF token)."""
        fields = dict(data or {})
        fields.setdefault("csrf", self.csrf)
        return self.client.post(url, data=fields, follow_redirects=False, **kwargs)

    def anon(self) -> TestClient:
        return TestClient(self.app, base_url=BASE)


def count_rows(ledger: Ledger, table: str) -> int:
    """How many rows a table of the ledger holds (to check that nothing was written)."""
    from sqlalchemy import func, select

    from dunbar.store import tables

    with ledger.engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(getattr(tables, table))).scalar_one()
        )
