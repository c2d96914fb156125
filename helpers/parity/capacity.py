"""The checks of ``04_parity/01_capacity``: does a two-layer network compute parity on every input?

The constructions and the exhaustive search for failures are the notebook's exercises;
this module checks a network on every input (:func:`check_parity_net`), traces it along
the sum s = v . x (:func:`along_sum`) and states the unit count the text derives
(:func:`min_units`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..checks import check_true
from ..validation import integer
from .network import TwoLayerNet, all_inputs, as_mask, parity_labels


def min_units(d: int) -> int:
    """Units the corrected bump construction needs: 3d/2 + 1 for even d, (3d + 3)/2 for odd d.

    Bumps sit at the even sums s = 0, 2, ..., so there are floor(d/2) + 1 triples. For even
    d the last bump is centred at s = d, the largest sum, where only its first unit is
    nonzero; for odd d the last bump is centred at d - 1 and all three units matter at s = d.
    """
    d = integer("d", d, minimum=1)
    return 3 * (d // 2) + (1 if d % 2 == 0 else 3)


def along_sum(net: TwoLayerNet, v: Any, s: Any) -> np.ndarray:
    """Each unit's contribution alpha_i relu(w_i . x + b_i) at x = s v / |v|, shape (len(s), k).

    On this segment v . x = s, so for a construction (rows w_i = v or 0) it shows the network
    as a function of the sum s, between the integers too. f = contributions.sum(1) + beta.
    """
    mask = as_mask(v)
    if mask.sum() == 0:
        raise ValueError("v must have at least one 1 to define the segment x = s v / |v|")
    if net.d != mask.size:
        raise ValueError(f"the network has d = {net.d} inputs but the mask has {mask.size}")
    x = np.outer(np.asarray(s, dtype=np.float64), mask / mask.sum())
    return np.maximum(x @ net.W.T + net.b, 0.0) * net.alpha


def _wrong_inputs(net: TwoLayerNet, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The inputs x in {0,1}^d with |f(x) - y| > 1e-9 (NaN counts as wrong), and f there."""
    x = all_inputs(mask.size)
    f = net(x)
    bad = ~(np.abs(f - parity_labels(x, mask)) <= 1e-9)
    return x[bad], f[bad]


def bits(row: Any) -> str:
    """A 0/1 vector written as a string, e.g. 1011."""
    return "".join(str(int(b)) for b in np.asarray(row).ravel())


def check_parity_net(name: str, net: Any, v: Any, *, k: int | None = None) -> None:
    """Assert ``net`` (with ``k`` units, if given) computes the parity of mask v on every input.

    The message lists the first wrong inputs with f and y there.
    """
    check_true(isinstance(net, TwoLayerNet),
               f"{name} should return a TwoLayerNet, got {type(net).__name__}")
    mask = as_mask(v)
    check_true(net.d == mask.size, f"{name} has d = {net.d} inputs, but the mask has {mask.size} bits")
    if k is not None:
        check_true(net.k == k, f"{name} should have k = {k} hidden units (W of shape ({k}, "
                               f"{mask.size})), got W of shape {net.W.shape}")
    x, f = _wrong_inputs(net, mask)
    shown = "; ".join(
        f"x = {bits(row)}: f = {value:.4g}, y = {int(parity_labels(row[None], mask)[0])}"
        for row, value in zip(x[:4], f[:4])
    )
    check_true(
        len(x) == 0,
        f"{name} is wrong on {len(x)} of {2 ** net.d} inputs for v = {bits(mask)} "
        f"(d = {net.d}, k = {net.k}): {shown}" + (" ..." if len(x) > 4 else ""),
    )
