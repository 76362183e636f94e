"""Normalising what people type: identities, names, labels, dates and enums.

Every public function either returns the canonical form or raises
:class:`~dunbar.errors.ValidationError` with a message fit for one CLI line.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

from dunbar.errors import ValidationError
from dunbar.model import IdentityKind

__all__ = [
    "classify_identity",
    "name_key",
    "normalise_email",
    "normalise_handle",
    "normalise_identity",
    "normalise_label",
    "normalise_phone",
    "normalise_url",
    "parse_date",
    "parse_datetime",
    "parse_enum",
]

E = TypeVar("E", bound=StrEnum)

# Deliberately permissive local part (RFC 5322 allows a lot); strict enough to
# reject "ana", "ana@", "@x.org" and anything with spaces.
_EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\".]{2,}$")
_HANDLE = re.compile(r"^@?[\w.\-]{1,64}(@[\w.\-]+)?$")


def name_key(text: str) -> str:
    """Case- and accent-insensitive key of a name: ``"Zoë  Núñez"`` -> ``"zoe nunez"``."""
    if text.isascii():  # NFKD, combining marks and _FOLD change nothing in ASCII
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Letters that NFKD does not decompose but people type both ways.
    stripped = stripped.translate(_FOLD)
    return " ".join(stripped.casefold().split())


_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss"})


def normalise_email(value: str) -> str:
    """Lower-case, trimmed email address; ``mailto:`` is dropped."""
    text = value.strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    text = text.strip().lower()
    if not _EMAIL.match(text):
        raise ValidationError(f"not an email address: {value!r}", field="email")
    return text


def normalise_phone(value: str, *, region: str | None = None) -> str:
    """Phone number in E.164 (``+4915112345678``), via ``phonenumbers``.

    Numbers without a country code need ``region`` (an ISO 3166 code such as
    ``"DE"``); without one they are rejected rather than guessed.
    """
    import phonenumbers

    text = value.strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException as exc:
        hint = "" if text.startswith("+") or region else " (add the country code, e.g. +44...)"
        raise ValidationError(f"not a phone number: {value!r}{hint}", field="phone") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise ValidationError(f"not a possible phone number: {value!r}", field="phone")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def normalise_url(value: str) -> str:
    """URL with scheme and host lower-cased, ``www.`` and a trailing slash dropped."""
    text = value.strip()
    if not text:
        raise ValidationError("empty URL", field="url")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
        raise ValidationError(f"not a web address: {value!r}", field="url")
    host = parts.netloc.lower()
    host = host.removeprefix("www.")
    path = parts.path.rstrip("/")
    return urlunsplit(("https", host, path, parts.query, ""))


def normalise_handle(value: str) -> str:
    """A social handle such as ``@ana`` or ``ana@mastodon.social``, lower-cased."""
    text = value.strip()
    if not _HANDLE.match(text):
        raise ValidationError(f"not a handle: {value!r}", field="handle")
    return text.lower() if text.startswith("@") else "@" + text.lower()


def normalise_identity(kind: IdentityKind, value: str, *, region: str | None = None) -> str:
    if kind is IdentityKind.EMAIL:
        return normalise_email(value)
    if kind is IdentityKind.PHONE:
        return normalise_phone(value, region=region)
    if kind is IdentityKind.URL:
        return normalise_url(value)
    return normalise_handle(value)


def classify_identity(value: str) -> IdentityKind | None:
    """Guess whether a reference is an email, a phone or a URL; ``None`` for a name."""
    text = value.strip()
    if "@" in text and not text.startswith("@") and " " not in text:
        return IdentityKind.EMAIL
    if text.startswith(("http://", "https://", "www.")):
        return IdentityKind.URL
    digits = sum(ch.isdigit() for ch in text)
    if digits >= 5 and re.fullmatch(r"[+()\d\s.\-/]+", text):
        return IdentityKind.PHONE
    return None


def normalise_label(value: str) -> str:
    """Tags, topics, offers and needs: trimmed, inner spaces collapsed, case kept."""
    text = " ".join(value.split())
    if not text:
        raise ValidationError("empty label")
    if len(text) > 200:
        raise ValidationError(f"label too long ({len(text)} characters, at most 200)")
    return text


def parse_date(
    value: str | dt.date, *, what: str = "date", today: dt.date | None = None
) -> dt.date:
    """An ISO date (``2026-11-20``), ``today`` or ``yesterday``.

    ``today`` is the caller's notion of the current date (the ledger's clock);
    without it the machine's date is used.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = value.strip().lower()
    current = today if today is not None else dt.date.today()
    if text == "today":
        return current
    if text == "yesterday":
        return current - dt.timedelta(days=1)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"bad {what} {value!r}: use YYYY-MM-DD", field=what.replace(" ", "_")
        ) from None


def parse_datetime(
    value: str | dt.datetime | dt.date,
    *,
    tz: dt.tzinfo | None = None,
    what: str = "date",
    now: dt.datetime | None = None,
) -> dt.datetime:
    """A timezone-aware datetime from ISO text, a date or a datetime.

    A bare date means noon local time (so that it stays the same calendar day in
    any nearby zone); a naive time is read in ``tz`` (default: the machine's local
    zone). Aware values keep their offset.
    """
    zone = tz if tz is not None else _local_zone()
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(12, 0))
    else:
        text = value.strip()
        if text.lower() in ("now",):
            return now if now is not None else dt.datetime.now(dt.UTC)
        if text.lower() in ("today", "yesterday") or len(text) <= 10:
            today = now.astimezone(zone).date() if now is not None else None
            day = parse_date(text, what=what, today=today)
            moment = dt.datetime.combine(day, dt.time(12, 0))
        else:
            try:
                moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                raise ValidationError(
                    f"bad {what} {value!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM",
                    field=what.replace(" ", "_"),
                ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        moment.astimezone(dt.UTC)  # stored in UTC: it must have a UTC time
    except OverflowError:
        raise ValidationError(
            f"{what} {value!r} is out of range", field=what.replace(" ", "_")
        ) from None
    return moment


def _local_zone() -> dt.tzinfo:
    zone = dt.datetime.now().astimezone().tzinfo
    return zone if zone is not None else dt.UTC


def parse_enum(enum: type[E], value: str | E, *, what: str) -> E:
    """Accept ``in-person``, ``In Person`` or ``in_person`` for ``Channel.IN_PERSON``."""
    if isinstance(value, enum):
        return value
    key = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return enum(key)
    except ValueError:
        choices = ", ".join(m.value.replace("_", "-") for m in enum)
        raise ValidationError(
            f"unknown {what} {value!r}: choose one of {choices}", field=what
        ) from None
