"""Who knows about a topic: lexical (and optionally semantic) matching of people.

Each person has a *document*: a sequence of :class:`TopicItem` — their tags,
topics and offers, their title, their organisation's name, the bodies and topics
of notes about them. A query is matched against every item; the best items make
the person's score and their evidence.

Folding and tokens
    Text is folded with :func:`dunbar.normalise.name_key` (case and accents:
    ``"Zoë"`` → ``"zoe"``), split into runs of letters and digits (``supply-chain``
    → ``supply``, ``chain``), and each token is lightly stemmed (:func:`stem`:
    plurals, ``-ing``, ``-ed``). A few English function words are dropped from the
    query.

Token similarity ``t(q, d)`` of a query token and an item token
    1 for the same stem; 0.9 when one is a prefix of the other and the shorter
    has at least 4 letters (``financ`` / ``financial``); otherwise, for tokens of
    5 letters or more, rapidfuzz's ``ratio`` (normalised Indel similarity) times
    0.85 when it is at least 0.85 (``finanse`` / ``finance``: 0.857 → 0.73);
    else 0.

Item score (lexical)
    ``coverage = Σ_q max_d t(q, d) / |q|`` over the query's tokens. When the
    query has several tokens, all of them are found, but not as one contiguous
    phrase of the item, the coverage is multiplied by ``PHRASE_GAP = 0.85``. So "trade
    finance" scores 1 against the tag "trade finance", 0.85 against a note that
    says "trade and finance", and 0.5 against "supply-chain finance" (only
    "finance" is shared).

Semantic item score (optional)
    With the ``[semantic]`` extra, the caller passes each item's cosine
    similarity ``c`` to the query (:mod:`dunbar.semantic`). It is mapped to
    ``s = clip((c − floor) / (1 − floor), 0, 1)`` with ``floor = 0.35`` (unrelated
    short texts score about 0.1–0.35 with all-MiniLM-L6-v2), and combined with
    the lexical score ``l`` as a noisy-or, ``h = 1 − (1 − l)(1 − s)``: both
    agreeing rank above either alone, and either alone still counts.

Person score
    Each item's score is multiplied by its field's weight (:data:`FIELD_WEIGHTS`:
    a tag or topic 1.0, an offer 0.9, a title 0.8, a note topic 0.8, a note 0.7,
    the organisation 0.6). The best weighted item ``b`` is the main term; the
    other matching items ``r`` add a little: ``score = 1 − (1 − b)(1 − 0.25·R)``
    with ``R = 1 − Π(1 − r)``. So the score is in [0, 1], never below the best
    item, and extra mentions only break ties between similar best items.

Ordering is by score (descending), then person id (ascending).

Examples
--------
>>> docs = {
...     1: [TopicItem("tag", "supply-chain finance")],
...     2: [TopicItem("tag", "Trade Finance")],
...     3: [TopicItem("tag", "gardening")],
... }
>>> [(m.person_id, round(m.score, 2)) for m in match_topics(docs, "trade finance")]
[(2, 1.0), (1, 0.5)]
>>> match_topics(docs, "trade finance")[1].evidence
('tagged "supply-chain finance"',)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from dunbar.errors import ValidationError
from dunbar.normalise import name_key

__all__ = [
    "FIELD_WEIGHTS",
    "TopicIndex",
    "TopicItem",
    "TopicMatch",
    "match_topics",
    "query_tokens",
    "stem",
    "tokens",
]

FIELD_WEIGHTS: Mapping[str, float] = {
    "tag": 1.0,
    "topic": 1.0,
    "offer": 0.9,
    "title": 0.8,
    "note_topic": 0.8,
    "note": 0.7,
    "organisation": 0.6,
}
"""Default weight of each field (an item of an unknown field weighs 0.5)."""

PHRASE_GAP = 0.85
PREFIX = 0.9
FUZZY = 0.85
FUZZY_CUTOFF = 85.0
MIN_PREFIX = 4
MIN_FUZZY = 5
OTHERS = 0.25
SEMANTIC_FLOOR = 0.35
MAX_EVIDENCE = 3
SNIPPET = 70

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "about",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "who",
        "knows",
        "know",
        "someone",
        "somebody",
        "anyone",
        "people",
        "person",
    ]
)

_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class TopicItem:
    """One piece of a person's document.

    ``field`` is one of :data:`FIELD_WEIGHTS`; ``when`` dates a note (shown in the
    evidence).
    """

    field: str
    text: str
    when: dt.date | None = None

    def evidence(self, tokens_hit: Sequence[str] = ()) -> str:
        """A short sentence naming the item, e.g. ``tagged "fintech"``."""
        if self.field in ("note", "note_topic"):
            day = f" of {self.when.isoformat()}" if self.when else ""
            if self.field == "note_topic":
                return f'note{day} on "{self.text}"'
            return f'note{day}: "{snippet(self.text, tokens_hit)}"'
        verb = {
            "tag": "tagged",
            "topic": "knows about",
            "offer": "offers",
            "title": "title",
            "organisation": "works at",
        }.get(self.field, self.field)
        return f'{verb} "{self.text}"'


@dataclass(frozen=True)
class TopicMatch:
    """A person who matches a topic, with the evidence for it.

    ``score`` is in [0, 1]; ``evidence`` holds short sentences, best first;
    ``field`` is the field of the best item.
    """

    person_id: int
    score: float
    evidence: tuple[str, ...]
    field: str

    def explain(self) -> str:
        """One sentence: the score and the evidence."""
        return f"#{self.person_id} matches ({self.score:.2f}): " + "; ".join(self.evidence)


def stem(token: str) -> str:
    """A light English stem: plurals, ``-ing`` and ``-ed`` (``banking`` → ``bank``).

    >>> [stem(t) for t in ["finances", "policies", "banking", "funded", "glass"]]
    ['finance', 'policy', 'bank', 'fund', 'glass']
    """
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 5 and token.endswith("ing"):
        return token[:-3]
    if len(token) > 4 and token.endswith("ed") and not token.endswith("eed"):
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokens(text: str) -> list[str]:
    """Folded, stemmed tokens of a text (``"Supply-Chain Finanças"`` → supply, chain, financa)."""
    return [stem(t) for t in _TOKEN.findall(name_key(text))]


def query_tokens(query: str) -> list[str]:
    """The query's tokens without function words; ValidationError if nothing is left."""
    if not query.strip():
        raise ValidationError("empty topic: say what to look for", field="topic")
    found = tokens(query)
    kept = [t for t in found if t not in STOPWORDS]
    if not kept:
        if not found:
            raise ValidationError(f"no words to match in {query!r}", field="topic")
        kept = found
    return kept


def snippet(text: str, hit: Sequence[str] = (), width: int = SNIPPET) -> str:
    """About ``width`` characters of ``text`` around the first hit token, with ellipses."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    folded = name_key(flat)
    at = -1
    for token in hit:
        at = folded.find(token)
        if at >= 0:
            break
    # name_key only changes lengths outside ASCII rarely (ß → ss); clamp anyway.
    start = max(0, min(at - width // 3, len(flat) - width)) if at >= 0 else 0
    if start > 0 and flat[start - 1] != " ":  # begin and end on whole words
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    end = start + width
    if end < len(flat) and flat[end] != " ":
        space = flat.rfind(" ", start, end)
        end = space if space > at else end
    body = flat[start:end].strip()
    return ("…" if start > 0 else "") + body + ("…" if end < len(flat) else "")


class TopicIndex:
    """Documents indexed by token, for repeated queries.

    Building it folds and tokenises each distinct text once (the same tag on
    10,000 people is one text); :meth:`search` then only scores the texts that
    share (a near spelling of) a query token, each once, and hands the score to
    every item with that text.
    """

    def __init__(
        self,
        documents: Mapping[int, Sequence[TopicItem]],
        *,
        weights: Mapping[str, float] | None = None,
    ) -> None:
        self.documents = documents
        self.weights = dict(FIELD_WEIGHTS if weights is None else weights)
        self._owners: dict[str, list[tuple[int, int]]] = {}
        for pid, items in documents.items():
            for i, item in enumerate(items):
                owners = self._owners.get(item.text)
                if owners is None:
                    self._owners[item.text] = [(pid, i)]
                else:
                    owners.append((pid, i))
        self._tokens: dict[str, list[str]] = {}
        self._postings: dict[str, set[str]] = {}
        for text in self._owners:
            toks = self._tokens[text] = tokens(text)
            for t in set(toks):
                self._postings.setdefault(t, set()).add(text)
        self._vocab = sorted(self._postings)

    def _similar(self, q: str) -> dict[str, float]:
        """Vocabulary tokens similar to ``q``, with their token similarity."""
        out: dict[str, float] = {}
        if q in self._postings:
            out[q] = 1.0
        if len(q) >= MIN_PREFIX:
            for d in self._vocab_from(q):  # tokens that start with q
                out.setdefault(d, PREFIX)
            for n in range(MIN_PREFIX, len(q)):  # tokens that q starts with
                if q[:n] in self._postings:
                    out.setdefault(q[:n], PREFIX)
        if len(q) >= MIN_FUZZY:
            for d, ratio, _ in process.extract(
                q, self._vocab, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None
            ):
                if len(d) >= MIN_FUZZY:
                    out.setdefault(d, FUZZY * ratio / 100.0)
        return out

    def _vocab_from(self, prefix: str) -> Iterable[str]:
        import bisect

        i = bisect.bisect_left(self._vocab, prefix)
        while i < len(self._vocab) and self._vocab[i].startswith(prefix):
            yield self._vocab[i]
            i += 1

    def lexical(self, query: str) -> dict[tuple[int, int], tuple[float, tuple[str, ...]]]:
        """Item scores: ``(person, item index) -> (score, the item tokens hit)``."""
        qs = query_tokens(query)
        similar = [self._similar(q) for q in qs]
        candidates: set[str] = set()
        for sims in similar:
            for d in sims:
                candidates |= self._postings[d]
        out: dict[tuple[int, int], tuple[float, tuple[str, ...]]] = {}
        for text in candidates:
            toks = self._tokens[text]
            best: list[float] = []
            hit: list[str] = []
            positions: list[list[int]] = []
            for sims in similar:
                b, where, word = 0.0, [], ""
                for j, d in enumerate(toks):
                    s = sims.get(d, 0.0)
                    if s > b:
                        b, where, word = s, [j], d
                    elif s == b and s > 0:
                        where.append(j)
                best.append(b)
                positions.append(where)
                if word:
                    hit.append(word)
            coverage = sum(best) / len(qs)
            if len(qs) > 1 and all(best) and not _contiguous(positions):
                coverage *= PHRASE_GAP
            if coverage > 0:
                value = (coverage, tuple(hit))
                for key in self._owners[text]:
                    out[key] = value
        return out

    def search(
        self,
        query: str,
        *,
        semantic: Mapping[int, Sequence[float]] | None = None,
        limit: int | None = None,
        min_score: float = 0.0,
    ) -> list[TopicMatch]:
        """People matching ``query``, best first.

        ``semantic`` maps a person to the cosine similarity of each of their items
        (in document order) to the query; people left out have no semantic part.
        """
        items: dict[int, dict[int, tuple[float, tuple[str, ...]]]] = {}
        for (pid, i), value in self.lexical(query).items():
            items.setdefault(pid, {})[i] = value
        meaning_only: set[tuple[int, int]] = set()
        if semantic:
            for pid, cosines in semantic.items():
                mine = items.setdefault(pid, {})
                for i, c in enumerate(cosines):
                    s = semantic_part(c)
                    if s <= 0:
                        continue
                    lex, hit = mine.get(i, (0.0, ()))
                    mine[i] = (1.0 - (1.0 - lex) * (1.0 - s), hit)
                    if lex == 0:
                        meaning_only.add((pid, i))
        matches: list[TopicMatch] = []
        for pid, scored in items.items():
            doc = self.documents[pid]
            ranked = sorted(
                (
                    (self.weights.get(doc[i].field, 0.5) * s, i, hit)
                    for i, (s, hit) in scored.items()
                ),
                key=lambda t: (-t[0], t[1]),
            )
            ranked = [r for r in ranked if r[0] > 0]
            if not ranked:
                continue
            best = ranked[0][0]
            rest = 1.0
            for weighted, _, _ in ranked[1:]:
                rest *= 1.0 - weighted
            score = best + (1.0 - best) * OTHERS * (1.0 - rest)  # = 1 − (1 − b)(1 − ¼R)
            if score < min_score:
                continue
            evidence = tuple(
                doc[i].evidence(hit) + (" (similar meaning)" if (pid, i) in meaning_only else "")
                for _, i, hit in ranked[:MAX_EVIDENCE]
            )
            matches.append(
                TopicMatch(
                    person_id=pid,
                    score=min(1.0, score),
                    evidence=_unique(evidence),
                    field=doc[ranked[0][1]].field,
                )
            )
        matches.sort(key=lambda m: (-m.score, m.person_id))
        return matches if limit is None else matches[:limit]


def semantic_part(cosine: float, *, floor: float = SEMANTIC_FLOOR) -> float:
    """Cosine similarity mapped to [0, 1]: ``clip((c − floor) / (1 − floor), 0, 1)``."""
    return min(1.0, max(0.0, (cosine - floor) / (1.0 - floor)))


def match_topics(
    documents: Mapping[int, Sequence[TopicItem]],
    query: str,
    *,
    weights: Mapping[str, float] | None = None,
    semantic: Mapping[int, Sequence[float]] | None = None,
    limit: int | None = None,
    min_score: float = 0.0,
) -> list[TopicMatch]:
    """People whose documents match ``query``, ranked (see the module docstring)."""
    return TopicIndex(documents, weights=weights).search(
        query, semantic=semantic, limit=limit, min_score=min_score
    )


def _contiguous(positions: Sequence[Sequence[int]]) -> bool:
    """Whether some choice of one position per query token is consecutive, in order."""
    if any(not p for p in positions):
        return False
    starts = set(positions[0])
    for offset, where in enumerate(positions[1:], start=1):
        starts &= {j - offset for j in where}
        if not starts:
            return False
    return True


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
