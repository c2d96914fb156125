"""The gradient facts of ``chapters/03_backprop/02_residual_layer`` (the notebook has no helper module)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.checks import numerical_gradient


def _residual_loss(W: np.ndarray, x: np.ndarray) -> float:
    u = np.maximum(W @ x, 0.0)
    v = u + W @ u
    return 0.5 * float(v @ v)


def test_residual_layer_matrix_form_is_right_and_the_seeds_index_form_is_not() -> None:
    rng = np.random.default_rng(4)
    W, x = rng.normal(size=(5, 5)), rng.normal(size=5)
    y = W @ x
    u = np.maximum(y, 0.0)
    v = u + W @ u
    theta = (y > 0).astype(float)
    matrix_form = np.outer(v, u) + np.diag(theta) @ (np.eye(5) + W.T) @ np.outer(v, x)
    numeric = numerical_gradient(lambda w: _residual_loss(w, x), W)
    np.testing.assert_allclose(matrix_form, numeric, rtol=1e-6, atol=1e-8)
    seed = np.array([[v[i] * theta[i] * x[j] + u[i] * v[i] + (v @ W[:, i]) * theta[i] * x[j]
                      for j in range(5)] for i in range(5)])
    wrong = ~np.isclose(seed, numeric, rtol=1e-6, atol=1e-8)
    assert wrong.any() and not wrong[np.eye(5, dtype=bool)].any()  # the diagonal is right


def test_relu_kink_conventions_give_the_one_sided_derivatives() -> None:
    x = np.array([1.0, -1.0, 0.0, 2.0])
    W = np.array([[1.0, 1.0, 3.0, 0.0], [0.5, -1.0, 0.0, 1.0], [1.0, 0.0, 1.0, 1.0], [0.0, 0.5, 2.0, -1.0]])
    assert (W @ x)[0] == 0.0
    h, E = 1e-7, np.zeros((4, 4))
    E[0, 0] = 1.0
    left = (_residual_loss(W, x) - _residual_loss(W - h * E, x)) / h
    right = (_residual_loss(W + h * E, x) - _residual_loss(W, x)) / h
    Wt = torch.tensor(W, requires_grad=True)
    u = torch.relu(Wt @ torch.tensor(x))
    v = u + Wt @ u
    (0.5 * v @ v).backward()
    assert Wt.grad[0, 0].item() == pytest.approx(left, abs=1e-5)
    assert right - left > 0.1
