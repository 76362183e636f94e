r"""vCard 4.0 (RFC 6350) for people in the ledger.

What dunbar knows of a person that vCard can say: names, organisation and title,
emails, phones (``tel:`` URIs), profile URLs, handles (``X-SOCIALPROFILE``),
birthday (``--MMDD`` without a year), location (``ADR`` locality), tags
(``CATEGORIES``) and a stable ``UID``. History (encounters, notes, favours) has no
place in a vCard and stays in the ledger.

>>> from dunbar.model import Person
>>> card = person_to_vcard(Person(id=7, name="Zoë Núñez", birthday="--05-17"))
>>> print(card.replace("\r\n", "\n"), end="")
BEGIN:VCARD
VERSION:4.0
UID:urn:dunbar:person:7
FN:Zoë Núñez
N:;;;;
BDAY:--0517
END:VCARD
"""

from __future__ import annotations

from collections.abc import Iterable

from dunbar.model import IdentityKind, Person

__all__ = ["escape", "fold", "people_to_vcard", "person_to_vcard"]


def escape(value: str) -> str:
    """A text value with RFC 6350 escapes: backslash, comma, semicolon, newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str, width: int = 75) -> str:
    """Fold a content line at ``width`` octets without splitting a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        n = len(char.encode("utf-8"))
        if size + n > width:
            out.append(current)
            current, size = " ", 1
        current += char
        size += n
    out.append(current)
    return "\r\n".join(out)


def person_to_vcard(person: Person) -> str:
    """One person as a vCard 4.0 card (CRLF line ends, folded)."""
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"UID:urn:dunbar:person:{person.id}"]
    lines.append(f"FN:{escape(person.name)}")
    family, given = escape(person.family_name or ""), escape(person.given_name or "")
    lines.append(f"N:{family};{given};;;")
    if person.organisation:
        lines.append(f"ORG:{escape(person.organisation)}")
    if person.title:
        lines.append(f"TITLE:{escape(person.title)}")
    for identity in person.identities:
        if identity.kind is IdentityKind.EMAIL:
            lines.append(f"EMAIL:{escape(identity.value)}")
        elif identity.kind is IdentityKind.PHONE:
            lines.append(f"TEL;VALUE=uri:tel:{identity.value}")
        elif identity.kind is IdentityKind.URL:
            lines.append(f"URL:{identity.value}")
        else:
            lines.append(f"X-SOCIALPROFILE:{escape(identity.value)}")
    if person.birthday:
        day = person.birthday
        lines.append("BDAY:" + ("--" + day[2:].replace("-", "") if day.startswith("--") else day))
    if person.location:
        lines.append(f"ADR:;;;{escape(person.location)};;;")
    if person.tags:
        lines.append("CATEGORIES:" + ",".join(escape(t) for t in person.tags))
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def people_to_vcard(people: Iterable[Person]) -> str:
    """Many people as one ``.vcf`` file."""
    return "".join(person_to_vcard(p) for p in people)
