"""``/api/v1/imports``: upload a file to import (or to dry-run), get the report.

The same safety as the import page: the upload is copied, at most
``WebSettings.max_upload_bytes``, into a new temporary folder under its own
base name (a name with a folder part or ``..`` is refused), imported from
there, and the folder is removed. The caller never names a path on the server.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile

from dunbar.errors import ValidationError
from dunbar.web.api.schemas import ERRORS, ErrorOut, ImportReportOut
from dunbar.web.deps import settings_of, writing

router = APIRouter(tags=["import"], responses=ERRORS)

CHUNK = 1 << 20


def safe_name(name: str | None) -> str:
    """The upload's file name, if it is a plain base name; else a ValidationError."""
    text = (name or "").strip()
    if (
        not text
        or text in (".", "..")
        or "/" in text
        or "\\" in text
        or "\x00" in text
        or text.startswith(".")
        or len(text) > 200
        or any(ord(c) < 32 for c in text)
    ):
        raise ValidationError(f"not a plain file name: {text[:80]!r}", field="file")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("the file name is not valid Unicode", field="file") from None
    return text


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"the upload is larger than the limit of {limit:,} bytes")


@router.post(
    "/imports",
    status_code=200,
    summary="Import an uploaded file (vCard, iCalendar, LinkedIn, Google, CSV, mbox)",
    responses={413: {"model": ErrorOut, "description": "The upload is too large."}},
)
def import_upload(
    request: Request,
    file: Annotated[UploadFile, File(description="The file to import.")],
    dry_run: Annotated[bool, Form(description="Show what would change; write nothing.")] = False,
    format: Annotated[str, Form(max_length=20, description="auto or a format name.")] = "auto",
    region: Annotated[str | None, Form(max_length=8)] = None,
) -> ImportReportOut:
    limit = settings_of(request).max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise _too_large(limit)
    name = safe_name(file.filename)
    folder = Path(tempfile.mkdtemp(prefix="dunbar-upload-"))
    try:
        target = folder / name
        copied = 0
        with target.open("wb") as out:
            while chunk := file.file.read(CHUNK):
                copied += len(chunk)
                if copied > limit:
                    raise _too_large(limit)
                out.write(chunk)
        with writing(request) as ledger:
            report = ledger.import_files(
                [target], format=format.lower(), dry_run=dry_run, region=region or None
            )
        document = ImportReportOut.of(report).model_dump_json()
        # Name the upload as the caller did, never the server's temporary folder.
        document = document.replace(json.dumps(str(folder) + "/")[1:-1], "")
        return ImportReportOut.model_validate_json(document)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
