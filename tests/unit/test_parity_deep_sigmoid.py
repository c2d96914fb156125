"""helpers.parity.deep_sigmoid: deep MLPs, their forward signals, batched training."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.parity import deep_sigmoid as S
from helpers.parity.network import all_inputs
from helpers.parity.training import TrainConfig, data_stream, sample_batch


def test_deep_mlp_shapes_seed_and_validation() -> None:
    model = S.deep_mlp(3, 8, 2, "relu", seed=4)
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert model[-1].out_features == 1
    same = S.deep_mlp(3, 8, 2, "relu", seed=4)
    assert torch.equal(model[0].weight, same[0].weight)
    with pytest.raises(ValueError, match="activation must be one of"):
        S.deep_mlp(3, 4, 2, "tanh")
    with pytest.raises(ValueError, match="depth must be"):
        S.deep_mlp(3, 4, 0)


def test_mlp_from_weights() -> None:
    model = S.mlp_from_weights([[[1.0, 2.0]], [[3.0]]], [[0.5], [-1.0]], "relu")
    out = model(torch.tensor([[1.0, 1.0]], dtype=torch.float64))
    assert out.item() == 3 * 3.5 - 1
    with pytest.raises(ValueError, match="as many biases as weights"):
        S.mlp_from_weights([[[1.0]]], [])
    with pytest.raises(ValueError, match="do not fit together"):
        S.mlp_from_weights([[[1.0, 2.0]], [[3.0, 1.0]]], [[0.0], [0.0]])
    with pytest.raises(ValueError, match="one output"):
        S.mlp_from_weights([[[1.0, 2.0], [0.0, 1.0]]], [[0.0, 0.0]])


def test_forward_signals() -> None:
    x = all_inputs(3)
    model = S.deep_mlp(3, 10, 4, "sigmoid", seed=1).double()
    signals = S.forward_signals(model, x)
    assert signals.spread.shape == (4,) and signals.layer_input.shape == (8, 5)
    np.testing.assert_allclose(signals.layer_input[:, 0], np.linalg.norm(x, axis=1))
    first = torch.sigmoid(model[0](torch.as_tensor(x, dtype=torch.float64)))
    assert signals.spread[0] == pytest.approx(first.std(dim=0).mean().item())
    np.testing.assert_allclose(signals.layer_input[:, 1], first.norm(dim=1).detach().numpy())
    assert (np.diff(signals.spread) < 0).all()  # sigmoid layers squeeze the input's influence
    with pytest.raises(TypeError, match="Sequential"):
        S.forward_signals(torch.nn.Linear(3, 1), x)  # type: ignore[arg-type]


def plain_loop(run: S.DeepRun, mask: np.ndarray, width: int, iterations: int) -> np.ndarray:
    """The same run as a per-step torch.optim.SGD loop with autograd."""
    model = S.deep_mlp(len(mask), width, run.depth, run.activation, run.seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=run.lr, momentum=0.9)
    stream, losses = data_stream(run.seed), []
    for _ in range(iterations):
        x, y = sample_batch(stream, mask, 100)
        y = torch.as_tensor(y, dtype=torch.float32)
        loss = torch.clamp(1 - model(torch.as_tensor(x, dtype=torch.float32))[:, 0] * y, min=0).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return np.array(losses)


def test_train_deep_follows_the_plain_loop_for_every_run() -> None:
    mask = np.array([1, 1, 0])
    runs = [S.DeepRun(3, "sigmoid", seed, lr) for seed in (0, 1) for lr in (1e-2, 0.5)]
    runs.append(S.DeepRun(1, "relu", 2, 0.05))
    results = S.train_deep(runs, mask, 12, TrainConfig(iterations=150))
    for run, result in zip(runs, results):
        np.testing.assert_allclose(result.loss, plain_loop(run, mask, 12, 150), atol=1e-5)
        assert result.accuracy.shape == (150,)


def test_train_deep_learns_xor_with_a_shallow_network() -> None:
    result = S.train_deep([S.DeepRun(1, "relu", 0, 0.1)], [1, 1, 0], 30, TrainConfig(iterations=1500))[0]
    assert result.accuracy[-100:].mean() > 0.99


def test_deep_runs_are_validated() -> None:
    with pytest.raises(ValueError, match="lr must be positive"):
        S.DeepRun(2, "relu", 0, 0.0)
    with pytest.raises(ValueError, match="activation must be one of"):
        S.DeepRun(2, "tanh", 0, 0.1)
    with pytest.raises(TypeError, match="non-empty list of DeepRuns"):
        S.train_deep([], [1, 0], 4)
    with pytest.raises(ValueError, match="width must be"):
        S.train_deep([S.DeepRun(1, "relu", 0, 0.1)], [1, 0], 0)
