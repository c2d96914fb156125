"""Residual networks for 32x32 images: the CIFAR ResNet family (6n+2 layers) and ResNet18.

Both are built from the same :class:`BasicBlock` (two 3x3 convolutions with batch
normalisation and a shortcut that adds the block's input to its output):

* :func:`cifar_resnet` ``(n)``: the family of He et al. (2016, section 4.2) for CIFAR-10:
  a 3x3 convolution to 16 channels, three stages of ``n`` blocks with 16, 32 and 64
  channels (the first block of stages 2 and 3 halves the resolution with stride 2),
  global average pooling and a linear 10-way head: ``1 + 6n + 1`` weight layers.
  Shortcuts are parameter-free ("option A"): where a block changes shape, the shortcut
  subsamples by 2 and pads the new channels with zeros.
* :func:`resnet18`: ResNet18 adapted to 32x32 inputs (3x3 stem with stride 1, no max
  pool), four stages of two blocks with 64, 128, 256 and 512 channels; shortcuts that
  change shape are 1x1 convolutions with batch normalisation ("option B").

:func:`param_count` counts parameters; :func:`cifar_resnet_param_formula` and
:func:`resnet18_param_formula` give the counts the architectures imply, derived in the
chapter. :func:`stage_table` and :func:`draw_architecture` describe a model stage by stage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import Rectangle
from torch import nn

from .plotting import PALETTE

CIFAR_WIDTHS: tuple[int, int, int] = (16, 32, 64)
"""Channels of the three stages of the CIFAR ResNet family."""
RESNET18_WIDTHS: tuple[int, int, int, int] = (64, 128, 256, 512)
"""Channels of the four stages of ResNet18."""


def _check_int(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < low:
        raise ValueError(f"{name} must be at least {low}, got {value}")
    return int(value)


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
        if stride not in (1, 2):
            raise ValueError(f"BasicBlock: stride must be 1 or 2, got {stride!r}")
        if shortcut not in ("A", "B"):
            raise ValueError(f"BasicBlock: shortcut must be 'A' or 'B', got {shortcut!r}")
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
    n = _check_int("cifar_resnet(): n", n, 1)
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


def conv_params(c_in: int, c_out: int, k: int = 3) -> int:
    """Weights of a bias-free ``k x k`` convolution."""
    return k * k * c_in * c_out


def bn_params(c: int) -> int:
    """Batch norm's learnable scale and shift."""
    return 2 * c


def cifar_resnet_param_formula(n: int, num_classes: int = 10) -> int:
    """Parameters of :func:`cifar_resnet` ``(n)`` from the architecture (see the chapter)."""
    n = _check_int("cifar_resnet_param_formula(): n", n, 1)
    total = conv_params(3, 16) + bn_params(16)
    c_in = 16
    for width in CIFAR_WIDTHS:
        for b in range(n):
            total += conv_params(c_in if b == 0 else width, width) + conv_params(width, width)
            total += 2 * bn_params(width)
        c_in = width
    return total + 64 * num_classes + num_classes


def resnet18_param_formula(num_classes: int = 10) -> int:
    """Parameters of :func:`resnet18` from the architecture (projection shortcuts included)."""
    total = conv_params(3, 64) + bn_params(64)
    c_in = 64
    for width in RESNET18_WIDTHS:
        for b in range(2):
            first = b == 0
            total += conv_params(c_in if first else width, width) + conv_params(width, width)
            total += 2 * bn_params(width)
            if first and c_in != width:
                total += conv_params(c_in, width, k=1) + bn_params(width)
        c_in = width
    return total + 512 * num_classes + num_classes


@dataclass(frozen=True)
class Stage:
    """One row of an architecture summary."""

    name: str
    layers: int
    shape: tuple[int, ...]
    params: int


def stage_table(model: ResNet, image_size: int = 32) -> list[Stage]:
    """The model stage by stage: weight layers, output shape per image, parameters.

    Shapes come from running one image through the model, not from a formula.
    """
    if not isinstance(model, ResNet):
        raise TypeError(f"stage_table(): model must be a ResNet, got {type(model).__name__}")
    rows = [Stage("input", 0, (3, image_size, image_size), 0)]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        x = model.stem(torch.zeros(1, 3, image_size, image_size))
        rows.append(Stage("stem conv 3x3", 1, tuple(x.shape[1:]), param_count(model.stem)))
        for index, stage in enumerate(model.stages):
            x = stage(x)
            rows.append(Stage(f"stage {index + 1} ({len(stage)} blocks)", 2 * len(stage),
                              tuple(x.shape[1:]), param_count(stage)))
        x = torch.flatten(model.pool(x), 1)
        rows.append(Stage("global average pool", 0, tuple(x.shape[1:]), 0))
        x = model.fc(x)
        rows.append(Stage("linear", 1, tuple(x.shape[1:]), param_count(model.fc)))
    model.train(was_training)
    return rows


def format_stage_table(rows: list[Stage]) -> str:
    """:func:`stage_table` as aligned text."""
    lines = [f"{'stage':<26}{'layers':>7}  {'output shape':<16}{'parameters':>12}"]
    for r in rows:
        shape = "[N, " + ", ".join(str(s) for s in r.shape) + "]"
        lines.append(f"{r.name:<26}{r.layers:>7}  {shape:<16}{r.params:>12,}")
    lines.append(f"{'total':<26}{sum(r.layers for r in rows):>7}  {'':<16}"
                 f"{sum(r.params for r in rows):>12,}")
    return "\n".join(lines)


def draw_architecture(fig: Figure, model: ResNet, title: str,
                      rows: list[Stage] | None = None) -> None:
    """Draw ``model`` left to right: one box per convolution, grouped into stages.

    Each block's two convolutions sit under an arc (its shortcut); boxes are as tall as
    the feature map is wide, and every stage is labelled with its output shape. Pass
    ``rows`` (from :func:`stage_table`) to skip the forward pass that measures the shapes.
    """
    rows = stage_table(model) if rows is None else rows
    blocks = list(model.blocks)
    ax = fig.add_subplot()
    ax.set_axis_off()
    boxes: list[Rectangle] = []
    colours: list[str] = []
    arcs: dict[str, list[np.ndarray]] = {"identity": [], "zero-pad": [], "1x1 conv": []}
    bend = np.linspace(0.0, 1.0, 12)

    def height(size: int) -> float:
        return 0.6 + 2.4 * size / 32

    def add_box(x0: float, size: int, colour: str) -> None:
        boxes.append(Rectangle((x0, -height(size) / 2), 0.8, height(size)))
        colours.append(colour)

    def caption(x0: float, size: int, text: str, colour: str = "black") -> None:
        ax.text(x0, -height(size) / 2 - 0.25, text, ha="center", va="top", fontsize=7, color=colour)

    x = 0.0
    add_box(x, 32, "#DDDDDD")
    caption(x + 0.4, 32, "input\n[3, 32, 32]")
    x += 1.6
    add_box(x, 32, PALETTE[7])
    ax.text(x + 0.4, height(32) / 2 + 0.15, "conv", ha="center", va="bottom", fontsize=7)
    x += 1.6
    for index, (count, row) in enumerate(zip(blocks, rows[2:2 + len(blocks)])):
        colour = PALETTE[index % 4]
        size = row.shape[-1]
        start = x
        for block in model.stages[index]:
            add_box(x, size, colour)
            add_box(x + 1.0, size, colour)
            top = height(size) / 2 + 0.05
            kind = ("identity" if isinstance(block.shortcut, nn.Identity)
                    else "zero-pad" if isinstance(block.shortcut, ZeroPadShortcut) else "1x1 conv")
            arcs[kind].append(np.column_stack([x + 1.8 * bend, top + 0.5 * np.sin(np.pi * bend)]))
            x += 2.0
        caption((start + x) / 2, size,
                f"stage {index + 1}: {count} block{'s' if count > 1 else ''}, {2 * count} conv\n"
                f"[{', '.join(str(s) for s in row.shape)}]", colour)
        x += 0.6
    add_box(x, 1, "#DDDDDD")
    ax.text(x + 0.4, height(1) / 2 + 0.15, f"avg pool\n[{rows[-2].shape[0]}]", ha="center",
            va="bottom", fontsize=7)
    x += 1.6
    add_box(x, 1, PALETTE[7])
    caption(x + 0.4, 1, f"linear\n[{rows[-1].shape[0]}]")
    x += 1.0
    ax.add_collection(PatchCollection(boxes, facecolors=colours, edgecolors="black", linewidths=0.4))
    styles = {"identity": "solid", "zero-pad": "dotted", "1x1 conv": "dashed"}
    handles = []
    for kind, curves in arcs.items():
        if curves:
            ax.add_collection(LineCollection(curves, colors="black", linewidths=0.7,
                                             linestyles=styles[kind]))
            handles.append(Line2D([], [], color="black", linewidth=0.7, linestyle=styles[kind],
                                  label=f"shortcut: {kind}"))
    ax.legend(handles=handles, loc="lower right", fontsize=7, ncol=len(handles))
    ax.set_xlim(-0.3, x + 0.3)
    ax.set_ylim(-3.6, 2.9)
    n_convs = 1 + 2 * sum(blocks)
    ax.set_title(f"{title}: {n_convs + 1} weight layers, {param_count(model):,} parameters")
