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

from ..validation import integer, integers


class SmallCNN(nn.Sequential):
    """``[conv3x3 -> BN -> ReLU -> maxpool2]`` per width, global average pool, linear layer.

    Takes images ``(N, 3, H, W)`` with ``H`` and ``W`` at least ``2**len(widths)``;
    ``widths`` are the channels of the stages. Built in channels-last memory format
    (faster convolutions on CPUs and GPUs).
    """

    def __init__(self, widths: Sequence[int] = (16, 32, 64), num_classes: int = 10) -> None:
        widths = integers("SmallCNN: widths", tuple(widths), minimum=1, min_length=1)
        num_classes = integer("SmallCNN: num_classes", num_classes, minimum=2)
        layers: list[nn.Module] = []
        channels = 3
        for width in widths:
            layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width),
                       nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            channels = width
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes)]
        super().__init__(*layers)
        self.to(memory_format=torch.channels_last)
