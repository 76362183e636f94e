"""Identity resolution: who in the ledger is this record, and who might be a duplicate.

Two kinds of evidence, treated differently:

- **Exact identity.** An email, an E.164 phone or a profile URL belongs to one
  person only, so a record sharing one with a person *is* that person: the
  pipeline merges it automatically.
- **Fuzzy name plus another signal.** A similar name (``rapidfuzz``'s token-sort
  ratio, so "Doe, John" meets "John Doe") together with the same organisation or
  a matching email local part makes a :class:`Proposal`, never a merge. A person
  decides, through ``dunbar duplicates`` and ``dunbar merge``.

The score of a proposal is a sum of named, weighted parts (the beets
``autotag/distance.py`` habit), so that ``reasons`` can say why.

Never quadratic: candidates are blocked by 3-letter prefixes of the name's
words. Only the two rarest blocks of a name are searched; a block larger than
``BLOCK_CAP`` (a very common first name) only when there is no smaller one, and
then only the people in both large blocks (at most ``BLOCK_CAP`` of them): the
work per record is bounded by ``2 * BLOCK_CAP`` name comparisons, done in
rapidfuzz's C loop.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from dunbar.normalise import name_key

__all__ = [
    "BLOCK_CAP",
    "NAME_THRESHOLD",
    "WEIGHTS",
    "Candidate",
    "PeopleIndex",
    "Proposal",
    "find_duplicates",
]

NAME_THRESHOLD = 85.0
"""Least token-sort ratio (0-100) of two names for them to count as similar."""

BLOCK_CAP = 500

WEIGHTS = {"name": 0.6, "organisation": 0.25, "email local part": 0.15}
"""How much each part adds to a proposal's score (a score of 1.0 is every part)."""


@dataclass(frozen=True)
class Candidate:
    """What the matcher knows of one person (``id < 0``: not yet written)."""

    id: int
    name: str
    org: str | None = None
    email_locals: frozenset[str] = frozenset()
    key: str = field(init=False, repr=False, compare=False)
    org_key: str = field(init=False, repr=False, compare=False)
    sorted_key: str = field(init=False, repr=False, compare=False)
    """The key's words in order: ``fuzz.ratio`` of two is their token-sort ratio."""
    blocks: frozenset[str] = field(init=False, repr=False, compare=False)
    _forms: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", match_key(self.name))
        object.__setattr__(self, "org_key", name_key(self.org) if self.org else "")
        object.__setattr__(self, "sorted_key", " ".join(sorted(self.key.split())))
        object.__setattr__(self, "blocks", frozenset(_blocks(self.key)))

    @property
    def forms(self) -> frozenset[str]:
        """How the name tends to appear in an email local part (computed once)."""
        if self._forms is None:
            object.__setattr__(self, "_forms", frozenset(_name_forms(self.key)))
        assert self._forms is not None
        return self._forms

    def with_id(self, new_id: int) -> Candidate:
        """The same person under another id (keys not computed again)."""
        other = copy.copy(self)
        object.__setattr__(other, "id", new_id)
        return other


def match_key(name: str) -> str:
    """The name as compared: :func:`~dunbar.normalise.name_key` without punctuation."""
    return " ".join(re.sub(r"[^\w\s]", " ", name_key(name)).split())


@dataclass(frozen=True)
class Proposal:
    """Two records that may be one person, with a score in 0..1 and its parts."""

    a: int
    b: int
    a_name: str
    b_name: str
    score: float
    reasons: tuple[tuple[str, float], ...]

    def explain(self) -> str:
        return ", ".join(f"{part} {value:.2f}" for part, value in self.reasons)


def email_local(email: str) -> str:
    return re.sub(r"[^a-z0-9]", "", email.split("@", 1)[0].split("+", 1)[0].lower())


def _name_forms(key: str) -> set[str]:
    """How a name tends to appear in an email local part: anadiaz, adiaz, ana, diaz..."""
    words = [re.sub(r"[^a-z0-9]", "", w) for w in key.split()]
    words = [w for w in words if w]
    if not words:
        return set()
    forms = {"".join(words)}
    if len(words) >= 2:
        first, last = words[0], words[-1]
        forms |= {first + last, last + first, first[0] + last, first + last[0]}
    return {f for f in forms if len(f) >= 4}


def score(a: Candidate, b: Candidate, ratio: float | None = None) -> Proposal | None:
    """The proposal that ``a`` and ``b`` are one person, or ``None`` if too weak.

    ``ratio`` is the names' token-sort ratio when the caller has it already.
    """
    ka = a.key
    if ratio is None:
        ratio = fuzz.ratio(a.sorted_key, b.sorted_key)  # = token_sort_ratio(a.key, b.key)
    if ratio < NAME_THRESHOLD:
        return None
    parts: list[tuple[str, float]] = [("name", ratio / 100.0)]
    if a.org_key and a.org_key == b.org_key:
        parts.append(("organisation", 1.0))
    if a.email_locals & b.email_locals:
        parts.append(("email local part", 1.0))
    elif (a.email_locals or b.email_locals) and (
        (a.email_locals & (b.forms - a.forms)) or (b.email_locals & (a.forms - b.forms))
    ):
        # One's address spells the other's name (and not merely its owner's own).
        parts.append(("email local part", 0.8))
    if len(parts) == 1:
        # A name alone proposes only when it is the same full name and nothing disagrees.
        orgs_differ = bool(a.org_key and b.org_key and a.org_key != b.org_key)
        if ratio < 100.0 or len(ka.split()) < 2 or orgs_differ:
            return None
    total = sum(WEIGHTS[part] * value for part, value in parts)
    low, high = (a, b) if (a.id > 0 and (b.id < 0 or a.id < b.id)) else (b, a)
    return Proposal(low.id, high.id, low.name, high.name, round(total, 3), tuple(parts))


def _blocks(key: str) -> set[str]:
    return {w[:3] for w in key.split() if len(w) >= 2}


def _pairs(blocks: frozenset[str]) -> list[tuple[str, str]]:
    """Every two of a name's blocks (of its first six), in order."""
    ordered = sorted(blocks)[:6]
    return list(itertools.combinations(ordered, 2))


@dataclass
class PeopleIndex:
    """People by identity and by name block, for matching one record at a time."""

    identities: dict[tuple[str, str], int] = field(default_factory=dict)
    people: dict[int, Candidate] = field(default_factory=dict)
    blocks: dict[str, dict[int, str]] = field(default_factory=dict)
    """Block -> {person id: their match key, words sorted}."""
    pairs: dict[tuple[str, str], dict[int, str]] = field(default_factory=dict)
    """Two blocks -> the people in both (for names whose blocks are all large)."""
    names: dict[str, set[int]] = field(default_factory=dict)
    owned: dict[int, list[tuple[str, str]]] = field(default_factory=dict)

    def add(self, person: Candidate, identities: Iterable[tuple[str, str]] = ()) -> None:
        """Index ``person`` (again, if known: the name and organisation are replaced)."""
        old = self.people.get(person.id)
        if old is not None:
            self._unblock(old)
        self.people[person.id] = person
        self.names.setdefault(name_key(person.name), set()).add(person.id)
        blocks = person.blocks
        for block in blocks:
            self.blocks.setdefault(block, {})[person.id] = person.sorted_key
        for pair in _pairs(blocks):
            self.pairs.setdefault(pair, {})[person.id] = person.sorted_key
        for pair in identities:
            if pair not in self.identities:
                self.identities[pair] = person.id
                self.owned.setdefault(person.id, []).append(pair)

    def _unblock(self, person: Candidate) -> None:
        self.names.get(name_key(person.name), set()).discard(person.id)
        blocks = person.blocks
        for block in blocks:
            self.blocks.get(block, {}).pop(person.id, None)
        for pair in _pairs(blocks):
            self.pairs.get(pair, {}).pop(person.id, None)

    def rename(self, old_id: int, new_id: int) -> None:
        """A pending person (``old_id < 0``) was written and got its real id."""
        person = self.people.pop(old_id)
        self._unblock(person)
        self.add(person.with_id(new_id))
        pairs = self.owned.pop(old_id, [])
        for pair in pairs:
            self.identities[pair] = new_id
        self.owned.setdefault(new_id, []).extend(pairs)

    def owners(self, identities: Iterable[tuple[str, str]]) -> dict[int, int]:
        """``person id -> how many of these identities are theirs``."""
        found: dict[int, int] = {}
        for pair in identities:
            pid = self.identities.get(pair)
            if pid is not None:
                found[pid] = found.get(pid, 0) + 1
        return found

    def named(self, name: str) -> set[int]:
        return set(self.names.get(name_key(name), set()))

    def _nearby(self, blocks: frozenset[str]) -> list[dict[int, str]]:
        """Candidates (id -> sorted key): the people in the two rarest blocks of the
        name's words.

        Blocks up to ``BLOCK_CAP`` are searched whole. When both are larger (two
        common words, "Maria Garcia"), the people in both; when a name has one word
        only, the first ``BLOCK_CAP`` of its block. Never more than
        ``2 * BLOCK_CAP`` candidates. The dicts may be the index's own: read them,
        never change them.
        """
        ranked = sorted(blocks, key=lambda b: len(self.blocks.get(b, ())))[:2]
        found = [self.blocks.get(b, {}) for b in ranked]
        small = [b for b in found if len(b) <= BLOCK_CAP]
        if small or not found:
            return small
        if len(ranked) == 2:
            both = self.pairs.get((min(ranked), max(ranked)), {})
            if len(both) <= BLOCK_CAP:
                return [both]
            return [dict(itertools.islice(both.items(), BLOCK_CAP))]
        return [dict(itertools.islice(found[0].items(), BLOCK_CAP))]

    def similar(self, person: Candidate) -> list[Proposal]:
        """Proposals for ``person`` against everyone indexed, best first."""
        found = []
        seen = {person.id}
        # Names first, in rapidfuzz's C loop; the other signals only for similar names.
        for block in self._nearby(person.blocks):
            for _, ratio, pid in process.extract(
                person.sorted_key,
                block,
                scorer=fuzz.ratio,
                score_cutoff=NAME_THRESHOLD,
                limit=None,
            ):
                if pid in seen:
                    continue
                seen.add(pid)
                proposal = score(person, self.people[pid], ratio)
                if proposal is not None:
                    found.append(proposal)
        found.sort(key=lambda p: (-p.score, p.a, p.b))
        return found


def find_duplicates(
    people: Iterable[Candidate],
    *,
    limit: int | None = None,
    dismissed: Collection[tuple[int, int]] = (),
) -> list[Proposal]:
    """Every likely duplicate pair among ``people``, best first (each pair once).

    Pairs in ``dismissed`` (``(lower id, higher id)``: people said to be different)
    are left out.

    >>> ps = [Candidate(1, "Ana Silva", "Acme"), Candidate(2, "Silva, Ana", "ACME"),
    ...       Candidate(3, "Bo Chen")]
    >>> [(p.a, p.b, p.score) for p in find_duplicates(ps)]
    [(1, 2, 0.85)]
    """
    index = PeopleIndex()
    everyone = list(people)
    for person in everyone:
        index.add(person)
    pairs: dict[tuple[int, int], Proposal] = {}
    for person in everyone:
        for proposal in index.similar(person):
            if (proposal.a, proposal.b) not in dismissed:
                pairs.setdefault((proposal.a, proposal.b), proposal)
    ranked = sorted(pairs.values(), key=lambda p: (-p.score, p.a, p.b))
    return ranked if limit is None else ranked[:limit]
