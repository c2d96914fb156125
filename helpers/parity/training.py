"""Training the two-layer parity network on fresh mini-batches: the book's fast trainer.

- :class:`TrainConfig`: SGD with momentum, the homework starter's settings by default
  (batch 100, learning rate 1e-3, momentum 0.9, 5 x 10^4 iterations).
- :class:`Run`, :func:`make_run`: input dimension, width, mask (uniform on {0,1}^d, as in
  the starter, unless a number of ones is asked for) and seed.
- :func:`data_stream`, :func:`sample_batch`: the fresh batches of a run.
- :func:`train_fast`: a hand-written forward/backward pass for many runs at once;
  :func:`train_reference`: the same run as a plain per-step torch autograd loop with a loss
  the caller supplies (same data and initialisation, so the same trajectory).
- :func:`smooth`, :func:`smooth_log`: block means for plots.

Conventions (those of torch): relu'(0) = 0, and the hinge's derivative at its kink
y f = 1 is -y.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..validation import integer, optional_integer
from .network import TwoLayerNet, as_mask, init_net, single_thread

MAX_SAMPLING_D = 64
"""Inputs are sampled as the bits of one 64-bit random word, so training needs d <= 64."""


@dataclass(frozen=True)
class TrainConfig:
    """SGD with momentum on fresh mini-batches (torch.optim.SGD's update rule).

    The defaults are the homework starter's: 5 x 10^4 iterations of batch 100, learning
    rate 1e-3, momentum 0.9.
    """

    iterations: int = 50_000
    batch_size: int = 100
    lr: float = 1e-3
    momentum: float = 0.9

    def __post_init__(self) -> None:
        for name in ("iterations", "batch_size"):
            integer(name, getattr(self, name), minimum=1)
        if not self.lr > 0 or not 0 <= self.momentum < 1:
            raise ValueError(f"need lr > 0 and 0 <= momentum < 1, got {self.lr}, {self.momentum}")


@dataclass(frozen=True)
class Run:
    """One training run: input dimension d, k hidden units, mask v, seed (init and data)."""

    d: int
    k: int
    mask: tuple[int, ...]
    seed: int = 0

    def __post_init__(self) -> None:
        integer("d", self.d, minimum=1, maximum=MAX_SAMPLING_D)
        integer("k", self.k, minimum=1)
        if len(as_mask(self.mask)) != self.d:
            raise ValueError(f"the mask has {len(self.mask)} entries but d = {self.d}")


@dataclass
class TrainResult:
    """Per-iteration hinge loss and accuracy on each fresh batch (measured before its update).

    ``seconds`` is the wall time of the call (shared by runs trained together); ``run`` and
    the final ``net`` are set for the two-layer runs of :func:`train_fast` and
    :func:`train_reference`.
    """

    loss: np.ndarray
    accuracy: np.ndarray
    seconds: float
    run: Run | None = None
    net: TwoLayerNet | None = None


def make_run(d: int, k: int | None = None, seed: int = 0, ones: int | None = None) -> Run:
    """A run with k = 10d hidden units by default and a random mask (seeded).

    The mask is uniform on {0,1}^d, as in the homework's starter (each bit a fair coin), or,
    with ``ones``, uniform among the masks with that many 1s.
    """
    d = integer("d", d, minimum=1, maximum=MAX_SAMPLING_D)
    ones = optional_integer("ones", ones, minimum=0, maximum=d)
    rng = np.random.default_rng([seed, d, 2])
    if ones is None:
        mask = rng.integers(0, 2, d)
    else:
        mask = np.zeros(d, dtype=np.int64)
        mask[rng.choice(d, size=ones, replace=False)] = 1
    return Run(d, 10 * d if k is None else k, tuple(int(m) for m in mask), seed)


def data_stream(seed: int) -> Any:
    """The random source of a run's batches (pass it to :func:`sample_batch`)."""
    return np.random.default_rng([seed, 1]).bit_generator


def sample_batch(stream: Any, mask: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n uniform inputs x (uint8, shape (n, d)) and their labels y = (-1)^(v . x).

    Each input is the low d bits of one raw 64-bit word of ``stream``; its label is the
    parity of the bits that the mask keeps, folded together with XORs.
    """
    mask = as_mask(mask)
    n = integer("n", n, minimum=1)
    if mask.size > MAX_SAMPLING_D:
        raise ValueError(f"the mask may have at most {MAX_SAMPLING_D} bits here, got {mask.size}")
    raw = stream.random_raw(n)
    bits = np.unpackbits(raw.view(np.uint8).reshape(n, 8), axis=1, bitorder="little")
    kept = raw & np.uint64(sum(1 << int(j) for j in np.flatnonzero(mask)))
    for shift in (32, 16, 8, 4, 2, 1):
        kept ^= kept >> np.uint64(shift)
    return bits[:, : mask.size], 1 - 2 * (kept & np.uint64(1)).astype(np.int64)


@torch.no_grad()
def train_fast(runs: Run | Sequence[Run], config: TrainConfig = TrainConfig(), *,
               dtype: torch.dtype = torch.float32) -> list[TrainResult]:
    """Train several runs at once with a hand-written forward/backward pass.

    Runs of different d and k are padded to the largest: padded inputs are 0 and padded
    units start with all weights 0, and since relu'(0) = 0 they stay 0, so every run follows
    exactly its own trajectory. Batches are drawn in bulk; all buffers are preallocated.
    """
    runs = [runs] if isinstance(runs, Run) else list(runs)
    if not runs or not all(isinstance(r, Run) for r in runs):
        raise TypeError("train_fast(): runs must be a Run or a non-empty list of Runs")
    start = time.perf_counter()
    R, B, T = len(runs), config.batch_size, config.iterations
    D, K = max(r.d for r in runs), max(r.k for r in runs)
    n_w = (D + 1) * K  # weights with the bias as the last input row
    params = torch.zeros(R, n_w + K + 1, dtype=dtype)
    for r, run in enumerate(runs):
        net = init_net(run.d, run.k, run.seed)
        W = np.zeros((D + 1, K))
        W[: run.d, : run.k], W[D, : run.k] = net.W.T, net.b
        params[r, :n_w] = torch.from_numpy(W.ravel())
        params[r, n_w: n_w + run.k] = torch.from_numpy(net.alpha)
        params[r, -1] = net.beta
    grads, velocity = torch.zeros_like(params), torch.zeros_like(params)
    W, gW = params[:, :n_w].view(R, D + 1, K), grads[:, :n_w].view(R, D + 1, K)
    a, ga = params[:, n_w:].view(R, K + 1, 1), grads[:, n_w:].view(R, K + 1, 1)
    a_row = params[:, n_w: n_w + K].view(R, 1, K)
    H = torch.empty(R, B, K, dtype=dtype)
    A = torch.ones(R, B, K + 1, dtype=dtype)  # the last column stays 1: it multiplies beta
    A_hidden, A_T = A[:, :, :K], A.transpose(1, 2)
    gH, active = torch.empty_like(H), torch.empty_like(H)
    gf, zero = torch.empty(R, B, 1, dtype=dtype), torch.zeros((), dtype=dtype)
    streams = [data_stream(r.seed) for r in runs]
    masks = [np.array(r.mask) for r in runs]
    chunk = max(1, min(T, 4_000_000 // (R * B * (D + 1))))
    loss, accuracy = np.empty((T, R)), np.empty((T, R))
    with single_thread():
        for t0 in range(0, T, chunk):
            c = min(chunk, T - t0)
            X = np.zeros((c, R, B, D + 1), dtype=np.float32)
            X[..., D] = 1.0
            Y = np.empty((c, R, B, 1), dtype=np.float32)
            for r, run in enumerate(runs):
                bits, labels = sample_batch(streams[r], masks[r], c * B)
                X[:, r, :, : run.d] = bits.reshape(c, B, run.d)
                Y[:, r, :, 0] = labels.reshape(c, B)
            Xt, Yt = torch.from_numpy(X).to(dtype), torch.from_numpy(Y).to(dtype)
            Xt_T, negY = Xt.transpose(2, 3), -Yt / B
            M = torch.empty(c, R, B, 1, dtype=dtype)
            for j in range(c):
                torch.bmm(Xt[j], W, out=H)                       # pre-activations
                torch.clamp(H, min=0, out=A_hidden)              # relu
                torch.bmm(A, a, out=M[j])                        # f(x)
                M[j].mul_(Yt[j])                                 # margins y f
                torch.where(M[j] <= 1, negY[j], zero, out=gf)    # d loss / d f
                torch.bmm(A_T, gf, out=ga)                       # alpha, beta
                torch.mul(gf, a_row, out=gH)
                torch.sign(A_hidden, out=active)                 # 1 where h > 0, else 0
                gH.mul_(active)                                  # d loss / d pre-activation
                torch.bmm(Xt_T[j], gH, out=gW)                   # W and b
                velocity.mul_(config.momentum).add_(grads)
                params.sub_(velocity, alpha=config.lr)
            loss[t0: t0 + c] = torch.clamp(1 - M[..., 0], min=0).mean(2).double().numpy()
            accuracy[t0: t0 + c] = (M[..., 0] > 0).double().mean(2).numpy()
    seconds = time.perf_counter() - start
    results = []
    for r, run in enumerate(runs):
        W_np = params[r, :n_w].view(D + 1, K).double().numpy()
        net = TwoLayerNet(W_np[: run.d, : run.k].T, W_np[D, : run.k],
                          params[r, n_w: n_w + run.k].double().numpy(), float(params[r, -1]))
        results.append(TrainResult(loss[:, r], accuracy[:, r], seconds, run, net))
    return results


def _torch_model(net: TwoLayerNet, dtype: torch.dtype) -> torch.nn.Sequential:
    model = torch.nn.Sequential(torch.nn.Linear(net.d, net.k), torch.nn.ReLU(),
                                torch.nn.Linear(net.k, 1)).to(dtype)
    with torch.no_grad():
        for tensor, value in zip(model.parameters(), (net.W, net.b, net.alpha[None], [net.beta])):
            tensor.copy_(torch.as_tensor(np.asarray(value), dtype=dtype))
    return model


def train_reference(run: Run, loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
                    config: TrainConfig = TrainConfig(), *,
                    dtype: torch.dtype = torch.float32) -> TrainResult:
    """:func:`train_fast`'s run done the plain way: nn.Sequential, autograd, torch.optim.SGD.

    ``loss_fn(output, y)`` gets the model's (B, 1) outputs and the (B,) labels and returns
    the batch loss; the initialisation and the batches are those of :func:`train_fast`.
    """
    if not isinstance(run, Run):
        raise TypeError(f"train_reference(): run must be a Run, got {type(run).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"train_reference(): loss_fn must be callable, got {type(loss_fn).__name__}")
    start = time.perf_counter()
    model = _torch_model(init_net(run.d, run.k, run.seed), dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=config.momentum)
    stream, mask = data_stream(run.seed), np.array(run.mask)
    loss, accuracy = np.empty(config.iterations), np.empty(config.iterations)
    with single_thread():
        for t in range(config.iterations):
            bits, labels = sample_batch(stream, mask, config.batch_size)
            y = torch.as_tensor(labels, dtype=dtype)
            output = model(torch.as_tensor(bits, dtype=dtype))
            batch_loss = loss_fn(output, y)
            optimizer.zero_grad()
            batch_loss.backward()
            optimizer.step()
            loss[t] = batch_loss.item()
            accuracy[t] = (output[:, 0] * y > 0).double().mean().item()
    first, _, second = model
    with torch.no_grad():
        net = TwoLayerNet(first.weight.double().numpy(), first.bias.double().numpy(),
                          second.weight[0].double().numpy(), float(second.bias))
    return TrainResult(loss, accuracy, time.perf_counter() - start, run, net)


def smooth(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Means over consecutive blocks of ``window`` iterations: (block centres, means)."""
    values = np.asarray(values, dtype=np.float64)
    window = integer("window", window, minimum=1)
    n = len(values) // window
    if n == 0:
        raise ValueError(f"window = {window} is longer than the {len(values)} values")
    means = values[: n * window].reshape(n, window).mean(1)
    return (np.arange(n) + 0.5) * window, means


def smooth_log(values: np.ndarray, blocks: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Means over about ``blocks`` consecutive blocks of geometrically growing length.

    For plots with a logarithmic iteration axis: (block centres, 1-based, and means).
    """
    values = np.asarray(values, dtype=np.float64)
    blocks = integer("blocks", blocks, minimum=1)
    edges = np.unique(np.geomspace(1, len(values) + 1, blocks + 1).astype(int)) - 1
    sums = np.add.reduceat(values, edges[:-1])
    return (edges[:-1] + edges[1:] + 1) / 2, sums / np.diff(edges)

