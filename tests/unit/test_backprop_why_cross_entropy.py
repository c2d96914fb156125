"""helpers.backprop.why_cross_entropy, and the claims of the "why cross-entropy" notebook."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.backprop import why_cross_entropy
from helpers.checks import numerical_gradient


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def test_two_blobs_is_balanced_and_deterministic() -> None:
    x, y = why_cross_entropy.two_blobs(101, distance=4.0, seed=3)
    assert x.shape == (101, 2) and y.shape == (101,) and set(np.unique(y)) == {0.0, 1.0}
    assert abs(y.sum() - 50) <= 1
    assert x[y == 1, 0].mean() > 1.0 > -1.0 > x[y == 0, 0].mean()
    again, _ = why_cross_entropy.two_blobs(101, distance=4.0, seed=3)
    assert np.array_equal(x, again)


def test_two_blobs_bad_input() -> None:
    with pytest.raises(ValueError, match="n must be an int of at least 2"):
        why_cross_entropy.two_blobs(1)
    with pytest.raises(ValueError, match="distance must be non-negative"):
        why_cross_entropy.two_blobs(10, distance=-1.0)


def test_losses_match_their_formulas() -> None:
    z = torch.tensor([-30.0, -2.0, 0.0, 1.5, 40.0], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0], dtype=torch.float64)
    p = torch.sigmoid(z)
    ce = why_cross_entropy.sigmoid_unit_loss(z, y, "cross_entropy")
    assert ce.item() == pytest.approx(float(np.mean(np.logaddexp(0, -z.numpy()) * y.numpy()
                                                    + np.logaddexp(0, z.numpy()) * (1 - y.numpy()))))
    assert np.isfinite(ce.item())  # stable for large logits
    se = why_cross_entropy.sigmoid_unit_loss(z, y, "squared_error")
    assert se.item() == pytest.approx(0.5 * float(((p - y) ** 2).mean()))
    with pytest.raises(ValueError, match="loss must be one of"):
        why_cross_entropy.sigmoid_unit_loss(z, y, "hinge")


def test_gradients_of_the_two_losses_and_where_they_vanish() -> None:
    z = np.array([-10.0, -3.0, -0.5, 0.7, 4.0])
    y = np.array([1.0, 1.0, 0.0, 1.0, 0.0])
    ce = numerical_gradient(lambda t: float(np.sum(np.logaddexp(0, -t) * y + np.logaddexp(0, t) * (1 - y))), z)
    se = numerical_gradient(lambda t: float(np.sum(0.5 * (sigmoid(t) - y) ** 2)), z)
    p = sigmoid(z)
    np.testing.assert_allclose(ce, p - y, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(se, (p - y) * p * (1 - p), rtol=1e-5, atol=1e-9)
    assert abs(ce[0]) > 0.99 and abs(se[0]) < 1e-4  # confidently wrong: z = -10, y = 1


def test_two_class_softmax_is_a_sigmoid() -> None:
    z = torch.randn(100, 2, dtype=torch.float64) * 5
    torch.testing.assert_close(torch.softmax(z, 1)[:, 0], torch.sigmoid(z[:, 0] - z[:, 1]))


def test_maximum_likelihood_probabilities_are_the_frequencies() -> None:
    labels = torch.tensor([0, 0, 0, 1, 2, 2, 0, 1])
    frequencies = torch.bincount(labels, minlength=3).double() / len(labels)
    theta = torch.log(frequencies).requires_grad_()  # the claimed minimiser
    nll = -torch.log_softmax(theta, 0)[labels].mean()
    (grad,) = torch.autograd.grad(nll, theta)
    assert grad.abs().max() < 1e-12
    assert nll.item() == pytest.approx(-(frequencies * torch.log(frequencies)).sum().item())


def test_confidently_wrong_start_stalls_squared_error_but_not_cross_entropy() -> None:
    x, y = why_cross_entropy.two_blobs(200, distance=3.0, seed=0)
    start = np.array([-8.0, 0.0, 0.0])
    ce = why_cross_entropy.train_sigmoid_unit(x, y, start, loss="cross_entropy", lr=1.0, steps=200)
    se = why_cross_entropy.train_sigmoid_unit(x, y, start, loss="squared_error", lr=1.0, steps=200)
    assert ce.accuracy[-1] > 0.9 and se.accuracy[-1] < 0.5
    assert se.grad_norm[0] < 0.01 < ce.grad_norm[0]
    assert ce.weights.shape == (201, 3) and ce.loss.shape == (201,)
    mild = why_cross_entropy.train_sigmoid_unit(x, y, np.array([-0.5, 0.0, 0.0]), loss="squared_error", lr=1.0, steps=200)
    assert mild.accuracy[-1] > 0.9


def test_trajectory_gradient_norm_matches_finite_differences() -> None:
    x, y = why_cross_entropy.two_blobs(50, seed=1)
    start = np.array([0.3, -0.2, 0.1])
    run = why_cross_entropy.train_sigmoid_unit(x, y, start, loss="squared_error", lr=0.5, steps=1)
    features = torch.from_numpy(np.hstack([x, np.ones((50, 1))]))

    def loss(w: np.ndarray) -> float:
        return why_cross_entropy.sigmoid_unit_loss(features @ torch.from_numpy(w), torch.from_numpy(y), "squared_error").item()

    numeric = numerical_gradient(loss, start)
    assert run.grad_norm[0] == pytest.approx(np.linalg.norm(numeric), rel=1e-6)
    np.testing.assert_allclose(run.weights[1], start - 0.5 * numeric, rtol=1e-6)


def test_train_sigmoid_unit_bad_input() -> None:
    x, y = why_cross_entropy.two_blobs(10)
    with pytest.raises(ValueError, match=r"w0 must have shape \(3,\)"):
        why_cross_entropy.train_sigmoid_unit(x, y, np.zeros(2), loss="cross_entropy")
    with pytest.raises(ValueError, match=r"x must be \(n, d\) and y \(n,\)"):
        why_cross_entropy.train_sigmoid_unit(x, y[:5], np.zeros(3), loss="cross_entropy")
    with pytest.raises(ValueError, match="loss must be one of"):
        why_cross_entropy.train_sigmoid_unit(x, y, np.zeros(3), loss="mse")
    with pytest.raises(ValueError, match="lr must be positive"):
        why_cross_entropy.train_sigmoid_unit(x, y, np.zeros(3), loss="cross_entropy", lr=0.0)
    with pytest.raises(ValueError, match="y must hold the labels 0 and 1 only"):
        why_cross_entropy.train_sigmoid_unit(x, 2 * y - 1, np.zeros(3), loss="cross_entropy")
