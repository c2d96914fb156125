"""helpers.cifar10.linear_views: images as rows, projections, and the checks of the linear-views
notebook (each must pass a right answer and fail a wrong one)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from benchmarks.linear_views_reference import ClosedForms
from helpers.cifar10 import linear_views as lv


def moments_of(x: np.ndarray, y: np.ndarray, classes: int, ridge: float) -> tuple[lv.Moments, float, ClosedForms]:
    """The benchmark's closed forms of labelled data, as the notebook's Moments, and lambda."""
    closed = ClosedForms(x, y, n_classes=classes)
    moments = lv.Moments(closed.n, closed.mean_x, closed.mean_y, closed.sxx, closed.sxy, closed.syy)
    return moments, closed.ridge_value(ridge), closed


def labelled(n: int = 200, d: int = 8, classes: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    return rng.normal(size=(classes, d))[y] * 2 + rng.normal(size=(n, d)) + 3, y


def test_flatten_images_and_class_mosaic() -> None:
    images = np.zeros((6, 4, 4, 3), dtype=np.uint8)
    images[:, :, :, 0] = np.arange(6)[:, None, None] * 10
    assert lv.flatten_images(images).shape == (6, 48)
    with pytest.raises(ValueError, match="uint8"):
        lv.flatten_images(np.ones((2, 4, 4, 3)))
    labels = np.array([1, 0, 1, 0, 2, 2])
    mosaic = lv.class_mosaic(images, labels, n_classes=3, per_class=2, border=1)
    assert mosaic.shape == (3 * 5 - 1, 2 * 5 - 1, 3)
    assert mosaic[0, 0, 0] == 10 and mosaic[0, 5, 0] == 30  # class 0: images 1 and 3
    assert mosaic[10, 5, 0] == 50 and mosaic[4, 0, 0] == 255  # class 2, then a white border
    with pytest.raises(ValueError, match="class 0 has only 2 images, need per_class=3"):
        lv.class_mosaic(images, labels, n_classes=3, per_class=3)


def test_project_works_in_chunks_on_uint8_rows() -> None:
    x = np.arange(30, dtype=np.uint8).reshape(10, 3)
    mean, directions = np.array([1.0, 2.0, 3.0]), np.array([[1.0, 0.0], [0.5, 1.0], [0.0, -1.0]])
    expected = (x * 0.5 - mean) @ directions
    np.testing.assert_allclose(lv.project(x, mean, directions, scale=0.5, chunk=3), expected)
    with pytest.raises(ValueError, match=r"mean must have shape \(3,\)"):
        lv.project(x, np.zeros(2), directions)
    with pytest.raises(TypeError, match="x must be a numpy array"):
        lv.project([[1.0]], np.zeros(1), np.ones((1, 1)))


def test_orient_and_positive_definite() -> None:
    flipped = lv.orient(np.array([[0.1, -3.0], [-2.0, 1.0]]))
    np.testing.assert_array_equal(flipped, [[-0.1, 3.0], [2.0, -1.0]])
    with pytest.raises(ValueError, match=r"shape \(d, k\)"):
        lv.orient(np.ones(3))
    assert lv.positive_definite(np.diag([1.0, 2.0])) and not lv.positive_definite(np.diag([1.0, -1e-9]))


def test_check_eigenpairs_passes_the_top_pairs_and_fails_others() -> None:
    rng = np.random.default_rng(1)
    basis, _ = np.linalg.qr(rng.normal(size=(12, 12)))
    matrix = (basis * np.arange(12.0, 0.0, -1.0)) @ basis.T
    values, vectors = np.linalg.eigh(matrix)
    lv.check_eigenpairs("top", matrix, values[::-1][:3], vectors[:, ::-1][:, :3])
    with pytest.raises(AssertionError, match="not the top ones"):
        lv.check_eigenpairs("skips one", matrix, values[[-1, -3]], vectors[:, [-1, -3]])
    with pytest.raises(AssertionError, match="largest first"):
        lv.check_eigenpairs("ascending", matrix, values[-3:], vectors[:, -3:])
    with pytest.raises(AssertionError, match="S v_j - s_j v_j"):
        lv.check_eigenpairs("not eigenvectors", matrix, values[::-1][:2], np.linalg.qr(rng.normal(size=(12, 2)))[0])
    with pytest.raises(AssertionError, match=r"wrong: the eigenvalues should be a 1-D array, got shape \(1, 3\)"):
        lv.check_eigenpairs("wrong", matrix, values[None, :3], vectors[:, :3])
    with pytest.raises(AssertionError, match=r"wrong: the eigenvectors should have shape \(12, 3\)"):
        lv.check_eigenpairs("wrong", matrix, values[::-1][:3], vectors[:, :2])


def _orthogonal_iteration(multiply, d, k, *, extra, iterations):
    q = np.linalg.qr(np.random.default_rng(0).normal(size=(d, k + extra)))[0]
    for _ in range(iterations):
        q = np.linalg.qr(multiply(q))[0]
    values, vectors = np.linalg.eigh(q.T @ multiply(q))
    return values[::-1][:k], (q @ vectors[:, ::-1])[:, :k]


def test_check_top_eigenpairs_counts_the_products() -> None:
    lv.check_top_eigenpairs("iteration", _orthogonal_iteration, d=300, k=2, extra=5, iterations=30)
    with pytest.raises(AssertionError, match="more than iterations \\+ 1 = 31 times"):
        lv.check_top_eigenpairs("too many", lambda m, d, k, **kw: _orthogonal_iteration(
            m, d, k, extra=kw["extra"], iterations=40), d=300, k=2, extra=5, iterations=30)
    with pytest.raises(AssertionError, match="300 vectors at once"):
        lv.check_top_eigenpairs("whole matrix", lambda m, d, k, **kw: (np.zeros(k), m(np.eye(d))[:, :k]),
                                d=300, k=2, extra=5, iterations=30)
    with pytest.raises(AssertionError, match="largest eigenvalues"):
        lv.check_top_eigenpairs("too few", lambda m, d, k, **kw: _orthogonal_iteration(
            m, d, k, extra=kw["extra"], iterations=1), d=300, k=2, extra=5, iterations=30)
    with pytest.raises(ValueError, match="rebuild the 100 x 100 matrix"):
        lv.check_top_eigenpairs("room to rebuild", _orthogonal_iteration, d=100, k=1, extra=4, iterations=19)


def test_check_least_squares_reads_the_gradient_off_the_data() -> None:
    x, y = labelled()
    _, lam, closed = moments_of(x, y, 4, 0.3)
    fit = closed.least_squares(0.3)
    lv.check_least_squares("ridge", x, y, lam, fit.weights, fit.bias, chunk=64)
    pixels = np.clip(np.round(x * 20), 0, 255).astype(np.uint8)  # uint8 rows and a scale, as in the notebook
    _, lam_pixels, closed_pixels = moments_of(pixels / 255, y, 4, 0.3)
    scaled = closed_pixels.least_squares(0.3)
    lv.check_least_squares("uint8", pixels, y, lam_pixels, scaled.weights, scaled.bias, scale=1 / 255)
    with pytest.raises(AssertionError, match="with respect to c"):
        lv.check_least_squares("no offset", x, y, lam, fit.weights, closed.mean_y)
    with pytest.raises(AssertionError, match="with respect to W"):
        lv.check_least_squares("other ridge", x, y, 2 * lam, fit.weights, fit.bias)
    with pytest.raises(AssertionError, match="with respect to c"):
        lv.check_least_squares("shifted offset", x, y, lam, fit.weights, fit.bias + 1e-3 * np.array([1, -1, 1, -1]))
    with pytest.raises(AssertionError, match=r"W should have shape \(8, classes\)"):
        lv.check_least_squares("transposed", x, y, lam, fit.weights.T, fit.bias)
    with pytest.raises(AssertionError, match="a column per class"):
        lv.check_least_squares("three classes", x, y, lam, fit.weights[:, :3], fit.bias[:3])
    with pytest.raises(AssertionError, match=r"c should have shape \(4,\)"):
        lv.check_least_squares("short offset", x, y, lam, fit.weights, fit.bias[:3])
    with pytest.raises(ValueError, match="one integer label per row"):
        lv.check_least_squares("labels", x, y[:-1], lam, fit.weights, fit.bias)


def test_check_canonical_pairs() -> None:
    x, y = labelled(n=300, d=10, classes=4, seed=2)
    moments, lam, closed = moments_of(x, y, 4, 0.05)
    view = closed.cca(k=3, ridge=0.05)
    lv.check_canonical_pairs("cca", moments, lam, view.values, view.directions)
    with pytest.raises(AssertionError, match=r"A\^T \(S_xx \+ lam I\) A"):
        lv.check_canonical_pairs("doubled", moments, lam, view.values, 2 * view.directions)
    with pytest.raises(AssertionError, match="the correlations"):
        lv.check_canonical_pairs("other values", moments, lam, view.values * 0.9, view.directions)
    with pytest.raises(AssertionError, match="largest first"):
        lv.check_canonical_pairs("reversed", moments, lam, view.values[::-1], view.directions[:, ::-1])
    with pytest.raises(AssertionError, match=r"scalar: the correlations should be a 1-D array, got shape \(\)"):
        lv.check_canonical_pairs("scalar", moments, lam, view.values[0], view.directions)
    with pytest.raises(AssertionError, match=r"short: the directions A should have shape \(10, 3\)"):
        lv.check_canonical_pairs("short", moments, lam, view.values, view.directions[:5])
    with pytest.raises(ValueError, match="give tol when lam is 0"):
        lv.check_canonical_pairs("plain", moments, 0.0, view.values, view.directions)


def _scatter(ax, points, labels, classes, *, legend=True, colours=None):
    for k, name in enumerate(classes):
        chosen = labels == k
        ax.scatter(points[chosen, 0], points[chosen, 1], label=name, color=(colours or f"C{k}"))
    ax.set(title="t", xlabel="x", ylabel="y")
    if legend:
        ax.legend()


def test_check_class_scatter() -> None:
    points = np.arange(12.0).reshape(6, 2)
    labels = np.array([0, 1, 0, 2, 1, 2])
    names = ["a", "b", "c"]
    ax = Figure().add_subplot()
    _scatter(ax, points, labels, names)
    lv.check_class_scatter("right", ax, points, labels, names, legend=True)
    with pytest.raises(AssertionError, match="legend=False but the axes have a legend"):
        lv.check_class_scatter("right", ax, points, labels, names, legend=False)
    ax = Figure().add_subplot()
    _scatter(ax, points, labels, names, colours="black")
    with pytest.raises(AssertionError, match="3 classes drawn in only 1 colours"):
        lv.check_class_scatter("one colour", ax, points, labels, names, legend=True)
    ax = Figure().add_subplot()
    _scatter(ax, points[:, ::-1], labels, names, legend=False)
    with pytest.raises(AssertionError, match="the points of class 'a'"):
        lv.check_class_scatter("swapped", ax, points, labels, names, legend=False)
    ax = Figure().add_subplot()
    ax.scatter(points[:, 0], points[:, 1], c=labels)
    with pytest.raises(AssertionError, match="one scatter per class"):
        lv.check_class_scatter("single", ax, points, labels, names, legend=False)
