"""Tooling for training the hand-written MLP on CIFAR-10: batches, augmentation, curves.

The layers, the loss and the training loop are written in the notebook; this module holds
what surrounds them:

- :func:`minibatches`: shuffled index batches for one epoch;
- :func:`augment`: reflect padding, random crop and random horizontal flip of a whole
  batch at once, in torch (fast on a CPU or a GPU);
- :class:`History` and :func:`plot_history`: the training curves;
- :func:`mosaic`: normalised images tiled into one picture, e.g. augmented copies of one image.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .data import MEAN, STD
from .plotting import PALETTE, label


def _check_positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be positive, got {value}")
    return int(value)


def minibatches(n: int, batch_size: int, *, generator: torch.Generator | None = None,
                shuffle: bool = True) -> list[torch.Tensor]:
    """Index tensors covering ``range(n)`` once, in batches of ``batch_size`` (the last may be smaller).

    With ``shuffle`` the order is a random permutation drawn from ``generator``.
    """
    n = _check_positive_int("n", n)
    batch_size = _check_positive_int("batch_size", batch_size)
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return list(order.split(batch_size))


def _check_images(images: object) -> torch.Tensor:
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"images must be a torch.Tensor of shape (N, C, H, W), got {type(images).__name__}")
    if not images.is_floating_point():
        raise TypeError(f"images must be a floating-point tensor (see helpers.data.to_tensor), got {images.dtype}")
    if images.ndim != 4:
        raise ValueError(f"images must have shape (N, C, H, W), got {tuple(images.shape)}")
    return images


def augment(images: torch.Tensor, *, pad: int = 4, flip: bool = True,
            generator: torch.Generator | None = None) -> torch.Tensor:
    """Randomly shifted and mirrored copies of a batch ``(N, C, H, W)``.

    Each image is padded by ``pad`` pixels on every side with reflection (the border
    pixel is the mirror, not repeated), a random ``H x W`` window of the padded image is
    cropped, and with ``flip`` the result is mirrored left-right with probability 1/2.
    Offsets and flips are drawn on the CPU from ``generator``, so results do not depend on
    the device.
    """
    images = _check_images(images)
    n, _, height, width = images.shape
    if isinstance(pad, bool) or not isinstance(pad, (int, np.integer)) or not 0 <= pad < min(height, width):
        raise ValueError(f"pad must be an int in [0, {min(height, width) - 1}] (reflection needs pad < image side), got {pad!r}")
    shift = torch.randint(0, 2 * pad + 1, (2, n), generator=generator)
    mirror = torch.rand(n, generator=generator) < 0.5 if flip else torch.zeros(n, dtype=torch.bool)
    device = images.device
    shift, mirror = shift.to(device), mirror.to(device)
    padded = F.pad(images, (pad, pad, pad, pad), mode="reflect") if pad else images
    n, channels = images.shape[:2]
    rows = shift[0, :, None] + torch.arange(height, device=device)  # (N, H)
    cols = shift[1, :, None] + torch.arange(width, device=device)   # (N, W)
    cols = torch.where(mirror[:, None], cols.flip(1), cols)
    rows_kept = padded.gather(2, rows[:, None, :, None].expand(n, channels, height, padded.shape[3]))
    return rows_kept.gather(3, cols[:, None, None, :].expand(n, channels, height, width))


@dataclass
class History:
    """Per-epoch training loss and accuracies of one training run."""

    loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)

    def append(self, loss: float, train_accuracy: float, val_accuracy: float) -> None:
        """Record one epoch (accuracies are fractions in [0, 1])."""
        for name, value in (("train_accuracy", train_accuracy), ("val_accuracy", val_accuracy)):
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"{name} must be a fraction in [0, 1], got {value!r}")
        self.loss.append(float(loss))
        self.train_accuracy.append(float(train_accuracy))
        self.val_accuracy.append(float(val_accuracy))

    @property
    def gap(self) -> float:
        """Final training accuracy minus final validation accuracy."""
        if not self.loss:
            raise ValueError("History is empty: no epoch recorded yet")
        return self.train_accuracy[-1] - self.val_accuracy[-1]


def plot_history(fig: Figure, histories: Mapping[str, History]) -> None:
    """Two panels: the training loss, and training (solid) and validation (dashed) accuracy."""
    if not histories or not all(isinstance(h, History) and h.loss for h in histories.values()):
        raise ValueError("plot_history(): give a non-empty mapping of name -> History with recorded epochs")
    loss_ax, acc_ax = fig.subplots(1, 2)
    for k, (name, history) in enumerate(histories.items()):
        color = PALETTE[k % len(PALETTE)]
        epochs = np.arange(1, len(history.loss) + 1)
        loss_ax.plot(epochs, history.loss, color=color, label=name)
        acc_ax.plot(epochs, history.train_accuracy, color=color, label=f"{name}: training")
        acc_ax.plot(epochs, history.val_accuracy, "--", color=color, label=f"{name}: validation")
    for ax in (loss_ax, acc_ax):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    label(loss_ax, title="Training loss (mean over each epoch)", xlabel="epoch", ylabel="cross-entropy")
    acc_ax.set_ylim(0, 1)
    label(acc_ax, title="Accuracy", xlabel="epoch", ylabel="fraction correct")


def to_display(images: torch.Tensor) -> np.ndarray:
    """Normalised images ``(N, 3, H, W)`` back to displayable RGB ``(N, H, W, 3)`` in [0, 1]."""
    images = _check_images(images)
    if images.shape[1] != 3:
        raise ValueError(f"images must have 3 channels, got shape {tuple(images.shape)}")
    mean = torch.tensor(MEAN, device=images.device).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=images.device).view(1, 3, 1, 1)
    return (images.float() * std + mean).clamp(0, 1).permute(0, 2, 3, 1).cpu().numpy()


def mosaic(images: torch.Tensor, *, ncols: int = 6, gap: int = 2) -> np.ndarray:
    """Normalised images ``(N, 3, H, W)`` tiled into one RGB picture, ``ncols`` per row.

    One picture draws much faster than one matplotlib axes per image (for sliders).
    """
    pictures = to_display(images)
    ncols = _check_positive_int("ncols", ncols)
    if isinstance(gap, bool) or not isinstance(gap, (int, np.integer)) or gap < 0:
        raise ValueError(f"gap must be a non-negative int, got {gap!r}")
    n, height, width, _ = pictures.shape
    nrows = -(-n // ncols)
    canvas = np.ones((nrows * (height + gap) - gap, ncols * (width + gap) - gap, 3))
    for k, picture in enumerate(pictures):
        top, left = (k // ncols) * (height + gap), (k % ncols) * (width + gap)
        canvas[top:top + height, left:left + width] = picture
    return canvas
