"""People an import creates are stored exactly as ``add_person`` stores them.

On SQLite the import writes new people, their identities and tags in bulk through
the driver (``importers/apply.py``); on PostgreSQL through SQLAlchemy. The rows,
their text in the database and the search index must not tell the two apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from dunbar import Ledger

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Núñez\r\nN:Núñez;Zoë;;;\r\nORG:Acme Co\r\n"
    "TITLE:Treasurer\r\nEMAIL:zoe@example.org\r\nTEL:+351 912 345 678\r\nBDAY:--05-17\r\n"
    'NOTE:likes \\"mutual\\" banks\r\nCATEGORIES:friend,rust\r\nEND:VCARD\r\n'
)


def _stored(ledger: Ledger, pid: int) -> dict[str, Any]:
    """The person's columns as the database holds them (SQLite: ``quote()``)."""
    columns = [c for c in ("name", "name_key", "given_name", "family_name", "is_me", "org_id",
               "title", "location", "how_met", "where_met", "first_known", "closeness", "is_kin",
               "birthday", "custom", "created_at", "updated_at")]  # fmt: skip
    with ledger.engine.connect() as conn:
        if ledger.backend == "sqlite":
            sql = ", ".join(f"quote({c})" for c in columns)
        else:
            sql = ", ".join(f"CAST({c} AS TEXT)" for c in columns)
        row = conn.execute(text(f"SELECT {sql} FROM people WHERE id = :id"), {"id": pid}).one()
        out = dict(zip(columns, row, strict=True))
        out["identities"] = sorted(
            conn.execute(
                text("SELECT kind, value FROM identities WHERE person_id = :id"), {"id": pid}
            ).all()
        )
        out["labels"] = sorted(
            conn.execute(
                text("SELECT kind, value, value_key FROM person_labels WHERE person_id = :id"),
                {"id": pid},
            ).all()
        )
    return out


def test_an_imported_person_is_stored_as_one_added_by_hand(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "zoe.vcf"
    path.write_bytes(CARD.encode("utf-8"))
    (change,) = ledger.import_files([path]).files[0].changes
    imported = ledger.person(change.person_id)
    assert imported.custom == {"note": 'likes "mutual" banks'}
    hand = ledger.add_person(  # the same, but for the identities (they are Zoë's)
        "Zoë Núñez",
        given_name="Zoë",
        family_name="Núñez",
        organisation="Acme Co",
        title="Treasurer",
        birthday="--05-17",
        tags=["friend", "rust"],
        custom=imported.custom,
    )
    bulk, manual = _stored(ledger, imported.id), _stored(ledger, hand.id)
    assert [tuple(r) for r in bulk.pop("identities")] == [
        ("email", "zoe@example.org"),
        ("phone", "+351912345678"),
    ]
    assert manual.pop("identities") == []
    assert bulk == manual
    for query in ("nunez", "treasurer", "rust", "acme"):
        found = {pid for hit in ledger.search(query) for pid, _ in hit.people}
        assert {imported.id, hand.id} <= found, query
