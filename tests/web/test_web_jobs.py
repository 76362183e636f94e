"""Long work in the web app (dunbar.web.jobs): a job ends with its result, its
DunbarError, or, when the app stops, at its next progress step."""

from __future__ import annotations

import threading

from dunbar.errors import UsageError
from dunbar.web.jobs import JobRegistry


def test_a_job_reports_progress_and_its_result() -> None:
    jobs = JobRegistry()

    def work(progress):
        progress("counting", 1, 2)
        return 42

    job = jobs.start("count", work, done_url=lambda j: f"/done/{j.result}")
    ended = jobs.wait(job.id, timeout=5)
    assert ended is not None and ended.state == "finished"
    assert ended.as_json()["done_url"] == "/done/42"
    assert (ended.step, ended.done, ended.total) == ("counting", 1, 2)


def test_a_dunbar_error_is_the_jobs_one_line_error() -> None:
    jobs = JobRegistry()

    def work(progress):
        raise UsageError("no such file")

    job = jobs.wait(jobs.start("fail", work).id, timeout=5)
    assert job is not None and (job.state, job.error) == ("failed", "no such file")


def test_close_stops_a_running_job_at_its_next_step_and_waits_for_it() -> None:
    # The app's shutdown closes the ledger only once no job thread uses it (a job
    # still running as the app stopped crashed CI).
    jobs = JobRegistry()
    started, release = threading.Event(), threading.Event()
    steps: list[int] = []

    def work(progress):
        for i in range(1000):
            progress("step", i, 1000)
            steps.append(i)
            started.set()
            release.wait(0.01)
        return "all"

    job = jobs.start("long", work)
    assert started.wait(5)
    assert jobs.close(timeout=5) is True
    assert job.state == "failed"
    assert job.error == "the app stopped before this job ended"
    assert len(steps) < 1000


def test_close_says_when_a_job_did_not_end_in_time() -> None:
    jobs = JobRegistry()
    release = threading.Event()
    job = jobs.start("stuck", lambda progress: release.wait(5))
    assert jobs.close(timeout=0.05) is False  # no progress step: cannot be stopped
    release.set()
    assert jobs.wait(job.id, timeout=5).state == "finished"
