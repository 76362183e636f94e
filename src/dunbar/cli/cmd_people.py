"""People commands: add, edit, show, list, merge, forget."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dunbar.cli.app import JsonOption, add_app, app, confirm, open_ledger
from dunbar.cli.render import ago, console, done, emit_json, fmt_date, fmt_when
from dunbar.errors import ValidationError
from dunbar.normalise import parse_date

if TYPE_CHECKING:
    from dunbar.ledger import Profile
    from dunbar.model import Person

Many = Annotated[list[str] | None, typer.Option()]
SOURCES_SHOWN = 5
"""Imported records `show` lists (`dunbar sources` lists them all)."""


def _fields(values: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"--field takes KEY=VALUE, got {item!r}", field="field")
        out[key.strip()] = value.strip()
    return out


@add_app.command("person")
def add_person(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Full name.")],
    email: Many = None,
    phone: Annotated[
        list[str] | None, typer.Option(help="With country code, or use --region.")
    ] = None,
    url: Many = None,
    handle: Many = None,
    region: Annotated[
        str | None, typer.Option(help="Country for phones without +code (GB).")
    ] = None,
    org: Annotated[str | None, typer.Option("--org", help="Organisation.")] = None,
    title: Annotated[str | None, typer.Option()] = None,
    location: Annotated[str | None, typer.Option()] = None,
    tag: Many = None,
    topic: Annotated[list[str] | None, typer.Option(help="Topic of expertise.")] = None,
    offer: Annotated[list[str] | None, typer.Option(help="What they can offer.")] = None,
    need: Annotated[list[str] | None, typer.Option(help="What they are looking for.")] = None,
    how_met: Annotated[str | None, typer.Option(help="How we met.")] = None,
    where_met: Annotated[str | None, typer.Option(help="Where we met.")] = None,
    first_known: Annotated[str | None, typer.Option(help="Known since (YYYY-MM-DD).")] = None,
    closeness: Annotated[
        int | None, typer.Option(help="Declared closeness, 1 (distant) to 7 (closest).")
    ] = None,
    kin: Annotated[bool, typer.Option("--kin", help="Family.")] = False,
    birthday: Annotated[str | None, typer.Option(help="YYYY-MM-DD or --MM-DD.")] = None,
    field: Annotated[list[str] | None, typer.Option(help="Custom field KEY=VALUE.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Add a person to the ledger."""
    with open_ledger(ctx) as ledger:
        person = ledger.add_person(
            name,
            emails=email or [],
            phones=phone or [],
            urls=url or [],
            handles=handle or [],
            region=region,
            organisation=org,
            title=title,
            location=location,
            tags=tag or [],
            topics=topic or [],
            offers=offer or [],
            needs=need or [],
            how_met=how_met,
            where_met=where_met,
            first_known=first_known,
            closeness=closeness,
            kin=kin,
            birthday=birthday,
            custom=_fields(field),
        )
    done(person, f"Added #{person.id} {person.name}", as_json=as_json)


@add_app.command("org")
def add_org(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Organisation name.")],
    domain: Annotated[str | None, typer.Option(help="Web/email domain, e.g. acme.com")] = None,
    industry: Annotated[str | None, typer.Option()] = None,
    as_json: JsonOption = False,
) -> None:
    """Add an organisation."""
    with open_ledger(ctx) as ledger:
        org = ledger.add_organisation(name, domain=domain, industry=industry)
    done(org, f"Added organisation #{org.id} {org.name}", as_json=as_json)


@app.command()
def edit(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Id, email, phone or name.")],
    name: Annotated[str | None, typer.Option()] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    title: Annotated[str | None, typer.Option()] = None,
    location: Annotated[str | None, typer.Option()] = None,
    how_met: Annotated[str | None, typer.Option()] = None,
    where_met: Annotated[str | None, typer.Option()] = None,
    first_known: Annotated[str | None, typer.Option()] = None,
    closeness: Annotated[int | None, typer.Option(help="1 to 7.")] = None,
    kin: Annotated[bool | None, typer.Option("--kin/--not-kin")] = None,
    birthday: Annotated[str | None, typer.Option()] = None,
    add_email: Many = None,
    remove_email: Many = None,
    add_phone: Many = None,
    remove_phone: Many = None,
    add_url: Many = None,
    remove_url: Many = None,
    add_handle: Many = None,
    remove_handle: Many = None,
    region: Annotated[str | None, typer.Option()] = None,
    add_tag: Many = None,
    remove_tag: Many = None,
    add_topic: Many = None,
    remove_topic: Many = None,
    add_offer: Many = None,
    remove_offer: Many = None,
    add_need: Many = None,
    remove_need: Many = None,
    field: Annotated[
        list[str] | None, typer.Option(help="Custom field KEY=VALUE (empty VALUE removes it).")
    ] = None,
    clear: Annotated[
        list[str] | None, typer.Option(help="Empty a field, e.g. --clear title.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Change what the ledger knows about a person."""
    from dunbar.ledger import PersonFields
    from dunbar.model import IdentityKind, LabelKind

    with open_ledger(ctx) as ledger:
        custom = None
        if field:
            current = ledger.person(person).custom
            for key, value in _fields(field).items():
                if value:
                    current[key] = value
                else:
                    current.pop(key, None)
            custom = current
        fields = PersonFields(
            name=name,
            organisation=org,
            title=title,
            location=location,
            how_met=how_met,
            where_met=where_met,
            first_known=parse_date(first_known, what="first known date") if first_known else None,
            closeness=closeness,
            is_kin=kin,
            birthday=birthday,
            custom=custom,
        )
        updated = ledger.edit_person(
            person,
            fields,
            add={
                IdentityKind.EMAIL: add_email or [],
                IdentityKind.PHONE: add_phone or [],
                IdentityKind.URL: add_url or [],
                IdentityKind.HANDLE: add_handle or [],
            },
            remove={
                IdentityKind.EMAIL: remove_email or [],
                IdentityKind.PHONE: remove_phone or [],
                IdentityKind.URL: remove_url or [],
                IdentityKind.HANDLE: remove_handle or [],
            },
            labels={
                LabelKind.TAG: add_tag or [],
                LabelKind.TOPIC: add_topic or [],
                LabelKind.OFFER: add_offer or [],
                LabelKind.NEED: add_need or [],
            },
            unlabel={
                LabelKind.TAG: remove_tag or [],
                LabelKind.TOPIC: remove_topic or [],
                LabelKind.OFFER: remove_offer or [],
                LabelKind.NEED: remove_need or [],
            },
            clear=[c.replace("-", "_") for c in clear or []],
            region=region,
        )
    done(updated, f"Updated #{updated.id} {updated.name}", as_json=as_json)


@app.command()
def show(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Id, email, phone, name, or 'me'.")],
    limit: Annotated[int, typer.Option(help="Most recent encounters to show.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """A person's profile and our history: encounters, notes, favours, introductions,
    and the imported records their details came from."""
    with open_ledger(ctx) as ledger:
        profile = ledger.profile(person, limit=None if as_json else max(limit, 0))
        now = ledger.now()
    if as_json:
        emit_json(profile)
        return
    render_profile(profile, now, limit)


def _profile_lines(p: Person) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    work = " at ".join(x for x in (p.title, p.organisation) if x)
    for label, value in (
        ("work", work),
        ("location", p.location),
        ("emails", ", ".join(p.emails)),
        ("phones", ", ".join(p.phones)),
        ("web", ", ".join(i.value for i in p.identities if i.kind.value in ("url", "handle"))),
        ("tags", ", ".join(p.tags)),
        ("topics", ", ".join(p.topics)),
        ("offers", ", ".join(p.offers)),
        ("needs", ", ".join(p.needs)),
        ("how we met", " · ".join(x for x in (p.how_met, p.where_met) if x)),
        ("known since", fmt_date(p.first_known)),
        ("closeness", f"{p.closeness}/7" if p.closeness else ""),
        ("kin", "yes" if p.is_kin else ""),
        ("birthday", p.birthday or ""),
    ):
        if value:
            rows.append((label, value))
    rows.extend((f"{k}", str(v)) for k, v in sorted(p.custom.items()))
    return rows


def render_profile(profile: Profile, now: dt.datetime, limit: int) -> None:
    from rich.table import Table
    from rich.text import Text

    out = console()
    p = profile.person
    out.print(Text(f"#{p.id} {p.name}" + ("  (me)" if p.is_me else ""), style="bold"))
    for label, value in _profile_lines(p):
        out.print(Text(f"  {label:>12}  ") + Text(value))
    out.print(Text(f"  {'last seen':>12}  {ago(profile.last_seen, now)}"))
    for n, s in enumerate(profile.sources[:SOURCES_SHOWN]):
        where = f"{s.file}:{s.line}" if s.line is not None else s.file
        label = "from" if n == 0 else ""
        out.print(Text(f"  {label:>12}  {s.source} {where} ({s.ref}, {s.seen_at:%Y-%m-%d})"))
    if len(profile.sources) > SOURCES_SHOWN:
        more = len(profile.sources) - SOURCES_SHOWN
        out.print(Text(f"  {'':>12}  ... and {more} more (dunbar sources {p.id})"))
    names = profile.names
    if profile.encounters:
        table = Table(title="Encounters", title_justify="left", show_edge=False)
        for col in ("when", "channel", "who started", "min"):
            table.add_column(col, no_wrap=True)
        table.add_column("with", overflow="ellipsis", max_width=30)
        table.add_column("what", overflow="ellipsis", ratio=1)
        for e in profile.encounters[:limit]:
            people = [names.get(i, f"#{i}") for i in e.participants if i != p.id]
            others = ", ".join(people[:2]) + (f" +{len(people) - 2}" if len(people) > 2 else "")
            table.add_row(
                fmt_when(e.when),
                e.channel.value.replace("_", "-"),
                e.initiative.value,
                "" if e.minutes is None else str(e.minutes),
                Text(others),
                Text(e.title or ""),
            )
        out.print(table)
    for note in profile.notes:
        topics = f"  [{', '.join(note.topics)}]" if note.topics else ""
        out.print(Text(f"  note {fmt_when(note.written_at)}: {note.body}{topics}"))
    for f in profile.favours:
        out.print(
            Text(
                f"  favour #{f.id} {f.on}: {names.get(f.giver_id)} → "
                f"{names.get(f.receiver_id)}: {f.what} ({f.kind.value}, {f.status.value})"
            )
        )
    for i in profile.introductions:
        out.print(
            Text(
                f"  intro #{i.id} {i.on}: {names.get(i.broker_id)} introduced "
                f"{names.get(i.person_a_id)} and {names.get(i.person_b_id)} "
                f"({i.outcome.value})" + (f": {i.reason}" if i.reason else "")
            )
        )
    knows = sorted(
        {
            names.get(a.person_b_id if a.person_a_id == p.id else a.person_a_id, "?")
            for a in profile.acquaintances
        }
    )
    if knows:
        shown = ", ".join(knows[:15]) + (f" and {len(knows) - 15} more" if len(knows) > 15 else "")
        out.print(Text(f"  knows: {shown}"))
    for fu in profile.follow_ups:
        state = "done" if fu.done else f"due {fu.due}"
        out.print(Text(f"  follow-up ({state}): {fu.reason}"))


@app.command("people")
def people_cmd(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(help="Match names, emails, organisations.")] = None,
    tag: Many = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    topic: Many = None,
    not_seen_since: Annotated[
        str | None,
        typer.Option(help="Only people not met since this date (YYYY-MM-DD), never-met included."),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
    offset: Annotated[int, typer.Option(help="Skip this many first.")] = 0,
    include_me: Annotated[bool, typer.Option("--include-me")] = False,
    as_json: JsonOption = False,
) -> None:
    """List and search people."""
    filters: dict[str, Any] = {
        "tags": tag or [],
        "organisation": org,
        "topics": topic or [],
        "not_seen_since": not_seen_since,
        "limit": limit,
        "offset": offset,
        "include_me": include_me,
    }
    if as_json and not sys.stdout.isatty():
        # Compact JSON for a pipe, made by the database: the same values as
        # emit_json(ledger.people(...)) (tests/store/test_people_json.py).
        with open_ledger(ctx) as ledger:
            document = ledger.people_json(text, **filters)
        sys.stdout.write(document)
        sys.stdout.write("\n")
        return
    with open_ledger(ctx) as ledger:
        rows = ledger.people(
            text,
            tags=tag or [],
            organisation=org,
            topics=topic or [],
            not_seen_since=not_seen_since,
            limit=limit,
            offset=offset,
            include_me=include_me,
        )
        now = ledger.now()
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False)
    for col in ("id", "name", "organisation", "email", "tags", "last seen", "n"):
        table.add_column(col, justify="right" if col in ("id", "n") else "left")
    for r in rows:
        table.add_row(
            str(r.id),
            Text(r.name),
            Text(r.organisation or ""),
            Text(r.email or ""),
            Text(", ".join(r.tags)),
            ago(r.last_seen, now),
            str(r.encounters),
        )
    console().print(table)
    console().print(f"{len(rows)} {'person' if len(rows) == 1 else 'people'}")


@app.command()
def merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help="The person to keep.")],
    other: Annotated[str, typer.Argument(help="The duplicate, folded into KEEP and removed.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Merge two records of the same person."""
    with open_ledger(ctx) as ledger:
        a, b = ledger.person(keep), ledger.person(other)
        if a.id == b.id:
            raise ValidationError("both names point to the same person")
        confirm(f"Merge #{b.id} {b.name} into #{a.id} {a.name}?", yes=yes)
        merged = ledger.merge(a.id, b.id)
    done(merged, f"Merged #{b.id} {b.name} into #{merged.id} {merged.name}", as_json=as_json)


@app.command()
def forget(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="The person to erase.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Erase a person and every trace of them. This cannot be undone."""
    with open_ledger(ctx) as ledger:
        target = ledger.person(person)
        confirm(
            f"Erase #{target.id} {target.name} and every trace of them? This cannot be undone.",
            yes=yes,
        )
        report = ledger.forget(target.id)
    if as_json:
        emit_json(report)
        return
    removed: dict[str, Any] = {k: v for k, v in report.removed.items() if v}
    detail = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in removed.items())
    console().print(
        f"Forgot {report.name}: {report.encounters_deleted} encounters deleted, "
        f"{report.encounters_kept} shared encounters kept without them, "
        f"{report.texts_redacted} texts redacted"
        + (f", {detail}" if detail else "")
        + ". Older backups still contain them.",
        markup=False,
    )
