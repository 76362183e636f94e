"""Bringing people in: import, duplicates, sources."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dunbar.cli.app import JsonOption, app, open_ledger
from dunbar.cli.render import console, done, emit_json, err
from dunbar.errors import UsageError
from dunbar.importers.decide import Choice, Decider, Decision

if TYPE_CHECKING:
    from dunbar.importers.matching import Proposal
    from dunbar.importers.pipeline import ImportReport, Progress
    from dunbar.importers.records import PersonRecord

FORMAT_HELP = "auto, vcard, ics, linkedin, google, encounters-csv, mbox or maildir."
SHOWN = 20


@app.command("import")
def import_(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files, or folders of them (an unzipped export).", show_default=False),
    ],
    format_: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "auto",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    region: Annotated[
        str | None,
        typer.Option(help="Country of phone numbers without a country code, e.g. DE."),
    ] = None,
    me_id: Annotated[
        list[str] | None,
        typer.Option(
            "--me-id",
            help="In a contact log, the id that is me; in email, an address of mine (repeatable).",
        ),
    ] = None,
    gap_minutes: Annotated[
        float,
        typer.Option(help="Contact logs: records of a pair this close merge into one encounter."),
    ] = 5.0,
    prefix: Annotated[
        str | None, typer.Option(help="Contact logs: name people PREFIX + their number.")
    ] = None,
    start: Annotated[
        float | None,
        typer.Option(help="Contact logs with relative times: UNIX time of t = 0."),
    ] = None,
    max_recipients: Annotated[
        int,
        typer.Option(
            min=1, help="Email: a message to more people than this is bulk (marked, no ties)."
        ),
    ] = 10,
    ask: Annotated[
        bool,
        typer.Option("--ask", help="Ask me about each similar name instead of proposing it."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import contacts and encounters: vCard, iCalendar, LinkedIn, Google, encounters CSV,
    mbox and Maildir email (headers only: message bodies are never read into the ledger).

    Exact matches (email, phone, profile URL) merge; similar names with another
    signal are proposed (see `dunbar duplicates`). Importing a file again changes
    nothing; an updated export updates what changed. Every rejected record is
    listed with its file, line and reason.
    """
    decider = None
    if ask:
        if not sys.stdin.isatty():
            raise UsageError("--ask needs a terminal to answer on")
        decider = AskDecider(lambda q: typer.prompt(q, default="c", show_default=True))
    with open_ledger(ctx) as ledger:

        def run(progress: Progress | None = None) -> ImportReport:
            return ledger.import_files(
                paths,
                decider=decider,
                format=format_.lower(),
                dry_run=dry_run,
                region=region,
                me_ids=me_id or [],
                gap_minutes=gap_minutes,
                prefix=prefix,
                start=start,
                progress=progress,
                max_recipients=max_recipients,
            )

        quiet = as_json or ask or not console().is_terminal
        report = run() if quiet else _with_progress(run)
    if as_json:
        emit_json(report)
    else:
        _show(report)
    if any(f.error for f in report.files):
        raise typer.Exit(1)


class AskDecider(Decider):
    """Puts each fuzzy match to a person: merge into one of the candidates, create, or skip.

    ``ask`` shows a question and returns the answer (``typer.prompt`` in the CLI).
    """

    def __init__(self, ask: Callable[[str], str]) -> None:
        self.ask = ask

    def choose(self, record: PersonRecord, proposals: Sequence[Proposal]) -> Choice:
        where = f"{record.origin.file}:{record.origin.line}" if record.origin.line else ""
        lines = [f"{record.name} ({where}) may be someone you have:"]
        targets: list[int] = []
        for proposal in proposals[:9]:
            pid, name = (
                (proposal.b, proposal.b_name) if proposal.a < 0 else (proposal.a, proposal.a_name)
            )
            if pid < 0 and proposal.b < 0:  # both pending: the other one is the candidate
                pid, name = (proposal.a, proposal.a_name)
            targets.append(pid)
            lines.append(
                f"  {len(targets)}) {_who(pid, name)}  score {proposal.score:.2f}: "
                f"{proposal.explain()}"
            )
        console().print("\n".join(lines), markup=False)
        answer = self.ask("Merge into 1-9, [c]reate a new person, or [s]kip?").strip().lower()
        if answer.isdigit() and 1 <= int(answer) <= len(targets):
            return Choice(Decision.MERGE, targets[int(answer) - 1])
        if answer.startswith("s"):
            return Choice(Decision.SKIP)
        return Choice(Decision.CREATE)


def _with_progress(run: Callable[[Progress], ImportReport]) -> ImportReport:
    """Run the import under a Rich progress bar: bytes, records, rate and ETA per file."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeRemainingColumn,
    )

    started = time.monotonic()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[records]:,} records, {task.fields[rate]:,.0f}/s"),
        TimeRemainingColumn(),
        console=console(),
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(file: str, records: int, done: int, total: int) -> None:
            if file not in tasks:
                tasks[file] = bar.add_task(Path(file).name, total=total, records=0, rate=0.0)
            rate = records / max(time.monotonic() - started, 1e-6)
            bar.update(tasks[file], completed=done, records=records, rate=rate)

        return run(progress)


def _show(report: ImportReport) -> None:
    out = console()
    verb = "Would import" if report.dry_run else "Imported"
    for f in report.files:
        if f.error:
            err(f"error: {f.file}: {f.error}")
        line = (
            f"{verb} {f.file} ({f.format}): {f.records} records; "
            f"{f.created} new, {f.updated} updated, {f.merged} merged, "
            f"{f.unchanged} unchanged, {len(f.proposed)} proposed, {len(f.rejected)} rejected"
        )
        if f.skipped:
            line += f", {f.skipped} skipped"
        if f.encounters_added or f.encounters_existing or f.encounters_updated:
            line += f"; encounters: {f.encounters_added} new, {f.encounters_existing} known"
            if f.encounters_updated:
                line += f", {f.encounters_updated} updated"
        if f.acquaintances:
            line += f"; {f.acquaintances} who-knows-whom ties"
        out.print(line, markup=False)
        if f.filtered:
            left = ", ".join(f"{n} {why}" for why, n in sorted(f.filtered.items()))
            out.print(f"  left out: {left}", markup=False)
        if report.dry_run:
            if f.encounters_updated:
                n = f.encounters_updated
                out.print(f"  would update {n} encounter{'s' if n != 1 else ''}", markup=False)
            for change in f.changes[:SHOWN]:
                who = _who(change.person_id, change.name)
                out.print(f"  would {change.kind} {who} ({change.where})", markup=False)
            if len(f.changes) > SHOWN:
                out.print(f"  ... and {len(f.changes) - SHOWN} more changes (--json lists all)")
        for rejection in f.rejected[:SHOWN]:
            out.print(f"  rejected {rejection.where}: {rejection.reason}", markup=False)
        if len(f.rejected) > SHOWN:
            out.print(f"  ... and {len(f.rejected) - SHOWN} more rejected (--json lists all)")
        for proposal in f.proposed[:SHOWN]:
            out.print(
                f"  proposed: {_who(proposal.a, proposal.a_name)} = "
                f"{_who(proposal.b, proposal.b_name)} "
                f"(score {proposal.score:.2f}: {proposal.explain()})",
                markup=False,
            )
        notes = [w for w in f.warnings if w.where == w.file]  # about the file, not a record
        for note in notes:
            out.print(f"  note: {note.message}", markup=False)
        if len(f.warnings) > len(notes):
            out.print(
                f"  {len(f.warnings) - len(notes)} warnings "
                "(values dropped or repaired; --json lists them)"
            )
    for skipped in report.skipped:
        out.print(f"Skipped: {skipped.reason}", markup=False)
    if report.dry_run:
        out.print("Dry run: nothing was written.")
    elif report.total("proposed"):
        out.print(
            "Review proposals with `dunbar duplicates`; merge with `dunbar merge KEEP OTHER`."
        )


def _who(pid: int, name: str) -> str:
    return f"#{pid} {name}" if pid > 0 else f"(new) {name}"


@app.command()
def duplicates(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="At most this many proposals.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """People who may be the same person, with a score and the reasons; merge with `merge`."""
    with open_ledger(ctx) as ledger:
        proposals = ledger.duplicates(limit=limit)
    if as_json:
        emit_json(proposals)
        return
    out = console()
    if not proposals:
        out.print("No likely duplicates.")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False)
    for column in ("score", "keep", "other", "why", "resolve"):
        table.add_column(column)
    for p in proposals:
        table.add_row(
            f"{p.score:.2f}",
            Text(f"#{p.a} {p.a_name}"),
            Text(f"#{p.b} {p.b_name}"),
            p.explain(),
            f"dunbar merge {p.a} {p.b}",
        )
    out.print(table)
    out.print("Two different people? `dunbar not-duplicates A B` stops proposing them.")


@app.command("not-duplicates")
def not_duplicates(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="One person.")],
    b: Annotated[str, typer.Argument(help="Another person, who is not the same.")],
    undo: Annotated[
        bool, typer.Option("--undo", help="Take it back: the pair may be proposed again.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Say that two people are different, so that `duplicates` and imports stop
    proposing them as one."""
    with open_ledger(ctx) as ledger:
        first, second = ledger.person(a), ledger.person(b)
        changed = ledger.not_duplicates(first.id, second.id, undo=undo)
    pair = f"#{first.id} {first.name} and #{second.id} {second.name}"
    if undo:
        message = (
            f"{pair} may be proposed as duplicates again"
            if changed
            else (f"{pair} were not marked as different people")
        )
    else:
        message = f"Noted: {pair} are different people" + ("" if changed else " (already noted)")
    result = {"a": first.id, "b": second.id, "not_duplicates": not undo, "changed": changed}
    done(result, message, as_json=as_json)


@app.command()
def sources(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Whose sources to list.")],
    as_json: JsonOption = False,
) -> None:
    """Where what dunbar knows of a person came from: file, line or UID."""
    with open_ledger(ctx) as ledger:
        target = ledger.person(person)
        found = ledger.sources(target.id)
    if as_json:
        emit_json(found)
        return
    out = console()
    if not found:
        out.print(f"#{target.id} {target.name} was entered by hand, not imported.", markup=False)
        return
    for s in found:
        where = f"{s.file}:{s.line}" if s.line is not None else s.file
        out.print(f"{s.source:<15} {where}  ({s.ref}, {s.seen_at:%Y-%m-%d})", markup=False)
