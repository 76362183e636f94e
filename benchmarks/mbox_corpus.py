"""A large mbox for ``bench_mbox.py``, replicated from the real samples in ../shared/data.

Every message of the real samples (the Enron mbox of relistan/mailtools, the CMU
Enron maildir files of medale/spark-mail, perceval's mbox and pipermail files,
and the two notmuch Maildir corpora, read from their tarballs) is written again
and again, each copy with varied headers, until the file reaches the size asked:

- a new ``Message-ID`` (so no copy is a duplicate of another);
- a new ``Date`` within the ten years before the benchmark clock, with one of
  the zone spellings real mail has (``-0700 (PDT)``, ``+0100``, ``GMT``, ``CEST``);
- every address in the header block gets a numbered variant of its local part
  (``jeff.dasovich7@enron.com``) from a pool of ``POOL``, so the ledger meets a
  realistic number of correspondents rather than the same few hundred;
- "me" (``ME``) takes the place of the sender in ``SENT`` of the personal
  copies and of the first recipient in ``RECEIVED`` of them, so that a share of
  the messages is mine (the samples are mostly list traffic and other people's
  mail). Postmarks are copied byte for byte, the two non-ASCII ones included.

Bodies are copied as they are (``From `` at the start of a body line is escaped
``>From``, as mboxrd writers do). Deterministic: the same seed and size give the
same file. Nothing here is imported by dunbar.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import tarfile
from collections.abc import Iterator
from pathlib import Path

from common import NOW, ROOT

SHARED = ROOT.parent / "shared" / "data" / "email"
ME = "jeff.skilling@enron.com"
POOL = 40
SENT = 0.25
RECEIVED = 0.5
ZONES = ("-0700 (PDT)", "-0800 (PST)", "+0100", "+0000 (GMT)", "CEST", "+0530", "-0000")

_POSTMARK = re.compile(rb"^From [^\n]*\n", re.M)
_ADDRESS = re.compile(rb"([A-Za-z0-9._%+-]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_DATE = re.compile(rb"^Date:[^\n]*\n(?:[ \t][^\n]*\n)*", re.M | re.I)
_MID = re.compile(rb"^Message-ID:[^\n]*\n(?:[ \t][^\n]*\n)*", re.M | re.I)
_FROM = re.compile(rb"^From:[^\n]*\n(?:[ \t][^\n]*\n)*", re.M | re.I)
_TO = re.compile(rb"^To:[ \t]*", re.M | re.I)
_LISTY = re.compile(rb"^(List-Id|List-Unsubscribe|Precedence|X-Mailman-Version):", re.M | re.I)


def _split(message: bytes) -> tuple[bytes, bytes, bytes]:
    """(postmark, header block, body) of one message (LF line ends)."""
    message = message.replace(b"\r\n", b"\n")
    postmark = b"From MAILER-DAEMON Sat Jan  1 00:00:00 2000\n"
    match = _POSTMARK.match(message)
    if match is not None:
        postmark, message = match.group(0), message[match.end() :]
    header, _, body = message.partition(b"\n\n")
    return postmark, header + b"\n", body


def samples() -> list[tuple[bytes, bytes, bytes]]:
    """Every real message of the samples as (postmark, header block, body)."""
    found: list[tuple[bytes, bytes, bytes]] = []
    mboxes = [SHARED / "enron" / "relistan_mailtools_enron.mbox"]
    mboxes += sorted((SHARED / "perceval_mbox").glob("*.mbox"))
    for path in mboxes:
        data = path.read_bytes().lstrip(b"\n")
        starts = [m.start() for m in re.finditer(rb"(?:^|\n\n)From ", data)]
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(data)
            found.append(_split(data[start:end].lstrip(b"\n")))
    for path in sorted((SHARED / "enron" / "medale_spark-mail_maildir").rglob("*.txt")):
        found.append(_split(path.read_bytes()))
    for tarball in sorted(SHARED.glob("notmuch_*.tar.gz")):
        with tarfile.open(tarball) as archive:
            for member in sorted(archive.getmembers(), key=lambda m: m.name):
                stream = archive.extractfile(member) if member.isfile() else None
                if stream is not None and ":2," in member.name:
                    found.append(_split(stream.read()))
    if not found:
        raise SystemExit(f"no samples in {SHARED} (the data stay in ../shared/data)")
    return found


def _vary(header: bytes, rng: random.Random, copy: int, personal: bool) -> bytes:
    def address(match: re.Match[bytes]) -> bytes:
        local, domain = match.group(1), match.group(2)
        return local + str(rng.randrange(POOL)).encode() + b"@" + domain

    header = _ADDRESS.sub(address, header)
    when = NOW - dt.timedelta(seconds=rng.randrange(10 * 365 * 86_400))
    zone = rng.choice(ZONES).encode()
    date = when.strftime("%a, %d %b %Y %H:%M:%S ").encode() + zone
    header = _DATE.sub(lambda m: b"Date: " + date + b"\n", header, count=1)
    mid = f"<{copy}.{rng.getrandbits(48):x}@bench.example>".encode()
    if _MID.search(header):
        header = _MID.sub(lambda m: b"Message-ID: " + mid + b"\n", header, count=1)
    else:
        header += b"Message-ID: " + mid + b"\n"
    if personal:
        roll = rng.random()
        if roll < SENT:
            header = _FROM.sub(lambda m: b"From: Jeff Skilling <" + ME.encode() + b">\n", header)
        elif roll < SENT + RECEIVED:
            header = _TO.sub(lambda m: m.group(0) + ME.encode() + b", ", header, count=1)
    return header


def messages(seed: int) -> Iterator[bytes]:
    """Endless varied copies of the samples, one mbox entry (postmark..blank line) each."""
    rng = random.Random(seed)
    real = samples()
    copy = 0
    while True:
        for postmark, header, body in real:
            copy += 1
            personal = not _LISTY.search(header)
            text = _vary(header, rng, copy, personal)
            escaped = re.sub(rb"(?m)^(>*From )", rb">\1", body)
            yield postmark + text + b"\n" + escaped.rstrip(b"\n") + b"\n\n"


def write_mbox(path: Path, size: int, *, seed: int = 20261122) -> dict[str, int]:
    """Write at least ``size`` bytes of messages to ``path``; returns what was written."""
    count = written = 0
    with path.open("wb") as out:
        buffer = io.BufferedWriter(out, buffer_size=1 << 20)  # type: ignore[arg-type]
        for entry in messages(seed):
            buffer.write(entry)
            count += 1
            written += len(entry)
            if written >= size:
                break
        buffer.flush()
    return {"messages": count, "bytes": written, "samples": len(samples())}
