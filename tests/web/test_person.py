"""The Person page: profile, provenance, timeline, strength charts, and its forms."""

from __future__ import annotations

import datetime as dt

import pytest
from web_helpers import Web, count_rows

from dunbar import Ledger
from dunbar.ledger import PersonFields
from dunbar.model import IdentityKind

XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _ana(web: Web, name: str = "Ana Silva", org: str = "Acme") -> int:
    ana = web.ledger.add_person(
        name,
        emails=["ana@example.com"],
        phones=["+44 20 7946 0000"],
        urls=["https://ana.example.com"],
        organisation=org,
        tags=["friend"],
    )
    start = web.ledger.now() - dt.timedelta(days=400)
    for week in range(30):
        web.ledger.log(
            f"Coffee {week}", with_=[ana.id], when=start + dt.timedelta(days=12 * week), minutes=30
        )
    web.ledger.add_note("Likes climbing", about=ana.id)
    return ana.id


def test_every_section_renders_with_real_data(web: Web) -> None:
    ana = _ana(web)
    r = web.client.get(f"/people/{ana}")
    assert r.status_code == 200
    page = r.text
    for section in ('id="profile"', 'id="strength"', 'id="timeline"', 'id="quick"'):
        assert section in page
    for fact in ("Ana Silva", "Acme", "ana@example.com", "https://ana.example.com", "friend"):
        assert fact in page
    assert "Entered by hand" in page
    # The strength: its bars (one per part) and the explain() sentences.
    tie = web.ledger.tie(ana)
    assert page.count("<rect ") == 2 * len(tie.strength.parts)
    for line in tie.explanation:
        assert _escaped(line) in page
    assert "<polyline points=" in page
    assert "style=" not in page and "<script>" not in page.split("</head>")[1]
    # Timeline newest first: the note (today) before the last coffee, before the first.
    assert page.index("Likes climbing") < page.index("Coffee 29") < page.index("Coffee 0")


def test_strength_history_is_oldest_first_and_ends_today(ledger: Ledger) -> None:
    ana = ledger.add_person("Ana")
    ledger.log("Coffee", with_=[ana.id], when=ledger.now() - dt.timedelta(days=200))
    history = ledger.strength_history(ana.id, months=24)
    assert len(history) == 24
    assert history[-1][0] == ledger.tie(ana.id).today
    assert [d for d, _ in history] == sorted(d for d, _ in history)
    assert history[0][1] is None  # before the first encounter: nothing to score by
    assert history[-1][1] == pytest.approx(ledger.tie(ana.id).strength.score)
    scored = [s for _, s in history if s is not None]
    assert scored and max(scored) > history[-1][1]  # it faded since


def test_strength_history_refuses_me_and_bad_months(ledger: Ledger) -> None:
    from dunbar.errors import ValidationError

    with pytest.raises(ValidationError):
        ledger.strength_history("me")
    ana = ledger.add_person("Ana")
    with pytest.raises(ValidationError):
        ledger.strength_history(ana.id, months=0)


def test_me_page_has_no_strength_and_cannot_be_forgotten(web: Web) -> None:
    me = web.ledger.me()
    r = web.client.get(f"/people/{me.id}")
    assert r.status_code == 200 and 'id="strength"' not in r.text
    before = count_rows(web.ledger, "people")
    r = web.form(f"/people/{me.id}/forget", {"confirm": me.name})
    assert r.status_code == 400 and "cannot forget" in r.text
    assert count_rows(web.ledger, "people") == before


def test_unknown_person_is_404(web: Web) -> None:
    assert web.client.get("/people/99999").status_code == 404
    assert web.form("/people/99999/notes", {"text": "hi"}).status_code == 404
    assert web.form("/people/99999/log", {"channel": "call"}).status_code == 404
    assert web.client.get("/people/abc").status_code == 400


def test_show_more_pages_the_timeline(web: Web) -> None:
    ana = web.ledger.add_person("Ana")
    start = web.ledger.now() - dt.timedelta(days=200)
    for n in range(60):
        web.ledger.log(f"Chat {n}", with_=[ana.id], when=start + dt.timedelta(days=n))
    first = web.client.get(f"/people/{ana.id}").text
    assert "Chat 59" in first and "Chat 0<" not in first and "Show more" in first
    second = web.client.get(f"/people/{ana.id}?more=1").text
    assert "Chat 0<" in second and "Show more" not in second


def test_log_encounter_happy_and_failure(web: Web) -> None:
    ana = _ana(web)
    before = count_rows(web.ledger, "encounters")
    r = web.form(
        f"/people/{ana}/log", {"channel": "call", "title": "Catch-up", "minutes": "20", "when": ""}
    )
    assert r.status_code == 303 and r.headers["location"] == f"/people/{ana}"
    assert count_rows(web.ledger, "encounters") == before + 1
    page = web.client.get(f"/people/{ana}").text
    assert "Logged: call with Ana Silva" in page and "Catch-up" in page
    for data in (
        {"channel": "telepathy"},
        {"minutes": "ten"},
        {"when": "not a date"},
        {"when": "2026-13-45"},
    ):
        r = web.form(f"/people/{ana}/log", data)
        assert r.status_code == 400, data
        assert 'class="error"' in r.text and "Traceback" not in r.text
    assert count_rows(web.ledger, "encounters") == before + 1


def test_add_note_happy_and_empty(web: Web) -> None:
    ana = _ana(web)
    before = count_rows(web.ledger, "notes")
    assert web.form(f"/people/{ana}/notes", {"text": "Moved to Porto"}).status_code == 303
    assert count_rows(web.ledger, "notes") == before + 1
    assert "Moved to Porto" in web.client.get(f"/people/{ana}").text
    r = web.form(f"/people/{ana}/notes", {"text": "   "})
    assert r.status_code == 400 and "empty" in r.text
    assert count_rows(web.ledger, "notes") == before + 1


def test_edit_person(web: Web) -> None:
    ana = _ana(web)
    form = web.client.get(f"/people/{ana}/edit")
    assert form.status_code == 200 and 'value="ana@example.com"' in form.text
    r = web.form(
        f"/people/{ana}/edit",
        {
            "name": "Ana Sousa",
            "organisation": "Globex",
            "add_email": "ana@globex.example",
            "remove_email": "ana@example.com",
            "add_tag": "climber, colleague",
            "remove_tag": "friend",
        },
    )
    assert r.status_code == 303
    p = web.ledger.person(ana)
    assert p.name == "Ana Sousa" and p.organisation == "Globex"
    assert p.emails == ["ana@globex.example"]
    assert sorted(p.tags) == ["climber", "colleague"]
    # Empty organisation clears it; an empty name is refused, and changes nothing.
    assert web.form(f"/people/{ana}/edit", {"name": "Ana Sousa"}).status_code == 303
    assert web.ledger.person(ana).organisation is None
    r = web.form(f"/people/{ana}/edit", {"name": " ", "add_email": "x@example.com"})
    assert r.status_code == 400
    assert web.ledger.person(ana).emails == ["ana@globex.example"]
    r = web.form(f"/people/{ana}/edit", {"name": "Ana", "add_email": "not an email"})
    assert r.status_code == 400
    assert web.ledger.person(ana).name == "Ana Sousa"


def test_edit_every_field_the_cli_can(web: Web) -> None:
    ana = _ana(web)
    web.ledger.edit_person(ana, PersonFields(custom={"shoe": "42", "imported": ["a", "b"]}))
    form = web.client.get(f"/people/{ana}/edit").text
    for field in (
        "how_met",
        "birthday",
        "first_known",
        "add_url",
        "add_handle",
        "add_topic",
        "add_offer",
        "add_need",
        "closeness",
        "is_kin",
        "custom",
    ):
        assert f'name="{field}"' in form, field
    assert "shoe: 42" in form
    r = web.form(
        f"/people/{ana}/edit",
        {
            "name": "Ana",
            "how_met": "climbing wall",
            "where_met": "Lisbon",
            "birthday": "--04-12",
            "first_known": "2019-05-01",
            "closeness": "6",
            "is_kin": "on",
            "add_url": "https://ana.example/",
            "add_handle": "@ana",
            "add_topic": "bouldering, rust",
            "add_offer": "belay lessons",
            "add_need": "a co-founder",
            "custom": "shoe: 43\nteam: blue",
        },
    )
    assert r.status_code == 303
    p = web.ledger.person(ana)
    assert (p.how_met, p.where_met, p.birthday) == ("climbing wall", "Lisbon", "--04-12")
    assert p.first_known == dt.date(2019, 5, 1) and p.closeness == 6 and p.is_kin
    assert sorted(p.topics) == ["bouldering", "rust"]
    assert p.offers == ["belay lessons"] and p.needs == ["a co-founder"]
    assert {i.value for i in p.identities if i.kind == IdentityKind.HANDLE} == {"@ana"}
    # Custom text fields are replaced; a value an import made (a list) is kept.
    assert p.custom == {"shoe": "43", "team": "blue", "imported": ["a", "b"]}
    # Emptied fields are cleared, unticked kin is no longer kin, a ticked label goes.
    r = web.form(f"/people/{ana}/edit", {"name": "Ana", "remove_topic": "rust"})
    assert r.status_code == 303
    p = web.ledger.person(ana)
    assert p.how_met is None and p.closeness is None and p.first_known is None
    assert not p.is_kin and p.topics == ["bouldering"]
    assert p.custom == {"imported": ["a", "b"]}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("closeness", "9", "closeness"),
        ("closeness", "x", "closeness"),
        ("birthday", "12 April", "birthday"),
        ("first_known", "someday", "known-since"),
        ("custom", "no colon here", "custom field line 1"),
        ("add_url", "not a url at all", ""),
    ],
)
def test_edit_refuses_bad_values_and_changes_nothing(
    web: Web, field: str, value: str, message: str
) -> None:
    ana = _ana(web)
    before = web.ledger.person(ana)
    r = web.form(f"/people/{ana}/edit", {"name": "Changed", "how_met": "x", field: value})
    assert r.status_code == 400
    assert message.lower() in r.text.lower()
    after = web.ledger.person(ana)
    assert (after.name, after.how_met, after.identities) == (
        before.name,
        before.how_met,
        before.identities,
    )


def test_merge_person(web: Web) -> None:
    ana = _ana(web)
    dup = web.ledger.add_person("Ana S.", emails=["ana.s@example.com"])
    web.ledger.log("Dinner", with_=[dup.id])
    page = web.client.get(f"/people/{ana}/merge", params={"other": str(dup.id)})
    assert page.status_code == 200 and "Ana S." in page.text and 'name="other_id"' in page.text
    by_name = web.client.get(f"/people/{ana}/merge", params={"other": "Ana S."})
    assert f'value="{dup.id}"' in by_name.text
    people = count_rows(web.ledger, "people")
    r = web.form(f"/people/{ana}/merge", {"other_id": dup.id})
    assert r.status_code == 303 and r.headers["location"] == f"/people/{ana}"
    assert count_rows(web.ledger, "people") == people - 1
    assert "ana.s@example.com" in web.ledger.person(ana).emails
    assert "Merged #" in web.client.get(f"/people/{ana}").text


def test_merge_with_self_is_refused(web: Web) -> None:
    ana = _ana(web)
    people = count_rows(web.ledger, "people")
    r = web.form(f"/people/{ana}/merge", {"other_id": ana})
    assert r.status_code == 400 and "same person" in r.text
    assert web.client.get(f"/people/{ana}/merge", params={"other": str(ana)}).status_code == 400
    assert web.form(f"/people/{ana}/merge", {"other_id": 99999}).status_code == 404
    assert count_rows(web.ledger, "people") == people


def test_forget_needs_the_name_typed(web: Web) -> None:
    ana = _ana(web)
    assert "Type their name" in web.client.get(f"/people/{ana}/forget").text
    counts = {t: count_rows(web.ledger, t) for t in ("people", "encounters", "notes")}
    for typed in ("", "Ana", "ana silva x"):
        r = web.form(f"/people/{ana}/forget", {"confirm": typed})
        assert r.status_code == 400 and "nothing was erased" in r.text
    assert {t: count_rows(web.ledger, t) for t in counts} == counts
    r = web.form(f"/people/{ana}/forget", {"confirm": "Ana Silva"})
    assert r.status_code == 303 and r.headers["location"] == "/people"
    assert count_rows(web.ledger, "people") == counts["people"] - 1
    assert count_rows(web.ledger, "encounters") == counts["encounters"] - 30
    assert web.client.get(f"/people/{ana}").status_code == 404
    assert web.client.get(f"/people/{ana}").status_code == 404


@pytest.mark.parametrize("payload", XSS)
def test_user_text_is_escaped(web: Web, payload: str) -> None:
    pid = _ana(web, name=f"Ana {payload}", org=f"Org {payload}")
    from dunbar.errors import ValidationError
    from dunbar.ledger import PersonFields
    from dunbar.model import IdentityKind, LabelKind

    web.ledger.log(f"Title {payload}", with_=[pid])
    web.ledger.add_note(f"Note {payload}", about=pid)
    web.ledger.edit_person(
        pid,
        PersonFields(location=f"Loc {payload}", custom={"nick": f"Nick {payload}"}),
        labels={LabelKind.TAG: [f"tag{payload}"]},
    )
    prefixes = ["Ana ", "Org ", "Title ", "Note ", "tag", "Loc ", "Nick "]
    try:  # identity values are validated; a URL may still carry markup in its path
        web.ledger.edit_person(pid, add={IdentityKind.URL: [f"https://x.example/{payload}"]})
        prefixes.append("https://x.example/")
    except ValidationError:
        pass
    for url in (f"/people/{pid}", f"/people/{pid}/edit", f"/people/{pid}/forget"):
        page = web.client.get(url).text
        assert payload not in page, url
        assert _escaped(payload).replace('"', "&#34;") in page or _escaped(payload) in page, url
    page = web.client.get(f"/people/{pid}").text
    for prefix in prefixes:
        assert prefix + _escaped(payload).replace('"', "&#34;") in page, prefix


def test_needs_login_and_csrf(web: Web) -> None:
    ana = _ana(web)
    anon = web.anon()
    r = anon.get(f"/people/{ana}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    before = count_rows(web.ledger, "notes")
    r = web.client.post(f"/people/{ana}/notes", data={"text": "x"}, follow_redirects=False)
    assert r.status_code == 403
    r = web.form(f"/people/{ana}/notes", {"text": "x", "csrf": "wrong"})
    assert r.status_code == 403
    r = web.form(f"/people/{ana}/forget", {"confirm": "Ana Silva", "csrf": ""})
    assert r.status_code == 403
    assert count_rows(web.ledger, "notes") == before
    assert web.ledger.person(ana).name == "Ana Silva"


def test_tie_and_history_with_a_kept_scoreboard_agree(ledger: Ledger) -> None:
    ana = ledger.add_person("Ana", closeness=5)
    for days in (3, 40, 90):
        ledger.log("Call", with_=[ana.id], channel="call", when=ledger.now() - dt.timedelta(days))
    board = ledger.scoreboard()
    plain, kept = ledger.tie(ana.id), ledger.tie(ana.id, board=board)
    assert kept.strength.score == pytest.approx(plain.strength.score)
    assert kept.explanation == plain.explanation and kept.peak == plain.peak
    assert ledger.strength_history(ana.id, board=board) == ledger.strength_history(ana.id)


def test_busy_app_shows_someone_just_added(web: Web) -> None:
    """The board of a moment ago does not know a person just added: the current one is
    made for their page (dunbar.web.deps.scoreboard_of)."""
    assert web.client.get("/people").status_code == 200  # the shared board is made
    web.app.state.load.in_flight = 3  # as if three other requests were being served
    try:
        dee = web.ledger.add_person("Dee Newcomb")
        web.ledger.log("Coffee", with_=[dee.id])
        r = web.client.get(f"/people/{dee.id}")
        assert r.status_code == 200 and "Dee Newcomb" in r.text
    finally:
        web.app.state.load.in_flight = 0
