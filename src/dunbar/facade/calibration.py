"""Calibrating this ledger's strength parameters to the user's ratings.

``calibration_sample`` picks the people to rate (spanning the range of current
scores, seeded); ``read_ratings`` reads ratings from a file, so that the protocol
runs without a terminal; ``calibrate`` fits and, when the fit is better out of
sample, stores the new parameters (the engine is :mod:`dunbar.strength.calibrate`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dunbar.errors import FormatError, ValidationError
from dunbar.facade.strength import StrengthMixin, _episodes, _known_by, _until
from dunbar.store import people as people_store

if TYPE_CHECKING:
    from dunbar.strength.calibrate import CalibrationReport

__all__ = ["CalibrationMixin", "SampleEntry", "read_ratings"]


@dataclass(frozen=True)
class SampleEntry:
    person_id: int
    name: str
    score: float | None


def _rating(value: Any, where: str) -> float:
    try:
        number = float(str(value).strip().rstrip("%")) / (
            100 if str(value).strip().endswith("%") else 1
        )
    except ValueError:
        raise ValidationError(f"{where}: rating {value!r} is not a number") from None
    if math.isnan(number) or not 0.0 <= number <= 1.0:
        raise ValidationError(f"{where}: rating {value!r} is not between 0 and 1")
    return number


def read_ratings(path: str | Path) -> list[tuple[str, float]]:
    """Ratings from a file: CSV ``person,rating`` (a header is optional; other
    columns, such as the ``name`` of a file ``--write-sample`` made, are ignored),
    or JSON (``{"person": rating}`` or ``[{"person": ..., "rating": ...}]``).

    A rating is a number from 0 to 1 (or a percentage); an empty rating is
    skipped, so a half-filled sample file can be used.
    """
    file = Path(path).expanduser()
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise FormatError(f"cannot read ratings {file}: {exc.strerror or exc}") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError(f"{file}: ratings must be UTF-8 text") from None
    out: list[tuple[str, float]] = []
    if content.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise FormatError(f"{file}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
        items: Iterable[tuple[Any, Any]]
        if isinstance(data, dict):
            items = data.items()
        elif isinstance(data, list) and all(isinstance(d, dict) for d in data):
            items = [(d.get("person"), d.get("rating")) for d in data]
        else:
            raise FormatError(f'{file}: expected {{"person": rating}} or a list of objects')
        for n, (person, rating) in enumerate(items, start=1):
            if person is None or str(person).strip() == "":
                raise ValidationError(f"{file}: entry {n} names no person")
            if rating is None or str(rating).strip() == "":
                continue
            out.append((str(person), _rating(rating, f"{file}: entry {n}")))
        return out
    rows = list(csv.reader(io.StringIO(content)))
    header = [c.strip().lower() for c in rows[0]] if rows else []
    person_col, rating_col, start = 0, 1, 0
    if "rating" in header:
        rating_col = header.index("rating")
        person_col = header.index("person") if "person" in header else 0
        start = 1
    for line, row in enumerate(rows[start:], start=start + 1):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) <= max(person_col, rating_col):
            raise ValidationError(f"{file}:{line}: expected person,rating")
        person, rating = row[person_col].strip(), row[rating_col].strip()
        if not person:
            raise ValidationError(f"{file}:{line}: no person named")
        if not rating:
            continue
        out.append((person, _rating(rating, f"{file}:{line}")))
    return out


class CalibrationMixin(StrengthMixin):
    """The Gilbert & Karahalios calibration, for this ledger."""

    def calibration_sample(
        self, n: int = 20, *, seed: int | None = None, today: dt.date | str | None = None
    ) -> list[SampleEntry]:
        """About ``n`` people to rate, spanning the range of current scores."""
        from dunbar.strength.calibrate import spread_sample

        board = self.scoreboard(today=today)
        scored = {
            int(pid): float(score)
            for pid, score in zip(board.scores.person, board.scores.score, strict=True)
            if score == score
        }
        chosen = spread_sample(scored, n=n, seed=seed)
        return [SampleEntry(pid, board.contacts[pid].name, scored[pid]) for pid in chosen]

    def calibrate(
        self,
        ratings: Mapping[str | int, float] | Iterable[tuple[str | int, float]],
        *,
        today: dt.date | str | None = None,
        apply: bool = True,
    ) -> CalibrationReport:
        """Fit the parameters to ``ratings`` (person → 0..1); store them if better.

        Nothing is stored when ``apply`` is false, or when the fitted parameters
        do not beat the current ones leave-one-out.
        """
        from dunbar.store.tallies import episode_arrays
        from dunbar.strength.calibrate import Example, calibrate

        pairs = list(ratings.items()) if isinstance(ratings, Mapping) else list(ratings)
        day = self._today(today)
        with self._read() as conn:
            params = self._params(conn)
            me = people_store.me_id(conn)
            rated: dict[int, float] = {}
            for ref, rating in pairs:
                pid = people_store.resolve_person(conn, ref)
                if pid == me:
                    raise ValidationError("rate your ties to others, not yourself")
                if pid in rated:
                    raise ValidationError(f"{ref!r} is rated twice")
                rated[pid] = _rating(rating, f"rating of {ref!r}")
            people = {p.id: p for p in (people_store.load_person(conn, pid) for pid in rated)}
            arrays = _until(episode_arrays(conn, list(rated)), day)
        episodes = _episodes(arrays)
        examples = [
            Example(
                key=pid,
                episodes=episodes.get(pid, []),
                rating=rating,
                closeness=people[pid].closeness,
                first_known=_known_by(people[pid].first_known, day),
            )
            for pid, rating in rated.items()
        ]
        report = calibrate(examples, now=day, params=params)
        if apply and report.adopted:
            self.set_strength_params(report.after)
        return report
