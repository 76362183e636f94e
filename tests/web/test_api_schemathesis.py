"""Schemathesis against the API's own OpenAPI schema: no server errors on fuzzed input.

Every operation under /api/v1 gets valid (positive) and invalid (negative)
requests drawn from its schema, with a valid API token, and every response must
not be a 5xx (the ``not_a_server_error`` check). Hypothesis is derandomised and
the examples per operation bounded, so the run is the same on every machine.

It runs on both backends (about a minute each): PostgreSQL found what SQLite
could not, an id beyond its 32-bit integers.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from web_helpers import Web

from dunbar import Ledger

EXAMPLES = 20


def _seed(ledger: Ledger) -> None:
    """A few people, encounters, a gathering: so that small ids lead somewhere."""
    ana = ledger.add_person("Ana Silva", emails=["ana@example.com"], topics=["rust"])
    bob = ledger.add_person("Bob Stone", organisation="Acme")
    start = ledger.now() - dt.timedelta(days=200)
    for week in range(8):
        ledger.log("Coffee", with_=[ana.id], when=start + dt.timedelta(days=7 * week))
    ledger.log("Lunch", with_=[ana.id, bob.id])
    ledger.know(ana.id, bob.id, strength=0.7)
    ledger.add_note("Likes rust", about=ana.id)
    ledger.add_favour("me", bob.id, "a review")
    ledger.add_introduction(ana.id, bob.id)
    g = ledger.add_gathering("Supper", on="2026-12-05")
    ledger.invite(g.id, [ana.id, bob.id])


def _operations(web: Web) -> list[object]:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", web.app).include(
        path_regex="^/api/v1/"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    return operations


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors_on_fuzzed_requests(web: Web, mode: GenerationMode) -> None:
    _seed(web.ledger)
    # An unmatched topic loads the semantic model (when installed) on first use, which
    # takes longer than a request may: load it before the clock starts.
    web.api.get("/api/v1/who-knows", params={"topic": "zzzz qqqq"})
    auth = {"Authorization": f"Bearer {web.token}"}
    for operation in _operations(web):
        strategy = operation.as_strategy(generation_mode=mode)  # type: ignore[attr-defined]

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def fuzz(case: schemathesis.Case) -> None:
            response = case.call(headers=auth, timeout=60)
            case.validate_response(response, checks=[not_a_server_error])

        fuzz()


def test_the_fuzzer_reaches_the_handlers(web: Web) -> None:
    """A valid token gets past authentication: fuzzed requests are not all 401s."""
    statuses: set[int] = set()
    auth = {"Authorization": f"Bearer {web.token}"}
    operation = next(
        o
        for o in _operations(web)
        if o.path == "/api/v1/people" and o.method.upper() == "GET"  # type: ignore[attr-defined]
    )

    @settings(max_examples=10, derandomize=True, deadline=None, database=None)
    @given(case=operation.as_strategy())  # type: ignore[attr-defined]
    def probe(case: schemathesis.Case) -> None:
        statuses.add(case.call(headers=auth).status_code)

    probe()
    assert 200 in statuses and 401 not in statuses
