"""The web app's secrets in the ledger: the password, API tokens, the feed token."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from dunbar import Ledger
from dunbar.errors import NotFoundError, ValidationError


def _settings_dump(ledger: Ledger) -> str:
    with ledger.engine.connect() as conn:
        return repr(conn.execute(text("SELECT key, value FROM settings")).fetchall())


def test_password_is_hashed_with_argon2_and_checked(ledger: Ledger) -> None:
    assert not ledger.has_web_password()
    assert not ledger.check_web_password("anything at all")
    ledger.set_web_password("a long passphrase")
    assert ledger.has_web_password()
    assert ledger.check_web_password("a long passphrase")
    assert not ledger.check_web_password("a long passphrasE")
    dump = _settings_dump(ledger)
    assert "a long passphrase" not in dump and "$argon2id$" in dump


@pytest.mark.parametrize("bad", ["short", "", " leading space", "trailing space "])
def test_weak_or_odd_passwords_are_refused(ledger: Ledger, bad: str) -> None:
    with pytest.raises(ValidationError):
        ledger.set_web_password(bad)
    assert not ledger.has_web_password()


def test_new_password_makes_a_new_session_secret(ledger: Ledger) -> None:
    ledger.set_web_password("first password")
    first = ledger.web_session_secret()
    ledger.set_web_password("second password")
    assert ledger.web_session_secret() != first
    assert not ledger.check_web_password("first password")


def test_api_tokens_are_hashed_named_and_revocable(ledger: Ledger) -> None:
    token = ledger.create_api_token("backup script")
    assert token.startswith("dbr_") and len(token) > 40
    assert ledger.check_api_token(token) == "backup script"
    assert ledger.check_api_token(token + "x") is None
    assert ledger.check_api_token("") is None
    assert token not in _settings_dump(ledger)
    assert [t.name for t in ledger.api_tokens()] == ["backup script"]
    with pytest.raises(ValidationError, match="already a token"):
        ledger.create_api_token("backup script")
    with pytest.raises(ValidationError):
        ledger.create_api_token("   ")
    ledger.revoke_api_token("backup script")
    assert ledger.check_api_token(token) is None
    with pytest.raises(NotFoundError):
        ledger.revoke_api_token("backup script")


def test_secrets_are_not_in_the_export(ledger: Ledger) -> None:
    ledger.set_web_password("a long passphrase")
    ledger.create_api_token("script")
    exported = repr(ledger.export())
    assert "argon2" not in exported and "web.api_tokens" not in exported
