"""helpers.linear_networks.training: initial layers and gradient descent by autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.linear_networks import training as tr
from helpers.linear_networks.end_to_end import loss, product


def random_data(n: int, d: int, p: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.standard_normal((n, p))


def train(X: np.ndarray, Y: np.ndarray, widths: list[int], **settings: object) -> tr.TrainingRun:
    return tr.train_together(X, Y, [widths], **settings)[0]  # type: ignore[arg-type]


def truncated_svd(M: np.ndarray, r: int) -> np.ndarray:
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    return (U[:, :r] * s[:r]) @ Vt[:r]


def test_initial_layers_have_the_promised_singular_values() -> None:
    layers = tr.initial_layers((5, 3, 4, 2), 0.5, seed=1)
    assert [w.shape for w in layers] == [(3, 5), (4, 3), (2, 4)]
    s = np.linalg.svd(product(layers), compute_uv=False)
    assert np.all(s <= 0.5**3 + 1e-12) and s[0] > 0
    square = np.linalg.svd(product(tr.initial_layers((3, 3, 3), 0.5, seed=2)), compute_uv=False)
    np.testing.assert_allclose(square, 0.25, rtol=1e-10)
    assert all(not w.any() for w in tr.initial_layers((3, 3, 3), 0.0))
    with pytest.raises(ValueError, match="scale must be at least 0, got -1.0"):
        tr.initial_layers((3, 3), -1.0)
    with pytest.raises(ValueError, match=r"dims\[1\] must be at least 1, got 0"):
        tr.initial_layers((3, 0, 3), 1.0)
    with pytest.raises(ValueError, match="dims must be a list of at least 2 ints, got a list of 1"):
        tr.initial_layers((3,), 1.0)


def test_one_step_is_a_gradient_step_of_the_loss() -> None:
    """After one step the layers moved by -lr times the autograd gradient of 1/2 ||W X^T - Y^T||^2."""
    X, Y = random_data(6, 3, 2, seed=3)
    start = tr.initial_layers((3, 4, 2), 0.7, seed=5)
    run = train(X, Y, [4], steps=1, lr=0.01, init_scale=0.7, seed=5)
    tensors = [torch.tensor(w, requires_grad=True) for w in start]
    out = torch.tensor(X) @ tensors[0].T @ tensors[1].T
    (0.5 * ((out - torch.tensor(Y)) ** 2).sum()).backward()
    for moved, w, t in zip(run.layers, start, tensors):
        np.testing.assert_allclose(moved, w - 0.01 * t.grad.numpy(), rtol=1e-12, atol=1e-14)
    assert run.losses[0] == pytest.approx(loss(product(start), X, Y), rel=1e-12)


def test_networks_trained_together_are_trained_as_on_their_own() -> None:
    X, Y = random_data(20, 4, 3, seed=1)
    widths = [[4, 1], [2, 3], [4, 4]]
    together = tr.train_together(X / 5, Y, widths, steps=200, lr=0.05, init_scale=0.5, seed=2, record_every=50)
    for w, run in zip(widths, together):
        alone = train(X / 5, Y, w, steps=200, lr=0.05, init_scale=0.5, seed=2, record_every=50)
        np.testing.assert_allclose(run.losses, alone.losses, rtol=1e-10)
        np.testing.assert_allclose(run.singular_values, alone.singular_values, rtol=1e-8, atol=1e-12)
        assert [m.shape for m in run.layers] == [m.shape for m in alone.layers]
        np.testing.assert_array_equal(run.steps, [0, 50, 100, 150, 200])


def test_train_reaches_the_truncated_svd_and_is_deterministic() -> None:
    target = np.random.default_rng(7).standard_normal((3, 4))
    run = train(np.eye(4), target.T, [3, 1], steps=3000, lr=0.05, init_scale=0.5, seed=0, record_every=100)
    best = truncated_svd(target, 1)
    np.testing.assert_allclose(product(run.layers), best, atol=1e-6)
    assert run.losses[-1] == pytest.approx(0.5 * np.sum((best - target) ** 2), rel=1e-8)
    assert run.singular_values.shape == (len(run.steps), 3) and run.steps[-1] == 3000
    again = train(np.eye(4), target.T, [3, 1], steps=3000, lr=0.05, init_scale=0.5, seed=0, record_every=100)
    np.testing.assert_array_equal(run.losses, again.losses)


def test_train_from_zero_stays_at_zero_for_depth_two_or_more() -> None:
    X, Y = random_data(10, 3, 2)
    run = train(X, Y, [3], steps=50, lr=0.01, init_scale=0.0)
    assert np.all(run.losses == run.losses[0]) and not product(run.layers).any()


def test_train_leaves_torch_threads_as_they_were() -> None:
    before = torch.get_num_threads()
    X, Y = random_data(10, 3, 2)
    train(X, Y, [3], steps=2, lr=0.01, init_scale=0.5)
    assert torch.get_num_threads() == before


def test_train_reports_divergence_and_bad_arguments() -> None:
    X, Y = random_data(10, 3, 2)
    with pytest.raises(FloatingPointError, match="lower lr"):
        train(X, Y, [3], steps=200, lr=10.0, init_scale=0.5)
    with pytest.raises(ValueError, match="steps must be at least 1, got 0"):
        train(X, Y, [3], steps=0, lr=0.1, init_scale=0.5)
    with pytest.raises(ValueError, match="lr must be positive, got -0.1"):
        train(X, Y, [3], steps=10, lr=-0.1, init_scale=0.5)
    with pytest.raises(ValueError, match=r"widths\[0\]\[0\] must be at least 1, got 0"):
        train(X, Y, [0], steps=10, lr=0.1, init_scale=0.5)
    with pytest.raises(ValueError, match="same depth"):
        tr.train_together(X, Y, [[3], [3, 3]], steps=10, lr=0.1, init_scale=0.5)
    with pytest.raises(TypeError, match="non-empty list of inner-width lists"):
        tr.train_together(X, Y, [], steps=10, lr=0.1, init_scale=0.5)
