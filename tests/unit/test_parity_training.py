"""helpers.parity.training: runs, fresh batches, the fast trainer against a plain autograd loop."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.parity import training as T
from helpers.parity.network import parity_labels


def hinge(output: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The loss the notebook's exercise asks for, written here for the plain loop."""
    return torch.clamp(1 - output[:, 0] * y, min=0).mean()


def test_config_defaults_are_the_starters_settings() -> None:
    config = T.TrainConfig()
    assert (config.iterations, config.batch_size, config.lr, config.momentum) == (50_000, 100, 1e-3, 0.9)


def test_runs_and_configs_are_validated() -> None:
    with pytest.raises(ValueError, match="d must be"):
        T.Run(0, 3, ())
    with pytest.raises(ValueError, match="at most 64"):
        T.make_run(65)
    with pytest.raises(ValueError, match="mask has 2 entries"):
        T.Run(3, 5, (1, 0))
    with pytest.raises(ValueError, match="lr > 0"):
        T.TrainConfig(lr=0.0)
    with pytest.raises(ValueError, match="batch_size must be"):
        T.TrainConfig(batch_size=0)
    with pytest.raises(ValueError, match="ones must be"):
        T.make_run(4, ones=5)
    assert sum(T.make_run(9, ones=5).mask) == 5
    assert T.make_run(7).k == 70


def test_uniform_masks_are_fair_coins() -> None:
    ones = [sum(T.make_run(20, seed=s).mask) for s in range(200)]
    assert np.mean(ones) == pytest.approx(10, abs=0.5)
    assert min(ones) < 8 and max(ones) > 12  # the number of ones varies from seed to seed


@pytest.mark.parametrize("d", [1, 7, 30, 64])
def test_sample_batch_labels_and_stream_splitting(d: int) -> None:
    mask = np.random.default_rng(d).integers(0, 2, d)
    bits, y = T.sample_batch(np.random.default_rng(5).bit_generator, mask, 3000)
    assert bits.shape == (3000, d) and set(np.unique(bits)) <= {0, 1}
    np.testing.assert_array_equal(y, parity_labels(bits, mask))
    assert abs(bits.mean() - 0.5) < 0.03
    stream = np.random.default_rng(5).bit_generator
    first, _ = T.sample_batch(stream, tuple(mask), 1000)
    second, _ = T.sample_batch(stream, mask, 2000)
    np.testing.assert_array_equal(np.vstack([first, second]), bits)  # bulk = step by step


def test_sample_batch_validates() -> None:
    stream = T.data_stream(0)
    with pytest.raises(ValueError, match="at most 64 bits"):
        T.sample_batch(stream, np.ones(65, int), 3)
    with pytest.raises(ValueError, match="n must be"):
        T.sample_batch(stream, [1, 0], 0)


@pytest.mark.parametrize("d,k", [(5, 50), (12, 30)])
def test_fast_and_reference_training_follow_the_same_trajectory(d: int, k: int) -> None:
    run = T.make_run(d, k, seed=3)
    config = T.TrainConfig(iterations=300, lr=0.01)
    fast = T.train_fast(run, config, dtype=torch.float64)[0]
    ref = T.train_reference(run, hinge, config, dtype=torch.float64)
    np.testing.assert_allclose(fast.loss, ref.loss, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(fast.accuracy, ref.accuracy)
    np.testing.assert_allclose(fast.net.W, ref.net.W, atol=1e-10)
    np.testing.assert_allclose(fast.net.alpha, ref.net.alpha, atol=1e-10)
    assert ref.run == run
    fast32 = T.train_fast(run, config)[0]
    ref32 = T.train_reference(run, hinge, config)
    np.testing.assert_allclose(fast32.loss, ref32.loss, atol=1e-4)


def test_train_reference_validates() -> None:
    with pytest.raises(TypeError, match="run must be a Run"):
        T.train_reference("run", hinge)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="loss_fn must be callable"):
        T.train_reference(T.make_run(3), None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="non-empty list of Runs"):
        T.train_fast([])


def test_padded_runs_match_separate_runs() -> None:
    runs = [T.make_run(4, 7, seed=1), T.make_run(6, 20, seed=2), T.make_run(3, 5, seed=3)]
    config = T.TrainConfig(iterations=200)
    together = T.train_fast(runs, config, dtype=torch.float64)
    for run, joint in zip(runs, together):
        alone = T.train_fast(run, config, dtype=torch.float64)[0]
        assert joint.run == run
        np.testing.assert_allclose(joint.loss, alone.loss, atol=1e-12)
        np.testing.assert_allclose(joint.net.W, alone.net.W, atol=1e-12)
        assert joint.net.W.shape == (run.k, run.d)


def test_small_parity_is_learned() -> None:
    config = T.TrainConfig(iterations=3000, batch_size=128, lr=0.01)
    result = T.train_fast(T.make_run(4, 40, ones=2), config)[0]
    assert result.accuracy[-200:].mean() > 0.99
    assert result.loss[:50].mean() > 0.5


def test_smooth() -> None:
    centres, means = T.smooth(np.arange(10.0), 4)
    assert centres.tolist() == [2.0, 6.0] and means.tolist() == [1.5, 5.5]
    with pytest.raises(ValueError, match="longer than"):
        T.smooth(np.arange(3.0), 4)
    values = np.random.default_rng(0).normal(size=1000)
    centres, means = T.smooth_log(values, 50)
    assert centres[0] == 1.0 and means[0] == values[0] and centres[-1] < 1000
    widths = np.diff(np.unique(np.geomspace(1, 1001, 51).astype(int)))
    assert np.sum(means * widths) == pytest.approx(values.sum())
