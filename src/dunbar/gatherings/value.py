"""The mutual value of two people meeting, explained (GATHERINGS.md §4, issue 6).

A :class:`Profile` is what the lead fills from the ledger graph: what a person
offers and needs, their topics and tags, organisation, cluster, and (optionally)
the host's tie strength to them. :func:`pair_value` scores a pair in [0, 1] as a
weighted mean of named parts (the beets habit: a sum of named, weighted terms
that can be listed back), each in [0, 1]:

``complementary``
    Offers meet needs, both ways. ``c(a→b)`` is the best lexical coverage of one
    of b's needs by one of a's offers, with :mod:`dunbar.graph.topics`'s matching
    (the need is the query, the offer the item: folded, stemmed tokens, prefixes
    and near spellings; ``coverage = Σ_q max_d t(q, d) / |q|``, times 0.85 when
    the tokens are not one phrase). Coverage below :data:`MIN_COVERAGE` counts
    as 0. The part is the noisy-or ``1 − (1 − c(a→b))(1 − c(b→a))``, so help
    both ways beats help one way.
``shared``
    Shared topics and tags (folded and stemmed like topic tokens, so ``Books``
    is ``book``): the overlap coefficient ``|A ∩ B| / min(|A|, |B|)``
    (Szymkiewicz–Simpson), 0 when either has none.
``bridge``
    1 when both clusters are known and differ (a tie across the host's
    clusters, Burt's structural holes, MODEL.md §4), else 0.
``novelty``
    0 when they already know each other (``acquainted``), 0.5 when they work at
    the same organisation (they may well), else 1.
``mix``
    ``|s_a − s_b|`` of the host's tie strengths when both are known: pairing a
    strong tie with a weak one, so that the host can vouch (Granovetter's weak
    ties stay in the mix); 0 otherwise.

``score = Σ w_k · part_k / Σ w_k`` with :class:`PairWeights` (defaults 0.40,
0.20, 0.15, 0.15, 0.10).

:func:`value_graph` builds the mutual-value graph of many people without
matching every offer against every need: one :class:`~dunbar.graph.topics.TopicIndex`
over all offers answers each distinct need once, an inverted index on labels
finds the pairs that share one, and the other parts are numpy arrays over all
pairs.

:func:`suggest_guests` picks a guest list from ranked candidates (its rules
are in its docstring).

Examples
--------
>>> ana = Profile(1, "Ana", offers=("supply-chain finance",), topics=("climbing",))
>>> bo = Profile(2, "Bo", needs=("supply chain finance",), topics=("Climbing", "jazz"))
>>> v = pair_value(ana, bo)
>>> round(v.parts["complementary"], 2), v.parts["shared"], v.parts["novelty"]
(1.0, 1.0, 1.0)
>>> v.reasons[0]
'Ana offers supply-chain finance, which Bo needs'
>>> round(v.score, 2)
0.75
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from dunbar.errors import ValidationError
from dunbar.graph.topics import TopicIndex, TopicItem, tokens

__all__ = [
    "MIN_COVERAGE",
    "GuestCandidate",
    "GuestList",
    "GuestPick",
    "PairValue",
    "PairWeights",
    "Profile",
    "pair_value",
    "suggest_guests",
    "value_graph",
]

MIN_COVERAGE = 0.5
"""An offer must cover at least half of a need's words to count (``"trade finance"``
against ``"supply-chain finance"`` is exactly 0.5)."""

SAME_ORGANISATION_NOVELTY = 0.5
PARTS = ("complementary", "shared", "bridge", "novelty", "mix")
MAX_LISTED = 3


@dataclass(frozen=True)
class Profile:
    """One person as matchmaking sees them.

    ``id`` is the graph node; ``strength`` is the host's tie strength to them in
    [0, 1] (MODEL.md §1), or None when unknown; ``cluster`` is the id of their
    cluster among the host's contacts (:func:`dunbar.graph.clusters`), or None.
    """

    id: Hashable
    name: str
    offers: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    organisation: str | None = None
    cluster: Hashable | None = None
    strength: float | None = None

    def __post_init__(self) -> None:
        if self.strength is not None and not 0.0 <= self.strength <= 1.0:
            raise ValidationError(
                f"{self.name}: tie strength must be in [0, 1], not {self.strength!r}",
                field="strength",
            )


@dataclass(frozen=True)
class PairWeights:
    """Weights of the parts of :func:`pair_value` (any non-negative numbers, not all 0)."""

    complementary: float = 0.40
    shared: float = 0.20
    bridge: float = 0.15
    novelty: float = 0.15
    mix: float = 0.10

    def __post_init__(self) -> None:
        values = [getattr(self, p) for p in PARTS]
        if any(not isinstance(v, int | float) or v != v or v < 0 for v in values):
            raise ValidationError(f"pair weights must be numbers ≥ 0, not {values}")
        if sum(values) <= 0:
            raise ValidationError("pair weights: at least one must be above 0")

    @property
    def total(self) -> float:
        return float(sum(getattr(self, p) for p in PARTS))


@dataclass(frozen=True)
class PairValue:
    """The mutual value of a pair: ``score`` in [0, 1], its ``parts``, and the reasons."""

    a: Hashable
    b: Hashable
    score: float
    parts: Mapping[str, float]
    reasons: tuple[str, ...] = field(default=())

    def explain(self) -> str:
        """One sentence: the score and the reasons."""
        why = "; ".join(self.reasons) if self.reasons else "nothing in particular"
        return f"{self.a!r} and {self.b!r} ({self.score:.2f}): {why}"


# --- the parts ---------------------------------------------------------------------------

# The best match of one direction: (coverage, the offer, the need).
_Match = tuple[float, str, str]


def _label_key(label: str) -> str:
    """A topic or tag folded and stemmed like topic tokens (``"Books"`` → ``"book"``)."""
    return " ".join(tokens(label))


def _labels(p: Profile) -> dict[str, str]:
    """Folded label → its first spelling, over topics then tags."""
    out: dict[str, str] = {}
    for label in (*p.topics, *p.tags):
        key = _label_key(label)
        if key:
            out.setdefault(key, label)
    return out


def _need_scores(index: TopicIndex, need: str) -> dict[tuple[int, int], float]:
    """Coverage of ``need`` by every indexed offer (a need with no words matches nothing)."""
    try:
        scored = index.lexical(need)
    except ValidationError:
        return {}
    return {key: s for key, (s, _) in scored.items() if s >= MIN_COVERAGE}


def _best_match(offerer: Profile, needer: Profile) -> _Match | None:
    """The best (coverage, offer, need) of ``offerer``'s offers over ``needer``'s needs."""
    if not offerer.offers or not needer.needs:
        return None
    index = TopicIndex({0: [TopicItem("offer", o) for o in offerer.offers]})
    best: _Match | None = None
    for need in needer.needs:
        for (_, i), s in _need_scores(index, need).items():
            cand = (s, offerer.offers[i], need)
            if best is None or _better(cand, best):
                best = cand
    return best


def _better(x: _Match, y: _Match) -> bool:
    """Higher coverage first; then the shorter, then alphabetically first offer and need."""
    return (-x[0], len(x[1]), x[1], x[2]) < (-y[0], len(y[1]), y[1], y[2])


def _facts(p: Profile) -> tuple[dict[str, str], str | None]:
    """A profile's folded labels and folded organisation, computed once per profile."""
    return _labels(p), _label_key(p.organisation) if p.organisation else None


def _assemble(
    a: Profile,
    b: Profile,
    fa: tuple[dict[str, str], str | None],
    fb: tuple[dict[str, str], str | None],
    ab: _Match | None,
    ba: _Match | None,
    shared: Sequence[str],
    acquainted: bool,
    weights: PairWeights,
) -> PairValue:
    """Parts, score and reasons from the matches found (one code path for one pair or many)."""
    c_ab = ab[0] if ab else 0.0
    c_ba = ba[0] if ba else 0.0
    (la, org_a), (lb, org_b) = fa, fb
    smaller = min(len(la), len(lb))
    same_org = bool(org_a) and org_a == org_b
    bridge = a.cluster is not None and b.cluster is not None and a.cluster != b.cluster
    parts = {
        "complementary": 1.0 - (1.0 - c_ab) * (1.0 - c_ba),
        "shared": len(shared) / smaller if smaller else 0.0,
        "bridge": 1.0 if bridge else 0.0,
        "novelty": 0.0 if acquainted else SAME_ORGANISATION_NOVELTY if same_org else 1.0,
        "mix": abs(a.strength - b.strength)
        if a.strength is not None and b.strength is not None
        else 0.0,
    }
    score = sum(getattr(weights, k) * v for k, v in parts.items()) / weights.total
    reasons: list[str] = []
    for giver, taker, m in ((a, b, ab), (b, a, ba)):
        if m:
            if m[0] >= 1.0:
                reasons.append(f"{giver.name} offers {m[1]}, which {taker.name} needs")
            else:
                reasons.append(f"{giver.name} offers {m[1]}, close to {taker.name}'s need: {m[2]}")
    if shared:
        names = ", ".join(la[k] for k in shared[:MAX_LISTED])
        more = len(shared) - MAX_LISTED
        reasons.append(f"both into {names}" + (f" and {more} more" if more > 0 else ""))
    if bridge:
        reasons.append(f"they bridge two of your clusters ({a.cluster!r} and {b.cluster!r})")
    if acquainted:
        reasons.append(f"{a.name} and {b.name} already know each other")
    elif same_org:
        reasons.append(f"both at {a.organisation}, so they may already know each other")
    if parts["mix"] >= 0.3:
        strong, weak = (a, b) if (a.strength or 0.0) > (b.strength or 0.0) else (b, a)
        reasons.append(f"{strong.name} is a closer tie than {weak.name}, and can vouch")
    return PairValue(
        a=a.id, b=b.id, score=min(1.0, max(0.0, score)), parts=parts, reasons=tuple(reasons)
    )


def pair_value(
    a: Profile,
    b: Profile,
    *,
    acquainted: bool = False,
    weights: PairWeights | None = None,
) -> PairValue:
    """The mutual value of ``a`` meeting ``b`` (the module docstring gives the parts).

    Symmetric in score and parts; the reasons name ``a`` first.
    """
    if a.id == b.id:
        raise ValidationError(f"a pair needs two people, not {a.name} twice")
    w = weights or PairWeights()
    fa, fb = _facts(a), _facts(b)
    shared = sorted(k for k in fa[0] if k in fb[0])
    return _assemble(a, b, fa, fb, _best_match(a, b), _best_match(b, a), shared, acquainted, w)


# --- many pairs --------------------------------------------------------------------------


def _pair_key(i: int, j: int) -> tuple[int, int]:
    return (i, j) if i < j else (j, i)


def value_graph(
    profiles: Iterable[Profile],
    *,
    acquainted: Collection[tuple[Hashable, Hashable]] = (),
    weights: PairWeights | None = None,
    min_score: float = 0.0,
    progress: Callable[[int, int], None] | None = None,
) -> nx.Graph[Any]:
    """The mutual-value graph: an edge for every pair with ``score > 0`` and ``≥ min_score``.

    Nodes are the profiles' ids (attribute ``profile``), in input order; each
    edge has ``value`` (the score) and ``reasons`` (a tuple of sentences) and
    ``parts``, exactly as :func:`pair_value` gives them. ``acquainted`` holds
    pairs of ids who already know each other (either order; ids not among the
    profiles are ignored).

    Cost: one topic query per distinct need text, one pass per label over the
    people holding it, and n × n numpy arrays for the other parts; reasons are
    only written for the pairs kept (``progress(done, total)`` is called every
    10,000 of them: 2,000 random profiles at ``min_score=0.5`` keep about
    350,000 pairs and take about 5 s). Raise ``min_score`` to keep a large graph
    sparse (with the default weights, two strangers of different clusters score
    0.30 with nothing else in common).
    """
    people = list(profiles)
    w = weights or PairWeights()
    if not isinstance(min_score, int | float) or not 0.0 <= min_score <= 1.0:
        raise ValidationError(f"min_score must be in [0, 1], not {min_score!r}", field="min_score")
    where: dict[Hashable, int] = {}
    for i, p in enumerate(people):
        if p.id in where:
            raise ValidationError(f"two profiles share the id {p.id!r}")
        where[p.id] = i
    n = len(people)
    G: nx.Graph[Any] = nx.Graph()
    G.add_nodes_from((p.id, {"profile": p}) for p in people)
    if n < 2:
        return G

    # Complementary: every offer indexed once; each distinct need asked once.
    docs = {i: [TopicItem("offer", o) for o in p.offers] for i, p in enumerate(people) if p.offers}
    matches: dict[tuple[int, int], _Match] = {}  # (offerer, needer) -> best match
    if docs:
        index = TopicIndex(docs)
        needers: dict[str, list[int]] = {}
        for j, p in enumerate(people):
            for need in p.needs:
                needers.setdefault(need, []).append(j)
        for need, js in needers.items():
            for (i, item), s in _need_scores(index, need).items():
                cand = (s, people[i].offers[item], need)
                for j in js:
                    if i == j:
                        continue
                    old = matches.get((i, j))
                    if old is None or _better(cand, old):
                        matches[(i, j)] = cand

    # Shared labels: an inverted index.
    facts = [_facts(p) for p in people]
    holders: dict[str, list[int]] = {}
    for i, (labels, _) in enumerate(facts):
        for key in labels:
            holders.setdefault(key, []).append(i)
    shared: dict[tuple[int, int], list[str]] = {}
    for key in sorted(holders):
        hs = holders[key]
        for x in range(len(hs)):
            for y in range(x + 1, len(hs)):
                shared.setdefault((hs[x], hs[y]), []).append(key)

    known: set[tuple[int, int]] = set()
    for u, v in acquainted:
        if u in where and v in where and u != v:
            known.add(_pair_key(where[u], where[v]))

    # The score of every pair, in numpy (the same formula as _assemble).
    comp_dir = np.zeros((n, n))
    for (i, j), m in matches.items():
        comp_dir[i, j] = m[0]
    comp = 1.0 - (1.0 - comp_dir) * (1.0 - comp_dir.T)
    sizes = np.array([len(f[0]) for f in facts], dtype=float)
    smaller = np.minimum.outer(sizes, sizes)
    counts = np.zeros((n, n))
    for (i, j), keys in shared.items():
        counts[i, j] = counts[j, i] = len(keys)
    share = np.divide(counts, smaller, out=np.zeros((n, n)), where=smaller > 0)
    codes = _codes([p.cluster for p in people])
    bridge = (codes[:, None] != codes[None, :]) & (codes[:, None] >= 0) & (codes[None, :] >= 0)
    orgs = _codes([f[1] or None for f in facts])
    novelty = np.where((orgs[:, None] == orgs[None, :]) & (orgs[:, None] >= 0), 0.5, 1.0)
    for i, j in known:
        novelty[i, j] = novelty[j, i] = 0.0
    tie = np.array([np.nan if p.strength is None else p.strength for p in people])
    mix = np.nan_to_num(np.abs(tie[:, None] - tie[None, :]), nan=0.0)
    score = (
        w.complementary * comp
        + w.shared * share
        + w.bridge * bridge
        + w.novelty * novelty
        + w.mix * mix
    ) / w.total
    iu, ju = np.triu_indices(n, k=1)
    keep = score[iu, ju]
    chosen = (keep > 0) & (keep >= min_score - 1e-12)
    total = int(chosen.sum())
    for done, (i, j) in enumerate(zip(iu[chosen].tolist(), ju[chosen].tolist(), strict=True)):
        if progress is not None and done % 10_000 == 0:
            progress(done, total)
        a, b = people[i], people[j]
        v = _assemble(
            a,
            b,
            facts[i],
            facts[j],
            matches.get((i, j)),
            matches.get((j, i)),
            shared.get((i, j), []),
            (i, j) in known,
            w,
        )
        if v.score > 0 and v.score >= min_score:
            G.add_edge(a.id, b.id, value=v.score, reasons=v.reasons, parts=v.parts)
    if progress is not None:
        progress(total, total)
    return G


def _codes(values: Sequence[Hashable | None]) -> npt.NDArray[np.int64]:
    """An integer code per value (−1 for None), equal codes for equal values."""
    seen: dict[Hashable, int] = {}
    return np.array(
        [-1 if v is None else seen.setdefault(v, len(seen)) for v in values], dtype=np.int64
    )


# --- a guest list ------------------------------------------------------------------------

KINDS = ("overdue", "dormant", "pair")


@dataclass(frozen=True)
class GuestCandidate:
    """Someone who could be invited, and why.

    ``kind`` is ``"overdue"`` (due on the agenda), ``"dormant"`` (a tie worth
    reviving) or ``"pair"`` (they should meet ``partner``); ``strength`` is the
    host's tie strength in [0, 1]; ``score`` the priority in [0, 1] (the agenda's
    urgency, the revival value, or the pair's :func:`pair_value`); ``why`` one
    sentence the caller wrote (``"overdue by 40 days"``); ``attributes`` e.g.
    ``{"organisation": "Acme"}`` for the diversity rule.
    """

    id: Hashable
    name: str
    kind: str
    strength: float
    score: float = 1.0
    why: str = ""
    attributes: Mapping[str, str | None] = field(default_factory=dict)
    partner: Hashable | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValidationError(
                f"{self.name}: kind must be one of {', '.join(KINDS)}, not {self.kind!r}",
                field="kind",
            )
        for what in ("strength", "score"):
            value = getattr(self, what)
            if not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
                raise ValidationError(
                    f"{self.name}: {what} must be in [0, 1], not {value!r}", field=what
                )


@dataclass(frozen=True)
class GuestPick:
    """One invitation: who, in which order, the gain it was picked with, and why."""

    id: Hashable
    name: str
    kind: str
    strong: bool
    gain: float
    reason: str


@dataclass(frozen=True)
class GuestList:
    """The picks in order, and how many are strong and weak ties."""

    picks: tuple[GuestPick, ...]
    capacity: int
    strong: int
    weak: int

    def explain(self) -> str:
        head = f"{len(self.picks)} of {self.capacity} seats"
        lines = [f"{head}: {self.strong} strong, {self.weak} weak ties"]
        lines += [f"{n}. {p.name}: {p.reason}" for n, p in enumerate(self.picks, start=1)]
        return "\n".join(lines)


def suggest_guests(
    candidates: Iterable[GuestCandidate],
    *,
    capacity: int,
    strong_share: float = 0.5,
    strong_threshold: float = 0.5,
    diversity_key: str | None = "organisation",
    max_share: float = 0.34,
    decay: float = 0.5,
    seed: int | None = None,
) -> GuestList:
    """Pick up to ``capacity`` guests: greedy by marginal gain, with a mix and a cap.

    The rules, applied at every pick:

    1. A candidate is *strong* when ``strength ≥ strong_threshold``. The list aims
       at ``round(capacity · strong_share)`` strong ties and the rest weak ones
       (Granovetter: weak ties bring what the strong ones already share).
    2. At most ``max(1, ⌈max_share · capacity⌉)`` guests share a value of
       ``attributes[diversity_key]`` (a missing value is never capped).
    3. The *gain* of a candidate is ``score · decay^m``, where ``m`` is how many
       guests already picked share their ``diversity_key`` value, halved for a
       ``"pair"`` candidate whose ``partner`` is a candidate not (yet) picked:
       a pair is worth its value when both come.
    4. The pick is the highest gain among the candidates that break none of
       rules 1–2; only when none is left, among those breaking one, then two
       (so the list fills up when the candidates do not allow the mix).
    5. Ties go to a seeded random order (``seed``), or the input order when
       ``seed`` is None: the same seed gives the same list.

    A person listed twice keeps the entry of the higher score (the first one on
    a tie).

    >>> cands = [
    ...     GuestCandidate(1, "Ana", "overdue", 0.9, 0.9, attributes={"organisation": "A"}),
    ...     GuestCandidate(2, "Bo", "overdue", 0.8, 0.8, attributes={"organisation": "A"}),
    ...     GuestCandidate(3, "Cy", "dormant", 0.2, 0.5, attributes={"organisation": "B"}),
    ... ]
    >>> [p.name for p in suggest_guests(cands, capacity=2).picks]
    ['Ana', 'Cy']
    """
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
        raise ValidationError(
            f"capacity must be a whole number ≥ 1, not {capacity!r}", field="capacity"
        )
    for what, value in (("strong_share", strong_share), ("max_share", max_share), ("decay", decay)):
        if not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
            raise ValidationError(f"{what} must be in [0, 1], not {value!r}", field=what)
    best: dict[Hashable, GuestCandidate] = {}
    for c in candidates:
        old = best.get(c.id)
        if old is None or c.score > old.score:
            best[c.id] = c
    pool = list(best.values())
    rng = random.Random(seed)
    order = {c.id: (rng.random() if seed is not None else 0.0, n) for n, c in enumerate(pool)}
    strong_target = round(capacity * strong_share)
    weak_target = capacity - strong_target
    cap = max(1, math.ceil(max_share * capacity))
    names = {c.id: c.name for c in pool}
    picked: list[GuestPick] = []
    chosen: set[Hashable] = set()
    per_key: dict[str, int] = {}
    strong_n = weak_n = 0
    while len(picked) < capacity:
        ranked = []
        for c in pool:
            if c.id in chosen:
                continue
            is_strong = c.strength >= strong_threshold
            key = c.attributes.get(diversity_key) if diversity_key else None
            same = per_key.get(key, 0) if key is not None else 0
            broken = int(strong_n >= strong_target if is_strong else weak_n >= weak_target)
            broken += int(key is not None and same >= cap)
            gain = c.score * decay**same
            waiting = c.kind == "pair" and c.partner in best and c.partner not in chosen
            if waiting:
                gain *= 0.5
            ranked.append((broken, -gain, order[c.id], c, is_strong, key, same))
        if not ranked:
            break
        broken, neg_gain, _, c, is_strong, key, same = min(ranked, key=lambda t: t[:3])
        parts = [c.why or c.kind]
        if c.kind == "pair" and c.partner is not None:
            parts.append(f"to meet {names.get(c.partner, repr(c.partner))}")
        parts.append("a strong tie" if is_strong else "a weak tie")
        if key is not None:
            parts.append(f"first from {key}" if same == 0 else f"{same + 1} from {key}")
        if broken:
            parts.append("picked over the mix or cap: no other candidate was left")
        picked.append(GuestPick(c.id, c.name, c.kind, is_strong, -neg_gain, "; ".join(parts)))
        chosen.add(c.id)
        if key is not None:
            per_key[key] = same + 1
        if is_strong:
            strong_n += 1
        else:
            weak_n += 1
    return GuestList(tuple(picked), capacity, strong_n, weak_n)
