"""helpers.backprop.gradient_table, and the gradient facts the backprop chapter's first two notebooks claim."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from helpers.backprop import gradient_table
from helpers.checks import numerical_gradient

NUMPY_OPS = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "matmul": np.matmul,
    "sin": np.sin, "cos": np.cos, "tanh": np.tanh, "exp": np.exp,
    "relu": lambda a: np.maximum(a, 0.0), "transpose": lambda a: a.T, "sum": np.sum,
}


# ---------------------------------------------------------------- recipes
def test_scalar_recipes_are_deterministic_and_well_formed() -> None:
    recipe = gradient_table.random_scalar_recipe(3, 15, seed=4)
    assert recipe == gradient_table.random_scalar_recipe(3, 15, seed=4)
    assert recipe != gradient_table.random_scalar_recipe(3, 15, seed=5)
    assert recipe.input_shapes == ((),) * 3 and len(recipe.steps) == 15
    for k, (name, args) in enumerate(recipe.steps):
        assert name in gradient_table.SCALAR_UNARY + gradient_table.SCALAR_BINARY
        assert len(args) == (1 if name in gradient_table.SCALAR_UNARY else 2)
        assert all(0 <= i < 3 + k for i in args)


def test_the_notebooks_scalar_graphs_stay_finite() -> None:
    for seed in range(50):
        recipe = gradient_table.random_scalar_recipe(3, 15, seed=seed)
        value = gradient_table.evaluate_recipe(recipe, gradient_table.random_inputs(recipe, seed=seed), NUMPY_OPS)[-1]
        assert np.isfinite(value), seed


def test_matrix_recipes_have_consistent_shapes_and_a_scalar_output() -> None:
    for seed in range(50):
        recipe = gradient_table.random_matrix_recipe(3, 10, seed=seed)
        assert recipe.steps[-1][0] == "sum"
        names = {name for name, _ in recipe.steps}
        assert names <= set(gradient_table.MATRIX_UNARY + gradient_table.MATRIX_BINARY + ("sum",))
        nodes = gradient_table.evaluate_recipe(recipe, gradient_table.random_inputs(recipe, seed=seed), NUMPY_OPS)
        assert np.ndim(nodes[-1]) == 0 and np.isfinite(nodes[-1])
    used = {name for s in range(50) for name, _ in gradient_table.random_matrix_recipe(3, 10, seed=s).steps}
    assert {"matmul", "add", "mul", "relu", "transpose", "tanh"} <= used


def test_torch_ops_compute_what_numpy_computes_and_autograd_matches_finite_differences() -> None:
    recipe = gradient_table.random_matrix_recipe(3, 10, seed=7)
    values = gradient_table.random_inputs(recipe, seed=7)
    expected = gradient_table.evaluate_recipe(recipe, values, NUMPY_OPS)[-1]
    tensors = [torch.tensor(v, requires_grad=True) for v in values]
    out = gradient_table.evaluate_recipe(recipe, tensors, gradient_table.TORCH_OPS)[-1]
    assert out.item() == pytest.approx(expected, rel=1e-12)
    grads = torch.autograd.grad(out, tensors, allow_unused=True)
    for k, grad in enumerate(grads):
        def f(v: np.ndarray, k: int = k) -> float:
            args = list(values)
            args[k] = v
            return float(gradient_table.evaluate_recipe(recipe, args, NUMPY_OPS)[-1])
        numeric = numerical_gradient(f, values[k])
        got = np.zeros_like(numeric) if grad is None else grad.numpy()
        np.testing.assert_allclose(got, numeric, rtol=1e-5, atol=1e-6)


def test_recipe_bad_input() -> None:
    with pytest.raises(TypeError, match="n_inputs must be an int"):
        gradient_table.random_scalar_recipe(2.5, 3)
    with pytest.raises(ValueError, match="n_steps must be at least 1"):
        gradient_table.random_matrix_recipe(2, 0)
    recipe = gradient_table.random_scalar_recipe(2, 3, seed=0)
    with pytest.raises(ValueError, match="has 2 inputs, got 3"):
        gradient_table.evaluate_recipe(recipe, [1.0, 2.0, 3.0], NUMPY_OPS)
    with pytest.raises(KeyError, match="ops lacks the operations"):
        gradient_table.evaluate_recipe(recipe, [1.0, 2.0], {"add": np.add})
    with pytest.raises(TypeError, match="recipe must be a Recipe"):
        gradient_table.evaluate_recipe([("add", (0, 1))], [1.0, 2.0], NUMPY_OPS)


# ---------------------------------------------------------------- cost counts
def _brute_force(widths: list[int]) -> tuple[int, int, int]:
    """Edges, paths and naive recursion calls on the explicit layered graph."""
    layers, start = [], 0
    for w in widths:
        layers.append(list(range(start, start + w)))
        start += w
    consumers = {v: [] for layer in layers for v in layer}
    for below, above in zip(layers[:-1], layers[1:]):
        for v in below:
            consumers[v] = list(above)
    output = layers[-1][0]

    def calls(v: int) -> int:
        return sum(1 + calls(c) for c in consumers[v])

    def paths(v: int) -> int:
        return 1 if v == output else sum(paths(c) for c in consumers[v])

    edges = sum(len(c) for c in consumers.values())
    return edges, sum(paths(x) for x in layers[0]), sum(calls(x) for x in layers[0])


@pytest.mark.parametrize("widths", [[1, 1], [3, 1], [2, 3, 1], [3, 2, 4, 1], [2, 2, 2, 2, 2, 1]])
def test_layered_costs_match_a_brute_force_count(widths: list[int]) -> None:
    costs = gradient_table.layered_costs(widths)
    assert (costs.edges, costs.paths, costs.naive_calls) == _brute_force(widths)
    assert costs.naive_calls >= costs.paths


def test_naive_cost_is_exponential_in_depth_and_polynomial_in_width() -> None:
    deep = [gradient_table.layered_costs(gradient_table.layered_widths(d, 2)) for d in range(2, 15)]
    assert all(b.naive_calls / a.naive_calls > 1.9 for a, b in zip(deep, deep[1:]))
    assert all(b.edges - a.edges == 4 for a, b in zip(deep, deep[1:]))
    wide = [gradient_table.layered_costs(gradient_table.layered_widths(2, w)).naive_calls for w in (4, 8, 16, 32)]
    assert [b / a for a, b in zip(wide, wide[1:])] == [4.0, 4.0, 4.0]


def test_layered_bad_input() -> None:
    with pytest.raises(ValueError, match="end with the single output 1"):
        gradient_table.layered_costs([3, 2])
    with pytest.raises(ValueError, match="end with the single output 1"):
        gradient_table.layered_costs([1])
    with pytest.raises(TypeError, match=r"widths\[1\] must be an int"):
        gradient_table.layered_costs([3, 2.0, 1])
    with pytest.raises(ValueError, match="depth must be at least 1"):
        gradient_table.layered_widths(0, 3)


def test_draw_layered_graph_labels_the_figure() -> None:
    ax = Figure().add_subplot()
    gradient_table.draw_layered_graph(ax, gradient_table.layered_widths(3, 2))
    assert ax.get_title() == "10 edges, 8 input-to-output paths"
    assert ax.get_xlabel() == "layer" and ax.get_legend() is not None
    ax = Figure().add_subplot()
    gradient_table.draw_layered_graph(ax, [2, 1], title="tiny")  # no hidden layer
    assert ax.get_title() == "tiny"


# ---------------------------------------------------------------- the chapter's gradient claims
def test_matmul_messages_are_Z_Bt_and_At_Z() -> None:
    rng = np.random.default_rng(0)
    A, B, Z = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    np.testing.assert_allclose(numerical_gradient(lambda a: np.sum(Z * (a @ B)), A), Z @ B.T, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(numerical_gradient(lambda b: np.sum(Z * (A @ b)), B), A.T @ Z, rtol=1e-7, atol=1e-9)


def test_linear_network_loss_gradient() -> None:
    rng = np.random.default_rng(1)
    X, Y, W = rng.normal(size=(7, 4)), rng.normal(size=(7, 3)), rng.normal(size=(3, 4))
    numeric = numerical_gradient(lambda w: 0.5 * np.sum((w @ X.T - Y.T) ** 2), W)
    np.testing.assert_allclose(numeric, (W @ X.T - Y.T) @ X, rtol=1e-6)


def _residual_loss(W: np.ndarray, x: np.ndarray) -> float:
    u = np.maximum(W @ x, 0.0)
    v = u + W @ u
    return 0.5 * float(v @ v)


def test_residual_layer_matrix_form_is_right_and_the_seeds_index_form_is_not() -> None:
    rng = np.random.default_rng(4)
    W, x = rng.normal(size=(5, 5)), rng.normal(size=5)
    y = W @ x
    u = np.maximum(y, 0.0)
    v = u + W @ u
    theta = (y > 0).astype(float)
    matrix_form = np.outer(v, u) + np.diag(theta) @ (np.eye(5) + W.T) @ np.outer(v, x)
    numeric = numerical_gradient(lambda w: _residual_loss(w, x), W)
    np.testing.assert_allclose(matrix_form, numeric, rtol=1e-6, atol=1e-8)
    seed = np.array([[v[i] * theta[i] * x[j] + u[i] * v[i] + (v @ W[:, i]) * theta[i] * x[j]
                      for j in range(5)] for i in range(5)])
    wrong = ~np.isclose(seed, numeric, rtol=1e-6, atol=1e-8)
    assert wrong.any() and not wrong[np.eye(5, dtype=bool)].any()  # the diagonal is right


def test_relu_kink_conventions_give_the_one_sided_derivatives() -> None:
    x = np.array([1.0, -1.0, 0.0, 2.0])
    W = np.array([[1.0, 1.0, 3.0, 0.0], [0.5, -1.0, 0.0, 1.0], [1.0, 0.0, 1.0, 1.0], [0.0, 0.5, 2.0, -1.0]])
    assert (W @ x)[0] == 0.0
    h, E = 1e-7, np.zeros((4, 4))
    E[0, 0] = 1.0
    left = (_residual_loss(W, x) - _residual_loss(W - h * E, x)) / h
    right = (_residual_loss(W + h * E, x) - _residual_loss(W, x)) / h
    Wt = torch.tensor(W, requires_grad=True)
    u = torch.relu(Wt @ torch.tensor(x))
    v = u + Wt @ u
    (0.5 * v @ v).backward()
    assert Wt.grad[0, 0].item() == pytest.approx(left, abs=1e-5)
    assert right - left > 0.1
