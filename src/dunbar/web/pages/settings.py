"""Settings: strength parameters and calibration, backup and export, the password, API tokens.

The same facade calls as ``dunbar params``, ``dunbar calibrate``, ``dunbar backup``,
``dunbar export`` and ``dunbar token``. The downloads are GETs behind the login
that carry ``Content-Disposition: attachment``; a new API token is shown once,
in the answer to the POST that made it (never through the session cookie).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask
from starlette.datastructures import FormData

from dunbar.errors import DunbarError, NotFoundError, ValidationError
from dunbar.web.deps import jobs_of, ledger_of, render, see_other, session_gen, writing
from dunbar.web.uploads import save_upload, upload_form

if TYPE_CHECKING:
    from dunbar.strength.calibrate import CalibrationReport
    from dunbar.web.jobs import Progress

router = APIRouter()

NO_STORE = {"Cache-Control": "no-store"}


async def form_data(request: Request) -> FormData:
    """A route dependency: the posted form (its fields are not known in advance)."""
    return await request.form(max_fields=200)


def _param_fields(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The parameters as form fields: ``weights.closeness`` = ``0.3``; lists as JSON."""
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            out += [(f"{key}.{sub}", json.dumps(v)) for sub, v in value.items()]
        else:
            out.append((key, json.dumps(value)))
    return out


def _page(request: Request, **extra: Any) -> Response:
    ledger = ledger_of(request)
    context: dict[str, Any] = {
        "params": _param_fields(ledger.strength_params().to_dict()),
        "tokens": ledger.api_tokens(),
        "new_token": None,
        "flash": request.session.pop("flash", None),
    }
    context.update(extra)
    response = render(request, "settings.html", context)
    response.headers.update(NO_STORE)
    return response


@router.get("/settings")
def settings_page(request: Request) -> Response:
    return _page(request)


# --- strength parameters and calibration ---------------------------------------------


@router.post("/settings/params")
def set_params(request: Request, form: Annotated[FormData, Depends(form_data)]) -> Response:
    known = dict(_param_fields(ledger_of(request).strength_params().to_dict()))
    changes: dict[str, Any] = {}
    for key, raw in form.multi_items():
        if key not in known or not isinstance(raw, str) or raw.strip() == known[key]:
            continue
        if len(raw) > 2000:
            raise ValidationError(f"{key}: the value is too long")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw.strip()
        head, _, sub = key.partition(".")
        if sub:
            changes.setdefault(head, {})[sub] = value
        else:
            changes[head] = value
    if not changes:
        request.session["flash"] = "No parameter changed."
        return see_other("/settings")
    with writing(request) as ledger:
        ledger.set_strength_params(changes)
    names = ", ".join(
        sorted(
            name
            for key, value in changes.items()
            for name in ([f"{key}.{sub}" for sub in value] if isinstance(value, dict) else [key])
        )
    )
    request.session["flash"] = f"Saved: {names}."
    return see_other("/settings")


@router.post("/settings/params/reset")
def reset_params(request: Request) -> Response:
    with writing(request) as ledger:
        ledger.reset_strength_params()
    request.session["flash"] = "The strength parameters are back to their defaults."
    return see_other("/settings")


@router.get("/settings/calibration-sample.csv")
def calibration_sample(request: Request) -> Response:
    """About 20 people to rate, as the CSV that the calibration takes back."""
    import csv
    import io

    entries = ledger_of(request).calibration_sample(20)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["person", "name", "rating"])
    for e in entries:
        writer.writerow([e.person_id, e.name, ""])
    return Response(
        text.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="dunbar-ratings.csv"', **NO_STORE},
    )


@router.post("/settings/calibrate")
def calibrate(request: Request, form: Annotated[FormData, Depends(upload_form)]) -> Response:
    from dunbar.facade.calibration import read_ratings

    dry_run = form.get("dry_run") is not None
    name, path = save_upload(request, form.get("ratings"))
    try:
        ratings: list[tuple[str | int, float]] = list(read_ratings(path))
    except DunbarError as exc:
        raise ValidationError(str(exc).replace(str(path), name)) from None
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    if not ratings:
        raise ValidationError(f"{name} holds no ratings (fill in the rating column, 0 to 1)")

    def work(progress: Progress) -> tuple[CalibrationReport, bool]:
        """The report, and whether the new parameters were stored."""
        progress(f"fitting to {len(ratings)} ratings", 0, 0)
        with writing(request) as ledger:
            report = ledger.calibrate(ratings, apply=not dry_run)
        return report, report.adopted and not dry_run

    job = jobs_of(request).start(
        "Calibrating", work, done_url=lambda j: f"/settings/calibration/{j.id}"
    )
    return render(
        request, "settings_calibration.html", {"job": job, "state": "running", "report": None}
    )


@router.get("/settings/calibration/{job_id}")
def calibration_result(request: Request, job_id: str) -> Response:
    job = jobs_of(request).get(job_id)
    if job is None or job.title != "Calibrating":
        raise NotFoundError("no such calibration (results are kept for an hour)")
    state = job.state  # once: the job may finish while the page is made
    report, stored = job.result if state == "finished" else (None, False)
    return render(
        request,
        "settings_calibration.html",
        {"job": job, "state": state, "report": report, "stored": stored},
    )


# --- backup and export ------------------------------------------------------------------


def _stamp(request: Request) -> str:
    return ledger_of(request).now().strftime("%Y%m%d-%H%M")


@router.get("/settings/backup")
def backup(request: Request) -> Response:
    folder = Path(tempfile.mkdtemp(prefix="dunbar-backup-"))
    try:
        path = ledger_of(request).backup(folder / "backup.sqlite")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        path,
        media_type="application/vnd.sqlite3",
        filename=f"dunbar-backup-{_stamp(request)}.sqlite",
        headers=NO_STORE,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.get("/settings/export.json")
def export_json(request: Request) -> Response:
    from dunbar.cli.render import to_jsonable

    document = ledger_of(request).export()
    text = json.dumps(to_jsonable(document), ensure_ascii=False, indent=2) + "\n"
    return Response(
        text,
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="dunbar-export-{_stamp(request)}.json"',
            **NO_STORE,
        },
    )


@router.get("/settings/export.vcf")
def export_vcf(request: Request) -> Response:
    return Response(
        ledger_of(request).export_vcard(),
        media_type="text/vcard; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="dunbar-{_stamp(request)}.vcf"',
            **NO_STORE,
        },
    )


# --- password and API tokens --------------------------------------------------------------


@router.post("/settings/password")
def change_password(
    request: Request,
    current: Annotated[str, Form(max_length=1024)] = "",
    new: Annotated[str, Form(max_length=1024)] = "",
    again: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    limiter = request.app.state.limiter
    address = request.client.host if request.client else "unknown"
    wait = limiter.retry_after(address)
    if wait:
        raise ValidationError(f"too many wrong passwords: try again in {wait} s")
    if not ledger_of(request).check_web_password(current):
        limiter.failed(address)
        raise ValidationError("the current password is not right; nothing was changed")
    if new != again:
        raise ValidationError("the two new passwords differ; nothing was changed")
    with writing(request) as ledger:
        ledger.set_web_password(new)
    # Every other session has ended; this one goes on (with the new secret's digest).
    request.session["gen"] = session_gen(request)
    request.session["flash"] = "Password changed; other browsers are logged out."
    return see_other("/settings")


@router.post("/settings/tokens")
def create_token(request: Request, name: Annotated[str, Form(max_length=200)] = "") -> Response:
    with writing(request) as ledger:
        token = ledger.create_api_token(name)
    return _page(request, new_token=token, new_token_name=name.strip())


@router.post("/settings/tokens/revoke")
def revoke_token(request: Request, name: Annotated[str, Form(max_length=200)]) -> Response:
    with writing(request) as ledger:
        ledger.revoke_api_token(name)
    request.session["flash"] = f"Revoked the token {name!r}; scripts using it are refused now."
    return see_other("/settings")
