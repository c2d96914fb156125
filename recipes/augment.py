"""CIFAR-10 batches as the GPU recipe holds them, and their augmentation on the device.

The whole data set lives on the training device as one normalised tensor (channels-last,
in the autocast dtype); every epoch it is augmented there in large batches: random crops
of the reflect-padded images, left-right flips and cutout, without a copy back to the host.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from helpers.data import Cifar10, to_tensor
from helpers.validation import integer, one_of, tensor


def prepare(data: Cifar10, device: str | torch.device = "cpu", dtype: torch.dtype = torch.float32,
            channels_last: bool = True) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Training images, labels, validation (test) images, labels, all on ``device``."""
    if not isinstance(data, Cifar10):
        raise TypeError(f"prepare(): data must come from load_cifar10(), got {type(data).__name__}")
    return (to_tensor(data.x_train, device=device, dtype=dtype, channels_last=channels_last),
            torch.from_numpy(data.y_train).to(device),
            to_tensor(data.x_test, device=device, dtype=dtype, channels_last=channels_last),
            torch.from_numpy(data.y_test).to(device))


def check_images(name: str, images: object) -> torch.Tensor:
    """``images`` if it is a tensor ``(N, C, H, W)``; otherwise an error that names ``name``."""
    return tensor(f"{name}: images", images, ndim=4, axes="(N, C, H, W)")


def _layout(images: torch.Tensor) -> torch.memory_format:
    """The memory format to hand back: channels-last stays channels-last."""
    channels_last = images.is_contiguous(memory_format=torch.channels_last) and not images.is_contiguous()
    return torch.channels_last if channels_last else torch.contiguous_format


def crop_flip(images: torch.Tensor, pad: int, tops: torch.Tensor, lefts: torch.Tensor,
              flips: torch.Tensor, mode: str = "reflect") -> torch.Tensor:
    """Pad every image by ``pad`` pixels, cut out the original size at (``tops``, ``lefts``),
    and mirror left-right where ``flips`` is true: the deterministic core of
    :func:`random_crop_flip`, for a whole batch at once.
    """
    images = check_images("crop_flip()", images)
    n, c, h, w = images.shape
    pad = integer("crop_flip(): pad", pad, minimum=0)
    one_of("crop_flip(): mode", mode, ("reflect", "constant", "replicate"))
    if mode == "reflect" and pad >= min(h, w):
        raise ValueError(f"crop_flip(): reflect padding needs pad < image size, got pad={pad}")
    for name, t in (("tops", tops), ("lefts", lefts), ("flips", flips)):
        if tensor(f"crop_flip(): {name}", t).shape != (n,):
            raise ValueError(f"crop_flip(): {name} must be a tensor of shape ({n},), got {tuple(t.shape)}")
    if int(tops.min()) < 0 or int(tops.max()) > 2 * pad or int(lefts.min()) < 0 or int(lefts.max()) > 2 * pad:
        raise ValueError(f"crop_flip(): tops and lefts must lie in 0..{2 * pad} for pad={pad}")
    layout = _layout(images)
    if pad:
        padded = F.pad(images, (pad, pad, pad, pad), mode=mode)
        rows = (tops.view(n, 1) + torch.arange(h, device=images.device)).view(n, 1, h, 1)
        cols = (lefts.view(n, 1) + torch.arange(w, device=images.device)).view(n, 1, 1, w)
        batch = torch.arange(n, device=images.device).view(n, 1, 1, 1)
        channel = torch.arange(c, device=images.device).view(1, c, 1, 1)
        images = padded[batch, channel, rows, cols]
    out = torch.where(flips.view(n, 1, 1, 1).bool(), images.flip(-1), images)
    return out.contiguous(memory_format=layout)


def random_crop_flip(images: torch.Tensor, pad: int = 4, flip: bool = True,
                     generator: torch.Generator | None = None,
                     mode: str = "reflect") -> torch.Tensor:
    """Random crops of the padded images (same size as the input) and random left-right
    flips, drawn independently for every image of the batch.
    """
    images = check_images("random_crop_flip()", images)
    n = images.shape[0]
    kwargs: dict[str, Any] = {"device": images.device, "generator": generator}
    tops = torch.randint(0, 2 * pad + 1, (n,), **kwargs)
    lefts = torch.randint(0, 2 * pad + 1, (n,), **kwargs)
    flips = (torch.rand(n, **kwargs) < 0.5) if flip else torch.zeros(n, dtype=torch.bool,
                                                                     device=images.device)
    return crop_flip(images, pad, tops, lefts, flips, mode)


def cutout(images: torch.Tensor, size: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Set a random ``size x size`` square of every image to zero (the mean colour)."""
    images = check_images("cutout()", images)
    n, _, h, w = images.shape
    size = integer("cutout(): size", size, minimum=0, maximum=min(h, w))
    if size == 0:
        return images
    kwargs: dict[str, Any] = {"device": images.device, "generator": generator}
    top = torch.randint(0, h - size + 1, (n, 1, 1, 1), **kwargs)
    left = torch.randint(0, w - size + 1, (n, 1, 1, 1), **kwargs)
    rows = torch.arange(h, device=images.device).view(1, 1, h, 1)
    cols = torch.arange(w, device=images.device).view(1, 1, 1, w)
    mask = (rows >= top) & (rows < top + size) & (cols >= left) & (cols < left + size)
    return images.masked_fill(mask, 0).contiguous(memory_format=_layout(images))
