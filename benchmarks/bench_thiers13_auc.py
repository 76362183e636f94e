"""Does dunbar's tie strength find real friendships? MODEL.md §9 on Thiers13.

    python benchmarks/bench_thiers13_auc.py              # table of AUCs
    python benchmarks/bench_thiers13_auc.py --json       # machine-readable
    python benchmarks/bench_thiers13_auc.py --sensitivity  # AUC over κ, γ, merge gap

Data: SocioPatterns "High school 2013" (Mastrandrea, Fournet & Barrat 2015, PLoS
ONE 10(9):e0136497), CC BY-NC-SA: read from ``../shared/data/sociopatterns``
(or ``$DUNBAR_SOCIOPATTERNS``), never copied into this repository. Without it
the benchmark says so and exits 0.

Protocol (MODEL.md §9)
    Pairs: every pair with at least one contact, both of them survey
    respondents (sources in the friendship file): 1,212 pairs, 345 friendships.
    Target: a friendship reported in either direction. Metric: ROC AUC
    (Mann–Whitney, ties counted half), computed here without sklearn.

How contacts become dunbar episodes (the importer's job, done here)
    The 20-second records of a pair are merged into encounters wherever the
    gap between records is at most 60 s (up to two missed records, which the
    sensors drop often); an encounter lasts from its first record to 20 s after
    its last. Each encounter is an in-person :class:`~dunbar.strength.Episode`
    with its minutes and ``group``: the number of people present besides me,
    that is the size of the pair's connected component in the contact graph of
    that instant minus one, averaged over the encounter's records.
    Direction is unknown. ``now`` is the day after the last record. Every pair is
    scored by :func:`dunbar.strength.score_tie` with the default parameters.

Baselines are the ones measured for MODEL.md §9 (same pairs, same target).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import itertools
import json
import math
import os
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from dunbar.strength import Episode, StrengthParams, score_tie

HERE = Path(__file__).resolve().parent
DATA_ENV = "DUNBAR_SOCIOPATTERNS"
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "sociopatterns"
PROXIMITY = "HighSchool2013_proximity_net.csv.gz"
FRIENDSHIP = "HighSchool2013_friendship_network.csv.gz"
METADATA = "HighSchool2013_metadata.txt"
RECORD_SECONDS = 20
MERGE_GAP_SECONDS = 60
EXPECTED_PAIRS = 1212
EXPECTED_FRIENDSHIPS = 345
GOAL = 0.85

Pair = tuple[int, int]


def data_dir() -> Path:
    return Path(os.environ.get(DATA_ENV, DEFAULT_DATA))


def data_present(directory: Path | None = None) -> bool:
    directory = directory or data_dir()
    return (directory / PROXIMITY).is_file() and (directory / FRIENDSHIP).is_file()


@dataclass
class Thiers13:
    """The records of the respondent pairs, the survey and the classes."""

    records: dict[Pair, list[int]]  # pair -> sorted record times (s)
    group: dict[tuple[int, int, int], int]  # (t, i, j) -> people present besides me
    friends: set[Pair]
    classes: dict[int, str]
    last_time: int
    pairs: list[Pair] = field(default_factory=list)


def load(directory: Path | None = None) -> Thiers13:
    """Read the files; keep the pairs of the protocol."""
    directory = directory or data_dir()
    survey: list[Pair] = []
    with gzip.open(directory / FRIENDSHIP, "rt") as fh:
        for line in fh:
            if line.strip():
                a, b = map(int, line.split()[:2])
                survey.append((a, b))
    respondents = {a for a, _ in survey}
    friends = {(min(a, b), max(a, b)) for a, b in survey}
    classes: dict[int, str] = {}
    by_time: dict[int, list[Pair]] = defaultdict(list)
    records: dict[Pair, list[int]] = defaultdict(list)
    last_time = 0
    with gzip.open(directory / PROXIMITY, "rt") as fh:
        for line in fh:
            t_s, i_s, j_s, ci, cj = line.split()
            t, i, j = int(t_s), int(i_s), int(j_s)
            pair = (min(i, j), max(i, j))
            by_time[t].append(pair)
            classes.setdefault(i, ci)
            classes.setdefault(j, cj)
            last_time = max(last_time, t)
            if i in respondents and j in respondents and i != j:
                records[pair].append(t)
    meta = directory / METADATA
    if meta.is_file():  # the metadata file is the reference for classes
        for line in meta.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 2:
                classes[int(parts[0])] = parts[1]
    data = Thiers13(
        records=dict(records), group={}, friends=friends, classes=classes, last_time=last_time
    )
    data.group = _groups(by_time, data.records)
    data.pairs = sorted(data.records)
    for times in data.records.values():
        times.sort()
    return data


def _groups(
    by_time: dict[int, list[Pair]], wanted: dict[Pair, list[int]]
) -> dict[tuple[int, int, int], int]:
    """People present besides me, per record: component size in that instant − 1."""
    out: dict[tuple[int, int, int], int] = {}
    for t, edges in by_time.items():
        parent: dict[int, int] = {}

        def find(x: int, parent: dict[int, int] = parent) -> int:
            root = parent.setdefault(x, x)
            while root != parent[root]:
                parent[root] = parent[parent[root]]
                root = parent[root]
            return root

        for a, b in edges:
            parent[find(a)] = find(b)
        sizes: dict[int, int] = defaultdict(int)
        for node in list(parent):
            sizes[find(node)] += 1
        for a, b in edges:
            if (a, b) in wanted:
                out[(t, a, b)] = sizes[find(a)] - 1
    return out


def episodes_of(data: Thiers13, pair: Pair, *, gap: int = MERGE_GAP_SECONDS) -> list[Episode]:
    """The pair's records merged into in-person encounters (rules in the module doc)."""
    times = data.records[pair]
    runs: list[list[int]] = [[times[0]]]
    for t in times[1:]:
        if t - runs[-1][-1] <= gap:
            runs[-1].append(t)
        else:
            runs.append([t])
    out = []
    for run in runs:
        present = [data.group[(t, *pair)] for t in run]
        out.append(
            Episode(
                when=dt.datetime.fromtimestamp(run[0], tz=dt.UTC),
                channel="in_person",
                direction=None,
                minutes=(run[-1] - run[0] + RECORD_SECONDS) / 60,
                group=sum(present) / len(present),
            )
        )
    return out


def now_of(data: Thiers13) -> dt.date:
    """The day after the last record."""
    return dt.datetime.fromtimestamp(data.last_time, tz=dt.UTC).date() + dt.timedelta(days=1)


def auc(scores: npt.ArrayLike, labels: npt.ArrayLike) -> float:
    """ROC AUC by the Mann–Whitney U statistic, tied scores getting average ranks."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    start = 0
    while start < len(s):
        end = start
        while end + 1 < len(s) and sorted_s[end + 1] == sorted_s[start]:
            end += 1
        ranks[order[start : end + 1]] = (start + end) / 2 + 1
        start = end + 1
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if not n_pos or not n_neg:
        raise ValueError("AUC needs both classes")
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _encounters(times: Sequence[int], gap: int) -> int:
    return 1 + sum(1 for a, b in itertools.pairwise(times) if b - a > gap)


def _days(times: Sequence[int]) -> int:
    return len({dt.datetime.fromtimestamp(t, tz=dt.UTC).date() for t in times})


def scores(
    data: Thiers13, params: StrengthParams | None = None
) -> dict[str, npt.NDArray[np.float64]]:
    """dunbar's score (and two ablations) and the MODEL.md §9 baselines, per pair."""
    now = now_of(data)
    out: dict[str, list[float]] = defaultdict(list)
    for pair in data.pairs:
        times = data.records[pair]
        eps = episodes_of(data, pair)
        out["dunbar"].append(score_tie(eps, now=now, params=params).score or 0.0)
        alone = [Episode(e.when, e.channel, e.direction, e.minutes) for e in eps]
        out["dunbar, no group size"].append(score_tie(alone, now=now, params=params).score or 0.0)
        bare = [Episode(e.when, e.channel) for e in eps]
        out["dunbar, no minutes (v1 rule)"].append(
            score_tie(bare, now=now, params=params).score or 0.0
        )
        out["total contact duration (20 s records)"].append(len(times))
        out["log(duration) × days"].append(math.log1p(len(times)) * _days(times))
        out["encounters split at 5-minute gaps"].append(_encounters(times, 300))
        out["days with contact"].append(_days(times))
        a, b = pair
        out["same class"].append(float(data.classes.get(a) == data.classes.get(b)))
    return {name: np.asarray(values) for name, values in out.items()}


def bootstrap_difference(
    a: npt.NDArray[np.float64],
    b: npt.NDArray[np.float64],
    y: npt.NDArray[np.bool_],
    *,
    rounds: int = 1000,
    seed: int = 13,
) -> tuple[float, float]:
    """95% paired-bootstrap interval of AUC(a) − AUC(b), resampling pairs."""
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(rounds):
        idx = rng.integers(0, len(y), len(y))
        if y[idx].all() or not y[idx].any():
            continue
        diffs.append(auc(a[idx], y[idx]) - auc(b[idx], y[idx]))
    low, high = np.percentile(diffs, [2.5, 97.5])
    return float(low), float(high)


def run(directory: Path | None = None) -> dict[str, object]:
    data = load(directory)
    y = np.asarray([pair in data.friends for pair in data.pairs])
    table = scores(data)
    aucs = {name: auc(values, y) for name, values in table.items()}
    low, high = bootstrap_difference(
        table["dunbar"], table["total contact duration (20 s records)"], y
    )
    return {
        "pairs": len(data.pairs),
        "friendships": int(y.sum()),
        "merge_gap_s": MERGE_GAP_SECONDS,
        "now": now_of(data).isoformat(),
        "auc": aucs,
        "dunbar_minus_duration_95ci": [low, high],
        "goal": GOAL,
    }


def sensitivity(directory: Path | None = None) -> list[dict[str, float]]:
    """dunbar's AUC as the duration parameters and the merge gap move."""
    data = load(directory)
    y = np.asarray([pair in data.friends for pair in data.pairs])
    now = now_of(data)
    rows = []
    for gap in (20, 60, 120, 300):
        merged = {pair: episodes_of(data, pair, gap=gap) for pair in data.pairs}
        for kappa in (0.1, 0.25, 0.5, 1.0, 5.0, 30.0):
            for gamma in (0.0, 0.5, 1.0):
                params = StrengthParams(duration_half_minutes=kappa, group_exponent=gamma)
                values = [
                    score_tie(merged[pair], now=now, params=params).score or 0.0
                    for pair in data.pairs
                ]
                rows.append({"gap_s": gap, "kappa": kappa, "gamma": gamma, "auc": auc(values, y)})
    return rows


def sensitivity_markdown(rows: list[dict[str, float]]) -> str:
    kappas = sorted({r["kappa"] for r in rows})
    lines = [
        "| merge gap | γ | " + " | ".join(f"κ = {k:g} min" for k in kappas) + " |",
        "|---|---|" + "---|" * len(kappas),
    ]
    for gap in sorted({r["gap_s"] for r in rows}):
        for gamma in sorted({r["gamma"] for r in rows}):
            cells = [
                f"{r['auc']:.4f}"
                for k in kappas
                for r in rows
                if (r["gap_s"], r["gamma"], r["kappa"]) == (gap, gamma, k)
            ]
            lines.append(f"| {gap:g} s | {gamma:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown(result: dict[str, object]) -> str:
    aucs = result["auc"]
    assert isinstance(aucs, dict)
    lines = [
        f"Pairs {result['pairs']:,}, friendships {result['friendships']:,}; records merged at "
        f"gaps ≤ {result['merge_gap_s']} s; now = {result['now']}.",
        "",
        "| score | ROC AUC |",
        "|---|---|",
    ]
    lines += [f"| {name} | {value:.4f} |" for name, value in aucs.items()]
    interval = result["dunbar_minus_duration_95ci"]
    assert isinstance(interval, list)
    low, high = interval
    lines += [
        "",
        f"dunbar − total duration: 95% paired-bootstrap interval [{low:+.4f}, {high:+.4f}] "
        "(1,000 resamples of the pairs).",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--sensitivity", action="store_true", help="AUC over κ, γ and the merge gap instead"
    )
    args = parser.parse_args(argv)
    if not data_present():
        print(f"skipped: the Thiers13 files are not in {data_dir()} (set ${DATA_ENV})")
        return 0
    if args.sensitivity:
        rows = sensitivity()
        print(json.dumps(rows, indent=2) if args.json else sensitivity_markdown(rows))
        return 0
    result = run()
    print(json.dumps(result, indent=2) if args.json else markdown(result))
    if result["pairs"] != EXPECTED_PAIRS or result["friendships"] != EXPECTED_FRIENDSHIPS:
        print("counts differ from MODEL.md §9", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
