"""helpers.backprop.mlp_from_scratch: batches, crop draws, mosaics, and the checks
of the MLP notebook (each must pass a right answer and fail a wrong one)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.transforms import functional as TF

from helpers.backprop import mlp_from_scratch as mlp


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


def test_random_crops_are_reproducible_and_cover_the_offsets() -> None:
    top, left, flip = mlp.random_crops(2000, 3, generator=torch.Generator().manual_seed(0))
    assert top.dtype == torch.int64 and flip.dtype == torch.bool and top.shape == (2000,)
    assert set(top.tolist()) == set(range(7)) and set(left.tolist()) == set(range(7))
    assert 0.45 < flip.float().mean() < 0.55
    again = mlp.random_crops(2000, 3, generator=torch.Generator().manual_seed(0))
    assert all(torch.equal(a, b) for a, b in zip((top, left, flip), again))
    assert not torch.equal(top, left)
    zero, _, _ = mlp.random_crops(5, 0)
    assert torch.equal(zero, torch.zeros(5, dtype=torch.int64))
    with pytest.raises(ValueError, match="pad must be a non-negative int"):
        mlp.random_crops(5, -1)
    with pytest.raises(ValueError, match="n must be positive"):
        mlp.random_crops(0, 2)


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
    with pytest.raises(TypeError, match="floating-point"):
        mlp.mosaic(torch.zeros(2, 3, 4, 4, dtype=torch.uint8))


# ----------------------------------------------------------------------------- the checks
class Scaled:
    """A made-up layer y = x * w (w a row of weights), with a right or a wrong backward."""

    def __init__(self, features: int, *, wrong: bool = False) -> None:
        self.weight = torch.linspace(0.5, 2.0, features, dtype=torch.float64)
        self.wrong = wrong

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.input = x
        return x * self.weight

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        self.weight.grad = (grad_output * self.input).sum(dim=0)
        return grad_output if self.wrong else grad_output * self.weight


def test_check_backward_passes_right_and_fails_wrong_messages(capsys: pytest.CaptureFixture[str]) -> None:
    g = torch.Generator().manual_seed(0)
    x, G = torch.randn(2, 3, 4, generator=g, dtype=torch.float64)
    mlp.check_backward("Scaled", Scaled(4), x, G, lambda t, w: t * w, parameters=["weight"])
    out = capsys.readouterr().out
    assert "equal torch autograd's" in out and "matches finite differences" in out
    with pytest.raises(AssertionError, match="Scaled: dL/dx is wrong"):
        mlp.check_backward("Scaled", Scaled(4, wrong=True), x, G, lambda t, w: t * w, parameters=["weight"])
    with pytest.raises(TypeError, match="x must be a float64"):
        mlp.check_backward("Scaled", Scaled(4), x.float(), G, lambda t, w: t * w)


def _twins() -> tuple[nn.Sequential, nn.Sequential]:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3)).double()
    return net, copy.deepcopy(net)


def test_check_gradients_like_torch() -> None:
    mine, twin = _twins()
    x = torch.randn(6, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    y = torch.tensor([0, 1, 2, 0, 1, 2])
    leaf = x.clone().requires_grad_()
    F.cross_entropy(mine(leaf), y).backward()
    mlp.check_gradients_like_torch("net", list(mine.parameters()), leaf.grad, twin, x, y)
    with pytest.raises(AssertionError, match="dL/dx"):
        mlp.check_gradients_like_torch("net", list(mine.parameters()), 2 * leaf.grad, twin, x, y)
    with pytest.raises(AssertionError, match="3 parameters, but the torch.nn network has 4"):
        mlp.check_gradients_like_torch("net", list(mine.parameters())[:3], leaf.grad, twin, x, y)
    with torch.no_grad():
        mine[2].bias.grad *= 2
    with pytest.raises(AssertionError, match=r"net: gradient of parameter 3 \(3,\) is wrong"):
        mlp.check_gradients_like_torch("net", list(mine.parameters()), leaf.grad, twin, x, y)


def test_check_sgd_like_torch() -> None:
    x = torch.randn(11, 2, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    y = torch.arange(11) % 3
    for lr, passes in [(0.3, True), (0.2, False)]:
        mine, twin = _twins()
        for index in mlp.minibatches(11, 4, generator=torch.Generator().manual_seed(3)):
            mine.zero_grad()
            F.cross_entropy(mine(x[index].flip(-1).flatten(1)), y[index]).backward()
            with torch.no_grad():
                for p in mine.parameters():
                    p -= lr * p.grad
        check = lambda: mlp.check_sgd_like_torch(  # noqa: E731
            "epoch", list(mine.parameters()), twin, x, y, lr=0.3, batch_size=4, seed=3,
            transform=lambda b: b.flip(-1))
        if passes:
            check()
        else:
            with pytest.raises(AssertionError, match=r"epoch: parameter 0 \(5, 4\) after one epoch"):
                check()


def _crop_loop(images, top, left, flip, *, pad, mode="constant"):
    size = images.shape[-1]
    out = []
    for image, t, l, m in zip(images, top.tolist(), left.tolist(), flip.tolist()):
        window = TF.crop(F.pad(image[None], (pad,) * 4, mode=mode)[0], t, l, size, size)
        out.append(TF.hflip(window) if m else window)
    return torch.stack(out)


def test_check_crop_and_flip_passes_torchvision_crops_and_fails_reflection() -> None:
    mlp.check_crop_and_flip("crop", _crop_loop, size=32, pad=4)
    mlp.check_crop_and_flip("crop", _crop_loop, size=8, pad=3, seed=1)
    with pytest.raises(AssertionError, match="on fixed offsets"):
        mlp.check_crop_and_flip("crop", lambda *a, pad: _crop_loop(*a, pad=pad, mode="reflect"))
    with pytest.raises(AssertionError, match="RandomCrop"):  # right on the fixed draws only
        mlp.check_crop_and_flip("crop", lambda im, t, l, f, *, pad: _crop_loop(im, t, l, f, pad=pad)
                                if len(t) < 6 or int(t[0]) == 0 else torch.zeros_like(im), n=6)


def test_check_in_range() -> None:
    mlp.check_in_range("accuracy", 0.4, 0.3, 0.5)
    with pytest.raises(AssertionError, match=r"accuracy = 0.600 is outside the expected range \[0.3, 0.5\]"):
        mlp.check_in_range("accuracy", 0.6, 0.3, 0.5)
