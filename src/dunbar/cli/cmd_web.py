"""``dunbar serve`` (the web app) and ``dunbar token`` (API tokens for scripts)."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dunbar.cli.app import JsonOption, app, open_ledger, settings
from dunbar.cli.render import console, done, emit_json, err
from dunbar.errors import UsageError, ValidationError

if TYPE_CHECKING:
    from dunbar.ledger import Ledger

__all__ = ["ensure_password", "is_loopback", "run_server", "serve"]

token_app = typer.Typer(
    help="API tokens for scripts (the web app's /api/v1).", no_args_is_help=True
)
app.add_typer(token_app, name="token")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_password_file(path: Path) -> str:
    """The first line of ``path`` (a secret file: it must not be readable by others)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ValidationError(f"{path}: no such password file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{path}: cannot read the password file ({exc})") from exc
    lines = text.splitlines()
    password = lines[0] if lines else ""
    if not password:
        raise ValidationError(f"{path}: the password file is empty")
    return password


def ensure_password(ledger: Ledger, password_file: Path | None) -> bool:
    """Set the web password on first run; True if one was set now.

    With a password file, its first line becomes the password if none is set yet
    (a different one is refused, so that a stale file cannot lock the user out
    or quietly change the password). Without one, a terminal is asked twice.
    """
    if ledger.has_web_password():
        if password_file is not None and not ledger.check_web_password(
            read_password_file(password_file)
        ):
            raise ValidationError(
                f"{password_file} does not hold this ledger's web password "
                "(change it in the web app's settings)"
            )
        return False
    if password_file is not None:
        ledger.set_web_password(read_password_file(password_file))
        return True
    if not sys.stdin.isatty():
        raise UsageError(
            "the web app is locked by a password, and none is set yet: run `dunbar serve` "
            "on a terminal, or pass one with --password-file or DUNBAR_PASSWORD_FILE"
        )
    console().print("The web app needs a password (at least 8 characters).", markup=False)
    password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    ledger.set_web_password(password)
    return True


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on; anything but loopback warns.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    password_file: Annotated[
        Path | None,
        typer.Option(
            envvar="DUNBAR_PASSWORD_FILE",
            help="File whose first line is the password to set on first run.",
        ),
    ] = None,
    insecure_cookies: Annotated[
        bool,
        typer.Option(
            help="Send cookies without the Secure flag (only for plain HTTP on another host)."
        ),
    ] = False,
) -> None:
    """Start the web app (locked by a password; on 127.0.0.1 unless --host says otherwise)."""
    with open_ledger(ctx) as ledger:
        ensure_password(ledger, password_file)
    run_server(settings(ctx).database, host, port, secure_cookies=not insecure_cookies)


def run_server(
    database: str,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    secure_cookies: bool = True,
    password: str | None = None,
) -> None:
    """Serve the web app over ``database`` until Ctrl-C (``dunbar serve``, ``dunbar demo --serve``).

    The ledger must have a web password already. A non-loopback ``host`` warns.
    With ``password``, the banner names it (the demo's fresh password).
    """
    import uvicorn

    from dunbar.web import WebSettings, create_app

    if not is_loopback(host):
        err(
            f"warning: listening on {host}: anyone who can reach this address can try to "
            "log in. Put it behind HTTPS, or use 127.0.0.1."
        )
    application = create_app(WebSettings(database=database, secure_cookies=secure_cookies))
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    url = f"http://{shown}:{port}/"
    if password is None:
        console().print(f"dunbar is at {url} (Ctrl-C stops it)", markup=False)
    else:
        console().print(
            f"Open {url} and log in with password: {password}  (Ctrl-C stops it)",
            markup=False,
            soft_wrap=True,
        )
    uvicorn.run(application, host=host, port=port, log_level="warning", server_header=False)


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="What the token is for (a script's name).")],
) -> None:
    """Make an API token; it is printed once and stored only as a hash."""
    with open_ledger(ctx) as ledger:
        token = ledger.create_api_token(name)
    console().print(token, markup=False, soft_wrap=True)
    err(f"Token {name!r} made. Send it as 'Authorization: Bearer <token>'; it is not shown again.")


@token_app.command("list")
def token_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The API tokens: name, when made, and their first characters."""
    with open_ledger(ctx) as ledger:
        tokens = ledger.api_tokens()
    if as_json:
        emit_json(
            [{"name": t.name, "created_at": t.created_at, "prefix": t.prefix} for t in tokens]
        )
        return
    if not tokens:
        console().print("No API tokens.", markup=False)
    for t in tokens:
        console().print(f"{t.name}\t{t.prefix}…\t{t.created_at}", markup=False)


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The token's name.")],
) -> None:
    """Revoke an API token: scripts using it get 401 from now on."""
    with open_ledger(ctx) as ledger:
        ledger.revoke_api_token(name)
    done({"revoked": name}, f"Revoked token {name!r}.", as_json=False)
