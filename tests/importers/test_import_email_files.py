"""Every mbox and Maildir sample in ../shared/data/email imports, with the numbers
that independent sources give.

The samples are GPL, NonCommercial or unlicensed, so they are read in place and
these tests skip when ../shared/data is absent. Where the numbers come from:

- message counts per file: SOURCES.md of ../shared/data (and ``grep -c '^From '``);
- who wrote to whom in the Enron mbox: Python's own ``mailbox`` and
  ``email.utils.getaddresses`` over the same file (its postmarks are ASCII), with
  the rules of :mod:`dunbar.importers.email_messages` applied to their output;
- the Perry & Wolfe Enron tables (``enron_perry_wolfe``, messages and recipients
  by employee, their README's "message 4" example): written as an mbox here, the
  import must give the sender and recipient encounters the tables say.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import mailbox
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from dunbar import Channel, IdentityKind, Initiative, Ledger
from dunbar.importers.email_messages import ARCHIVE, BETWEEN_OTHERS, LIST, OTHERS_TO_MANY

Shared = Callable[[str], Path]
SKILLING = "jeff.skilling@enron.com"


def _me(ledger: Ledger, *emails: str) -> Ledger:
    ledger.edit_person("me", add={IdentityKind.EMAIL: list(emails)})
    return ledger


# --- perceval: mailing-list archives, two with postmarks mailbox cannot read -----------

# Messages per file, as SOURCES.md states them.
PERCEVAL = {
    "mbox_complex.mbox": (2, LIST),
    "mbox_iso8859_encoding.mbox": (1, ARCHIVE),
    "mbox_multipart.mbox": (2, LIST),
    "mbox_no_fields.mbox": (6, ARCHIVE),
    "mbox_unixfrom_encoding.mbox": (1, ARCHIVE),
    "mbox_unknown_encoding.mbox": (1, LIST),
    "pipermail_2015_november.mbox": (4, ARCHIVE),
    "pipermail_2016_april.mbox": (3, ARCHIVE),
    "pipermail_2016_march.mbox": (1, ARCHIVE),
}


@pytest.mark.parametrize("name", sorted(PERCEVAL))
def test_perceval_files_import_as_list_traffic(
    name: str, ledger: Ledger, shared_file: Shared
) -> None:
    path = shared_file(f"email/perceval_mbox/{name}")
    (report,) = ledger.import_files([path]).files
    count, reason = PERCEVAL[name]
    assert (report.format, report.error, report.rejected) == ("mbox", None, [])
    assert report.filtered == {reason: count}  # every message of the file, left out
    assert ledger.count_people() == 1


def test_the_two_postmarks_that_crash_mailbox(ledger: Ledger, shared_file: Shared) -> None:
    for name in ("mbox_iso8859_encoding.mbox", "mbox_unixfrom_encoding.mbox"):
        box = mailbox.mbox(str(shared_file(f"email/perceval_mbox/{name}")))
        try:
            with pytest.raises(UnicodeDecodeError):
                list(box)
        finally:
            box.close()
    # Read as a personal archive (list filtering is not what is tested here): the
    # pipermail sender "user at domain" is not an address, so both are rejected for it.
    report = ledger.import_files(
        [shared_file("email/perceval_mbox/mbox_unixfrom_encoding.mbox")]
    ).files[0]
    assert report.filtered == {ARCHIVE: 1} and report.error is None


# --- the Enron mbox (relistan/mailtools): Jeff Skilling's inbox --------------------------


def _stdlib_view(path: Path, me: set[str], cap: int = 10) -> dict[str, tuple[str, set[str], int]]:
    """Message-ID -> (sender, the people of my encounter, others) by the standard library."""
    view: dict[str, tuple[str, set[str], int]] = {}
    box = mailbox.mbox(str(path))
    try:
        for message in box:
            (sender,) = [a.lower() for _, a in email.utils.getaddresses([message["from"]])]
            to = {
                a.lower()
                for _, a in email.utils.getaddresses(
                    message.get_all("to", []) + message.get_all("cc", [])
                )
                if "@" in a
            }
            if sender in me or not (to & me):
                continue
            others = to - me - {sender}
            people = {sender} if len(others) > cap else {sender, *others}
            view[message["message-id"].strip("<> ")] = (sender, people, len(others))
    finally:
        box.close()
    return view


def _encounters(ledger: Ledger) -> dict[str, tuple[set[str], Initiative, str | None]]:
    emails = {p.id: p.emails[0] for p in (ledger.person(s.id) for s in ledger.people()) if p.emails}
    found = {}
    for summary in ledger.people():
        for e in ledger.profile(summary.id, limit=None).encounters:
            assert e.channel is Channel.EMAIL and e.source == "email"
            assert e.source_ref is not None
            found[e.source_ref.removeprefix("mid:")] = (
                {emails[p] for p in e.participants},
                e.initiative,
                e.title,
            )
    return found


@pytest.mark.parametrize("mine", [(SKILLING,), (SKILLING, "jskilli@enron.com")])
def test_enron_mbox_gives_the_sender_and_recipient_encounters(
    mine: tuple[str, ...], ledger: Ledger, shared_file: Shared
) -> None:
    path = shared_file("email/enron/relistan_mailtools_enron.mbox")
    _me(ledger, *mine)
    (report,) = ledger.import_files([path]).files
    expected = _stdlib_view(path, set(mine))
    found = _encounters(ledger)
    assert set(found) == set(expected)
    assert report.encounters_added == len(expected) == (7 if len(mine) == 1 else 8)
    for mid, (sender, people, others) in expected.items():
        got_people, initiative, title = found[mid]
        assert got_people == people and sender in people and initiative is Initiative.IN
        assert (title or "").endswith(f"[bulk: {others} recipients]") is (others > 10)
    assert report.rejected == [] and sum(report.filtered.values()) == 17 - len(expected)
    # Read off the file: message 14 of 17, from Gene Humphrey to Skilling and Ken Rice.
    humphrey = found["11378525.1075840152310.JavaMail.evans@thyme"]
    assert humphrey == ({"gene.humphrey@enron.com", "ken.rice@enron.com"}, Initiative.IN,
                        "Datacentric Broadband")  # fmt: skip
    (when,) = [e.when for e in ledger.profile("gene.humphrey@enron.com").encounters]
    assert when == dt.datetime(2001, 4, 25, 13, 57, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
    # The memo of the Solar migration went to 818 addresses: the sender only, marked.
    solar = found["12254508.1075852668316.JavaMail.evans@thyme"]
    assert solar[0] == {"bob.ambrocik@enron.com"}
    assert solar[2] is not None and solar[2].startswith("Solar Migration - DATE CHANGE")


def test_enron_cc_lists_are_who_knows_whom(ledger: Ledger, shared_file: Shared) -> None:
    path = shared_file("email/enron/relistan_mailtools_enron.mbox")
    _me(ledger, SKILLING)
    ledger.import_files([path])
    # Glenn Dubin wrote to gdubin@ and copied 5 people of houstontech.org: the six
    # (and the sender) all know each other, 7 people, 21 pairs.
    ties = ledger.acquaintances("glenn.dubin@enron.com")
    assert len(ties) == 6 and {t.evidence.value for t in ties} == {"email_cc"}
    (rice,) = ledger.acquaintances("ken.rice@enron.com")  # Skilling's co-recipient
    assert {rice.person_a_id, rice.person_b_id} == {
        ledger.person("ken.rice@enron.com").id,
        ledger.person("gene.humphrey@enron.com").id,
    }


# --- the CMU Enron maildir files (medale/spark-mail) -------------------------------------


def test_enron_maildir_files(ledger: Ledger, shared_file: Shared) -> None:
    root = shared_file("email/enron/medale_spark-mail_maildir")
    _me(ledger, "kenneth.lay@enron.com")
    report = ledger.import_files([root])
    # CMU's "maildir" is user/folder/N. files, not a Maildir (no cur/, new/): each of
    # the 13 files (SOURCES.md) is a message file of its own.
    assert len(report.files) == 13 and {f.format for f in report.files} == {"mbox"}
    assert not any(f.rejected or f.error for f in report.files)
    # Kenneth Lay is a recipient of four of them (lay-k/enron/2 and 3, inbox/568, 898).
    assert report.total("encounters_added") == 4
    (arena,) = ledger.profile("meredith.philipp@enron.com").encounters
    assert arena.title == "Arena Response"
    assert {ledger.person(p).name for p in arena.participants} == {
        "Meredith Philipp",
        "Tori Wells",  # Cc (and Bcc, which is not mine to use: Lay did not send it)
    }


# --- the notmuch Maildir corpora (GPL tarballs, extracted here) ------------------------


@pytest.fixture
def notmuch(shared_file: Shared, tmp_path: Path) -> Callable[[str], Path]:
    def extract(name: str) -> Path:
        with tarfile.open(shared_file(f"email/notmuch_corpus_{name}_maildir.tar.gz")) as tar:
            tar.extractall(tmp_path / name, filter="data")
        return tmp_path / name / "test" / "corpora" / name

    return extract


def test_notmuch_default_corpus_is_one_maildir_tree(
    ledger: Ledger, notmuch: Callable[[str], Path]
) -> None:
    root = notmuch("default")
    (report,) = ledger.import_files([root]).files
    assert report.format == "maildir" and report.error is None
    # 53 messages (SOURCES.md), in cur/, new/, sub-folders and loose in folders.
    assert sum(report.filtered.values()) + report.encounters_added + len(report.rejected) == 53
    assert report.filtered[LIST] == 9  # carry List-Id; the rest are copies without
    assert report.filtered[BETWEEN_OTHERS] == 44
    assert report.encounters_added == 0 and report.acquaintances > 0
    (note,) = report.warnings  # no address of mine is known: said once, for the tree
    assert "does not know your email address" in note.message


def test_notmuch_default_corpus_with_me(ledger: Ledger, notmuch: Callable[[str], Path]) -> None:
    root = notmuch("default")
    _me(ledger, "cworth@cworth.org")  # Carl Worth, notmuch's author, writes most of them
    (report,) = ledger.import_files([root]).files
    assert report.encounters_added > 0
    assert report.encounters_added + report.filtered.get(BETWEEN_OTHERS, 0) == 44


def test_notmuch_lkml_corpus_is_all_list_traffic(
    ledger: Ledger, notmuch: Callable[[str], Path]
) -> None:
    (report,) = ledger.import_files([notmuch("lkml")]).files
    assert report.format == "maildir"
    assert sum(report.filtered.values()) == 210  # SOURCES.md: 210 list messages
    assert set(report.filtered) <= {LIST, "bulk mail (Precedence: bulk or junk)"}


# --- Perry & Wolfe: the Enron tables as an mbox ----------------------------------------


def _pw_mbox(shared_file: Shared, target: Path, me: int) -> dict[str, list[int]]:
    """An mbox of every message of the tables to or from employee ``me``; returns
    ``message id -> [sender, recipients...]`` as the tables say."""

    def table(name: str) -> list[list[str]]:
        text = shared_file(f"email/enron_perry_wolfe/{name}").read_text(errors="replace")
        return list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))

    names = {int(row[0]): row[1].strip() for row in table("employees.tsv")}
    recipients: dict[str, list[int]] = {}
    for mid, _, receiver in table("recipients.tsv"):
        recipients.setdefault(mid, []).append(int(receiver))
    rows: dict[str, list[int]] = {}
    with target.open("w", encoding="utf-8") as out:
        for mid, _, when, subject, sender in table("messages.tsv"):
            to = recipients.get(mid, [])
            if int(sender) != me and me not in to:
                continue
            rows[mid] = [int(sender), *to]
            out.write(
                f"From e{sender}@enron.example Mon Jan  1 00:00:00 2001\n"
                f"From: {names[int(sender)]} <e{sender}@enron.example>\n"
                f"To: {', '.join(f'{names[r]} <e{r}@enron.example>' for r in to)}\n"
                f"Date: {email.utils.formatdate(int(when))}\n"
                f"Message-ID: <pw{mid}@enron.example>\n"
                f"Subject: {subject}\n\n(no body)\n\n"
            )
    return rows


def test_perry_wolfe_sender_and_recipient_encounters(
    ledger: Ledger, shared_file: Shared, tmp_path: Path
) -> None:
    taylor = 138  # Mark E. Taylor, the README's example sender
    rows = _pw_mbox(shared_file, tmp_path / "taylor.mbox", taylor)
    _me(ledger, f"e{taylor}@enron.example")
    (report,) = ledger.import_files([tmp_path / "taylor.mbox"]).files
    sent = [r for r in rows.values() if r[0] == taylor]
    out_ok = [r for r in sent if 0 < len(set(r[1:]) - {taylor}) <= 10]
    received = [r for r in rows.values() if r[0] != taylor]
    assert len(sent) == 658  # awk -F'\t' '$5 == 138' messages.tsv | wc -l
    assert report.rejected == []
    assert report.encounters_added == len(out_ok) + len(received)
    found = _encounters(ledger)
    # "Message 4 was sent by employee 138 to employees 109, 49, 120, and 59."
    people, initiative, title = found["pw4@enron.example"]
    assert people == {"e109@enron.example", "e49@enron.example", "e120@enron.example",
                      "e59@enron.example"}  # fmt: skip
    assert (initiative, title) == (Initiative.OUT, "Re: Coral Energy, L.P.")
    outs = sum(1 for _, i, _ in found.values() if i is Initiative.OUT)
    assert outs == len(out_ok)
    assert report.filtered.get("sent by me to more than --max-recipients people", 0) == len(
        [r for r in sent if len(set(r[1:]) - {taylor}) > 10]
    )
    assert OTHERS_TO_MANY not in report.filtered  # every message is to or from Taylor
