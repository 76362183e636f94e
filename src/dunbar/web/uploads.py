"""Uploaded files: checked, bounded, and kept only in a temporary folder of the server's.

An upload is never written under a name the browser chose. Its name is only
checked (a name with a path in it is refused outright: nobody uploads
``../../etc/passwd.vcf`` by accident) and kept for display; the bytes go to a new
``tempfile.mkdtemp`` folder as ``upload`` plus a known extension (format
detection looks at it). The body's size is bounded before it is read
(:func:`dunbar.web.deps.check_upload_size`) and again while it is copied.

Uploads waiting for a confirmation live in an :class:`UploadRegistry` on the
app; they are deleted after their import, or after an hour.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from dunbar.errors import ValidationError
from dunbar.web.deps import check_upload_size, settings_of

__all__ = [
    "MAX_AGE_S",
    "Upload",
    "UploadRegistry",
    "check_filename",
    "safe_suffix",
    "save_upload",
    "upload_form",
    "uploads_of",
]

MAX_AGE_S = 3600.0
TEMP_PREFIX = "dunbar-upload-"
CHUNK = 1024 * 1024
SAFE_SUFFIXES = frozenset(
    {
        ".vcf",
        ".vcard",
        ".ics",
        ".ical",
        ".ifb",
        ".csv",
        ".tsv",
        ".txt",
        ".dat",
        ".json",
        ".mbox",
        ".mbx",
        ".eml",
        ".gz",
        ".zip",
        ".tar",
        ".tgz",
    }
)
_DRIVE = re.compile(r"^[A-Za-z]:")


def check_filename(name: str) -> str:
    """The browser's file name, if it is a plain name; a name with a path is refused."""
    name = name or ""
    if (
        "/" in name
        or "\\" in name
        or ".." in name
        or "\x00" in name
        or _DRIVE.match(name)
        or name.startswith("~")
    ):
        raise ValidationError(
            "path traversal in uploads rejected: a file name may not contain "
            "'/', '\\', '..', a drive or a NUL byte",
            field="file",
        )
    name = name.strip()
    if not name:
        raise ValidationError("choose a file to upload", field="file")
    if len(name) > 255 or any(ord(c) < 32 for c in name):
        raise ValidationError("the file name is too long or holds control characters")
    return name


def safe_suffix(name: str) -> str:
    """The known extensions at the end of ``name`` (``.csv.gz``), or ``""``."""
    kept: list[str] = []
    for suffix in reversed(Path(name.lower()).suffixes[-2:]):
        if suffix not in SAFE_SUFFIXES:
            break
        kept.insert(0, suffix)
    return "".join(kept)


async def upload_form(request: Request) -> AsyncIterator[FormData]:
    """A route dependency: the multipart form, its size checked before it is read
    (and its spooled file closed after the route)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ValidationError("send the file as a multipart form (an <input type=file>)")
    check_upload_size(request)
    form = await request.form(max_files=1, max_fields=20)
    try:
        yield form
    finally:
        await form.close()


def save_upload(request: Request, file: object) -> tuple[str, Path]:
    """Copy the uploaded ``file`` to a new temporary folder: (display name, path).

    Over ``max_upload_bytes``: the folder is removed and the answer is 413.
    """
    if not isinstance(file, UploadFile):
        raise ValidationError("choose a file to upload", field="file")
    name = check_filename(file.filename or "")
    limit = settings_of(request).max_upload_bytes
    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    path = folder / ("upload" + safe_suffix(name))
    written = 0
    try:
        with path.open("xb") as out:
            while chunk := file.file.read(CHUNK):
                written += len(chunk)
                if written > limit:
                    raise HTTPException(
                        413,
                        f"the file is larger than the upload limit of {limit:,} bytes; "
                        "nothing was kept",
                    )
                out.write(chunk)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if written == 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise ValidationError(f"{name} is empty", field="file")
    return name, path


@dataclass
class Upload:
    """A file waiting for its import to be confirmed."""

    id: str
    name: str
    """The name the browser sent (checked; for display only)."""
    path: Path
    format: str
    created: float
    preview_job: str | None = None
    import_job: str | None = None
    discarded: bool = False

    def shown(self, text: object) -> str:
        """``text`` with the server's temporary path replaced by the file's name."""
        return str(text).replace(str(self.path), self.name)

    def delete(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)


class UploadRegistry:
    """The app's uploads, by id; the old ones are removed as new ones come."""

    def __init__(self, max_age: float = MAX_AGE_S) -> None:
        self._uploads: dict[str, Upload] = {}
        self._lock = threading.Lock()
        self.max_age = max_age

    def add(self, name: str, path: Path, format: str) -> Upload:
        self.sweep()
        upload = Upload(secrets.token_urlsafe(12), name, path, format, time.time())
        with self._lock:
            self._uploads[upload.id] = upload
        return upload

    def get(self, upload_id: str) -> Upload | None:
        with self._lock:
            return self._uploads.get(upload_id)

    def sweep(self) -> None:
        """Delete uploads older than ``max_age`` (also those a restarted server left)."""
        cutoff = time.time() - self.max_age
        with self._lock:
            for key in [k for k, u in self._uploads.items() if u.created < cutoff]:
                self._uploads.pop(key).delete()
        for folder in Path(tempfile.gettempdir()).glob(TEMP_PREFIX + "*"):
            try:
                if folder.is_dir() and folder.stat().st_mtime < cutoff:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                continue


def uploads_of(request: Request) -> UploadRegistry:
    """The app's upload registry (made on first use)."""
    state = request.app.state
    with _MAKE_LOCK:
        registry = getattr(state, "uploads", None)
        if not isinstance(registry, UploadRegistry):
            registry = UploadRegistry()
            state.uploads = registry
    return registry


_MAKE_LOCK = threading.Lock()
