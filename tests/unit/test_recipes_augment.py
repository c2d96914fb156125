"""recipes.augment: the GPU recipe's batches on the device, cropped, flipped and cut out."""

from __future__ import annotations

import torch
import torchvision.transforms.functional as TF

from recipes import augment as aug


def images(n: int = 6, size: int = 8, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, 3, size, size, generator=torch.Generator().manual_seed(seed))


def test_crop_flip_matches_torchvision_functional() -> None:
    x = images()
    tops = torch.tensor([0, 1, 2, 3, 4, 8])
    lefts = torch.tensor([8, 0, 4, 4, 1, 0])
    flips = torch.tensor([True, False, True, False, False, True])
    out = aug.crop_flip(x, 4, tops, lefts, flips)
    for i in range(len(x)):
        expected = TF.crop(TF.pad(x[i], [4], padding_mode="reflect"), int(tops[i]), int(lefts[i]), 8, 8)
        if flips[i]:
            expected = TF.hflip(expected)
        torch.testing.assert_close(out[i], expected)


def test_random_crop_flip_gives_one_of_the_162_variants() -> None:
    x = images(n=20)
    out = aug.random_crop_flip(x, pad=4, generator=torch.Generator().manual_seed(1))
    padded = torch.nn.functional.pad(x, (4,) * 4, mode="reflect")
    for i in range(len(x)):
        variants = [v for t in range(9) for l in range(9)
                    for v in (padded[i, :, t:t + 8, l:l + 8], padded[i, :, t:t + 8, l:l + 8].flip(-1))]
        assert len(variants) == 162
        assert any(torch.equal(out[i], v) for v in variants)
    assert not torch.equal(out, x)


def test_no_padding_and_no_flip_is_the_identity() -> None:
    x = images()
    torch.testing.assert_close(aug.random_crop_flip(x, pad=0, flip=False), x)
    assert aug.random_crop_flip(x, pad=0, flip=True).shape == x.shape


def test_channels_last_is_kept() -> None:
    x = images().contiguous(memory_format=torch.channels_last)
    out = aug.random_crop_flip(x, pad=2)
    assert out.is_contiguous(memory_format=torch.channels_last)
    assert aug.cutout(out, 3).is_contiguous(memory_format=torch.channels_last)
    assert aug.cutout(images(), 3).is_contiguous()


def test_cutout_zeroes_one_square_per_image() -> None:
    x = torch.ones(5, 3, 8, 8)
    out = aug.cutout(x, 3, generator=torch.Generator().manual_seed(0))
    zeros = (out == 0).all(dim=1)
    assert zeros.sum(dim=(1, 2)).tolist() == [9] * 5
