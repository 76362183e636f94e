"""Naming a person: by id, ``#id``, ``me``, email, phone, URL or (part of) a name."""

from __future__ import annotations

import pytest

from dunbar import AmbiguousError, Ledger, NotFoundError, ValidationError


@pytest.fixture
def people(ledger: Ledger) -> dict[str, int]:
    return {
        "zoe": ledger.add_person(
            "Zoë Núñez",
            emails=["zoe@example.org"],
            phones=["+34 612 345 678"],
            urls=["https://zoe.example/"],
        ).id,
        "ana": ledger.add_person("Ana María Silva").id,
        "anabel": ledger.add_person("Anabel Ruiz").id,
        "lars": ledger.add_person("Lars Øberg").id,
    }


@pytest.mark.parametrize("ref", [2, "2", "#2", " #2 "])
def test_by_id(ledger: Ledger, people: dict[str, int], ref: str | int) -> None:
    assert people["zoe"] == 2
    assert ledger.resolve(ref) == 2


@pytest.mark.parametrize("ref", ["me", "ME", " Me "])
def test_me(ledger: Ledger, people: dict[str, int], ref: str) -> None:
    assert ledger.resolve(ref) == ledger.me().id == 1


@pytest.mark.parametrize(
    "ref",
    [
        "zoe@example.org",
        " ZOE@Example.ORG ",
        "mailto:zoe@example.org",
        "+34 612 345 678",
        "+34612345678",
        "0034 612 34 56 78",
        "https://zoe.example",
        "www.zoe.example/",
    ],
)
def test_by_identity(ledger: Ledger, people: dict[str, int], ref: str) -> None:
    assert ledger.resolve(ref) == people["zoe"]


@pytest.mark.parametrize(
    ("ref", "who"),
    [
        ("Zoë Núñez", "zoe"),
        ("zoe nunez", "zoe"),  # case- and accent-insensitive (normalise.name_key)
        ("ZOË   NÚÑEZ", "zoe"),
        ("nunez", "zoe"),  # a whole word of the name
        ("ana", "ana"),  # "Ana María Silva", not "Anabel Ruiz": whole words only
        ("maria silva", "ana"),
        ("silva ana", "ana"),  # word order does not matter
        ("anabel", "anabel"),
        ("lars oberg", "lars"),  # ø folds to o
    ],
)
def test_by_name(ledger: Ledger, people: dict[str, int], ref: str, who: str) -> None:
    assert ledger.resolve(ref) == people[who]


def test_exact_name_beats_word_match(ledger: Ledger, people: dict[str, int]) -> None:
    ana = ledger.add_person("Ana")
    assert ledger.resolve("ana") == ana.id  # the whole name wins over "Ana María Silva"


def test_ambiguous_lists_candidates(ledger: Ledger, people: dict[str, int]) -> None:
    other = ledger.add_person("Ana Costa", organisation="Acme")
    with pytest.raises(AmbiguousError) as info:
        ledger.resolve("ana")
    assert info.value.candidates == [
        (people["ana"], "Ana María Silva"),
        (other.id, "Ana Costa (Acme)"),
    ]
    assert f"#{other.id} Ana Costa (Acme)" in str(info.value)
    assert info.value.exit_code == 2


def test_two_people_with_the_same_name(ledger: Ledger) -> None:
    first = ledger.add_person("Sam Lee")
    second = ledger.add_person("Sam Lee")
    with pytest.raises(AmbiguousError) as info:
        ledger.resolve("sam lee")
    assert [pid for pid, _ in info.value.candidates] == [first.id, second.id]


def test_unknown_name_suggests(ledger: Ledger, people: dict[str, int]) -> None:
    with pytest.raises(NotFoundError, match=r"nobody called 'Zoe Nunes'; did you mean 'Zoë Núñez'"):
        ledger.resolve("Zoe Nunes")
    with pytest.raises(NotFoundError) as info:
        ledger.resolve("Quentin")
    assert "did you mean" not in str(info.value)


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (99, "no person with id 99"),
        ("#99", "no person with id 99"),
        (2**70, "no person with id 1180591620717411303"),
        ("9" * 5000, "no person with id 9999999999999999999"),
        (-3, "no person with id -3"),
        (2**31, "no person with id 2147483648"),
        ("#2147483648", "no person with id 2147483648"),
        ("nobody@example.org", "nobody has the email nobody@example.org"),
        ("https://nobody.example", "nobody has the url https://nobody.example"),
    ],
)
def test_unknown_references(
    ledger: Ledger, people: dict[str, int], ref: str | int, message: str
) -> None:
    with pytest.raises(NotFoundError, match=message):
        ledger.resolve(ref)


@pytest.mark.parametrize("ref", ["", "   ", True])
def test_invalid_references(ledger: Ledger, ref: object) -> None:
    with pytest.raises(ValidationError):
        ledger.resolve(ref)  # type: ignore[arg-type]


def test_name_with_like_wildcards_is_literal(ledger: Ledger) -> None:
    ledger.add_person("Ana Silva")
    with pytest.raises(NotFoundError):
        ledger.resolve("a%a")
    with pytest.raises(NotFoundError):
        ledger.resolve("_na")
