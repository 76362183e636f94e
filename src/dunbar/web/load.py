"""How busy the app is: requests in flight, and each response's own time.

:class:`LoadMiddleware` counts the requests being served (``app.state.load``),
so that the cache may show other sessions a value up to a moment old only while
the app is busy (:func:`dunbar.web.deps.cached`); and it adds a
``Server-Timing: app;dur=<ms>`` header to every response (seen in the browser's
developer tools and read by ``benchmarks/bench_web.py``), which says how long the
app took and nothing of what it did.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["BUSY_HOLD_S", "Load", "LoadMiddleware"]

BUSY_HOLD_S = 2.0
"""How long the app stays busy after two requests were last in flight at once. Under
load the count drops to 1 now and then between bursts; counted at that instant, a
page would wait for a value of the ledger's 50,000 people to be made again
(benchmarks/RESULTS.md: of 5 people-index builds in a run, 4 came from such
instants). One user clicking alone never has two requests in flight: always current."""


class Load:
    """Requests in flight; changed on the event loop only, read from any thread."""

    def __init__(
        self, *, hold: float = BUSY_HOLD_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.in_flight = 0
        self.hold = hold
        self._clock = clock
        self._concurrent_at = -math.inf  # when two requests were last in flight at once

    def started(self) -> None:
        self.in_flight += 1
        if self.in_flight > 1:
            self._concurrent_at = self._clock()

    def ended(self) -> None:
        self.in_flight -= 1

    @property
    def busy(self) -> bool:
        """Another request is being served besides the caller's, or was a moment ago."""
        return self.in_flight > 1 or self._clock() - self._concurrent_at < self.hold


class LoadMiddleware(BaseHTTPMiddleware):
    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        load: Load = request.app.state.load
        started = time.perf_counter()
        load.started()
        try:
            response = await call_next(request)
        finally:
            load.ended()
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response
