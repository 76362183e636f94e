"""The real contacts behind the demo: SocioPatterns InVS15, merged into episodes.

The sensors report, every 20 seconds, each pair of people in face-to-face
proximity (one row ``t i j``). A conversation is a run of such rows; two rows of
the same pair at most ``gap`` seconds apart belong to the same episode.

The data ship with the package (``data/``, CC0; see ``data/SOURCE.md``).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

__all__ = [
    "RESOLUTION",
    "Contact",
    "Episode",
    "load_contacts",
    "load_departments",
    "merge_contacts",
]

CONTACTS_FILE = "workplace_InVS15_tij.dat.gz"
DEPARTMENTS_FILE = "workplace_InVS15_metadata.txt"

RESOLUTION = 20
"""Seconds covered by one record: a row at ``t`` means contact during ``[t, t + 20)``."""

Contact = tuple[int, int, int]
"""One record ``(t, i, j)``: persons ``i`` and ``j`` in contact at second ``t``."""


@dataclass(frozen=True, order=True)
class Episode:
    """One uninterrupted conversation of a pair ``a < b``, from ``start`` to ``end`` (s)."""

    start: int
    a: int
    b: int
    end: int
    records: int

    @property
    def seconds(self) -> int:
        return self.end - self.start

    @property
    def minutes(self) -> int:
        """Length rounded to the nearest minute, and at least one minute."""
        return max(1, (self.seconds + 30) // 60)

    def involves(self, person: int) -> bool:
        return person in (self.a, self.b)

    def other(self, person: int) -> int:
        return self.b if person == self.a else self.a


def _data_lines(name: str) -> Iterator[str]:
    resource = resources.files("dunbar.demo").joinpath("data", name)
    with resource.open("rb") as raw:
        if name.endswith(".gz"):
            with gzip.open(raw, "rt", encoding="ascii") as text:
                yield from text
        else:
            yield from raw.read().decode("utf-8").splitlines()


def load_contacts() -> list[Contact]:
    """All 78,249 contact records of InVS15, in file order (sorted by time)."""
    rows: list[Contact] = []
    for line in _data_lines(CONTACTS_FILE):
        parts = line.split()
        if len(parts) == 3:
            rows.append((int(parts[0]), int(parts[1]), int(parts[2])))
    return rows


def load_departments() -> dict[int, str]:
    """Person id -> department code (``DMI``, ``DSE``, ...), for all 232 people."""
    found: dict[int, str] = {}
    for line in _data_lines(DEPARTMENTS_FILE):
        parts = line.split()
        if len(parts) == 2:
            found[int(parts[0])] = parts[1]
    return found


def merge_contacts(
    rows: Iterable[Contact], *, gap: int = 300, resolution: int = RESOLUTION
) -> list[Episode]:
    """Merge the records of each pair into episodes.

    Two records of the same pair whose times differ by at most ``gap`` seconds
    are in the same episode. An episode runs from its first record's ``t`` to
    its last record's ``t + resolution``. The order of ``i`` and ``j`` does not
    matter. Episodes come back sorted by ``(start, a, b)``.

    >>> [(e.a, e.b, e.start, e.end, e.records)
    ...  for e in merge_contacts([(0, 2, 1), (20, 1, 2), (400, 1, 2)], gap=300)]
    [(1, 2, 0, 40, 2), (1, 2, 400, 420, 1)]
    """
    if gap < 0:
        raise ValueError(f"gap must be zero or more, got {gap}")
    by_pair: dict[tuple[int, int], list[int]] = {}
    for t, i, j in rows:
        if i == j:
            continue
        key = (i, j) if i < j else (j, i)
        by_pair.setdefault(key, []).append(t)
    episodes: list[Episode] = []
    for (a, b), times in by_pair.items():
        times.sort()
        start = last = times[0]
        count = 1
        for t in times[1:]:
            if t - last <= gap:
                count += 1
            else:
                episodes.append(Episode(start, a, b, last + resolution, count))
                start, count = t, 1
            last = t
        episodes.append(Episode(start, a, b, last + resolution, count))
    episodes.sort()
    return episodes
