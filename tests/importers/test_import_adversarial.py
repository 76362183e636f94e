"""Adversarial input never hangs, never exhausts memory, never crashes an import.

Memory is measured with ``tracemalloc`` around the parse of a file much larger
than the bound we assert, so a reader that held the file whole would fail.
"""

from __future__ import annotations

import gzip
import io
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunbar import Ledger
from dunbar.importers import textio
from dunbar.importers.formats import ParseOptions
from dunbar.importers.records import FormatError, PersonRecord, Rejection
from dunbar.importers.vcard import parse_vcards

MiB = 1024 * 1024


def _write_lines(path: Path, parts: Iterator[bytes]) -> Path:
    with path.open("wb") as out:
        for part in parts:
            out.write(part)
    return path


def _peak_while(function: object) -> tuple[float, float, object]:
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = function()  # type: ignore[operator]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / MiB, time.monotonic() - started, result


def _parse(path: Path) -> list[object]:
    with path.open("rb") as stream:
        return list(parse_vcards(stream, ParseOptions(file=path.name)))


def test_a_60_mib_line_is_cut_not_held(tmp_path: Path) -> None:
    def parts() -> Iterator[bytes]:
        yield b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Long Note\r\nNOTE:"
        for _ in range(60):
            yield b"x" * MiB
        yield b"\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:After\r\nEND:VCARD\r\n"

    path = _write_lines(tmp_path / "long.vcf", parts())
    peak, _, out = _peak_while(lambda: _parse(path))
    assert peak < 24, f"peak {peak:.1f} MiB"
    assert isinstance(out, list)
    rejected = [o for o in out if isinstance(o, Rejection)]
    people = [o.name for o in out if isinstance(o, PersonRecord)]
    assert people == ["After"]
    assert len(rejected) == 1 and "longer than" in rejected[0].reason


def test_a_decompression_bomb_like_photo_is_hashed_not_decoded(tmp_path: Path) -> None:
    """32 MiB of base64 zeros (a 24 MiB image that would compress to nothing)."""

    def parts() -> Iterator[bytes]:
        yield b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bomb Photo\r\nPHOTO;ENCODING=b;TYPE=PNG:"
        line = b"A" * 74 + b"\r\n "
        block = line * (MiB // len(line))
        for _ in range(32):
            yield block
        yield b"AAAA\r\nEMAIL:bomb@example.org\r\nEND:VCARD\r\n"

    path = _write_lines(tmp_path / "bomb.vcf", parts())
    peak, seconds, out = _peak_while(lambda: _parse(path))
    assert peak < 16, f"peak {peak:.1f} MiB"
    assert seconds < 60
    (person,) = out  # type: ignore[misc]
    assert isinstance(person, PersonRecord) and person.emails == ["bomb@example.org"]
    assert person.custom["photo"].startswith("sha256:")


def test_invalid_utf8_costs_the_line_not_the_file(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "bad.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ren\xe9 \xff\xfe\r\nEMAIL:rene@example.org\r\n"
        b"END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Fine\r\nEND:VCARD\r\n"
    )
    report = ledger.import_files([path]).files[0]
    assert (report.created, report.rejected) == (2, [])
    assert ledger.person("rene@example.org").name == "René ÿþ"  # read as Windows-1252


def test_binary_junk_is_refused_in_one_line(ledger: Ledger, tmp_path: Path) -> None:
    junk = tmp_path / "junk.vcf"
    junk.write_bytes(bytes(range(256)) * 1000)
    with pytest.raises(FormatError, match="binary"):
        ledger.import_files([junk])
    with pytest.raises(FormatError, match="is not a vCard"):
        ledger.import_files([junk], format="vcard")
    assert ledger.count_people() == 1


def test_junk_inside_a_vcard_file_is_skipped(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "mixed.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\nVERSION:3.0\nFN:Real\nEND:VCARD\n"
        + bytes(range(1, 256)) * 50
        + b"\nBEGIN:VCARD\nFN:Also Real\nEND:VCARD\n"
    )
    report = ledger.import_files([path]).files[0]
    assert report.created == 2


def test_deeply_nested_cards_do_not_recurse(tmp_path: Path) -> None:
    depth = 20_000
    path = tmp_path / "nested.vcf"
    path.write_bytes(b"BEGIN:VCARD\n" * depth + b"FN:Inner\n" + b"END:VCARD\n" * depth)
    out = _parse(path)
    assert sum(isinstance(o, PersonRecord) for o in out) == 1
    assert sum(isinstance(o, Rejection) for o in out) == depth - 1


def test_a_gzip_bomb_is_stopped(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textio, "INFLATE_FLOOR", 8 * MiB)
    path = tmp_path / "bomb_tij.dat.gz"
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b"1700000000 1 2\n")
        zeros = b"0" * MiB
        for _ in range(64):
            out.write(zeros)
    assert path.stat().st_size < 200_000
    peak, seconds, report = _peak_while(lambda: ledger.import_files([path]))
    (done,) = report.files  # type: ignore[attr-defined]
    assert done.error is not None and "decompression bomb" in done.error
    assert seconds < 60 and peak < 64


def test_an_unclosed_csv_quote_is_bounded(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "enc.csv"
    with path.open("wb") as out:
        out.write(b'when,person_a,minutes\n2026-01-01,Ana Silva,5\n2026-01-02,"Bo')
        out.write(b"x" * (3 * MiB))
        out.write(b"\n2026-01-03,Cy Dean,5\n")
    report = ledger.import_files([path]).files[0]
    assert report.error is None
    assert report.encounters_added >= 1
    assert report.rejected and "field" in report.rejected[0].reason


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=80),
            st.sampled_from(
                [
                    b"BEGIN:VCARD",
                    b"END:VCARD",
                    b"VERSION:2.1",
                    b"FN;ENCODING=QUOTED-PRINTABLE:=C3=",
                    b"N:;;;",
                    b"PHOTO;ENCODING=b:AAAA",
                    b" folded",
                    b"BDAY:--1399",
                    b"EMAIL:@",
                    b"item1.X-ABLabel:x",
                    b"TEL;CHARSET=nope:1",
                ]
            ),
        ),
        max_size=30,
    )
)
def test_any_bytes_parse_without_raising(lines: list[bytes]) -> None:
    stream = io.BytesIO(b"\r\n".join(lines))
    for item in parse_vcards(stream, ParseOptions(file="fuzz.vcf")):
        assert isinstance(item, (PersonRecord, Rejection)) or hasattr(item, "message")
