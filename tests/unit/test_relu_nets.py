"""helpers.relu_nets: exact kink counts and region counts on networks with a known answer."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import relu_nets as rn


def sampled_patterns(net: rn.ReLUNet, x: np.ndarray) -> set[tuple[bool, ...]]:
    bits, h = [], x
    for w, b in zip(net.weights[:-1], net.biases[:-1]):
        z = h @ w.T + b
        bits.append(z > 0)
        h = np.maximum(z, 0)
    return set(map(tuple, np.concatenate(bits, axis=1).tolist()))


# ----------------------------------------------------------------- networks
def test_forward_matches_hand_computation() -> None:
    net = rn.make_net([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.5]])
    np.testing.assert_allclose(net(np.array([-2.0, 0.0, 3.0])), [2.5, 0.5, 3.5])
    assert net.widths == (2,) and net.depth == 1 and net.input_dim == 1


def test_make_net_rejects_bad_shapes() -> None:
    with pytest.raises(ValueError, match=r"weights\[1\] has 3 columns but layer 0 has 2 outputs"):
        rn.make_net([np.ones((2, 1)), np.ones((1, 3))], [np.zeros(2), np.zeros(1)])
    with pytest.raises(ValueError, match=r"biases\[0\] has length 3 but weights\[0\] has 2 rows"):
        rn.make_net([np.ones((2, 1)), np.ones((1, 2))], [np.zeros(3), np.zeros(1)])
    with pytest.raises(ValueError, match="one vector per layer"):
        rn.make_net([np.ones((2, 1))], [])
    with pytest.raises(ValueError, match=r"weights\[0\] must be a 2-D array"):
        rn.make_net([np.ones(2)], [np.zeros(2)])
    with pytest.raises(ValueError, match="finite"):
        rn.make_net([np.full((1, 1), np.nan)], [np.zeros(1)])
    with pytest.raises(TypeError, match="non-empty list"):
        rn.make_net(np.ones((1, 1)), [np.zeros(1)])


def test_forward_rejects_wrong_input_shape() -> None:
    net = rn.random_net(2, [3], seed=0)
    with pytest.raises(ValueError, match=r"x must have shape \(n, 2\)"):
        net(np.zeros((4, 3)))


def test_random_net_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"widths\[1\] must be an int >= 1"):
        rn.random_net(1, [3, 0], seed=0)
    with pytest.raises(ValueError, match="input_dim"):
        rn.random_net(0, [3], seed=0)
    with pytest.raises(TypeError, match="widths must be a list"):
        rn.random_net(1, 3, seed=0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="bias_std"):
        rn.random_net(1, [3], seed=0, bias_std=-1.0)


# ----------------------------------------------------------------- exact 1-D pieces
@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("widths", [[1], [3], [4, 4], [2, 5, 3], [6, 6, 6, 6]])
def test_pieces_equal_the_network_and_are_linear_between_kinks(widths: list[int], seed: int) -> None:
    net = rn.random_net(1, widths, seed=seed)
    f = rn.pieces_1d(net)
    x = np.random.default_rng(seed).normal(0, 4, 2000)
    np.testing.assert_allclose(f(x), net(x), rtol=1e-9, atol=1e-9)
    # the function is linear between consecutive kinks: value at the midpoint is the mean
    ends = np.concatenate([[f.breakpoints.min(initial=0) - 5], f.breakpoints, [f.breakpoints.max(initial=0) + 5]])
    mid = 0.5 * (ends[:-1] + ends[1:])
    np.testing.assert_allclose(net(mid), 0.5 * (net(ends[:-1]) + net(ends[1:])), rtol=1e-8, atol=1e-9)
    # every kink is a genuine change of slope
    h = 1e-6 * np.maximum(1.0, np.abs(f.breakpoints))
    left = (net(f.breakpoints) - net(f.breakpoints - h)) / h
    right = (net(f.breakpoints + h) - net(f.breakpoints)) / h
    assert np.all(np.abs(right - left) > 1e-6)
    assert f.n_kinks < rn.piece_upper_bound(widths)


@pytest.mark.parametrize("teeth", [1, 2, 3, 4])
@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_sawtooth_has_teeth_to_the_depth_pieces_on_the_unit_interval(teeth: int, depth: int) -> None:
    net = rn.sawtooth_net(teeth, depth)
    f = rn.pieces_1d(net)
    assert f.kinks_in(0.0, 1.0) == teeth**depth - 1
    grid = np.arange(teeth**depth + 1) / teeth**depth
    np.testing.assert_allclose(net(grid), np.arange(teeth**depth + 1) % 2, atol=1e-9)
    # on the whole line: one more kink at 0, and one at 1 when the last tooth falls (even teeth)
    assert f.n_kinks == teeth**depth + (teeth % 2 == 0 and depth >= 2)


def test_tent_map_kinks_are_the_dyadic_points() -> None:
    f = rn.pieces_1d(rn.sawtooth_net(2, 3))
    np.testing.assert_array_equal(f.breakpoints, np.arange(9) / 8)


def test_one_hidden_layer_has_one_kink_per_unit() -> None:
    for k in range(1, 12):
        assert rn.count_kinks(rn.random_net(1, [k], seed=k)) == k


def test_cancelling_units_give_no_kink_and_coincident_units_one() -> None:
    # relu(x) - relu(x) = 0 and relu(x - 1) + relu(x - 1): kinks cancel or coincide
    cancel = rn.make_net([[[1.0], [1.0]], [[1.0, -1.0]]], [[0.0, 0.0], [0.0]])
    assert rn.count_kinks(cancel) == 0
    double = rn.make_net([[[1.0], [2.0]], [[1.0, 1.0]]], [[-1.0, -2.0], [0.0]])
    f = rn.pieces_1d(double)
    np.testing.assert_allclose(f.breakpoints, [1.0])
    np.testing.assert_allclose(f.slopes, [0.0, 3.0])


def test_interpolation_net_interpolates() -> None:
    knots = np.array([-1.0, -0.2, 0.5, 2.0])
    values = np.array([1.0, -1.0, 0.5, 0.5])
    net = rn.interpolation_net(knots, values)
    x = np.linspace(-1, 2, 301)
    np.testing.assert_allclose(net(x), np.interp(x, knots, values), atol=1e-12)
    f = rn.pieces_1d(net)
    np.testing.assert_allclose(f.breakpoints, [-1.0, -0.2, 0.5])  # slope changes at the last knot: 0 -> 0
    assert net(np.array([-5.0]))[0] == pytest.approx(1.0)


def test_interpolation_net_rejects_bad_knots() -> None:
    with pytest.raises(ValueError, match="strictly increasing"):
        rn.interpolation_net([0.0, 0.0, 1.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="same length"):
        rn.interpolation_net([0.0, 1.0], [1.0])


def test_bias_free_networks_have_at_most_one_kink_at_zero() -> None:
    for depth in range(1, 5):
        for seed in range(20):
            f = rn.pieces_1d(rn.random_net(1, [5] * depth, seed=seed, bias=False))
            assert f.n_kinks <= 1
            assert np.all(np.abs(f.breakpoints) < 1e-12)


def test_width_one_networks_have_at_most_two_kinks() -> None:
    counts = [rn.count_kinks(rn.random_net(1, [1] * d, seed=s)) for d in range(1, 7) for s in range(30)]
    assert max(counts) == 2


def test_pieces_1d_rejects_wrong_networks() -> None:
    with pytest.raises(ValueError, match="one input and one output"):
        rn.pieces_1d(rn.random_net(2, [3], seed=0))
    with pytest.raises(TypeError, match="net must be a ReLUNet"):
        rn.pieces_1d("net")  # type: ignore[arg-type]


def test_piecewise_linear_polyline_and_kinks_in() -> None:
    f = rn.pieces_1d(rn.sawtooth_net(2, 2))
    x, y = f.polyline(-1.0, 0.6)
    np.testing.assert_allclose(x, [-1.0, 0.0, 0.25, 0.5, 0.6])
    np.testing.assert_allclose(y, [0.0, 0.0, 1.0, 0.0, 0.4], atol=1e-12)
    assert f.kinks_in(-1.0, 0.6) == 3 and f.n_pieces == f.n_kinks + 1


def test_bounds() -> None:
    assert rn.piece_upper_bound([3, 3]) == 16
    assert rn.piece_upper_bound([1]) == 2
    assert rn.arrangement_regions(3, 2) == 7 and rn.arrangement_regions(4, 1) == 5
    assert rn.arrangement_regions(2, 5) == 4  # fewer hyperplanes than dimensions: 2^n
    with pytest.raises(ValueError, match="widths must be a non-empty list"):
        rn.piece_upper_bound([])
    with pytest.raises(ValueError, match="dim must be an int >= 1"):
        rn.arrangement_regions(3, 0)


# ----------------------------------------------------------------- 2-D regions
@pytest.mark.parametrize("k", range(1, 13))
def test_one_hidden_layer_regions_match_the_arrangement_formula(k: int) -> None:
    for seed in range(5):
        net = rn.random_net(2, [k], seed=100 * k + seed)
        regions = rn.activation_regions_2d(net, rn.arrangement_half_width(net))
        assert regions.count == rn.arrangement_regions(k, 2)


def test_regions_of_axis_lines() -> None:
    # relu(x1), relu(x2), relu(-x1): lines x1 = 0 (twice) and x2 = 0 -> 4 quadrants
    net = rn.make_net([[[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]], [[1.0, 1.0, 1.0]]], [np.zeros(3), [0.0]])
    regions = rn.activation_regions_2d(net, 1.0)
    assert regions.count == 4
    assert sorted(regions.patterns) == sorted([(a, b, not a) for a in (True, False) for b in (True, False)])
    assert sum(rn.polygon_area(p) for p in regions.polygons) == pytest.approx(4.0)


@pytest.mark.parametrize("widths", [[3, 3], [4, 4, 4], [6, 2]])
def test_deep_regions_contain_every_sampled_pattern(widths: list[int]) -> None:
    net = rn.random_net(2, widths, seed=sum(widths))
    regions = rn.activation_regions_2d(net, 2.0)
    x = np.random.default_rng(0).uniform(-2, 2, size=(50_000, 2))
    assert sampled_patterns(net, x) <= set(regions.patterns)
    assert len(set(regions.patterns)) == regions.count
    # the pattern at each region's centroid is that region's pattern
    for poly, pattern in zip(regions.polygons, regions.patterns):
        assert sampled_patterns(net, poly.mean(axis=0, keepdims=True)) == {pattern}
    # total area is the square's
    area = sum(rn.polygon_area(p) for p in regions.polygons)
    assert area == pytest.approx(16.0)
    bound = np.prod([rn.arrangement_regions(w, 2) for w in widths])
    assert regions.count <= bound


def test_linear_regions_merge_neighbours_with_the_same_affine_map() -> None:
    # relu(x1) - relu(x1) is identically zero: two activation regions, one linear region
    cancel = rn.make_net([[[1.0, 0.0], [1.0, 0.0]], [[1.0, -1.0]]], [np.zeros(2), [0.0]])
    regions = rn.activation_regions_2d(cancel, 1.0)
    assert (regions.count, regions.n_linear) == (2, 1)
    assert np.allclose(regions.jacobians, 0.0) and np.allclose(regions.offsets, 0.0)
    # relu(x1) + relu(-x1) = |x1|: two regions with different maps stay apart
    absolute = rn.make_net([[[1.0, 0.0], [-1.0, 0.0]], [[1.0, 1.0]]], [np.zeros(2), [0.0]])
    assert rn.activation_regions_2d(absolute, 1.0).n_linear == 2
    # relu(x1) + 0 relu(x2): four quadrants, but f = x1 on the right half and 0 on the left
    quads = rn.make_net([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0]]], [np.zeros(2), [0.0]])
    regions = rn.activation_regions_2d(quads, 1.0)
    assert (regions.count, regions.n_linear) == (4, 2)
    right = [poly[:, 0].mean() > 0 for poly in regions.polygons]
    labels = regions.linear_labels()
    assert len(set(labels[right])) == len(set(labels[np.logical_not(right)])) == 1


def test_maps_of_the_regions_are_the_network() -> None:
    net = rn.random_net(2, [4, 4], seed=3)
    regions = rn.activation_regions_2d(net, 2.0)
    for poly, jac, off in zip(regions.polygons, regions.jacobians, regions.offsets):
        x = poly.mean(axis=0)
        assert np.allclose(net(x[None])[0], jac @ x + off)
    # a random network has as many linear regions as activation regions (no two maps agree)
    assert regions.n_linear == regions.count


def test_regions_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="2 inputs"):
        rn.activation_regions_2d(rn.random_net(1, [3], seed=0), 1.0)
    with pytest.raises(ValueError, match="half_width must be a positive number"):
        rn.activation_regions_2d(rn.random_net(2, [3], seed=0), -1.0)
    zero = rn.make_net([np.zeros((1, 2)), np.ones((1, 1))], [np.zeros(1), np.zeros(1)])
    with pytest.raises(ValueError, match="zero weights"):
        rn.arrangement_half_width(zero)


def test_draw_functions_label_their_axes() -> None:
    fig = Figure()
    ax1, ax2 = fig.subplots(1, 2)
    regions = rn.activation_regions_2d(rn.random_net(2, [3], seed=1), 2.0)
    rn.draw_regions(ax1, regions, title="regions")
    rn.draw_pieces(ax2, rn.pieces_1d(rn.sawtooth_net(2, 2)), -0.5, 1.5, title="pieces")
    assert ax1.get_title() == "regions" and ax2.get_xlabel() == "input $x$"
    assert "kinks in view: 5" in [t.get_text() for t in ax2.get_legend().get_texts()]
    with pytest.raises(ValueError, match="labels must have one entry per region"):
        rn.draw_regions(Figure().subplots(), regions, title="t", labels=np.zeros(regions.count + 1, dtype=int))
