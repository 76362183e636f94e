"""LinkedIn (three Connections layouts, messages), Google Contacts (both layouts).

The staged LinkedIn/Google files in ../shared are header-only on purpose (real rows
name real people); our fixtures copy those exact headers and preambles and add
invented rows with the quirks FORMATS.md lists (quoted commas, empty emails,
emoji, parenthesised nicknames, percent-encoded slugs, non-Latin names, `:::`
multi-values, quoted newlines, `--MM-DD` birthdays).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from dunbar import Channel, Initiative, Ledger
from dunbar.importers.formats import detect

CSV = Path(__file__).resolve().parents[1] / "fixtures" / "csv"


@pytest.mark.parametrize(
    ("fixture", "staged"),
    [
        ("linkedin_connections_2018.csv", "linkedin_Connections_2018-04_header_only.csv"),
        (
            "linkedin_connections_2022.csv",
            "linkedin_Connections_2022-09_preamble_and_header_only.csv",
        ),
        (
            "linkedin_connections_2025.csv",
            "linkedin_Connections_2025-12_preamble_and_header_only.csv",
        ),
        ("linkedin_messages_2022.csv", "linkedin_messages_2022-09_header_only.csv"),
        ("linkedin_messages_2018.csv", "linkedin_Messages_2018-04_header_only.csv"),
        ("linkedin_invitations_2022.csv", "linkedin_Invitations_2022-09_header_only.csv"),
        ("google_contacts_legacy.csv", "google_contacts_legacy_GoogleCSV_header_only.csv"),
    ],
)
def test_fixtures_use_the_real_headers(
    fixture: str, staged: str, shared_file: Callable[[str], Path]
) -> None:
    real = shared_file(f"csv_formats/{staged}").read_bytes().rstrip(b"\n")
    ours = (CSV / fixture).read_bytes()
    assert ours.startswith(real + b"\n")
    assert detect(real, Path(staged)).name == detect(ours, Path(fixture)).name


def test_linkedin_2018_connections(ledger: Ledger) -> None:
    report = ledger.import_files([CSV / "linkedin_connections_2018.csv"]).files[0]
    assert (report.format, report.created) == ("linkedin", 3)
    assert [(r.where.rsplit(":", 1)[1], r.reason) for r in report.rejected] == [
        ("5", "bad Connected On date 'someday'")
    ]
    ana = ledger.person("ana@example.org")
    assert (ana.organisation, ana.title, ana.first_known) == (
        "Acme, Inc.",
        "CFO",
        dt.date(2018, 4, 4),
    )
    assert ledger.person("Bo Chen").first_known == dt.date(2017, 1, 12)
    assert ledger.person("Zoë Núñez 🚀").given_name == "Zoë"


def test_three_layouts_of_one_network_make_one_set_of_people(ledger: Ledger) -> None:
    """2018, then 2022 (preamble), then 2025 (preamble + URL) of the same account."""
    names = ["2018", "2022", "2025"]
    reports = [ledger.import_files([CSV / f"linkedin_connections_{n}.csv"]).files[0] for n in names]
    assert [r.created for r in reports] == [3, 2, 1]
    assert [len(r.rejected) for r in reports] == [1, 0, 1]
    ana = ledger.person("https://www.linkedin.com/in/anasilva")  # matched by email first
    assert ana.emails == ["ana@example.org"]
    assert ana.title == "CFO"  # merges fill in, they never overwrite
    assert ana.first_known == dt.date(2018, 4, 4)
    assert ledger.person("Cy (Cyrus) Dean").organisation == "Reddit, Inc."
    assert ledger.person("山田").name == "太郎 山田"
    dee = ledger.person("https://www.linkedin.com/in/%7Edee")
    assert dee.first_known == dt.date(2025, 12, 22)
    assert ledger.count_people() == 1 + 6
    again = [ledger.import_files([CSV / f"linkedin_connections_{n}.csv"]).files[0] for n in names]
    assert [(r.created, r.updated, r.merged) for r in again] == [(0, 0, 0)] * 3


def test_linkedin_messages_become_message_encounters(ledger: Ledger) -> None:
    ledger.import_files([CSV / "linkedin_connections_2025.csv"])
    dee = ledger.person("Dee Evans")
    report = ledger.import_files([CSV / "linkedin_messages_2022.csv"]).files[0]
    assert report.encounters_added == 4
    assert [r.reason for r in report.rejected] == ["bad or missing DATE 'not a date'"]
    timeline = ledger.profile(dee.id).encounters
    assert [(e.channel, e.initiative, e.title) for e in reversed(timeline)] == [
        (Channel.MESSAGE, Initiative.OUT, "Great to connect"),
        (Channel.MESSAGE, Initiative.IN, "LinkedIn message"),
    ]
    assert all(e.notes is None for e in timeline)  # message content is never stored
    group = ledger.profile("Bo Chen").encounters[0]
    assert len(group.participants) == 2 and group.initiative is Initiative.OUT
    bot = ledger.person("Recruiter Bot")
    assert [i.value for i in bot.identities] == ["https://linkedin.com/in/recruiterbot"]
    assert ledger.count_people() == 1 + 2 + 2  # me, Ana and Dee; then Bot and Bo (Ana by name)
    again = ledger.import_files([CSV / "linkedin_messages_2022.csv"]).files[0]
    assert (again.encounters_added, again.encounters_existing, again.created) == (0, 4, 0)


def test_linkedin_2018_messages_use_the_direction_column(ledger: Ledger) -> None:
    report = ledger.import_files([CSV / "linkedin_messages_2018.csv"]).files[0]
    assert (report.created, report.encounters_added) == (1, 2)
    timeline = ledger.profile("Ana Silva").encounters
    assert [e.initiative for e in reversed(timeline)] == [Initiative.IN, Initiative.OUT]


def test_google_legacy_layout(ledger: Ledger) -> None:
    report = ledger.import_files([CSV / "google_contacts_legacy.csv"], region="PT").files[0]
    assert (report.format, report.created) == ("google", 2)
    assert [r.reason for r in report.rejected] == ["contact has no name"]
    ana = ledger.person("ana@example.org")
    assert ana.emails == ["ana@example.org", "ana.silva@acme.example"]  # ' ::: ' multi-value
    assert ana.phones == ["+351912345678"]  # two spellings of one number
    assert (ana.organisation, ana.title, ana.birthday) == ("Acme", "CFO", "1985-05-17")
    assert ana.tags == ["Friends"]  # system groups (* myContacts, * starred) are not tags
    assert ana.custom["note"] == "Met at PyCon"
    bo = ledger.person("bo@example.org")
    assert (bo.birthday, bo.custom["nickname"]) == ("--11-02", "Bobby")


def test_google_current_layout(ledger: Ledger) -> None:
    report = ledger.import_files([CSV / "google_contacts_current.csv"]).files[0]
    assert (report.created, report.rejected) == (2, [])
    zoe = ledger.person("zoe@example.org")
    assert (zoe.name, zoe.organisation, zoe.title) == ("Zoë Núñez", "Globex", "Designer")
    assert (zoe.birthday, zoe.location, zoe.tags) == ("--05-17", "Berlin, Germany", ["Climbing"])
    assert zoe.phones == ["+4915112345678"]
    assert zoe.custom["photo"] == "https://lh3.googleusercontent.com/zoe.jpg"
    assert [i.value for i in zoe.identities if i.kind == "url"] == ["https://zoe.example"]
    assert ledger.person("Nick Only").emails == []


def test_google_then_vcard_of_the_same_person_merge_by_email(ledger: Ledger) -> None:
    ledger.import_files([CSV / "google_contacts_current.csv"])
    vcard = CSV.parent / "vcard" / "edge" / "quoted_printable_soft_line_break.vcf"
    report = ledger.import_files([vcard])
    assert (report.total("created"), report.total("merged")) == (0, 1)
    zoe = ledger.person("zoe@example.org")
    assert zoe.custom["note"] == "Line one\nLine two"  # filled in from the vCard
    assert sorted(s.source for s in ledger.sources(zoe.id)) == ["google", "vcard"]


def test_linkedin_invitations_say_who_reached_out(ledger: Ledger) -> None:
    report = ledger.import_files([CSV / "linkedin_invitations_2022.csv"]).files[0]
    assert (report.format, report.created, report.encounters_added) == ("linkedin", 2, 2)
    sent = ledger.profile("Dee Evans").encounters[0]
    assert (sent.initiative, sent.title) == (Initiative.OUT, "LinkedIn invitation")
    assert sent.when == dt.datetime(2025, 12, 22, 20, 56, tzinfo=dt.UTC)
    assert ledger.profile("Eve Park").encounters[0].initiative is Initiative.IN
