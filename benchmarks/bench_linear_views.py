"""CIFAR-10 linear algebra: the book's closed forms vs scikit-learn on the same data.

Least squares with one-hot targets, 2-D PCA and 2-D CCA, each timed from the raw pixels
(:class:`benchmarks.linear_views_reference.ClosedForms` plus the solve) against scikit-learn's
LinearRegression / Ridge, PCA and CCA (scikit-learn is a benchmark-only dependency).
The results must agree: equal test accuracies, variances and canonical correlations
within 1e-3. A last pair of rows times the full-size problem, 50,000 x 3,072.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.common import Row, median_seconds
from benchmarks.linear_views_reference import ClosedForms
from helpers.cifar10.linear_views import flatten_images
from helpers.data import load_cifar10

GROUP = "CIFAR-10 linear algebra"
CHAPTER_RIDGE = 1e-3  # the chapter's default (relative to the mean pixel variance)


def _accuracy(scores: np.ndarray, labels: np.ndarray) -> float:
    return float((scores.argmax(1) == labels).mean())


def run(repeats: int = 3) -> list[Row]:
    from sklearn.cross_decomposition import CCA
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LinearRegression, Ridge

    data = load_cifar10(verbose=False)
    x, x_test = flatten_images(data.x_train), flatten_images(data.x_test)
    y, y_test = data.y_train, data.y_test
    xf, xf_test, onehot = x / 255.0, x_test / 255.0, np.eye(10)[y]
    size = f"{len(x):,} x {x.shape[1]:,}"
    rows = []

    def moments() -> ClosedForms:
        return ClosedForms(x, y, scale=1 / 255)

    # least squares, plain and with the chapter's ridge
    for ridge in (0.0, CHAPTER_RIDGE):
        lam = moments().ridge_value(ridge)
        t_book, _ = median_seconds(lambda: moments().least_squares(ridge), repeats)

        def reference() -> object:
            return (LinearRegression() if ridge == 0 else Ridge(alpha=lam * len(x))).fit(xf, onehot)

        t_ref, _ = median_seconds(reference, repeats)
        ours = _accuracy(moments().least_squares(ridge).predict(x_test), y_test)
        theirs = _accuracy(reference().predict(xf_test), y_test)
        if ours != theirs:
            raise AssertionError(f"least squares (ridge {ridge}): test accuracy {ours} vs {theirs}")
        rows.append(Row(GROUP, f"least squares, ridge {ridge:g}, {size}", "s", t_book,
                        comparison=t_ref, runs=repeats,
                        comparison_name="sklearn " + ("LinearRegression" if ridge == 0 else "Ridge"),
                        notes=f"test accuracy {ours:.4f} in both"))

    # PCA
    t_book, _ = median_seconds(lambda: moments().pca(2), repeats)
    t_ref, _ = median_seconds(lambda: PCA(2, random_state=0).fit(xf), repeats)
    ours_pca = moments().pca(2).values
    theirs_pca = PCA(2, random_state=0).fit(xf).explained_variance_ * (len(x) - 1) / len(x)
    gap = float(np.max(np.abs(ours_pca - theirs_pca) / theirs_pca))
    if gap > 1e-3:
        raise AssertionError(f"PCA variances differ by {gap:.1e}")
    rows.append(Row(GROUP, f"2-D PCA, {size}", "s", t_book, comparison=t_ref, runs=repeats,
                    comparison_name="sklearn PCA", notes=f"variances agree to {gap:.0e}"))

    # CCA (scikit-learn's iterative CCA is slow: timed once)
    t_book, _ = median_seconds(lambda: moments().cca(2, ridge=0.0), repeats)
    start = time.perf_counter()
    cca = CCA(n_components=2, scale=False, max_iter=1000, tol=1e-10).fit(xf, onehot)
    t_ref = time.perf_counter() - start
    u, v = cca.transform(xf, onehot)
    theirs_cca = np.sort([abs(np.corrcoef(u[:, i], v[:, i])[0, 1]) for i in range(2)])[::-1]
    ours_cca = moments().cca(2, ridge=0.0).values
    gap = float(np.max(np.abs(theirs_cca - ours_cca)))
    if gap > 1e-3:
        raise AssertionError(f"canonical correlations differ by {gap:.1e}: {ours_cca} vs {theirs_cca}")
    rows.append(Row(GROUP, f"2-D CCA, {size}", "s", t_book, comparison=t_ref, runs=repeats,
                    comparison_name="sklearn CCA (timed once)",
                    notes=f"canonical correlations {np.round(ours_cca, 4).tolist()} in both "
                          f"(gap {gap:.0e})"))

    # the full-size problem: the real images tiled to 50,000 rows (timing only)
    reps = -(-50_000 // len(x))
    big_x, big_y = np.tile(x, (reps, 1))[:50_000], np.tile(y, reps)[:50_000]

    def book_all() -> None:
        m = ClosedForms(big_x, big_y, scale=1 / 255)
        m.least_squares(CHAPTER_RIDGE), m.pca(2), m.cca(2, CHAPTER_RIDGE)

    t_book, _ = median_seconds(book_all, 1, warmup=0)
    start = time.perf_counter()
    LinearRegression().fit(big_x / 255.0, np.eye(10)[big_y])
    t_ref = time.perf_counter() - start
    rows.append(Row(GROUP, "least squares + PCA + CCA, 50,000 x 3,072", "s", t_book,
                    comparison=t_ref, comparison_name="sklearn LinearRegression alone",
                    budget="seconds", runs=1,
                    notes=f"the {len(x):,} real images tiled to 50,000 rows (timing only)"))
    return rows
