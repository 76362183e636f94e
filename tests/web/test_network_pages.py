"""The Network pages: the map's JSON, intro paths, who knows, insights as a job.

Both backends (the ``web`` fixture). The small network: I see Bob and Carla
(colleagues at Acme) every week; Bob knows Dana (Globex, robotics), whom I do
not know; Eve is known to nobody; a person whose name, organisation and topic
are XSS payloads is among my ties.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import pytest
from web_helpers import Web

XSS = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'
XSS_TOPIC = "<b>quantum</b>"


@dataclass
class Cast:
    me: int
    bob: int
    carla: int
    dana: int
    eve: int
    evil: int


@pytest.fixture
def cast(web: Web) -> Cast:
    ledger = web.ledger
    bob = ledger.add_person("Bob Stone", organisation="Acme", tags=["colleague"]).id
    carla = ledger.add_person("Carla Mendes", organisation="Acme").id
    dana = ledger.add_person(
        "Dana Target", organisation="Globex", title="CTO", topics=["robotics"]
    ).id
    eve = ledger.add_person("Eve Island", organisation="Nowhere Ltd").id
    evil = ledger.add_person(XSS, organisation=XSS_ATTR, topics=[XSS_TOPIC]).id
    now = ledger.now()
    for week in range(12):
        when = now - dt.timedelta(days=2 + 7 * week)
        ledger.log("Standup", with_=[bob, carla], when=when, channel="video")
    for n in range(3):
        ledger.log("Drinks", with_=[evil], when=now - dt.timedelta(days=5 + n))
    ledger.know(bob, dana, strength=0.9)
    ledger.know(evil, carla, strength=0.4)
    return Cast(ledger.person("me").id, bob, carla, dana, eve, evil)


def _no_raw_xss(text: str) -> None:
    assert XSS not in text and XSS_ATTR not in text and XSS_TOPIC not in text


# --- the map ------------------------------------------------------------------------


def test_network_page_loads_the_map_script_and_no_data_inline(web: Web, cast: Cast) -> None:
    r = web.client.get("/network")
    assert r.status_code == 200
    assert '<script src="/static/map.js" defer></script>' in r.text
    assert 'data-src="/network/map.json"' in r.text and 'data-link="/people/{id}"' in r.text
    # No data in the page: no inline script of any kind, no names of the network.
    assert re.search(r"<script(?![^>]*\bsrc=)", r.text) is None
    assert "Dana Target" not in r.text and "alert(1)" not in r.text
    assert 'action="/network/path"' in r.text and 'action="/network/who-knows"' in r.text


def test_map_json_has_nodes_edges_and_clusters(web: Web, cast: Cast) -> None:
    r = web.client.get("/network/map.json")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    data = r.json()
    by_id = {n["id"]: n for n in data["nodes"]}
    assert set(by_id) == {cast.me, cast.bob, cast.carla, cast.dana, cast.eve, cast.evil}
    assert by_id[cast.me]["me"] and by_id[cast.me]["name"] == "You"
    assert by_id[cast.dana]["org"] == "Globex" and by_id[cast.dana]["title"] == "CTO"
    assert by_id[cast.bob]["s"] > 0 and by_id[cast.dana]["s"] is None
    index = {n["id"]: i for i, n in enumerate(data["nodes"])}
    pairs = {frozenset((a, b)) for a, b, _s in data["edges"]}
    assert frozenset((index[cast.bob], index[cast.dana])) in pairs
    assert frozenset((index[cast.me], index[cast.bob])) in pairs
    assert frozenset((index[cast.me], index[cast.dana])) not in pairs
    strength = next(s for a, b, s in data["edges"] if {a, b} == {index[cast.bob], index[cast.dana]})
    assert strength == pytest.approx(0.9)
    # Bob, Carla and Dana (and the payload person, tied to Carla) form a cluster.
    assert by_id[cast.bob]["cluster"] is not None
    assert by_id[cast.bob]["cluster"] == by_id[cast.dana]["cluster"]
    assert by_id[cast.bob]["c"] == by_id[cast.dana]["c"] != "#bab0ac"
    assert any(item["n"] >= 2 and item["c"] == by_id[cast.bob]["c"] for item in data["legend"])
    assert data["shown"] == 6 and data["total"] == 6 and "6 of 6 people" in data["subtitle"]
    # The same data as the facade, from one code path.
    assert data["nodes"] == web.ledger.network_map_data()["nodes"]


def test_map_json_keeps_payloads_as_json_strings(web: Web, cast: Cast) -> None:
    r = web.client.get("/network/map.json")
    evil = next(n for n in r.json()["nodes"] if n["id"] == cast.evil)
    assert evil["name"] == XSS and evil["org"] == XSS_ATTR  # data, drawn on a canvas as text
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["x-content-type-options"] == "nosniff"
    json.loads(r.text)


def test_the_exporter_inlines_the_same_script(web: Web) -> None:
    from dunbar.exporters.network_map import MAP_SCRIPT, map_script

    script = web.client.get("/static/map.js")
    assert script.status_code == 200
    assert script.text == MAP_SCRIPT.read_text(encoding="utf-8") == map_script()
    page = web.ledger.network_map()
    assert map_script() in page and "<script src" not in page


# --- intro paths --------------------------------------------------------------------


def test_path_to_a_person_shows_hops_evidence_and_a_draft(web: Web, cast: Cast) -> None:
    r = web.client.get("/network/path", params={"target": "Dana Target"})
    assert r.status_code == 200
    text = r.text
    assert "Paths to Dana Target" in text
    assert f'<a href="/people/{cast.bob}">Bob Stone</a>' in text
    assert f'<a href="/people/{cast.dana}">Dana Target</a>' in text
    assert "Bob Stone knows Dana Target" in text
    assert "you said they know each other" in text  # the evidence of the Bob–Dana hop
    assert "0.90" in text
    assert "Draft request" in text
    assert "Hi Bob, would you be open to introducing me to Dana Target (CTO at Globex)?" in text
    report = web.ledger.path("Dana Target")
    assert f"{report.paths[0].score:.4f}" in text


def test_path_reason_goes_into_the_draft(web: Web, cast: Cast) -> None:
    r = web.client.get(
        "/network/path", params={"target": "Globex", "kind": "org", "reason": "Robots"}
    )
    assert r.status_code == 200
    assert "Paths to someone at Globex" in r.text and "Robots." in r.text


def test_path_to_a_topic(web: Web, cast: Cast) -> None:
    r = web.client.get("/network/path", params={"target": "robotics", "kind": "topic"})
    assert r.status_code == 200
    assert "Paths to someone who knows about robotics" in r.text
    assert "Dana Target" in r.text


def test_no_path_is_a_message_with_the_nearest_route(web: Web, cast: Cast) -> None:
    r = web.client.get("/network/path", params={"target": "Dana Target", "max_hops": 1})
    assert r.status_code == 200
    assert "no warm path to Dana Target within 1 hops" in r.text
    assert "the nearest route is 2 hops" in r.text
    assert 'class="path card"' not in r.text and "Traceback" not in r.text
    r = web.client.get("/network/path", params={"target": "Eve Island"})
    assert r.status_code == 200
    assert "no one you know is connected to Eve Island" in r.text


def test_unknown_target_says_did_you_mean(web: Web, cast: Cast) -> None:
    r = web.client.get("/network/path", params={"target": "Dana Targte", "kind": "person"})
    assert r.status_code == 200
    assert "no person matches" in r.text and "did you mean" in r.text
    assert "&#39;Dana Target&#39;" in r.text
    assert "Traceback" not in r.text
    # The form stays, filled in, to try again.
    assert 'value="Dana Targte"' in r.text
    r = web.client.get("/network/path", params={"target": "me", "kind": "person"})
    assert r.status_code == 200 and "that is you" in r.text


def test_bad_path_input_is_a_400_page(web: Web, cast: Cast) -> None:
    for params in ({"target": "x", "kind": "planet"}, {"target": "x", "max_hops": 0}):
        r = web.client.get("/network/path", params=params)
        assert r.status_code == 400 and 'class="error"' in r.text
        assert "Traceback" not in r.text


def test_empty_path_page_is_just_the_form(web: Web, cast: Cast) -> None:
    r = web.client.get("/network/path")
    assert r.status_code == 200
    assert 'name="target"' in r.text and "Paths to" not in r.text


def test_path_page_escapes_names_orgs_and_topics(web: Web, cast: Cast) -> None:
    for params in (
        {"target": XSS_ATTR, "kind": "org"},
        {"target": XSS_TOPIC, "kind": "topic"},
        {"target": str(cast.carla), "kind": "person"},
    ):
        r = web.client.get("/network/path", params=params)
        assert r.status_code == 200, params
        _no_raw_xss(r.text)
    # Via Carla to the payload person: their name escaped in the chain and the draft.
    r = web.client.get("/network/path", params={"target": str(cast.evil), "kind": "person"})
    _no_raw_xss(r.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    r = web.client.get("/network/path", params={"target": XSS_ATTR, "kind": "org"})
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in r.text
    # An unknown payload target: echoed escaped in the message and in the form.
    r = web.client.get("/network/path", params={"target": XSS + "zz", "kind": "person"})
    _no_raw_xss(r.text)
    assert "&lt;script&gt;" in r.text


# --- who knows ----------------------------------------------------------------------


def test_who_knows_ranks_people_with_the_route(web: Web, cast: Cast) -> None:
    r = web.client.get("/network/who-knows", params={"topic": "robotics"})
    assert r.status_code == 200
    assert f'<a href="/people/{cast.dana}">Dana Target</a>' in r.text
    assert f'through <a href="/people/{cast.bob}">Bob Stone</a>' in r.text
    r = web.client.get("/network/who-knows", params={"topic": "basket weaving"})
    assert r.status_code == 200 and "Nobody in your network matches" in r.text


def test_who_knows_escapes_topics_and_names(web: Web, cast: Cast) -> None:
    r = web.client.get("/network/who-knows", params={"topic": "quantum"})
    assert r.status_code == 200
    _no_raw_xss(r.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    r = web.client.get("/network/who-knows", params={"topic": XSS})
    _no_raw_xss(r.text)


# --- insights -----------------------------------------------------------------------


def test_insights_run_as_a_job_and_show_brokerage(web: Web, cast: Cast) -> None:
    r = web.client.get("/network/insights")
    assert r.status_code == 200
    found = re.search(r'data-job="/jobs/([^"]+)"', r.text)
    assert found, "the first visit starts a job"
    job = web.app.state.jobs.wait(found.group(1), timeout=120)
    assert job is not None and job.state == "finished", job and job.error
    assert job.done_url == f"/network/insights?job={job.id}"
    state = web.client.get(f"/jobs/{job.id}").json()
    assert state["state"] == "finished" and state["done_url"] == job.done_url
    page = web.client.get(job.done_url)
    assert page.status_code == 200 and "data-job" not in page.text
    report = web.ledger.insights()
    b = report.brokerage
    assert b.constraint is not None and b.effective_size is not None
    assert f"{b.constraint:.3f}" in page.text
    assert f"{b.effective_size:.1f}" in page.text
    assert "Constraint" in page.text and "Effective size" in page.text
    assert "Diversity" in page.text and "organisation" in page.text
    big = [v for v in report.clusters if v.size >= 3]
    small = [v for v in report.clusters if v.size < 3]
    assert report.clusters
    assert ("Clusters and bridges" in page.text) == bool(big)
    for v in big:
        assert f"<td>{v.name}</td>" in page.text
    if small:
        assert f"in {len(small)} groups of one or two" in page.text
    for line in report.explain():
        assert line.replace("'", "&#39;") in page.text
    _no_raw_xss(page.text)


def test_insights_are_kept_until_the_ledger_changes(web: Web, cast: Cast) -> None:
    if web.ledger.backend == "postgresql":
        pytest.skip("the WAL position moves with every commit to the cluster")
    first = web.client.get("/network/insights").text
    job_id = re.search(r'data-job="/jobs/([^"]+)"', first)
    assert job_id
    web.app.state.jobs.wait(job_id.group(1), timeout=120)
    again = web.client.get("/network/insights")
    assert "data-job" not in again.text and "Constraint" in again.text
    web.form("/agenda/done", {"person_id": cast.bob, "kind": "all"})  # a write
    assert "data-job" in web.client.get("/network/insights").text


def test_insights_of_a_lonely_ledger(web: Web) -> None:
    first = web.client.get("/network/insights").text
    job_id = re.search(r'data-job="/jobs/([^"]+)"', first)
    assert job_id
    job = web.app.state.jobs.wait(job_id.group(1), timeout=60)
    assert job is not None and job.state == "finished"
    page = web.client.get(f"/network/insights?job={job.id}")
    assert page.status_code == 200 and "Constraint</dt><dd>—" in page.text


# --- login --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/network",
        "/network/map.json",
        "/network/path?target=Dana",
        "/network/who-knows?topic=x",
        "/network/insights",
    ],
)
def test_network_pages_need_login(web: Web, url: str) -> None:
    r = web.anon().get(url, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
