"""Who may open this ledger over the web: the password and the API tokens.

The web app is locked by default (``dunbar serve`` refuses to start without a
password). Both secrets are stored in the ledger's ``settings`` table, never in
clear:

- the password as an Argon2id hash (argon2-cffi's defaults: RFC 9106's second
  recommended profile);
- each API token as its SHA-256 (a token is 32 random bytes, so a slow hash adds
  nothing), with a name and the time it was made; the token itself is shown once.

The agenda feed (``/feed/<token>/agenda.ics``, for a calendar app that cannot
log in) has one secret token of its own, also kept as a SHA-256; making a new one
revokes the old URL.

The session secret that signs the web app's cookies lives there too; setting a
new password makes a new one, which logs every browser out.

``export`` does not include these keys; a ``backup`` (a copy of the whole
ledger) does, as it must to restore a working web app.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from dunbar.errors import ValidationError
from dunbar.facade.base import LedgerBase
from dunbar.store.tallies import get_setting, set_setting

__all__ = ["ApiToken", "CredentialsMixin"]

SECRET_PREFIX = "web."
PASSWORD_KEY = "web.password"
SECRET_KEY = "web.session_secret"
TOKENS_KEY = "web.api_tokens"
FEED_KEY = "web.feed_token"
MIN_PASSWORD = 8
TOKEN_PREFIX = "dbr_"


@dataclass(frozen=True)
class ApiToken:
    """A named API token (its hash stays in the ledger; the token was shown once)."""

    name: str
    created_at: str
    prefix: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class CredentialsMixin(LedgerBase):
    # --- the password ---------------------------------------------------------------

    def has_web_password(self) -> bool:
        with self._read() as conn:
            return bool(get_setting(conn, PASSWORD_KEY))

    def set_web_password(self, password: str) -> None:
        """Set (or change) the web app's password; every open session is ended."""
        from argon2 import PasswordHasher

        if not isinstance(password, str) or len(password) < MIN_PASSWORD:
            raise ValidationError(
                f"the password needs at least {MIN_PASSWORD} characters", field="password"
            )
        if password != password.strip():
            raise ValidationError(
                "the password starts or ends with a space; remove it", field="password"
            )
        hashed = PasswordHasher().hash(password)
        with self._write() as conn:
            now = self.now()
            set_setting(conn, PASSWORD_KEY, hashed, now=now)
            set_setting(conn, SECRET_KEY, secrets.token_hex(32), now=now)

    def check_web_password(self, password: str) -> bool:
        """Whether ``password`` is the web app's password (False when none is set)."""
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError

        with self._read() as conn:
            hashed = get_setting(conn, PASSWORD_KEY)
        if not hashed or not isinstance(password, str):
            return False
        try:
            return bool(PasswordHasher().verify(str(hashed), password))
        except (VerificationError, InvalidHashError):
            return False

    def web_session_secret(self) -> str:
        """The key that signs session cookies (made with the first password)."""
        with self._read() as conn:
            secret = get_setting(conn, SECRET_KEY)
        if secret:
            return str(secret)
        with self._write() as conn:
            secret = get_setting(conn, SECRET_KEY)
            if not secret:
                secret = secrets.token_hex(32)
                set_setting(conn, SECRET_KEY, secret, now=self.now())
        return str(secret)

    # --- API tokens -----------------------------------------------------------------

    def _tokens(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            stored = get_setting(conn, TOKENS_KEY)
        return list(stored) if isinstance(stored, list) else []

    def api_tokens(self) -> list[ApiToken]:
        return [ApiToken(t["name"], t["created_at"], t["prefix"]) for t in self._tokens()]

    def create_api_token(self, name: str) -> str:
        """A new token for scripts, named ``name``; returned once, stored hashed."""
        name = (name or "").strip()
        if not name or len(name) > 80:
            raise ValidationError("a token needs a name of 1 to 80 characters", field="name")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._write() as conn:
            stored = get_setting(conn, TOKENS_KEY)
            tokens = list(stored) if isinstance(stored, list) else []
            if any(t["name"] == name for t in tokens):
                raise ValidationError(f"there is already a token named {name!r}", field="name")
            tokens.append(
                {
                    "name": name,
                    "sha256": _digest(token),
                    "prefix": token[: len(TOKEN_PREFIX) + 4],
                    "created_at": self.now().isoformat(timespec="seconds"),
                }
            )
            set_setting(conn, TOKENS_KEY, tokens, now=self.now())
        return token

    def revoke_api_token(self, name: str) -> None:
        with self._write() as conn:
            stored = get_setting(conn, TOKENS_KEY)
            tokens = list(stored) if isinstance(stored, list) else []
            kept = [t for t in tokens if t["name"] != name]
            if len(kept) == len(tokens):
                from dunbar.errors import NotFoundError

                raise NotFoundError(f"no token named {name!r}")
            set_setting(conn, TOKENS_KEY, kept, now=self.now())

    def check_api_token(self, token: str) -> str | None:
        """The name of the token ``token`` is, or None."""
        if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX):
            return None
        digest = _digest(token)
        for t in self._tokens():
            if hmac.compare_digest(str(t["sha256"]), digest):
                return str(t["name"])
        return None

    # --- the agenda feed's secret URL ----------------------------------------------

    def create_feed_token(self) -> str:
        """A new secret for the agenda feed's URL (the old URL stops working)."""
        token = secrets.token_urlsafe(32)
        with self._write() as conn:
            set_setting(conn, FEED_KEY, _digest(token), now=self.now())
        return token

    def revoke_feed_token(self) -> None:
        with self._write() as conn:
            set_setting(conn, FEED_KEY, "", now=self.now())

    def has_feed_token(self) -> bool:
        with self._read() as conn:
            return bool(get_setting(conn, FEED_KEY))

    def check_feed_token(self, token: str) -> bool:
        with self._read() as conn:
            stored = get_setting(conn, FEED_KEY)
        if not stored or not isinstance(token, str) or not token:
            return False
        return hmac.compare_digest(str(stored), _digest(token))
