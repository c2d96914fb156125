"""A small plain convolutional network: the model the chapter's CPU experiments train.

The experiments of ``05_cifar10/03_augmentation`` and ``04_learning_rate_schedules`` are
about the data and the learning rate, not the model, and must run in seconds on a laptop
CPU. :class:`SmallCNN` is three stages of 3x3 convolution, batch norm, ReLU and 2x2 max
pooling (32 -> 16 -> 8 -> 4 pixels), global average pooling and a linear layer. It has no
residual connections: the residual networks are what the students write.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


class SmallCNN(nn.Sequential):
    """``[conv3x3 -> BN -> ReLU -> maxpool2]`` per width, global average pool, linear layer.

    Takes images ``(N, 3, H, W)`` with ``H`` and ``W`` at least ``2**len(widths)``;
    ``widths`` are the channels of the stages. Built in channels-last memory format
    (faster convolutions on CPUs and GPUs).
    """

    def __init__(self, widths: Sequence[int] = (16, 32, 64), num_classes: int = 10) -> None:
        widths = tuple(widths)
        if not widths or any(isinstance(w, bool) or not isinstance(w, int) or w < 1 for w in widths):
            raise ValueError(f"SmallCNN: widths must be positive ints, got {widths!r}")
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
            raise ValueError(f"SmallCNN: num_classes must be an int >= 2, got {num_classes!r}")
        layers: list[nn.Module] = []
        channels = 3
        for width in widths:
            layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width),
                       nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            channels = width
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes)]
        super().__init__(*layers)
        self.to(memory_format=torch.channels_last)
