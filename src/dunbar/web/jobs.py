"""Long work in the web app: run in a thread, its progress polled by the page.

A job wraps a library call that takes the usual ``progress(step, done, total)``
callback. ``GET /jobs/{id}`` (see :mod:`dunbar.web.routes_jobs`) returns its
state as JSON; ``static/app.js`` draws it in a ``<progress>`` element and follows
the job's ``done_url`` when it finishes.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dunbar.errors import DunbarError

__all__ = ["Job", "JobRegistry"]

Progress = Callable[[str, int, int], None]


@dataclass
class Job:
    id: str
    title: str
    step: str = "starting"
    done: int = 0
    total: int = 0
    state: str = "running"
    """``running``, ``finished`` or ``failed``."""
    error: str | None = None
    result: Any = None
    done_url: str | None = None
    started: float = field(default_factory=time.monotonic)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "step": self.step,
            "done": self.done,
            "total": self.total,
            "state": self.state,
            "error": self.error,
            "done_url": self.done_url if self.state == "finished" else None,
            "seconds": round(time.monotonic() - self.started, 1),
        }


class _Stopped(DunbarError):
    """Raised in a job's thread at its next progress step once the app stops."""


class JobRegistry:
    """The jobs of one app; finished jobs are kept for ``keep`` seconds."""

    def __init__(self, keep: float = 3600.0) -> None:
        self._jobs: dict[str, Job] = {}
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.keep = keep

    def start(
        self,
        title: str,
        work: Callable[[Progress], Any],
        *,
        done_url: Callable[[Job], str] | None = None,
    ) -> Job:
        """Run ``work(progress)`` in a thread; its DunbarError becomes the job's error."""
        job = Job(secrets.token_urlsafe(12), title)

        def progress(step: str, done: int, total: int) -> None:
            if self._stopping.is_set():  # the app is stopping: end the work, rolled back
                raise _Stopped("the app stopped before this job ended")
            job.step, job.done, job.total = step, done, total

        def run() -> None:
            try:
                job.result = work(progress)
                job.done_url = done_url(job) if done_url else None
                job.state = "finished"
            except DunbarError as exc:
                job.error, job.state = str(exc), "failed"
            except Exception as exc:  # a bug: reported on the page, not lost in a thread
                job.error, job.state = f"unexpected error: {type(exc).__name__}", "failed"

        with self._lock:
            now = time.monotonic()
            for key in [k for k, j in self._jobs.items() if now - j.started > self.keep]:
                del self._jobs[key]
            self._jobs[job.id] = job
            self._threads = [t for t in self._threads if t.is_alive()]
            thread = threading.Thread(target=run, name=f"dunbar-job-{job.id}", daemon=True)
            self._threads.append(thread)
        thread.start()
        return job

    def close(self, timeout: float = 30.0) -> bool:
        """Stop the running jobs (at their next progress step) and wait for them.

        Returns whether every job's thread ended within ``timeout`` seconds; the
        app closes its ledger only then, never under a thread still using it.
        """
        self._stopping.set()
        deadline = time.monotonic() + timeout
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in threads)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def wait(self, job_id: str, timeout: float = 60.0) -> Job | None:
        """Block until the job ends (for tests and scripts)."""
        deadline = time.monotonic() + timeout
        job = self.get(job_id)
        while job is not None and job.state == "running" and time.monotonic() < deadline:
            time.sleep(0.02)
        return job
