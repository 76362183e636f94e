"""The email importer on its edge cases: one fixture each, in tests/fixtures/email.

Every fixture was written for these tests (see its SOURCE.md); the expected
numbers below are read off the fixture files themselves, message by message.
"""

from __future__ import annotations

import datetime as dt
import json
import mailbox
from pathlib import Path

import pytest

from dunbar import Channel, IdentityKind, Initiative, Ledger, NotFoundError
from dunbar.importers.email_messages import (
    ARCHIVE,
    AUTOMATIC,
    BETWEEN_OTHERS,
    BULK,
    LIST,
    MINE_TO_MANY,
    NO_REPLY,
    TO_MYSELF,
)
from dunbar.importers.pipeline import FileReport

EMAIL = Path(__file__).resolve().parents[1] / "fixtures" / "email"
ME = "rosa@example.org"


@pytest.fixture
def mine(ledger: Ledger) -> Ledger:
    """The test ledger, with my address on "me"."""
    ledger.edit_person("me", add={IdentityKind.EMAIL: [ME]})
    return ledger


def one(ledger: Ledger, name: str, **options: object) -> FileReport:
    (report,) = ledger.import_files([EMAIL / name], **options).files  # type: ignore[arg-type]
    assert report.error is None
    return report


def titles(ledger: Ledger, who: str) -> list[str | None]:
    return sorted((e.title for e in ledger.profile(who).encounters), key=str)


def test_list_mail_is_left_out_and_counted_by_reason(mine: Ledger) -> None:
    report = one(mine, "list_mail.mbox")
    # 7 messages: List-Id (2, one spelled list-id), List-Unsubscribe, Precedence: list
    # -> 4 list; Precedence: junk -> bulk; pipermail "gpoo at example.com" -> archive.
    assert report.filtered == {LIST: 4, BULK: 1, ARCHIVE: 1}
    assert (report.encounters_added, report.rejected) == (1, [])
    assert [p.name for p in mine.people()] == ["Ana Silva"]
    assert titles(mine, "Ana Silva") == ["Lunch on Thursday?"]


def test_no_reply_senders_and_automatic_replies_are_left_out(mine: Ledger) -> None:
    report = one(mine, "noreply.mbox")
    # noreply@, no-reply@, DoNotReply@, MAILER-DAEMON@, notifications@, jira-noreply@;
    # Auto-Submitted: auto-replied and X-Autoreply; Norah (Auto-Submitted: no) is kept.
    assert report.filtered == {NO_REPLY: 6, AUTOMATIC: 2}
    assert report.encounters_added == 1
    assert [p.name for p in mine.people()] == ["Norah Eply"]


def test_many_recipients_mark_the_message_and_give_no_ties(mine: Ledger) -> None:
    report = one(mine, "many_recipients.mbox")
    assert report.filtered == {MINE_TO_MANY: 1}  # I wrote to 11 people
    boss = mine.profile("The Boss").encounters
    assert [(e.title, len(e.participants)) for e in boss] == [
        ("Team of ten", 10),  # 10 people besides me: not more than the default 10
        ("All hands on Friday [bulk: 12 recipients]", 1),  # the sender only
    ]
    assert all(e.initiative is Initiative.IN and e.channel is Channel.EMAIL for e in boss)
    # Only "Team of ten" gives ties: the 10 people, 45 pairs; Person 10 to 12 were
    # only on the bulk message and are not in the ledger at all.
    assert report.acquaintances == 45
    assert len(mine.people("Person")) == 9


def test_max_recipients_is_configurable(mine: Ledger) -> None:
    report = one(mine, "many_recipients.mbox", max_recipients=11)
    assert report.filtered == {}  # 11 recipients of mine is no longer more than 11
    assert report.encounters_added == 3
    assert "All hands on Friday [bulk: 12 recipients]" in titles(mine, "The Boss")
    again = one(mine, "many_recipients.mbox", max_recipients=5)
    # Under the lower limit "Team of ten" is bulk: the same encounter (its Message-ID)
    # is read differently, so it is updated; "All hands" reads the same; the message I
    # sent to 11 is now left out (its encounter stays).
    counts = (again.encounters_added, again.encounters_existing, again.encounters_updated)
    assert counts == (0, 1, 1)
    # Its 10 people besides me are The Boss and 9 recipients: 9 > 5, the sender only.
    boss = mine.profile("The Boss").encounters
    assert ("Team of ten [bulk: 9 recipients]", 1) in [(e.title, len(e.participants)) for e in boss]


def test_cc_lists_are_email_cc_evidence_counted_once_per_message(mine: Ledger) -> None:
    report = one(mine, "cc_evidence.mbox")
    # cc-1 (twice in the file) and cc-2 and the Bcc: three encounters, one repeat.
    assert (report.encounters_added, report.encounters_existing) == (3, 1)
    ties = {
        (mine.person(t.person_a_id).name, mine.person(t.person_b_id).name): t
        for t in mine.acquaintances()
    }
    assert set(ties) == {
        ("Ana Silva", "Bo Chen"),
        ("Ana Silva", "Chloe Dubois"),
        ("Bo Chen", "Chloe Dubois"),
    }
    assert {t.evidence.value for t in ties.values()} == {"email_cc"}
    ana_bo = ties[("Ana Silva", "Bo Chen")]
    assert (ana_bo.count, ana_bo.first_seen, ana_bo.last_seen) == (
        2,  # cc-1 and cc-2, not the repeat of cc-1
        dt.date(2026, 3, 5),
        dt.date(2026, 3, 6),
    )
    assert ties[("Bo Chen", "Chloe Dubois")].count == 1
    thanks = [e for e in mine.profile("Dmitri Novak").encounters]
    assert [(e.title, e.initiative) for e in thanks] == [("Thank you", Initiative.OUT)]
    assert mine.acquaintances("Dmitri Novak") == []  # a Bcc is seen by no one
    again = one(mine, "cc_evidence.mbox")
    assert (again.encounters_added, again.acquaintances) == (0, 0)
    assert sorted(t.count for t in mine.acquaintances()) == [1, 1, 2]  # unchanged


def test_encoded_word_names_and_raw_bytes(mine: Ledger) -> None:
    report = one(mine, "encoded_words.mbox")
    assert report.rejected == []
    names = {p.name for p in mine.people()}
    assert names == {
        "Zoë Núñez",  # =?ISO-8859-1?Q?...
        "Jörg Müller",  # =?UTF-8?B?...
        "Mystery Person",  # an unknown charset, read as UTF-8
        "Baños, Pilar",  # raw UTF-8 in a quoted name (RFC 6532)
        "René Dubois",  # raw Latin-1 in the same field
    }
    (encounter,) = mine.profile("zoe nunez").encounters
    assert encounter.title == "Café on Friday?"  # two encoded words, joined
    assert len(encounter.participants) == 5


def test_missing_and_broken_dates_are_rejected_with_reasons(mine: Ledger) -> None:
    report = one(mine, "missing_date.mbox")
    path = str(EMAIL / "missing_date.mbox")
    assert [(r.where, r.reason) for r in report.rejected] == [
        (f"{path}:1", "no Date header"),
        (f"{path}:7", "unreadable Date 'sometime next week'"),
        (f"{path}:14", "dated 1970, before email existed"),
        (f"{path}:21", "dated 2100-01-01, in the future"),
        (
            f"{path}:42",
            "impossible Date 'Tue, 32 Mar 2026 09:00:00 +0000' (day is out of range for month)",
        ),
        (f"{path}:49", "no sender address in From"),
    ]
    when = {e.title: e.when for e in mine.profile("Ana Silva").encounters}
    cest = dt.timezone(dt.timedelta(hours=2))
    assert when["A zone name Python does not know"] == dt.datetime(2026, 3, 10, 9, tzinfo=cest)
    assert when["An impossible zone"] == dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
    assert [w.message for w in report.warnings] == [
        "time zone of Date 'Tue, 10 Mar 2026 09:00:00 +2500' not understood; read as UTC"
    ]


def test_non_ascii_from_lines_import(mine: Ledger) -> None:
    path = EMAIL / "non_ascii_from_line.mbox"
    box = mailbox.mbox(str(path))
    try:
        with pytest.raises(UnicodeDecodeError):  # the case is real: the stdlib fails on it
            list(box)
    finally:
        box.close()
    report = one(mine, "non_ascii_from_line.mbox")
    assert (report.encounters_added, report.rejected) == (2, [])
    assert {p.name for p in mine.people()} == {
        "Lucía Charlie",
        "Christian Aistleitner",
    }


def test_a_body_is_never_stored(mine: Ledger, db_target: str, backend: str) -> None:
    report = one(mine, "body_never_stored.mbox")
    # The body's "From " lines (no time of day, or escaped) do not split the message.
    assert (report.encounters_added, report.rejected, report.filtered) == (2, [], {})
    marker = "zebra-quokka-7731"
    exported = json.dumps(mine.export(), ensure_ascii=False).lower()
    assert marker not in exported and "secret body" in exported  # the subject is kept
    assert mine.search("quokka") == []
    with pytest.raises(NotFoundError):  # the header-like body line made no one
        mine.person("zebra-quokka-7731@example.org")
    if backend == "sqlite":
        mine.close()
        files = [Path(db_target), *Path(db_target).parent.glob(Path(db_target).name + "-*")]
        for file in files:
            data = file.read_bytes().lower()
            assert marker.encode() not in data
            assert marker.encode("utf-16-le") not in data


def test_messages_from_me_and_to_me(mine: Ledger) -> None:
    report = one(mine, "from_me.mbox")
    assert report.filtered == {TO_MYSELF: 1, BETWEEN_OTHERS: 1}
    ana = {e.title: e.initiative for e in mine.profile("Ana Silva").encounters}
    assert ana == {"I wrote to Ana": Initiative.OUT, "Ana wrote to me": Initiative.IN}
    (bcc,) = mine.profile("Bo Chen").encounters  # Delivered-To: me, To: undisclosed
    assert (bcc.title, bcc.initiative) == ("Bo wrote to me in Bcc", Initiative.IN)
    (tie,) = mine.acquaintances("Chloe Dubois")
    assert {mine.person(tie.person_a_id).name, mine.person(tie.person_b_id).name} == {
        "Bo Chen",
        "Chloe Dubois",
    }
    assert mine.profile("Chloe Dubois").encounters == []


def test_me_given_on_the_command_line_counts_as_mine(ledger: Ledger) -> None:
    report = one(ledger, "from_me.mbox", me_ids=["Rosa@Example.org"])
    assert report.encounters_added == 3 and report.warnings == []


def test_without_my_address_nothing_is_mine_and_the_report_says_so(ledger: Ledger) -> None:
    report = one(ledger, "from_me.mbox")
    assert report.encounters_added == 0
    assert report.filtered == {BETWEEN_OTHERS: 5}  # but who knows whom is kept
    assert report.acquaintances == 2  # Rosa (as a contact) with Ana; Chloe with Bo
    (note,) = report.warnings
    assert note.where == note.file  # about the file: the CLI prints it as a note
    assert "does not know your email address" in note.message
    assert "dunbar edit me --add-email" in note.message


def test_messages_without_message_id_get_a_stable_key(mine: Ledger) -> None:
    first = one(mine, "no_message_id.mbox")
    assert first.encounters_added == 2
    refs = {e.source_ref for e in mine.profile("Ana Silva").encounters}
    assert len(refs) == 2 and all(r is not None and r.startswith("hdr:") for r in refs)
    again = one(mine, "no_message_id.mbox")
    assert (again.encounters_added, again.encounters_existing) == (0, 2)


def test_the_message_id_is_the_key_across_files_and_formats(mine: Ledger) -> None:
    one(mine, "cc_evidence.mbox")
    (encounter,) = [e for e in mine.profile("Chloe Dubois").encounters]
    assert (encounter.source, encounter.source_ref) == ("email", "mid:cc-1@example.org")


def test_crlf_and_a_single_message_file(mine: Ledger) -> None:
    crlf = one(mine, "crlf.mbox")
    assert (crlf.format, crlf.encounters_added, crlf.acquaintances) == ("mbox", 2, 1)
    eml = one(mine, "single_message.eml")
    assert (eml.format, eml.encounters_added) == ("mbox", 1)
    assert "One message, no postmark (an .eml file)" in titles(mine, "Ana Silva")


def test_dry_run_writes_nothing(mine: Ledger, table_rows: object) -> None:
    before = table_rows(mine)  # type: ignore[operator]
    report = mine.import_files([EMAIL / "cc_evidence.mbox"], dry_run=True).files[0]
    assert (report.created, report.encounters_added, report.acquaintances) == (4, 3, 3)
    assert table_rows(mine) == before  # type: ignore[operator]
