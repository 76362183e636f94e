"""A gathering's seating as CSV, and as a printable page of table lists and place cards.

Both take the plain view of a gathering (:class:`~dunbar.facade.gatherings.
GatheringView`); the page is one self-contained HTML file (no external assets)
that prints one round per page and then the place cards, eight to a page.
"""

from __future__ import annotations

import csv
import html
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dunbar.facade.gatherings import GatheringView

__all__ = ["FORMATS", "seating_csv", "seating_html"]

FORMATS = ("csv", "html")


def seating_csv(view: GatheringView) -> str:
    """``round,table,seat,person_id,name``: one row per seat, rounds and tables from 1."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["round", "table", "seat", "person_id", "name"])
    for rnd, tables in sorted(view.seating.items()):
        for table, seated in sorted(tables.items()):
            for seat, (pid, name) in enumerate(seated, start=1):
                writer.writerow([rnd, table, seat, pid, name])
    return out.getvalue()


_STYLE = """
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
.tables { display: flex; flex-wrap: wrap; gap: 1em; }
.table { border: 1px solid #999; border-radius: 6px; padding: .6em 1em; min-width: 12em; }
.table h3 { margin: 0 0 .4em; font-size: 1em; }
.table ol { margin: 0; padding-left: 1.4em; }
.round { break-after: page; }
.cards { display: grid; grid-template-columns: 1fr 1fr; gap: 0; }
.card { border: 1px dashed #bbb; height: 9.5em; display: flex; flex-direction: column;
        align-items: center; justify-content: center; break-inside: avoid; }
.card .name { font-size: 1.6em; font-weight: 600; }
.card .where { color: #555; margin-top: .4em; }
@media print { body { margin: 0; } .card:nth-child(8n) { break-after: page; } }
"""


def seating_html(view: GatheringView) -> str:
    """Table lists per round, then a place card per guest (with their table in each round)."""
    g = view.gathering
    e = html.escape
    title = f"{g.name}, {g.on.isoformat()}" + (f", {g.venue}" if g.venue else "")
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
    ]
    where: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    for rnd, tables in sorted(view.seating.items()):
        parts.append(f'<section class="round"><h2>Round {rnd}</h2><div class="tables">')
        for table, seated in sorted(tables.items()):
            items = "".join(f"<li>{e(name)}</li>" for _pid, name in seated)
            parts.append(f'<div class="table"><h3>Table {table}</h3><ol>{items}</ol></div>')
            for pid, name in seated:
                names[pid] = name
                where.setdefault(pid, []).append(f"round {rnd}: table {table}")
        parts.append("</div></section>")
    if not view.seating:
        parts.append("<p>No seating yet: dunbar gathering plan.</p>")
    else:
        parts.append('<h2>Place cards</h2><div class="cards">')
        for pid in sorted(names, key=lambda p: (names[p], p)):
            places = "; ".join(where[pid])
            parts.append(
                f'<div class="card"><div class="name">{e(names[pid])}</div>'
                f'<div class="where">{e(places)}</div></div>'
            )
        parts.append("</div>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
