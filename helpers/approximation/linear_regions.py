"""Linear regions of ReLU networks with two inputs, computed exactly.

:func:`activation_regions_2d` cuts a square into the convex polygons on which a network
has a fixed activation pattern (a :class:`Regions2D`), and merges neighbouring polygons
that carry the same affine map into the network's linear regions;
:func:`arrangement_half_width` gives a square large enough to meet every region of the
first layer's lines; :func:`draw_regions` colours the regions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection

from ..plotting import label
from ..validation import number
from .relu_net import ReLUNet


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
    r = number("half_width", half_width, positive=True)
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
