"""How busy the app is: requests in flight, and each response's own time.

:class:`LoadMiddleware` counts the requests being served (``app.state.load``),
so that the cache may show other sessions a value up to a moment old only while
the app is busy (:func:`dunbar.web.deps.cached`); and it adds a
``Server-Timing: app;dur=<ms>`` header to every response (seen in the browser's
developer tools and read by ``benchmarks/bench_web.py``), which says how long the
app took and nothing of what it did.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["Load", "LoadMiddleware"]


class Load:
    """Requests in flight; changed on the event loop only, read from any thread."""

    def __init__(self) -> None:
        self.in_flight = 0

    @property
    def busy(self) -> bool:
        """Another request is being served besides the caller's."""
        return self.in_flight > 1


class LoadMiddleware(BaseHTTPMiddleware):
    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        load: Load = request.app.state.load
        started = time.perf_counter()
        load.in_flight += 1
        try:
            response = await call_next(request)
        finally:
            load.in_flight -= 1
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response
