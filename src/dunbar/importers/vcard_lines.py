"""A tolerant reader of vCard content lines, for the files real clients write.

It works on bytes, line by line, and hands each card's properties to
:mod:`dunbar.importers.vcard` already unfolded and decoded. Every workaround
below names the client whose quirk it handles:

- **Folded lines** (RFC 6350 §3.2): a line starting with a space or tab
  continues the previous one. Lines are unfolded as *bytes*, before decoding,
  because ownCloud Contacts 0.3 folds in the middle of a UTF-8 character.
- **Quoted-printable soft line breaks** (vCard 2.1): a QP value ending in ``=``
  continues on the next line, which Outlook 2003/2007 and Android do not indent;
  AOSP's test ``v21_invalid_comment_line`` puts a ``#`` at the start of such a line.
- **Unindented continuation lines**: iOS 6.1.3 writes base64 photos without
  indentation, ending them with a blank line; BlackBerry and AOSP's
  ``v21_adr_multiple_line`` break an address over lines ending in ``\\``;
  Evolution/Android 2.1 cards continue a value after a bare line break. A line
  that is not ``NAME[;params]:value`` continues the previous value.
- **Comment lines** starting with ``#`` (seen by AOSP in 2.1 files) are skipped.
- **CHARSET and legacy charsets**: Japanese feature phones write Shift-JIS with
  ``CHARSET=SHIFT_JIS``; the charset applies to the value's bytes (after QP).
  Without one, UTF-8 is tried, then the card's declared charset, then Windows-1252.
- **Bare 2.1 parameters** (``TEL;WORK;VOICE:``) become ``TYPE`` values;
  ``QUOTED-PRINTABLE`` and ``BASE64`` bare words become ``ENCODING``.
- **Nested cards** (AOSP ``v21_nest``: a card inside a card) are read as cards
  of their own.
- **Photos** (PHOTO, LOGO, SOUND, KEY) are never decoded or kept: their text is
  hashed as it streams by, so a huge or decompression-bomb-like photo costs
  neither memory nor time.
"""

from __future__ import annotations

import hashlib
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from dunbar.importers.textio import Line, decode_text

__all__ = ["BINARY", "RawCard", "RawProp", "read_cards"]

BINARY = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
MAX_VALUE = 256 * 1024
MAX_BINARY = 16 * 1024 * 1024
"""A photo's text beyond this is skipped, not hashed: its digest covers the first 16 MiB."""
MAX_PROPS = 5_000

_CONTENT = re.compile(rb"^(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_/-]+)([;:])")
_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}


@dataclass
class RawProp:
    """One property: group, upper-case name, parameters, and the decoded value.

    Binary properties carry ``digest`` (sha256 of their text) and ``size``
    instead of a value; ``uri`` holds a photo given by reference.
    """

    line: int
    group: str | None
    name: str
    params: dict[str, list[str]]
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0
    hasher: object | None = None
    value: str = ""
    digest: str | None = None
    too_long: bool = False
    qp: bool = field(init=False)

    def __post_init__(self) -> None:
        encodings = self.params.get("ENCODING")
        self.qp = encodings is not None and any(e.upper() == "QUOTED-PRINTABLE" for e in encodings)

    def add(self, data: bytes) -> None:
        self.size += len(data)
        if self.hasher is not None:
            if self.size <= MAX_BINARY:
                self.hasher.update(data.translate(None, b" \t\r\n"))  # type: ignore[attr-defined]
        elif self.size > MAX_VALUE:
            self.too_long = True
        else:
            self.chunks.append(data)


@dataclass
class RawCard:
    line: int
    props: list[RawProp] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    closed: bool = False

    def first(self, name: str) -> RawProp | None:
        return next((p for p in self.props if p.name == name), None)

    @property
    def version(self) -> str:
        prop = self.first("VERSION")
        return prop.value.strip() if prop else "2.1"


def _params(raw: bytes) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    if not raw:
        return params
    for part in re.findall(rb'(?:[^;"]|"[^"]*")+', raw):
        text = part.decode("latin-1").strip()
        if not text:
            continue
        key, sep, value = text.partition("=")
        if not sep:  # vCard 2.1 bare parameter
            upper = key.upper()
            key, value = ("ENCODING" if upper in _ENCODINGS else "TYPE"), key
        values = [v.strip().strip('"') for v in value.split(",")] if value else []
        params.setdefault(key.strip().upper(), []).extend(v for v in values if v)
    return params


def _start(line: Line) -> tuple[str | None, str, dict[str, list[str]], bytes] | None:
    """Split a content line into group, name, params and value bytes; ``None`` if not one."""
    match = _CONTENT.match(line.data)
    if match is None:
        return None
    group = match.group(1).decode("ascii") if match.group(1) else None
    name = match.group(2).decode("ascii").upper()
    rest = line.data[match.end(2) :]
    colon = rest.find(b":")
    if colon < 0:
        return None
    if b'"' in rest[:colon]:  # a quoted parameter value may hold a colon
        colon, quoted = -1, False
        for i, byte in enumerate(rest):
            if byte == 0x22:  # "
                quoted = not quoted
            elif byte == 0x3A and not quoted:  # :
                colon = i
                break
        if colon < 0:
            return None
    return group, name, _params(rest[1:colon] if rest[:1] == b";" else b""), rest[colon + 1 :]


def _finish(prop: RawProp, card: RawCard, fallback: str | None) -> None:
    data = b"".join(prop.chunks)
    prop.chunks = []
    if prop.hasher is not None:
        prop.digest = prop.hasher.hexdigest()  # type: ignore[attr-defined]
        prop.hasher = None
        return
    if prop.too_long:
        card.problems.append(f"{prop.name} on line {prop.line} is longer than {MAX_VALUE:,} bytes")
        return
    if prop.qp:
        data = quopri.decodestring(data)
    charset = next(iter(prop.params.get("CHARSET", [])), None)
    text, repaired = decode_text(data, charset)
    if repaired and not charset and fallback:
        text, repaired = decode_text(data, fallback)
    prop.value = text


def read_cards(lines: Iterator[Line]) -> Iterator[RawCard]:
    """Every card in the stream, in order (nested cards after their parent)."""
    stack: list[RawCard] = []
    prop: RawProp | None = None
    charset: dict[int, str] = {}

    def close_prop() -> None:
        nonlocal prop
        if prop is not None and stack:
            _finish(prop, stack[-1], charset.get(id(stack[-1])))
        prop = None

    for line in lines:
        data = line.data
        if prop is not None and prop.qp and prop.chunks and prop.chunks[-1].endswith(b"="):
            prop.chunks[-1] = prop.chunks[-1][:-1]  # QP soft line break
            prop.add(data.lstrip(b" \t") if data[:1] in b" \t" else data)
            continue
        if data[:1] in (b" ", b"\t") and data.strip() and prop is not None:
            prop.add(data[1:])  # RFC folding
            continue
        if not data.strip():
            if prop is not None and prop.hasher is not None:
                close_prop()  # a blank line ends an unindented 2.1 base64 block (iOS 6.1.3)
            continue
        if data.startswith(b"#"):
            continue
        start = _start(line)
        if start is None:
            if prop is not None:  # an unindented continuation (see the module docstring)
                if prop.hasher is None and prop.chunks and prop.chunks[-1].endswith(b"\\"):
                    prop.chunks[-1] = prop.chunks[-1][:-1]
                prop.add(data if prop.hasher is not None else b"\n" + data)
            continue
        close_prop()
        group, name, params, value = start
        if name == "BEGIN" and value.strip().upper() == b"VCARD":
            stack.append(RawCard(line.number))
            continue
        if name == "END" and value.strip().upper() == b"VCARD":
            if stack:
                card = stack.pop()
                card.closed = True
                yield card
            continue
        if not stack:
            continue  # junk outside any card
        card = stack[-1]
        if len(card.props) >= MAX_PROPS:
            if f"more than {MAX_PROPS} properties" not in card.problems:
                card.problems.append(f"more than {MAX_PROPS} properties")
            continue
        if line.cut and name not in BINARY:
            card.problems.append(f"line {line.number} is longer than the limit")
            continue
        if "CHARSET" in params and id(card) not in charset:
            charset[id(card)] = params["CHARSET"][0]
        prop = RawProp(line.number, group, name, params)
        if name in BINARY and not value.lower().startswith((b"http:", b"https:")):
            prop.hasher = hashlib.sha256()
            value = value.split(b",", 1)[1] if value.lower().startswith(b"data:") else value
        prop.add(value)
        card.props.append(prop)
    close_prop()
    while stack:
        card = stack.pop()
        card.problems.append("the file ends inside this card (no END:VCARD)")
        yield card
