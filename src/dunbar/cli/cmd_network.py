"""The network: path, who-knows, insights, map (and `export --format graphml|gexf`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dunbar.cli.app import JsonOption, app, open_ledger
from dunbar.cli.progress import interactive, progress_bar
from dunbar.cli.render import console, emit_json, to_jsonable
from dunbar.errors import ValidationError

if TYPE_CHECKING:
    from dunbar.facade.network import Network
    from dunbar.ledger import Ledger

TodayOption = Annotated[
    str | None,
    typer.Option("--today", help="Build the network as of this day (YYYY-MM-DD)."),
]


def _network(ledger: Ledger, today: str | None, as_json: bool) -> Network:
    with progress_bar(interactive(as_json)) as progress:
        return ledger.network(today=today, progress=progress)


@app.command()
def path(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(help="A person, an organisation, or a topic ('supply-chain finance').")
    ],
    kind: Annotated[
        str, typer.Option("--as", help="auto, person, org or topic (auto tries them in turn).")
    ] = "auto",
    k: Annotated[int, typer.Option("-k", "--paths", help="How many paths to show.")] = 5,
    max_hops: Annotated[int, typer.Option("--max-hops", help="Longest path, in hops.")] = 3,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why you want the introduction (for the draft).")
    ] = None,
    draft: Annotated[
        bool, typer.Option("--draft/--no-draft", help="Draft the introduction request.")
    ] = True,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Warm-introduction paths to someone, ranked, with the evidence for every hop.

    Exits 1 when nobody you know leads there within --max-hops (the message names
    the nearest route or alternatives); exits 2 when the target is unknown.
    """
    with open_ledger(ctx) as ledger:
        net = _network(ledger, today, as_json)
        report = ledger.path(target, kind=kind, k=k, max_hops=max_hops, reason=reason, network=net)
    if as_json:
        out: dict[str, Any] = to_jsonable(report)
        for view, item in zip(report.paths, out["paths"], strict=True):
            item["explain"] = view.explain()
        emit_json(out)
    else:
        out_ = console()
        spec = report.target
        label = {"person": "", "org": "someone at ", "topic": "someone who knows about "}
        out_.print(f"Paths to {label[spec.kind]}{spec.text}", style="bold", markup=False)
        if spec.note:
            out_.print(spec.note, style="dim", markup=False)
        for i, view in enumerate(report.paths, 1):
            out_.print(
                f"\n{i}. {' → '.join(view.names)}   score {view.score:.4f} · "
                f"weakest link {view.bottleneck:.2f}",
                markup=False,
            )
            for line in view.explain():
                out_.print(f"   {line}", markup=False)
        if report.message:
            out_.print(report.message, markup=False)
        if draft and report.draft:
            out_.print("\nDraft request:", style="bold", markup=False)
            out_.print(report.draft, markup=False)
    if not report.paths:
        raise typer.Exit(1)


@app.command("who-knows")
def who_knows(
    ctx: typer.Context,
    topic: Annotated[str, typer.Argument(help="What you need to know about.")],
    limit: Annotated[int, typer.Option(help="At most this many people.")] = 10,
    mode: Annotated[
        str, typer.Option(help="auto, lexical or semantic (needs dunbar[semantic]).")
    ] = "auto",
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who in your network knows about a topic, directly or one hop away, ranked."""
    with open_ledger(ctx) as ledger:
        net = _network(ledger, today, as_json)
        result = ledger.who_knows(topic, limit=limit, mode=mode, network=net)
    if as_json:
        emit_json(result)
        return
    out = console()
    if result.note:
        out.print(result.note, style="dim", markup=False)
    if not result.entries and not result.unreachable:
        out.print(f"Nobody in your network matches {topic!r}.", markup=False)
        return
    for i, e in enumerate(result.entries, 1):
        how = (
            f"you know them ({e.reach:.2f})"
            if e.via is None
            else f"through {e.via_name} (path score {e.reach:.2f})"
        )
        out.print(f"{i}. {e.name} — match {e.topic_score:.2f}, {how}", markup=False)
        for why in e.evidence[:3]:
            out.print(f"   {why}", style="dim", markup=False)
    if result.unreachable:
        names = ", ".join(e.name for e in result.unreachable[:5])
        out.print(
            f"Also matching, but more than one hop away: {names} (try `dunbar path`).",
            markup=False,
        )


@app.command()
def insights(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Seed of the clustering (same seed, same report).")] = 0,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """One report on your network: brokerage, the clusters you bridge, diversity, thin spots."""
    with open_ledger(ctx) as ledger, progress_bar(interactive(as_json)) as progress:
        net = ledger.network(today=today, progress=progress)
        report = ledger.insights(seed=seed, network=net, progress=progress)
    if as_json:
        out: dict[str, Any] = to_jsonable(report)
        out["explain"] = report.explain()
        emit_json(out)
        return
    from rich.table import Table

    c = console()
    c.print(
        f"Your network on {report.today.isoformat()}: {report.people} people, "
        f"{report.my_ties} ties of yours, {report.contact_ties} known between contacts",
        style="bold",
        markup=False,
    )
    for line in report.explain():
        c.print(f"• {line}", markup=False)
    big = [v for v in report.clusters if v.size >= 3]
    small = [v for v in report.clusters if v.size < 3]
    if big:
        table = Table("cluster", "people", "your ties", "strongest", "only link", title="Clusters")
        for v in big[:12]:
            table.add_row(
                v.name,
                str(v.size),
                str(v.my_ties),
                v.strongest or "—",
                ", ".join(v.bridges) or "—",
            )
        c.print(table)
    if small:
        people = sum(v.size for v in small)
        c.print(
            f"and {people} people in {len(small)} groups of one or two, tied to nobody else here",
            style="dim",
            markup=False,
        )
    rows = [(what, rep) for what, rep in report.diversity.items() if rep is not None]
    if rows:
        table = Table("over", "categories", "Blau", "effective number", title="Diversity")
        for what, rep in rows:
            table.add_row(
                what,
                str(getattr(rep, "k", "")),
                _num(getattr(rep, "blau", None)),
                _num(getattr(rep, "effective_number", None)),
            )
        c.print(table)


def _num(value: Any) -> str:
    return "—" if value is None or value != value else f"{float(value):.3f}"


@app.command("map")
def map_(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path(
        "network.html"
    ),
    limit: Annotated[int, typer.Option(help="Show your strongest ties, at most this many.")] = 1500,
    seed: Annotated[int, typer.Option(help="Seed of the layout and the clusters.")] = 0,
    today: TodayOption = None,
) -> None:
    """Write an interactive map of your network: one self-contained HTML file, works offline."""
    with open_ledger(ctx) as ledger:
        net = _network(ledger, today, False)
        page = ledger.network_map(limit=limit, seed=seed, network=net)
    try:
        out.expanduser().write_text(page, encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"cannot write {out}: {exc.strerror or exc}") from None
    shown = min(limit, net.graph.number_of_nodes() - 1)
    console().print(f"Wrote a map of {shown} people to {out}", markup=False)
