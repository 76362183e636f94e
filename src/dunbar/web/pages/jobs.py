"""The state of a long job, polled by ``static/app.js`` to draw its progress bar."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from dunbar.errors import NotFoundError
from dunbar.web.deps import jobs_of

router = APIRouter()


@router.get("/jobs/{job_id}")
def job_state(request: Request, job_id: str) -> JSONResponse:
    job = jobs_of(request).get(job_id)
    if job is None:
        raise NotFoundError("no such job (it may have finished an hour ago)")
    return JSONResponse(job.as_json())
