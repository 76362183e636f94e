"""What the web app is started with: passed to :func:`dunbar.web.create_app`, never global."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["WebSettings"]


@dataclass(frozen=True)
class WebSettings:
    """Settings of one web app.

    ``database`` is what ``Ledger.open`` takes (a path or a URL). Cookies are
    ``Secure`` unless ``secure_cookies`` is off: browsers accept them on
    ``http://127.0.0.1`` and ``http://localhost``, which count as secure origins.
    """

    database: str
    secure_cookies: bool = True
    session_hours: float = 12.0
    max_upload_bytes: int = 50 * 1024 * 1024
    login_attempts: int = 5
    """Failed logins allowed per client address in ``login_window_s``; then 429."""
    login_window_s: float = 900.0
    page_size: int = 50
    clock: Callable[[], dt.datetime] | None = None
    """The ledger's clock (tests pass a fixed one); None is the real time."""
