"""The builder: the ledger as a who-knows-whom graph (the one module that reads the store).

Nodes are people (their ids). Every node carries ``name``, ``organisation``,
``industry``, ``title``, ``tags``, ``topics``, ``kin``, ``is_me``, and, for my
contacts, ``strength`` (my tie to them, MODEL.md §1) and ``circle`` (their
Dunbar layer size, or None).

Edges are undirected and carry ``strength`` in (0, 1] (also as ``weight``),
``kinds`` (the evidence kinds behind it) and ``evidence``: short sentences that
say why dunbar believes the two know each other, for ``dunbar path``.

- **me – contact:** the tie strength S. Contacts with no score (nothing known of
  the tie) get no edge to me; they can still be reached through others.
- **contact – contact**, from the evidence (MODEL.md §4.1: alter–alter weights
  are "binary or evidence-based"; these are evidence-based, a [D] choice):

  ============================  ===============================================
  declared (``dunbar know``)    the strength given, else ``DECLARED_DEFAULT``
  met together                  S of their shared encounters (2 to ``max_group``
                                participants), scored by the same model as my
                                own ties; an imported ``shared_encounter`` fact
                                without a strength counts ``1 − 0.75^n``
  email CC lists                the strength given, else ``1 − 0.9^n`` for n
                                messages (one thread says little)
  shared gatherings             each gathering of n attendees adds
                                ``min(0.5, 2/n)``: a supper of 6 says much more
                                than a conference of 300 (unless closing the
                                gathering recorded a ``shared_gathering`` fact
                                for the pair, which then stands for it)
  ============================  ===============================================

  The kinds combine like independent signals: ``1 − Π(1 − s_k)``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from dunbar.store.network import network_rows, shared_episodes

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from dunbar.strength.params import StrengthParams

__all__ = [
    "CC_STEP",
    "DECLARED_DEFAULT",
    "GATHERING_CAP",
    "MAX_GROUP",
    "SHARED_STEP",
    "BuildReport",
    "build_graph",
    "combine",
]

DECLARED_DEFAULT = 0.5
"""Strength of a declared tie (``dunbar know``) given without one."""
SHARED_STEP = 0.75
CC_STEP = 0.9
GATHERING_CAP = 0.5
MAX_GROUP = 12
"""Encounters with more participants than this make nobody "met together"."""

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildReport:
    people: int
    my_ties: int
    contact_ties: int
    by_kind: dict[str, int]
    seconds: float


def combine(strengths: Iterable[float]) -> float:
    """Independent signals combined: ``1 − Π(1 − s)``, in [0, 1]."""
    rest = 1.0
    for s in strengths:
        rest *= 1.0 - min(1.0, max(0.0, s))
    return 1.0 - rest


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def build_graph(
    conn: Connection,
    *,
    ties: dict[int, tuple[float | None, int | None]],
    today: dt.date,
    params: StrengthParams,
    max_group: int = MAX_GROUP,
    progress: Progress | None = None,
) -> tuple[nx.Graph[Any], int, BuildReport]:
    """The ledger's graph, my id in it, and what went into it.

    ``ties`` maps each contact to ``(strength, circle)`` as the strength engine
    scored them on ``today`` (the facade passes its scoreboard).
    """
    import gc

    paused = gc.isenabled()
    gc.disable()  # a million new containers, none of them cyclic: no collections meanwhile
    try:
        return _build(
            conn, ties=ties, today=today, params=params, max_group=max_group, progress=progress
        )
    finally:
        if paused:
            gc.enable()


def _build(
    conn: Connection,
    *,
    ties: dict[int, tuple[float | None, int | None]],
    today: dt.date,
    params: StrengthParams,
    max_group: int,
    progress: Progress | None,
) -> tuple[nx.Graph[Any], int, BuildReport]:
    import time

    from dunbar.strength.batch import DIRECTION_CODES, score_many

    started = time.perf_counter()
    step = progress or (lambda _name, _done, _total: None)
    step("reading the ledger", 0, 3)
    rows = network_rows(conn)
    G: nx.Graph[Any] = nx.Graph()
    me = next((p.id for p in rows.people if p.is_me), -1)
    labels: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pid, kind, value in rows.labels:
        labels[pid][kind].append(value)
    nodes = []
    for p in rows.people:
        strength, circle = ties.get(p.id, (None, None))
        mine = labels.get(p.id, {})
        nodes.append(
            (
                p.id,
                {
                    "name": p.name,
                    "is_me": p.is_me,
                    "organisation": p.organisation,
                    "industry": p.industry,
                    "title": p.title,
                    "kin": p.kin,
                    "tags": tuple(mine.get("tag", ())),
                    "topics": tuple(mine.get("topic", ())),
                    "offers": tuple(mine.get("offer", ())),
                    "needs": tuple(mine.get("need", ())),
                    "strength": strength,
                    "circle": circle,
                },
            )
        )
    G.add_nodes_from(nodes)
    mine_edges = []
    for pid, (strength, _circle) in ties.items():
        if pid == me or pid not in G or strength is None or not strength > 0:
            continue
        s = min(1.0, float(strength))
        mine_edges.append(
            (
                me,
                pid,
                {
                    "strength": s,
                    "weight": s,
                    "kinds": MY_TIE,
                    "evidence": [f"your tie strength is {s:.2f}"],
                },
            )
        )
    G.add_edges_from(mine_edges)

    # Evidence between contacts, one row per (pair, kind): parallel lists, then
    # arrays, so that half a million pairs are combined without a dict per pair.
    span = max((p.id for p in rows.people), default=0) + 1
    keys: list[int] = []
    kinds: list[int] = []
    strengths: list[float] = []
    texts: list[str] = []

    def add(a: int, b: int, kind: str, s: float, text: str) -> None:
        keys.append(a * span + b)
        kinds.append(KIND_CODES[kind])
        strengths.append(s)
        texts.append(text)

    recorded_gathering: set[int] = set()
    for a, b, kind, strength, n, last in rows.acquaintances:
        if me in (a, b):
            continue
        when = _day(last)
        since = f", last {when.isoformat()}" if when else ""
        if kind == "declared":
            s = DECLARED_DEFAULT if strength is None else strength
            text = "you said they know each other"
        elif kind == "email_cc":
            s = 1 - CC_STEP**n if strength is None else strength
            text = f"on the same email {_times(n)}{since}"
        elif kind == "shared_encounter":
            s = 1 - SHARED_STEP**n if strength is None else strength
            text = f"seen together {_times(n)}{since}"
        else:  # shared_gathering, recorded when a gathering is closed
            s = 1 - SHARED_STEP**n if strength is None else strength
            text = f"sat together at {n} gathering{'' if n == 1 else 's'}{since}"
            recorded_gathering.add(a * span + b)
        add(a, b, kind, s, text)

    step("encounters together", 1, 3)
    shared = shared_episodes(conn, max_group=max_group)
    shared = {k: v[(shared["a"] != me) & (shared["b"] != me)] for k, v in shared.items()}
    if len(shared["a"]):
        key = shared["a"] * span + shared["b"]
        keep = shared["day"] <= today.toordinal()
        key = key[keep]
        days = shared["day"][keep]
        scores = score_many(
            key,
            days,
            shared["channel"][keep],
            np.full(len(key), DIRECTION_CODES[None], dtype=np.int64),
            shared["minutes"][keep],
            shared["group"][keep],
            now=today,
            params=params,
        )
        # score_many returns the pairs sorted by key: count and last day alike.
        order = np.lexsort((days, key))
        ukey, first, count = np.unique(key[order], return_index=True, return_counts=True)
        last_day = days[order][first + count - 1]
        ok = scores.score > 0
        code = KIND_CODES["met together"]
        for k, sc, n, d in zip(
            ukey[ok].tolist(),
            scores.score[ok].tolist(),
            count[ok].tolist(),
            last_day[ok].tolist(),
            strict=True,
        ):
            keys.append(k)
            kinds.append(code)
            strengths.append(sc)
            texts.append(
                f"met together {_times(n)} with you, last "
                f"{dt.date.fromordinal(d).isoformat()} (strength {sc:.2f})"
            )

    step("gatherings", 2, 3)
    by_gathering: dict[int, list[int]] = defaultdict(list)
    for gid, pid in rows.attended:
        by_gathering[gid].append(pid)
    together: dict[tuple[int, int], list[int]] = defaultdict(list)
    for members in by_gathering.values():
        others = [p for p in members if p != me]
        size = len(members)
        if size < 2 or len(others) < 2 or size > 1000:
            continue
        for i, a in enumerate(others):
            for b in others[i + 1 :]:
                together[(a, b)].append(size)
    for (a, b), sizes in together.items():
        if a * span + b in recorded_gathering:
            # Closing a gathering records who sat together: that fact is more
            # specific than attendance, and counting both would count it twice.
            continue
        listed = ", ".join(str(n) for n in sorted(sizes)[:3])
        plural = "" if len(sizes) == 1 else "s"
        add(
            a,
            b,
            "gatherings",
            combine(min(GATHERING_CAP, 2.0 / n) for n in sizes),
            f"at {len(sizes)} gathering{plural} together ({listed} people)",
        )

    contact_ties, by_kind = _add_contact_edges(G, span, keys, kinds, strengths, texts)
    step("done", 3, 3)
    report = BuildReport(
        people=G.number_of_nodes(),
        my_ties=len(mine_edges),
        contact_ties=contact_ties,
        by_kind=by_kind,
        seconds=round(time.perf_counter() - started, 3),
    )
    G.graph.update(me=me, today=today.isoformat())
    return G, me, report


def _add_contact_edges(
    G: nx.Graph[Any],
    span: int,
    keys: list[int],
    kinds: list[int],
    strengths: list[float],
    texts: list[str],
) -> tuple[int, dict[str, int]]:
    """One edge per pair: its kinds and sentences in kind order, ``1 − Π(1 − s_k)``."""
    if not keys:
        return 0, {}
    key = np.asarray(keys, dtype=np.int64)
    kind = np.asarray(kinds, dtype=np.int64)
    s = np.clip(np.asarray(strengths, dtype=np.float64), 0.0, 1.0)
    order = np.lexsort((kind, key))
    key, kind, s = key[order], kind[order], s[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    with np.errstate(divide="ignore"):
        rest = np.exp(np.add.reduceat(np.log1p(-s), starts))
    combined = 1.0 - rest
    ends = np.r_[starts[1:], len(key)]
    a_all, b_all = np.divmod(key[starts], span)
    known = np.fromiter(G.nodes, dtype=np.int64, count=G.number_of_nodes())
    usable = (combined > 0) & np.isin(a_all, known) & np.isin(b_all, known)
    text_order = [texts[i] for i in order.tolist()]
    kind_list = kind.tolist()
    counts = np.bincount(kind, minlength=len(KINDS))
    singles = [(name,) for name in KINDS]
    edges = []
    for a, b, c, lo, hi in zip(
        a_all[usable].tolist(),
        b_all[usable].tolist(),
        combined[usable].tolist(),
        starts[usable].tolist(),
        ends[usable].tolist(),
        strict=True,
    ):
        if hi - lo == 1:
            names = singles[kind_list[lo]]
            evidence = [text_order[lo]]
        else:
            names = KIND_TUPLES[tuple(kind_list[lo:hi])]
            evidence = text_order[lo:hi]
        edges.append((a, b, {"strength": c, "weight": c, "kinds": names, "evidence": evidence}))
    G.add_edges_from(edges)
    by_kind = {KINDS[i]: int(n) for i, n in enumerate(counts.tolist()) if n}
    return len(edges), by_kind


class _KindTuples(dict[tuple[int, ...], tuple[str, ...]]):
    """Kind codes to their names, one shared tuple per combination."""

    def __missing__(self, codes: tuple[int, ...]) -> tuple[str, ...]:
        names = tuple(KINDS[c] for c in codes)
        self[codes] = names
        return names


#: Evidence kinds between contacts, in the order their sentences are listed.
KINDS = (
    "declared",
    "email_cc",
    "gatherings",
    "met together",
    "shared_encounter",
    "shared_gathering",
)
KIND_CODES = {name: i for i, name in enumerate(KINDS)}
KIND_TUPLES = _KindTuples()
MY_TIE = ("my tie",)
