"""helpers.cifar10.small_cnn and helpers.cifar10.training: the experiments' model and trainer."""

from __future__ import annotations

import pytest
import torch

from helpers.cifar10.small_cnn import SmallCNN
from helpers.cifar10.training import evaluate, fit


def plain_batches(images, labels, batch_size, augment=None, generator=None):
    seen = images if augment is None else augment(images, generator=generator)
    order = torch.randperm(len(images), generator=generator)
    for start in range(0, len(images) - batch_size + 1, batch_size):
        yield seen[order[start:start + batch_size]], labels[order[start:start + batch_size]]


def data(n: int = 32, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 3, 16, 16, generator=g), torch.arange(n) % 4


def test_small_cnn_shapes_and_layout() -> None:
    model = SmallCNN((4, 8), num_classes=4)
    assert model(torch.randn(2, 3, 32, 32)).shape == (2, 4)
    assert model(torch.randn(2, 3, 16, 16)).shape == (2, 4)
    assert model[0].weight.is_contiguous(memory_format=torch.channels_last)
    with pytest.raises(ValueError, match=r"SmallCNN: widths\[1\] must be at least 1, got 0"):
        SmallCNN((4, 0))
    with pytest.raises(ValueError, match="num_classes"):
        SmallCNN(num_classes=1)


def test_evaluate_in_both_modes_restores_the_mode() -> None:
    torch.manual_seed(0)
    model = SmallCNN((4, 8), num_classes=4)
    x, y = data()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    loss, acc = evaluate(model, x, y, batch_size=10)
    assert model.training and loss > 0 and 0 <= acc <= 1
    for key, value in model.state_dict().items():
        torch.testing.assert_close(value, before[key])
    evaluate(model, x, y, train_mode=True)
    assert not torch.equal(model[1].running_mean, before["1.running_mean"]), "train mode updates the statistics"
    model.eval()
    evaluate(model, x, y)
    assert not model.training
    with pytest.raises(ValueError, match=r"labels must be a tensor of shape \(32,\)"):
        evaluate(model, x, y[:3])


def test_fit_learns_records_and_falls_to_zero() -> None:
    torch.manual_seed(0)
    model = SmallCNN((8, 16), num_classes=4)
    x, y = data()
    calls: list[int] = []

    def augment(images, generator=None):
        calls.append(len(images))
        return images

    history = fit(model, (x, y), (x, y), batches=plain_batches, epochs=6, batch_size=8, lr=0.05,
                  augment=augment, desc="test")
    assert calls == [32] * 6
    assert len(history.loss) == len(history.lr) == 24 and history.steps_per_epoch == 4
    assert history.lr[0] == pytest.approx(0.05) and history.lr[-1] == pytest.approx(0.05 / 24)
    assert [e["epoch"] for e in history.evals] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert history.evals[-1]["train_loss"] < history.evals[0]["train_loss"]
    assert history.config["augment"] and history.train_seconds > 0


def test_fit_rejects_bad_settings() -> None:
    model, (x, y) = SmallCNN((4,), num_classes=4), data()
    with pytest.raises(ValueError, match=r"fit\(\): epochs must be at least 1, got 0"):
        fit(model, (x, y), (x, y), batches=plain_batches, epochs=0, batch_size=8, lr=0.1)
    with pytest.raises(ValueError, match=r"fit\(\): lr must be positive, got 0.0"):
        fit(model, (x, y), (x, y), batches=plain_batches, epochs=1, batch_size=8, lr=0.0)
    with pytest.raises(ValueError, match="gave no batch"):
        fit(model, (x, y), (x, y), batches=lambda *args: iter(()), epochs=1, batch_size=8, lr=0.1)
