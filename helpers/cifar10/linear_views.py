"""What surrounds the linear views of CIFAR-10 in ``chapters/05_cifar10/01_linear_views``,
and the checks of its exercises.

The student writes the moments, PCA, least squares, CCA, the class separation and the
class-coloured scatter plot; this module holds the rest:

- :class:`Moments`, the container the student's ``moments`` returns;
- :func:`flatten_images`, :func:`class_mosaic`: the images as rows, and a picture of them;
- :func:`project`: coordinates of many rows along a few directions, chunk by chunk, and
  :func:`orient`: directions with a fixed sign;
- :func:`positive_definite`: whether a symmetric matrix has a Cholesky factorisation, and
  :func:`rows_of`: the argument check for data rows;
- property checks: :func:`check_top_eigenpairs` (a matrix-free eigensolver on a matrix
  with a known spectrum), :func:`check_eigenpairs`, :func:`check_least_squares` (the
  objective's gradient, by autograd from the data), :func:`check_canonical_pairs` (the
  defining equations of CCA) and
  :func:`check_class_scatter` (a scatter plot with one labelled scatter per class).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection

from ..checks import check_array, check_shape, check_true, passed

UNIT_ROUNDOFF = np.finfo(float).eps / 2


class Moments(NamedTuple):
    """Means and (co)variances of pixel rows ``x`` and one-hot label rows ``y`` (float64)."""

    n: int
    mean_x: np.ndarray  # (d,)
    mean_y: np.ndarray  # (K,)
    sxx: np.ndarray  # (d, d)
    sxy: np.ndarray  # (d, K)
    syy: np.ndarray  # (K, K)


def rows_of(name: str, x: object, *, min_rows: int = 1) -> np.ndarray:
    """``x`` if it is a 2-D numpy array of real, finite numbers with ``min_rows`` rows or more."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name}: x must be a numpy array, got {type(x).__name__}")
    if x.ndim != 2 or x.shape[0] < min_rows or x.shape[1] < 1:
        raise ValueError(f"{name}: x must have shape (n_samples >= {min_rows}, n_features), got {x.shape}")
    if not (np.issubdtype(x.dtype, np.number) and not np.issubdtype(x.dtype, np.complexfloating)):
        raise TypeError(f"{name}: x must hold real numbers, got dtype {x.dtype}")
    if np.issubdtype(x.dtype, np.floating) and not np.isfinite(x).all():
        raise ValueError(f"{name}: x contains NaN or infinite values")
    return x


def flatten_images(images: np.ndarray) -> np.ndarray:
    """``uint8`` images ``(N, H, W, C)`` as rows of ``H*W*C`` pixels (still ``uint8``, no copy)."""
    if not isinstance(images, np.ndarray) or images.dtype != np.uint8 or images.ndim != 4:
        raise ValueError("flatten_images(): images must be a uint8 array of shape (N, H, W, C), got "
                         f"{getattr(images, 'dtype', type(images).__name__)} "
                         f"{getattr(images, 'shape', '')}")
    return images.reshape(len(images), -1)


def class_mosaic(images: np.ndarray, labels: np.ndarray, n_classes: int = 10,
                 per_class: int = 8, border: int = 2) -> np.ndarray:
    """One row per class with its first ``per_class`` images, as a single ``uint8`` picture."""
    if not isinstance(images, np.ndarray) or images.dtype != np.uint8 or images.ndim != 4:
        raise ValueError("class_mosaic(): images must be uint8 of shape (N, H, W, C)")
    if not isinstance(labels, np.ndarray) or labels.shape != (len(images),):
        raise ValueError(f"class_mosaic(): labels must be an array of shape ({len(images)},)")
    _, h, w, c = images.shape
    out = np.full((n_classes * (h + border) - border, per_class * (w + border) - border, c), 255,
                  dtype=np.uint8)
    for k in range(n_classes):
        members = np.flatnonzero(labels == k)[:per_class]
        if len(members) < per_class:
            raise ValueError(f"class_mosaic(): class {k} has only {len(members)} images, "
                             f"need per_class={per_class}")
        for j, index in enumerate(members):
            out[k * (h + border):k * (h + border) + h, j * (w + border):j * (w + border) + w] = images[index]
    return out


def project(x: np.ndarray, mean: np.ndarray, directions: np.ndarray, *, scale: float = 1.0,
            chunk: int = 8192) -> np.ndarray:
    """``(x * scale - mean) @ directions`` for rows ``x`` (``uint8`` pixels too), chunk by chunk."""
    x = rows_of("project()", x)
    directions = np.asarray(directions, dtype=float)
    if directions.ndim != 2 or directions.shape[0] != x.shape[1] or np.shape(mean) != (x.shape[1],):
        raise ValueError(f"project(): x has {x.shape[1]} features, so mean must have shape "
                         f"({x.shape[1]},) and directions ({x.shape[1]}, k); got {np.shape(mean)} "
                         f"and {directions.shape}")
    out = np.empty((len(x), directions.shape[1]))
    for start in range(0, x.shape[0], chunk):
        out[start:start + chunk] = (x[start:start + chunk] * scale - mean) @ directions
    return out


def orient(directions: np.ndarray) -> np.ndarray:
    """``directions`` (d, k) with each column's largest-magnitude entry made positive.

    Eigenvectors and canonical directions have no sign; fixing it keeps pictures from
    flipping between slider positions and makes two solvers' answers comparable.
    """
    directions = np.asarray(directions, dtype=float)
    if directions.ndim != 2:
        raise ValueError(f"orient(): directions must have shape (d, k), got {directions.shape}")
    index = np.argmax(np.abs(directions), axis=0)
    signs = np.sign(directions[index, np.arange(directions.shape[1])])
    return directions * np.where(signs == 0, 1.0, signs)


def positive_definite(matrix: np.ndarray) -> bool:
    """True when the Cholesky factorisation of the symmetric ``matrix`` succeeds (torch: fast on a CPU)."""
    return int(torch.linalg.cholesky_ex(torch.from_numpy(np.ascontiguousarray(matrix, dtype=float)))[1]) == 0


# ----------------------------------------------------------------------------- checks
def _pairs(name: str, values: Any, vectors: Any, d: int,
           kinds: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """``values`` (k,) and their ``vectors`` (d, k) as float arrays, once those shapes are checked;
    ``kinds`` names the two in a failure."""
    values = np.asarray(values, dtype=float)
    check_true(values.ndim == 1 and values.size >= 1,
               f"{name}: the {kinds[0]} should be a 1-D array, got shape {values.shape}")
    check_shape(f"{name}: the {kinds[1]}", vectors, (d, values.size))
    return values, np.asarray(vectors, dtype=float)


def check_eigenpairs(name: str, matrix: np.ndarray, values: Any, vectors: Any, *,
                     rtol: float = 1e-8) -> None:
    """Assert ``vectors`` are orthonormal eigenvectors of the symmetric ``matrix`` for ``values``,
    sorted largest first, and that they are the *top* ones.

    Top: after removing them, ``matrix - V diag(values) V^T`` has no eigenvalue at or above
    the smallest of ``values``, which holds exactly when the Cholesky factorisation of
    ``values[-1] I`` minus it succeeds (far cheaper than a full eigendecomposition).
    """
    values, vectors = _pairs(name, values, vectors, len(matrix), ("eigenvalues", "eigenvectors"))
    d, k = vectors.shape
    check_true(bool(np.all(np.diff(values) <= 0)), f"{name}: the eigenvalues should come largest first, got {values}")
    check_array(f"{name}: V^T V", vectors.T @ vectors, np.eye(k), atol=1e-8, quiet=True)
    scale = max(float(values[0]), 1e-300)
    check_array(f"{name}: S v_j - s_j v_j", matrix @ vectors - vectors * values, np.zeros((d, k)),
                atol=rtol * scale, quiet=True)
    deflated = matrix - (vectors * values) @ vectors.T
    check_true(positive_definite(values[-1] * np.eye(d) - deflated),
               f"{name}: S has an eigenvalue above {values[-1]:.6g} that these eigenvectors miss: "
               "they are eigenvectors, but not the top ones")
    passed(f"{name}: {k} orthonormal eigenvectors of S, the top {k} (largest eigenvalue {values[0]:.6g}).")


def check_top_eigenpairs(name: str, function: Callable[..., Any], *, d: int = 600, k: int = 3,
                         extra: int = 6, iterations: int = 40, seed: int = 0) -> None:
    """Assert ``function(multiply, d, k, extra=extra, iterations=iterations)`` returns the top
    ``k`` eigenpairs of a fixed ``d x d`` matrix ``S`` it may only multiply by, ``multiply(Q) = S Q``.

    ``S`` has eigenvalues ``10 * 0.8**j`` along random orthonormal directions. ``function``
    may multiply at most ``k + extra`` vectors at a time, at most ``iterations + 1`` times
    (so it cannot build ``S`` from products with the identity: the settings must keep
    ``(iterations + 1) * (k + extra)`` below ``d``).
    """
    if (iterations + 1) * (k + extra) >= d:
        raise ValueError(f"check_top_eigenpairs(): (iterations + 1) * (k + extra) = {(iterations + 1) * (k + extra)} "
                         f"columns of products would let an answer rebuild the {d} x {d} matrix; keep it below d")
    rng = np.random.default_rng(seed)
    basis, _ = np.linalg.qr(rng.standard_normal((d, d)))
    spectrum = 10.0 * 0.8 ** np.arange(d)
    matrix = (basis * spectrum) @ basis.T
    calls = 0

    def multiply(q: np.ndarray) -> np.ndarray:
        nonlocal calls
        q = np.asarray(q, dtype=float)
        if q.ndim != 2 or q.shape[0] != d:
            raise AssertionError(f"{name}: multiply(Q) needs Q of shape ({d}, columns), got {q.shape}")
        if q.shape[1] > k + extra:
            raise AssertionError(f"{name} multiplied S by {q.shape[1]} vectors at once; the exercise allows "
                                 f"k + extra = {k + extra} at a time")
        calls += 1
        if calls > iterations + 1:
            raise AssertionError(f"{name} multiplied by S more than iterations + 1 = {iterations + 1} times")
        return matrix @ q

    result = function(multiply, d, k, extra=extra, iterations=iterations)
    check_true(isinstance(result, tuple) and len(result) == 2,
               f"{name} should return (values, vectors), got {type(result).__name__}")
    values, vectors = result
    check_array(f"{name}: the {k} largest eigenvalues", values, spectrum[:k], rtol=1e-9)
    check_eigenpairs(name, matrix, values, vectors)


def check_least_squares(name: str, x: np.ndarray, y: np.ndarray, lam: float, weights: Any, offset: Any, *,
                        scale: float = 1.0, chunk: int = 4096, rtol: float = 1e-9) -> None:
    """Assert ``(W, c)`` minimises the ridge least-squares objective on the rows of ``x * scale``,
    ``(1/n) sum_i ||x_i W + c - onehot(y_i)||^2 + lam ||W||_F^2``.

    The objective is convex, so it is enough that its gradient vanishes. The gradient is
    computed by autograd from the rows themselves (not from their moments), chunk by chunk
    in float64, and must be below ``rtol`` times the size of the terms it adds up.
    """
    x = rows_of("check_least_squares()", x)
    labels = np.asarray(y)
    if labels.shape != (len(x),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"check_least_squares(): y must hold one integer label per row of x, got {labels.dtype} "
                         f"{labels.shape}")
    d = x.shape[1]
    check_true(np.ndim(weights) == 2 and np.shape(weights)[0] == d and np.shape(weights)[1] > labels.max(),
               f"{name}: W should have shape ({d}, classes), a column per class, got {np.shape(weights)}")
    classes = np.shape(weights)[1]
    check_shape(f"{name}: c", offset, (classes,))
    W = torch.tensor(np.asarray(weights, dtype=float), requires_grad=True)
    c = torch.tensor(np.asarray(offset, dtype=float), requires_grad=True)
    size_w, size_c = torch.zeros(d, classes, dtype=torch.float64), torch.zeros(classes, dtype=torch.float64)
    for rows_x, rows_y in zip(np.array_split(x, range(chunk, len(x), chunk)),
                              np.array_split(labels, range(chunk, len(x), chunk))):
        rows = torch.from_numpy(np.asarray(rows_x, dtype=float) * scale)
        targets = torch.nn.functional.one_hot(torch.as_tensor(rows_y), classes).double()
        residual = rows @ W + c - targets
        ((residual ** 2).sum() / len(x)).backward()
        with torch.no_grad():  # the size of each gradient entry's terms, for the tolerance
            terms = 2 * (rows.abs() @ W.abs() + c.abs() + targets) / len(x)
            size_w += rows.abs().T @ terms
            size_c += terms.sum(dim=0)
    (lam * (W ** 2).sum()).backward()
    size_w += 2 * abs(lam) * W.detach().abs()
    tol = rtol * float(max(size_w.max(), size_c.max()))
    check_array(f"{name}: the gradient of the objective with respect to c", c.grad.numpy(), np.zeros(classes),
                atol=tol, quiet=True)
    check_array(f"{name}: the gradient of the objective with respect to W", W.grad.numpy(), np.zeros((d, classes)),
                atol=tol, quiet=True)
    passed(f"{name}: the gradient of the ridge least-squares objective vanishes at (W, c): a minimiser.")


def check_canonical_pairs(name: str, m: Moments, lam: float, correlations: Any, directions: Any, *,
                          tol: float | None = None) -> None:
    """Assert ``directions`` (d, k) and ``correlations`` (k,) solve the CCA of pixels against labels.

    For a fixed ``a`` the best label direction is ``b ∝ S_yy^+ S_xy^T a`` (scaled to
    ``b^T S_yy b = 1``). Checked: ``A^T (S_xx + lam I) A = I``, ``a_j^T S_xy b_j = sigma_j``,
    the stationarity ``S_xy b_j = sigma_j (S_xx + lam I) a_j``, and the correlations sorted,
    in [0, 1]. ``tol`` defaults to ``10 u (||S_xx|| + lam) / lam``, ten times the rounding
    error a solve with ``S_xx + lam I`` can make (``||S_xx||`` bounded by its largest column
    sum).
    """
    correlations, directions = _pairs(name, correlations, directions, len(m.sxx),
                                      ("correlations", "directions A"))
    k = correlations.size
    if tol is None:
        if not lam > 0:
            raise ValueError("check_canonical_pairs(): give tol when lam is 0")
        tol = 10 * UNIT_ROUNDOFF * (np.abs(m.sxx).sum(axis=0).max() + lam) / lam
    check_true(bool(np.all(np.diff(correlations) <= 0) and correlations[-1] >= 0 and correlations[0] <= 1 + tol),
               f"{name}: canonical correlations lie in [0, 1], largest first; got {correlations}")
    metric = m.sxx @ directions + lam * directions
    check_array(f"{name}: A^T (S_xx + lam I) A", directions.T @ metric, np.eye(k), atol=tol, quiet=True)
    labels = np.linalg.pinv(m.syy) @ (m.sxy.T @ directions)
    labels = labels / np.sqrt(np.sum(labels * (m.syy @ labels), axis=0))
    pulled = m.sxy @ labels
    check_array(f"{name}: a_j^T S_xy b_j (the correlations)", np.sum(directions * pulled, axis=0),
                correlations, atol=tol, quiet=True)
    check_array(f"{name}: S_xy b_j - sigma_j (S_xx + lam I) a_j", pulled - metric * correlations,
                np.zeros_like(directions), atol=tol * np.abs(pulled).max(), quiet=True)
    passed(f"{name}: {k} canonical pairs, uncorrelated, with correlations {np.round(correlations, 4).tolist()}.")


def check_class_scatter(name: str, ax: Axes, points: np.ndarray, labels: np.ndarray,
                        classes: Sequence[str], *, legend: bool) -> None:
    """Assert ``ax`` shows ``points`` (n, 2) as one scatter per class present, labelled with the
    class name and in its own colour, with a title and axis labels, and a legend of the
    class names exactly when ``legend``."""
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    present = [k for k in range(len(classes)) if np.any(labels == k)]
    check_true(len(scatters) == len(present),
               f"{name}: expected one scatter per class ({len(present)}), found {len(scatters)}")
    by_label = {str(s.get_label()): s for s in scatters}
    colours = set()
    for k in present:
        found = by_label.get(classes[k])
        check_true(found is not None, f"{name}: no scatter is labelled {classes[k]!r}; draw each class with "
                                      "its own ax.scatter(..., label=class name)")
        check_array(f"{name}: the points of class {classes[k]!r}", np.asarray(found.get_offsets()),
                    points[labels == k], quiet=True)
        colours.add(tuple(np.round(found.get_facecolor()[0][:3], 3)))
    check_true(len(colours) == len(present), f"{name}: {len(present)} classes drawn in only {len(colours)} colours")
    for part, text in (("title", ax.get_title()), ("x label", ax.get_xlabel()), ("y label", ax.get_ylabel())):
        check_true(bool(text.strip()), f"{name}: the axes have no {part}")
    shown = ax.get_legend()
    if legend:
        check_true(shown is not None, f"{name}: legend=True but the axes have no legend")
        check_true([t.get_text() for t in shown.get_texts()] == [classes[k] for k in present],
                   f"{name}: the legend should list the classes in order, got "
                   f"{[t.get_text() for t in shown.get_texts()]}")
    else:
        check_true(shown is None, f"{name}: legend=False but the axes have a legend")
    passed(f"{name}: {len(present)} classes, each its own colour and label"
           + (", with a legend." if legend else ", no legend (as asked)."))
