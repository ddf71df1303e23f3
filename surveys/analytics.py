"""Honest statistics for anonymous workforce surveys (issue 7, section 6).

Pure functions over plain numbers and numpy arrays; no models, no database. Every
estimate comes with an interval, changes between waves are only called "reliable"
when they survive a false-discovery-rate correction, and driver analysis refuses to
run when a wave is too small to support it.

Callers drop incomplete responses before calling: arrays must be finite.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from statsmodels.discrete.discrete_model import BinaryResultsWrapper

# scipy.stats and statsmodels take seconds to import; only the worker's driver
# analysis and t intervals need them, so they are imported where used and the
# web process (intervals, changes) never pays for them.

MIN_RESPONSES = 100
EVENTS_PER_DRIVER = 10
DEFAULT_OUTCOME = "high stress"
_ROW_BLOCK = 4096
_EIGEN_TOLERANCE = 1e-10


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Estimate:
    """A point estimate, its interval and the number of responses behind it."""

    value: float
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class Change:
    """A change between two waves (later minus earlier)."""

    difference: Estimate
    p_value: float
    reliable: bool

    @property
    def label(self) -> str:
        if not self.reliable:
            return "no reliable change"
        return "reliable increase" if self.difference.value > 0 else "reliable decrease"


@dataclass(frozen=True)
class Adequacy:
    ok: bool
    reason: str


@dataclass(frozen=True)
class OddsRatio:
    """Adjusted odds ratio for a one-point increase in one driver."""

    name: str
    value: float
    low: float
    high: float
    p_value: float


@dataclass(frozen=True)
class DriverModel:
    adequate: bool
    reason: str
    odds_ratios: tuple[OddsRatio, ...] = ()


@dataclass(frozen=True, eq=False)
class RelativeWeights:
    """Johnson's relative weights; ``raw`` sums to ``r_squared``, ``percent`` to 100.

    The arrays are read-only; instances compare by identity.
    """

    names: tuple[str, ...]
    raw: np.ndarray
    percent: np.ndarray
    r_squared: float


@dataclass(frozen=True)
class WeightInterval:
    name: str
    raw: float
    low: float
    high: float


@dataclass(frozen=True)
class DriverAnalysis:
    adequacy: Adequacy
    model: DriverModel | None = None
    weights: RelativeWeights | None = None
    intervals: tuple[WeightInterval, ...] = ()

    @property
    def adequate(self) -> bool:
        return self.adequacy.ok


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _check_counts(successes: int, n: int) -> None:
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for a proportion (Wilson 1927, JASA 22:209-212)."""
    _check_counts(successes, n)
    z = _z(confidence)
    p = successes / n
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / n + z2n / (4 * n))
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def proportion(successes: int, n: int, confidence: float = 0.95) -> Estimate:
    """Observed proportion with its Wilson score interval."""
    interval = wilson_interval(successes, n, confidence)
    return Estimate(successes / n, interval.low, interval.high, n)


def mean_estimate_from_moments(
    n: int, total: float, total_of_squares: float, confidence: float = 0.95
) -> Estimate:
    """Mean with Student's t interval from COUNT, SUM and SUM of squares.

    Variance is (SS - S**2/n) / (n - 1); fine for bounded survey scales, where the
    cancellation in this textbook formula is negligible.
    """
    if n < 2:
        raise ValueError("a mean interval needs at least two values")
    _z(confidence)
    mean = total / n
    variance = max(0.0, (total_of_squares - total * mean) / (n - 1))
    from scipy import stats

    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * math.sqrt(variance / n)
    return Estimate(mean, mean - half, mean + half, n)


def mean_estimate(values: np.ndarray, confidence: float = 0.95) -> Estimate:
    """Mean with Student's t interval (agrees with the moments version)."""
    x = np.asarray(values, dtype=float).ravel()
    _require_finite(x)
    return mean_estimate_from_moments(x.size, float(x.sum()), float(x @ x), confidence)


def newcombe_difference(
    x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95
) -> Estimate:
    """Difference p2 - p1 with Newcombe's hybrid score interval.

    Method 10 of Newcombe (1998), Stat Med 17:873-890, built from the two Wilson
    intervals. ``n`` is the total number of responses in both waves.
    """
    one = wilson_interval(x1, n1, confidence)
    two = wilson_interval(x2, n2, confidence)
    p1, p2 = x1 / n1, x2 / n2
    difference = p2 - p1
    low = difference - math.hypot(p2 - two.low, one.high - p1)
    high = difference + math.hypot(two.high - p2, p1 - one.low)
    return Estimate(difference, low, high, n1 + n2)


def two_proportion_p_value(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided pooled z test for equal proportions (Agresti 2013, section 3.1.3).

    Identical all-0 or all-1 waves carry no evidence of change and give 1.0.
    """
    _check_counts(x1, n1)
    _check_counts(x2, n2)
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0
    z = (x2 / n2 - x1 / n1) / se
    return 2 * (1 - NormalDist().cdf(abs(z)))


def benjamini_hochberg(p_values: Sequence[float], alpha: float = 0.05) -> list[bool]:
    """Benjamini-Hochberg step-up procedure (1995, JRSS B 57:289-300).

    Returns, in input order, whether each hypothesis is rejected at FDR ``alpha``.
    """
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return []
    order = np.argsort(p, kind="stable")
    below = p[order] <= alpha * np.arange(1, m + 1) / m
    rejected = np.zeros(m, dtype=bool)
    if below.any():
        last = int(np.nonzero(below)[0].max())
        rejected[order[: last + 1]] = True
    return rejected.tolist()


def wave_changes(
    cells: Sequence[tuple[int, int, int, int]], alpha: float = 0.05
) -> list[Change]:
    """Newcombe differences for many (x1, n1, x2, n2) cells, with BH across all.

    A change is reliable when it is BH-significant among every cell passed and its
    Newcombe interval (at confidence 1 - alpha) excludes zero.
    """
    differences = [newcombe_difference(*cell, confidence=1 - alpha) for cell in cells]
    p_values = [two_proportion_p_value(*cell) for cell in cells]
    rejected = benjamini_hochberg(p_values, alpha)
    return [
        Change(d, p, bool(r and (d.low > 0 or d.high < 0)))
        for d, p, r in zip(differences, p_values, rejected, strict=True)
    ]


def adequacy(
    n: int, events: int, predictors: int, *, outcome_label: str = DEFAULT_OUTCOME
) -> Adequacy:
    """Whether a wave supports driver analysis.

    At least 100 responses and 10 people per driver in the smaller outcome class
    (events per variable; Peduzzi et al. 1996, J Clin Epidemiol 49:1373-1379).
    """
    if predictors < 1 or not 0 <= events <= n:
        raise ValueError("need 0 <= events <= n and at least one predictor")
    if n < MIN_RESPONSES:
        return Adequacy(
            False,
            f"Driver analysis needs at least {MIN_RESPONSES} responses; "
            f"this wave has {n}.",
        )
    needed = EVENTS_PER_DRIVER * predictors
    smaller, side = min((events, "with"), (n - events, "without"))
    if smaller < needed:
        return Adequacy(
            False,
            f"Driver analysis needs at least {EVENTS_PER_DRIVER} people with and "
            f"without {outcome_label} for each driver; this wave has {smaller} "
            f"{side} {outcome_label}.",
        )
    return Adequacy(True, "")


def _require_finite(array: np.ndarray) -> None:
    if not np.all(np.isfinite(array)):
        raise ValueError("values must be finite; drop incomplete responses first")


def _design(
    drivers: np.ndarray, outcome: np.ndarray, names: Sequence[str] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(drivers, dtype=float)
    y = np.asarray(outcome, dtype=float).ravel()
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] != y.size:
        raise ValueError("drivers must be n x p and outcome must have n values")
    if names is not None and len(names) != x.shape[1]:
        raise ValueError("one name per driver column")
    _require_finite(x)
    _require_finite(y)
    return x, y


def _require_binary(y: np.ndarray) -> None:
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("outcome must be 0 or 1")


def _unusable_drivers(x: np.ndarray, names: Sequence[str]) -> str:
    constant = [
        name for name, column in zip(names, x.T, strict=True) if np.ptp(column) == 0
    ]
    if constant:
        effect = "its effect" if len(constant) == 1 else "their effects"
        return (
            f"Everyone gave the same answer for {', '.join(constant)}, so {effect} "
            "cannot be estimated."
        )
    design = _with_intercept(x)
    if np.linalg.matrix_rank(design) < design.shape[1]:
        return (
            "Some drivers are exact combinations of others, so their separate "
            "effects cannot be estimated."
        )
    return ""


def _with_intercept(x: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(x)), x])


def _fit_logit(x: np.ndarray, y: np.ndarray) -> BinaryResultsWrapper:
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        PerfectSeparationWarning,
    )

    design = _with_intercept(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return sm.Logit(y, design).fit(method="newton", maxiter=100, disp=0)


def _unstable(outcome_label: str) -> DriverModel:
    return DriverModel(
        False,
        "The odds-ratio model did not settle on stable estimates, usually because "
        f"some answers perfectly predict {outcome_label}; odds ratios would mislead.",
    )


def driver_odds_ratios(
    drivers: np.ndarray,
    outcome: np.ndarray,
    names: Sequence[str],
    *,
    outcome_label: str = DEFAULT_OUTCOME,
) -> DriverModel:
    """Adjusted odds ratios per one-point increase, from a multivariable logit.

    Maximum likelihood with an intercept (statsmodels Logit), Wald 95 % intervals
    exp(b +/- 1.96 se) and Wald p-values (Hosmer, Lemeshow & Sturdivant 2013, ch. 2).
    Separation or non-convergence gives ``adequate=False`` with a plain reason.
    """
    x, y = _design(drivers, outcome, names)
    _require_binary(y)
    problem = _unusable_drivers(x, names)
    if problem:
        return DriverModel(False, problem)
    from statsmodels.tools.sm_exceptions import (
        PerfectSeparationError,
        PerfectSeparationWarning,
    )

    try:
        result = _fit_logit(x, y)
    except (PerfectSeparationError, PerfectSeparationWarning, np.linalg.LinAlgError):
        return _unstable(outcome_label)
    params, se = np.asarray(result.params), np.asarray(result.bse)
    if not result.mle_retvals["converged"] or not np.all(np.isfinite(se)):
        return _unstable(outcome_label)
    z = _z(0.95)
    ratios = tuple(
        OddsRatio(name, math.exp(b), math.exp(b - z * s), math.exp(b + z * s), float(p))
        for name, b, s, p in zip(
            names, params[1:], se[1:], np.asarray(result.pvalues)[1:], strict=True
        )
    )
    return DriverModel(True, "", ratios)


def _correlations_from_moments(moments: np.ndarray) -> np.ndarray:
    """Correlation matrices from stacked moment matrices of [1, columns...].

    ``moments[..., 0, 0]`` is the total weight, ``moments[..., 0, 1:]`` the weighted
    sums and the rest the weighted cross-products. A column without variation gets
    correlation 0 with everything else.
    """
    weight = moments[..., :1, :1]
    means = moments[..., 0:1, 1:] / weight
    cov = moments[..., 1:, 1:] / weight - np.swapaxes(means, -1, -2) * means
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=-2, axis2=-1), 0, None))
    inverse = np.divide(1.0, sd, out=np.zeros_like(sd), where=sd > 0)
    corr = cov * inverse[..., :, None] * inverse[..., None, :]
    size = corr.shape[-1]
    corr[..., np.arange(size), np.arange(size)] = 1.0
    return corr


def _raw_weights(corr: np.ndarray) -> np.ndarray:
    """Johnson's raw relative weights from correlation matrices [drivers, outcome].

    Rxx = V diag(e) V', Lambda = V diag(sqrt e) V', beta = Lambda^-1 r_xy,
    weights = Lambda**2 @ beta**2. Near-zero eigenvalues use the pseudo-inverse,
    which keeps the weights summing to R-squared under exact collinearity.
    """
    rxx, rxy = corr[..., :-1, :-1], corr[..., :-1, -1:]
    eigenvalues, vectors = np.linalg.eigh(rxx)
    eigenvalues = np.clip(eigenvalues, 0, None)
    cutoff = _EIGEN_TOLERANCE * eigenvalues.max(axis=-1, keepdims=True)
    root = np.sqrt(eigenvalues)
    inverse_root = np.divide(
        1.0, root, out=np.zeros_like(root), where=eigenvalues > cutoff
    )
    vectors_t = np.swapaxes(vectors, -1, -2)
    lam = (vectors * root[..., None, :]) @ vectors_t
    beta = (vectors * inverse_root[..., None, :]) @ (vectors_t @ rxy)
    return ((lam**2) @ (beta**2))[..., 0]


def _centred_augmented(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """[1, X - mean, y - mean]; centring first avoids cancellation in the moments."""
    data = np.column_stack([x, y])
    data -= data.mean(axis=0)
    return np.column_stack([np.ones(len(data)), data])


def relative_weights(
    drivers: np.ndarray, outcome: np.ndarray, names: Sequence[str] | None = None
) -> RelativeWeights:
    """Johnson's relative weights for a linear model (Johnson 2000, MBR 35:1-19).

    Works for a 0/1 or continuous outcome; the raw weights sum to the OLS R-squared.
    Without ``names`` the drivers are called x1, x2, ...
    """
    x, y = _design(drivers, outcome, names)
    names = (
        tuple(names)
        if names is not None
        else tuple(f"x{j + 1}" for j in range(x.shape[1]))
    )
    z = _centred_augmented(x, y)
    raw = _raw_weights(_correlations_from_moments(z.T @ z))
    r_squared = float(raw.sum())
    percent = 100 * raw / r_squared if r_squared > 0 else np.zeros_like(raw)
    raw.flags.writeable = False
    percent.flags.writeable = False
    return RelativeWeights(names, raw, percent, r_squared)


def _poisson_weights(rng: np.random.Generator, reps: int, rows: int) -> np.ndarray:
    """Poisson(1) frequencies by inversion of uniforms (fast for a fixed mean)."""
    cdf = np.cumsum([math.exp(-1) / math.factorial(j) for j in range(30)])
    counts = np.searchsorted(cdf, rng.random((reps, rows)), side="right")
    return counts.astype(float)


def _pair_products(block: np.ndarray) -> np.ndarray:
    """Row-wise products of every column pair (i <= j), in triu order."""
    k = block.shape[1]
    return np.concatenate(
        [block[:, i : i + 1] * block[:, i:] for i in range(k)], axis=1
    )


def _bootstrap_moments(z: np.ndarray, reps: int, seed: int) -> np.ndarray:
    """Moment matrices Z' diag(w) Z for ``reps`` Poisson bootstrap weight vectors.

    Weights are drawn block by block, so no resampled copy of the data is made
    (Hanley & MacGibbon 2006, Comput Methods Programs Biomed 83:57-62).
    """
    rng = np.random.default_rng(seed)
    k = z.shape[1]
    upper = np.triu_indices(k)
    packed = np.zeros((reps, upper[0].size))
    for start in range(0, len(z), _ROW_BLOCK):
        block = z[start : start + _ROW_BLOCK]
        packed += _poisson_weights(rng, reps, len(block)) @ _pair_products(block)
    moments = np.zeros((reps, k, k))
    moments[:, upper[0], upper[1]] = packed
    moments[:, upper[1], upper[0]] = packed
    return moments


def relative_weights_bootstrap(
    drivers: np.ndarray,
    outcome: np.ndarray,
    names: Sequence[str],
    reps: int = 200,
    seed: int = 0,
    confidence: float = 0.95,
) -> list[WeightInterval]:
    """Percentile bootstrap intervals for each raw relative weight.

    Poisson bootstrap on weighted sufficient statistics (Tonidandel, LeBreton &
    Johnson 2009, Psychol Methods 14:387-399, for bootstrapping relative weights).
    """
    if reps < 2:
        raise ValueError("reps must be at least 2")
    _z(confidence)
    point = relative_weights(drivers, outcome, names)
    x, y = _design(drivers, outcome, names)
    replicates = _raw_weights(
        _correlations_from_moments(
            _bootstrap_moments(_centred_augmented(x, y), reps, seed)
        )
    )
    tails = [(1 - confidence) / 2, (1 + confidence) / 2]
    low, high = np.quantile(replicates, tails, axis=0)
    return [
        WeightInterval(name, float(raw), float(lo), float(hi))
        for name, raw, lo, hi in zip(point.names, point.raw, low, high, strict=True)
    ]


def drivers_analyse(
    drivers: np.ndarray,
    outcome: np.ndarray,
    names: Sequence[str],
    *,
    reps: int = 200,
    seed: int = 0,
    outcome_label: str = DEFAULT_OUTCOME,
) -> DriverAnalysis:
    """Adequacy check, then odds ratios and bootstrapped relative weights.

    When the wave is not adequate nothing heavy is computed.
    """
    x, y = _design(drivers, outcome, names)
    _require_binary(y)
    check = adequacy(y.size, int(y.sum()), x.shape[1], outcome_label=outcome_label)
    if not check.ok:
        return DriverAnalysis(check)
    return DriverAnalysis(
        check,
        driver_odds_ratios(x, y, names, outcome_label=outcome_label),
        relative_weights(x, y, names),
        tuple(relative_weights_bootstrap(x, y, names, reps=reps, seed=seed)),
    )
