"""One test per vCard edge case, each with its own fixture in tests/fixtures/vcard/edge."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dunbar import Ledger
from dunbar.importers.vcard import parse_birthday

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

EDGE = FIXTURES / "vcard" / "edge"


def _only(ledger: Ledger, name: str) -> tuple[int, int]:
    report = ledger.import_files([EDGE / name]).files[0]
    assert report.error is None
    return report.created, len(report.rejected)


def test_quoted_printable_soft_line_break(ledger: Ledger) -> None:
    assert _only(ledger, "quoted_printable_soft_line_break.vcf") == (1, 0)
    zoe = ledger.person("zoe@example.org")
    assert zoe.name == "Zoë Núñez"  # the FN breaks inside "Núñez" with a QP soft break
    assert (zoe.given_name, zoe.family_name) == ("Zoë", "Núñez")
    assert zoe.custom["note"] == "Line one\nLine two"


def test_folded_line_splits_a_utf8_character(ledger: Ledger) -> None:
    """ownCloud folds at 75 bytes even inside a character: unfold bytes, then decode."""
    assert _only(ledger, "folded_line_splits_utf8.vcf") == (1, 0)
    ana = ledger.person("ana.alvarez@example.org")
    assert ana.name == "Ana álvarez"
    assert ana.title == "Head of Partnerships and Alliances"


def test_shift_jis_charset(ledger: Ledger) -> None:
    assert _only(ledger, "shift_jis_charset.vcf") == (1, 0)
    person = ledger.person("+81 90 1234 5678")
    assert person.name == "安藤ロイド"
    assert (person.family_name, person.given_name) == ("安藤", "ロイド")
    assert person.phones == ["+819012345678"]


def test_itemn_groups_with_xablabel(ledger: Ledger) -> None:
    assert _only(ledger, "itemn_groups_with_xablabel.vcf") == (1, 0)
    bo = ledger.person("bo@work.example")
    assert bo.phones == ["+14155552671"]
    assert [i.value for i in bo.identities if i.kind == "url"] == ["https://linkedin.com/in/bochen"]
    assert bo.custom["labels"] == {
        "bo@work.example": "Work",
        "+1 415 555 2671": "Mobile",
        "https://www.linkedin.com/in/bochen": "LinkedIn",
    }


def test_birthday_without_year(ledger: Ledger) -> None:
    report = ledger.import_files([EDGE / "birthday_without_year.vcf"]).files[0]
    assert report.created == 5
    birthdays = {p.name: ledger.person(p.id).birthday for p in ledger.people()}
    assert birthdays == {
        "Apple No Year": "--05-17",  # X-APPLE-OMIT-YEAR
        "Rfc No Year": "--02-03",  # RFC 6350 --MMDD
        "Cardbook No Year": "--12-24",  # Thunderbird CardBook's year 1604
        "With Year": "1980-03-22",
        "Nonsense Birthday": None,
    }
    (warning,) = [w for w in report.warnings if "birthday" in w.message]
    assert "Nonsense Birthday" in warning.message and warning.where.endswith(":21")


def test_parse_birthday_forms() -> None:
    assert parse_birthday("1604-05-17", {"X-APPLE-OMIT-YEAR": ["1604"]}) == "--05-17"
    assert parse_birthday("2000-05-17", {"X-APPLE-OMIT-YEAR": ["2000"]}) == "--05-17"
    assert parse_birthday("20000517") == "2000-05-17"
    assert parse_birthday("may") is None


def test_photo_kept_by_hash_not_stored(ledger: Ledger) -> None:
    assert _only(ledger, "photo_inline_base64.vcf") == (2, 0)
    raw = (EDGE / "photo_inline_base64.vcf").read_bytes().decode()
    data = re.search(r"PHOTO;[^:]*:(.*?)\r\nEMAIL", raw, re.S)
    assert data is not None
    text = re.sub(r"\s", "", data.group(1))
    assert base64.b64decode(text) == bytes(range(256)) * 8
    person = ledger.person("photo@example.org")
    assert person.custom["photo"] == "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    assert ledger.person("Photo Uri").custom["photo"] == "https://example.org/p.jpg"
    everything = str(ledger.export())
    assert text[:80] not in everything  # the image itself is nowhere in the ledger


def test_broken_cards_are_reported_and_the_rest_imports(ledger: Ledger) -> None:
    report = ledger.import_files([EDGE / "broken_cards.vcf"]).files[0]
    assert report.created == 3
    assert [(r.where.rsplit(":", 1)[1], r.reason) for r in report.rejected] == [
        ("6", "card has no name (FN, N and NICKNAME are empty)"),
        ("11", "card has no name (FN, N and NICKNAME are empty)"),
    ]
    messages = [w.message for w in report.warnings]
    assert any("no END:VCARD" in m for m in messages)
    assert any("Good Two: dropped email" in m for m in messages)
    assert any("Good Two: dropped phone" in m for m in messages)
    assert ledger.person("Good Two").identities == []
    assert ledger.person("unclosed@example.org").name == "Unclosed At End"


def test_multiple_cards_of_every_version(ledger: Ledger) -> None:
    assert _only(ledger, "multiple_cards_mixed_versions.vcf") == (3, 0)
    ana = ledger.person("+351912345678")
    assert (ana.name, ana.given_name, ana.family_name) == ("Ana Silva", "Ana", "Silva")
    cy = ledger.person("Cy")
    assert (cy.name, cy.organisation) == ("Cy D, Jr.", "Acme, Inc.")
    dee = ledger.person("dee@example.org")
    assert dee.phones == ["+442079460958"]  # vCard 4 tel: URI


def test_utf16_file_from_windows(ledger: Ledger, tmp_path: Path) -> None:
    """Outlook and Windows Contacts can save a .vcf as UTF-16 with a BOM."""
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Núñez\r\nEMAIL:zoe@example.org\r\nEND:VCARD\r\n"
    path = tmp_path / "utf16.vcf"
    path.write_bytes(text.encode("utf-16"))
    assert path.read_bytes()[:2] == b"\xff\xfe"
    assert _only_path(ledger, path) == (1, 0)
    assert ledger.person("zoe@example.org").name == "Zoë Núñez"


def _only_path(ledger: Ledger, path: Path) -> tuple[int, int]:
    report = ledger.import_files([path]).files[0]
    return report.created, len(report.rejected)


def test_forgetting_an_imported_person_forgets_their_provenance(
    ledger: Ledger, table_rows: Callable[[Ledger], dict[str, list[dict[str, Any]]]]
) -> None:
    ledger.import_files([EDGE / "itemn_groups_with_xablabel.vcf"])
    assert len(table_rows(ledger)["provenance"]) == 1
    ledger.forget("bo@work.example")
    assert table_rows(ledger)["provenance"] == []
    report = ledger.import_files([EDGE / "itemn_groups_with_xablabel.vcf"]).files[0]
    assert report.created == 1  # a fresh start, not a ghost of the old record
