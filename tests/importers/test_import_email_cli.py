"""`dunbar import` of mbox files and Maildir folders, through the real entry point."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dunbar import Initiative, Ledger

EMAIL = Path(__file__).resolve().parents[1] / "fixtures" / "email"
VCARD = Path(__file__).resolve().parents[1] / "fixtures" / "vcard" / "edge" / "broken_cards.vcf"
ME = "rosa@example.org"


def message(sender: str, to: str, mid: str, subject: str, day: int = 1) -> bytes:
    return (
        f"From: {sender}\nTo: {to}\nDate: Mon, {day} Jun 2026 09:00:00 +0000\n"
        f"Message-ID: <{mid}@example.org>\nSubject: {subject}\n\nThe body.\n"
    ).encode()


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    """~/Mail as mbsync and Dovecot leave it: an INBOX Maildir with Maildir++ and
    nested sub-folders, server files, a message in delivery, a draft; and a vCard."""
    mail = tmp_path / "Mail"
    inbox = mail / "INBOX"
    for sub in ("cur", "new", "tmp", ".Sent/cur", ".Sent/new", "Archive/2020/cur", ".notmuch"):
        (inbox / sub).mkdir(parents=True)
    files = {
        "cur/1700000001.1_1.host:2,S": message("Ana Silva <ana@example.org>", ME, "a", "Hi"),
        "new/1700000002.2_1.host": message("Bo Chen <bo@example.org>", ME, "b", "New mail"),
        "tmp/1700000003.3_1.host": message("Eve <eve@example.org>", ME, "t", "In delivery"),
        "cur/1700000004.4_1.host:2,DS": message(ME, "ana@example.org", "d", "Unsent draft"),
        ".Sent/cur/1700000005.5_1.host:2,S": message(ME, "chloe@example.org", "s", "Sent"),
        "Archive/2020/cur/1600000000.6_1.host:2,RS": message(
            "Dmitri <dmitri@example.org>", ME, "o", "Old", day=2
        ),
        "cur/1700000007.7_1.host:2,S": b"From MAILER-DAEMON Mon Jun  1 09:00:00 2026\n"
        + message("Farah <farah@example.org>", ME, "p", "A postmark on top"),
        "dovecot-uidlist": b"3 V1700000000 N8\n1 1700000001.1_1.host\n",
        "dovecot.index": bytes(range(256)),
        ".Sent/maildirfolder": b"",
        ".notmuch/xapian": message("Ghost <ghost@example.org>", ME, "x", "Hidden"),
    }
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    (mail / "contacts.vcf").write_bytes(VCARD.read_bytes())
    return mail


def test_import_an_mbox_file(cli: Any, db_target: str) -> None:
    assert cli("edit", "me", "--add-email", ME).code == 0
    path = str(EMAIL / "cc_evidence.mbox")
    result = cli("import", path)
    assert result.code == 0, result.err
    assert f"Imported {path} (mbox)" in result.out
    assert "encounters: 3 new, 1 known; 3 who-knows-whom ties" in result.out
    again = cli("import", path)
    assert "0 new, 0 updated" in again.out and "encounters: 0 new, 4 known" in again.out
    with Ledger.open(db_target) as ledger:
        assert len(ledger.profile("Ana Silva").encounters) == 3


def test_import_a_mail_folder(cli: Any, maildir: Path, db_target: str) -> None:
    cli("edit", "me", "--add-email", ME)
    result = cli("import", str(maildir), "--json")
    assert result.code == 0, result.err
    files = {Path(f["file"]).name: f for f in result.json()["files"]}
    assert set(files) == {"INBOX", "contacts.vcf"}  # the Maildir tree is one source
    inbox = files["INBOX"]
    assert inbox["format"] == "maildir"
    assert inbox["filtered"] == {"draft, never sent": 1}
    assert (inbox["encounters_added"], inbox["rejected"]) == (5, [])
    with Ledger.open(db_target) as ledger:
        names = {p.name for p in ledger.people()}
        assert {"Ana Silva", "Bo Chen", "Chloe", "Dmitri", "Farah"} <= names
        assert not names & {"Eve", "Ghost"}  # tmp/ and hidden folders are not read
        (sent,) = ledger.profile("chloe@example.org").encounters
        assert sent.initiative is Initiative.OUT
    again = cli("import", str(maildir / "INBOX"))
    assert "(maildir)" in again.out and "encounters: 0 new, 5 known" in again.out
    assert "left out: 1 draft, never sent" in again.out


def test_dry_run(cli: Any, maildir: Path, db_target: str) -> None:
    cli("edit", "me", "--add-email", ME)
    result = cli("import", str(maildir / "INBOX"), "--dry-run")
    assert result.code == 0, result.err
    assert "Would import" in result.out and "encounters: 5 new" in result.out
    assert "Dry run: nothing was written." in result.out
    with Ledger.open(db_target) as ledger:
        assert ledger.count_people() == 1


def test_a_file_that_is_not_an_mbox_fails_in_one_line(cli: Any, maildir: Path) -> None:
    result = cli("import", str(VCARD), "--format", "mbox")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "is not an mbox file or an email message" in result.err
    result = cli("import", str(EMAIL / "crlf.mbox"), "--format", "maildir")
    assert result.code == 2 and result.err.count("\n") == 1
    assert "is not a Maildir folder (with cur/ and new/ in it)" in result.err
    result = cli("import", str(maildir / "INBOX" / ".notmuch"), "--format", "maildir")
    assert result.code == 2 and "nor does it hold one" in result.err


def test_a_maildir_named_with_another_format_is_skipped(cli: Any, maildir: Path) -> None:
    result = cli("import", str(maildir), "--format", "vcard")
    assert result.code == 0, result.err
    assert "is a Maildir folder (with cur/ and new/ in it), not a vCard file" in result.out
    assert "contacts.vcf (vcard)" in result.out


def test_max_recipients_option(cli: Any) -> None:
    cli("edit", "me", "--add-email", ME)
    path = str(EMAIL / "many_recipients.mbox")
    result = cli("import", path, "--max-recipients", "20", "--json")
    assert result.code == 0 and result.json()["files"][0]["encounters_added"] == 3
    bad = cli("import", path, "--max-recipients", "0")
    assert bad.code == 2 and "Invalid value for '--max-recipients'" in bad.err


def test_without_my_address_the_cli_says_what_to_do(cli: Any) -> None:
    result = cli("import", str(EMAIL / "from_me.mbox"))
    assert result.code == 0
    assert "note: dunbar does not know your email address" in result.out
    assert "dunbar edit me --add-email ADDRESS" in result.out


def test_progress_of_a_maildir_is_by_bytes(maildir: Path, db_target: str) -> None:
    calls: list[tuple[str, int, int, int]] = []
    with Ledger.open(db_target) as ledger:
        ledger.import_files([maildir / "INBOX"], progress=lambda *a: calls.append(a))
    inbox = maildir / "INBOX"
    servers = {"dovecot-uidlist", "dovecot.index", "maildirfolder"}
    read = [
        p
        for p in inbox.rglob("*")
        if p.is_file()
        and p.name not in servers
        and not {"tmp", ".notmuch"} & set(p.relative_to(inbox).parts)
    ]
    assert len(read) == 6  # the messages; not tmp/, .notmuch/ nor Dovecot's files
    last = calls[-1]
    assert last[0] == str(inbox) and last[2] == last[3] == sum(p.stat().st_size for p in read)
