"""Parity with a two-layer ReLU network: the exact construction, fast training, exact gradients.

The network is ``f(x) = sum_i alpha_i relu(w_i . x + b_i) + beta`` on inputs x in {0,1}^d,
the label is ``y = (-1)^(v . x)`` for a mask v in {0,1}^d, and the loss is the hinge loss.

- :class:`TwoLayerNet`, :func:`all_inputs`, :func:`parity_labels`: the setting.
- :func:`homework_construction` (as the homework states it, broken for the all-ones mask),
  :func:`parity_construction` (corrected), :func:`wrong_inputs`, :func:`check_parity_net`.
- :func:`hinge_loss`: the batch loss, with the shape guard that catches (B, 1) times (B,).
- :func:`train_fast` (hand-written forward/backward, many runs at once) and
  :func:`train_reference` (a plain per-step torch autograd loop, :func:`train_autograd`);
  same data and initialisation, so the same trajectory.
- :func:`per_example_gradients`, :func:`population_gradient`, :func:`population_gradients`
  (every mask at once with a fast Walsh-Hadamard transform, :func:`fwht`).
- :func:`deep_mlp`, :func:`layer_signals`: vanishing signals in deep sigmoid networks.

Conventions, used everywhere (and by torch): relu'(0) = 0, and the hinge's derivative at
its kink y f = 1 is taken as -y (the indicator 1_1(u) is 1 for u <= 1, as in the homework).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .checks import check_true

MAX_SAMPLING_D = 64
"""Inputs are sampled as the bits of one 64-bit random word, so training needs d <= 64."""


# ----------------------------------------------------------------------------- the setting
class _Threads:
    """Run torch single-threaded: for these small matrices threads cost more than they save."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __enter__(self) -> None:
        self.saved = torch.get_num_threads()
        torch.set_num_threads(self.n)

    def __exit__(self, *exc: Any) -> None:
        torch.set_num_threads(self.saved)


def _check_d(d: Any, name: str = "d", upper: int | None = None) -> int:
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {d!r}")
    if upper is not None and d > upper:
        raise ValueError(f"{name} must be at most {upper} here, got {d}")
    return int(d)


def _binary(name: str, value: Any, ndim: int, d: int | None = None) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array of 0s and 1s, got shape {array.shape}")
    if d is not None and array.shape[-1] != d:
        raise ValueError(f"{name} must have {d} entries per row (d = {d}), got shape {array.shape}")
    binary = (array == 0) | (array == 1)
    if not binary.all():
        bad = array[~binary].ravel()[:3]
        raise ValueError(f"{name} must hold only 0s and 1s (binary inputs), found {bad.tolist()}")
    return array.astype(np.int64)


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b in float64 on one thread (torch): numpy's BLAS threads stall on a busy 2-core CPU."""
    with _Threads(1):
        return (torch.from_numpy(np.asarray(a, dtype=np.float64))
                @ torch.from_numpy(np.asarray(b, dtype=np.float64))).numpy()


def as_mask(v: Any) -> np.ndarray:
    """The mask v* as a 1-D int array of 0s and 1s (raises a clear error otherwise)."""
    mask = _binary("v (the mask)", v, 1)
    _check_d(mask.size, "len(v)")
    return mask


def all_inputs(d: int) -> np.ndarray:
    """Every x in {0,1}^d, shape (2^d, d); row n holds the bits of n (x_j = bit j of n)."""
    d = _check_d(d, upper=24)
    n = np.arange(2**d)
    return ((n[:, None] >> np.arange(d)) & 1).astype(np.int64)


def parity_labels(x: Any, v: Any) -> np.ndarray:
    """y = (-1)^(v . x) for each row x (shape (n, d) -> (n,))."""
    mask = as_mask(v)
    inputs = _binary("x", x, 2, mask.size)
    return 1 - 2 * ((inputs @ mask) % 2)


@dataclass
class TwoLayerNet:
    """f(x) = alpha . relu(W x + b) + beta with W of shape (k, d)."""

    W: np.ndarray
    b: np.ndarray
    alpha: np.ndarray
    beta: float

    def __post_init__(self) -> None:
        self.W = np.array(self.W, dtype=np.float64)
        self.b = np.array(self.b, dtype=np.float64)
        self.alpha = np.array(self.alpha, dtype=np.float64)
        self.beta = float(self.beta)
        if self.W.ndim != 2:
            raise ValueError(f"W must have shape (k, d), got shape {self.W.shape}")
        k = self.W.shape[0]
        for name, value in (("b", self.b), ("alpha", self.alpha)):
            if value.shape != (k,):
                raise ValueError(f"{name} must have shape ({k},) to match W {self.W.shape}, "
                                 f"got {value.shape}")

    @property
    def d(self) -> int:
        return self.W.shape[1]

    @property
    def k(self) -> int:
        return self.W.shape[0]

    @property
    def n_params(self) -> int:
        """dk + 2k + 1, the length of p = (w_1, ..., w_k, b, alpha, beta)."""
        return self.k * self.d + 2 * self.k + 1

    def pre_activations(self, x: Any) -> np.ndarray:
        return _mm(_binary("x", x, 2, self.d), self.W.T) + self.b

    def __call__(self, x: Any) -> np.ndarray:
        """f(x) for each row of x, shape (n,)."""
        return _mm(np.maximum(self.pre_activations(x), 0.0), self.alpha) + self.beta

    def to_vector(self) -> np.ndarray:
        return np.concatenate([self.W.ravel(), self.b, self.alpha, [self.beta]])


# ----------------------------------------------------------------------------- construction
_BUMP_ALPHA = (4.0, -8.0, 4.0)


def _bump_biases(i: int) -> tuple[float, float, float]:
    return (-(2 * i - 0.5), -2.0 * i, -(2 * i + 0.5))


def min_units(d: int) -> int:
    """Units the corrected construction needs: 3d/2 + 1 for even d, (3d + 3)/2 for odd d.

    Bumps sit at the even sums s = 0, 2, ..., so there are floor(d/2) + 1 triples. For even
    d the last bump is centred at s = d, the largest sum, where only its first unit is
    nonzero; for odd d the last bump is centred at d - 1 and all three units matter at s = d.
    """
    d = _check_d(d)
    return 3 * (d // 2) + (1 if d % 2 == 0 else 3)


def _construction(v: Any, k: int | None, rows_with_v: Callable[[int, int], int]) -> TwoLayerNet:
    mask = as_mask(v)
    d = mask.size
    k = 10 * d if k is None else _check_d(k, "k")
    W, b, alpha = np.zeros((k, d)), np.zeros(k), np.zeros(k)
    for i in range(d // 2 + 1):
        for j in range(3):
            unit = 3 * i + j  # homework's unit 3i + j + 1, counted from 0
            if unit < k:
                b[unit], alpha[unit] = _bump_biases(i)[j], _BUMP_ALPHA[j]
    W[: rows_with_v(d, k)] = mask
    return TwoLayerNet(W, b, alpha, -1.0)


def homework_construction(v: Any, k: int | None = None) -> TwoLayerNet:
    """The weights exactly as the homework states them (k = 10d by default).

    w_i = v for 1 <= i <= 3d/2 and 0 otherwise; triples of biases/alphas for 0 <= i <= d/2.
    Wrong for the all-ones mask: the units past 3d/2 that the last triple needs get w = 0.
    """
    mask = as_mask(v)
    if k is not None and _check_d(k, "k") < 1.5 * mask.size:
        raise ValueError(f"k must be at least 3d/2 = {1.5 * mask.size:g} for the homework's "
                         f"construction, got k = {k}")
    return _construction(mask, k, lambda d, k: min(k, (3 * d) // 2))


def parity_construction(v: Any, k: int | None = None) -> TwoLayerNet:
    """The corrected construction: every unit a triple uses gets w = v (k >= min_units(d))."""
    mask = as_mask(v)
    if k is not None and _check_d(k, "k") < min_units(mask.size):
        raise ValueError(f"k must be at least min_units(d) = {min_units(mask.size)} for d = "
                         f"{mask.size}, got k = {k}")
    return _construction(mask, k, lambda d, k: min(k, 3 * (d // 2) + 3))


def sawtooth_construction(v: Any) -> TwoLayerNet:
    """Parity with only k = d units: f(s) = 1 - 2 relu(s) + 4 sum_j (-1)^(j+1) relu(s - j)."""
    mask = as_mask(v)
    d = mask.size
    alpha = np.array([-2.0] + [4.0 * (-1) ** (j + 1) for j in range(1, d)])
    return TwoLayerNet(np.tile(mask, (d, 1)), -np.arange(d, dtype=float), alpha, 1.0)


def along_sum(net: TwoLayerNet, v: Any, s: Any) -> np.ndarray:
    """Each unit's contribution alpha_i relu(w_i . x + b_i) at x = s v / |v|, shape (len(s), k).

    On this segment v . x = s, so for a construction (rows w_i = v or 0) it shows the network
    as a function of the sum s, between the integers too. f = contributions.sum(1) + beta.
    """
    mask = as_mask(v)
    if mask.sum() == 0:
        raise ValueError("v must have at least one 1 to define the segment x = s v / |v|")
    x = np.outer(np.asarray(s, dtype=np.float64), mask / mask.sum())
    return np.maximum(x @ net.W.T + net.b, 0.0) * net.alpha


def errors(net: TwoLayerNet, v: Any) -> np.ndarray:
    """|f(x) - (-1)^(v . x)| for every x of :func:`all_inputs` (shape (2^d,))."""
    mask = as_mask(v)
    if net.d != mask.size:
        raise ValueError(f"the network has d = {net.d} inputs but the mask has {mask.size}")
    x = all_inputs(mask.size)
    return np.abs(net(x) - parity_labels(x, mask))


def wrong_inputs(net: TwoLayerNet, v: Any, *, tol: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """The inputs x in {0,1}^d with |f(x) - y| > tol, and f there: (x of shape (m, d), f (m,))."""
    x = all_inputs(as_mask(v).size)
    bad = ~(errors(net, v) <= tol)  # NaN outputs count as wrong
    return x[bad], net(x[bad])


def max_error(net: TwoLayerNet, v: Any) -> float:
    """max over every x in {0,1}^d of |f(x) - (-1)^(v . x)|."""
    return float(errors(net, v).max())


def check_parity_net(name: str, net: TwoLayerNet, v: Any) -> None:
    """Assert net computes the parity of mask v on every input; the message lists wrong inputs."""
    if not isinstance(net, TwoLayerNet):
        raise TypeError(f"{name} must be a TwoLayerNet, got {type(net).__name__}")
    x, f = wrong_inputs(net, v)
    shown = "; ".join(
        f"x = {''.join(map(str, row))}: f = {value:.4g}, y = {int(parity_labels(row[None], v)[0])}"
        for row, value in zip(x[:4], f[:4])
    )
    mask = "".join(map(str, as_mask(v)))
    check_true(
        len(x) == 0,
        f"{name} is wrong on {len(x)} of {2 ** net.d} inputs for v = {mask} "
        f"(d = {net.d}, k = {net.k}): {shown}" + (" ..." if len(x) > 4 else ""),
    )


# ----------------------------------------------------------------------------- the loss
def hinge_loss(f: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """mean over the batch of max(0, 1 - f y); f and y must have the same shape (B,).

    Refuses (B, 1) against (B,): broadcasting would silently make a (B, B) matrix of every
    output times every label.
    """
    if not isinstance(f, torch.Tensor) or not isinstance(y, torch.Tensor):
        raise TypeError(f"hinge_loss(): f and y must be torch tensors, got "
                        f"{type(f).__name__} and {type(y).__name__}")
    if f.shape != y.shape or f.ndim != 1:
        raise ValueError(
            "hinge_loss(): outputs f and labels y must both have shape (B,), got "
            f"f {tuple(f.shape)} and y {tuple(y.shape)}; squeeze the network output, "
            "e.g. f = model(x)[:, 0]"
        )
    return torch.clamp(1 - f * y, min=0).mean()


# ----------------------------------------------------------------------------- training
@dataclass(frozen=True)
class TrainConfig:
    """SGD with momentum on fresh mini-batches (torch.optim.SGD's update rule)."""

    iterations: int = 50_000
    batch_size: int = 128
    lr: float = 0.01
    momentum: float = 0.9

    def __post_init__(self) -> None:
        for name in ("iterations", "batch_size"):
            _check_d(getattr(self, name), name)
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
        _check_d(self.d, "d", MAX_SAMPLING_D)
        _check_d(self.k, "k")
        if len(as_mask(self.mask)) != self.d:
            raise ValueError(f"the mask has {len(self.mask)} entries but d = {self.d}")


@dataclass
class TrainResult:
    """Per-iteration hinge loss and accuracy on each fresh batch (measured before its update).

    ``seconds`` is the wall time of the call (shared by runs trained together); ``run`` and
    the final ``net`` are set for two-layer runs; deep models are trained in place.
    """

    loss: np.ndarray
    accuracy: np.ndarray
    seconds: float
    run: Run | None = None
    net: TwoLayerNet | None = None


def make_run(d: int, k: int | None = None, seed: int = 0, ones: int | None = None) -> Run:
    """A run with k = 10d hidden units by default and a random mask (seeded).

    The mask is uniform on {0,1}^d, or, with ``ones``, uniform among masks with that many 1s.
    """
    d = _check_d(d, upper=MAX_SAMPLING_D)
    rng = np.random.default_rng([seed, d, 2])
    if ones is None:
        mask = rng.integers(0, 2, d)
    elif isinstance(ones, (int, np.integer)) and 0 <= ones <= d:
        mask = np.zeros(d, dtype=np.int64)
        mask[rng.choice(d, size=int(ones), replace=False)] = 1
    else:
        raise ValueError(f"ones must be an integer between 0 and d = {d}, got {ones!r}")
    return Run(d, 10 * d if k is None else k, tuple(int(m) for m in mask), seed)


def init_net(d: int, k: int, seed: int) -> TwoLayerNet:
    """torch.nn.Linear's default initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), from numpy."""
    rng = np.random.default_rng([seed, 0])
    s, t = 1 / np.sqrt(d), 1 / np.sqrt(k)
    return TwoLayerNet(rng.uniform(-s, s, (k, d)), rng.uniform(-s, s, k),
                       rng.uniform(-t, t, k), rng.uniform(-t, t))


def _data_stream(seed: int) -> Any:
    return np.random.default_rng([seed, 1]).bit_generator


def sample_batch(stream: Any, mask: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n uniform inputs x (uint8, shape (n, d)) and their labels y = (-1)^(v . x).

    Each input is the low d bits of one raw 64-bit word of ``stream``; its label is the
    parity of the bits that the mask keeps, folded together with XORs.
    """
    raw = stream.random_raw(n)
    bits = np.unpackbits(raw.view(np.uint8).reshape(n, 8), axis=1, bitorder="little")
    kept = raw & np.uint64(sum(1 << int(j) for j in np.flatnonzero(mask)))
    for shift in (32, 16, 8, 4, 2, 1):
        kept ^= kept >> np.uint64(shift)
    return bits[:, : mask.size], 1 - 2 * (kept & np.uint64(1)).astype(np.int64)


@torch.no_grad()
def train_fast(runs: Run | Sequence[Run], config: TrainConfig = TrainConfig(), *,
               dtype: torch.dtype = torch.float32, threads: int = 1) -> list[TrainResult]:
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
    streams = [_data_stream(r.seed) for r in runs]
    masks = [np.array(r.mask) for r in runs]
    chunk = max(1, min(T, 4_000_000 // (R * B * (D + 1))))
    loss, accuracy = np.empty((T, R)), np.empty((T, R))
    with _Threads(threads):
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


def train_autograd(model: torch.nn.Module, mask: Any, seed: int,
                   config: TrainConfig = TrainConfig(), *, threads: int = 1) -> TrainResult:
    """The straightforward loop: autograd and torch.optim.SGD, one fresh batch per step.

    ``model`` maps inputs of shape (B, d) to outputs of shape (B, 1) and is trained in place;
    the batches are those of :func:`train_fast` for the same seed.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError("train_autograd(): model must be a torch.nn.Module, "
                        f"got {type(model).__name__}")
    start = time.perf_counter()
    mask = as_mask(mask)
    dtype = next(model.parameters()).dtype
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=config.momentum)
    stream = _data_stream(seed)
    loss, accuracy = np.empty(config.iterations), np.empty(config.iterations)
    with _Threads(threads):
        for t in range(config.iterations):
            bits, labels = sample_batch(stream, mask, config.batch_size)
            x = torch.as_tensor(bits, dtype=dtype)
            y = torch.as_tensor(labels, dtype=dtype)
            f = model(x)[:, 0]
            batch_loss = hinge_loss(f, y)
            optimizer.zero_grad()
            batch_loss.backward()
            optimizer.step()
            loss[t] = batch_loss.item()
            accuracy[t] = (f * y > 0).float().mean().item()
    return TrainResult(loss, accuracy, time.perf_counter() - start)


def train_reference(run: Run, config: TrainConfig = TrainConfig(), *,
                    dtype: torch.dtype = torch.float32, threads: int = 1) -> TrainResult:
    """:func:`train_fast`'s run done the plain way: nn.Sequential + :func:`train_autograd`."""
    if not isinstance(run, Run):
        raise TypeError(f"train_reference(): run must be a Run, got {type(run).__name__}")
    model = _torch_model(init_net(run.d, run.k, run.seed), dtype)
    result = train_autograd(model, run.mask, run.seed, config, threads=threads)
    first, _, second = model
    with torch.no_grad():
        result.net = TwoLayerNet(first.weight.double().numpy(), first.bias.double().numpy(),
                                 second.weight[0].double().numpy(), float(second.bias))
    result.run = run
    return result


def smooth(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Means over consecutive blocks of ``window`` iterations: (block centres, means)."""
    values = np.asarray(values, dtype=np.float64)
    window = _check_d(window, "window")
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
    blocks = _check_d(blocks, "blocks")
    edges = np.unique(np.geomspace(1, len(values) + 1, blocks + 1).astype(int)) - 1
    sums = np.add.reduceat(values, edges[:-1])
    return (edges[:-1] + edges[1:] + 1) / 2, sums / np.diff(edges)


# ----------------------------------------------------------------------------- exact gradients
def per_example_gradients(net: TwoLayerNet, x: Any) -> np.ndarray:
    """grad_p f(x) for each row x, shape (n, dk + 2k + 1), p = (w_1..w_k, b, alpha, beta)."""
    h = net.pre_activations(x)
    on = (h > 0) * net.alpha  # alpha_i relu'(h_i), with relu'(0) = 0
    inputs = _binary("x", x, 2, net.d).astype(np.float64)
    n = len(inputs)
    dW = (on[:, :, None] * inputs[:, None, :]).reshape(n, -1)
    return np.concatenate([dW, on, np.maximum(h, 0), np.ones((n, 1))], axis=1)


def _indicator(u: np.ndarray) -> np.ndarray:
    """1_1(u) = 1 for u <= 1, else 0."""
    return (u <= 1).astype(np.float64)


def gradient_parts(net: TwoLayerNet) -> tuple[np.ndarray, np.ndarray]:
    """(a, g) over all inputs: grad R = a + E_x[(-1)^(v.x) g(x)] for every mask v.

    a = -E_x[(1_1(f) - 1_1(-f)) / 2 grad f], g(x) = -(1_1(f) + 1_1(-f)) / 2 grad f(x);
    g has one row per input of :func:`all_inputs`.
    """
    x = all_inputs(net.d)
    f, grad = net(x), per_example_gradients(net, x)
    a = -_mm((_indicator(f) - _indicator(-f)) / 2, grad) / len(x)
    g = -((_indicator(f) + _indicator(-f)) / 2)[:, None] * grad
    return a, g


def population_gradient(net: TwoLayerNet, v: Any) -> np.ndarray:
    """grad R(p) for mask v, exactly: the mean over all 2^d inputs of -y 1_1(y f) grad f."""
    mask = as_mask(v)
    if mask.size != net.d:
        raise ValueError(f"the mask has {mask.size} entries but the network has d = {net.d}")
    x = all_inputs(net.d)
    y = parity_labels(x, mask)
    return _mm(-y * _indicator(y * net(x)), per_example_gradients(net, x)) / len(x)


def fwht(values: np.ndarray) -> np.ndarray:
    """Unnormalised fast Walsh-Hadamard transform along axis 0 (length 2^d).

    Returns H @ values with H[v, x] = (-1)^(v . x) in the bit order of :func:`all_inputs`,
    in d passes of additions and subtractions instead of a 2^d x 2^d matrix product.
    """
    out = np.array(values, dtype=np.float64)
    n = out.shape[0]
    if n < 1 or n & (n - 1):
        raise ValueError(f"fwht(): the length along axis 0 must be a power of 2, got {n}")
    h = 1
    while h < n:
        view = out.reshape(n // (2 * h), 2, h, -1)
        low, high = view[:, 0].copy(), view[:, 1]
        view[:, 0] += high
        view[:, 1] = low - high
        h *= 2
    return out.reshape(np.shape(values))


def population_gradients(net: TwoLayerNet) -> tuple[np.ndarray, np.ndarray]:
    """(a, G): G[v] = grad R(p) for every mask v (rows in the order of :func:`all_inputs`)."""
    a, g = gradient_parts(net)
    return a, a + fwht(g) / len(g)


def gradient_entry_bound(net: TwoLayerNet) -> float:
    """c_p = max(1, max|alpha_i|, max_i max_x relu(w_i . x + b_i)) >= every |grad_p f(x)_j|.

    max_x (w_i . x + b_i) over {0,1}^d is b_i plus the positive entries of w_i.
    """
    peak = np.maximum(net.b + np.maximum(net.W, 0).sum(1), 0)
    return float(max(1.0, np.abs(net.alpha).max(initial=0), peak.max(initial=0)))


# ----------------------------------------------------------------------------- deep networks
def deep_mlp(d: int, width: int, depth: int, activation: str = "sigmoid",
             seed: int = 0) -> torch.nn.Sequential:
    """``depth`` hidden layers of ``width`` units, then one output (PyTorch's default init)."""
    d, width, depth = _check_d(d), _check_d(width, "width"), _check_d(depth, "depth")
    kinds = {"sigmoid": torch.nn.Sigmoid, "relu": torch.nn.ReLU}
    if activation not in kinds:
        raise ValueError(f"activation must be one of {sorted(kinds)}, got {activation!r}")
    layers: list[torch.nn.Module] = []
    with torch.random.fork_rng():  # seeded, without touching the caller's random state
        torch.manual_seed(seed)
        for i in range(depth):
            layers += [torch.nn.Linear(d if i == 0 else width, width), kinds[activation]()]
        layers.append(torch.nn.Linear(width, 1))
    return torch.nn.Sequential(*layers)


@dataclass
class LayerSignals:
    """What reaches each layer of an MLP, forwards and backwards, for every input (rows).

    ``spread[l]``: standard deviation over the inputs of hidden layer l's activations,
    averaged over its units. ``backward[:, l]``: ||d f / d z_l|| where z_l is the output of
    Linear layer l (the last column, the network's output, is 1). ``layer_input[:, l]``:
    ||input of Linear layer l||. Layers are counted from the input.
    """

    spread: np.ndarray
    backward: np.ndarray
    layer_input: np.ndarray

    @property
    def weight_grad(self) -> np.ndarray:
        """Root mean square over the inputs of ||d f / d W_l|| = ||d f / d z_l|| ||input_l||."""
        return np.sqrt(np.mean((self.backward * self.layer_input) ** 2, axis=0))


def layer_signals(model: torch.nn.Sequential, x: Any) -> LayerSignals:
    """Forward spread and backward gradient norms of an MLP (Linear/activation layers) at x."""
    if not isinstance(model, torch.nn.Sequential):
        raise TypeError(f"model must be a torch.nn.Sequential, got {type(model).__name__}")
    dtype = next(model.parameters()).dtype
    h = torch.as_tensor(_binary("x", x, 2).astype(np.float64), dtype=dtype)
    outputs, inputs, spread = [], [], []
    for layer in model:
        if isinstance(layer, torch.nn.Linear):
            inputs.append(h.detach().norm(dim=1))
            h = layer(h)
            h.retain_grad()
            outputs.append(h)
        else:
            h = layer(h)
            spread.append(h.detach().std(dim=0).mean().item())
    model.zero_grad()
    h[:, 0].sum().backward()  # inputs do not interact, so each row gets its own gradient
    model.zero_grad()
    backward = torch.stack([z.grad.norm(dim=1) for z in outputs], dim=1)
    return LayerSignals(np.array(spread), backward.double().numpy(),
                        torch.stack(inputs, dim=1).double().numpy())
