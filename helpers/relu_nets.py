"""What ReLU networks compute, counted exactly: kinks in 1-D, linear regions in 2-D.

A fully connected ReLU network is a :class:`ReLUNet`: affine layers with ReLU between
them and an affine output. Because it is piecewise linear, its pieces can be enumerated
exactly instead of being guessed from a grid:

- :func:`pieces_1d` follows the breakpoints of a network with one input through the
  layers and returns the function as a :class:`PiecewiseLinear` (breakpoints, slopes,
  intercepts), so :func:`count_kinks` is exact (up to floating-point round-off);
- :func:`activation_regions_2d` cuts a square into the convex polygons on which a
  network with two inputs has a fixed activation pattern, and merges neighbouring
  polygons that carry the same affine map into the network's linear regions.

Constructions with a known answer: :func:`sawtooth_net` (``teeth**depth`` pieces on
[0, 1]) and :func:`interpolation_net` (one hidden layer through given points).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from math import comb
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection

from .plotting import label

_REL_TOL = 1e-9


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
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        weights.append(rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in)))
        biases.append(rng.normal(0.0, bias_std, size=fan_out) if bias else np.zeros(fan_out))
    return make_net(weights, biases)


def sawtooth_net(teeth: int, depth: int) -> ReLUNet:
    """``depth`` hidden layers of width ``teeth``: the zigzag map composed ``depth`` times.

    The zigzag ``g(t) = teeth*relu(t) + sum_j (-1)^j 2 teeth relu(t - j/teeth)`` maps each
    of the ``teeth`` intervals ``[j/teeth, (j+1)/teeth]`` linearly onto [0, 1]; composing it
    ``depth`` times gives ``teeth**depth`` linear pieces on [0, 1], with value 0 and 1
    alternately at the points ``i / teeth**depth``.
    """
    teeth = _check_int("teeth", teeth, 1)
    depth = _check_int("depth", depth, 1)
    signs = np.array([1.0] + [2.0 * (-1) ** j for j in range(1, teeth)]) * teeth
    shifts = -np.arange(teeth) / teeth
    weights = [np.ones((teeth, 1))] + [np.outer(np.ones(teeth), signs)] * (depth - 1) + [signs[None, :]]
    biases = [shifts] * depth + [np.zeros(1)]
    return make_net(weights, biases)


def interpolation_net(knots: Any, values: Any) -> ReLUNet:
    """One hidden layer (``len(knots) - 1`` units) through the points ``(knots[i], values[i])``.

    On ``[knots[0], knots[-1]]`` it equals the piecewise-linear interpolant: the constant
    ``values[0]`` plus ``slope_0 relu(x - t_0) + sum_i (slope_i - slope_{i-1}) relu(x - t_i)``.
    Left of the first knot it is constant, right of the last it continues the last slope.
    """
    t = _as_float_array("knots", knots, 1)
    y = _as_float_array("values", values, 1)
    if t.shape != y.shape or t.size < 2:
        raise ValueError(f"knots and values need the same length >= 2, got {t.size} and {y.size}")
    if not np.all(np.diff(t) > 0):
        raise ValueError("knots must be strictly increasing")
    slopes = np.diff(y) / np.diff(t)
    out = np.concatenate([slopes[:1], np.diff(slopes)])
    return make_net([np.ones((t.size - 1, 1)), out[None, :]], [-t[:-1], np.array([y[0]])])


# ---------------------------------------------------------------------- exact 1-D pieces
@dataclass(frozen=True)
class PiecewiseLinear:
    """A continuous piecewise-linear function of one variable.

    Piece ``i`` is ``slopes[i] * x + intercepts[i]`` on ``[breakpoints[i-1], breakpoints[i]]``
    (the first and last pieces are unbounded). Only genuine kinks are kept as breakpoints.
    """

    breakpoints: np.ndarray
    slopes: np.ndarray
    intercepts: np.ndarray

    @property
    def n_pieces(self) -> int:
        return int(self.slopes.size)

    @property
    def n_kinks(self) -> int:
        return int(self.breakpoints.size)

    def __call__(self, x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        piece = np.searchsorted(self.breakpoints, x)
        return self.slopes[piece] * x + self.intercepts[piece]

    def kinks_in(self, low: float, high: float) -> int:
        """Number of kinks strictly between ``low`` and ``high``."""
        return int(np.count_nonzero((self.breakpoints > low) & (self.breakpoints < high)))

    def polyline(self, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
        """The exact graph on ``[low, high]``: the end points and every kink between."""
        x = np.concatenate([[low], self.breakpoints[(self.breakpoints > low) & (self.breakpoints < high)], [high]])
        return x, self(x)


def _representatives(breakpoints: np.ndarray) -> np.ndarray:
    """One point strictly inside each of the ``len(breakpoints) + 1`` pieces."""
    if breakpoints.size == 0:
        return np.zeros(1)
    middle = 0.5 * (breakpoints[:-1] + breakpoints[1:])
    return np.concatenate([[breakpoints[0] - 1.0], middle, [breakpoints[-1] + 1.0]])


def _merge_close(points: np.ndarray) -> np.ndarray:
    points = np.sort(points)
    if points.size < 2:
        return points
    scale = _REL_TOL * np.maximum(1.0, np.abs(points))
    keep = np.concatenate([[True], np.diff(points) > scale[1:]])
    return points[keep]


def pieces_1d(net: ReLUNet) -> PiecewiseLinear:
    """The exact piecewise-linear function computed by a network with one input and one output.

    Layer by layer, every unit's pre-activation is affine on each current piece, so it
    has at most one zero there; the zeros inside the pieces are the new breakpoints.
    Breakpoints where the output's slope does not change are dropped at the end.
    """
    if not isinstance(net, ReLUNet):
        raise TypeError(f"net must be a ReLUNet (see make_net), got {type(net).__name__}")
    if net.input_dim != 1 or net.output_dim != 1:
        raise ValueError(
            f"pieces_1d() needs one input and one output, got {net.input_dim} and {net.output_dim}"
        )
    breaks = np.zeros(0)
    slopes, inters = np.ones((1, 1)), np.zeros((1, 1))  # per piece: each unit's slope and intercept
    for w, b in zip(net.weights[:-1], net.biases[:-1]):
        za, zc = slopes @ w.T, inters @ w.T + b  # pre-activations, shape (pieces, units)
        low = np.concatenate([[-np.inf], breaks])[:, None]
        high = np.concatenate([breaks, [np.inf]])[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            zero = np.where(za != 0, -zc / za, np.nan)
        margin = _REL_TOL * np.maximum(1.0, np.abs(zero))
        inside = (zero > low + margin) & (zero < high - margin)
        breaks = _merge_close(np.concatenate([breaks, zero[inside]]))
        mid = _representatives(breaks)
        old = np.searchsorted(low[:, 0], mid) - 1
        active = (za[old] * mid[:, None] + zc[old]) > 0
        slopes, inters = np.where(active, za[old], 0.0), np.where(active, zc[old], 0.0)
    out_a = (slopes @ net.weights[-1].T)[:, 0]
    out_c = (inters @ net.weights[-1].T + net.biases[-1])[:, 0]
    scale = _REL_TOL * max(1.0, float(np.max(np.abs(out_a), initial=0.0)))
    kink = np.abs(np.diff(out_a)) > scale
    keep = np.concatenate([[True], kink])
    return PiecewiseLinear(breaks[kink], out_a[keep], out_c[keep])


def count_kinks(net: ReLUNet) -> int:
    """Exact number of points where the network's output (one input) changes slope."""
    return pieces_1d(net).n_kinks


def piece_upper_bound(widths: Sequence[int]) -> int:
    """``prod_j (n_j + 1)``: at most this many pieces for one input and hidden widths ``n_j``.

    (Each unit of a layer adds at most one breakpoint inside each piece of the previous
    layer, so the number of pieces grows at most by the factor ``n_j + 1`` per layer.)
    """
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or not widths:
        raise ValueError(f"widths must be a non-empty list of hidden-layer widths, got {widths!r}")
    return int(np.prod([_check_int(f"widths[{j}]", w, 1) + 1 for j, w in enumerate(widths)], dtype=object))


def arrangement_regions(n_hyperplanes: int, dim: int) -> int:
    """``sum_{i=0}^{dim} C(n, i)``: regions of ``n`` hyperplanes in general position in R^dim."""
    n = _check_int("n_hyperplanes", n_hyperplanes, 0)
    d = _check_int("dim", dim, 1)
    return sum(comb(n, i) for i in range(d + 1))


# ---------------------------------------------------------------------- 2-D regions
@dataclass(frozen=True)
class Regions2D:
    """The activation regions of a two-input network inside a square.

    ``polygons[r]`` is a convex polygon (vertices in order, shape ``(m, 2)``) on which every
    unit is either active or inactive; ``patterns[r]`` lists those on/off bits layer by layer.
    """

    polygons: tuple[np.ndarray, ...]
    patterns: tuple[tuple[bool, ...], ...]
    half_width: float
    jacobians: np.ndarray  # (regions, outputs, 2): the network is x -> J x + c on a region
    offsets: np.ndarray  # (regions, outputs)

    @property
    def count(self) -> int:
        """The number of activation regions in the square."""
        return len(self.polygons)

    def linear_labels(self) -> np.ndarray:
        """For every activation region, the index of the linear region it belongs to.

        Neighbouring polygons (sharing a stretch of edge) whose affine maps agree are
        merged: a linear region is a connected union of them on which the network is one
        affine function.
        """
        return self._linear_labels.copy()

    @cached_property
    def _linear_labels(self) -> np.ndarray:
        """The merge, done once per instance (it compares every pair of regions)."""
        maps = np.concatenate([self.jacobians.reshape(self.count, -1), self.offsets], axis=1)
        scale = np.abs(maps).max(initial=0.0) + 1e-300
        parent = list(range(self.count))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i in range(self.count):
            for j in range(i + 1, self.count):
                if (np.abs(maps[i] - maps[j]).max() <= 1e-9 * scale
                        and _share_edge(self.polygons[i], self.polygons[j], self.half_width)):
                    parent[root(j)] = root(i)
        roots = [root(i) for i in range(self.count)]
        return np.unique(roots, return_inverse=True)[1].reshape(-1)

    @property
    def n_linear(self) -> int:
        """The number of linear regions in the square (at most :attr:`count`)."""
        return int(self._linear_labels.max(initial=-1) + 1)


def _share_edge(p: np.ndarray, q: np.ndarray, half_width: float) -> bool:
    """Whether two convex polygons share a stretch of boundary of positive length."""
    tol = 1e-9 * half_width
    for i in range(len(p)):
        a, b = p[i], p[(i + 1) % len(p)]
        d = b - a
        length = float(np.hypot(*d))
        if length <= tol:
            continue
        u = d / length
        for k in range(len(q)):
            c, e = q[k], q[(k + 1) % len(q)]
            if max(abs(u[0] * (c - a)[1] - u[1] * (c - a)[0]), abs(u[0] * (e - a)[1] - u[1] * (e - a)[0])) > tol:
                continue  # not on the same line
            lo, hi = sorted((float(u @ (c - a)), float(u @ (e - a))))
            if min(hi, length) - max(lo, 0.0) > tol:
                return True
    return False


def polygon_area(poly: np.ndarray) -> float:
    """Area of a polygon given by its vertices in order (shoelace formula)."""
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def _clip(poly: np.ndarray, values: np.ndarray, keep_positive: bool) -> np.ndarray:
    """The part of a convex polygon where the affine function (given at the vertices) has a sign."""
    s = values if keep_positive else -values
    out = []
    for i in range(len(poly)):
        j = (i + 1) % len(poly)
        if s[i] >= 0:
            out.append(poly[i])
        if (s[i] > 0 > s[j]) or (s[i] < 0 < s[j]):
            t = s[i] / (s[i] - s[j])
            out.append(poly[i] + t * (poly[j] - poly[i]))
    return np.array(out) if out else np.zeros((0, 2))


def activation_regions_2d(net: ReLUNet, half_width: float) -> Regions2D:
    """Exact activation regions of a two-input network inside ``[-half_width, half_width]^2``.

    Each region is split by every unit's zero line in turn (the pre-activation is affine on
    a region). The count is exact for the square; on the whole plane there may be more.
    The result also holds the network's affine map on every region, from which
    :meth:`Regions2D.linear_labels` merges them into linear regions.
    """
    if not isinstance(net, ReLUNet):
        raise TypeError(f"net must be a ReLUNet (see make_net), got {type(net).__name__}")
    if net.input_dim != 2:
        raise ValueError(f"activation_regions_2d() needs a network with 2 inputs, got {net.input_dim}")
    if not (isinstance(half_width, (int, float)) and np.isfinite(half_width) and half_width > 0):
        raise ValueError(f"half_width must be a positive number, got {half_width!r}")
    r = float(half_width)
    min_area = 1e-20 * (2 * r) ** 2
    square = np.array([[-r, -r], [r, -r], [r, r], [-r, r]])
    # a region: polygon, pattern so far, and the affine map x -> A x + c of the current layer
    regions: list[tuple[np.ndarray, tuple[bool, ...], np.ndarray, np.ndarray]] = [
        (square, (), np.eye(2), np.zeros(2))
    ]
    for w, b in zip(net.weights[:-1], net.biases[:-1]):
        split = []
        for poly, pattern, a, c in regions:
            za, zc = w @ a, w @ c + b
            pieces: list[tuple[np.ndarray, tuple[bool, ...]]] = [(poly, ())]
            for unit in range(w.shape[0]):
                nxt = []
                for piece, bits in pieces:
                    values = piece @ za[unit] + zc[unit]
                    tol = 1e-12 * (np.abs(za[unit]).sum() * r + abs(zc[unit]) + 1e-300)
                    values = np.where(np.abs(values) <= tol, 0.0, values)
                    for on in (True, False):
                        if (values > 0).any() if on else (values < 0).any():
                            part = _clip(piece, values, on)
                            if len(part) >= 3 and polygon_area(part) > min_area:
                                nxt.append((part, bits + (on,)))
                pieces = nxt
            for piece, bits in pieces:
                mask = np.array(bits, dtype=np.float64)
                split.append((piece, pattern + bits, za * mask[:, None], zc * mask))
        regions = split
    w_out, b_out = net.weights[-1], net.biases[-1]
    return Regions2D(tuple(p for p, *_ in regions), tuple(q for _, q, *_ in regions), r,
                     jacobians=np.array([w_out @ a for *_, a, _ in regions]).reshape(len(regions), -1, 2),
                     offsets=np.array([w_out @ c + b_out for *_, c in regions]).reshape(len(regions), -1))


def arrangement_half_width(net: ReLUNet) -> float:
    """A half-width for which the square meets every region of the first layer's lines.

    The square contains every pairwise intersection of the zero lines ``W_1 x + b_1 = 0``
    and crosses every line, so it meets every region of the arrangement (general position).
    """
    if not isinstance(net, ReLUNet) or net.input_dim != 2:
        raise ValueError("arrangement_half_width() needs a ReLUNet with 2 inputs")
    w, b = net.weights[0], net.biases[0]
    norms = np.linalg.norm(w, axis=1)
    if np.any(norms == 0):
        raise ValueError("a unit of the first layer has zero weights: its zero line is undefined")
    reach = [float(np.max(np.abs(b) / norms))]
    for i in range(len(w)):
        for j in range(i + 1, len(w)):
            m = np.array([w[i], w[j]])
            if abs(np.linalg.det(m)) > 1e-12 * norms[i] * norms[j]:
                reach.append(float(np.max(np.abs(np.linalg.solve(m, -b[[i, j]])))))
    return 1.5 * max(reach) + 1.0


def draw_regions(ax: Axes, regions: Regions2D, *, title: str, labels: np.ndarray | None = None) -> None:
    """Colour the regions of ``regions`` (colours drawn at random from a palette).

    By default every activation region gets its own colour; with ``labels`` (e.g.
    :meth:`Regions2D.linear_labels`) regions with the same label share one. White lines
    are the boundaries of the activation regions.
    """
    colors = np.array([
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
        "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
    ])
    groups = np.arange(regions.count) if labels is None else np.asarray(labels)
    if groups.shape != (regions.count,):
        raise ValueError(f"labels must have one entry per region, shape ({regions.count},), got {groups.shape}")
    order = np.random.default_rng(0).permutation(max(int(groups.max(initial=0)) + 1, 1)) % len(colors)
    ax.add_collection(PolyCollection(list(regions.polygons), facecolors=colors[order[groups]],
                                     edgecolors="white", linewidths=0.4))
    r = regions.half_width
    ax.set_xlim(-r, r)
    ax.set_ylim(-r, r)
    ax.set_aspect("equal")
    ax.grid(False)
    label(ax, title=title, xlabel="$x_1$", ylabel="$x_2$")


def draw_pieces(ax: Axes, function: PiecewiseLinear, low: float, high: float, *, title: str,
                max_markers: int = 300) -> None:
    """Plot a piecewise-linear function exactly on ``[low, high]``, marking up to ``max_markers`` kinks."""
    x, y = function.polyline(low, high)
    ax.plot(x, y, color="#0072B2", linewidth=1.0, label="network output")
    inner = function.breakpoints[(function.breakpoints > low) & (function.breakpoints < high)]
    if inner.size <= max_markers:
        ax.plot(inner, function(inner), "o", color="#D55E00", markersize=3, label=f"kinks in view: {inner.size}")
    else:
        ax.plot([], [], " ", label=f"kinks in view: {inner.size} (too many to mark)")
    label(ax, title=title, xlabel="input $x$", ylabel="output $f(x)$", legend=False)
    ax.legend(loc="upper left", frameon=True, framealpha=0.9)
