"""The vCard fast path gives exactly the records the vobject path gives.

Every card of every fixture file (and of ``../shared/data/vcard`` when present) is
read both ways: :func:`~dunbar.importers.vcard_fast.fast_component` and
``vobject.readOne`` of the same clean card, each turned into a record by the same
``_record``. Hypothesis does the same for generated cards full of escapes,
separators, groups and odd characters.
"""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from dunbar.importers import vcard as vcard_module
from dunbar.importers.formats import ParseOptions
from dunbar.importers.records import PersonRecord, Rejection
from dunbar.importers.textio import read_lines
from dunbar.importers.vcard import _clean_card, _clean_lines, _record, parse_vcards
from dunbar.importers.vcard_fast import fast_component, split_fields, text_values
from dunbar.importers.vcard_lines import read_cards

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "tests" / "fixtures" / "vcard").rglob("*.vcf"))
SHARED = sorted((ROOT.parent / "shared" / "data" / "vcard").rglob("*.vcf"))
OPTIONS = ParseOptions(file="x.vcf")


def _as_dict(record: PersonRecord | Rejection) -> dict[str, Any]:
    data = dataclasses.asdict(record)
    data.pop("_digest", None)
    return data


def _both(data: bytes) -> list[tuple[dict[str, Any] | None, dict[str, Any] | str]]:
    """For each card: (fast record or None if declined, vobject record or error)."""
    out: list[tuple[dict[str, Any] | None, dict[str, Any] | str]] = []
    for card in read_cards(read_lines(io.BytesIO(data))):
        lines = _clean_lines(card)
        fast = fast_component((g, n, v) for g, n, _, v in lines)
        try:
            slow: dict[str, Any] | str = _as_dict(
                _record(card, vcard_module.vobject_component(_clean_card(lines)), OPTIONS)
            )
        except Exception as exc:  # the slow path's own failures are reported as such
            slow = f"vobject: {exc}"
        out.append((None if fast is None else _as_dict(_record(card, fast, OPTIONS)), slow))
    return out


def test_every_fixture_card_reads_the_same_both_ways() -> None:
    accepted = declined = 0
    for path in FILES:
        for fast, slow in _both(path.read_bytes()):
            if fast is None:
                declined += 1
                continue
            accepted += 1
            assert fast == slow, path.name
    # The fixtures hold 85 cards: 83 lines that are BEGIN:VCARD alone, plus the two
    # iOS files whose lines end in CR CR LF (v30_ios_613_multiline, John_Doe_IPHONE).
    # The fast path must take nearly all of them, or it is not the fast path.
    assert accepted + declined == 85
    assert declined <= 3, declined


@pytest.mark.skipif(not SHARED, reason="../shared/data/vcard is absent (GPL data stay there)")
def test_every_shared_card_reads_the_same_both_ways() -> None:
    accepted = declined = 0
    for path in SHARED:
        for fast, slow in _both(path.read_bytes()):
            if fast is None:
                declined += 1
                continue
            accepted += 1
            assert fast == slow, path
    assert accepted >= 100 and declined <= 3, (accepted, declined)


def test_unusual_values_go_through_vobject(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = vcard_module.vobject_component

    def spy(text: str) -> Any:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(vcard_module, "vobject_component", spy)
    plain = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Silva\r\nNOTE:a\\, b\\nc\r\nEND:VCARD\r\n"
    (record,) = parse_vcards(io.BytesIO(plain), OPTIONS)
    assert isinstance(record, PersonRecord) and record.custom["note"] == "a, b\nc"
    assert calls == []  # the fast path read it
    lone = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Silva\r\nTITLE:CFO\\\r\nEND:VCARD\r\n"
    (record,) = parse_vcards(io.BytesIO(lone), OPTIONS)
    assert len(calls) == 1 and "TITLE:CFO\\\r\n" in calls[0]
    assert isinstance(record, PersonRecord)
    assert record.title == "CFO\\eof"  # vobject's own reading of a lone backslash, kept


def test_text_values_follow_vobjects_rules() -> None:
    assert text_values("Silva, Ana") == ["Silva", " Ana"]  # FN keeps "Silva" only
    assert text_values(r"a\,b\;c\\d\ne\"f\:g") == ['a,b;c\\d\ne"f\\:g']
    assert text_values(",") == [""] and text_values("a,") == ["a"] and text_values("") == [""]
    assert split_fields(r"Silva\, Jr;Ana,Maria;;Dr.;") == ["Silva, Jr", ["Ana", "Maria"], "", "Dr."]


LONE_BACKSLASH_AT_END = r"(?<!\\)(?:\\\\)*\\$"


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(list('ab ,;\\nN":é')), max_size=14))
def test_text_values_and_split_fields_are_vobjects(text: str) -> None:
    from vobject.icalendar import stringToTextValues
    from vobject.vcard import splitFields

    assume(not re.search(LONE_BACKSLASH_AT_END, text))  # declined by the fast path
    assert text_values(text) == stringToTextValues(text)
    assert split_fields(text) == splitFields(text)


VALUE = st.text(
    alphabet=st.sampled_from([*'aZé ñ,;:\\"nN.-_@+1', "\t", "\x0c", "日", "\u2028"]),
    max_size=12,
)
PROPS = st.sampled_from(
    ["FN", "N", "NICKNAME", "ORG", "TITLE", "EMAIL", "TEL", "URL", "NOTE", "ADR",
     "CATEGORIES", "X-ABLABEL", "X-SOCIALPROFILE", "X-TWITTER", "BDAY", "UID"]
)  # fmt: skip
GROUP = st.sampled_from(["", "item1.", "ITEM1.", "item2.", "a_b-1."])
TYPES = st.sampled_from(["", ";TYPE=WORK", ";TYPE=home,pref", ";WORK;VOICE", ";TYPE=tëst"])


@st.composite
def cards(draw: st.DrawFn) -> bytes:
    version = draw(st.sampled_from(["2.1", "3.0", "4.0"]))
    lines = ["BEGIN:VCARD", f"VERSION:{version}"]
    for _ in range(draw(st.integers(1, 8))):
        value = draw(VALUE)
        lines.append(f"{draw(GROUP)}{draw(PROPS)}{draw(TYPES)}:{value}")
    lines.append("END:VCARD")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(cards())
@example(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Silva, Ana\r\nN:a\\;b;c,d\r\nEND:VCARD\r\n")
@example(b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Silva, Ana\\\\\r\nORG:x\\;y;z\r\nEND:VCARD\r\n")
@example(b"BEGIN:VCARD\r\nVERSION:3.0\r\nitem1.EMAIL:a@b.c\r\nITEM1.X-ABLABEL:x\r\nEND:VCARD\r\n")
def test_generated_cards_read_the_same_both_ways(card: bytes) -> None:
    for fast, slow in _both(card):
        if fast is not None:
            assert fast == slow
