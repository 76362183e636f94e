"""Import: upload a file, see what it would change (a dry run), confirm, and review duplicates.

The same :meth:`~dunbar.Ledger.import_files` as ``dunbar import``: first with
``dry_run=True`` (the preview), then for real once confirmed; both run as jobs
with a progress bar. The upload is kept in a temporary folder of the server's
(:mod:`dunbar.web.uploads`) until the import, or for an hour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from dunbar.errors import DunbarError, NotFoundError, ValidationError
from dunbar.importers.formats import FORMATS
from dunbar.web.deps import cached, jobs_of, ledger_of, render, see_other, writing
from dunbar.web.uploads import Upload, save_upload, upload_form, uploads_of

if TYPE_CHECKING:
    from dunbar.importers.pipeline import ImportReport
    from dunbar.web.jobs import Progress

router = APIRouter()

FORMAT_CHOICES = ["auto", *(name for name, f in FORMATS.items() if f.folder is None)]
SHOWN = 100
DUPLICATES_SHOWN = 100


@router.get("/import")
def import_page(request: Request) -> Response:
    uploads_of(request).sweep()
    return render(
        request,
        "import.html",
        {"formats": FORMAT_CHOICES, "flash": request.session.pop("flash", None)},
    )


def _run(request: Request, upload: Upload, *, dry_run: bool) -> Any:
    """The job's work: the import (or its dry run) of the upload."""

    def work(progress: Progress) -> ImportReport:
        def step(file: str, records: int, done: int, total: int) -> None:
            progress(f"{records:,} records read", done, total)

        try:
            if dry_run:
                return ledger_of(request).import_files(
                    [upload.path], format=upload.format, dry_run=True, progress=step
                )
            with writing(request) as ledger:
                return ledger.import_files([upload.path], format=upload.format, progress=step)
        except DunbarError as exc:  # one line, naming the file as the user knows it
            upload.delete()  # nothing to confirm
            raise DunbarError(upload.shown(exc)) from None
        finally:
            if not dry_run:
                upload.delete()

    return work


@router.post("/import")
def upload(request: Request, form: Annotated[FormData, Depends(upload_form)]) -> Response:
    fmt = form.get("format") or "auto"
    if not isinstance(fmt, str) or fmt not in FORMAT_CHOICES:
        raise ValidationError(f"unknown format: choose one of {', '.join(FORMAT_CHOICES)}")
    name, path = save_upload(request, form.get("file"))
    item = uploads_of(request).add(name, path, fmt)
    job = jobs_of(request).start(
        f"Reading {name}",
        _run(request, item, dry_run=True),
        done_url=lambda _: f"/import/{item.id}",
    )
    item.preview_job = job.id
    return see_other(f"/import/{item.id}")


# --- duplicates (before /import/{upload_id}, which would match them) ----------------


@router.get("/import/duplicates")
def duplicates(request: Request) -> Response:
    ledger = ledger_of(request)
    proposals = cached(
        request, f"duplicates:{DUPLICATES_SHOWN}", lambda: ledger.duplicates(limit=DUPLICATES_SHOWN)
    )
    return render(
        request,
        "import_duplicates.html",
        {"proposals": proposals, "flash": request.session.pop("flash", None)},
    )


@router.post("/import/duplicates/merge")
def merge(
    request: Request, keep: Annotated[int, Form()], other: Annotated[int, Form()]
) -> Response:
    if keep == other:
        raise ValidationError("choose two different people to merge")
    with writing(request) as ledger:
        gone = ledger.person(other)
        kept = ledger.merge(keep, other)
    request.session["flash"] = f"Merged {gone.name} into {kept.name}."
    return see_other("/import/duplicates")


@router.post("/import/duplicates/different")
def different(request: Request, a: Annotated[int, Form()], b: Annotated[int, Form()]) -> Response:
    if a == b:
        raise ValidationError("choose two different people")
    with writing(request) as ledger:
        first, second = ledger.person(a), ledger.person(b)
        ledger.not_duplicates(a, b)
    request.session["flash"] = (
        f"Noted: {first.name} and {second.name} are different people; they will not be "
        "proposed again."
    )
    return see_other("/import/duplicates")


# --- one upload ---------------------------------------------------------------------


def _upload(request: Request, upload_id: str) -> Upload:
    item = uploads_of(request).get(upload_id)
    if item is None:
        raise NotFoundError("no such upload: uploads are kept for an hour; upload the file again")
    return item


def _summary(report: ImportReport) -> dict[str, int]:
    return {
        key: report.total(key)
        for key in ("records", "created", "updated", "merged", "unchanged", "proposed", "rejected")
    }


@router.get("/import/{upload_id}")
def preview(request: Request, upload_id: str) -> Response:
    item = _upload(request, upload_id)
    jobs = jobs_of(request)
    job_id = item.import_job or item.preview_job
    job = jobs.get(job_id) if job_id else None
    if job is None:
        raise NotFoundError("this import's progress is no longer known; upload the file again")
    state = job.state  # once: the job's thread may finish while the page is made
    report = job.result if state == "finished" else None
    return render(
        request,
        "import_preview.html",
        {
            "upload": item,
            "job": job,
            "state": state,
            "stage": "import" if item.import_job else "preview",
            "report": report,
            "summary": _summary(report) if report is not None else None,
            "shown": item.shown,
            "limit": SHOWN,
            "flash": request.session.pop("flash", None),
        },
    )


@router.post("/import/{upload_id}/confirm")
def confirm(request: Request, upload_id: str) -> Response:
    item = _upload(request, upload_id)
    jobs = jobs_of(request)
    if item.discarded:
        raise ValidationError(f"{item.name} was discarded; upload it again to import it")
    preview_job = jobs.get(item.preview_job) if item.preview_job else None
    if preview_job is None or preview_job.state != "finished":
        raise ValidationError("the preview of this file has not finished (or failed)")
    if any(f.error for f in preview_job.result.files):
        raise ValidationError(f"{item.name} cannot be imported: see the preview")
    if item.import_job is None:
        job = jobs.start(
            f"Importing {item.name}",
            _run(request, item, dry_run=False),
            done_url=lambda _: f"/import/{item.id}",
        )
        item.import_job = job.id
    return see_other(f"/import/{item.id}")


@router.post("/import/{upload_id}/discard")
def discard(request: Request, upload_id: str) -> Response:
    item = _upload(request, upload_id)
    if item.import_job is None:
        item.delete()
        item.discarded = True
    request.session["flash"] = f"Discarded {item.name}; nothing was imported."
    return see_other("/import")
