"""The pure parts of the email importer: the mbox splitter, header fields,
addresses, dates, and the filters (no ledger needed)."""

from __future__ import annotations

import datetime as dt
import email.utils
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunbar.importers import mbox
from dunbar.importers.email_headers import (
    decode_words,
    header_fields,
    message_id,
    parse_addresses,
    parse_date,
)
from dunbar.importers.email_messages import is_no_reply, name_from_address
from dunbar.importers.mbox import split_mbox
from dunbar.importers.records import Rejection

EMAIL = Path(__file__).resolve().parents[1] / "fixtures" / "email"


def headers_of(data: bytes) -> list[tuple[int | None, bytes] | str]:
    return [
        m.reason if isinstance(m, Rejection) else (m.line, m.header)
        for m in split_mbox(io.BytesIO(data), "x")
    ]


@pytest.mark.parametrize("name", sorted(p.name for p in EMAIL.glob("*.mbox")))
@pytest.mark.parametrize("chunk", [1, 7, 64, 4096])
def test_chunk_boundaries_change_nothing(
    name: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (EMAIL / name).read_bytes()
    whole = headers_of(data)
    monkeypatch.setattr(mbox, "CHUNK", chunk)
    assert headers_of(data) == whole


def test_the_splitter_finds_each_message_and_its_line() -> None:
    found = headers_of((EMAIL / "body_never_stored.mbox").read_bytes())
    assert [line for line, _ in found] == [1, 28]  # the two postmarks of the file
    assert all(b"ZEBRA" not in header for _, header in found)  # headers only
    crlf = headers_of((EMAIL / "crlf.mbox").read_bytes())
    assert [line for line, _ in crlf] == [1, 11]
    assert crlf[0][1].endswith(b"Subject: Windows line ends, a folded To\r\n")


def test_an_empty_header_block_and_a_file_of_blank_lines() -> None:
    assert headers_of(b"\n\n\n") == []
    assert headers_of(b"From a@b.c Mon Jan  1 00:00:00 2024\n\nbody\n") == [(1, b"")]


def test_a_header_block_over_the_limit_is_rejected_and_the_next_message_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(mbox, "MAX_HEADER", 1024)
    huge = b"X-Junk: " + b"y" * 5000 + b"\n"
    data = (
        b"From a@b.c Mon Jan  1 00:00:00 2024\n" + huge + b"\nbody\n\n"
        b"From a@b.c Mon Jan  1 00:00:01 2024\nFrom: a@b.c\n\nbody\n"
    )
    assert headers_of(data) == ["header block longer than 1 KiB", (6, b"From: a@b.c\n")]


@settings(max_examples=60, deadline=None)
@given(
    bodies=st.lists(
        st.lists(
            st.sampled_from(
                [b"", b"From here on", b">From an escaped line", b"text", b"From: x@y.z", b"\r"]
            ),
            max_size=6,
        ),
        min_size=1,
        max_size=5,
    ),
    chunk=st.integers(min_value=1, max_value=200),
)
def test_split_property_bodies_never_split_a_message(bodies: list[list[bytes]], chunk: int) -> None:
    """Whatever a body holds (no postmark with a time of day after an empty line),
    every message comes out once, with its header block, at any chunk size."""
    parts, expected, line = [], [], 1
    for i, body in enumerate(bodies):
        header = f"From: p{i}@example.org\nMessage-ID: <{i}@x>\n".encode()
        text = b"\n".join(body)
        entry = b"From p@example.org Mon Jan  1 00:00:00 2024\n" + header + b"\n" + text + b"\n\n"
        expected.append((line, header))
        line += entry.count(b"\n")
        parts.append(entry)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mbox, "CHUNK", chunk)
        assert headers_of(b"".join(parts)) == expected


def test_header_fields_unfold_decode_and_keep_only_what_is_wanted() -> None:
    block = (
        b"Received: from x\n\tby y\nTO: a@example.org,\n b@example.org\n"
        b"X-Other: ignored\nSubject: caf\xc3\xa9\r\nsubject : second\n"
    )
    assert header_fields(block) == {
        "to": ["a@example.org, b@example.org"],
        "subject": ["café", "second"],
    }


# Address lists of the common shapes, checked against the standard library.
_LOCAL = st.from_regex(r"[a-z][a-z0-9._+-]{0,8}", fullmatch=True)
_NAME = st.from_regex(r"[A-Za-z][A-Za-z .'-]{0,12}", fullmatch=True)


@st.composite
def mailboxes(draw: st.DrawFn) -> str:
    address = f"{draw(_LOCAL)}@{draw(st.sampled_from(['example.org', 'mail.example.com']))}"
    shape = draw(st.sampled_from(["bare", "angle", "name", "quoted", "quoted-comma"]))
    name = draw(_NAME).strip()
    return {
        "bare": address,
        "angle": f"<{address}>",
        "name": f"{name} <{address}>" if name else address,
        "quoted": f'"{name}" <{address}>',
        "quoted-comma": f'"{name}, Jr" <{address}>',
    }[shape]


@settings(max_examples=200, deadline=None)
@given(st.lists(mailboxes(), min_size=1, max_size=6), st.sampled_from([", ", ",", " , ", ",\t"]))
def test_parse_addresses_agrees_with_the_standard_library(items: list[str], sep: str) -> None:
    text = sep.join(items)
    expected = [(n, a) for n, a in email.utils.getaddresses([text]) if "@" in a]
    assert parse_addresses(text) == expected


def test_parse_addresses_hands_the_unusual_to_the_standard_library() -> None:
    assert parse_addresses("Team: ana@example.org, bo@example.org;") == [
        ("", "ana@example.org"),
        ("", "bo@example.org"),
    ]
    assert parse_addresses("ana@example.org (Ana Silva)") == [("Ana Silva", "ana@example.org")]
    assert parse_addresses("undisclosed-recipients:;") == []
    assert parse_addresses("a@example.org, , b@example.org, ") == [
        ("", "a@example.org"),
        ("", "b@example.org"),
    ]


def test_encoded_words() -> None:
    assert decode_words("=?ISO-8859-1?Q?Zo=EB?= Silva") == "Zoë Silva"
    assert decode_words("=?utf-8?b?SGVsbG8g?= =?utf-8?b?V29ybGQ=?=") == "Hello World"
    assert decode_words("=?x-nope?q?caf=C3=A9?=") == "café"  # unknown charset: UTF-8
    assert decode_words("=?utf-8?q?broken") == "=?utf-8?q?broken"
    assert decode_words("plain") == "plain"


@pytest.mark.parametrize(
    ("text", "expected", "noted"),
    [
        ("Wed, 6 Jun 2001 10:46:14 -0700 (PDT)", "2001-06-06T10:46:14-07:00", False),
        ("6 Jun 01 10:46 GMT", "2001-06-06T10:46:00+00:00", False),
        ("Tue, 10 Mar 2026 09:00:00 CEST", "2026-03-10T09:00:00+02:00", False),
        ("Tue, 10 Mar 2026 09:00:00 IST", "2026-03-10T09:00:00+05:30", False),
        ("Tue, 10 Mar 2026 09:00:00 +2500", "2026-03-10T09:00:00+00:00", True),
        ("Tue, 10 Mar 2026 09:00:00 -0000", "2026-03-10T09:00:00+00:00", False),  # RFC 5322: UTC
        ("2026-03-10T09:00:00Z", "2026-03-10T09:00:00+00:00", False),
    ],
)
def test_dates(text: str, expected: str, noted: bool) -> None:
    when, note = parse_date(text)
    assert when.isoformat() == expected
    assert (note is not None) is noted


def test_dates_that_are_not() -> None:
    with pytest.raises(ValueError, match="unreadable Date 'soon'"):
        parse_date("soon")
    with pytest.raises(ValueError, match="impossible Date"):
        parse_date("Mon, 30 Feb 2026 10:00:00 +0000")


def test_message_ids() -> None:
    assert message_id("  <abc@x.org> (comment)") == "abc@x.org"
    assert message_id("abc@x.org") == "abc@x.org"
    assert message_id("   ") is None


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("noreply@x.org", True),
        ("no-reply@x.org", True),
        ("no_reply+abc@x.org", True),
        ("DoNotReply@x.org", True),
        ("do-not-reply@x.org", True),
        ("jira-noreply@x.org", True),
        ("mailer-daemon@x.org", True),
        ("notifications@github.com", True),
        ("bounces+123@x.org", True),
        ("norah.eply@x.org", False),
        ("noreen@x.org", False),
        ("reply@x.org", False),
        ("ana.notify@x.org", False),
    ],
)
def test_no_reply_addresses(address: str, expected: bool) -> None:
    assert is_no_reply(address) is expected


def test_names_from_addresses() -> None:
    assert name_from_address("jeff.dasovich@enron.com") == "Jeff Dasovich"
    assert name_from_address("a..bibi@enron.com") == "A Bibi"
    assert name_from_address("j_smith-2@x.org") == "J Smith"
    assert name_from_address("1234@x.org") == "1234@x.org"


def test_dates_are_aware() -> None:
    when, _ = parse_date("Mon, 7 Nov 2016 19:44:27 +0100")
    assert when.utcoffset() == dt.timedelta(hours=1)


class _Endless(io.RawIOBase):
    """A stream of ``size`` bytes made up as they are read: ``head``, then ``fill``."""

    def __init__(self, head: bytes, size: int, fill: bytes = b"x") -> None:
        self.head, self.left, self.fill = head, size, fill

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.left)
        data = (self.head + self.fill * (n // len(self.fill) + 1))[:n]
        self.head = self.head[n:]
        buffer[:n] = data
        self.left -= n
        return n


def _peak_while(run: object) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        run()  # type: ignore[operator]
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_huge_body_is_skipped_in_bounded_memory() -> None:
    head = b"From a@b.c Mon Jan  1 00:00:00 2024\nFrom: a@b.c\nDate: x\n\n"
    body = 64 * 1024 * 1024  # lines of 60 bytes, never held whole
    stream = io.BufferedReader(_Endless(head, body, b"a line of the body, over and over " * 2))
    found: list[object] = []
    peak = _peak_while(lambda: found.extend(split_mbox(stream, "x")))
    assert len(found) == 1
    assert peak < 8 * mbox.CHUNK  # a few chunks (and this test's own), not 64 MiB


def test_a_huge_line_is_skipped_in_bounded_memory() -> None:
    head = b"From a@b.c Mon Jan  1 00:00:00 2024\nX-Junk: "
    stream = io.BufferedReader(_Endless(head, 32 * 1024 * 1024))  # no newline at all
    found: list[object] = []
    peak = _peak_while(lambda: found.extend(split_mbox(stream, "x")))
    assert [getattr(m, "reason", m) for m in found] == ["header block longer than 256 KiB"]
    assert peak < 8 * mbox.CHUNK  # not 32 MiB


def test_lines_are_counted_from_the_top_of_the_file() -> None:
    data = b"\n\r\nFrom a@b.c Mon Jan  1 00:00:00 2024\nFrom: a@b.c\n\nx\n"
    assert headers_of(data) == [(3, b"From: a@b.c\n")]
