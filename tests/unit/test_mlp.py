"""helpers.mlp, and the backward passes the MLP notebook derives."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torchvision.transforms.v2 import functional as TF

from helpers import mlp


def test_minibatches_cover_every_index_once() -> None:
    batches = mlp.minibatches(10, 4, generator=torch.Generator().manual_seed(0))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(torch.cat(batches).tolist()) == list(range(10))
    again = mlp.minibatches(10, 4, generator=torch.Generator().manual_seed(0))
    assert all(torch.equal(a, b) for a, b in zip(batches, again))
    assert torch.equal(torch.cat(mlp.minibatches(5, 2, shuffle=False)), torch.arange(5))


def test_minibatches_bad_input() -> None:
    with pytest.raises(ValueError, match="batch_size must be positive"):
        mlp.minibatches(10, 0)
    with pytest.raises(TypeError, match="n must be an int"):
        mlp.minibatches(10.0, 2)


def _images(n: int = 6) -> torch.Tensor:
    return torch.randn(n, 3, 8, 8, generator=torch.Generator().manual_seed(1))


def test_augment_without_padding_or_flip_is_the_identity() -> None:
    x = _images()
    assert torch.equal(mlp.augment(x, pad=0, flip=False), x)


def test_augment_matches_torchvision_crop_of_the_reflected_image() -> None:
    x = _images(1)
    for seed in range(10):
        g = torch.Generator().manual_seed(seed)
        top, left = torch.randint(0, 7, (2, 1), generator=g)[:, 0].tolist()
        mirrored = bool(torch.rand(1, generator=g)[0] < 0.5)
        expected = TF.crop(F.pad(x, (3, 3, 3, 3), mode="reflect"), top, left, 8, 8)
        expected = TF.horizontal_flip(expected) if mirrored else expected
        got = mlp.augment(x, pad=3, generator=torch.Generator().manual_seed(seed))
        assert torch.equal(got, expected)


def test_augment_gives_each_image_its_own_window() -> None:
    x = _images(64)
    out = mlp.augment(x, pad=2, generator=torch.Generator().manual_seed(0))
    padded = F.pad(x, (2, 2, 2, 2), mode="reflect")
    windows = set()
    for n in range(64):
        found = [(top, left, flip) for top in range(5) for left in range(5) for flip in (False, True)
                 if torch.equal(out[n], (lambda c: c.flip(-1) if flip else c)(padded[n, :, top:top + 8, left:left + 8]))]
        assert found, f"image {n} is not a window of its padded image"
        windows.add(found[0])
    assert len(windows) > 10  # offsets and flips vary across the batch
    assert any(w[2] for w in windows) and not all(w[2] for w in windows)


def test_augment_bad_input() -> None:
    with pytest.raises(TypeError, match="floating-point"):
        mlp.augment(torch.zeros(2, 3, 8, 8, dtype=torch.uint8))
    with pytest.raises(TypeError, match="torch.Tensor"):
        mlp.augment(np.zeros((2, 3, 8, 8)))
    with pytest.raises(ValueError, match=r"shape \(N, C, H, W\)"):
        mlp.augment(torch.zeros(3, 8, 8))
    with pytest.raises(ValueError, match="pad < image side"):
        mlp.augment(torch.zeros(2, 3, 8, 8), pad=8)


def test_history_records_and_reports_the_gap() -> None:
    history = mlp.History()
    with pytest.raises(ValueError, match="no epoch recorded"):
        history.gap
    history.append(1.5, 0.6, 0.4)
    history.append(1.0, 0.9, 0.5)
    assert history.loss == [1.5, 1.0] and history.gap == pytest.approx(0.4)
    with pytest.raises(ValueError, match="val_accuracy must be a fraction"):
        history.append(1.0, 0.9, 55.0)


def test_plot_history_draws_two_labelled_panels() -> None:
    history = mlp.History()
    history.append(2.0, 0.3, 0.3)
    history.append(1.0, 0.6, 0.4)
    fig = Figure()
    mlp.plot_history(fig, {"run": history})
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_ylabel() == "cross-entropy" and acc_ax.get_legend() is not None
    assert len(acc_ax.lines) == 2
    with pytest.raises(ValueError, match="non-empty mapping"):
        mlp.plot_history(Figure(), {"empty": mlp.History()})


def test_mosaic_tiles_and_undoes_the_normalisation() -> None:
    from helpers.data import to_tensor

    images = np.random.default_rng(0).integers(0, 256, size=(5, 4, 4, 3), dtype=np.uint8)
    picture = mlp.mosaic(to_tensor(images), ncols=3, gap=1)
    assert picture.shape == (2 * 4 + 1, 3 * 4 + 2, 3)
    np.testing.assert_allclose(picture[:4, :4], images[0] / 255.0, atol=1e-6)
    np.testing.assert_allclose(picture[5:9, 5:9], images[4] / 255.0, atol=1e-6)
    assert (picture[4] == 1.0).all()  # the white gap
    with pytest.raises(ValueError, match="3 channels"):
        mlp.mosaic(torch.zeros(2, 1, 4, 4))
    with pytest.raises(ValueError, match="gap must be a non-negative int"):
        mlp.mosaic(torch.zeros(2, 3, 4, 4), gap=-1)


# ---------------------------------------------------------------- the notebook's backward formulas
def test_linear_relu_and_cross_entropy_backward_formulas_match_autograd() -> None:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(6, 5, generator=g, dtype=torch.float64, requires_grad=True)
    W = torch.randn(4, 5, generator=g, dtype=torch.float64, requires_grad=True)
    b = torch.randn(4, generator=g, dtype=torch.float64, requires_grad=True)
    target = torch.tensor([0, 3, 1, 1, 2, 3])
    hidden = x @ W.T + b
    logits = torch.relu(hidden)
    loss = F.cross_entropy(logits, target)
    loss.backward()
    with torch.no_grad():
        p = logits.softmax(dim=1)
        dlogits = (p - F.one_hot(target, 4)) / len(target)           # (p - onehot) / B
        dhidden = dlogits * (hidden > 0)                               # ReLU
        np.testing.assert_allclose(dhidden.T @ x, W.grad, rtol=1e-12)  # G^T X
        np.testing.assert_allclose(dhidden.sum(0), b.grad, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(dhidden @ W, x.grad, rtol=1e-12, atol=1e-15)  # G W
