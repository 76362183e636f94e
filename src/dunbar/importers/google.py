"""Google Contacts CSV, both layouts (see ``csv_formats/FORMATS.md``).

- **Legacy "Google CSV"**: ``Name, Given Name, Additional Name, Family Name, ...,
  Group Membership, E-mail 1 - Type, E-mail 1 - Value, ..., Organization 1 - Name``.
- **Current export**: ``First Name, Middle Name, Last Name, ..., Organization Name,
  Organization Title, Birthday, Notes, Labels, E-mail 1 - Label, E-mail 1 - Value, ...``.

Numbered groups go only as high as the address book needs, so columns are read
by name. A cell may hold several values joined with `` ::: ``. Labels and group
memberships become tags, except Google's system groups (``* myContacts``,
``* starred``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from dunbar.importers.csvfiles import Row, numbered, rows_by_header, split_multi
from dunbar.importers.formats import ParseOptions
from dunbar.importers.records import Origin, Parsed, PersonRecord, Rejection
from dunbar.importers.vcard import parse_birthday
from dunbar.normalise import name_key

__all__ = ["parse_google"]


def _is_header(cells: list[str]) -> bool:
    lower = [c.lower() for c in cells]
    return lower[:3] == ["name", "given name", "additional name"] or lower[:3] == [
        "first name",
        "middle name",
        "last name",
    ]


def _name(row: Row) -> tuple[str, str | None, str | None]:
    given = row.get("Given Name") or row.get("First Name") or None
    family = row.get("Family Name") or row.get("Last Name") or None
    middle = row.get("Additional Name") or row.get("Middle Name") or ""
    full = row.get("Name") or " ".join(p for p in (given, middle, family) if p)
    full = full or row.get("Nickname") or row.get("File As") or ""
    return full.strip(), given, family


def _values(row: Row, group: str) -> list[str]:
    return [v for _, cell in numbered(row, group, "Value") for v in split_multi(cell)]


def parse_google(stream: BinaryIO, options: ParseOptions) -> Iterator[Parsed]:
    for item in rows_by_header(stream, options.file, _is_header, what="Google Contacts"):
        if isinstance(item, Rejection):
            yield item
            continue
        line, row = item
        name, given, family = _name(row)
        if not name:
            yield Rejection(options.file, f"{options.file}:{line}", "contact has no name")
            continue
        record = PersonRecord(Origin(options.file, line, ""), name, given, family)
        record.emails = _values(row, "E-mail")
        record.phones = _values(row, "Phone")
        record.urls = [u for u in _values(row, "Website") if u.startswith(("http", "www."))]
        record.organisation = (
            row.get("Organization Name") or row.get("Organization 1 - Name") or None
        )
        record.title = row.get("Organization Title") or row.get("Organization 1 - Title") or None
        city = [c for _, c in numbered(row, "Address", "City")]
        country = [c for _, c in numbered(row, "Address", "Country")]
        place = ", ".join(p for p in (city[:1] + country[:1]) if p)
        record.location = place or row.get("Location") or None
        birthday = row.get("Birthday", "")
        if birthday:
            record.birthday = parse_birthday(birthday) or birthday
        groups = split_multi(row.get("Labels") or row.get("Group Membership") or "")
        record.tags = [g for g in groups if not g.startswith("*")]
        if row.get("Notes"):
            record.custom["note"] = row["Notes"][:2000]
        if row.get("Photo", "").startswith("http"):
            record.custom["photo"] = row["Photo"]  # a reference; the image is not fetched
        if row.get("Nickname") and row["Nickname"] != name:
            record.custom["nickname"] = row["Nickname"]
        if record.emails:
            ref = "email:" + record.emails[0].lower()
        elif record.phones:
            ref = "tel:" + record.phones[0]
        else:
            ref = "name:" + name_key(name)
        record.origin = Origin(options.file, line, ref)
        yield record
