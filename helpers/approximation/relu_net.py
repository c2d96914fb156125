"""Fully connected ReLU networks given by their weights, the bound on their number of
pieces, and an exact plot of a network with one input.

A :class:`ReLUNet` is affine layers with ReLU between them and an affine output. Build
one from explicit weights with :func:`make_net`, or draw one at random with
:func:`random_net`. The chapter's constructions (the sawtooth, the interpolating
network) and the exact kink counter are exercises of its notebooks, not helpers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from ..plotting import label


def _as_float_array(name: str, value: Any, ndim: int) -> np.ndarray:
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from error
    if array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got NaN or infinity")
    return array


@dataclass(frozen=True)
class ReLUNet:
    """``x -> W_L relu(... relu(W_1 x + b_1) ...) + b_L``: ReLU after every layer but the last.

    ``weights[j]`` has shape ``(n_{j+1}, n_j)`` and ``biases[j]`` shape ``(n_{j+1},)``;
    ``n_0`` is the input dimension. Build one with :func:`make_net`.
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    @property
    def input_dim(self) -> int:
        return int(self.weights[0].shape[1])

    @property
    def output_dim(self) -> int:
        return int(self.weights[-1].shape[0])

    @property
    def widths(self) -> tuple[int, ...]:
        """Widths of the hidden layers."""
        return tuple(int(w.shape[0]) for w in self.weights[:-1])

    @property
    def depth(self) -> int:
        """Number of hidden (ReLU) layers."""
        return len(self.weights) - 1

    def __call__(self, x: Any) -> np.ndarray:
        """Outputs for inputs ``x`` of shape ``(n, input_dim)`` (or ``(n,)`` for one input).

        Returns shape ``(n,)`` for one output, else ``(n, output_dim)``.
        """
        h = np.asarray(x, dtype=np.float64)
        if h.ndim == 1 and self.input_dim == 1:
            h = h[:, None]
        if h.ndim != 2 or h.shape[1] != self.input_dim:
            raise ValueError(
                f"x must have shape (n, {self.input_dim})"
                + (" or (n,)" if self.input_dim == 1 else "") + f", got {h.shape}"
            )
        for w, b in zip(self.weights[:-1], self.biases[:-1]):
            h = np.maximum(h @ w.T + b, 0.0)
        out = h @ self.weights[-1].T + self.biases[-1]
        return out[:, 0] if self.output_dim == 1 else out


def make_net(weights: Sequence[Any], biases: Sequence[Any]) -> ReLUNet:
    """A :class:`ReLUNet` from lists of weight matrices and bias vectors (shapes checked)."""
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence) or not weights:
        raise TypeError("weights must be a non-empty list of 2-D arrays, one per layer")
    if isinstance(biases, np.ndarray) or not isinstance(biases, Sequence) or len(biases) != len(weights):
        raise ValueError(f"biases must be a list with one vector per layer ({len(weights)})")
    ws = [_as_float_array(f"weights[{j}]", w, 2) for j, w in enumerate(weights)]
    bs = [_as_float_array(f"biases[{j}]", b, 1) for j, b in enumerate(biases)]
    for j, (w, b) in enumerate(zip(ws, bs)):
        if b.shape[0] != w.shape[0]:
            raise ValueError(
                f"biases[{j}] has length {b.shape[0]} but weights[{j}] has {w.shape[0]} rows"
            )
        if j and w.shape[1] != ws[j - 1].shape[0]:
            raise ValueError(
                f"weights[{j}] has {w.shape[1]} columns but layer {j - 1} has "
                f"{ws[j - 1].shape[0]} outputs: expected shape ({w.shape[0]}, {ws[j - 1].shape[0]})"
            )
    for array in ws + bs:
        array.setflags(write=False)
    return ReLUNet(tuple(ws), tuple(bs))


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def random_net(
    input_dim: int,
    widths: Sequence[int],
    *,
    seed: int,
    bias_std: float = 1.0,
    bias: bool = True,
) -> ReLUNet:
    """A network with He-initialised weights and N(0, bias_std^2) biases (zero if not ``bias``)."""
    input_dim = _check_int("input_dim", input_dim, 1)
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence):
        raise TypeError(f"widths must be a list of hidden-layer widths, got {type(widths).__name__}")
    sizes = [input_dim] + [_check_int(f"widths[{j}]", w, 1) for j, w in enumerate(widths)] + [1]
    if not bias_std >= 0:
        raise ValueError(f"bias_std must be >= 0, got {bias_std!r}")
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for layer in range(len(sizes) - 1):
        n_in, n_out = sizes[layer], sizes[layer + 1]
        weights.append(rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in)))
        biases.append(rng.normal(0.0, bias_std, size=n_out) if bias else np.zeros(n_out))
    return make_net(weights, biases)


def piece_upper_bound(widths: Sequence[int]) -> int:
    """``prod_j (n_j + 1)``: at most this many pieces for one input and hidden widths ``n_j``.

    (Each unit of a layer adds at most one breakpoint inside each piece of the previous
    layer, so the number of pieces grows at most by the factor ``n_j + 1`` per layer.)
    """
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or not widths:
        raise ValueError(f"widths must be a non-empty list of hidden-layer widths, got {widths!r}")
    return int(np.prod([_check_int(f"widths[{j}]", w, 1) + 1 for j, w in enumerate(widths)], dtype=object))


def draw_pieces(ax: Axes, net: ReLUNet, kinks: Any, low: float, high: float, *, title: str,
                max_markers: int = 300) -> None:
    """Plot a one-input network exactly on ``[low, high]``: a polyline through its ``kinks``.

    Up to ``max_markers`` kinks inside the window are marked; the legend says how many there are.
    """
    if not isinstance(net, ReLUNet) or net.input_dim != 1 or net.output_dim != 1:
        raise ValueError("draw_pieces() needs a ReLUNet with one input and one output")
    if not low < high:
        raise ValueError(f"draw_pieces(): low must be below high, got {low!r} and {high!r}")
    points = _as_float_array("kinks", kinks, 1)
    inner = np.sort(points[(points > low) & (points < high)])
    x = np.concatenate([[low], inner, [high]])
    ax.plot(x, net(x), color="#0072B2", linewidth=1.0, label="network output")
    if inner.size <= max_markers:
        ax.plot(inner, net(inner), "o", color="#D55E00", markersize=3, label=f"kinks in view: {inner.size}")
    else:
        ax.plot([], [], " ", label=f"kinks in view: {inner.size} (too many to mark)")
    label(ax, title=title, xlabel="input $x$", ylabel="output $f(x)$", legend=False)
    ax.legend(loc="upper left", frameon=True, framealpha=0.9)
