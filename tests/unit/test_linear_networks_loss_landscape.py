"""helpers.linear_networks.loss_landscape: the finite-difference checks of 02_loss_landscape."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.linear_networks.loss_landscape import (
    check_critical_point,
    check_layer_gradients,
    check_recovered_gradient,
)


def random_data(n: int, d: int, p: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.standard_normal((n, p))


def autograd_gradients(layers: list[np.ndarray], X: np.ndarray, Y: np.ndarray) -> list[np.ndarray]:
    tensors = [torch.tensor(w, requires_grad=True) for w in layers]
    out = torch.tensor(X)
    for w in tensors:
        out = out @ w.T
    (0.5 * ((out - torch.tensor(Y)) ** 2).sum()).backward()
    return [w.grad.numpy() for w in tensors]


@pytest.mark.parametrize("dims", [[3, 2], [3, 4, 2], [3, 2, 5, 2]])
def test_true_gradients_pass_and_wrong_ones_fail(dims: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(len(dims))
    layers = [rng.standard_normal((dims[i + 1], dims[i])) for i in range(len(dims) - 1)]
    X, Y = random_data(8, dims[0], dims[-1], seed=1)
    grads = autograd_gradients(layers, X, Y)
    check_layer_gradients("grads", grads, layers, X, Y)
    assert "all" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="one gradient per layer"):
        check_layer_gradients("grads", grads[:-1], layers, X, Y)
    with pytest.raises(AssertionError, match=r"grads\[0\] .* should have the shape"):
        check_layer_gradients("grads", [grads[0].T, *grads[1:]], layers, X, Y)
    with pytest.raises(AssertionError, match="does not match finite differences"):
        check_layer_gradients("grads", [2 * g for g in grads], layers, X, Y)
    with pytest.raises(AssertionError, match="should be a list"):
        check_layer_gradients("grads", np.zeros(3), layers, X, Y)


def test_critical_points_pass_and_other_points_fail() -> None:
    X, Y = random_data(12, 3, 2, seed=4)
    check_critical_point("zero layers", [np.zeros((3, 3)), np.zeros((2, 3))], X, Y, quiet=True)
    W_ls = np.linalg.lstsq(X, Y, rcond=None)[0].T
    check_critical_point("the least-squares solution", [W_ls, np.eye(2)], X, Y)
    with pytest.raises(AssertionError, match="not a critical point: the gradient of layer 1"):
        check_critical_point("a random point", [np.ones((3, 3)), np.ones((2, 3))], X, Y)
    with pytest.raises(ValueError, match=r"layers\[1\] has 4 columns"):
        check_critical_point("bad", [np.ones((3, 3)), np.ones((2, 4))], X, Y)


def _recover(layers, grad_i, i):  # a right answer: undo A_i^T (.) B_i^T
    size = grad_i.shape[0]
    above = np.eye(size)
    for w in layers[i + 1:]:
        above = w @ above
    below = np.eye(size)
    for w in layers[:i]:
        below = w @ below
    return np.linalg.solve(above.T, np.linalg.solve(below, grad_i.T).T)


def test_check_recovered_gradient_passes_a_right_answer_and_catches_wrong_ones(capsys) -> None:
    check_recovered_gradient("recover", _recover, size=3, depth=4, seed=2)
    assert "recovers G" in capsys.readouterr().out
    with pytest.raises(AssertionError, match=r"recover\(layers, grad_i, 0\)"):
        check_recovered_gradient("recover", lambda layers, grad_i, i: grad_i)
    with pytest.raises(AssertionError, match="recover"):  # the two products swapped
        check_recovered_gradient(
            "recover", lambda layers, grad_i, i: _recover(layers[::-1], grad_i, len(layers) - 1 - i))
    with pytest.raises(ValueError, match="size"):
        check_recovered_gradient("recover", _recover, size=0)
