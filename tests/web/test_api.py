"""The JSON API under /api/v1: every endpoint's happy path and a failure of each.

Each failure is checked to write nothing (``count_rows`` before and after).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from web_helpers import Web, count_rows

API = "/api/v1"


def _ana(web: Web, **extra: Any) -> int:
    r = web.api.post(f"{API}/people", json={"name": "Ana Silva", **extra})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _fading(web: Web) -> int:
    """Ana was seen weekly last year, then not for months: on the agenda."""
    ana = web.ledger.add_person("Ana Silva", emails=["ana@example.com"], topics=["rust"])
    start = web.ledger.now() - dt.timedelta(days=300)
    for week in range(20):
        web.ledger.log("Coffee", with_=[ana.id], when=start + dt.timedelta(days=7 * week))
    return ana.id


# --- authentication and the schema -------------------------------------------------------


def test_every_route_needs_a_token(web: Web) -> None:
    anon = web.anon()
    paths = [p for p in web.app.openapi()["paths"] if p.startswith(API) and "{" not in p]
    assert len(paths) >= 10
    for path in paths:
        r = anon.get(path)
        assert r.status_code in (401, 405), path
        if r.status_code == 401:
            assert r.headers["www-authenticate"] == "Bearer"
    r = anon.get(f"{API}/people", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and r.json() == {"detail": "that API token is not valid"}


def test_a_session_cookie_is_not_a_token(web: Web) -> None:
    # The logged-in browser session does not open the API (no CSRF there).
    assert web.client.get(f"{API}/people").status_code == 401
    before = count_rows(web.ledger, "people")
    assert web.client.post(f"{API}/people", json={"name": "Eve"}).status_code == 401
    assert count_rows(web.ledger, "people") == before


def test_openapi_schema_describes_every_route(web: Web) -> None:
    r = web.anon().get(f"{API}/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    # Pages and forms are not part of the API's schema.
    assert all(p.startswith(f"{API}/") for p in schema["paths"]), list(schema["paths"])
    ours = schema["paths"]
    for path, operations in ours.items():
        for method, op in operations.items():
            ok = op["responses"].get("200") or op["responses"].get("201")
            assert ok, (method, path)
            content = ok.get("content", {}).get("application/json", {})
            assert content.get("schema"), (method, path)
            assert op.get("security") or schema.get("security") is None, (method, path)
    for name in ("PersonOut", "ProfileOut", "AgendaOut", "PathsOut", "PlanOut", "ErrorOut"):
        assert name in schema["components"]["schemas"]


# --- people -----------------------------------------------------------------------------------


def test_add_list_show_person(web: Web) -> None:
    ana = _ana(web, emails=["Ana@Example.com"], tags=["climbing"], organisation="Acme")
    web.api.post(f"{API}/people", json={"name": "Bob Stone"})
    r = web.api.get(f"{API}/people", params={"q": "ana"})
    assert r.status_code == 200
    page = r.json()
    assert [p["id"] for p in page["items"]] == [ana]
    assert page["items"][0]["email"] == "ana@example.com"
    assert page["next_offset"] is None
    profile = web.api.get(f"{API}/people/{ana}").json()
    assert profile["person"]["organisation"] == "Acme"
    assert profile["person"]["identities"] == [
        {"kind": "email", "value": "ana@example.com", "label": None}
    ]
    assert profile["person"]["tags"] == ["climbing"]


def test_people_are_paged(web: Web) -> None:
    for i in range(5):
        web.ledger.add_person(f"Person {i}")
    first = web.api.get(f"{API}/people", params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2
    last = web.api.get(f"{API}/people", params={"limit": 2, "offset": 4}).json()
    assert len(last["items"]) == 1 and last["next_offset"] is None
    seen = {p["id"] for p in first["items"]} | {p["id"] for p in last["items"]}
    assert len(seen) == 3
    assert web.api.get(f"{API}/people", params={"limit": 0}).status_code == 422


def test_unknown_person_is_404(web: Web) -> None:
    r = web.api.get(f"{API}/people/99999")
    assert r.status_code == 404 and r.json() == {"detail": "no person with id 99999"}
    assert web.api.get(f"{API}/people/abc").status_code == 422


def test_bad_person_writes_nothing(web: Web) -> None:
    before = count_rows(web.ledger, "people")
    for body in (
        {"name": "Ana", "closeness": 9},
        {"name": "Ana", "first_known": "last spring"},
        {"name": "Ana", "emails": ["not an email"]},
        {"name": ""},
        {"name": "Ana", "unknown_field": 1},
        {"name": "Nul\x00byte"},
    ):
        r = web.api.post(f"{API}/people", json=body)
        assert r.status_code in (400, 422), body
        assert "detail" in r.json()
    assert count_rows(web.ledger, "people") == before


def test_patch_person(web: Web) -> None:
    ana = _ana(web, title="Engineer", custom={"team": "infra"})
    r = web.api.patch(
        f"{API}/people/{ana}",
        json={
            "title": "CTO",
            "add_emails": ["ana@acme.test"],
            "add_tags": ["mentor"],
            "custom": {"team": None, "shoe": "42"},
            "first_known": "2020-01-02",
        },
    )
    assert r.status_code == 200, r.text
    person = r.json()
    assert person["title"] == "CTO" and person["tags"] == ["mentor"]
    assert person["custom"] == {"shoe": "42"}
    assert person["first_known"] == "2020-01-02"
    assert [i["value"] for i in person["identities"]] == ["ana@acme.test"]
    cleared = web.api.patch(f"{API}/people/{ana}", json={"clear": ["title"]}).json()
    assert cleared["title"] is None


def test_bad_patch_writes_nothing(web: Web) -> None:
    ana = _ana(web, title="Engineer")
    before = count_rows(web.ledger, "identities")
    r = web.api.patch(
        f"{API}/people/{ana}", json={"add_emails": ["ok@example.com"], "clear": ["nonsense"]}
    )
    assert r.status_code == 400 and "cannot clear" in r.json()["detail"]
    assert count_rows(web.ledger, "identities") == before
    assert web.ledger.person(ana).title == "Engineer"
    assert web.api.patch(f"{API}/people/9999", json={"title": "x"}).status_code == 404


def test_forget_person(web: Web) -> None:
    ana = _ana(web)
    web.ledger.log("Coffee", with_=[ana])
    r = web.api.delete(f"{API}/people/{ana}")
    assert r.status_code == 200
    assert r.json()["name"] == "Ana Silva" and r.json()["encounters_deleted"] == 1
    assert web.api.get(f"{API}/people/{ana}").status_code == 404
    assert web.api.delete(f"{API}/people/{ana}").status_code == 404


def test_merge_people(web: Web) -> None:
    ana = _ana(web, emails=["ana@example.com"])
    other = web.ledger.add_person("A. Silva", emails=["asilva@example.com"]).id
    r = web.api.post(f"{API}/people/{ana}/merge", json={"other": other})
    assert r.status_code == 200, r.text
    assert sorted(i["value"] for i in r.json()["identities"]) == [
        "ana@example.com",
        "asilva@example.com",
    ]
    assert web.api.get(f"{API}/people/{other}").status_code == 404
    before = count_rows(web.ledger, "people")
    assert web.api.post(f"{API}/people/{ana}/merge", json={"other": 999}).status_code == 404
    assert web.api.post(f"{API}/people/{ana}/merge", json={}).status_code == 422
    assert count_rows(web.ledger, "people") == before


def test_ambiguous_name_is_409(web: Web) -> None:
    ana = _ana(web)
    web.ledger.add_person("Ana Costa")
    web.ledger.add_person("Ana Souza")
    r = web.api.post(f"{API}/people/{ana}/merge", json={"other": "Ana"})
    assert r.status_code == 409 and "#" in r.json()["detail"]


# --- encounters, notes, favours, introductions --------------------------------------------


def test_log_and_list_encounters(web: Web) -> None:
    ana = _ana(web)
    bob = web.ledger.add_person("Bob Stone").id
    r = web.api.post(
        f"{API}/encounters",
        json={"title": "Lunch", "with": [ana, "Bob Stone"], "when": "2026-11-20", "minutes": 60},
    )
    assert r.status_code == 201, r.text
    enc = r.json()
    assert sorted(enc["participants"]) == sorted([ana, bob])
    assert enc["channel"] == "in_person" and enc["minutes"] == 60
    web.ledger.log("Call", with_=[bob], channel="call")
    everyone = web.api.get(f"{API}/encounters").json()
    assert [e["title"] for e in everyone["items"]] == ["Call", "Lunch"]
    only_ana = web.api.get(f"{API}/encounters", params={"person": ana}).json()
    assert [e["title"] for e in only_ana["items"]] == ["Lunch"]
    paged = web.api.get(f"{API}/encounters", params={"limit": 1}).json()
    assert len(paged["items"]) == 1 and paged["next_offset"] == 1


def test_bad_encounters_write_nothing(web: Web) -> None:
    ana = _ana(web)
    before = count_rows(web.ledger, "encounters")
    for body, status in (
        ({"with": [ana], "when": "not a date"}, 400),
        ({"with": [ana], "channel": "telepathy"}, 400),
        ({"with": [ana, 99999]}, 404),
        ({"with": []}, 422),
        ({"with": [ana], "minutes": -5}, 422),
        ({"title": "no one"}, 422),
    ):
        r = web.api.post(f"{API}/encounters", json=body)
        assert r.status_code == status, (body, r.text)
    assert count_rows(web.ledger, "encounters") == before
    assert web.api.get(f"{API}/encounters", params={"person": 99999}).status_code == 404


def test_notes(web: Web) -> None:
    ana = _ana(web)
    r = web.api.post(f"{API}/notes", json={"body": "Likes <b>rust</b>", "about": ana})
    assert r.status_code == 201 and r.json()["person_id"] == ana
    listed = web.api.get(f"{API}/notes", params={"person": ana}).json()
    assert [n["body"] for n in listed] == ["Likes <b>rust</b>"]
    before = count_rows(web.ledger, "notes")
    assert web.api.post(f"{API}/notes", json={"body": "x", "about": 9999}).status_code == 404
    assert web.api.post(f"{API}/notes", json={"body": "x", "when": "soon"}).status_code == 400
    assert web.api.post(f"{API}/notes", json={"body": ""}).status_code == 422
    assert count_rows(web.ledger, "notes") == before
    assert web.api.get(f"{API}/notes").status_code == 422


def test_favours(web: Web) -> None:
    ana = _ana(web)
    r = web.api.post(
        f"{API}/favours",
        json={"receiver": ana, "what": "reviewed the deck", "status": "promised"},
    )
    assert r.status_code == 201, r.text
    fid = r.json()["id"]
    assert r.json()["giver_id"] == web.ledger.me().id
    listed = web.api.get(f"{API}/favours", params={"person": ana}).json()
    assert [f["id"] for f in listed] == [fid]
    r = web.api.patch(f"{API}/favours/{fid}", json={"status": "done"})
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert web.api.patch(f"{API}/favours/{fid}", json={"status": "maybe"}).status_code == 400
    assert web.api.patch(f"{API}/favours/9999", json={"status": "done"}).status_code == 404
    before = count_rows(web.ledger, "favours")
    r = web.api.post(f"{API}/favours", json={"receiver": ana, "what": "x", "on": "2999-01-01"})
    assert r.status_code == 400 and "future" in r.json()["detail"]
    assert count_rows(web.ledger, "favours") == before


def test_introductions(web: Web) -> None:
    ana = _ana(web)
    bob = web.ledger.add_person("Bob Stone").id
    r = web.api.post(f"{API}/introductions", json={"a": ana, "b": bob, "reason": "both climb"})
    assert r.status_code == 201, r.text
    iid = r.json()["id"]
    assert r.json()["outcome"] == "pending"
    listed = web.api.get(f"{API}/introductions", params={"person": bob}).json()
    assert [i["id"] for i in listed] == [iid]
    r = web.api.patch(f"{API}/introductions/{iid}", json={"outcome": "worked-together"})
    assert r.status_code == 200 and r.json()["outcome"] == "worked_together"
    assert web.api.patch(f"{API}/introductions/{iid}", json={"outcome": "?"}).status_code == 400
    assert web.api.patch(f"{API}/introductions/999", json={"outcome": "met"}).status_code == 404
    before = count_rows(web.ledger, "introductions")
    assert web.api.post(f"{API}/introductions", json={"a": ana, "b": 999}).status_code == 404
    assert count_rows(web.ledger, "introductions") == before


# --- agenda and strength ----------------------------------------------------------------------


def test_agenda_with_reasons(web: Web) -> None:
    ana = _fading(web)
    r = web.api.get(f"{API}/agenda")
    assert r.status_code == 200
    agenda = r.json()
    fading = agenda["sections"]["fading"]
    item = next(i for i in fading if i["person_id"] == ana)
    assert item["reason"] and item["suggestion"]
    only = web.api.get(f"{API}/agenda", params={"section": "fading"}).json()
    assert list(only["sections"]) == ["fading"]
    assert web.api.get(f"{API}/agenda", params={"section": "nope"}).status_code == 422


def test_agenda_done_and_snooze(web: Web) -> None:
    ana = _fading(web)
    r = web.api.post(f"{API}/agenda/{ana}/snooze", json={"days": 7, "kind": "fading"})
    assert r.status_code == 200 and r.json()["kind"] == "fading"
    assert not any(
        i["person_id"] == ana for i in web.api.get(f"{API}/agenda").json()["sections"]["fading"]
    )
    r = web.api.post(f"{API}/agenda/{ana}/done")
    assert r.status_code == 200 and r.json()["person_id"] == ana
    before = count_rows(web.ledger, "agenda_marks")
    assert web.api.post(f"{API}/agenda/{ana}/snooze", json={"days": 0}).status_code == 422
    assert web.api.post(f"{API}/agenda/{ana}/done", json={"kind": "nope"}).status_code == 400
    assert web.api.post(f"{API}/agenda/99999/done").status_code == 404
    me = web.ledger.me().id
    assert web.api.post(f"{API}/agenda/{me}/snooze").status_code == 400
    assert count_rows(web.ledger, "agenda_marks") == before


def test_strength_and_circles(web: Web) -> None:
    ana = _fading(web)
    r = web.api.get(f"{API}/people/{ana}/strength")
    assert r.status_code == 200, r.text
    tie = r.json()
    assert 0 < tie["score"] <= 1
    assert set(tie["parts"]) <= set(tie["weights"]) and tie["parts"]
    assert tie["explanation"] and all(isinstance(s, str) for s in tie["explanation"])
    assert web.api.get(f"{API}/people/99999/strength").status_code == 404
    me = web.ledger.me().id
    assert web.api.get(f"{API}/people/{me}/strength").status_code == 400
    circles = web.api.get(f"{API}/circles").json()
    members = [m["person_id"] for layer in circles["layers"] for m in layer["members"]]
    assert ana in members


# --- paths and who knows ----------------------------------------------------------------------


def test_paths_and_who_knows(web: Web) -> None:
    ana = _fading(web)
    cleo = web.ledger.add_person("Cleo Park", organisation="Globex", topics=["rust"]).id
    web.ledger.know(ana, cleo, strength=0.8)
    r = web.api.get(f"{API}/paths", params={"target": "Cleo Park"})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["target"]["people"] == [cleo]
    best = report["paths"][0]
    assert best["nodes"][-1] == cleo and len(best["hops"]) == 2
    assert best["hops"][1]["evidence"] and best["explain"]
    r = web.api.get(f"{API}/who-knows", params={"topic": "rust"})
    assert r.status_code == 200
    found = {e["person_id"] for e in r.json()["entries"]}
    assert {ana, cleo} <= found
    assert web.api.get(f"{API}/paths", params={"target": "Nobody Atall"}).status_code == 404
    assert web.api.get(f"{API}/paths").status_code == 422
    assert web.api.get(f"{API}/paths", params={"target": "x", "kind": "planet"}).status_code == 422


# --- gatherings --------------------------------------------------------------------------------


def _gathering(web: Web) -> int:
    r = web.api.post(f"{API}/gatherings", json={"name": "Supper", "on": "2026-12-01"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_gathering_lifecycle(web: Web) -> None:
    gid = _gathering(web)
    guests = [web.ledger.add_person(f"Guest {i}").id for i in range(6)]
    assert [g["gathering"]["id"] for g in web.api.get(f"{API}/gatherings").json()] == [gid]
    r = web.api.post(f"{API}/gatherings/{gid}/invite", json={"people": guests})
    assert r.status_code == 200 and len(r.json()) == 6
    for pid in guests:
        r = web.api.post(
            f"{API}/gatherings/{gid}/rsvp", json={"person": pid, "status": "confirmed"}
        )
        assert r.status_code == 200 and r.json()["status"] == "confirmed"
    r = web.api.post(
        f"{API}/gatherings/{gid}/plan", json={"tables": [3, 3], "rounds": 2, "time_limit": 1}
    )
    assert r.status_code == 200, r.text
    plan = r.json()
    assert len(plan["tables"]) == 4 and all(t["why"] for t in plan["tables"])
    assert plan["objective"]["new_pairs"] > 0 and plan["objective_explained"]
    assert plan["bounds"]["best"] >= 0 and plan["bounds_explained"]
    assert plan["saved"] is True
    view = web.api.get(f"{API}/gatherings/{gid}").json()
    assert len(view["guests"]) == 6 and len(view["tables"]) == 4
    for pid in guests:
        web.api.post(f"{API}/gatherings/{gid}/rsvp", json={"person": pid, "status": "attended"})
    web.ledger._clock = lambda: dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)  # type: ignore[method-assign]
    r = web.api.post(f"{API}/gatherings/{gid}/close", json={"minutes": 120})
    assert r.status_code == 200, r.text
    assert r.json()["attended"] == 6 and r.json()["pairs_met"] > 0
    assert web.api.get(f"{API}/gatherings/{gid}").json()["closed"] is True


def test_gathering_failures_write_nothing(web: Web) -> None:
    before = count_rows(web.ledger, "gatherings")
    r = web.api.post(f"{API}/gatherings", json={"name": "Supper", "on": "someday"})
    assert r.status_code == 400
    r = web.api.post(
        f"{API}/gatherings", json={"name": "Supper", "on": "2026-12-01", "kind": "rave"}
    )
    assert r.status_code == 400
    assert count_rows(web.ledger, "gatherings") == before
    assert web.api.get(f"{API}/gatherings/999").status_code == 404
    gid = _gathering(web)
    attendance = count_rows(web.ledger, "attendance")
    ana = web.ledger.add_person("Ana").id
    r = web.api.post(f"{API}/gatherings/{gid}/invite", json={"people": [ana, 9999]})
    assert r.status_code == 404
    assert count_rows(web.ledger, "attendance") == attendance
    r = web.api.post(f"{API}/gatherings/{gid}/rsvp", json={"person": ana, "status": "maybe"})
    assert r.status_code == 400
    r = web.api.post(f"{API}/gatherings/{gid}/plan", json={"tables": [4]})
    assert r.status_code == 400  # nobody confirmed
    assert web.api.post(f"{API}/gatherings/{gid}/plan", json={"tables": []}).status_code == 422
    assert web.api.post(f"{API}/gatherings/{gid}/close").status_code == 400
    assert count_rows(web.ledger, "encounters") == 0


# --- import -------------------------------------------------------------------------------------

VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Scully\r\nEMAIL:dana@fbi.example\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Fox Mulder\r\nEMAIL:fox@fbi.example\r\nEND:VCARD\r\n"
)


def test_import_dry_run_then_real(web: Web) -> None:
    before = count_rows(web.ledger, "people")
    files = {"file": ("contacts.vcf", VCARD.encode(), "text/vcard")}
    r = web.api.post(f"{API}/imports", files=files, data={"dry_run": "true"})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["dry_run"] is True
    assert report["files"][0]["file"] == "contacts.vcf"
    assert report["files"][0]["created"] == 2
    assert "dunbar-upload-" not in r.text
    assert count_rows(web.ledger, "people") == before
    r = web.api.post(f"{API}/imports", files=files)
    assert r.status_code == 200 and r.json()["files"][0]["created"] == 2
    assert count_rows(web.ledger, "people") == before + 2
    again = web.api.post(f"{API}/imports", files=files).json()
    assert again["files"][0]["created"] == 0


@pytest.mark.parametrize("name", ["../evil.vcf", "a/b.vcf", "..\\x.vcf", ".hidden", ".."])
def test_import_refuses_paths_in_names(web: Web, name: str) -> None:
    before = count_rows(web.ledger, "people")
    r = web.api.post(f"{API}/imports", files={"file": (name, VCARD.encode(), "text/vcard")})
    assert r.status_code in (400, 422), r.text
    assert count_rows(web.ledger, "people") == before


def test_import_size_limit_and_bad_format(web: Web) -> None:
    from dataclasses import replace

    before = count_rows(web.ledger, "people")
    web.app.state.settings = replace(web.app.state.settings, max_upload_bytes=100)
    big = {"file": ("contacts.vcf", VCARD.encode() * 10, "text/vcard")}
    r = web.api.post(f"{API}/imports", files=big)
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    web.app.state.settings = replace(web.app.state.settings, max_upload_bytes=1 << 20)
    r = web.api.post(
        f"{API}/imports",
        files={"file": ("x.vcf", b"BEGIN:VCARD\r\nnonsense", "text/vcard")},
        data={"format": "vcard"},
    )
    assert r.status_code in (200, 400)
    r = web.api.post(
        f"{API}/imports", files={"file": ("x.bin", b"\x00\x01\x02", "application/octet-stream")}
    )
    assert r.status_code == 400, r.text
    assert web.api.post(f"{API}/imports").status_code == 422
    assert count_rows(web.ledger, "people") == before
