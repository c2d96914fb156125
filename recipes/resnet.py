"""The residual networks the GPU recipe trains: the CIFAR ResNet family and ResNet18.

Both are built from the same :class:`BasicBlock` (two 3x3 convolutions with batch
normalisation and a shortcut that adds the block's input to its output):

* :func:`cifar_resnet` ``(n)``: the family of He et al. (2016, section 4.2) for CIFAR-10,
  ``6n + 2`` weight layers, 16/32/64 channels, parameter-free ("option A") shortcuts.
* :func:`resnet18`: ResNet18 adapted to 32x32 inputs (3x3 stem with stride 1, no max
  pool), four stages of two blocks with 64, 128, 256 and 512 channels, 1x1 convolution
  shortcuts with batch normalisation ("option B") where a block changes shape.

Models follow the layout the chapter's diagrams read (``stem``, ``stages``, ``fc``).
Students write these blocks themselves in ``chapters/05_cifar10/02_residual_networks``;
this copy serves the recipe and the benchmarks, and is not installed with ``helpers``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from helpers.validation import integer, one_of

CIFAR_WIDTHS: tuple[int, int, int] = (16, 32, 64)
"""Channels of the three stages of the CIFAR ResNet family."""
RESNET18_WIDTHS: tuple[int, int, int, int] = (64, 128, 256, 512)
"""Channels of the four stages of ResNet18."""


class ZeroPadShortcut(nn.Module):
    """Parameter-free shortcut ("option A"): subsample by ``stride``, zero-pad new channels."""

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        if out_channels < in_channels:
            raise ValueError(
                f"ZeroPadShortcut: out_channels ({out_channels}) must be >= in_channels ({in_channels})"
            )
        self.extra = out_channels - in_channels
        self.stride = stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride > 1:
            x = x[:, :, :: self.stride, :: self.stride]
        if self.extra:
            x = F.pad(x, (0, 0, 0, 0, 0, self.extra))
        return x


class BasicBlock(nn.Module):
    """``relu(bn(conv(relu(bn(conv(x))))) + shortcut(x))`` with 3x3 convolutions.

    ``shortcut`` is ``"A"`` (parameter-free zero padding) or ``"B"`` (1x1 convolution and
    batch norm) where the block changes shape; otherwise the identity.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 shortcut: str = "B") -> None:
        super().__init__()
        one_of("BasicBlock: stride", stride, (1, 2))
        one_of("BasicBlock: shortcut", shortcut, ("A", "B"))
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut: nn.Module
        if stride == 1 and in_channels == out_channels:
            self.shortcut = nn.Identity()
        elif shortcut == "A":
            self.shortcut = ZeroPadShortcut(in_channels, out_channels, stride)
        else:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    """Stem (3x3 conv, BN, ReLU), stages of :class:`BasicBlock`, global average pool, linear head."""

    def __init__(self, widths: tuple[int, ...], blocks: tuple[int, ...], shortcut: str,
                 num_classes: int = 10) -> None:
        super().__init__()
        if len(widths) != len(blocks) or not widths:
            raise ValueError(f"ResNet: widths {widths} and blocks {blocks} must be equally long")
        self.widths, self.blocks = tuple(widths), tuple(blocks)
        self.stem = nn.Sequential(
            nn.Conv2d(3, widths[0], 3, stride=1, padding=1, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(inplace=True),
        )
        stages = []
        channels = widths[0]
        for index, (width, count) in enumerate(zip(widths, blocks)):
            stride = 1 if index == 0 else 2
            layers = []
            for b in range(count):
                layers.append(BasicBlock(channels, width, stride if b == 0 else 1, shortcut))
                channels = width
            stages.append(nn.Sequential(*layers))
        self.stages = nn.Sequential(*stages)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or x.shape[1] != 3:
            raise ValueError(f"ResNet: expected images of shape (N, 3, H, W), got {tuple(x.shape)}")
        x = self.stages(self.stem(x))
        return self.fc(torch.flatten(self.pool(x), 1))

    def depth(self) -> int:
        """Weight layers on the longest path: stem conv + 2 per block + the linear head."""
        return 2 + 2 * sum(self.blocks)


def cifar_resnet(n: int, num_classes: int = 10) -> ResNet:
    """The CIFAR ResNet with ``6n + 2`` layers (ResNet-20 for ``n = 3``)."""
    n = integer("cifar_resnet(): n", n, minimum=1)
    return ResNet(CIFAR_WIDTHS, (n, n, n), shortcut="A", num_classes=num_classes)


def resnet18(num_classes: int = 10) -> ResNet:
    """ResNet18 for 32x32 inputs: 3x3 stem, stages of 2 blocks with 64/128/256/512 channels."""
    return ResNet(RESNET18_WIDTHS, (2, 2, 2, 2), shortcut="B", num_classes=num_classes)


def build_model(name: str, num_classes: int = 10) -> ResNet:
    """A model by name: ``"resnet18"`` or ``"resnet<6n+2>"`` (``resnet8``, ``resnet20``, ...)."""
    if not isinstance(name, str):
        raise TypeError(f"build_model(): name must be a string, got {type(name).__name__}")
    key = name.lower().replace("-", "")
    if key == "resnet18":
        return resnet18(num_classes)
    if key.startswith("resnet") and key[6:].isdigit():
        depth = int(key[6:])
        if depth >= 8 and (depth - 2) % 6 == 0:
            return cifar_resnet((depth - 2) // 6, num_classes)
    raise ValueError(
        f"build_model(): unknown model {name!r}; use 'resnet18' or 'resnet<6n+2>' "
        "such as 'resnet8', 'resnet20', 'resnet56'"
    )


def param_count(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
