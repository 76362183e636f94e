"""People and organisations through the store: round trips, edits, listing filters."""

from __future__ import annotations

import datetime as dt

import pytest

from dunbar import (
    Identity,
    IdentityKind,
    LabelKind,
    Ledger,
    NotFoundError,
    PersonFields,
    PersonSummary,
    ValidationError,
)

NOW = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)


def test_person_round_trip_with_every_field(ledger: Ledger, db_target: str) -> None:
    added = ledger.add_person(
        "  Ana   María Silva ",
        emails=["  Ana.Silva@Example.COM ", "mailto:ana@work.example"],
        phones=["+44 20 7946 0958"],
        urls=["www.Example.com/ana/"],
        handles=["AnaSilva@mastodon.social"],
        organisation="Acme  Corp",
        title="Head of Supply",
        location="Lisbon",
        tags=["climbing", "  board   games "],
        topics=["supply-chain finance"],
        offers=["mentoring"],
        needs=["a Rust reviewer"],
        how_met="Conference hallway",
        where_met="FOSDEM",
        first_known="2019-03-04",
        closeness=3,
        kin=True,
        birthday="1990-05-17",
        given_name="Ana María",
        family_name="Silva",
        custom={"nested": {"list": [1, 2.5, None, True]}, "ünï": "cödé", "empty": {}},
    )
    # Normalised forms: normalise.py (emails lower-cased, mailto: dropped; phones
    # E.164; URLs https, host lower-cased, www. and trailing slash dropped;
    # handles lower-cased with a leading @).
    assert added.identities == [
        Identity(IdentityKind.EMAIL, "ana.silva@example.com"),
        Identity(IdentityKind.EMAIL, "ana@work.example"),
        Identity(IdentityKind.PHONE, "+442079460958"),
        Identity(IdentityKind.URL, "https://example.com/ana"),
        Identity(IdentityKind.HANDLE, "@anasilva@mastodon.social"),
    ]
    assert added.name == "Ana María Silva"
    assert added.organisation == "Acme Corp"
    assert added.tags == ["board games", "climbing"]  # sorted by key, spaces collapsed
    assert added.topics == ["supply-chain finance"]
    assert added.offers == ["mentoring"]
    assert added.needs == ["a Rust reviewer"]
    assert added.first_known == dt.date(2019, 3, 4)
    assert (added.closeness, added.is_kin, added.birthday) == (3, True, "1990-05-17")
    assert (added.given_name, added.family_name) == ("Ana María", "Silva")
    assert added.custom == {"nested": {"list": [1, 2.5, None, True]}, "ünï": "cödé", "empty": {}}
    assert added.created_at == NOW and added.updated_at == NOW
    assert not added.is_me

    # What a fresh connection reads back is exactly what add_person returned.
    assert ledger.person(added.id) == added
    with Ledger.open(db_target) as again:
        assert again.person(added.id) == added


def test_person_defaults(ledger: Ledger) -> None:
    bare = ledger.add_person("Bo")
    assert bare.identities == [] and bare.tags == [] and bare.custom == {}
    assert bare.organisation is None and bare.organisation_id is None
    assert bare.closeness is None and bare.is_kin is False and bare.first_known is None


def test_me_is_the_owner(ledger: Ledger) -> None:
    me = ledger.me()
    assert me.is_me and me.id == 1 and me.name == "Rosa Díaz"
    assert ledger.count_people() == 1


@pytest.mark.parametrize("birthday", ["1990-05-17", "--05-17", "--02-29"])
def test_birthday_with_and_without_year(ledger: Ledger, birthday: str) -> None:
    person = ledger.add_person("Cy", birthday=f" {birthday} ")
    assert ledger.person(person.id).birthday == birthday


@pytest.mark.parametrize("birthday", ["1990-02-30", "--13-01", "17/05/1990", "--5-17", ""])
def test_bad_birthdays_are_rejected(ledger: Ledger, birthday: str) -> None:
    with pytest.raises(ValidationError) as info:
        ledger.add_person("Cy", birthday=birthday)
    assert info.value.field == "birthday"
    assert ledger.count_people() == 1


@pytest.mark.parametrize("closeness", [1, 7])
def test_closeness_bounds_accepted(ledger: Ledger, closeness: int) -> None:
    assert ledger.add_person("Cy", closeness=closeness).closeness == closeness


@pytest.mark.parametrize("closeness", [0, 8, -1, True])
def test_closeness_out_of_range(ledger: Ledger, closeness: int) -> None:
    with pytest.raises(ValidationError):
        ledger.add_person("Cy", closeness=closeness)


@pytest.mark.parametrize("name", ["", "   ", "42", "#7", "x" * 301])
def test_bad_names(ledger: Ledger, name: str) -> None:
    with pytest.raises(ValidationError):
        ledger.add_person(name)


def test_phone_needs_country_code_or_region(ledger: Ledger) -> None:
    with pytest.raises(ValidationError, match=r"add the country code"):
        ledger.add_person("Dee", phones=["020 7946 0958"])
    dee = ledger.add_person("Dee", phones=["020 7946 0958"], region="GB")
    assert dee.phones == ["+442079460958"]


def test_same_identity_twice_in_one_call_is_stored_once(ledger: Ledger) -> None:
    person = ledger.add_person("Eve", emails=["eve@example.org", "EVE@example.org "])
    assert person.emails == ["eve@example.org"]


def test_identity_of_someone_else_is_refused(ledger: Ledger) -> None:
    ana = ledger.add_person("Ana", emails=["ana@example.org"])
    with pytest.raises(ValidationError, match=rf"already belongs to #{ana.id} Ana"):
        ledger.add_person("Other Ana", emails=["Ana@Example.org"])


def test_duplicate_labels_by_key_are_stored_once(ledger: Ledger) -> None:
    person = ledger.add_person("Fay", tags=["Rock Climbing", "rock  climbing", "ROCK CLIMBING"])
    assert person.tags == ["Rock Climbing"]


# --- organisations ---------------------------------------------------------------------


def test_organisations(ledger: Ledger) -> None:
    acme = ledger.add_organisation("Acme  Corp", domain=" ACME.example ", industry="Retail")
    assert (acme.name, acme.domain, acme.industry) == ("Acme Corp", "acme.example", "Retail")
    with pytest.raises(ValidationError, match="already exists"):
        ledger.add_organisation("acme corp")
    ana = ledger.add_person("Ana", organisation="ACME CORP")
    assert ana.organisation == "Acme Corp" and ana.organisation_id == acme.id
    zeta = ledger.add_organisation("Zeta")
    beta = ledger.add_person("Bo", organisation="Beta").organisation_id
    assert [o.name for o in ledger.organisations()] == ["Acme Corp", "Beta", "Zeta"]
    assert {o.id for o in ledger.organisations()} == {acme.id, zeta.id, beta}


# --- editing ---------------------------------------------------------------------------


def test_edit_sets_clears_adds_and_removes(ledger: Ledger) -> None:
    ana = ledger.add_person(
        "Ana Silva",
        emails=["ana@example.org"],
        phones=["+351 912 345 678"],
        tags=["climbing", "chess"],
        topics=["rust"],
        title="Engineer",
        organisation="Acme",
        birthday="--05-17",
        closeness=4,
        custom={"a": 1},
    )
    edited = ledger.edit_person(
        "ana@example.org",
        PersonFields(name="Ana María Silva", location="Porto", custom={"b": 2}, closeness=2),
        add={IdentityKind.EMAIL: ["Ana.M@Example.org"], IdentityKind.HANDLE: ["@anams"]},
        remove={IdentityKind.PHONE: ["+351912345678"]},
        labels={LabelKind.TAG: ["Board games"], LabelKind.NEED: ["funding"]},
        unlabel={LabelKind.TAG: ["CHESS"], LabelKind.TOPIC: ["Rust"]},
        clear=["title", "organisation", "birthday"],
    )
    assert edited.name == "Ana María Silva"
    assert edited.emails == ["ana@example.org", "ana.m@example.org"]
    assert edited.phones == []
    assert [i.value for i in edited.identities if i.kind is IdentityKind.HANDLE] == ["@anams"]
    assert edited.tags == ["Board games", "climbing"]
    assert edited.topics == [] and edited.needs == ["funding"]
    assert edited.title is None and edited.organisation is None and edited.birthday is None
    assert edited.location == "Porto" and edited.closeness == 2
    assert edited.custom == {"b": 2}  # custom is replaced, not merged
    assert ledger.person(ana.id) == edited
    assert ledger.resolve("ana maria silva") == ana.id


def test_edit_updates_updated_at_with_the_clock(db_target: str) -> None:
    moments = [NOW]
    with Ledger.open(db_target, clock=lambda: moments[-1]) as ledger:
        person = ledger.add_person("Gil")
        moments.append(NOW + dt.timedelta(days=3))
        edited = ledger.edit_person(person.id, labels={LabelKind.TAG: ["x"]})
        assert edited.created_at == NOW
        assert edited.updated_at == NOW + dt.timedelta(days=3)


def test_edit_refusals(ledger: Ledger) -> None:
    ledger.add_person("Hal", emails=["hal@example.org"])
    ivy = ledger.add_person("Ivy")
    with pytest.raises(ValidationError, match="cannot clear 'name'"):
        ledger.edit_person(ivy.id, clear=["name"])
    with pytest.raises(ValidationError, match="is not one of this person's emails"):
        ledger.edit_person(ivy.id, remove={IdentityKind.EMAIL: ["hal@example.org"]})
    with pytest.raises(ValidationError, match="already belongs to"):
        ledger.edit_person(ivy.id, add={IdentityKind.EMAIL: ["hal@example.org"]})
    with pytest.raises(NotFoundError):
        ledger.edit_person(999, PersonFields(title="x"))
    assert ledger.person(ivy.id).identities == []


# --- listing ---------------------------------------------------------------------------


@pytest.fixture
def crowd(ledger: Ledger) -> dict[str, int]:
    """Five people with tags, topics, organisations and encounters at known times."""
    ids = {
        "ana": ledger.add_person(
            "Ana Silva",
            emails=["ana@acme.example"],
            organisation="Acme",
            tags=["climbing", "friend"],
            topics=["rust"],
        ).id,
        "bo": ledger.add_person("Bo Chen", organisation="Beta", tags=["friend"]).id,
        "cy": ledger.add_person("Cy Diaz", organisation="Acme", topics=["rust", "wasm"]).id,
        "dee": ledger.add_person("Dee Evans", tags=["climbing"]).id,
        "eli": ledger.add_person("Eli Fox").id,
    }
    ledger.log("old coffee", with_=[ids["ana"]], when="2025-01-10T10:00:00+00:00")
    ledger.log("recent coffee", with_=[ids["ana"], ids["bo"]], when="2026-11-01T10:00:00+00:00")
    ledger.log("call", with_=[ids["cy"]], when="2026-05-01T10:00:00+00:00")
    return ids


def _names(rows: list[PersonSummary]) -> list[str]:
    return [r.name for r in rows]


def test_people_lists_everyone_but_me_by_name(ledger: Ledger, crowd: dict[str, int]) -> None:
    rows = ledger.people()
    assert _names(rows) == ["Ana Silva", "Bo Chen", "Cy Diaz", "Dee Evans", "Eli Fox"]
    ana = rows[0]
    assert ana.email == "ana@acme.example" and ana.organisation == "Acme"
    assert ana.tags == ("climbing", "friend")
    assert ana.encounters == 2
    assert ana.last_seen == dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC)
    assert rows[4].last_seen is None and rows[4].encounters == 0
    assert _names(ledger.people(include_me=True))[-1] == "Rosa Díaz"


def test_people_filters(ledger: Ledger, crowd: dict[str, int]) -> None:
    assert _names(ledger.people("silva")) == ["Ana Silva"]
    assert _names(ledger.people("acme")) == ["Ana Silva", "Cy Diaz"]  # organisation
    assert _names(ledger.people("ana@acme")) == ["Ana Silva"]  # email
    assert _names(ledger.people("díaz")) == ["Cy Diaz"]  # accent-insensitive
    assert _names(ledger.people(tags=["friend"])) == ["Ana Silva", "Bo Chen"]
    assert _names(ledger.people(tags=["FRIEND", "climbing"])) == ["Ana Silva"]
    assert _names(ledger.people(topics=["rust"])) == ["Ana Silva", "Cy Diaz"]
    assert _names(ledger.people(topics=["rust", "wasm"])) == ["Cy Diaz"]
    assert _names(ledger.people(organisation="acme")) == ["Ana Silva", "Cy Diaz"]
    assert _names(ledger.people(organisation="Acme", tags=["friend"])) == ["Ana Silva"]
    assert ledger.people("nobody-like-this") == []


def test_people_not_seen_since_includes_the_never_seen(
    ledger: Ledger, crowd: dict[str, int]
) -> None:
    # Ana was seen 2026-11-01, Bo 2026-11-01, Cy 2026-05-01; Dee and Eli never.
    assert _names(ledger.people(not_seen_since="2026-06-01")) == ["Cy Diaz", "Dee Evans", "Eli Fox"]
    assert _names(ledger.people(not_seen_since=dt.date(2026, 5, 1))) == ["Dee Evans", "Eli Fox"]
    assert _names(
        ledger.people(not_seen_since=dt.datetime(2026, 5, 1, 10, 0, 1, tzinfo=dt.UTC))
    ) == ["Cy Diaz", "Dee Evans", "Eli Fox"]


def test_people_limit_and_offset(ledger: Ledger, crowd: dict[str, int]) -> None:
    assert _names(ledger.people(limit=2)) == ["Ana Silva", "Bo Chen"]
    assert _names(ledger.people(limit=2, offset=2)) == ["Cy Diaz", "Dee Evans"]
    assert _names(ledger.people(offset=4)) == ["Eli Fox"]
    assert ledger.people(limit=0) == []
    # A limited page still carries the tags of its rows.
    assert ledger.people(limit=1)[0].tags == ("climbing", "friend")
    with pytest.raises(ValidationError):
        ledger.people(limit=-1)


def test_profile_gathers_the_history(ledger: Ledger, crowd: dict[str, int]) -> None:
    profile = ledger.profile(crowd["ana"])
    assert [e.title for e in profile.encounters] == ["recent coffee", "old coffee"]
    assert profile.last_seen == dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC)
    assert profile.names[crowd["bo"]] == "Bo Chen"
    assert [e.title for e in ledger.profile(crowd["ana"], limit=1).encounters] == ["recent coffee"]
    assert ledger.profile(crowd["eli"]).last_seen is None


# --- lengths: PostgreSQL enforces VARCHAR(n), so dunbar checks them on both ------------

# U+FDFA decomposes (NFKD) into 18 characters: a short name with a long name_key.
LIGATURE = "\ufdfa"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "x" * 301}, "title"),
        ({"location": "x" * 301}, "location"),
        ({"given_name": "x" * 201}, "given_name"),
        ({"organisation": "x" * 301}, "name"),
        ({"emails": ["a" * 500 + "@example.org"]}, "value"),
        ({"tags": [LIGATURE * 12]}, "value_key"),
        ({"name": LIGATURE * 20}, "name_key"),
    ],
    ids=["title", "location", "given-name", "organisation", "email", "label-key", "name-key"],
)
def test_too_long_is_refused_on_every_backend(
    ledger: Ledger, kwargs: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"name": "Ana", **kwargs}
    with pytest.raises(ValidationError, match="too long") as info:
        ledger.add_person(**args)  # type: ignore[arg-type]
    assert info.value.field == field
    assert ledger.count_people() == 1 and ledger.organisations() == []


def test_longest_values_fit(ledger: Ledger) -> None:
    person = ledger.add_person("Ana", title="x" * 300, organisation="o" * 300, tags=["t" * 200])
    assert ledger.person(person.id) == person
    gathering = ledger.add_gathering("g", on="2026-01-01", venue="v" * 300)
    assert ledger.gathering(gathering.id).venue == "v" * 300
    with pytest.raises(ValidationError, match="venue too long"):
        ledger.add_gathering("g", on="2026-01-01", venue="v" * 301)
    with pytest.raises(ValidationError, match="industry too long"):
        ledger.add_organisation("Acme", industry="i" * 201)
    with pytest.raises(ValidationError, match="source ref too long"):
        ledger.log("x", with_=[person.id], source_ref="r" * 501)
