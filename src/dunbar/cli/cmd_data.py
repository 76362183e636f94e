"""The ledger as a whole: init, search, export, backup, restore, migrate, demo."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dunbar.cli.app import JsonOption, app, confirm, open_ledger, settings
from dunbar.cli.render import console, emit_json, fmt_when, to_jsonable
from dunbar.errors import ValidationError

if TYPE_CHECKING:
    from dunbar.ledger import Ledger, Profile, SearchHit
    from dunbar.model import PersonSummary
    from dunbar.strength.agenda import Agenda


@app.command()
def init(
    ctx: typer.Context,
    me: Annotated[str, typer.Option("--me", help="Your own name.")] = "Me",
) -> None:
    """Create a new, empty ledger (with you in it)."""
    from dunbar.config import default_ledger_path
    from dunbar.ledger import Ledger

    target = settings(ctx).database
    if target == str(default_ledger_path()):
        default_ledger_path().parent.mkdir(parents=True, exist_ok=True)
    with Ledger.init(target, me=me) as ledger:
        where = ledger.url.render_as_string(hide_password=True)
    console().print(f"Created a ledger for {me} at {where}", markup=False)


@app.command()
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Words to find (prefixes work).")],
    limit: Annotated[int, typer.Option(help="At most this many hits.")] = 30,
    as_json: JsonOption = False,
) -> None:
    """Full-text search across people, notes and encounters: what did I learn, from whom?"""
    with open_ledger(ctx) as ledger:
        hits = ledger.search(text, limit=limit)
    if as_json:
        emit_json(hits)
        return
    from rich.text import Text

    out = console()
    if not hits:
        out.print(f"Nothing matches {text!r}.", markup=False)
        return
    for hit in hits:
        who = ", ".join(name for _pid, name in hit.people) or "—"
        when = f" {fmt_when(hit.when)}" if hit.when else ""
        body = hit.text if len(hit.text) <= 160 else hit.text[:157] + "..."
        out.print(Text(f"{hit.kind:<9}{when}  {who}: ", style="bold") + Text(body))


@app.command()
def export(
    ctx: typer.Context,
    format_: Annotated[
        str, typer.Option("--format", "-f", help="json, vcard, graphml or gexf")
    ] = "json",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File (default stdout).")] = None,
) -> None:
    """Export everything in the ledger (json), everyone's contact card (vcard, vCard 4.0),
    or your network for Gephi (graphml, gexf: strengths, clusters and evidence as attributes).
    """
    if format_.lower() in ("graphml", "gexf"):
        with open_ledger(ctx) as ledger:
            data = ledger.export_graph(format_.lower())
        if out is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            return
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise ValidationError(f"cannot write {out}: {exc.strerror or exc}") from None
        console().print(f"Exported your network as {format_.lower()} to {out}", markup=False)
        return
    if format_.lower() == "vcard":
        with open_ledger(ctx) as ledger:
            cards = ledger.export_vcard()
        if out is None:
            sys.stdout.write(cards)
            return
        try:
            out.write_bytes(cards.encode("utf-8"))
        except OSError as exc:
            raise ValidationError(f"cannot write {out}: {exc.strerror or exc}") from None
        console().print(f"Exported {cards.count('BEGIN:VCARD')} cards to {out}", markup=False)
        return
    if format_.lower() != "json":
        raise ValidationError(
            f"unknown export format {format_!r}: use json, vcard, graphml or gexf"
        )
    with open_ledger(ctx) as ledger:
        document = ledger.export()
    text = json.dumps(to_jsonable(document), ensure_ascii=False, indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"cannot write {out}: {exc.strerror or exc}") from None
    rows = sum(len(v) for v in document["tables"].values())
    console().print(f"Exported {rows} records to {out}", markup=False)


@app.command()
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write the backup (a SQLite file).")],
) -> None:
    """Write a consistent copy of the ledger, even while it is in use."""
    with open_ledger(ctx) as ledger:
        path = ledger.backup(file)
    console().print(f"Backed up to {path} ({path.stat().st_size:,} bytes)", markup=False)


@app.command()
def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A backup written by `dunbar backup`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Replace the whole ledger with a backup."""
    with open_ledger(ctx) as ledger:
        confirm(f"Replace everything in this ledger with {file}?", yes=yes)
        ledger.restore(file)
        people = ledger.count_people()
    console().print(f"Restored {file}: {people} people", markup=False)


@app.command()
def migrate(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Bring the ledger's schema up to date (opening it does this too)."""
    from dunbar.store.schema import HEAD

    with open_ledger(ctx) as ledger:
        revision = ledger.schema_revision()
    if as_json:
        emit_json({"schema": revision, "head": HEAD})
    else:
        console().print(f"Schema {revision} (this dunbar: {HEAD}); up to date.", markup=False)


@app.command()
def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Same seed, same ledger.")] = 7,
    path: Annotated[
        Path | None, typer.Option(help="Where to build it (default: a temporary directory).")
    ] = None,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve",
            help="Then start the web app on it (127.0.0.1) with a fresh password, printed.",
        ),
    ] = False,
    port: Annotated[
        int, typer.Option(min=1, max=65535, help="The web app's port (with --serve).")
    ] = 8765,
) -> None:
    """Build a demo ledger from real workplace contact data, and show it."""
    import secrets
    import tempfile

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from dunbar.demo import build_demo
    from dunbar.ledger import Ledger

    target = path or Path(tempfile.mkdtemp(prefix="dunbar-demo-")) / "demo.db"
    if target.exists():
        raise ValidationError(f"{target} exists; the demo builds a new ledger")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with Progress(
        TextColumn("Building the demo ledger"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console(),
        transient=True,
    ) as bar:
        task = bar.add_task("demo", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = build_demo(str(target), seed=seed, now=now, progress=progress)
    out = console()
    out.print(
        f"Demo ledger for {summary.me_name}: {summary.people} people, "
        f"{summary.encounters:,} encounters, {summary.acquaintances:,} who-knows-whom ties, "
        f"{summary.notes} notes, {summary.favours} favours, {summary.introductions} "
        f"introductions (built in {summary.seconds:.1f} s).",
        markup=False,
    )
    with Ledger.open(target) as ledger:
        everyone = ledger.people()
        most_seen = sorted(everyone, key=lambda p: (-p.encounters, p.name))[:8]
        dormant = [p for p in everyone if p.last_seen and (now - p.last_seen).days > 3 * 365]
        top = ledger.profile(most_seen[0].id, limit=6) if most_seen else None
        topic = top.person.topics[0] if top and top.person.topics else None
        hits = ledger.search(topic, limit=5) if topic else []
        agenda = ledger.agenda(limit=2)
        network = _demo_network(ledger)
    _show_demo(most_seen, dormant, top, topic, hits, now, target, agenda)
    _show_network(*network)
    _explore(top, now, target)
    if serve:
        from dunbar.cli.cmd_web import run_server

        # A fresh password for this demo ledger only; it is printed, not stored in clear.
        password = secrets.token_urlsafe(9)
        with Ledger.open(target) as ledger:
            ledger.set_web_password(password)
        run_server(str(target), "127.0.0.1", port, password=password)


def _demo_network(ledger: Ledger) -> tuple[Any, Any, str | None]:
    """Insights, and a path to the best-connected person I have no tie to."""
    net = ledger.network()
    G = net.graph
    strangers = sorted(
        (n for n in G if n != net.me and not G.has_edge(net.me, n) and G.degree(n)),
        key=lambda n: (-G.degree(n), n),
    )
    report = ledger.path(strangers[0], network=net) if strangers else None
    return report, ledger.insights(network=net), net.name(strangers[0]) if strangers else None


def _show_network(path: Any, insights: Any, name: str | None) -> None:
    from rich.text import Text

    out = console()
    if path is not None and path.paths:
        out.print(f'\n$ dunbar path "{name}"   (a warm introduction)', markup=False)
        best = path.paths[0]
        out.print(Text(f"  {' → '.join(best.names)}   score {best.score:.3f}"))
        for line in best.explain():
            out.print(Text(f"    {line}"))
    out.print("\n$ dunbar insights", markup=False)
    for line in insights.explain()[:4]:
        out.print(Text(f"  • {line}"))


def _show_demo(
    most_seen: list[PersonSummary],
    dormant: list[PersonSummary],
    top: Profile | None,
    topic: str | None,
    hits: list[SearchHit],
    now: dt.datetime,
    target: Path,
    agenda: Agenda,
) -> None:
    from rich.table import Table
    from rich.text import Text

    from dunbar.cli.cmd_people import render_profile
    from dunbar.cli.render import ago

    out = console()
    table = Table(title="\nThe people you meet most", title_justify="left", show_edge=False)
    for col in ("name", "organisation", "last seen", "encounters"):
        table.add_column(col)
    for p in most_seen:
        table.add_row(
            Text(p.name), Text(p.organisation or ""), ago(p.last_seen, now), str(p.encounters)
        )
    out.print(table)
    if top is not None:
        out.print(f'\n$ dunbar show "{top.person.name}"', markup=False)
        render_profile(top, now, 6)
    out.print(
        f"\nDormant ties (no contact for over three years): {len(dormant)}, e.g. "
        + ", ".join(p.name for p in dormant[:4]),
        markup=False,
    )
    if topic:
        out.print(f'\n$ dunbar search "{topic}"', markup=False)
        shown: set[tuple[str, str]] = set()
        for hit in hits:
            who = ", ".join(name for _pid, name in hit.people)
            if (who, hit.text) not in shown:
                shown.add((who, hit.text))
                out.print(Text(f"  {hit.kind:<9} {who}: ") + Text(hit.text[:100]))
    out.print("\n$ dunbar agenda   (whom to reach out to today, and why)", markup=False)
    for item in agenda.items:
        out.print(Text(f"  {item.kind.replace('_', '-'):<10} {item.reason}"))


def _explore(top: Profile | None, now: dt.datetime, target: Path) -> None:
    out = console()
    dunbar = "dunbar" if shutil.which("dunbar") else str(Path(sys.argv[0]).resolve())
    first = top.person.name if top is not None else "me"
    topic = top.person.topics[0] if top is not None and top.person.topics else "finance"
    out.print(
        f"\nExplore it yourself:\n  {dunbar} --db {target} agenda --explain\n"
        f"  {dunbar} --db {target} circles\n"
        f'  {dunbar} --db {target} strength "{first}"\n'
        f'  {dunbar} --db {target} who-knows "{topic}"\n'
        f"  {dunbar} --db {target} insights\n"
        f"  {dunbar} --db {target} map --out network.html\n"
        f"  {dunbar} --db {target} value\n"
        f"  {dunbar} --db {target} people\n"
        f"  {dunbar} --db {target} show me\n"
        f"  {dunbar} --db {target} people --not-seen-since "
        f"{(now - dt.timedelta(days=365)).date()}",
        markup=False,
    )
