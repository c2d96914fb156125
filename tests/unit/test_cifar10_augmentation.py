"""helpers.cifar10.augmentation: the checks pass the recipe's augmentation and catch broken ones.

The right answers come from ``recipes.augment`` (the GPU recipe's copy, not installed).
"""

from __future__ import annotations

import pytest
import torch

from helpers.cifar10 import augmentation as aug
from recipes.augment import crop_flip, cutout, random_crop_flip


def batch(n: int = 6, seed: int = 0) -> torch.Tensor:
    x = torch.randn(n, 3, 8, 10, generator=torch.Generator().manual_seed(seed))
    return x.contiguous(memory_format=torch.channels_last)


def draws() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return (torch.tensor([0, 8, 3, 4, 8, 0]), torch.tensor([8, 0, 4, 1, 8, 0]),
            torch.tensor([True, False, True, False, True, False]))


def test_torchvision_comparison_passes_the_recipe_and_names_the_wrong_image() -> None:
    x, (tops, lefts, flips) = batch(), draws()
    aug.check_against_torchvision("crop_flip", crop_flip(x, 4, tops, lefts, flips), x, 4, tops, lefts, flips)
    wrong = crop_flip(x, 4, tops, lefts, ~flips)
    with pytest.raises(AssertionError, match=r"image 0 \(top 0, left 8, flip True\) differs"):
        aug.check_against_torchvision("crop_flip", wrong, x, 4, tops, lefts, flips)
    with pytest.raises(AssertionError, match="batch's shape"):
        aug.check_against_torchvision("crop_flip", wrong[:, :, :4], x, 4, tops, lefts, flips)


def test_batch_layout_wants_channels_last_and_the_same_dtype() -> None:
    x = batch()
    aug.check_batch_layout("out", x.clone(), x)
    with pytest.raises(AssertionError, match="channels-last"):
        aug.check_batch_layout("out", x.contiguous(), x)
    with pytest.raises(AssertionError, match="dtype"):
        aug.check_batch_layout("out", x.double(), x)


def test_on_device_reads_the_source() -> None:
    def good(images: torch.Tensor) -> torch.Tensor:
        return images + torch.arange(3, device=images.device).view(1, 3, 1, 1)

    def cpu_index(images: torch.Tensor) -> torch.Tensor:
        return images + torch.arange(3).view(1, 3, 1, 1)

    def host_copy(images: torch.Tensor) -> float:
        return images.sum().item()

    aug.check_on_device("good", good)
    with pytest.raises(AssertionError, match=r"torch.arange\(...\) without device="):
        aug.check_on_device("cpu_index", cpu_index)
    with pytest.raises(AssertionError, match=r"calls .item\(\)"):
        aug.check_on_device("host_copy", host_copy)


def test_draws_are_read_back_off_position_images() -> None:
    images = aug.position_images(6, size=20)
    tops, lefts, flips = draws()
    out = crop_flip(images, 4, tops, lefts, flips)
    got = aug.recover_draws(out, 4)
    for want, found in zip((tops, lefts, flips), got):
        assert torch.equal(want, found)


def test_random_draws_pass_the_recipe_and_catch_an_off_by_one() -> None:
    aug.check_random_draws("random_crop_flip", lambda x, pad, generator: random_crop_flip(x, pad, generator=generator))

    def short(images: torch.Tensor, pad: int, generator: torch.Generator) -> torch.Tensor:
        n = len(images)
        tops = torch.randint(0, 2 * pad, (n,), generator=generator)
        lefts = torch.randint(0, 2 * pad, (n,), generator=generator)
        return crop_flip(images, pad, tops, lefts, torch.rand(n, generator=generator) < 0.5)

    with pytest.raises(AssertionError, match="should take each value"):
        aug.check_random_draws("short", short)


def test_cutout_check_passes_the_recipe_and_catches_clipped_squares() -> None:
    aug.check_cutout("cutout", lambda x, size, generator: cutout(x, size, generator=generator))

    def clipped(images: torch.Tensor, size: int, generator: torch.Generator) -> torch.Tensor:
        n, _, h, w = images.shape
        top = torch.randint(0, h, (n, 1, 1, 1), generator=generator) - size // 2
        rows = torch.arange(h).view(1, 1, h, 1)
        cols = torch.arange(w).view(1, 1, 1, w)
        mask = (rows >= top) & (rows < top + size) & (cols >= top) & (cols < top + size)
        return images.masked_fill(mask, 0).contiguous(memory_format=torch.channels_last)

    with pytest.raises(AssertionError, match="exactly one 4 x 4 square"):
        aug.check_cutout("clipped", clipped)


def test_epoch_batches_check() -> None:
    def epoch(images, labels, batch_size, augment=None, generator=None):
        seen = images if augment is None else augment(images, generator=generator)
        order = torch.randperm(len(images), generator=generator)
        for start in range(0, len(images) - batch_size + 1, batch_size):
            yield seen[order[start:start + batch_size]], labels[order[start:start + batch_size]]

    def unshuffled(images, labels, batch_size, augment=None, generator=None):
        seen = images if augment is None else augment(images, generator=generator)
        for start in range(0, len(images) - batch_size + 1, batch_size):
            yield seen[start:start + batch_size], labels[start:start + batch_size]

    aug.check_epoch_batches("epoch", epoch)
    with pytest.raises(AssertionError, match="should shuffle"):
        aug.check_epoch_batches("unshuffled", unshuffled)
