"""Every statistic in surveys.analytics checked against an independent computation."""

import itertools

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)
from statsmodels.stats.weightstats import DescrStatsW

from surveys import analytics
from surveys.analytics import (
    Adequacy,
    Change,
    DriverModel,
    Estimate,
    adequacy,
    benjamini_hochberg,
    driver_odds_ratios,
    drivers_analyse,
    mean_estimate,
    mean_estimate_from_moments,
    newcombe_difference,
    proportion,
    relative_weights,
    relative_weights_bootstrap,
    two_proportion_p_value,
    wave_changes,
    wilson_interval,
)

COUNT_GRID = [
    (x, n)
    for n in (1, 2, 5, 13, 40, 250, 3000)
    for x in sorted({0, 1, n // 3, n - 1, n})
]
CONFIDENCES = (0.8, 0.9, 0.95, 0.99)


def simulate_logit(n, odds_ratios, seed, intercept=-1.0):
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, size=(n, len(odds_ratios))).astype(float)
    x[:, 0] += rng.normal(0, 0.5, size=n)
    linear = intercept + (x - 3) @ np.log(odds_ratios)
    y = (rng.random(n) < 1 / (1 + np.exp(-linear))).astype(float)
    return x, y


def correlated_drivers(n, seed, p=4):
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(p, p)) * 0.5 + np.eye(p)
    x = rng.normal(size=(n, p)) @ mixing
    y = x @ np.linspace(0.6, -0.2, p) + rng.normal(size=n)
    return x, y


def johnson_by_svd(x, y):
    """Johnson's weights via the orthogonal Procrustes route (Z = P Q', Lambda = Q D Q')."""
    xs = x - x.mean(axis=0)
    xs /= np.sqrt((xs**2).sum(axis=0))
    ys = y - y.mean()
    ys /= np.sqrt(ys @ ys)
    p, d, qt = np.linalg.svd(xs, full_matrices=False)
    orthogonal = p @ qt
    lam = qt.T @ np.diag(d) @ qt
    beta = orthogonal.T @ ys
    return (lam**2) @ beta**2


def negative_log_likelihood(beta, design, y):
    linear = design @ beta
    return np.sum(np.logaddexp(0, linear) - y * linear)


def gradient(beta, design, y):
    return design.T @ (1 / (1 + np.exp(-design @ beta)) - y)


# Wilson and single proportions


@pytest.mark.parametrize("confidence", CONFIDENCES)
def test_wilson_matches_statsmodels_over_a_grid_including_zero_and_all(confidence):
    for x, n in COUNT_GRID:
        low, high = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
        interval = wilson_interval(x, n, confidence)
        assert interval.low == pytest.approx(low, abs=1e-12)
        assert interval.high == pytest.approx(high, abs=1e-12)


def test_wilson_interval_touches_zero_and_one_at_the_extremes():
    assert wilson_interval(0, 20).low == 0.0
    assert wilson_interval(20, 20).high == 1.0


def test_wilson_interval_refuses_no_responses():
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


def test_wilson_interval_refuses_more_successes_than_responses():
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


def test_proportion_reports_the_observed_share_with_its_wilson_interval():
    estimate = proportion(37, 120)
    low, high = proportion_confint(37, 120, method="wilson")
    assert estimate == Estimate(37 / 120, pytest.approx(low), pytest.approx(high), 120)


# Means


@pytest.mark.parametrize("confidence", CONFIDENCES)
def test_mean_interval_matches_scipy_t_interval_and_descrstatsw(confidence):
    values = np.random.default_rng(3).integers(1, 6, size=57).astype(float)
    estimate = mean_estimate(values, confidence)
    low, high = stats.t.interval(
        confidence, len(values) - 1, loc=values.mean(), scale=stats.sem(values)
    )
    described = DescrStatsW(values).tconfint_mean(alpha=1 - confidence)
    assert estimate.value == pytest.approx(values.mean())
    assert (estimate.low, estimate.high) == pytest.approx((low, high), rel=1e-10)
    assert (estimate.low, estimate.high) == pytest.approx(described, rel=1e-10)
    assert estimate.n == 57


def test_mean_from_sql_aggregates_equals_mean_from_rows():
    values = np.random.default_rng(4).normal(3.2, 1.1, size=400)
    from_rows = mean_estimate(values)
    from_moments = mean_estimate_from_moments(
        len(values), float(values.sum()), float((values**2).sum())
    )
    assert from_moments.value == pytest.approx(from_rows.value, rel=1e-12)
    assert from_moments.low == pytest.approx(from_rows.low, rel=1e-9)
    assert from_moments.high == pytest.approx(from_rows.high, rel=1e-9)
    assert from_moments.n == from_rows.n


def test_mean_of_identical_answers_has_a_zero_width_interval():
    estimate = mean_estimate_from_moments(5, 20.0, 80.0)
    assert (estimate.value, estimate.low, estimate.high) == (4.0, 4.0, 4.0)


def test_mean_interval_needs_two_values():
    with pytest.raises(ValueError):
        mean_estimate(np.array([3.0]))


def test_mean_refuses_missing_answers():
    with pytest.raises(ValueError):
        mean_estimate(np.array([3.0, np.nan, 4.0]))


# Differences between waves


@pytest.mark.parametrize("confidence", (0.9, 0.95, 0.99))
def test_newcombe_matches_statsmodels_with_later_wave_minus_earlier(confidence):
    cells = [
        (x1, n1, x2, n2)
        for (x1, n1), (x2, n2) in itertools.product(COUNT_GRID[::3], COUNT_GRID[1::4])
    ]
    for x1, n1, x2, n2 in cells:
        low, high = confint_proportions_2indep(
            x2, n2, x1, n1, method="newcomb", compare="diff", alpha=1 - confidence
        )
        estimate = newcombe_difference(x1, n1, x2, n2, confidence)
        assert estimate.value == pytest.approx(x2 / n2 - x1 / n1)
        assert estimate.low == pytest.approx(low, abs=1e-10)
        assert estimate.high == pytest.approx(high, abs=1e-10)
        assert estimate.n == n1 + n2


@pytest.mark.parametrize(
    ("later", "earlier", "expected"),
    [
        ((56, 70), (48, 80), (0.2000, 0.0524, 0.3339)),
        ((9, 10), (3, 10), (0.6000, 0.1705, 0.8090)),
        ((5, 56), (0, 29), (0.0893, -0.0381, 0.1926)),
        ((0, 10), (0, 20), (0.0000, -0.1611, 0.2775)),
        ((0, 10), (0, 10), (0.0000, -0.2775, 0.2775)),
    ],
)
def test_newcombe_reproduces_method_10_examples_from_newcombe_1998(
    later, earlier, expected
):
    estimate = newcombe_difference(*earlier, *later)
    assert (estimate.value, estimate.low, estimate.high) == pytest.approx(
        expected, abs=5e-5
    )


def test_p_value_matches_statsmodels_pooled_z_test():
    for x1, n1, x2, n2 in [(48, 80, 56, 70), (3, 10, 9, 10), (120, 400, 90, 410)]:
        _, expected = proportions_ztest([x2, x1], [n2, n1])
        assert two_proportion_p_value(x1, n1, x2, n2) == pytest.approx(expected)


def test_p_value_is_one_when_both_waves_answer_identically_at_an_extreme():
    assert two_proportion_p_value(0, 30, 0, 40) == 1.0
    assert two_proportion_p_value(30, 30, 40, 40) == 1.0


# Benjamini-Hochberg


@pytest.mark.parametrize("alpha", (0.01, 0.05, 0.1, 0.2))
def test_benjamini_hochberg_matches_statsmodels_fdr_bh(alpha):
    rng = np.random.default_rng(5)
    for size in (1, 2, 7, 30, 200):
        p_values = np.concatenate(
            [rng.uniform(0, 0.02, size // 3), rng.uniform(0, 1, size - size // 3)]
        )
        rng.shuffle(p_values)
        expected, *_ = multipletests(p_values, alpha=alpha, method="fdr_bh")
        assert benjamini_hochberg(p_values.tolist(), alpha) == expected.tolist()


def test_benjamini_hochberg_handles_ties_in_input_order():
    p_values = [0.04, 0.01, 0.04, 0.5, 0.01, 0.04]
    expected, *_ = multipletests(p_values, alpha=0.05, method="fdr_bh")
    assert benjamini_hochberg(p_values) == expected.tolist()


def test_benjamini_hochberg_of_nothing_is_nothing():
    assert benjamini_hochberg([]) == []


def test_wave_changes_agree_with_an_independent_recomputation():
    rng = np.random.default_rng(6)
    cells = []
    for _ in range(25):
        n1, n2 = (int(v) for v in rng.integers(30, 400, size=2))
        p1 = rng.uniform(0.1, 0.7)
        p2 = p1 + rng.choice([0.0, 0.0, 0.15, -0.15])
        cells.append((int(rng.binomial(n1, p1)), n1, int(rng.binomial(n2, p2)), n2))
    changes = wave_changes(cells)
    p_values = [proportions_ztest([x2, x1], [n2, n1])[1] for x1, n1, x2, n2 in cells]
    significant, *_ = multipletests(p_values, alpha=0.05, method="fdr_bh")
    for change, cell, sig in zip(changes, cells, significant, strict=True):
        x1, n1, x2, n2 = cell
        low, high = confint_proportions_2indep(
            x2, n2, x1, n1, method="newcomb", compare="diff"
        )
        assert change.reliable == bool(sig and (low > 0 or high < 0))
    assert any(change.reliable for change in changes)
    assert not all(change.reliable for change in changes)


def test_a_change_significant_alone_is_not_reliable_among_many_null_cells():
    real = (40, 200, 60, 200)
    alone = wave_changes([real])[0]
    crowded = wave_changes([real] + [(50, 200, 50, 200)] * 19)[0]
    assert alone.p_value < 0.05
    assert alone.reliable
    assert not crowded.reliable
    assert crowded.label == "no reliable change"


def test_change_labels_say_which_way_a_reliable_change_went():
    up = wave_changes([(20, 200, 80, 200)])[0]
    down = wave_changes([(80, 200, 20, 200)])[0]
    assert up.label == "reliable increase"
    assert down.label == "reliable decrease"


def test_a_significant_change_whose_interval_crosses_zero_is_not_reliable():
    estimate = Estimate(0.1, -0.01, 0.2, 100)
    assert Change(estimate, 0.01, False).label == "no reliable change"


# Odds ratios


def test_odds_ratios_match_an_independent_maximum_likelihood_fit():
    x, y = simulate_logit(1500, [1.6, 0.7, 1.1], seed=7)
    design = np.column_stack([np.ones(len(y)), x])
    fit = optimize.minimize(
        negative_log_likelihood,
        np.zeros(design.shape[1]),
        args=(design, y),
        jac=gradient,
        method="BFGS",
        options={"gtol": 1e-10},
    )
    fitted = 1 / (1 + np.exp(-design @ fit.x))
    hessian = design.T @ (design * (fitted * (1 - fitted))[:, None])
    se = np.sqrt(np.diag(np.linalg.inv(hessian)))
    z = stats.norm.ppf(0.975)
    model = driver_odds_ratios(x, y, ["a", "b", "c"])
    assert model.adequate
    for j, ratio in enumerate(model.odds_ratios, start=1):
        assert np.log(ratio.value) == pytest.approx(fit.x[j], abs=1e-5)
        assert np.log(ratio.low) == pytest.approx(fit.x[j] - z * se[j], abs=1e-5)
        assert np.log(ratio.high) == pytest.approx(fit.x[j] + z * se[j], abs=1e-5)
        expected_p = 2 * stats.norm.sf(abs(fit.x[j] / se[j]))
        assert ratio.p_value == pytest.approx(expected_p, rel=1e-3, abs=1e-12)
    assert [ratio.name for ratio in model.odds_ratios] == ["a", "b", "c"]


def test_odds_ratios_recover_known_truth_on_large_simulated_data():
    truth = [1.5, 0.7, 1.0]
    x, y = simulate_logit(60_000, truth, seed=8)
    model = driver_odds_ratios(x, y, ["a", "b", "c"])
    for ratio, true_value in zip(model.odds_ratios, truth, strict=True):
        assert abs(np.log(ratio.value) - np.log(true_value)) < 0.05
        assert ratio.low < ratio.value < ratio.high


def test_complete_separation_gives_a_plain_reason_instead_of_an_error():
    rng = np.random.default_rng(9)
    x = rng.integers(1, 6, size=(300, 2)).astype(float)
    y = (x[:, 0] >= 4).astype(float)
    model = driver_odds_ratios(x, y, ["workload", "sleep"])
    assert not model.adequate
    assert "perfectly predict high stress" in model.reason
    assert model.odds_ratios == ()


def test_quasi_complete_separation_gives_a_plain_reason():
    rng = np.random.default_rng(10)
    night_shifts = (rng.random(400) < 0.2).astype(float)
    x = np.column_stack([night_shifts, rng.normal(size=400)])
    y = np.where(night_shifts == 1, 1.0, (rng.random(400) < 0.3).astype(float))
    model = driver_odds_ratios(x, y, ["night shifts", "sleep"], outcome_label="burnout")
    assert not model.adequate
    assert "burnout" in model.reason


def test_a_driver_everyone_answered_the_same_is_named_in_the_reason():
    x, y = simulate_logit(300, [1.5, 1.2], seed=11)
    x[:, 1] = 3.0
    model = driver_odds_ratios(x, y, ["workload", "sleep"])
    assert model == DriverModel(
        False,
        "Everyone gave the same answer for sleep, so its effect cannot be estimated.",
    )


def test_drivers_that_duplicate_each_other_give_a_plain_reason():
    x, y = simulate_logit(300, [1.5, 1.2], seed=12)
    x = np.column_stack([x, x[:, 0] + x[:, 1]])
    model = driver_odds_ratios(x, y, ["a", "b", "a plus b"])
    assert not model.adequate
    assert "combinations" in model.reason


def test_odds_ratios_refuse_an_outcome_that_is_not_zero_or_one():
    with pytest.raises(ValueError):
        driver_odds_ratios(np.ones((10, 1)), np.full(10, 2.0), ["a"])


# Relative weights


@pytest.mark.parametrize("binary", (False, True))
def test_relative_weights_sum_to_the_ols_r_squared(binary):
    x, y = correlated_drivers(800, seed=13)
    if binary:
        y = (y > 0.3).astype(float)
    weights = relative_weights(x, y)
    r_squared = sm.OLS(y, sm.add_constant(x)).fit().rsquared
    assert weights.raw.sum() == pytest.approx(r_squared, rel=1e-10)
    assert weights.r_squared == pytest.approx(r_squared, rel=1e-10)
    assert weights.percent.sum() == pytest.approx(100)
    assert np.all(weights.raw >= 0)


def test_relative_weights_of_uncorrelated_drivers_are_squared_correlations():
    rng = np.random.default_rng(14)
    raw = rng.normal(size=(500, 3))
    centred = raw - raw.mean(axis=0)
    x, _ = np.linalg.qr(centred)
    y = x @ [2.0, -1.0, 0.5] + rng.normal(size=500) * 0.05
    squared = [np.corrcoef(x[:, j], y)[0, 1] ** 2 for j in range(3)]
    assert relative_weights(x, y).raw == pytest.approx(squared, rel=1e-9)


def test_relative_weights_do_not_change_when_a_driver_is_rescaled():
    x, y = correlated_drivers(400, seed=15)
    rescaled = x.copy()
    rescaled[:, 1] = 7 * rescaled[:, 1] + 100
    rescaled[:, 2] *= -0.01
    assert relative_weights(rescaled, y).raw == pytest.approx(
        relative_weights(x, y).raw, rel=1e-9
    )


def test_relative_weights_agree_with_the_svd_procrustes_formulation():
    for seed in (16, 17, 18):
        x, y = correlated_drivers(600, seed=seed, p=5)
        assert relative_weights(x, y).raw == pytest.approx(
            johnson_by_svd(x, y), rel=1e-9, abs=1e-14
        )


@pytest.mark.filterwarnings("ignore:The design matrix is rank-deficient")
def test_relative_weights_keep_summing_to_r_squared_under_exact_collinearity():
    x, y = correlated_drivers(300, seed=19, p=3)
    x = np.column_stack([x, x[:, 0] - x[:, 1]])
    r_squared = sm.OLS(y, sm.add_constant(x)).fit().rsquared
    assert relative_weights(x, y).raw.sum() == pytest.approx(r_squared, rel=1e-8)


def test_relative_weights_use_given_names_or_number_the_drivers():
    x, y = correlated_drivers(100, seed=20, p=2)
    assert relative_weights(x, y).names == ("x1", "x2")
    assert relative_weights(x, y, ["sleep", "shifts"]).names == ("sleep", "shifts")


def test_relative_weights_cannot_be_altered_after_the_fact():
    x, y = correlated_drivers(100, seed=20, p=2)
    weights = relative_weights(x, y)
    with pytest.raises(ValueError):
        weights.raw[0] = 1.0


# Bootstrap


def test_bootstrap_intervals_contain_the_point_estimates():
    x, y = correlated_drivers(1500, seed=21)
    point = relative_weights(x, y).raw
    intervals = relative_weights_bootstrap(x, y, list("abcd"), reps=150, seed=1)
    for interval, raw in zip(intervals, point, strict=True):
        assert interval.raw == pytest.approx(raw)
        assert interval.low <= raw <= interval.high


def test_bootstrap_is_reproducible_with_the_same_seed():
    x, y = correlated_drivers(700, seed=22)
    first = relative_weights_bootstrap(x, y, list("abcd"), reps=60, seed=3)
    again = relative_weights_bootstrap(x, y, list("abcd"), reps=60, seed=3)
    other = relative_weights_bootstrap(x, y, list("abcd"), reps=60, seed=4)
    assert first == again
    assert first != other


def test_bootstrap_intervals_narrow_as_the_wave_grows():
    def widths(n):
        x, y = correlated_drivers(n, seed=23)
        intervals = relative_weights_bootstrap(x, y, list("abcd"), reps=120, seed=5)
        return np.array([i.high - i.low for i in intervals])

    assert np.all(widths(8000) < widths(500))


def test_bootstrap_weights_follow_a_poisson_one_distribution():
    weights = analytics._poisson_weights(np.random.default_rng(6), 50, 4000)
    observed = np.bincount(weights.astype(int).ravel(), minlength=6)[:6] / weights.size
    assert observed == pytest.approx(stats.poisson.pmf(np.arange(6), 1.0), abs=2e-3)


def test_bootstrap_moments_equal_cross_products_of_resampled_rows():
    x, y = correlated_drivers(50, seed=24, p=2)
    z = analytics._centred_augmented(x, y)
    moments = analytics._bootstrap_moments(z, reps=3, seed=6)
    replayed = analytics._poisson_weights(np.random.default_rng(6), 3, len(z))
    for rep, weights in enumerate(replayed):
        resampled = np.repeat(z, weights.astype(int), axis=0)
        assert moments[rep] == pytest.approx(resampled.T @ resampled, abs=1e-9)


# Adequacy and the combined analysis


def test_adequacy_needs_one_hundred_responses():
    assert adequacy(100, 50, 1).ok
    refused = adequacy(99, 50, 1)
    assert refused == Adequacy(
        False, "Driver analysis needs at least 100 responses; this wave has 99."
    )


def test_adequacy_counts_ten_people_with_the_outcome_per_driver():
    assert adequacy(400, 40, 4).ok
    assert adequacy(400, 39, 4) == Adequacy(
        False,
        "Driver analysis needs at least 10 people with and without high stress for "
        "each driver; this wave has 39 with high stress.",
    )


def test_adequacy_counts_ten_people_without_the_outcome_per_driver():
    assert adequacy(400, 360, 4).ok
    refused = adequacy(400, 361, 4)
    assert not refused.ok
    assert refused.reason.endswith("this wave has 39 without high stress.")


def test_adequacy_names_the_outcome_it_was_given():
    reason = adequacy(400, 37, 4, outcome_label="burnout").reason
    assert reason.endswith("this wave has 37 with burnout.")


def test_adequacy_refuses_impossible_counts():
    with pytest.raises(ValueError):
        adequacy(100, 101, 2)
    with pytest.raises(ValueError):
        adequacy(100, 10, 0)


def test_driver_analysis_skips_the_heavy_parts_when_the_wave_is_too_small():
    x, y = simulate_logit(90, [1.5, 1.2], seed=25)
    analysis = drivers_analyse(x, y, ["a", "b"])
    assert not analysis.adequate
    assert analysis.model is None
    assert analysis.weights is None
    assert analysis.intervals == ()


def test_driver_analysis_combines_odds_ratios_and_weights_with_intervals():
    x, y = simulate_logit(1200, [1.6, 0.7, 1.1], seed=26)
    analysis = drivers_analyse(x, y, ["a", "b", "c"], reps=80)
    assert analysis.adequate
    assert analysis.model.adequate
    assert [r.name for r in analysis.model.odds_ratios] == ["a", "b", "c"]
    assert analysis.weights.names == ("a", "b", "c")
    assert [i.name for i in analysis.intervals] == ["a", "b", "c"]


def test_driver_analysis_reports_separation_but_still_weighs_drivers():
    rng = np.random.default_rng(27)
    x = rng.integers(1, 6, size=(500, 2)).astype(float)
    y = (x[:, 0] >= 3).astype(float)
    analysis = drivers_analyse(x, y, ["workload", "sleep"], reps=30)
    assert analysis.adequate
    assert not analysis.model.adequate
    assert analysis.weights.raw[0] > analysis.weights.raw[1]
