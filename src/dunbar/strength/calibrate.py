"""Calibrating tie strength to the user's own ratings (MODEL.md §1.4).

The Gilbert & Karahalios protocol (CHI 2009): the user rates about 20 of their
contacts, chosen to span the range, on a 0–1 scale ("How strong is your
relationship with X?"). Then:

1. **Half-lives** are searched on a grid, ``h_act`` × ``h_rec`` over
   {30, 60, 90, 180, 365} days.
2. **Weights**, for each grid point, by non-negative least squares. The score is
   a weighted *mean* of the parts present, ``S = Σ w_c x_c / Σ_present w_c``, so
   ``S = y`` is the linear condition ``Σ_present w_c (x_c − y) = 0``: NNLS on
   those rows, plus one heavily weighted row ``Σ w_c = 1`` that fixes the scale
   (bounded least squares, ``scipy.optimize.lsq_linear``).
3. **Honesty.** The whole procedure (grid search and fit) is run leave-one-out:
   each rating is predicted by parameters fitted to the others. The new
   parameters are kept only if that leave-one-out MAE beats the MAE of the
   current parameters, which are not fitted to these ratings at all.

Also reported, as MODEL.md §1.4 asks: Spearman ρ, accuracy at 0.5, and the MAE
of a recency-only and a count-only baseline (each a least-squares line).
G&K report an MAE of 0.0994 on their 2,184 ties.

References
----------
Gilbert & Karahalios 2009, "Predicting tie strength with social media", CHI.
Lawson & Hanson 1974, Solving Least Squares Problems (NNLS).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from dunbar.errors import ValidationError
from dunbar.strength.episodes import Episode
from dunbar.strength.params import COMPONENTS, ComponentWeights, StrengthParams
from dunbar.strength.score import score_tie

__all__ = [
    "GRID_DAYS",
    "MIN_RATINGS",
    "CalibrationReport",
    "Example",
    "calibrate",
    "fit_weights",
    "spread_sample",
]

GRID_DAYS = (30, 60, 90, 180, 365)
MIN_RATINGS = 5
_SCALE_ROW = 100.0


@dataclass(frozen=True)
class Example:
    """One rated tie: its episodes and declarations, and the user's rating."""

    key: int
    episodes: Sequence[Episode]
    rating: float
    closeness: int | None = None
    first_known: dt.date | None = None


@dataclass
class CalibrationReport:
    ratings: int
    before: StrengthParams
    after: StrengthParams
    """The parameters to use: the fitted ones if adopted, else ``before``."""
    fitted: StrengthParams
    mae_before: float
    mae_fitted: float
    """In-sample MAE of the fitted parameters (optimistic)."""
    mae_loo: float
    """Leave-one-out MAE of the whole fitting procedure (the honest figure)."""
    spearman_before: float | None
    spearman_after: float | None
    accuracy_before: float
    accuracy_after: float
    baselines: dict[str, float]
    adopted: bool
    predictions: dict[int, tuple[float | None, float]] = field(default_factory=dict)
    """key → (prediction with the adopted parameters, rating)."""

    def explain(self) -> list[str]:
        verdict = (
            "kept the new parameters: they predict your ratings better"
            if self.adopted
            else "kept the current parameters: the fitted ones did not predict better "
            "when tested on ratings they were not fitted to"
        )
        w = self.fitted.weights
        return [
            f"{self.ratings} ratings; mean absolute error {self.mae_before:.3f} with the current "
            f"parameters, {self.mae_loo:.3f} for fitted ones tested leave-one-out "
            f"({self.mae_fitted:.3f} in-sample)",
            "baselines: "
            + ", ".join(f"{name} {value:.3f}" for name, value in self.baselines.items()),
            verdict,
            f"fitted: h_act {self.fitted.h_act:g} d, h_rec {self.fitted.h_rec:g} d; weights "
            + ", ".join(f"{c} {w.of(c):.2f}" for c in COMPONENTS),
        ]


def _parts_matrix(examples: Sequence[Example], params: StrengthParams, now: dt.date) -> np.ndarray:
    """Parts of each example under ``params``: rows × COMPONENTS, NaN where absent."""
    out = np.full((len(examples), len(COMPONENTS)), np.nan)
    for i, ex in enumerate(examples):
        tie = score_tie(
            ex.episodes,
            now=now,
            first_known=ex.first_known,
            closeness=ex.closeness,
            params=params,
        )
        for j, c in enumerate(COMPONENTS):
            if c in tie.parts:
                out[i, j] = tie.parts[c]
    return out


def predict(parts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted means of the present parts (NaN where no weighted part is present)."""
    present = ~np.isnan(parts)
    numerator = np.where(present, np.nan_to_num(parts) * weights, 0.0).sum(axis=1)
    denominator = np.where(present, weights, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def fit_weights(parts: np.ndarray, ratings: np.ndarray) -> np.ndarray:
    """Non-negative weights (summing to 1) whose weighted mean best fits ``ratings``.

    Non-negative least squares by bounded-variable least squares
    (``scipy.optimize.lsq_linear``, method ``bvls``), which unlike the
    Lawson–Hanson ``nnls`` never stops on an iteration limit when parts are
    missing for everyone (all-zero columns).
    """
    from scipy.optimize import lsq_linear

    present = ~np.isnan(parts)
    rows = np.where(present, np.nan_to_num(parts) - ratings[:, None], 0.0)
    a = np.vstack([rows, np.full((1, parts.shape[1]), _SCALE_ROW)])
    b = np.r_[np.zeros(len(rows)), _SCALE_ROW]
    weights = np.asarray(lsq_linear(a, b, bounds=(0.0, np.inf), method="bvls").x)
    weights = np.maximum(weights, 0.0)
    total = weights.sum()
    return weights / total if total > 0 else np.full(parts.shape[1], 1.0 / parts.shape[1])


def _mae(pred: np.ndarray, ratings: np.ndarray) -> float:
    filled = np.where(np.isnan(pred), float(np.mean(ratings)), pred)
    return float(np.mean(np.abs(filled - ratings)))


def _spearman(pred: np.ndarray, ratings: np.ndarray) -> float | None:
    from scipy.stats import spearmanr

    ok = ~np.isnan(pred)
    if ok.sum() < 3 or np.ptp(pred[ok]) == 0 or np.ptp(ratings[ok]) == 0:
        return None
    rho = spearmanr(pred[ok], ratings[ok]).statistic
    return None if rho is None or math.isnan(rho) else float(rho)


def _accuracy(pred: np.ndarray, ratings: np.ndarray) -> float:
    filled = np.where(np.isnan(pred), 0.0, pred)
    return float(np.mean((filled >= 0.5) == (ratings >= 0.5)))


def _line_mae(x: np.ndarray, ratings: np.ndarray) -> float:
    """MAE of the least-squares line of ``ratings`` on one feature (a baseline)."""
    x = np.nan_to_num(x)
    design = np.c_[x, np.ones_like(x)]
    coef, *_ = np.linalg.lstsq(design, ratings, rcond=None)
    return float(np.mean(np.abs(np.clip(design @ coef, 0, 1) - ratings)))


def _with(
    params: StrengthParams, h_act: float, h_rec: float, weights: np.ndarray
) -> StrengthParams:
    return params.with_changes(
        h_act=float(h_act),
        h_rec=float(h_rec),
        weights=ComponentWeights(**{c: float(w) for c, w in zip(COMPONENTS, weights, strict=True)}),
    )


def _best_fit(
    matrices: Mapping[tuple[int, int], np.ndarray], ratings: np.ndarray, rows: np.ndarray
) -> tuple[tuple[int, int], np.ndarray, float]:
    """The grid point and weights with the lowest in-sample MAE on ``rows``."""
    best: tuple[tuple[int, int], np.ndarray, float] | None = None
    for point, parts in matrices.items():
        weights = fit_weights(parts[rows], ratings[rows])
        mae = _mae(predict(parts[rows], weights), ratings[rows])
        if best is None or mae < best[2] - 1e-12:
            best = (point, weights, mae)
    assert best is not None
    return best


def calibrate(
    examples: Sequence[Example],
    *,
    now: dt.date,
    params: StrengthParams | None = None,
    grid: Sequence[int] = GRID_DAYS,
) -> CalibrationReport:
    """Fit weights and half-lives to rated ties; adopt them only if better out of sample."""
    params = params or StrengthParams()
    if len(examples) < MIN_RATINGS:
        raise ValidationError(
            f"calibration needs at least {MIN_RATINGS} ratings, got {len(examples)}"
        )
    for ex in examples:
        if not 0.0 <= ex.rating <= 1.0 or math.isnan(ex.rating):
            raise ValidationError(f"ratings lie between 0 and 1, not {ex.rating!r}")
    ratings = np.array([ex.rating for ex in examples], dtype=np.float64)
    current = _parts_matrix(examples, params, now)
    weights_now = np.array([params.weights.of(c) for c in COMPONENTS])
    pred_before = predict(current, weights_now)
    matrices = {
        (h_act, h_rec): _parts_matrix(
            examples, params.with_changes(h_act=float(h_act), h_rec=float(h_rec)), now
        )
        for h_act, h_rec in itertools.product(grid, grid)
    }
    everyone = np.arange(len(examples))
    (h_act, h_rec), weights, mae_fitted = _best_fit(matrices, ratings, everyone)
    loo = np.empty(len(examples))
    for i in everyone:
        rest = everyone[everyone != i]
        point, w, _ = _best_fit(matrices, ratings, rest)
        loo[i] = predict(matrices[point][[i]], w)[0]
    mae_loo = _mae(loo, ratings)
    mae_before = _mae(pred_before, ratings)
    fitted = _with(params, h_act, h_rec, weights)
    adopted = mae_loo < mae_before
    after = fitted if adopted else params
    pred_after = predict(matrices[(h_act, h_rec)], weights) if adopted else pred_before
    recency = current[:, COMPONENTS.index("recency")]
    counts = np.array([math.log1p(len(ex.episodes)) for ex in examples])
    return CalibrationReport(
        ratings=len(examples),
        before=params,
        after=after,
        fitted=fitted,
        mae_before=mae_before,
        mae_fitted=mae_fitted,
        mae_loo=mae_loo,
        spearman_before=_spearman(pred_before, ratings),
        spearman_after=_spearman(pred_after, ratings),
        accuracy_before=_accuracy(pred_before, ratings),
        accuracy_after=_accuracy(pred_after, ratings),
        baselines={
            "recency only": _line_mae(recency, ratings),
            "count only": _line_mae(counts, ratings),
        },
        adopted=adopted,
        predictions={
            ex.key: (None if math.isnan(p) else float(p), ex.rating)
            for ex, p in zip(examples, pred_after, strict=True)
        },
    )


def spread_sample(
    scores: Mapping[int, float], *, n: int = 20, seed: int | None = None
) -> list[int]:
    """``n`` keys whose scores span the range: one at random from each of n strata."""
    if n < 1:
        raise ValidationError("the sample needs at least one person")
    ranked = sorted(scores, key=lambda k: (scores[k], k))
    if len(ranked) <= n:
        return ranked
    rng = np.random.default_rng(seed)
    edges = np.linspace(0, len(ranked), n + 1).astype(int)
    return [ranked[int(rng.integers(lo, hi))] for lo, hi in itertools.pairwise(edges) if hi > lo]
