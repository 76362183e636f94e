"""What the parse stage yields: plain records of people, encounters and ties.

A format's parser turns a file into a stream of these. Nothing here touches the
ledger; the pipeline (:mod:`dunbar.importers.pipeline`) normalises, matches and
applies them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from dunbar.errors import FormatError
from dunbar.model import Channel, Evidence, Initiative
from dunbar.normalise import name_key

__all__ = [
    "AcquaintanceRecord",
    "EncounterRecord",
    "FormatError",
    "Origin",
    "Parsed",
    "PersonRecord",
    "Rejection",
    "Skipped",
    "Warning_",
]


@dataclass(frozen=True)
class Origin:
    """Where a record was read: the file, the line it starts on, and its record id.

    ``ref`` is the record's stable key within its source (a vCard UID, a profile
    URL, an email or a name key): the same record in an updated export has the
    same ``ref``, so a re-import updates it instead of adding a second person.
    """

    file: str
    line: int | None
    ref: str

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


_NOT_CONTENT = ("origin", "_digest", "_clean")


@dataclass
class PersonRecord:
    """A person as one source describes them, before matching."""

    origin: Origin
    name: str
    given_name: str | None = None
    family_name: str | None = None
    organisation: str | None = None
    title: str | None = None
    location: str | None = None
    birthday: str | None = None
    first_known: dt.date | None = None
    how_met: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)
    link_by_name: bool = False
    """A mention by name (a message's sender, a CSV's participant): link it to the
    one existing person with exactly this name, if there is exactly one."""
    fuzzy: bool = True
    """Look for similar names (off for people a contact log knows by number only)."""
    _digest: str | None = field(default=None, repr=False, compare=False)
    _clean: bool = field(default=False, repr=False, compare=False)
    """Set by the normalise stage: a record mentioned again (the same sender on many
    emails, the same object) is not normalised twice."""

    def digest(self) -> str:
        """A fingerprint of the content (not of where it was read), computed once:
        take it after the record is normalised."""
        if self._digest is None:
            content = {k: v for k, v in self.__dict__.items() if k not in _NOT_CONTENT}
            text = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
            self._digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self._digest


@dataclass
class EncounterRecord:
    """An encounter I had with ``people`` (never including me)."""

    origin: Origin
    when: dt.datetime
    people: list[PersonRecord]
    channel: Channel = Channel.IN_PERSON
    initiative: Initiative = Initiative.UNKNOWN
    minutes: int | None = None
    title: str | None = None
    source_ref: str = ""

    def digest(self) -> str:
        """A fingerprint of what the file says about this encounter: 40 hex digits.

        The SHA-1 of the time (microseconds since 1970 in UTC, so the zone it was
        written in does not matter), the minutes, channel and initiative, the
        sorted identity keys of the people (each record's ``origin.ref``,
        ``email:ana@example.org`` say, as the importer resolved them; the name key
        for one without) and the title, in that order, separated by control
        characters (the title last, so that any text in it is unambiguous). The
        ledger's ids are not
        in it, so the digest depends on the file alone, not on whom its people
        were matched to. Take it after the record is normalised (the title is
        cleaned there). An import stores it with the encounter; a re-import of
        the same ``source_ref`` with another digest updates the encounter
        (:mod:`dunbar.importers.apply`). About 5 µs: it is taken for every
        encounter of every import.
        """
        people = self.people
        if len(people) == 1:  # most encounters: nothing to sort
            who = people[0].origin.ref or "name:" + name_key(people[0].name)
        else:
            who = "\x1e".join(sorted({p.origin.ref or "name:" + name_key(p.name) for p in people}))
        title = "" if self.title is None else "=" + self.title
        text = (
            f"{(self.when - _EPOCH) // _MICROSECOND}\x1f{self.minutes}\x1f"
            f"{self.channel._value_}\x1f{self.initiative._value_}\x1f{who}\x1f{title}"
        )
        return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


@dataclass
class AcquaintanceRecord:
    """Two of my contacts who met (a contact log between other people), or who were
    on the same email (``evidence`` :attr:`~dunbar.model.Evidence.EMAIL_CC`)."""

    origin: Origin
    a: PersonRecord
    b: PersonRecord
    count: int
    first_seen: dt.date | None
    last_seen: dt.date | None
    evidence: Evidence = Evidence.SHARED_ENCOUNTER


@dataclass(frozen=True)
class Rejection:
    """A record that was not imported, and why (the rest of the file still is)."""

    file: str
    where: str
    reason: str


@dataclass(frozen=True)
class Skipped:
    """A record left out on purpose (mailing-list mail, a no-reply sender): counted by
    ``reason`` in the report, not listed one by one, and not an error."""

    file: str
    reason: str


@dataclass(frozen=True)
class Warning_:
    """Part of a record that was dropped or repaired; the record itself was imported."""

    file: str
    where: str
    message: str


Parsed = PersonRecord | EncounterRecord | AcquaintanceRecord | Rejection | Skipped | Warning_
