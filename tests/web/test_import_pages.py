"""The Import pages: upload, preview (a dry run), confirm, and the duplicate review queue."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import BASE, Web, count_rows, csrf_of, login

from dunbar.web import WebSettings, create_app
from dunbar.web.uploads import TEMP_PREFIX, check_filename, safe_suffix

FIXTURES = Path(__file__).parents[1] / "fixtures" / "vcard"
MIXED = FIXTURES / "edge" / "multiple_cards_mixed_versions.vcf"
BROKEN = FIXTURES / "edge" / "broken_cards.vcf"
XSS = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(1)>'
JOB_RE = re.compile(r'data-job="/jobs/([^"]+)"')


def _upload(
    web: Web, name: str, content: bytes, fmt: str = "auto", client: object = None
) -> object:
    c = client or web.client
    return c.post(  # type: ignore[attr-defined]
        "/import",
        data={"csrf": web.csrf, "format": fmt},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )


def _follow(web: Web, url: str) -> str:
    """The page at ``url`` once its job has ended."""
    page = web.client.get(url).text
    found = JOB_RE.search(page)
    if found:
        job = web.app.state.jobs.wait(found.group(1))
        assert job is not None and job.state != "running"
        page = web.client.get(url).text
    assert not JOB_RE.search(page)
    return page


def _preview(web: Web, name: str, content: bytes, fmt: str = "auto") -> tuple[str, str]:
    r = _upload(web, name, content, fmt)
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    url = r.headers["location"]  # type: ignore[attr-defined]
    assert re.fullmatch(r"/import/[A-Za-z0-9_-]+", url)
    return url, _follow(web, url)


def _count(page: str, key: str) -> int:
    return sum(int(n) for n in re.findall(rf'data-count="{key}">(\d+)<', page))


def _temp_uploads() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob(TEMP_PREFIX + "*"))


def test_upload_preview_confirm_imports_the_people(web: Web) -> None:
    expected = web.ledger.import_files([MIXED], dry_run=True)
    people_before = count_rows(web.ledger, "people")
    before_dirs = _temp_uploads()
    url, page = _preview(web, "contacts.vcf", MIXED.read_bytes())
    assert "What this file would do" in page and "nothing was written yet" in page, page[
        page.index("<main") :
    ]
    for key in ("created", "updated", "merged", "unchanged", "proposed", "rejected"):
        assert _count(page, key) == expected.total(key), key
    assert _count(page, "created") > 0
    assert "Dee Evans" in page
    # The dry run wrote nothing; the server's temporary path is never shown.
    assert count_rows(web.ledger, "people") == people_before
    assert tempfile.gettempdir() not in page and "contacts.vcf" in page
    # Confirm: the real import runs as a job, then the report.
    r = web.form(url + "/confirm")
    assert r.status_code == 303 and r.headers["location"] == url
    report = _follow(web, url)
    assert "Imported" in report and "Dry run" not in report
    assert count_rows(web.ledger, "people") == people_before + expected.total("created")
    assert web.ledger.person("Dee Evans").name == "Dee Evans"
    # The upload's temporary folder is gone after the import.
    assert _temp_uploads() - before_dirs == set()
    # Confirming again imports nothing more.
    web.form(url + "/confirm")
    assert count_rows(web.ledger, "people") == people_before + expected.total("created")


def test_rejected_records_are_listed_with_file_line_and_reason(web: Web) -> None:
    expected = web.ledger.import_files([BROKEN], dry_run=True)
    rejected = expected.files[0].rejected
    assert rejected
    _, page = _preview(web, "broken.vcf", BROKEN.read_bytes())
    assert _count(page, "rejected") == len(rejected)
    first = rejected[0]
    assert f"<td>broken.vcf</td><td>{first.where.replace(str(BROKEN), 'broken.vcf')}</td>" in page


def test_a_foreign_file_is_one_line_and_writes_nothing(web: Web) -> None:
    before = count_rows(web.ledger, "people")
    before_dirs = _temp_uploads()
    _, page = _preview(web, "photo.vcf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    errors = re.findall(r'<p class="error" role="alert">([^<]*)</p>', page)
    assert len(errors) == 1 and "\n" not in errors[0] and "photo.vcf" in errors[0]
    assert tempfile.gettempdir() not in page and "Traceback" not in page
    assert "Import it" not in page
    _, page = _preview(web, "notes.ics", b"just some words\n", fmt="vcard")
    assert re.search(r'<p class="error" role="alert">[^<]*not a vCard', page)
    assert count_rows(web.ledger, "people") == before
    assert _temp_uploads() - before_dirs == set()


def test_unknown_format_and_empty_file_are_refused(web: Web) -> None:
    r = _upload(web, "a.vcf", MIXED.read_bytes(), fmt="word")
    assert r.status_code == 400 and "unknown format" in r.text  # type: ignore[attr-defined]
    r = _upload(web, "a.vcf", b"")
    assert r.status_code == 400 and "is empty" in r.text  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.vcf", "/etc/x.vcf", "a\\..\\b.vcf", "..", "C:x.vcf"]
)
def test_path_traversal_in_uploads_rejected(web: Web, name: str) -> None:
    before_dirs = _temp_uploads()
    r = _upload(web, name, MIXED.read_bytes())
    assert r.status_code == 400, name  # type: ignore[attr-defined]
    assert "path traversal in uploads rejected" in r.text  # type: ignore[attr-defined]
    assert _temp_uploads() - before_dirs == set()
    assert not Path("/etc/passwd.vcf").exists() and not Path("/etc/x.vcf").exists()


def test_nul_and_traversal_in_a_raw_multipart_body_rejected(web: Web) -> None:
    """Names exactly as a hostile client sends them (httpx would encode a NUL)."""
    before_dirs = _temp_uploads()
    for name in (b"a\x00.vcf", b"../../etc/passwd.vcf", b"..\\..\\x.vcf"):
        boundary = "b0undary"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n'
            f"{web.csrf}\r\n--{boundary}\r\n".encode()
            + b'Content-Disposition: form-data; name="file"; filename="'
            + name
            + b'"\r\nContent-Type: text/vcard\r\n\r\n'
            + MIXED.read_bytes()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        r = web.client.post(
            "/import",
            content=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            follow_redirects=False,
        )
        assert r.status_code == 400, name
        assert "path traversal in uploads rejected" in r.text
    assert _temp_uploads() - before_dirs == set()


def test_filename_checks_and_suffixes() -> None:
    for bad in ("../x.vcf", "x/y.vcf", "a\\b.vcf", "..", "a\x00b", "/x", "C:\\x.vcf", "~/x"):
        with pytest.raises(Exception, match="path traversal"):
            check_filename(bad)
    assert check_filename(" Contacts 2024.vcf ") == "Contacts 2024.vcf"
    assert safe_suffix("Contacts.VCF") == ".vcf"
    assert safe_suffix("export.csv.gz") == ".csv.gz"
    assert safe_suffix("evil.php") == ""
    assert safe_suffix("x.php.vcf") == ".vcf"


def test_oversized_upload_is_413_and_nothing_is_kept(web: Web, db_target: str) -> None:
    app = create_app(WebSettings(database=db_target, max_upload_bytes=2_000), ledger=web.ledger)
    with TestClient(app, base_url=BASE) as client:
        assert login(client).status_code == 303
        csrf = csrf_of(client.get("/import").text)
        before_dirs = _temp_uploads()
        people = count_rows(web.ledger, "people")
        # Far over: refused from the Content-Length, before the body is read.
        big = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nEND:VCARD\r\n" * 5_000
        r = client.post(
            "/import",
            data={"csrf": csrf},
            files={"file": ("big.vcf", big)},
            follow_redirects=False,
        )
        assert r.status_code == 413 and "upload limit" in r.text
        # Just over: refused while it is copied.
        r = client.post(
            "/import",
            data={"csrf": csrf},
            files={"file": ("big.vcf", big[:2_500])},
            follow_redirects=False,
        )
        assert r.status_code == 413 and "nothing was kept" in r.text
        assert _temp_uploads() - before_dirs == set()
        assert count_rows(web.ledger, "people") == people
        # Under the limit: accepted.
        r = client.post(
            "/import",
            data={"csrf": csrf},
            files={"file": ("small.vcf", big[:500])},
            follow_redirects=False,
        )
        assert r.status_code == 303
        found = JOB_RE.search(client.get(r.headers["location"]).text)
        if found:  # let the preview end before the ledger closes
            app.state.jobs.wait(found.group(1))


def _xss_card() -> bytes:
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"FN:{XSS}\r\nORG:{ATTR}\r\nNOTE:{XSS}{ATTR}\r\nEMAIL:xss@example.org\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"FN:{ATTR}\r\nEMAIL:attr@example.org\r\nEND:VCARD\r\n"
    ).encode()


def test_xss_in_a_vcard_is_escaped_in_the_preview_and_the_report(web: Web) -> None:
    url, page = _preview(web, '"><img src=x>.vcf', _xss_card())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert XSS not in page and ATTR not in page and '"><img src=x>' not in page
    web.form(url + "/confirm")
    report = _follow(web, url)
    assert XSS not in report and ATTR not in report


def test_duplicate_queue_shows_evidence_escaped_and_merges(web: Web) -> None:
    a = web.ledger.add_person(f"Ana Silva {XSS}", emails=["ana.silva@example.com"])
    b = web.ledger.add_person(f"Ana Silva {XSS}", emails=["asilva@work.example"])
    proposals = web.ledger.duplicates()
    assert any({p.a, p.b} == {a.id, b.id} for p in proposals)
    page = web.client.get("/import/duplicates").text
    assert "Ana Silva &lt;script&gt;alert(1)&lt;/script&gt;" in page and XSS not in page
    proposal = next(p for p in proposals if {p.a, p.b} == {a.id, b.id})
    assert proposal.explain() in page
    before = count_rows(web.ledger, "people")
    r = web.form("/import/duplicates/merge", {"keep": proposal.a, "other": proposal.b})
    assert r.status_code == 303 and r.headers["location"] == "/import/duplicates"
    assert count_rows(web.ledger, "people") == before - 1
    page = web.client.get("/import/duplicates").text
    assert "Merged Ana Silva &lt;script&gt;" in page and XSS not in page
    assert f'name="other" value="{proposal.b}"' not in page


def test_not_the_same_person_stops_the_proposal(web: Web) -> None:
    a = web.ledger.add_person("Bea Costa", emails=["bea.costa@example.com"])
    b = web.ledger.add_person("Bea Costa", emails=["bcosta@example.net"])
    assert any({p.a, p.b} == {a.id, b.id} for p in web.ledger.duplicates())
    r = web.form("/import/duplicates/different", {"a": a.id, "b": b.id})
    assert r.status_code == 303
    assert not any({p.a, p.b} == {a.id, b.id} for p in web.ledger.duplicates())
    page = web.client.get("/import/duplicates").text
    assert "are different people" in page
    assert count_rows(web.ledger, "people") >= 2


def test_bad_duplicate_actions_are_one_line_and_write_nothing(web: Web) -> None:
    a = web.ledger.add_person("Cy Dee")
    before = count_rows(web.ledger, "people")
    for url, data in (
        ("/import/duplicates/merge", {"keep": a.id, "other": a.id}),
        ("/import/duplicates/merge", {"keep": a.id, "other": 99999}),
        ("/import/duplicates/merge", {"keep": "x", "other": a.id}),
        ("/import/duplicates/different", {"a": a.id, "b": 99999}),
    ):
        r = web.form(url, data)
        assert r.status_code in (400, 404), (url, data)
        assert 'class="error"' in r.text and "Traceback" not in r.text
    assert count_rows(web.ledger, "people") == before


def test_unknown_upload_is_404(web: Web) -> None:
    assert web.client.get("/import/nosuchupload").status_code == 404
    assert web.form("/import/nosuchupload/confirm").status_code == 404


def test_discard_deletes_the_upload(web: Web) -> None:
    before_dirs = _temp_uploads()
    url, page = _preview(web, "contacts.vcf", MIXED.read_bytes())
    assert "Discard" in page and _temp_uploads() - before_dirs
    r = web.form(url + "/discard")
    assert r.status_code == 303
    assert _temp_uploads() - before_dirs == set()
    assert web.form(url + "/confirm").status_code == 400


def test_import_pages_need_login_and_csrf(web: Web) -> None:
    anon = web.anon()
    for url in ("/import", "/import/duplicates"):
        r = anon.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    before = count_rows(web.ledger, "people")
    r = web.client.post(
        "/import",
        data={"csrf": "forged"},
        files={"file": ("a.vcf", MIXED.read_bytes())},
        follow_redirects=False,
    )
    assert r.status_code == 403
    r = web.client.post(
        "/import", files={"file": ("a.vcf", MIXED.read_bytes())}, follow_redirects=False
    )
    assert r.status_code == 403
    a = web.ledger.add_person("Di Eve")
    b = web.ledger.add_person("Di Eve")
    r = web.client.post(
        "/import/duplicates/merge", data={"keep": a.id, "other": b.id}, follow_redirects=False
    )
    assert r.status_code == 403
    assert count_rows(web.ledger, "people") == before + 2
