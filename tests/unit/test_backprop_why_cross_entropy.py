"""helpers.backprop.why_cross_entropy, and the claims of the "why cross-entropy" notebook, checked
independently of the student's code (torch autograd here)."""

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
    with pytest.raises(ValueError, match=r"two_blobs\(\): n must be at least 2, got 1"):
        why_cross_entropy.two_blobs(1)
    with pytest.raises(ValueError, match=r"two_blobs\(\): distance must be at least 0, got -1.0"):
        why_cross_entropy.two_blobs(10, distance=-1.0)


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


def _sigmoid_unit_loss(logits: torch.Tensor, y: torch.Tensor, loss: str) -> torch.Tensor:
    if loss == "cross_entropy":
        return torch.nn.functional.binary_cross_entropy_with_logits(logits, y)
    return 0.5 * ((torch.sigmoid(logits) - y) ** 2).mean()


def _train(x: np.ndarray, y: np.ndarray, start: np.ndarray, loss: str, steps: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Gradient descent (step 1) on the sigmoid unit by autograd: accuracies and gradient norms."""
    features = torch.from_numpy(np.hstack([x, np.ones((len(x), 1))]))
    target = torch.from_numpy(y)
    w = torch.tensor(start, requires_grad=True)
    accuracy, norms = [], []
    for _ in range(steps + 1):
        logits = features @ w
        (grad,) = torch.autograd.grad(_sigmoid_unit_loss(logits, target, loss), w)
        accuracy.append(((logits > 0).double() == target).double().mean().item())
        norms.append(grad.norm().item())
        with torch.no_grad():
            w -= grad
    return np.array(accuracy), np.array(norms)


def test_confidently_wrong_start_stalls_squared_error_but_not_cross_entropy() -> None:
    x, y = why_cross_entropy.two_blobs(200, distance=3.0, seed=0)
    start = np.array([-8.0, 0.0, 0.0])
    ce_accuracy, ce_norm = _train(x, y, start, "cross_entropy")
    se_accuracy, se_norm = _train(x, y, start, "squared_error")
    assert ce_accuracy[-1] > 0.9 and se_accuracy[-1] < 0.5
    assert se_norm[0] < 0.01 < ce_norm[0]
    mild_accuracy, _ = _train(x, y, np.array([-0.5, 0.0, 0.0]), "squared_error")
    assert mild_accuracy[-1] > 0.9


def test_stable_cross_entropy_formula_matches_torch_at_extreme_logits() -> None:
    z = np.array([-1000.0, -800.0, -40.0, -1.5, 0.0, 40.0, 1000.0])
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0])
    stable = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
    reference = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.from_numpy(z), torch.from_numpy(y), reduction="none").numpy()
    np.testing.assert_allclose(stable, reference, rtol=1e-12, atol=1e-15)
