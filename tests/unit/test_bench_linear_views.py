"""benchmarks.linear_views_reference: the benchmark's closed-form PCA, CCA and least squares
against reference solvers."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import linear_views_reference as lv


def labelled_data(n: int = 300, d: int = 12, classes: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Features that depend on the class plus noise, with a non-trivial mean and spectrum."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    centres = rng.normal(size=(classes, d)) * 2
    x = centres[y] + rng.normal(size=(n, d)) @ np.diag(np.linspace(0.5, 3, d)) + 5
    return x, y


def test_least_squares_without_ridge_matches_lstsq() -> None:
    x, y = labelled_data()
    model = lv.ClosedForms(x, y, n_classes=4).least_squares(ridge=0.0)
    design = np.hstack([x, np.ones((len(x), 1))])
    reference, *_ = np.linalg.lstsq(design, lv.one_hot(y, 4), rcond=None)
    np.testing.assert_allclose(model.weights, reference[:-1], rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(model.bias, reference[-1], rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(model.predict(x), design @ reference, atol=1e-10)


def test_least_squares_with_ridge_matches_augmented_lstsq() -> None:
    x, y = labelled_data(seed=1)
    moments = lv.ClosedForms(x, y, n_classes=4, scale=0.5)
    model = moments.least_squares(ridge=0.3)
    lam = moments.ridge_value(0.3)
    xs = x * 0.5
    n, d = xs.shape
    # minimise ||[X 1] beta - Y||^2 + n lam ||W||^2: extra rows sqrt(n lam) [I 0] with zero targets
    design = np.vstack([np.hstack([xs, np.ones((n, 1))]),
                        np.hstack([np.sqrt(n * lam) * np.eye(d), np.zeros((d, 1))])])
    targets = np.vstack([lv.one_hot(y, 4), np.zeros((d, 4))])
    reference, *_ = np.linalg.lstsq(design, targets, rcond=None)
    np.testing.assert_allclose(model.weights, reference[:-1], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(model.bias, reference[-1], rtol=1e-8, atol=1e-10)
    assert lam == pytest.approx(0.3 * np.trace(np.cov(xs.T, bias=True)) / d)


@pytest.mark.parametrize("d", [12, 600])
def test_pca_matches_svd(d: int) -> None:
    rng = np.random.default_rng(2)
    n = 800
    # a spectrum with clear gaps at the top, as images have
    x = rng.normal(size=(n, d)) * np.concatenate([[9.0, 6.0, 4.0], np.ones(d - 3)]) + 1.0
    y = np.arange(n) % 10
    view = lv.ClosedForms(x, y).pca(k=3)
    centred = x - x.mean(0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    np.testing.assert_allclose(view.values, s[:3] ** 2 / n, rtol=1e-9)
    np.testing.assert_allclose(np.abs(view.directions.T @ vt[:3].T), np.eye(3), atol=1e-7)
    np.testing.assert_allclose(np.abs(view.transform(x)), np.abs(centred @ vt[:3].T), atol=1e-6)


def test_pca_falls_back_to_eigh_when_iteration_is_slow() -> None:
    x = np.random.default_rng(5).normal(size=(1000, 600))  # a flat spectrum: no gap to exploit
    view = lv.ClosedForms(x, np.zeros(1000, dtype=int)).pca(k=2, max_iter=3)
    values, vectors = np.linalg.eigh(np.cov(x.T, bias=True))
    np.testing.assert_allclose(view.values, values[::-1][:2], rtol=1e-9)
    np.testing.assert_allclose(np.abs(view.directions.T @ vectors[:, ::-1][:, :2]), np.eye(2), atol=1e-8)


def canonical_reference(x: np.ndarray, y: np.ndarray, classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Bjorck-Golub: correlations are the singular values of Qx^T Qy (orthonormal bases)."""
    xc = x - x.mean(0)
    yc = lv.one_hot(y, classes)[:, :-1]  # one column is redundant after centring
    yc = yc - yc.mean(0)
    qx, rx = np.linalg.qr(xc)
    qy, _ = np.linalg.qr(yc)
    u, s, _ = np.linalg.svd(qx.T @ qy)
    directions = np.linalg.solve(rx, u) * np.sqrt(len(x))  # unit variance (1/n convention)
    return s, directions


def test_cca_matches_qr_svd_reference() -> None:
    x, y = labelled_data(n=400, d=15, classes=5, seed=3)
    view = lv.ClosedForms(x, y, n_classes=5).cca(k=3, ridge=0.0)
    correlations, directions = canonical_reference(x, y, 5)
    np.testing.assert_allclose(view.values, correlations[:3], rtol=1e-9)
    variates = view.transform(x)
    expected = (x - x.mean(0)) @ directions[:, :3]
    np.testing.assert_allclose(np.abs(variates), np.abs(expected), atol=1e-8)
    np.testing.assert_allclose(variates.var(0), 1.0, rtol=1e-9)


def test_cca_has_at_most_classes_minus_one_correlations_and_lies_in_the_ls_span() -> None:
    x, y = labelled_data(n=500, d=20, classes=4, seed=4)
    moments = lv.ClosedForms(x, y, n_classes=4)
    view = moments.cca(k=4, ridge=0.01)
    assert view.values[2] > 1e-3 and view.values[3] < 1e-12
    weights = moments.least_squares(ridge=0.01).weights
    leading = view.directions[:, :3]  # the directions with non-zero correlation
    coefficients, *_ = np.linalg.lstsq(weights, leading, rcond=None)
    np.testing.assert_allclose(weights @ coefficients, leading, atol=1e-10)
    assert np.linalg.norm(weights @ np.linalg.lstsq(weights, x[:5].T, rcond=None)[0] - x[:5].T) > 1


def test_one_hot() -> None:
    np.testing.assert_array_equal(lv.one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: lv.ClosedForms(np.ones(5), np.zeros(5, dtype=int)), ValueError, r"x must have shape"),
        (lambda: lv.ClosedForms([[1.0, 2.0]], np.zeros(1, dtype=int)), TypeError, "numpy array"),
        (lambda: lv.ClosedForms(np.ones((4, 2)), np.zeros(3, dtype=int)), ValueError, r"y must have shape \(4,\)"),
        (lambda: lv.ClosedForms(np.ones((4, 2)), np.array([0, 1, 2, 10])), ValueError, r"labels must lie in 0..9"),
        (lambda: lv.ClosedForms(np.ones((4, 2)), np.zeros(4)), TypeError, "integer class labels"),
        (lambda: lv.ClosedForms(np.full((4, 2), np.nan), np.zeros(4, dtype=int)), ValueError, "NaN"),
    ],
)
def test_bad_input_is_named(call, error, pattern) -> None:
    with pytest.raises(error, match=pattern):
        call()


def test_bad_ridge_k_and_singular_systems() -> None:
    x, y = labelled_data()
    moments = lv.ClosedForms(x, y, n_classes=4)
    with pytest.raises(ValueError, match="ridge must be a finite non-negative"):
        moments.least_squares(ridge=-1.0)
    with pytest.raises(ValueError, match=r"k must be an int in 1..4"):
        moments.cca(k=5)
    with pytest.raises(ValueError, match=r"k must be an int in 1..12"):
        moments.pca(k=0)
    with pytest.raises(ValueError, match="x has 3 features, the model expects 12"):
        moments.least_squares().predict(np.ones((2, 3)))
    collinear = np.hstack([x, np.full((len(x), 1), 7.0)])  # a constant pixel: S_xx is singular
    with pytest.raises(np.linalg.LinAlgError, match="positive ridge"):
        lv.ClosedForms(collinear, y, n_classes=4).least_squares(ridge=0.0)
