"""The checks of ``02_approximation/02_kinks``: is a list of points exactly the set of
kinks of a network with one input, and does a network bend at 0?

Neither computes kinks: both evaluate the network and test what the text says a kink
is (a point where the slope changes; between kinks the network is linear).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..checks import check_true
from .relu_net import ReLUNet

_SLOPE_TOL = 1e-6  # at 0, a kink changes the slope by more than this, relative to the slopes
_LINE_TOL = 1e-9  # between kinks the network leaves its chord by less than this, relative
_FRACTIONS = np.array([0.07, 0.21, 0.38, 0.5, 0.63, 0.79, 0.94])  # where each piece is probed


def _one_input(net: Any) -> ReLUNet:
    if not isinstance(net, ReLUNet) or net.input_dim != 1 or net.output_dim != 1:
        raise TypeError("the network must be a ReLUNet with one input and one output (see make_net)")
    return net


def one_sided_slopes(net: ReLUNet, points: Any, step: Any = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """The slopes of ``net`` just left and just right of each point (differences over ``step``)."""
    x = np.asarray(points, dtype=float)
    value = _one_input(net)(x)
    return (value - net(x - step)) / step, (net(x + step) - value) / step


def _points(name: str, kinks: Any) -> np.ndarray:
    if kinks is None:
        raise AssertionError(f"{name} is None: return the array of kink locations.")
    if hasattr(kinks, "detach"):
        kinks = kinks.detach().cpu().numpy()
    try:
        x = np.asarray(kinks, dtype=float)
    except (TypeError, ValueError) as error:
        raise AssertionError(f"{name} should be an array of numbers: {error}") from None
    check_true(x.ndim == 1, f"{name} should be a 1-D array of kink locations, got shape {x.shape}")
    check_true(bool(np.all(np.isfinite(x))), f"{name} contains {x[~np.isfinite(x)][:3]}: every kink is a "
                                             "finite point (a unit with zero input weight has no kink)")
    if x.size > 1:
        gaps = np.diff(x)
        if np.any(gaps <= 0):
            first = int(np.flatnonzero(gaps <= 0)[0])
            raise AssertionError(f"{name} should be sorted, each kink once: {x[first]:.6g} is followed "
                                 f"by {x[first + 1]:.6g}")
        close = np.flatnonzero(gaps <= 1e-9 * np.maximum(1.0, np.abs(x[1:])))
        if close.size:
            raise AssertionError(f"{name} lists nearly the same point twice ({x[close[0]]:.12g} and "
                                 f"{x[close[0] + 1]:.12g}): merge them")
    return x


def check_kinks(name: str, net: ReLUNet, kinks: Any) -> None:
    """Assert ``kinks`` are exactly the points where ``net`` (one input) changes slope.

    Every listed point must be a kink (the one-sided slopes differ), and ``net`` must be
    linear between consecutive points and beyond the outer ones (up to 10^6 times their
    scale): probed at seven fixed fractions of every piece against its chord.
    """
    net = _one_input(net)
    x = _points(name, kinks)
    if x.size:
        gaps = np.diff(np.concatenate([[-np.inf], x, [np.inf]]))
        step = np.minimum(1e-6 * np.maximum(1.0, np.abs(x)), np.minimum(gaps[:-1], gaps[1:]) / 4)
        left, right = one_sided_slopes(net, x, step)
        size = np.maximum.reduce([np.abs(net(x)), np.abs(net(x - step)), np.abs(net(x + step))])
        noise = 1e-13 * size / step + 1e-8 * np.maximum(np.abs(left), np.abs(right))  # round-off, with room
        flat = np.flatnonzero(np.abs(right - left) <= noise)
        if flat.size:
            i = flat[0]
            raise AssertionError(
                f"{name}: x = {x[i]:.6g} is not a kink, the slope is {left[i]:.6g} on both sides "
                f"({flat.size} of {x.size} listed points are not kinks)"
            )
    reach = 1e6 * max(1.0, float(np.abs(x).max(initial=0.0)))
    ends = np.concatenate([[-reach], x, [reach]])
    a, b = ends[:-1, None], ends[1:, None]
    probes = a + _FRACTIONS * (b - a)
    fa, fb = net(ends[:-1]), net(ends[1:])
    chord = fa[:, None] + _FRACTIONS * (fb - fa)[:, None]
    values = net(probes.ravel()).reshape(probes.shape)
    scale = np.maximum(1.0, np.maximum(np.abs(fa), np.abs(fb)))[:, None]
    bent = np.abs(values - chord) > _LINE_TOL * scale
    if bent.any():
        piece = int(np.flatnonzero(bent.any(axis=1))[0])
        j = int(np.flatnonzero(bent[piece])[0])
        if not x.size:
            where = "somewhere"
        elif piece == 0:
            where = f"left of {x[0]:.6g}"
        elif piece == x.size:
            where = f"right of {x[-1]:.6g}"
        else:
            where = f"between {x[piece - 1]:.6g} and {x[piece]:.6g}"
        raise AssertionError(
            f"{name} misses a kink {where}: there the network is not linear (at x = "
            f"{probes[piece, j]:.6g} it is {values[piece, j]:.8g}, the straight line through the ends "
            f"gives {chord[piece, j]:.8g}, off by {abs(values[piece, j] - chord[piece, j]):.3g}; "
            f"{int(bent.any(axis=1).sum())} of {len(a)} pieces bend)"
        )


def check_kink_at_zero(name: str, net: ReLUNet) -> None:
    """Assert ``net`` (one input) is not differentiable at 0: its one-sided slopes there differ."""
    left, right = (float(s[0]) for s in one_sided_slopes(net, [0.0]))
    check_true(abs(right - left) > _SLOPE_TOL * max(1.0, abs(left), abs(right)),
               f"{name} is differentiable at 0: its slope is {left:.6g} on both sides, so its graph is "
               "a straight line through 0 (a bias-free network bends at 0 only if f(1) != -f(-1))",
               success=f"{name} has a kink at 0: slope {left:.6g} on the left, {right:.6g} on the right.")
