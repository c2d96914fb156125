"""helpers.approximation.linear_regions: exact activation and linear regions of two-input networks."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.approximation import linear_regions as lr
from helpers.approximation.relu_net import ReLUNet, make_net, random_net


def sampled_patterns(net: ReLUNet, x: np.ndarray) -> set[tuple[bool, ...]]:
    bits, h = [], x
    for w, b in zip(net.weights[:-1], net.biases[:-1]):
        z = h @ w.T + b
        bits.append(z > 0)
        h = np.maximum(z, 0)
    return set(map(tuple, np.concatenate(bits, axis=1).tolist()))


@pytest.mark.parametrize("k", range(1, 13))
def test_one_hidden_layer_regions_match_the_arrangement_formula(k: int) -> None:
    for seed in range(5):
        net = random_net(2, [k], seed=100 * k + seed)
        regions = lr.activation_regions_2d(net, lr.arrangement_half_width(net))
        assert regions.count == 1 + k + k * (k - 1) // 2


def test_parallel_and_concurrent_lines() -> None:
    # x1 = 0 and x1 = 1 (parallel), and x2 = 0: 6 regions; three lines through 0: 6 regions
    parallel = make_net([[[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0, 1.0]]], [[0.0, -1.0, 0.0], [0.0]])
    assert lr.activation_regions_2d(parallel, lr.arrangement_half_width(parallel)).count == 6
    star = make_net([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]], [np.zeros(3), [0.0]])
    assert lr.activation_regions_2d(star, 2.0).count == 6


def test_regions_of_axis_lines() -> None:
    # relu(x1), relu(x2), relu(-x1): lines x1 = 0 (twice) and x2 = 0 -> 4 quadrants
    net = make_net([[[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]], [[1.0, 1.0, 1.0]]], [np.zeros(3), [0.0]])
    regions = lr.activation_regions_2d(net, 1.0)
    assert regions.count == 4
    assert sorted(regions.patterns) == sorted([(a, b, not a) for a in (True, False) for b in (True, False)])
    assert sum(lr.polygon_area(p) for p in regions.polygons) == pytest.approx(4.0)


@pytest.mark.parametrize("widths", [[3, 3], [4, 4, 4], [6, 2]])
def test_deep_regions_contain_every_sampled_pattern(widths: list[int]) -> None:
    net = random_net(2, widths, seed=sum(widths))
    regions = lr.activation_regions_2d(net, 2.0)
    x = np.random.default_rng(0).uniform(-2, 2, size=(50_000, 2))
    assert sampled_patterns(net, x) <= set(regions.patterns)
    assert len(set(regions.patterns)) == regions.count
    # the pattern at each region's centroid is that region's pattern
    for poly, pattern in zip(regions.polygons, regions.patterns):
        assert sampled_patterns(net, poly.mean(axis=0, keepdims=True)) == {pattern}
    # the polygons tile the square
    assert sum(lr.polygon_area(p) for p in regions.polygons) == pytest.approx(16.0)
    bound = np.prod([1 + w + w * (w - 1) // 2 for w in widths])
    assert regions.count <= bound


def test_linear_regions_merge_neighbours_with_the_same_affine_map() -> None:
    # relu(x1) - relu(x1) is identically zero: two activation regions, one linear region
    cancel = make_net([[[1.0, 0.0], [1.0, 0.0]], [[1.0, -1.0]]], [np.zeros(2), [0.0]])
    regions = lr.activation_regions_2d(cancel, 1.0)
    assert (regions.count, regions.n_linear) == (2, 1)
    assert np.allclose(regions.jacobians, 0.0) and np.allclose(regions.offsets, 0.0)
    # relu(x1) + relu(-x1) = |x1|: two regions with different maps stay apart
    absolute = make_net([[[1.0, 0.0], [-1.0, 0.0]], [[1.0, 1.0]]], [np.zeros(2), [0.0]])
    assert lr.activation_regions_2d(absolute, 1.0).n_linear == 2
    # relu(x1) + 0 relu(x2): four quadrants, but f = x1 on the right half and 0 on the left
    quads = make_net([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0]]], [np.zeros(2), [0.0]])
    regions = lr.activation_regions_2d(quads, 1.0)
    assert (regions.count, regions.n_linear) == (4, 2)
    right = [poly[:, 0].mean() > 0 for poly in regions.polygons]
    labels = regions.linear_labels()
    assert len(set(labels[right])) == len(set(labels[np.logical_not(right)])) == 1


def test_maps_of_the_regions_are_the_network() -> None:
    net = random_net(2, [4, 4], seed=3)
    regions = lr.activation_regions_2d(net, 2.0)
    rng = np.random.default_rng(1)
    for poly, jac, off in zip(regions.polygons, regions.jacobians, regions.offsets):
        x = poly[0] + rng.dirichlet(np.ones(len(poly))) @ (poly - poly[0])  # a random point inside
        assert np.allclose(net(x[None])[0], jac @ x + off)
    # a random network has as many linear regions as activation regions (no two maps agree)
    assert regions.n_linear == regions.count


def test_regions_reject_bad_input() -> None:
    with pytest.raises(TypeError, match="net must be a ReLUNet"):
        lr.activation_regions_2d("net", 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="2 inputs"):
        lr.activation_regions_2d(random_net(1, [3], seed=0), 1.0)
    with pytest.raises(ValueError, match="half_width must be positive, got -1.0"):
        lr.activation_regions_2d(random_net(2, [3], seed=0), -1.0)
    zero = make_net([np.zeros((1, 2)), np.ones((1, 1))], [np.zeros(1), np.zeros(1)])
    with pytest.raises(ValueError, match="zero weights"):
        lr.arrangement_half_width(zero)
    with pytest.raises(ValueError, match="ReLUNet with 2 inputs"):
        lr.arrangement_half_width(random_net(1, [2], seed=0))


def test_draw_regions_labels_its_axes() -> None:
    regions = lr.activation_regions_2d(random_net(2, [3], seed=1), 2.0)
    ax = Figure().subplots()
    lr.draw_regions(ax, regions, title="regions")
    assert ax.get_title() == "regions" and ax.get_xlabel() == "$x_1$"
    with pytest.raises(ValueError, match="labels must have one entry per region"):
        lr.draw_regions(Figure().subplots(), regions, title="t", labels=np.zeros(regions.count + 1, dtype=int))
