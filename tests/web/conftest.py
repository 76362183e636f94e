"""Fixtures of the web tests: see web_helpers.py for what they give."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_helpers import BASE, PASSWORD, Web, csrf_of, login

from dunbar import Ledger
from dunbar.web import WebSettings, create_app


@pytest.fixture
def web(ledger: Ledger, db_target: str) -> Iterator[Web]:
    ledger.set_web_password(PASSWORD)
    token = ledger.create_api_token("tests")
    # The open ledger is shared, so the app runs on its fixed clock.
    app = create_app(WebSettings(database=db_target), ledger=ledger)
    with (
        TestClient(app, base_url=BASE) as client,
        TestClient(app, base_url=BASE, headers={"Authorization": f"Bearer {token}"}) as api,
    ):
        assert login(client).status_code == 303
        yield Web(app, ledger, client, api, token, csrf_of(client.get("/").text))
