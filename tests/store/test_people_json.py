"""``people_json`` (JSON made by the database) says exactly what ``people`` says.

The reference is the ordinary path: ``to_jsonable(ledger.people(...))``, the
dataclasses the rest of dunbar uses. Both backends, with the filters, paging,
people never seen, timestamps with and without microseconds, and non-ASCII text.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from dunbar import Ledger
from dunbar.cli.render import to_jsonable

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def crowd(ledger: Ledger) -> Ledger:
    ana = ledger.add_person(
        "Ana María Silva",
        emails=["b@x.example", "a@x.example"],
        organisation="Acme",
        tags=["zeta", "Alpha"],
    ).id
    bo = ledger.add_person("Bo Chen", title="CFO", tags=["friend"], topics=["rust"]).id
    ledger.add_person('Zoë Núñez "Z" \\ Tab\t', organisation="Ñandú Ltd")
    ledger.add_person("Never Seen")
    ledger.log("a", with_=[ana], when="2026-11-01T09:30:00+00:00")  # no microseconds
    ledger.log("b", with_=[ana, bo], when="2026-10-01T09:30:00.123456+02:00")
    ledger.log("c", with_=[bo], when="2025-01-01T00:00:00.000001+00:00")
    return ledger


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"include_me": True},
        {"tags": ["friend"]},
        {"topics": ["rust"]},
        {"organisation": "acme"},
        {"not_seen_since": "2026-01-01"},
        {"limit": 2, "offset": 1},
        {"limit": 0},
        {"text": "núñez"},
        {"text": "x.example"},
    ],
    ids=lambda f: ",".join(f) or "everyone",
)
def test_people_json_matches_people(crowd: Ledger, filters: dict[str, Any]) -> None:
    args = dict(filters)
    text = args.pop("text", None)
    expected = to_jsonable(crowd.people(text, **args))
    got = json.loads(crowd.people_json(text, **args))
    assert got == expected
    if not filters:
        assert len(got) == 4 and {p["name"] for p in got} >= {"Never Seen"}


def test_people_json_refuses_what_people_refuses(crowd: Ledger) -> None:
    from dunbar.errors import ValidationError

    with pytest.raises(ValidationError):
        crowd.people_json(limit=-1)
    with pytest.raises(ValidationError):
        crowd.people_json(not_seen_since="not a date")
