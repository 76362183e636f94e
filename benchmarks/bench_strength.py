"""Scoring every tie of a large ledger: numpy batch against a per-person loop.

    python benchmarks/bench_strength.py                 # 50,000 people, 1,000,000 episodes
    python benchmarks/bench_strength.py --people 5000 --episodes 100000 --json

Target (issue 4): score every tie of a ledger with 50,000 people and 1,000,000
encounters in ≤ 2 s of compute, and report the ratio against a straightforward
per-person Python loop over :func:`dunbar.strength.score_tie` on the same data.

The data are synthetic and seeded (``--seed``): contacts per person are
heavy-tailed (log-normal, as in real address books: a few close ties, a long
tail), days spread over ten years with recent ones more frequent, channels and
directions drawn with fixed shares, minutes known for most calls and meetings,
a group size for a fifth of the in-person ones.

The batch is timed from the flat arrays to the scores (median of ``--repeat``
runs after one warm-up). The loop is timed on a random sample of people
(``--sample``) from the same arrays — grouping, building the
:class:`~dunbar.strength.Episode` objects and calling ``score_tie`` — and
extrapolated to everybody by the share of episodes the sample holds (its cost
is linear in episodes). Both agree to 1e-9 on the sample, which is checked.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from dunbar.model import Channel
from dunbar.strength import Episode, EpisodeArrays, score_many, score_tie

NOW = dt.date(2026, 11, 22)
TARGET_S = 2.0
CHANNELS = list(Channel)
CHANNEL_SHARES = (0.20, 0.05, 0.15, 0.05, 0.35, 0.12, 0.08)
DIRECTIONS: tuple[Literal["out", "in"] | None, ...] = (None, "out", "in")


def make_data(people: int, episodes: int, *, seed: int) -> EpisodeArrays:
    """Seeded synthetic episodes (see the module docstring)."""
    rng = np.random.default_rng(seed)
    weight = rng.lognormal(mean=0.0, sigma=1.2, size=people)
    counts = rng.multinomial(episodes - people, weight / weight.sum()) + 1  # everyone has one
    person = np.repeat(np.arange(1, people + 1, dtype=np.int64), counts)
    age = np.minimum((rng.exponential(500.0, episodes)).astype(np.int64), 3650)
    channel = rng.choice(len(CHANNELS), size=episodes, p=CHANNEL_SHARES).astype(np.int64)
    direction = rng.choice(3, size=episodes, p=(0.3, 0.4, 0.3)).astype(np.int64)
    timed = np.isin(channel, (0, 1, 2)) & (rng.random(episodes) < 0.7)
    minutes = np.where(timed, rng.gamma(2.0, 25.0, episodes), np.nan)
    grouped = (channel == 0) & (rng.random(episodes) < 0.2)
    group = np.where(grouped, rng.integers(2, 12, episodes).astype(np.float64), np.nan)
    order = rng.permutation(episodes)  # arrive unsorted, as from a database
    return {
        "person": person[order],
        "day": (NOW.toordinal() - age)[order],
        "channel": channel[order],
        "direction": direction[order],
        "minutes": minutes[order],
        "group": group[order],
    }


def loop(arrays: EpisodeArrays, wanted: npt.NDArray[np.int64]) -> dict[int, float]:
    """The straightforward way: group by person, build episodes, call score_tie."""
    keep = np.isin(arrays["person"], wanted)
    by_person: dict[int, list[Episode]] = {}
    for pid, day, ch, dirn, mins, grp in zip(
        arrays["person"][keep].tolist(),
        arrays["day"][keep].tolist(),
        arrays["channel"][keep].tolist(),
        arrays["direction"][keep].tolist(),
        arrays["minutes"][keep].tolist(),
        arrays["group"][keep].tolist(),
        strict=True,
    ):
        by_person.setdefault(pid, []).append(
            Episode(
                when=dt.date.fromordinal(day),
                channel=CHANNELS[ch],
                direction=DIRECTIONS[dirn],
                minutes=None if mins != mins else mins,
                group=None if grp != grp else grp,
            )
        )
    return {pid: score_tie(eps, now=NOW).score or 0.0 for pid, eps in by_person.items()}


def run(people: int, episodes: int, *, seed: int, sample: int, repeat: int) -> dict[str, Any]:
    arrays = make_data(people, episodes, seed=seed)
    score_many(**arrays, now=NOW)  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = score_many(**arrays, now=NOW)
        times.append(time.perf_counter() - start)
    batch_s = statistics.median(times)

    rng = np.random.default_rng(seed + 1)
    wanted = np.sort(rng.choice(np.arange(1, people + 1), size=min(sample, people), replace=False))
    start = time.perf_counter()
    looped = loop(arrays, wanted)
    loop_sample_s = time.perf_counter() - start
    share = float(np.isin(arrays["person"], wanted).mean())
    loop_s = loop_sample_s / share

    index = np.searchsorted(result.person, wanted)
    diff = max(
        abs(looped[int(p)] - float(result.score[i])) for p, i in zip(wanted, index, strict=True)
    )
    return {
        "people": people,
        "episodes": episodes,
        "merged_episodes": int(result.episodes.sum()),
        "batch_s": batch_s,
        "batch_runs_s": times,
        "loop_sample_people": len(wanted),
        "loop_sample_s": loop_sample_s,
        "loop_extrapolated_s": loop_s,
        "speedup": loop_s / batch_s,
        "max_abs_diff": diff,
        "target_s": TARGET_S,
        "machine": f"{platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs",
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000, help="people in the timed loop")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    r = run(args.people, args.episodes, seed=args.seed, sample=args.sample, repeat=args.repeat)
    if args.json:
        print(json.dumps(r, indent=2))
    else:
        verdict = "meets" if r["batch_s"] <= TARGET_S else "misses"
        print(
            f"{r['people']:,} people, {r['episodes']:,} episodes ({r['merged_episodes']:,} after "
            f"the day rule); {r['machine']}\n"
            f"batch score_many: {r['batch_s']:.3f} s (median of {len(r['batch_runs_s'])}), "
            f"{verdict} the {TARGET_S:.0f} s target\n"
            f"per-person loop over score_tie: {r['loop_sample_s']:.2f} s for "
            f"{r['loop_sample_people']:,} people, {r['loop_extrapolated_s']:.1f} s extrapolated "
            f"to everyone\n"
            f"speed-up {r['speedup']:.0f}×; largest difference {r['max_abs_diff']:.1e}"
        )
    return 0 if r["max_abs_diff"] <= 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
