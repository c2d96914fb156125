"""The benchmark's fast reference for the linear views of CIFAR-10: PCA, CCA against one-hot
labels and least squares in closed form (not installed with ``helpers``: the chapter's
students write their own in ``chapters/05_cifar10/01_linear_views``).

All three need only second moments of the data. :class:`ClosedForms` computes them in one
pass over the images, in float64 and in chunks (so 50,000 x 3,072 pixels need about
150 MB of ``uint8`` plus one 3,072 x 3,072 matrix):

* PCA: the top eigenvectors of the pixel covariance ``S_xx`` (:meth:`ClosedForms.pca`,
  by subspace iteration with a Rayleigh-Ritz step; only the top few are needed);
* least squares with a ridge ``lam``: ``W = (S_xx + lam I)^{-1} S_xy``
  (:meth:`ClosedForms.least_squares`, one Cholesky factorisation);
* CCA: with ``S_xx + lam I = L L^T`` the canonical directions are ``L^{-T} U`` where ``U``
  holds the left singular vectors of ``L^{-1} S_xy S_yy^{+1/2}`` (:meth:`ClosedForms.cca`,
  sharing the factorisation with least squares).

``ridge`` is relative: ``lam = ridge * trace(S_xx) / d`` (a fraction of the average
pixel variance), so it means the same whatever the pixel scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from helpers.cifar10.linear_views import rows_of


def _check_labels(name: str, y: object, n: int, n_classes: int) -> np.ndarray:
    if not isinstance(y, np.ndarray) or not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{name}: y must be a numpy array of integer class labels, "
                        f"got {getattr(y, 'dtype', type(y).__name__)}")
    if y.shape != (n,):
        raise ValueError(f"{name}: y must have shape ({n},) to match x, got {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{name}: labels must lie in 0..{n_classes - 1}, got {y.min()}..{y.max()}")
    return y


def _check_ridge(ridge: object) -> float:
    if isinstance(ridge, bool) or not isinstance(ridge, (int, float, np.integer, np.floating)):
        raise TypeError(f"ridge must be a number, got {type(ridge).__name__}")
    if not np.isfinite(ridge) or ridge < 0:
        raise ValueError(f"ridge must be a finite non-negative number, got {ridge!r}")
    return float(ridge)


def one_hot(y: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """Labels ``(N,)`` as one-hot rows ``(N, n_classes)`` of float64."""
    y = _check_labels("one_hot()", y, len(y) if isinstance(y, np.ndarray) else -1, n_classes)
    out = np.zeros((len(y), n_classes))
    out[np.arange(len(y)), y] = 1.0
    return out


@dataclass
class LinearModel:
    """Affine map ``x -> x @ weights + bias`` fitted by least squares."""

    weights: np.ndarray
    bias: np.ndarray
    scale: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Outputs for rows ``x`` (raw pixel values: the model's ``scale`` is applied here)."""
        x = rows_of("LinearModel.predict()", x)
        if x.shape[1] != self.weights.shape[0]:
            raise ValueError(f"LinearModel.predict(): x has {x.shape[1]} features, "
                             f"the model expects {self.weights.shape[0]}")
        return _chunked_affine(x, self.scale, self.weights, self.bias)

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        """Fraction of rows whose largest output is at the true class."""
        scores = self.predict(x)
        y = _check_labels("LinearModel.accuracy()", y, len(x), scores.shape[1])
        return float(np.mean(scores.argmax(1) == y))


def _chunked_affine(x: np.ndarray, scale: float, weights: np.ndarray, bias: np.ndarray,
                    chunk: int = 8192) -> np.ndarray:
    out = np.empty((len(x), weights.shape[1]))
    for start in range(0, len(x), chunk):
        out[start:start + chunk] = (x[start:start + chunk] * scale) @ weights + bias
    return out


@dataclass
class Embedding:
    """Linear 2-D (or k-D) view: ``(x * scale - mean) @ directions``."""

    directions: np.ndarray
    mean: np.ndarray
    scale: float
    values: np.ndarray
    """Eigenvalues (PCA: variances) or canonical correlations (CCA), largest first."""

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Coordinates of rows ``x`` (raw pixel values) in the view."""
        x = rows_of("Embedding.transform()", x)
        if x.shape[1] != self.directions.shape[0]:
            raise ValueError(f"Embedding.transform(): x has {x.shape[1]} features, "
                             f"the view expects {self.directions.shape[0]}")
        return _chunked_affine(x, self.scale, self.directions, -self.mean @ self.directions)


class ClosedForms:
    """Means and (co)variances of pixels ``x`` and one-hot labels ``y``, in float64.

    ``scale`` multiplies the raw values first (``1/255`` maps ``uint8`` pixels to [0, 1]).
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, n_classes: int = 10, *,
                 scale: float = 1.0, chunk: int = 4096) -> None:
        x = rows_of("ClosedForms()", x, min_rows=2)
        y = _check_labels("ClosedForms()", y, len(x), n_classes)
        if not scale > 0:
            raise ValueError(f"ClosedForms(): scale must be positive, got {scale!r}")
        n, d = x.shape
        self.n, self.d, self.n_classes, self.scale = n, d, n_classes, float(scale)
        mean = np.zeros(d)
        for start in range(0, n, chunk):
            mean += x[start:start + chunk].sum(0, dtype=np.float64)
        self.mean_x = mean * self.scale / n
        targets = one_hot(y, n_classes)
        self.mean_y = targets.mean(0)
        sxx = np.zeros((d, d))
        sxy = np.zeros((d, n_classes))
        for start in range(0, n, chunk):
            block = x[start:start + chunk] * self.scale - self.mean_x  # centred, float64
            sxx += block.T @ block
            sxy += block.T @ (targets[start:start + chunk] - self.mean_y)
        self.sxx = sxx / n
        self.sxy = sxy / n
        self.syy = np.diag(self.mean_y) - np.outer(self.mean_y, self.mean_y)
        self._factors: dict[float, torch.Tensor] = {}

    def ridge_value(self, ridge: float) -> float:
        """The absolute ridge ``lam = ridge * trace(S_xx) / d``."""
        return _check_ridge(ridge) * float(np.trace(self.sxx)) / self.d

    def _cholesky(self, ridge: float) -> torch.Tensor:
        ridge = _check_ridge(ridge)
        if ridge not in self._factors:
            matrix = torch.from_numpy(self.sxx).clone()
            matrix.diagonal().add_(self.ridge_value(ridge))
            factor, info = torch.linalg.cholesky_ex(matrix)
            if int(info) != 0:
                raise np.linalg.LinAlgError(
                    f"S_xx + ridge I is not positive definite for ridge={ridge}: "
                    "use a (larger) positive ridge"
                )
            self._factors[ridge] = factor
        return self._factors[ridge]

    def least_squares(self, ridge: float = 1e-3) -> LinearModel:
        """Minimiser of ``mean ||x W + b - y||^2 + lam ||W||^2`` (``b`` unpenalised)."""
        factor = self._cholesky(ridge)
        weights = torch.cholesky_solve(torch.from_numpy(self.sxy), factor).numpy()
        return LinearModel(weights, self.mean_y - self.mean_x @ weights, self.scale)

    def pca(self, k: int = 2, *, tol: float = 1e-10, max_iter: int = 300) -> Embedding:
        """The top ``k`` principal directions (unit vectors) and their variances.

        Subspace iteration on ``S_xx`` with ``k + 8`` vectors and a Rayleigh-Ritz step,
        until every wanted residual ``||S v - s v||`` is below ``tol * s_1``. Images have a
        fast-decaying spectrum, so this takes a few dozen products; for small ``d``, or if
        the top eigenvalues are too close for it to converge, a full ``eigh`` is used.
        """
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= self.d:
            raise ValueError(f"pca(): k must be an int in 1..{self.d}, got {k!r}")
        block = k + 8
        if self.d <= 4 * block or self.d <= 512:
            return self._pca_full(k)
        rng = np.random.default_rng(0)
        q, _ = np.linalg.qr(rng.standard_normal((self.d, block)))
        for _ in range(max_iter):
            z = self.sxx @ q
            small = q.T @ z
            values, vectors = np.linalg.eigh((small + small.T) / 2)
            values, vectors = values[::-1], vectors[:, ::-1]
            ritz = q @ vectors
            residual = z @ vectors - ritz * values
            if np.linalg.norm(residual[:, :k], axis=0).max() <= tol * max(values[0], 1e-300):
                return Embedding(_fix_signs(ritz[:, :k]), self.mean_x, self.scale, values[:k])
            q, _ = np.linalg.qr(z @ vectors)
        return self._pca_full(k)

    def _pca_full(self, k: int) -> Embedding:
        values, vectors = np.linalg.eigh(self.sxx)
        return Embedding(_fix_signs(vectors[:, ::-1][:, :k]), self.mean_x, self.scale,
                         values[::-1][:k])

    def cca(self, k: int = 2, ridge: float = 1e-3) -> Embedding:
        """The top ``k`` canonical directions of pixels against one-hot labels.

        Directions are scaled so that every canonical variate has ``a^T (S_xx + lam I) a = 1``;
        ``values`` are the canonical correlations (at most ``n_classes - 1`` are non-zero).
        """
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= self.n_classes:
            raise ValueError(f"cca(): k must be an int in 1..{self.n_classes}, got {k!r}")
        factor = self._cholesky(ridge)
        evals, evecs = np.linalg.eigh(self.syy)
        keep = evals > 1e-12 * evals.max()
        syy_inv_sqrt = (evecs[:, keep] / np.sqrt(evals[keep])) @ evecs[:, keep].T
        target = torch.from_numpy(self.sxy @ syy_inv_sqrt)
        whitened = torch.linalg.solve_triangular(factor, target, upper=False).numpy()
        u, s, _ = np.linalg.svd(whitened, full_matrices=False)
        directions = torch.linalg.solve_triangular(factor.T, torch.from_numpy(u[:, :k].copy()),
                                                   upper=True).numpy()
        return Embedding(_fix_signs(directions), self.mean_x, self.scale, s[:k])


def _fix_signs(directions: np.ndarray) -> np.ndarray:
    """Make each column's largest-magnitude entry positive (eigenvectors have no sign)."""
    index = np.argmax(np.abs(directions), axis=0)
    signs = np.sign(directions[index, np.arange(directions.shape[1])])
    return directions * np.where(signs == 0, 1.0, signs)
