"""The web app on a 50,000-person ledger: page server time, and 50 clients on loopback.

Targets (issue 7):

1. Today, People and Person serve at <= 150 ms p95 *server time* on the
   50,000-person ledger. Server time is the app's own ``Server-Timing: app;dur=``
   header (the time from the first middleware to the finished response).
2. 50 concurrent clients over loopback, bounded in time (``--duration``), with
   writes among the reads: no errors, p95 <= 500 ms client latency.
3. A write under that load never fails with "database is locked": the web
   app's writes and, at the same time, a second process writing to the same
   SQLite file through the library (the CLI's path).

Part 1 runs the app in this process (Starlette's TestClient: no sockets) on
the fixed clock of the generated ledger, and measures each page:

- warm: ``--requests`` requests per page, the ledger unchanged;
- after a write: a note is added through the app, then the page is asked for,
  so the shared scoreboard and the page's own parts are made again (what the
  writer's next page costs);
- naive: the same routes with the cache turned off (every request computes the
  agenda, the scoreboard and the people index from the ledger), the baseline.

Part 2 starts the real server, ``dunbar serve`` (uvicorn, one process), on a
free 127.0.0.1 port, and runs ``--clients`` asyncio clients (httpx), each
logged in with its own session. Each client waits a random think time (uniform
in 0 .. 2 x ``--think`` seconds) between requests and picks, by weight, Today,
a People listing (plain, sorted, searched, filtered), a Person page, or a write
(a note or an encounter logged through the forms). Meanwhile a separate
process adds a note every ``--writer-every`` seconds through ``Ledger``. A run
with ``--think 0`` (no pause) gives the server's saturation throughput.

The ledger (people with emails, organisations, tags, topics; 500,000 encounters;
one person with 5,000) is made once by ``bench_cli.build_ledger`` and cached
under ``benchmarks/out/cache`` (about 20 s to make); each run works on a copy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import (
    HERE,
    copy_ledger,
    dunbar_exe,
    fixed_clock,
    machine_info,
    machine_line,
    seconds,
    temp_dir,
    write_json,
)

CACHE = HERE / "out" / "cache"
PASSWORD = "bench-web-password-1"
TARGET_PEOPLE = 50_000
TARGETS = {"server_p95_ms": 150.0, "load_p95_ms": 500.0}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
TIMING = re.compile(r"app;dur=([0-9.]+)")
SEED = 7
#: Part 2's mix of requests (weights); clients that do not write have no "write".
MIX = {"today": 25, "people": 30, "person": 35, "write": 10}


# --- shared -------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), by linear interpolation; nan when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": pct(values, 50),
        "p95": pct(values, 95),
        "max": max(values) if values else float("nan"),
        "mean": statistics.fmean(values) if values else float("nan"),
    }


def server_ms(response: Any) -> float:
    found = TIMING.search(response.headers.get("server-timing", ""))
    if found is None:
        raise RuntimeError(f"{response.request.url}: no Server-Timing header")
    return float(found.group(1))


def ledger_file(people: int, encounters: int) -> tuple[Path, dict[str, Any] | None]:
    """The cached generated ledger, made when missing."""
    from bench_cli import build_ledger

    path = CACHE / f"web-{people}-{encounters}.sqlite"
    if path.exists():
        return path, None
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    print(f"making the ledger ({people:,} people, {encounters:,} encounters)...", flush=True)
    info = build_ledger(partial, people, encounters)
    partial.rename(path)
    return path, info


def prepare(source: Path, work: Path) -> dict[str, Any]:
    """A working copy with a web password, its tallies stored, and the sample to ask for."""
    from bench_cli import STAR_NAME
    from dunbar import Ledger

    copy_ledger(source, work)
    ledger = Ledger.open(work, clock=fixed_clock)
    try:
        ledger.set_web_password(PASSWORD)
        started = time.perf_counter()
        board = ledger.scoreboard()  # the tally cache, once (any first agenda makes it)
        fill = time.perf_counter() - started
        ids = [int(p) for p in board.contacts]  # everyone but the owner
        star = ledger.person(STAR_NAME).id
        names = [board.contacts[p].name for p in ids[:2000]]
    finally:
        ledger.close()
    rng = random.Random(SEED)
    sample = [*rng.sample(ids, 200), star]
    words = sorted({n.split()[0][:3].lower() for n in names if n.split()})
    return {"ids": ids, "sample": sample, "star": star, "words": words, "tally_fill_s": fill}


def people_urls(rng: random.Random, words: list[str]) -> list[str]:
    """A spread of People listings: plain, sorted, searched, filtered, a later page."""
    return [
        "/people",
        "/people?sort=-strength",
        "/people?sort=-last_seen",
        f"/people?q={rng.choice(words)}",
        f"/people/rows?q={rng.choice(words)}",
        "/people?seen=over:90&sort=-strength",
        "/people?circle=50",
        f"/people?page={rng.randint(2, 200)}",
    ]


# --- part 1: in-process server time -------------------------------------------------------


class Uncached:
    """The naive app: every cached part is made again on every request."""

    def bump(self) -> int:
        return 0

    def cached(self, key: str, make: Callable[[], Any], **_: Any) -> Any:
        return make()

    def close(self) -> None:
        pass


def in_process(work: Path, prep: dict[str, Any], requests: int, naive: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from dunbar.web import WebSettings, create_app

    rng = random.Random(SEED)
    settings = WebSettings(database=str(work), clock=fixed_clock)
    app = create_app(settings)
    out: dict[str, Any] = {}
    base = "https://testserver"
    with TestClient(app, base_url=base) as client:
        page = client.get("/login")
        r = client.post(
            "/login",
            data={"password": PASSWORD, "csrf": CSRF.search(page.text).group(1), "next": "/"},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text[:300]
        csrf = CSRF.search(client.get("/").text).group(1)

        def get(url: str) -> float:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: {response.status_code} {response.text[:200]}")
            return server_ms(response)

        def urls(kind: str) -> list[str]:
            if kind == "today":
                return ["/"]
            if kind == "people":
                return people_urls(rng, prep["words"])
            return [f"/people/{rng.choice(prep['sample'])}"]

        # Cold: the first request after the app starts (the cache is empty).
        app.state.freshness.bump()
        out["cold"] = {
            "today": get("/"),
            "people": get("/people"),
            "person": get(f"/people/{prep['star']}"),
        }
        for p in prep["sample"]:  # every sampled person once: first visits
            get(f"/people/{p}")
        warm: dict[str, list[float]] = {}
        for kind in ("today", "people", "person"):
            warm[kind] = [get(rng.choice(urls(kind))) for _ in range(requests)]
        warm["person_star"] = [get(f"/people/{prep['star']}") for _ in range(requests // 4)]
        out["warm"] = {k: summary(v) for k, v in warm.items()}

        # After a write through the app: the writer's next page.
        after: dict[str, list[float]] = {"today": [], "people": [], "person": []}
        writes: list[float] = []
        for i in range(max(6, requests // 20)):
            pid = rng.choice(prep["sample"])
            r = client.post(
                f"/people/{pid}/notes",
                data={"csrf": csrf, "text": f"bench note {i}"},
                follow_redirects=False,
            )
            assert r.status_code == 303, r.text[:300]
            writes.append(server_ms(r))
            kind = ("today", "people", "person")[i % 3]
            after[kind].append(get(f"/people/{pid}" if kind == "person" else urls(kind)[0]))
        out["after_write"] = {k: summary(v) for k, v in after.items()}
        out["write"] = summary(writes)

        # Naive: the same routes, no cache.
        app.state.freshness = Uncached()
        out["naive"] = {
            kind: summary([get(rng.choice(urls(kind))) for _ in range(naive)])
            for kind in ("today", "people", "person")
        }
    return out


# --- part 2: concurrent clients over loopback ---------------------------------------------

WRITER = textwrap.dedent(
    """
    import json, sys, time
    from dunbar import Ledger
    path, every, duration = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    ids = json.loads(sys.argv[4])
    ledger = Ledger.open(path)
    done, errors, locked, waits = 0, [], 0, []
    end = time.monotonic() + duration
    i = 0
    while time.monotonic() < end:
        started = time.perf_counter()
        try:
            ledger.add_note(f"writer process note {i}", about=ids[i % len(ids)])
            done += 1
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}"[:200])
            locked += "locked" in str(exc)
        waits.append(time.perf_counter() - started)
        i += 1
        time.sleep(max(0.0, min(every, end - time.monotonic())))
    ledger.close()
    print(json.dumps({"writes": done, "errors": errors, "locked": locked, "write_s": waits}))
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(work: Path, port: int, password_file: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUNBAR_")}
    env["DUNBAR_PASSWORD_FILE"] = str(password_file)
    server = subprocess.Popen(
        [
            dunbar_exe(),
            "--db",
            str(work),
            "serve",
            "--port",
            str(port),
            "--insecure-cookies",  # httpx sends no Secure cookie over http://127.0.0.1
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"dunbar serve ended: {server.stderr.read().decode()[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    server.kill()
    raise RuntimeError("dunbar serve did not listen within 60 s")


async def _client(
    n: int,
    base: str,
    prep: dict[str, Any],
    clock: dict[str, Any],
    think: float,
    records: list[dict[str, Any]],
    mix: dict[str, int],
) -> None:
    import httpx

    rng = random.Random(SEED * 1000 + n)
    kinds, weights = list(mix), list(mix.values())
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        page = await client.get("/login")
        r = await client.post(
            "/login",
            data={"password": PASSWORD, "csrf": CSRF.search(page.text).group(1), "next": "/"},
            follow_redirects=True,
        )
        found = CSRF.search(r.text)  # on Today, where the login leads
        if found is None:
            raise RuntimeError(f"client {n} could not log in: {r.status_code} {r.text[:200]}")
        csrf = found.group(1)
        clock["ready"] += 1
        await clock["go"].wait()  # logins (Argon2id, by design slow) are not the load
        while time.monotonic() < clock["end"]:
            if think:
                await asyncio.sleep(rng.uniform(0, 2 * think))
            kind = rng.choices(kinds, weights)[0]
            pid = rng.choice(prep["sample"])
            started = time.perf_counter()
            try:
                if kind == "today":
                    response = await client.get("/")
                elif kind == "people":
                    response = await client.get(rng.choice(people_urls(rng, prep["words"])))
                elif kind == "person":
                    response = await client.get(f"/people/{pid}")
                elif rng.random() < 0.5:
                    response = await client.post(
                        f"/people/{pid}/notes",
                        data={"csrf": csrf, "text": f"load note from client {n}"},
                        follow_redirects=False,
                    )
                else:
                    response = await client.post(
                        f"/people/{pid}/log",
                        data={"csrf": csrf, "channel": "call", "title": f"load call {n}"},
                        follow_redirects=False,
                    )
            except httpx.HTTPError as exc:
                records.append({"kind": kind, "error": f"{type(exc).__name__}: {exc}"[:200]})
                continue
            latency = (time.perf_counter() - started) * 1000
            ok = response.status_code == (303 if kind == "write" else 200)
            body = response.text
            records.append(
                {
                    "kind": kind,
                    "at": clock["end"] - time.monotonic(),  # seconds before the end
                    "ms": latency,
                    "server_ms": server_ms(response),
                    "status": response.status_code,
                    "error": None if ok else body[:200],
                    "locked": "database is locked" in body,
                }
            )


async def _load(
    base: str,
    prep: dict[str, Any],
    clients: int,
    duration: float,
    think: float,
    writers: int,
    write_share: int,
):
    records: list[dict[str, Any]] = []
    clock: dict[str, Any] = {"ready": 0, "go": asyncio.Event(), "end": 0.0}
    reading = {k: v for k, v in MIX.items() if k != "write"}
    writing = {**reading, "write": write_share * sum(reading.values()) // (100 - write_share)}
    tasks = [
        asyncio.create_task(
            _client(n, base, prep, clock, think, records, writing if n < writers else reading)
        )
        for n in range(clients)
    ]
    while clock["ready"] < clients:
        failed = [t for t in tasks if t.done()]
        if failed:
            await failed[0]  # raises the client's error
        await asyncio.sleep(0.05)
    started = time.perf_counter()
    clock["end"] = time.monotonic() + duration
    clock["go"].set()
    await asyncio.gather(*tasks)
    return records, time.perf_counter() - started


def loopback(
    work: Path,
    prep: dict[str, Any],
    clients: int,
    duration: float,
    think: float,
    every: float,
    writers: int,
    write_share: int,
) -> dict[str, Any]:
    import httpx

    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        secret = Path(tmp) / "password"
        secret.write_text(PASSWORD + "\n")
        secret.chmod(0o600)
        server = start_server(work, port, secret)
        base = f"http://127.0.0.1:{port}"
        try:
            # One client first, so that the load measures a running app, not its start.
            with httpx.Client(base_url=base, timeout=120) as warm:
                page = warm.get("/login")
                warm.post(
                    "/login",
                    data={"password": PASSWORD, "csrf": CSRF.search(page.text).group(1)},
                    follow_redirects=True,
                )
                started = time.perf_counter()
                for url in ("/", "/people", f"/people/{prep['star']}"):
                    assert warm.get(url).status_code == 200, url
                first = time.perf_counter() - started
            writer = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    WRITER,
                    str(work),
                    str(every),
                    str(duration),
                    json.dumps(prep["sample"][:50]),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            records, wall = asyncio.run(
                _load(base, prep, clients, duration, think, writers, write_share)
            )
            w_out, w_err = writer.communicate(timeout=duration + 120)
            if writer.returncode != 0:
                raise RuntimeError(f"the writer process failed: {w_err[-2000:]}")
            written = json.loads(w_out.strip().splitlines()[-1])
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log = server.stderr.read().decode() if server.stderr else ""
    done = [r for r in records if "ms" in r]
    errors = [r for r in records if r.get("error")]
    by_kind = {
        kind: {
            "latency": summary([r["ms"] for r in done if r["kind"] == kind]),
            "server": summary([r["server_ms"] for r in done if r["kind"] == kind]),
        }
        for kind in MIX
    }
    return {
        "clients": clients,
        "writers": writers,
        "write_share_pct": write_share,
        "writer_every_s": every,
        "duration_s": duration,
        "think_s": think,
        "wall_s": wall,
        "first_pages_s": first,
        "requests": len(records),
        "throughput_rps": len(done) / wall,
        "latency": summary([r["ms"] for r in done]),
        "server": summary([r["server_ms"] for r in done]),
        "by_kind": by_kind,
        "statuses": dict(Counter(str(r.get("status", "none")) for r in records)),
        "errors": len(errors),
        "error_samples": [r["error"] for r in errors[:5]],
        "locked": sum(1 for r in records if r.get("locked")) + log.count("database is locked"),
        "web_writes": sum(1 for r in done if r["kind"] == "write" and r["status"] == 303),
        "writer_process": {
            "writes": written["writes"],
            "errors": written["errors"][:5],
            "error_count": len(written["errors"]),
            "locked": written["locked"],
            "write_ms": summary([1000 * x for x in written["write_s"]]),
        },
        "server_log_tracebacks": log.count("Traceback"),
        # Each request: its kind, when it ended (seconds from the start), latency ms.
        "timeline": [(r["kind"], round(duration - r["at"], 3), round(r["ms"], 1)) for r in done],
    }


# --- report -------------------------------------------------------------------------------


def _ms(s: dict[str, float]) -> str:
    return f"p50 {s['p50']:6.1f}  p95 {s['p95']:6.1f}  max {s['max']:7.1f} ms (n={s['n']})"


def report(out: dict[str, Any]) -> None:
    if "in_process" in out:
        _report_pages(out)
    _report_load(out)


def _report_pages(out: dict[str, Any]) -> None:
    ip = out["in_process"]
    print(f"\nserver time in process (Server-Timing), {out['people']:,} people:")
    print(
        "  first request after start: "
        + ", ".join(f"{k} {v:.0f} ms" for k, v in ip["cold"].items())
        + f"; the tally cache was filled once before ({seconds(out['tally_fill_s'])})"
    )
    target = TARGETS["server_p95_ms"]
    for kind in ("today", "people", "person", "person_star"):
        s = ip["warm"][kind]
        verdict = "met" if s["p95"] <= target else "MISSED"
        print(f"  warm {kind:12} {_ms(s)}  target p95 <= {target:.0f} ms: {verdict}")
    for kind, s in ip["after_write"].items():
        print(f"  after a write, {kind:6} {_ms(s)}")
    print(f"  the write (POST a note)  {_ms(ip['write'])}")
    for kind, s in ip["naive"].items():
        warm = ip["warm"][kind]["p50"]
        print(f"  naive (no cache) {kind:6} {_ms(s)}  ({s['p50'] / warm:.0f}x the warm p50)")


def _report_load(out: dict[str, Any]) -> None:
    for run in out["loopback"]:
        print(
            f"\n{run['clients']} clients over loopback (dunbar serve), {run['duration_s']:.0f} s, "
            f"think time {run['think_s']:.2f} s mean; {run['writers']} of them write "
            f"({run['write_share_pct']} % of their requests), and another process adds a note "
            f"every {run['writer_every_s']} s:"
        )
        print(
            f"  {run['requests']:,} requests, {run['throughput_rps']:.1f}/s; "
            f"statuses {run['statuses']}; errors {run['errors']}; "
            f"'database is locked' {run['locked']}"
        )
        lat = run["latency"]
        verdict = "met" if lat["p95"] <= TARGETS["load_p95_ms"] and not run["errors"] else "MISSED"
        print(f"  latency  {_ms(lat)}  target p95 <= 500 ms, 0 errors: {verdict}")
        print(f"  server   {_ms(run['server'])}")
        for kind, s in run["by_kind"].items():
            print(f"    {kind:7} latency {_ms(s['latency'])}; server p95 {s['server']['p95']:.1f}")
        w = run["writer_process"]
        print(
            f"  web writes {run['web_writes']}; writer process: {w['writes']} notes, "
            f"{w['error_count']} errors ({w['locked']} locked), each {_ms(w['write_ms'])}"
        )
        if run["error_samples"]:
            print("  errors, e.g.: " + " | ".join(map(str, run["error_samples"])))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 people, short runs")
    parser.add_argument("--people", type=int, help="people (default 50,000)")
    parser.add_argument("--encounters", type=int, help="encounters (default 500,000)")
    parser.add_argument("--requests", type=int, help="warm requests per page (default 200)")
    parser.add_argument("--naive", type=int, help="uncached requests per page (default 20)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, help="seconds of load (default 30)")
    parser.add_argument(
        "--think",
        type=float,
        action="append",
        help="mean think time per client, seconds; repeat for several runs (default 1 and 0)",
    )
    parser.add_argument("--writers", type=int, default=5, help="clients that write too (default 5)")
    parser.add_argument(
        "--write-share", type=int, default=20, help="%% of a writing client's requests (20)"
    )
    parser.add_argument(
        "--writer-every", type=float, default=1.0, help="the second process's pause (1 s)"
    )
    parser.add_argument("--no-load", action="store_true", help="part 1 only")
    parser.add_argument("--no-pages", action="store_true", help="part 2 only")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    people = args.people or (5_000 if args.quick else TARGET_PEOPLE)
    encounters = args.encounters or (50_000 if args.quick else 500_000)
    requests = args.requests or (40 if args.quick else 200)
    naive = args.naive or (5 if args.quick else 20)
    duration = args.duration or (8.0 if args.quick else 30.0)
    thinks = args.think or ([1.0] if args.quick else [1.0, 0.0])
    print(f"web: {people:,} people, {encounters:,} encounters — {machine_line()}", flush=True)
    source, built = ledger_file(people, encounters)
    out: dict[str, Any] = {
        "benchmark": "web",
        "machine": machine_info(),
        "people": people,
        "encounters": encounters,
        "targets": TARGETS,
        "built": built,
        "mix": MIX,
    }
    with temp_dir() as tmp:
        work = tmp / "web.sqlite"
        prep = prepare(source, work)
        out["tally_fill_s"] = prep["tally_fill_s"]
        if not args.no_pages:
            out["in_process"] = in_process(work, prep, requests, naive)
        out["loopback"] = []
        if not args.no_load:
            for think in thinks:
                out["loopback"].append(
                    loopback(
                        work,
                        prep,
                        args.clients,
                        duration,
                        think,
                        args.writer_every,
                        args.writers,
                        args.write_share,
                    )
                )
    report(out)
    write_json(args.json, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
