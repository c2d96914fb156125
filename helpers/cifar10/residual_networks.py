"""What ``05_cifar10/02_residual_networks`` needs around the networks its students write.

The students' residual networks follow one layout: ``stem`` (the first convolution with
its batch norm and ReLU), ``stages`` (an ``nn.Sequential`` of stages, each an
``nn.Sequential`` of blocks) and ``fc`` (the final linear layer). This module

* describes such a model by running one image through it (:func:`describe`): every
  stage's output shape, weight layers and parameters, and every block's shortcut,
  printed as a table (:func:`format_stage_table`) or drawn (:func:`draw_architecture`);
* makes outputs comparable with stored numbers: :func:`fill_deterministic` sets every
  parameter to fixed values derived from its name, :func:`pattern_input` is a fixed
  input, :func:`summarise` reduces a feature map to a few numbers;
* checks the prescribed layout (:func:`check_layout`, :func:`check_parameter_shapes`).

None of it builds a network or counts parameters by formula: those are the exercises.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from torch import nn

from ..checks import check_true, passed
from ..plotting import PALETTE
from ..validation import integers


def param_count(model: nn.Module) -> int:
    """Number of trainable parameters."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"param_count(): model must be a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# ----------------------------------------------------------------------------- fixed numbers
def _wave(length: int, phase: float) -> torch.Tensor:
    """``sqrt(2) sin(1.3 k + phase)``, k = 0, 1, ...: deterministic values of mean ~0, variance ~1."""
    k = torch.arange(length, dtype=torch.float64)
    return math.sqrt(2.0) * torch.sin(1.3 * k + phase)


def fill_deterministic(model: nn.Module) -> nn.Module:
    """Set every parameter of ``model`` to fixed values and reset batch-norm statistics.

    A parameter's values depend only on its name and shape (a phase from the name's
    CRC-32): weights of convolutions and linear layers get He-scaled waves, batch-norm
    scales ``1 + 0.2 wave`` and biases ``0.1 wave``. So two models with the same layout
    and parameter names compute the same function, whatever order they were built in.
    Returns ``model`` (in eval mode, so batch norm uses its reset statistics 0 and 1).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"fill_deterministic(): model must be a torch.nn.Module, got {type(model).__name__}")
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            wave = _wave(parameter.numel(), zlib.crc32(name.encode()) % 1000 / 100)
            if parameter.ndim > 1:
                values = wave * math.sqrt(2.0 / parameter[0].numel())
            elif name.endswith("bias"):
                values = 0.1 * wave
            else:
                values = 1.0 + 0.2 * wave
            parameter.copy_(values.view_as(parameter).to(parameter.dtype))
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
    return model.eval()


def pattern_input(*shape: int) -> torch.Tensor:
    """A fixed float32 input of ``shape`` with values in [-1, 1] (no random generator involved)."""
    shape = integers("pattern_input(): shape", shape, minimum=1, min_length=1)
    count = math.prod(shape)
    return (_wave(count, 0.5) / math.sqrt(2.0)).to(torch.float32).view(*shape)


def summarise(features: torch.Tensor) -> np.ndarray:
    """A feature map ``(N, C, H, W)`` as a few numbers: per-channel mean and standard deviation
    over the batch and the positions, then the first row of the first image's first channel."""
    if not isinstance(features, torch.Tensor) or features.ndim != 4:
        shape = tuple(features.shape) if isinstance(features, torch.Tensor) else type(features).__name__
        raise AssertionError(f"expected a feature map of shape (N, C, H, W), got {shape}")
    x = features.detach().double()
    return torch.cat([x.mean(dim=(0, 2, 3)), x.std(dim=(0, 2, 3)), x[0, 0, 0]]).numpy()


# ----------------------------------------------------------------------------- layout checks
def check_parameter_shapes(name: str, module: nn.Module, expected: Mapping[str, Sequence[int]]) -> None:
    """Assert ``module`` has exactly the parameters ``expected`` (name -> shape)."""
    check_true(isinstance(module, nn.Module), f"{name} should be a torch.nn.Module, got {type(module).__name__}")
    got = {key: tuple(p.shape) for key, p in module.named_parameters()}
    want = {key: tuple(shape) for key, shape in expected.items()}
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    wrong = [f"{key} {got[key]} (expected {want[key]})" for key in sorted(set(got) & set(want))
             if got[key] != want[key]]
    problems = ([f"missing {', '.join(missing)}"] if missing else []) + \
        ([f"unexpected {', '.join(extra)}"] if extra else []) + \
        ([f"wrong shapes: {', '.join(wrong)}"] if wrong else [])
    check_true(not problems, f"{name} has the wrong parameters: " + "; ".join(problems) +
               ". Use the attribute names and layers the exercise asks for.",
               success=f"{name} has the {len(want)} parameters asked for, with the right shapes.")


def check_layout(name: str, model: nn.Module, blocks: Sequence[int]) -> None:
    """Assert ``model`` has ``stem``, ``stages`` (one ``nn.Sequential`` per stage with
    ``blocks[i]`` blocks) and a linear ``fc``, the layout the chapter's tools read."""
    check_true(isinstance(model, nn.Module), f"{name} should be a torch.nn.Module, got {type(model).__name__}")
    for attribute in ("stem", "stages", "fc"):
        check_true(isinstance(getattr(model, attribute, None), nn.Module),
                   f"{name} has no module `{attribute}`: build it with the attributes stem, stages and fc")
    check_true(isinstance(model.fc, nn.Linear), f"{name}.fc should be an nn.Linear, got {type(model.fc).__name__}")
    stages = model.stages
    check_true(isinstance(stages, nn.Sequential) and len(stages) == len(blocks),
               f"{name}.stages should be an nn.Sequential of {len(blocks)} stages, got "
               f"{type(stages).__name__} of length {len(stages) if hasattr(stages, '__len__') else '?'}")
    counts = [len(stage) if isinstance(stage, nn.Sequential) else None for stage in stages]
    check_true(counts == list(blocks), f"{name}: the stages should hold {list(blocks)} blocks "
               f"(each stage an nn.Sequential of blocks), got {counts}")
    passed(f"{name} has a stem, {len(blocks)} stages of {list(blocks)} blocks and a linear head.")


# ----------------------------------------------------------------------------- description
@dataclass(frozen=True)
class Stage:
    """One row of an architecture summary."""

    name: str
    layers: int
    shape: tuple[int, ...]
    params: int


@dataclass(frozen=True)
class Architecture:
    """A model stage by stage (:func:`describe`): table rows and each block's shortcut."""

    rows: list[Stage]
    shortcuts: list[list[str]]
    """Per stage, per block: ``"identity"``, ``"zero-pad"`` (parameter-free, shape changes) or ``"1x1 conv"``."""

    @property
    def weight_layers(self) -> int:
        return sum(r.layers for r in self.rows)

    @property
    def params(self) -> int:
        return sum(r.params for r in self.rows)


def _weight_layers(module: nn.Module) -> int:
    """Convolutions wider than 1x1 and linear layers: the layers a ResNet's name counts."""
    return sum(1 for m in module.modules()
               if isinstance(m, nn.Linear) or (isinstance(m, nn.Conv2d) and max(m.kernel_size) > 1))


def _shortcut(block: nn.Module, shapes: tuple[tuple[int, ...], tuple[int, ...]]) -> str:
    if any(isinstance(m, nn.Conv2d) and max(m.kernel_size) == 1 for m in block.modules()):
        return "1x1 conv"
    return "identity" if shapes[0] == shapes[1] else "zero-pad"


def describe(model: nn.Module, image_size: int = 32, pool: str = "global average pool") -> Architecture:
    """Run one image through ``model`` (layout of :func:`check_layout`) and record every
    stage's output shape, weight layers and parameters, and every block's shortcut.

    Shapes are measured, not computed from a formula. ``pool`` names the step between the
    last stage and ``fc``. The model's training mode is restored afterwards.
    """
    for attribute in ("stem", "stages", "fc"):
        if not isinstance(getattr(model, attribute, None), nn.Module):
            raise TypeError(f"describe(): model needs modules stem, stages and fc; {attribute} is missing")
    seen: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = {}

    def record(module: nn.Module, inputs: tuple[torch.Tensor, ...], output: torch.Tensor) -> None:
        seen[id(module)] = (tuple(inputs[0].shape[1:]), tuple(output.shape[1:]))

    watched = [model.stem, *model.stages, model.fc] + [block for stage in model.stages for block in stage]
    hooks = [m.register_forward_hook(record) for m in watched]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros(1, 3, image_size, image_size))
    finally:
        for hook in hooks:
            hook.remove()
        model.train(was_training)
    rows = [Stage("input", 0, (3, image_size, image_size), 0),
            Stage("stem", _weight_layers(model.stem), seen[id(model.stem)][1], param_count(model.stem))]
    for index, stage in enumerate(model.stages):
        rows.append(Stage(f"stage {index + 1} ({len(stage)} blocks)", _weight_layers(stage),
                          seen[id(stage)][1], param_count(stage)))
    fc_in, fc_out = seen[id(model.fc)]
    rows += [Stage(pool, 0, fc_in, 0), Stage("linear", 1, fc_out, param_count(model.fc))]
    shortcuts = [[_shortcut(block, seen[id(block)]) for block in stage] for stage in model.stages]
    return Architecture(rows, shortcuts)


def format_stage_table(architecture: Architecture) -> str:
    """:func:`describe`'s rows as aligned text."""
    rows = architecture.rows
    width = max(26, max(len(r.name) for r in rows) + 2)
    lines = [f"{'stage':<{width}}{'layers':>7}  {'output shape':<16}{'parameters':>12}"]
    for r in rows:
        shape = "[N, " + ", ".join(str(s) for s in r.shape) + "]"
        lines.append(f"{r.name:<{width}}{r.layers:>7}  {shape:<16}{r.params:>12,}")
    lines.append(f"{'total':<{width}}{architecture.weight_layers:>7}  {'':<16}{architecture.params:>12,}")
    return "\n".join(lines)


def draw_architecture(fig: Figure, architecture: Architecture, title: str) -> None:
    """Draw a described model left to right: one box per convolution, grouped into stages.

    Each block's two convolutions sit under an arc (its shortcut: solid identity, dotted
    zero-padding, dashed 1x1 convolution); boxes are as tall as the feature map is wide,
    and every stage is labelled with its output shape.
    """
    if not isinstance(architecture, Architecture):
        raise TypeError(f"draw_architecture(): give describe(model), got {type(architecture).__name__}")
    rows = architecture.rows
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
    add_box(x, rows[0].shape[-1], "#DDDDDD")
    caption(x + 0.4, rows[0].shape[-1], "input\n[" + ", ".join(map(str, rows[0].shape)) + "]")
    x += 1.6
    add_box(x, rows[1].shape[-1], PALETTE[7])
    ax.text(x + 0.4, height(rows[1].shape[-1]) / 2 + 0.15, "conv", ha="center", va="bottom", fontsize=7)
    x += 1.6
    for index, (kinds, row) in enumerate(zip(architecture.shortcuts, rows[2:-2])):
        colour = PALETTE[index % 4]
        size = row.shape[-1]
        start = x
        for kind in kinds:
            add_box(x, size, colour)
            add_box(x + 1.0, size, colour)
            top = height(size) / 2 + 0.05
            arcs[kind].append(np.column_stack([x + 1.8 * bend, top + 0.5 * np.sin(np.pi * bend)]))
            x += 2.0
        count = len(kinds)
        caption((start + x) / 2, size,
                f"stage {index + 1}: {count} block{'s' if count > 1 else ''}, {row.layers} conv\n"
                f"[{', '.join(str(s) for s in row.shape)}]", colour)
        x += 0.6
    add_box(x, 1, "#DDDDDD")
    ax.text(x + 0.4, height(1) / 2 + 0.15, f"{rows[-2].name}\n[{rows[-2].shape[0]}]", ha="center",
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
    ax.set_title(f"{title}: {architecture.weight_layers} weight layers, {architecture.params:,} parameters")
