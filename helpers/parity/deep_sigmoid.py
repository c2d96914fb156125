"""Deep MLPs for ``04_parity/04_deep_sigmoid``: models, forward signals, many training runs at once.

- :func:`deep_mlp` (PyTorch's default initialisation, seeded) and :func:`mlp_from_weights`;
- :func:`forward_signals`: how much each hidden layer's activations vary across inputs, and
  the size of each Linear layer's input (the backward pass is the notebook's exercise);
- :class:`DeepRun`, :func:`train_deep`: SGD with momentum on fresh batches of a parity
  problem, every run of the same architecture trained in one batched computation.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..validation import integer, number, one_of
from .network import as_mask, binary_array, single_thread
from .training import TrainConfig, TrainResult, data_stream, sample_batch

ACTIVATIONS = {"sigmoid": torch.nn.Sigmoid, "relu": torch.nn.ReLU}


def deep_mlp(d: int, width: int, depth: int, activation: str = "sigmoid",
             seed: int = 0) -> torch.nn.Sequential:
    """``depth`` hidden layers of ``width`` units, then one output (PyTorch's default init)."""
    d, width = integer("d", d, minimum=1), integer("width", width, minimum=1)
    depth = integer("depth", depth, minimum=1)
    kind = ACTIVATIONS[one_of("activation", activation, sorted(ACTIVATIONS))]
    layers: list[torch.nn.Module] = []
    with torch.random.fork_rng():  # seeded, without touching the caller's random state
        torch.manual_seed(seed)
        for i in range(depth):
            layers += [torch.nn.Linear(d if i == 0 else width, width), kind()]
        layers.append(torch.nn.Linear(width, 1))
    return torch.nn.Sequential(*layers)


def mlp_from_weights(weights: Sequence[Any], biases: Sequence[Any],
                     activation: str = "sigmoid") -> torch.nn.Sequential:
    """The float64 MLP with these Linear weights (shape (out, in)) and biases, the activation
    between them; the last layer must have one output."""
    kind = ACTIVATIONS[one_of("activation", activation, sorted(ACTIVATIONS))]
    if len(weights) != len(biases) or not weights:
        raise ValueError(f"need as many biases as weights (at least one), got {len(weights)} "
                         f"weights and {len(biases)} biases")
    layers: list[torch.nn.Module] = []
    for i, (w, b) in enumerate(zip(weights, biases)):
        w, b = torch.as_tensor(w, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
        if w.ndim != 2 or b.shape != (w.shape[0],) or (layers and w.shape[1] != layers[-2].out_features):
            raise ValueError(f"layer {i}: weights of shape {tuple(w.shape)} and bias of shape "
                             f"{tuple(b.shape)} do not fit together or with the layer before")
        linear = torch.nn.Linear(w.shape[1], w.shape[0]).double()
        with torch.no_grad():
            linear.weight.copy_(w)
            linear.bias.copy_(b)
        layers += [linear, kind()]
    if layers[-2].out_features != 1:
        raise ValueError(f"the last layer must have one output, got {layers[-2].out_features}")
    return torch.nn.Sequential(*layers[:-1])


def linear_layers(model: Any) -> list[torch.nn.Linear]:
    """The Linear layers of an MLP built like :func:`deep_mlp`, input side first."""
    if not isinstance(model, torch.nn.Sequential):
        raise TypeError(f"model must be a torch.nn.Sequential, got {type(model).__name__}")
    return [layer for layer in model if isinstance(layer, torch.nn.Linear)]


@dataclass
class ForwardSignals:
    """What the inputs do to each layer of an MLP (layers counted from the input).

    ``spread[l]``: standard deviation over the inputs of hidden layer l's activations,
    averaged over its units. ``layer_input[:, l]``: ||input of Linear layer l|| for every
    input (rows), so ||d f / d W_l|| = ||d f / d z_l|| * layer_input[:, l].
    """

    spread: np.ndarray
    layer_input: np.ndarray


@torch.no_grad()
def forward_signals(model: torch.nn.Sequential, x: Any) -> ForwardSignals:
    """The forward spread and Linear-layer input norms of an MLP at every row of x."""
    linear_layers(model)
    dtype = next(model.parameters()).dtype
    h = torch.as_tensor(binary_array("x", x, 2).astype(np.float64), dtype=dtype)
    inputs, spread = [], []
    for layer in model:
        if isinstance(layer, torch.nn.Linear):
            inputs.append(h.norm(dim=1))
        h = layer(h)
        if not isinstance(layer, torch.nn.Linear):
            spread.append(h.std(dim=0).mean().item())
    return ForwardSignals(np.array(spread), torch.stack(inputs, dim=1).double().numpy())


@dataclass(frozen=True)
class DeepRun:
    """One run of :func:`train_deep`: architecture, seed (initialisation and batches), rate."""

    depth: int
    activation: str
    seed: int
    lr: float

    def __post_init__(self) -> None:
        integer("depth", self.depth, minimum=1)
        one_of("activation", self.activation, sorted(ACTIVATIONS))
        number("lr", self.lr, positive=True)


@torch.no_grad()
def _train_group(runs: list[DeepRun], mask: np.ndarray, width: int,
                 config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """Loss and accuracy, shape (iterations, runs), for runs of one architecture."""
    R, B, T, d = len(runs), config.batch_size, config.iterations, mask.size
    layers = [linear_layers(deep_mlp(d, width, runs[0].depth, runs[0].activation, r.seed))
              for r in runs]
    shapes = [(layer.in_features, layer.out_features) for layer in layers[0]]
    # every run's parameters in one row of a leaf tensor: per layer W^T (in, out), then b (out)
    flat = torch.cat([torch.cat([torch.cat([layer.weight.T.reshape(-1), layer.bias])
                                 for layer in run_layers])[None] for run_layers in layers])
    flat.requires_grad_()
    velocity = torch.zeros_like(flat)
    rates = torch.tensor([[r.lr] for r in runs])
    act = torch.sigmoid if runs[0].activation == "sigmoid" else torch.relu
    seeds = sorted({r.seed for r in runs})
    streams = {s: data_stream(s) for s in seeds}
    loss, accuracy = np.empty((T, R)), np.empty((T, R))
    chunk = max(1, min(T, 200_000 // B))
    for t0 in range(0, T, chunk):
        c = min(chunk, T - t0)
        drawn = {s: sample_batch(streams[s], mask, c * B) for s in seeds}
        X = torch.stack([torch.as_tensor(drawn[r.seed][0].reshape(c, B, d), dtype=torch.float32)
                         for r in runs], dim=1)  # (c, R, B, d)
        Y = torch.stack([torch.as_tensor(drawn[r.seed][1].reshape(c, B), dtype=torch.float32)
                         for r in runs], dim=1)[..., None]  # (c, R, B, 1)
        margins = torch.empty(c, R, B, 1)
        for j in range(c):
            with torch.enable_grad():
                h, offset = X[j], 0
                for i, (n_in, n_out) in enumerate(shapes):
                    w = flat[:, offset: offset + n_in * n_out].view(R, n_in, n_out)
                    b = flat[:, offset + n_in * n_out: offset + (n_in + 1) * n_out].view(R, 1, n_out)
                    offset += (n_in + 1) * n_out
                    h = torch.baddbmm(b, h, w)
                    if i < len(shapes) - 1:
                        h = act(h)
                torch.mul(h.detach(), Y[j], out=margins[j])
                slope = torch.where(margins[j] <= 1, -Y[j] / B, 0.0)  # d(mean hinge)/d f
                (grad,) = torch.autograd.grad(h, flat, grad_outputs=slope)
            velocity.mul_(config.momentum).add_(grad)
            flat.sub_(rates * velocity)
        loss[t0: t0 + c] = torch.clamp(1 - margins[..., 0], min=0).mean(2).double().numpy()
        accuracy[t0: t0 + c] = (margins[..., 0] > 0).double().mean(2).numpy()
    return loss, accuracy


def train_deep(runs: Sequence[DeepRun], mask: Any, width: int,
               config: TrainConfig = TrainConfig()) -> list[TrainResult]:
    """Train each run's :func:`deep_mlp` on the parity of ``mask`` (hinge loss, fresh batches).

    The rule is torch.optim.SGD's with each run's own rate (``config.lr`` is not used); a
    run's batches come from its seed as in :func:`train_fast`. Runs of one architecture are
    trained together, their weights stacked so that one batched product serves all of them.
    """
    runs = list(runs)
    if not runs or not all(isinstance(r, DeepRun) for r in runs):
        raise TypeError("train_deep(): runs must be a non-empty list of DeepRuns")
    mask, width = as_mask(mask), integer("width", width, minimum=1)
    results: list[TrainResult | None] = [None] * len(runs)
    with single_thread():
        for arch in dict.fromkeys((r.depth, r.activation) for r in runs):
            members = [i for i, r in enumerate(runs) if (r.depth, r.activation) == arch]
            start = time.perf_counter()
            loss, accuracy = _train_group([runs[i] for i in members], mask, width, config)
            seconds = time.perf_counter() - start
            for column, i in enumerate(members):
                results[i] = TrainResult(loss[:, column], accuracy[:, column], seconds)
    return results  # type: ignore[return-value]
