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
from ..validation import float_array, integer, integers, matrix_chain, number, sequence


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
    ws = matrix_chain("weights", weights)
    vectors = sequence("biases", biases, of="vectors")
    if len(vectors) != len(ws):
        raise ValueError(f"biases must be a list with one vector per layer ({len(ws)}), got {len(vectors)}")
    bs = [float_array(f"biases[{j}]", b, ndim=1) for j, b in enumerate(vectors)]
    for j, (w, b) in enumerate(zip(ws, bs)):
        if b.shape[0] != w.shape[0]:
            raise ValueError(
                f"biases[{j}] has length {b.shape[0]} but weights[{j}] has {w.shape[0]} rows"
            )
    for array in ws + bs:
        array.setflags(write=False)
    return ReLUNet(tuple(ws), tuple(bs))


def random_net(
    input_dim: int,
    widths: Sequence[int],
    *,
    seed: int,
    bias_std: float = 1.0,
    bias: bool = True,
) -> ReLUNet:
    """A network with He-initialised weights and N(0, bias_std^2) biases (zero if not ``bias``)."""
    sizes = [integer("input_dim", input_dim, minimum=1), *integers("widths", widths, minimum=1), 1]
    bias_std = number("bias_std", bias_std, minimum=0)
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
    sizes = integers("widths", widths, minimum=1, min_length=1)
    return int(np.prod([n + 1 for n in sizes], dtype=object))


def draw_pieces(ax: Axes, net: ReLUNet, kinks: Any, low: float, high: float, *, title: str,
                max_markers: int = 300) -> None:
    """Plot a one-input network exactly on ``[low, high]``: a polyline through its ``kinks``.

    Up to ``max_markers`` kinks inside the window are marked; the legend says how many there are.
    """
    if not isinstance(net, ReLUNet) or net.input_dim != 1 or net.output_dim != 1:
        raise ValueError("draw_pieces() needs a ReLUNet with one input and one output")
    if not low < high:
        raise ValueError(f"draw_pieces(): low must be below high, got {low!r} and {high!r}")
    points = float_array("kinks", kinks, ndim=1)
    inner = np.sort(points[(points > low) & (points < high)])
    x = np.concatenate([[low], inner, [high]])
    ax.plot(x, net(x), color="#0072B2", linewidth=1.0, label="network output")
    if inner.size <= max_markers:
        ax.plot(inner, net(inner), "o", color="#D55E00", markersize=3, label=f"kinks in view: {inner.size}")
    else:
        ax.plot([], [], " ", label=f"kinks in view: {inner.size} (too many to mark)")
    label(ax, title=title, xlabel="input $x$", ylabel="output $f(x)$", legend=False)
    ax.legend(loc="upper left", frameon=True, framealpha=0.9)
