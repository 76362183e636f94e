"""The web app's locks: security headers, the login rate limit, CSRF tokens.

- Every response carries a strict Content Security Policy (scripts and styles
  only from this server, no inline code, no framing), ``nosniff``, ``DENY``
  framing, no referrer, and ``no-store`` caching for pages, whose content is
  intimate.
- A session holds a random CSRF token; every state-changing form posts it back
  (field ``csrf``) or a script sends it as ``X-CSRF-Token``. Compared in constant
  time.
- Failed logins are counted per client address in a sliding window.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["CSP", "LoginLimiter", "SecurityHeaders", "csrf_token"]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "no-referrer"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if not request.url.path.startswith("/static/"):
            headers["Cache-Control"] = "no-store"
        return response


def csrf_token(session: dict[str, object]) -> str:
    """The session's CSRF token, made on first use."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


class LoginLimiter:
    """At most ``attempts`` failed logins per address in ``window`` seconds."""

    def __init__(self, attempts: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.attempts = attempts
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str) -> deque[float]:
        now = self._clock()
        seen = self._failures.setdefault(address, deque())
        while seen and now - seen[0] > self.window:
            seen.popleft()
        return seen

    def retry_after(self, address: str) -> int:
        """Seconds until ``address`` may try again; 0 when it may now."""
        with self._lock:
            seen = self._recent(address)
            if len(seen) < self.attempts:
                return 0
            return max(1, int(self.window - (self._clock() - seen[0])) + 1)

    def failed(self, address: str) -> None:
        with self._lock:
            self._recent(address).append(self._clock())

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address, None)
