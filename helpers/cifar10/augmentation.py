"""The checks of ``05_cifar10/03_augmentation``: batched crops and flips against torchvision.

The students write the GPU recipe's augmentation: random crops of reflect-padded images
and left-right flips for a whole batch at once, on the batch's device, channels-last, and
the epoch of shuffled, augmented batches a trainer draws from. These checks compare their
functions with torchvision's transforms applied image by image with the same draws,
recover the draws from the outputs to test their distribution, and read the functions'
source for what would break on a GPU. None of them returns an augmented image.
"""

from __future__ import annotations

import ast
import inspect
import math
import textwrap
from collections.abc import Callable
from typing import Any

import torch
import torchvision.transforms.v2.functional as TF

from ..checks import check_true, passed

FACTORIES = ("arange", "zeros", "ones", "full", "empty", "rand", "randn", "randint", "randperm",
             "tensor", "linspace", "eye")
"""torch functions that create a tensor, on the CPU unless given ``device=``."""


def _check_tensor(name: str, value: Any) -> torch.Tensor:
    check_true(isinstance(value, torch.Tensor), f"{name} should be a torch.Tensor, got {type(value).__name__}")
    return value


def check_on_device(name: str, function: Callable[..., Any]) -> None:
    """Assert every ``torch.<factory>(...)`` call in ``function``'s source passes ``device=``
    and that it never copies to the host (``.cpu()``, ``.numpy()``, ``.item()``, ``.tolist()``).

    On a GPU a tensor made without ``device=`` lives on the CPU: mixing it with the batch
    fails, or copies, every step.
    """
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError) as error:
        raise AssertionError(f"the source of {name} cannot be read ({error}): define it with `def`.") from None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        attribute, owner = node.func.attr, node.func.value
        if attribute in ("cpu", "numpy", "item", "tolist"):
            raise AssertionError(f"{name} calls .{attribute}() (line {node.lineno} of the function): that "
                                 "copies data to the host; keep everything on the batch's device.")
        if (attribute in FACTORIES and isinstance(owner, ast.Name) and owner.id == "torch"
                and not any(k.arg in ("device", None) for k in node.keywords)):
            raise AssertionError(f"{name} calls torch.{attribute}(...) without device= (line {node.lineno} "
                                 "of the function): on a GPU that tensor is made on the CPU. Pass "
                                 "device=images.device.")
    passed(f"{name} makes its tensors on the batch's device.")


def _torchvision(image: torch.Tensor, pad: int, top: int, left: int, flip: bool) -> torch.Tensor:
    out = TF.crop(TF.pad(image, [pad], padding_mode="reflect"), top, left, image.shape[-2], image.shape[-1])
    return TF.horizontal_flip(out) if flip else out


def check_against_torchvision(name: str, out: Any, images: torch.Tensor, pad: int, tops: torch.Tensor,
                              lefts: torch.Tensor, flips: torch.Tensor) -> None:
    """Assert ``out[i]`` is torchvision's reflect ``pad``, ``crop`` at ``(tops[i], lefts[i])`` and,
    where ``flips[i]``, ``horizontal_flip`` of ``images[i]``, for every image of the batch."""
    out = _check_tensor(name, out)
    check_true(out.shape == images.shape, f"{name} should have the batch's shape {tuple(images.shape)}, "
                                          f"got {tuple(out.shape)}")
    for i in range(len(images)):
        draw = (int(tops[i]), int(lefts[i]), bool(flips[i]))
        want = _torchvision(images[i], pad, *draw)
        if not torch.equal(out[i], want):
            wrong = (out[i] != want).nonzero()[0].tolist()
            raise AssertionError(
                f"{name}: image {i} (top {draw[0]}, left {draw[1]}, flip {draw[2]}) differs from "
                f"torchvision's pad (reflect, {pad}), crop and flip at [channel, row, column] = {wrong}: "
                f"expected {want[tuple(wrong)].item():.4g}, got {out[i][tuple(wrong)].item():.4g}.")
    passed(f"{name} agrees with torchvision's transforms on all {len(images)} images.")


def check_batch_layout(name: str, out: Any, images: torch.Tensor) -> None:
    """Assert ``out`` keeps the batch's shape, dtype and device and is channels-last."""
    out = _check_tensor(name, out)
    check_true(out.shape == images.shape and out.dtype == images.dtype and out.device == images.device,
               f"{name} should keep shape {tuple(images.shape)}, dtype {images.dtype} and device "
               f"{images.device}; got {tuple(out.shape)}, {out.dtype}, {out.device}")
    check_true(out.is_contiguous(memory_format=torch.channels_last),
               f"{name} should be channels-last, the layout the recipe holds its batches in "
               "(.contiguous(memory_format=torch.channels_last))",
               success=f"{name} keeps shape, dtype and device, channels-last.")


def position_images(n: int, size: int = 16, channels: int = 3) -> torch.Tensor:
    """``n`` copies of an image whose pixel ``[c, i, j]`` is ``1000 c + size i + j`` (channels-last):
    every pixel says where it came from, so the draws can be read off an augmented copy."""
    c, i, j = torch.meshgrid(torch.arange(channels), torch.arange(size), torch.arange(size), indexing="ij")
    image = (1000 * c + size * i + j).float()
    return image.expand(n, -1, -1, -1).contiguous(memory_format=torch.channels_last)


def recover_draws(out: torch.Tensor, pad: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(tops, lefts, flips) that turned :func:`position_images` into ``out``, read off the
    pixels near the centre (which no padding reaches for offsets 0..2 pad)."""
    size = out.shape[-1]
    centre = size // 2
    here, right = out[:, 0, centre, centre], out[:, 0, centre, centre + 1]
    flips = right < here
    rows, cols = torch.div(here, size, rounding_mode="floor"), torch.remainder(here, size)
    tops = rows - centre + pad
    lefts = torch.where(flips, cols - (size - 1 - centre) + pad, cols - centre + pad)
    return tops.long(), lefts.long(), flips


def _check_uniform(name: str, what: str, tops: torch.Tensor, lefts: torch.Tensor, positions: int) -> None:
    """Tops and lefts each uniform on ``0..positions-1`` and independent, within 5 standard errors."""
    n = len(tops)
    spread = 5 * math.sqrt(n * (1 / positions) * (1 - 1 / positions))
    for axis, values in (("top", tops), ("left", lefts)):
        counts = torch.bincount(values.long(), minlength=positions).tolist()
        check_true(all(abs(k - n / positions) <= spread for k in counts),
                   f"{name}: the {axis} {what} should take each value 0..{positions - 1} about "
                   f"{n / positions:.0f} times in {n} images, got {counts}")
    same = int((tops == lefts).sum())
    check_true(abs(same - n / positions) <= spread,
               f"{name}: the top and left {what} should be drawn independently; they are equal in {same} "
               f"of {n} images (about {n / positions:.0f} expected)")


def _check_seeded(name: str, function: Callable[..., torch.Tensor], images: torch.Tensor, argument: int,
                  out: torch.Tensor) -> None:
    """``out`` came from seed 1: seed 1 again gives it again, seed 2 something else."""
    again = function(images, argument, generator=torch.Generator().manual_seed(1))
    other = function(images, argument, generator=torch.Generator().manual_seed(2))
    check_true(torch.equal(again, out), f"{name} should draw with the generator it is given: the same "
                                        "seed gave a different batch")
    check_true(not torch.equal(other, out), f"{name}: another seed should give another batch")


def check_random_draws(name: str, function: Callable[..., torch.Tensor], pad: int = 4, n: int = 1500) -> None:
    """Run ``function(images, pad, generator=...)`` on :func:`position_images` and assert it is
    random crop-and-flip: the outputs are torchvision's crop and flip for the draws read off
    them (compared on the first 300 images); offsets ``0..2 pad`` each come up
    ``1/(2 pad + 1)`` of the time and flips half of the time (within 5 standard errors),
    independently for every image and both axes; the same seed gives the same batch and
    another seed another one.
    """
    size = 4 * pad + 4
    images = position_images(n, size, channels=1)
    out = _check_tensor(name, function(images, pad, generator=torch.Generator().manual_seed(1)))
    check_batch_layout(name, out, images)
    tops, lefts, flips = recover_draws(out, pad)
    positions = 2 * pad + 1
    check_true(bool(tops.min() >= 0 and tops.max() < positions and lefts.min() >= 0 and lefts.max() < positions),
               f"{name} crops outside the padded image: offsets read off the outputs range over "
               f"{int(tops.min())}..{int(tops.max())}, expected 0..{2 * pad}")
    check_against_torchvision(name, out[:300], images[:300], pad, tops, lefts, flips)
    _check_uniform(name, "offsets", tops, lefts, positions)
    flipped = int(flips.sum())
    check_true(abs(flipped - n / 2) <= 5 * math.sqrt(n / 4),
               f"{name}: about half of the {n} images should be flipped, got {flipped}")
    _check_seeded(name, function, images, pad, out)
    passed(f"{name}: offsets uniform on 0..{2 * pad} and flips half of the time, drawn for every image, "
           "from the generator given.")


def check_epoch_batches(name: str, function: Callable[..., Any]) -> None:
    """Assert ``function(images, labels, batch_size, augment, generator)`` yields one epoch:
    the whole set augmented once (with the generator), then shuffled batches of
    ``batch_size`` that leave out only the last partial batch, each image at most once and
    with its own label; the same seed gives the same order, the next epoch another one.
    """
    n, batch_size = 10, 3
    images = torch.arange(n, dtype=torch.float32).view(n, 1, 1, 1).expand(n, 1, 2, 2)
    images = images.contiguous(memory_format=torch.channels_last)
    labels = torch.arange(n) + 100
    calls: list[tuple[int, bool]] = []

    def augment(batch: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        calls.append((len(batch), generator is not None))
        return batch + 0.5

    def epoch(generator: torch.Generator, with_augment: bool = True) -> list[int]:
        calls.clear()
        batches = list(function(images, labels, batch_size, augment if with_augment else None, generator))
        check_true(all(isinstance(b, tuple) and len(b) == 2 for b in batches),
                   f"{name} should yield (images, labels) pairs")
        sizes = [len(x) for x, _ in batches]
        check_true(sizes == [batch_size] * (n // batch_size),
                   f"{name}: {n} images in batches of {batch_size} should give {n // batch_size} full batches "
                   f"(the last, partial one left out), got batch sizes {sizes}")
        x = torch.cat([b[0] for b in batches])[:, 0, 0, 0]
        y = torch.cat([b[1] for b in batches])
        shift = 0.5 if with_augment else 0.0
        check_true(bool(torch.equal(x - shift, (y - 100).float())),
                   f"{name}: every image should come with its own label"
                   + (" and be augmented" if with_augment else ", unaugmented when augment is None"))
        order = (y - 100).tolist()
        check_true(len(set(order)) == len(order), f"{name}: an image came twice in one epoch ({order})")
        if with_augment:
            check_true(calls == [(n, True)], f"{name} should call augment once, on all {n} images, with the "
                                             f"generator; the calls got (images, generator given): {calls}")
        return order

    first = epoch(torch.Generator().manual_seed(0))
    check_true(epoch(torch.Generator().manual_seed(0)) == first,
               f"{name}: the same seed should give the same order (draw it with the generator)")
    generator = torch.Generator().manual_seed(1)
    orders = [epoch(generator), epoch(generator), epoch(generator, with_augment=False)]
    check_true(first != sorted(first) and len({tuple(o) for o in orders}) == 3,
               f"{name} should shuffle, a new order every epoch: got {orders}")
    passed(f"{name} gives one shuffled epoch of augmented batches, each image with its label.")


def check_cutout(name: str, function: Callable[..., torch.Tensor], size: int = 4, n: int = 1800,
                 side: int = 12) -> None:
    """Run ``function(images, size, generator=...)`` on ``n`` random images without zeros and
    assert it is cutout: in every image exactly one ``size x size`` square, the same in all
    channels and inside the image, is set to 0 and nothing else changes; its corner is
    uniform over the ``(side - size + 1)**2`` positions, independently on both axes (within 5
    standard errors); the same seed gives the same batch and another seed another one.
    """
    images = torch.rand(n, 3, side, side, generator=torch.Generator().manual_seed(0)) + 0.5
    images = images.contiguous(memory_format=torch.channels_last)
    out = _check_tensor(name, function(images, size, generator=torch.Generator().manual_seed(1)))
    check_batch_layout(name, out, images)
    zero = out == 0
    check_true(bool(torch.equal(zero.all(dim=1), zero.any(dim=1))),
               f"{name} should cut the same square out of every channel of an image")
    square = zero[:, 0]
    counts = square.sum(dim=(1, 2))
    rows, cols = square.any(dim=2), square.any(dim=1)
    check_true(bool((counts == size * size).all() and (rows.sum(1) == size).all() and (cols.sum(1) == size).all()),
               f"{name} should set exactly one {size} x {size} square of every image to 0; the numbers of zeroed "
               f"pixels per image range over {int(counts.min())}..{int(counts.max())}")
    check_true(bool(torch.equal(out[~zero], images[~zero])), f"{name} should leave the other pixels unchanged")
    positions = side - size + 1
    _check_uniform(name, "edges of the squares", rows.float().argmax(dim=1), cols.float().argmax(dim=1), positions)
    _check_seeded(name, function, images, size, out)
    passed(f"{name} cuts one {size} x {size} square out of every image, uniformly placed, from the generator given.")
