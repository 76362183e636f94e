"""Normalising what people type: identities, names, labels, dates and enums."""

from __future__ import annotations

import datetime as dt
import unicodedata

import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dunbar import Channel, IdentityKind, ValidationError
from dunbar.normalise import (
    classify_identity,
    name_key,
    normalise_email,
    normalise_handle,
    normalise_identity,
    normalise_label,
    normalise_phone,
    normalise_url,
    parse_date,
    parse_datetime,
    parse_enum,
)

# --- emails ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ana@example.org", "ana@example.org"),
        ("  Ana.Silva@Example.COM ", "ana.silva@example.com"),
        ("MAILTO:ana@example.org", "ana@example.org"),
        ("mailto: ana+crm@mail.example.co.uk", "ana+crm@mail.example.co.uk"),
    ],
)
def test_normalise_email(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "ana",
        "ana@",
        "@example.org",
        "ana @example.org",
        "ana@example",
        "ana@example.c",
        "a@b@example.org",
        "<ana@example.org>",
        "",
    ],
)
def test_not_emails(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalise_email(raw)
    assert info.value.field == "email"


@given(st.emails())
@example("Ana.Silva@Example.COM")
def test_email_normalisation_is_idempotent_and_lower_case(email: str) -> None:
    once = normalise_email(email)
    assert normalise_email(once) == once
    assert once == once.lower()
    assert normalise_email(email.upper()) == once


# --- phones ----------------------------------------------------------------------------

REGIONS = [
    "GB",
    "US",
    "DE",
    "FR",
    "ES",
    "PT",
    "IN",
    "BR",
    "JP",
    "AU",
    "ZA",
    "MX",
    "NG",
    "KR",
    "IT",
    "NL",
    "CH",
    "SE",
    "AR",
    "CA",
    "IE",
    "PL",
    "TR",
    "EG",
    "ID",
]
TYPES = [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]


@settings(max_examples=200)
@given(region=st.sampled_from(REGIONS), kind=st.sampled_from(TYPES))
def test_formatted_numbers_normalise_to_e164(region: str, kind: int) -> None:
    # Valid numbers from libphonenumber's own metadata, in the ways people write them.
    number = phonenumbers.example_number_for_type(region, kind)
    assert number is not None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    rfc3966 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966)
    assert normalise_phone(e164) == e164
    assert normalise_phone(international) == e164
    assert normalise_phone(" " + international.replace("+", "00", 1)) == e164
    assert normalise_phone(rfc3966) == e164  # tel:+44-...
    assert normalise_phone(national, region=region) == e164
    assert normalise_phone(international, region="US") == e164  # +CC beats the region
    assert normalise_phone(normalise_phone(national, region=region)) == e164


def test_a_national_number_needs_a_region() -> None:
    with pytest.raises(ValidationError, match=r"add the country code") as info:
        normalise_phone("020 7946 0958")
    assert info.value.field == "phone"


@pytest.mark.parametrize("raw", ["12", "+44 12", "hello", "+"])
def test_not_phone_numbers(raw: str) -> None:
    with pytest.raises(ValidationError):
        normalise_phone(raw, region="GB")


# --- URLs, handles, identities -----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.Example.com/ana/", "https://example.com/ana"),
        ("http://example.com", "https://example.com"),
        ("example.com/in/ana", "https://example.com/in/ana"),
        ("www.example.com/?q=1#top", "https://example.com?q=1"),
        ("HTTPS://LinkedIn.com/in/Ana", "https://linkedin.com/in/Ana"),  # path case kept
    ],
)
def test_normalise_url(raw: str, expected: str) -> None:
    assert normalise_url(raw) == expected
    assert normalise_url(expected) == expected


@pytest.mark.parametrize("raw", ["", "ftp://example.com/x", "https://", "exa mple.com"])
def test_not_urls(raw: str) -> None:
    with pytest.raises(ValidationError):
        normalise_url(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("@Ana", "@ana"),
        ("ana", "@ana"),
        ("Ana@Mastodon.Social", "@ana@mastodon.social"),
        ("@ana.silva-1", "@ana.silva-1"),
    ],
)
def test_normalise_handle(raw: str, expected: str) -> None:
    assert normalise_handle(raw) == expected
    assert normalise_handle(expected) == expected


@pytest.mark.parametrize("raw", ["", "ana silva", "@", "a" * 65, "@ana!"])
def test_not_handles(raw: str) -> None:
    with pytest.raises(ValidationError):
        normalise_handle(raw)


def test_normalise_identity_dispatches_on_kind() -> None:
    assert normalise_identity(IdentityKind.EMAIL, "A@B.org") == "a@b.org"
    assert normalise_identity(IdentityKind.PHONE, "030 123456", region="DE") == "+4930123456"
    assert normalise_identity(IdentityKind.URL, "www.a.org/") == "https://a.org"
    assert normalise_identity(IdentityKind.HANDLE, "Ana") == "@ana"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ana@example.org", IdentityKind.EMAIL),
        ("https://a.org", IdentityKind.URL),
        ("www.a.org", IdentityKind.URL),
        ("+44 20 7946 0958", IdentityKind.PHONE),
        ("(201) 555-0123", IdentityKind.PHONE),
        ("Ana Silva", None),
        ("@ana", None),  # a handle reads as a name: handles are not references
        ("1234", None),  # too few digits for a phone: an id or a name
        ("Ana 12345", None),
    ],
)
def test_classify_identity(text: str, kind: IdentityKind | None) -> None:
    assert classify_identity(text) is kind


# --- names and labels ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Zoë  Núñez", "zoe nunez"),
        ("ZOË NÚÑEZ", "zoe nunez"),
        ("Lars Øberg", "lars oberg"),
        ("Paweł Łukasz", "pawel lukasz"),
        ("Straße", "strasse"),
        ("Đorđe", "dorde"),
        ("  Ana\tMaría\nSilva ", "ana maria silva"),
        ("ﬁona", "fiona"),  # NFKD splits the ligature
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


@given(st.text())
def test_name_key_is_idempotent(text: str) -> None:
    assert name_key(name_key(text)) == name_key(text)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
@example("  Ana\tSILVA \x1f O'Neil ")
def test_name_key_ascii_shortcut_is_the_full_fold(text: str) -> None:
    # name_key skips NFKD and the folding table for ASCII text: the same key as
    # the full path (NFKD, drop combining marks, fold, casefold, collapse spaces).
    decomposed = unicodedata.normalize("NFKD", text)
    full = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    assert name_key(text) == " ".join(full.casefold().split())


@given(st.text())
def test_name_key_ignores_unicode_normal_form(text: str) -> None:
    assert name_key(unicodedata.normalize("NFC", text)) == name_key(
        unicodedata.normalize("NFD", text)
    )


# The Combining Diacritical Marks block, less U+034F COMBINING GRAPHEME JOINER: an
# invisible joiner (canonical combining class 0), not an accent.
COMBINING = [chr(c) for c in range(0x300, 0x370) if c != 0x34F]


@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ "),
            st.lists(st.sampled_from(COMBINING), max_size=2),
        ),
        max_size=30,
    )
)
def test_name_key_is_accent_and_case_insensitive(letters: list[tuple[str, list[str]]]) -> None:
    plain = "".join(ch for ch, _ in letters)
    accented = unicodedata.normalize("NFC", "".join(ch + "".join(marks) for ch, marks in letters))
    assert name_key(accented) == name_key(plain) == name_key(plain.swapcase())
    assert name_key(plain) == " ".join(plain.lower().split())


@pytest.mark.parametrize(("raw", "label"), [("  board   games ", "board games"), ("Rust", "Rust")])
def test_normalise_label(raw: str, label: str) -> None:
    assert normalise_label(raw) == label


@pytest.mark.parametrize("raw", ["", "   ", "x" * 201])
def test_bad_labels(raw: str) -> None:
    with pytest.raises(ValidationError):
        normalise_label(raw)


# --- dates, times, enums ------------------------------------------------------------------


def test_parse_date() -> None:
    assert parse_date("2026-11-20") == dt.date(2026, 11, 20)
    assert parse_date(dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)
    assert parse_date(dt.datetime(2026, 1, 2, 23, 59)) == dt.date(2026, 1, 2)
    assert parse_date(" Today ") - parse_date("yesterday") == dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="bad due date '20/11/2026': use YYYY-MM-DD") as info:
        parse_date("20/11/2026", what="due date")
    assert info.value.field == "due_date"


def test_parse_datetime() -> None:
    berlin = dt.timezone(dt.timedelta(hours=1))
    assert parse_datetime("2026-11-20T10:30:00+02:00") == dt.datetime(
        2026, 11, 20, 8, 30, tzinfo=dt.UTC
    )
    assert parse_datetime("2026-11-20T10:30:00Z").utcoffset() == dt.timedelta(0)
    # A naive time is read in the given zone; a bare date means noon there.
    assert parse_datetime("2026-11-20T10:30", tz=berlin) == dt.datetime(
        2026, 11, 20, 10, 30, tzinfo=berlin
    )
    assert parse_datetime("2026-11-20", tz=berlin) == dt.datetime(2026, 11, 20, 12, tzinfo=berlin)
    assert parse_datetime(dt.date(2026, 11, 20), tz=dt.UTC).hour == 12
    aware = dt.datetime(2026, 1, 1, tzinfo=berlin)
    assert parse_datetime(aware, tz=dt.UTC) is aware  # aware values keep their offset
    assert parse_datetime("2026-11-20T10:30").tzinfo is not None
    with pytest.raises(ValidationError, match="use YYYY-MM-DD or YYYY-MM-DDTHH:MM"):
        parse_datetime("next tuesday at noon")
    # Times are stored in UTC: one with no UTC time (before year 1) is refused.
    with pytest.raises(ValidationError, match="out of range"):
        parse_datetime("0001-01-01T00:00+14:00")
    with pytest.raises(ValidationError, match="out of range"):
        parse_datetime("9999-12-31T23:59-12:00", what="date")


@pytest.mark.parametrize(
    "raw", ["in-person", "In Person", "in_person", " IN-PERSON ", Channel.IN_PERSON]
)
def test_parse_enum_spellings(raw: str) -> None:
    assert parse_enum(Channel, raw, what="channel") is Channel.IN_PERSON


def test_parse_enum_lists_the_choices() -> None:
    with pytest.raises(ValidationError) as info:
        parse_enum(Channel, "pigeon", what="channel")
    assert str(info.value) == (
        "unknown channel 'pigeon': choose one of in-person, video, "
        "call, event, message, email, reaction"
    )
    assert info.value.field == "channel"
