"""Every vCard file we have, from every client, imports without a crash.

The expected numbers were read off the files by hand (cards that have a name
become people; cards with neither FN, N nor NICKNAME are rejected with a reason)
and then confirmed against this importer. Cards of one file that share an email
become one person (kcontacts ``vcard10.vcf``: two cards of the same doctor).

Permissively licensed files are in ``tests/fixtures/vcard`` (see its SOURCES.md);
GPL/LGPL ones (Radicale, KDE kcontacts, DAVx5) are read from ``../shared/data``
and skipped when it is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dunbar import Ledger
from dunbar.importers.records import FormatError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# (file, people created in an empty ledger, cards rejected)
COPIED = [
    ("android-vcard/v21_adr_multiple_line.vcf", 1, 0),
    ("android-vcard/v21_android_custom_prop.vcf", 0, 1),  # only X-ANDROID-CUSTOM, no name
    ("android-vcard/v21_backslash.vcf", 1, 0),
    ("android-vcard/v21_base64_no_2_crlf.vcf", 1, 0),
    ("android-vcard/v21_blackberry_photo.vcf", 1, 0),
    ("android-vcard/v21_complicated.vcf", 1, 0),
    ("android-vcard/v21_im.vcf", 1, 0),  # named by Android's X-ANDROID-CUSTOM nickname
    ("android-vcard/v21_invalid_comment_line.vcf", 1, 0),
    ("android-vcard/v21_invalid_multiple_line.vcf", 1, 0),
    ("android-vcard/v21_japanese_1.vcf", 1, 0),
    ("android-vcard/v21_japanese_2.vcf", 1, 0),
    ("android-vcard/v21_japanese_3.vcf", 1, 0),
    ("android-vcard/v21_malformed_photo.vcf", 1, 0),
    ("android-vcard/v21_multiple_entry.vcf", 3, 0),
    ("android-vcard/v21_nest.vcf", 3, 0),  # a parent card holding two nested cards
    ("android-vcard/v21_org_before_title.vcf", 1, 0),
    ("android-vcard/v21_pref_handling.vcf", 1, 0),
    ("android-vcard/v21_simple_1.vcf", 1, 0),
    ("android-vcard/v21_simple_2.vcf", 1, 0),
    ("android-vcard/v21_simple_3.vcf", 1, 0),
    ("android-vcard/v21_sip.vcf", 1, 0),
    ("android-vcard/v21_title_before_org.vcf", 1, 0),
    ("android-vcard/v21_winmo_65.vcf", 1, 0),
    ("android-vcard/v21_x_android_custom_after_photo.vcf", 1, 0),
    ("android-vcard/v21_x_param.vcf", 1, 0),
    ("android-vcard/v30_comma_separated.vcf", 1, 0),
    ("android-vcard/v30_ios_613_multiline.vcf", 1, 0),
    ("android-vcard/v30_japanese.vcf", 1, 0),
    ("android-vcard/v30_multibyte_param.vcf", 1, 0),
    ("android-vcard/v30_pager.vcf", 1, 0),
    ("android-vcard/v30_pause_wait.vcf", 1, 0),
    ("android-vcard/v30_simple.vcf", 1, 0),
    ("android-vcard/v30_sip.vcf", 1, 0),
    ("android-vcard/v40_sip.vcf", 1, 0),
    ("android-vcard/v40_sort_as.vcf", 1, 0),
    ("ez-vcard/John_Doe_ANDROID.vcf", 4, 2),  # two empty cards
    ("ez-vcard/John_Doe_BLACK_BERRY.vcf", 1, 0),
    ("ez-vcard/John_Doe_EVOLUTION.vcf", 1, 0),
    ("ez-vcard/John_Doe_GMAIL.vcf", 1, 0),
    ("ez-vcard/John_Doe_IPHONE.vcf", 1, 0),
    ("ez-vcard/John_Doe_LOTUS_NOTES.vcf", 1, 0),
    ("ez-vcard/John_Doe_MAC_ADDRESS_BOOK.vcf", 1, 0),
    ("ez-vcard/John_Doe_MS_OUTLOOK.vcf", 1, 0),
    ("ez-vcard/fullcontact.vcf", 1, 0),
    ("ez-vcard/gmail-list.vcf", 3, 0),
    ("ez-vcard/gmail-single.vcf", 1, 0),
    ("ez-vcard/gmail-single2.vcf", 1, 0),
    ("ez-vcard/issue114.vcf", 1, 0),
    ("ez-vcard/outlook-2003.vcf", 1, 0),
    ("ez-vcard/outlook-2007.vcf", 1, 0),
    ("ez-vcard/rfc2426-example.vcf", 2, 0),
    ("ez-vcard/rfc6350-example.vcf", 1, 0),
    ("ez-vcard/thunderbird-MoreFunctionsForAddressBook-extension.vcf", 1, 0),
    ("vobject/radicale-1587.vcf", 1, 0),
]

IN_SHARED_ONLY = [
    ("kcontacts/testfullvcard.vcf", 1, 0),
    ("kcontacts/vcard1.vcf", 1, 0),
    ("kcontacts/vcard10.vcf", 3, 1),
    ("kcontacts/vcard11.vcf", 1, 0),
    ("kcontacts/vcard12.vcf", 1, 0),
    ("kcontacts/vcard13.vcf", 1, 0),
    ("kcontacts/vcard14.vcf", 1, 0),
    ("kcontacts/vcard15.vcf", 1, 0),
    ("kcontacts/vcard2.vcf", 1, 0),
    ("kcontacts/vcard3.vcf", 1, 0),
    ("kcontacts/vcard4.vcf", 0, 1),  # Evolution company card: empty FN and N
    ("kcontacts/vcard5.vcf", 1, 0),
    ("kcontacts/vcard6.vcf", 1, 0),
    ("kcontacts/vcard7.vcf", 0, 1),
    ("kcontacts/vcard8.vcf", 1, 0),
    ("kcontacts/vcard9.vcf", 1, 0),  # ownCloud folds inside UTF-8 characters
    ("kcontacts/vcard_extension_case_normalization.vcf", 1, 0),
    ("kcontacts/vcard_legacy_messaging_fields.vcf", 1, 0),
    ("kcontacts/vcardwithitemasapplesupport.vcf", 1, 0),
    ("radicale/broken-vcard.vcf", 0, 1),  # Radicale's known-broken: no N, no FN
    ("radicale/broken-vcards.vcf", 0, 2),
    ("radicale/broken-vcards2-no_uid.vcf", 1, 1),
    ("radicale/broken-vcards2.vcf", 1, 1),
    ("radicale/contact1.vcf", 1, 0),
    ("radicale/contact1_v4.vcf", 1, 0),
    ("radicale/contact2-with-bday.vcf", 1, 0),
    ("radicale/contact3-with-bday.vcf", 1, 0),
    ("radicale/contact4-with-bday-no-year.vcf", 1, 0),
    ("radicale/contact_multiple.vcf", 2, 0),
    ("radicale/contact_multiple_v4.vcf", 2, 0),
    ("radicale/contact_photo_with_data_uri.vcf", 1, 0),
    ("radicale/contact_photo_with_data_uri_v4.vcf", 1, 0),
    ("vcard4android/allfields-vcard3.vcf", 1, 0),
    ("vcard4android/strange-rev.vcf", 1, 0),
    ("vcard4android/unknown-properties-with-labels.vcf", 1, 0),
    ("vcard4android/vcard4.vcf", 1, 0),
]


def _check(ledger: Ledger, path: Path, people: int, rejected: int) -> None:
    report = ledger.import_files([path])
    (done,) = report.files
    assert done.error is None
    assert (done.created, len(done.rejected)) == (people, rejected)
    assert ledger.count_people() == 1 + people
    for rejection in done.rejected:
        assert rejection.file == str(path) and rejection.where.startswith(f"{path}:")
        assert rejection.reason
    again = ledger.import_files([path]).files[0]
    assert (again.created, again.updated, again.merged) == (0, 0, 0)


@pytest.mark.parametrize(("name", "people", "rejected"), COPIED, ids=[c[0] for c in COPIED])
def test_copied_vcard_file(ledger: Ledger, name: str, people: int, rejected: int) -> None:
    _check(ledger, FIXTURES / "vcard" / name, people, rejected)


@pytest.mark.parametrize(
    ("name", "people", "rejected"), IN_SHARED_ONLY, ids=[c[0] for c in IN_SHARED_ONLY]
)
def test_shared_vcard_file(
    ledger: Ledger, shared_file: Callable[[str], Path], name: str, people: int, rejected: int
) -> None:
    _check(ledger, shared_file(f"vcard/{name}"), people, rejected)


def test_every_shared_vcard_file_is_in_a_table(shared_file: Callable[[str], Path]) -> None:
    root = shared_file("vcard")
    listed = {n for n, _, _ in COPIED + IN_SHARED_ONLY}
    found = {str(p.relative_to(root)) for p in root.rglob("*.vcf")}
    assert found == listed


@pytest.mark.parametrize("name", ["ez-vcard/jcard-example.json", "ez-vcard/rfc6351-example.xml"])
def test_jcard_and_xcard_are_refused_in_one_line(
    ledger: Ledger, shared_file: Callable[[str], Path], name: str
) -> None:
    path = shared_file(f"vcard/{name}")
    with pytest.raises(FormatError, match="not a vCard") as caught:
        ledger.import_files([path], format="vcard")
    assert "\n" not in str(caught.value)
    with pytest.raises(FormatError, match="not recognised"):
        ledger.import_files([path])
    assert ledger.count_people() == 1


def test_the_john_doe_exports_of_six_clients_become_one_person(ledger: Ledger) -> None:
    """ez-vcard's John Doe, exported by Evolution, Gmail, iPhone, Lotus Notes, Mac
    Address Book and Outlook, shares john.doe@ibm.com: one person, six sources.
    (The BlackBerry and Android exports are other test contacts.)"""
    files = sorted((FIXTURES / "vcard" / "ez-vcard").glob("John_Doe_*.vcf"))
    report = ledger.import_files(files)
    assert report.total("created") == 6  # 4 Android cards, BlackBerry, Evolution
    assert report.total("merged") == 5
    john = ledger.person("john.doe@ibm.com")
    assert john.organisation == "IBM"
    sources = ledger.sources(john.id)
    assert sorted(Path(s.file).name for s in sources) == [
        f"John_Doe_{client}.vcf"
        for client in (
            "EVOLUTION",
            "GMAIL",
            "IPHONE",
            "LOTUS_NOTES",
            "MAC_ADDRESS_BOOK",
            "MS_OUTLOOK",
        )
    ]
    assert all(s.source == "vcard" and s.line == 1 for s in sources)
