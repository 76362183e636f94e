"""vCard 2.1, 3.0 and 4.0 (RFC 2426, RFC 6350) through ``vobject``, tolerant on purpose.

:mod:`.vcard_lines` repairs what clients get wrong at the line level; each
card is then rewritten as clean vCard 3.0 lines of the properties dunbar uses.
``vobject`` owns the grammar of those (escapes, structured N, ADR, ORG); for the
common case :mod:`.vcard_fast` applies the same rules without it (about four
times faster), and anything unusual still goes through ``vobject``.

Policy for a bad card: skip it and report why (a :class:`Rejection` with the file,
line and name), and import the rest of the file. Workarounds at this level:

- **Birthdays without a year**: RFC 6350's ``--MMDD``/``--MM-DD``; Apple's
  ``X-APPLE-OMIT-YEAR`` and Thunderbird CardBook's year 1604 placeholder both
  become dunbar's ``--MM-DD``.
- **itemN. groups with X-ABLabel** (Apple, Gmail): the label names the value of
  its group (kept in ``custom["labels"]``).
- **Android's nickname** in vCard 2.1 is ``X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Nick``.
- **Escaped colons in URLs** (``http\\://``, iOS 5): unescaped.
- **Photos** are kept by reference: a URL, or the sha256 of the inline data
  (``custom["photo"]``); the image itself is never stored.
- **vCard 2.1 escapes**: only ``\\;`` is special, so other backslashes and
  commas are escaped when the card is rewritten as 3.0 (AOSP ``v21_backslash``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from dunbar.importers.formats import ParseOptions
from dunbar.importers.records import Origin, Parsed, PersonRecord, Rejection, Warning_
from dunbar.importers.textio import read_lines
from dunbar.importers.vcard_fast import fast_component
from dunbar.importers.vcard_lines import RawCard, read_cards
from dunbar.normalise import name_key

__all__ = ["parse_birthday", "parse_vcards", "vobject_component"]

KEEP = {
    "FN", "N", "NICKNAME", "ORG", "TITLE", "EMAIL", "TEL", "URL", "BDAY", "UID", "NOTE",
    "ADR", "CATEGORIES", "X-ABLABEL", "X-SOCIALPROFILE", "X-TWITTER",
}  # fmt: skip
_ANDROID_NICK = "vnd.android.cursor.item/nickname"
_PARAM = re.compile(r"[\w.-]+")
NOTE_LIMIT = 2_000


def parse_birthday(value: str, params: dict[str, list[str]] | None = None) -> str | None:
    """``YYYY-MM-DD``, or ``--MM-DD`` without a year; ``None`` if unreadable.

    >>> [parse_birthday(v) for v in ("19800322", "1955-07-19T00:00:00Z", "--0203",
    ...                               "--04-16", "16040101", "2016")]
    ['1980-03-22', '1955-07-19', '--02-03', '--04-16', '--01-01', None]
    """
    text = value.strip().split("T", 1)[0]
    match = re.fullmatch(r"--(\d\d)-?(\d\d)", text)
    if match:
        return f"--{match.group(1)}-{match.group(2)}"
    match = re.fullmatch(r"(\d{4})-?(\d\d)-?(\d\d)", text)
    if not match:
        return None
    year, month, day = match.groups()
    omit = (params or {}).get("X-APPLE-OMIT-YEAR", [])
    if year == "1604" or year in omit:  # CardBook / Apple: "no year"
        return f"--{month}-{day}"
    return f"{year}-{month}-{day}"


def _escape(value: str, version: str, structured: bool) -> str:
    """A value as vCard 3.0 text: newlines escaped; 2.1's lone backslashes and commas too."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if version.startswith("2"):
        parts = re.split(r"(?<!\\);", text) if structured else [text]
        parts = [
            p.replace("\\;", "\x00")
            .replace("\\", "\\\\")
            .replace(",", "\\,")
            .replace("\x00", "\\;")
            for p in parts
        ]
        text = ";".join(parts)
    return text.replace("\n", "\\n")


def _clean_lines(card: RawCard) -> list[tuple[str | None, str, str, str]]:
    """The properties dunbar uses, as clean 3.0 lines: group, name, params, escaped value."""
    version = card.version
    lines = []
    for prop in card.props:
        if prop.name not in KEEP or prop.too_long:
            continue
        params = "".join(
            f";{k}={','.join(v)}"
            for k, v in prop.params.items()
            if k == "TYPE" and v and all(_PARAM.fullmatch(x) for x in v)
        )
        structured = prop.name in ("N", "ADR", "ORG")
        lines.append((prop.group, prop.name, params, _escape(prop.value, version, structured)))
    return lines


def _clean_card(lines: list[tuple[str | None, str, str, str]]) -> str:
    """The clean lines as the vCard 3.0 text that ``vobject`` parses."""
    text = ["BEGIN:VCARD", "VERSION:3.0"]
    for group, name, params, value in lines:
        text.append(f"{group + '.' if group else ''}{name}{params}:{value}")
    text.append("END:VCARD")
    return "\r\n".join(text) + "\r\n"


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    return " ".join(str(value).split())


def _name_parts(component: Any) -> tuple[str | None, str | None, str]:
    n = component.contents.get("n")
    if not n:
        return None, None, ""
    name = n[0].value
    given = _text(getattr(name, "given", "")) or None
    family = _text(getattr(name, "family", "")) or None
    parts = [_text(getattr(name, attr, "")) for attr in ("prefix", "given", "additional", "family")]
    return given, family, " ".join(p for p in parts if p)


def _values(component: Any, name: str) -> list[Any]:
    return [item for item in component.contents.get(name, [])]


def _record(card: RawCard, component: Any, options: ParseOptions) -> Parsed:
    where = f"{options.file}:{card.line}"
    fn = " ".join(_text(p.value) for p in _values(component, "fn")[:1])
    given, family, from_n = _name_parts(component)
    nick = next((_text(p.value) for p in _values(component, "nickname")), "")
    if not nick:
        for prop in card.props:
            if prop.name == "X-ANDROID-CUSTOM" and prop.value.startswith(_ANDROID_NICK + ";"):
                nick = prop.value.split(";")[1].strip()
    name = fn or from_n or nick
    if not name.strip():
        return Rejection(options.file, where, "card has no name (FN, N and NICKNAME are empty)")
    labels = {p.group: _text(p.value) for p in _values(component, "x-ablabel") if p.group}
    record = PersonRecord(Origin(options.file, card.line, ""), name, given, family)
    custom: dict[str, Any] = {}
    kept_labels: dict[str, str] = {}
    for attr, prop_name in (("emails", "email"), ("phones", "tel"), ("urls", "url")):
        for prop in _values(component, prop_name):
            value = _text(prop.value)
            if attr == "urls":
                value = value.replace("\\:", ":")  # iOS 5 escapes the colon of a URL
            if value:
                getattr(record, attr).append(value)
                if prop.group in labels:
                    kept_labels[value] = re.sub(r"^_\$!<(.*)>!\$_$", r"\1", labels[prop.group])
    for prop in _values(component, "x-socialprofile"):
        value = _text(prop.value)
        (record.urls if value.startswith("http") else record.handles).append(value)
    record.handles.extend(_text(p.value) for p in _values(component, "x-twitter"))
    org = _values(component, "org")
    if org:
        parts = org[0].value if isinstance(org[0].value, list) else [org[0].value]
        record.organisation = _text(parts[0]) if parts else None
    record.title = next((_text(p.value) for p in _values(component, "title")), None)
    adr = _values(component, "adr")
    if adr:
        where_parts = [_text(getattr(adr[0].value, a, "")) for a in ("city", "country")]
        record.location = ", ".join(p for p in where_parts if p) or None
    bday = card.first("BDAY")
    if bday is not None:
        # An unreadable one is kept as it is, for the normalise stage to report.
        record.birthday = parse_birthday(bday.value, bday.params) or bday.value.strip() or None
    for prop in _values(component, "categories"):
        values = prop.value if isinstance(prop.value, list) else [prop.value]
        record.tags.extend(_text(v) for v in values if _text(v))
    note = next((str(p.value).strip() for p in _values(component, "note")), "")
    if note:
        custom["note"] = note[:NOTE_LIMIT]
    if nick and nick != name:
        custom["nickname"] = nick
    photo = card.first("PHOTO")
    if photo is not None:
        custom["photo"] = f"sha256:{photo.digest}" if photo.digest else photo.value.strip()
    if kept_labels:
        custom["labels"] = kept_labels
    record.custom = custom
    record.origin = Origin(options.file, card.line, _ref(card, record))
    return record


def _ref(card: RawCard, record: PersonRecord) -> str:
    uid = card.first("UID")
    if uid is not None and uid.value.strip():
        return "uid:" + uid.value.strip()
    for prefix, values in (("email", record.emails), ("url", record.urls), ("tel", record.phones)):
        if values:
            return f"{prefix}:{values[0].strip().lower()}"
    return "name:" + name_key(record.name)


def parse_vcards(stream: BinaryIO, options: ParseOptions) -> Iterator[Parsed]:
    """Every card of a vCard file as a :class:`PersonRecord` or a :class:`Rejection`.

    Well-formed cards take the fast path (:mod:`.vcard_fast`); anything unusual
    goes through ``vobject``. Both give the same records.
    """
    for card in read_cards(read_lines(stream)):
        where = f"{options.file}:{card.line}"
        fatal = [p for p in card.problems if "no END:VCARD" not in p]
        if fatal:
            yield Rejection(options.file, where, "; ".join(fatal))
            continue
        for problem in card.problems:
            yield Warning_(options.file, where, problem)
        lines = _clean_lines(card)
        component: Any = fast_component((g, n, v) for g, n, _, v in lines)
        if component is None:  # something unusual: vobject decides
            try:
                component = vobject_component(_clean_card(lines))
            except Exception as exc:  # vobject raises many kinds; a bad card is reported
                yield Rejection(options.file, where, f"unreadable card: {exc}")
                continue
        yield _record(card, component, options)


def vobject_component(text: str) -> Any:
    """``vobject``'s reading of one clean card (the slow path, and the reference)."""
    import vobject

    return vobject.readOne(text, ignoreUnreadable=True)
