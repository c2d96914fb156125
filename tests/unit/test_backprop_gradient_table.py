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


def test_paths_and_naive_calls_per_path_with_k_hidden_layers() -> None:
    """The notebook's statement: n_0 w^k paths, between one and three naive calls per path."""
    for k in range(1, 6):
        for w in (2, 4, 8, 16, 32):
            costs = gradient_table.layered_costs([2] + [w] * k + [1])
            assert costs.paths == 2 * w ** k
            assert costs.paths <= costs.naive_calls <= 3 * costs.paths


def test_edge_counts_of_layered_and_one_hidden_layer_graphs() -> None:
    for width in (2, 3, 4):
        for depth in range(1, 13):
            assert gradient_table.layered_costs(gradient_table.layered_widths(depth, width)).edges == \
                (depth - 1) * width ** 2 + width
    for n_h in (2, 4, 8, 16, 32):
        assert gradient_table.layered_costs([2, n_h, 1]).edges == 3 * n_h


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


# ---------------------------------------------------------------- the checks of the exercises
class _Node:
    """The least a node needs for check_topological_order: inputs, told apart by identity."""

    def __init__(self, name: str, *inputs: "_Node") -> None:
        self.name, self.inputs = name, inputs

    def __repr__(self) -> str:
        return self.name


def _diamond() -> tuple[list[_Node], _Node]:
    x = _Node("x")
    a, b = _Node("a", x), _Node("b", x)
    c = _Node("c", a)
    z = _Node("z", c, b, x)
    return [x, a, c, b, z], z


def test_check_topological_order_accepts_a_right_order(capsys: pytest.CaptureFixture[str]) -> None:
    order, z = _diamond()
    gradient_table.check_topological_order("order", order, z)
    assert "all 5 nodes" in capsys.readouterr().out
    gradient_table.check_topological_order("order", [order[0], order[3], order[1], order[2], z], z, quiet=True)


@pytest.mark.parametrize(("change", "says"), [
    (lambda o: o[::-1], "should end with z"),
    (lambda o: o[:1] + o, "twice"),
    (lambda o: o[1:], "misses x"),
    (lambda o: [o[1], o[0]] + o[2:], "puts a at position 0, before its input x"),
    (lambda o: [_Node("stray")] + o, "no node of the order reads"),
    (lambda o: tuple(o), "should be a list"),
])
def test_check_topological_order_names_what_is_wrong(change, says: str) -> None:
    order, z = _diamond()
    with pytest.raises(AssertionError, match=says):
        gradient_table.check_topological_order("order", change(order), z)


def _finite_differences(recipe: gradient_table.Recipe, inputs: list) -> tuple[float, list[np.ndarray]]:
    def output(k: int, v: np.ndarray) -> float:
        args = list(inputs)
        args[k] = v if np.ndim(inputs[k]) else float(v)
        return float(gradient_table.evaluate_recipe(recipe, args, NUMPY_OPS)[-1])

    value = float(gradient_table.evaluate_recipe(recipe, inputs, NUMPY_OPS)[-1])
    return value, [numerical_gradient(lambda v, k=k: output(k, v), x) for k, x in enumerate(inputs)]


def test_check_gradients_on_recipes_passes_right_gradients_and_names_the_wrong_graph() -> None:
    recipes = [gradient_table.random_scalar_recipe(3, 8, seed=s) for s in range(3)]
    worst = gradient_table.check_gradients_on_recipes("fd", _finite_differences, recipes, rtol=1e-6, atol=1e-8)
    assert 0 < worst < 1e-6

    def doubled(recipe, inputs):
        value, grads = _finite_differences(recipe, inputs)
        return value, [2 * g for g in grads]

    with pytest.raises(AssertionError, match=r"doubled: the gradient of x\d on random graph 0 \(x3 = "):
        gradient_table.check_gradients_on_recipes("doubled", doubled, recipes, rtol=1e-6, atol=1e-8)
    with pytest.raises(AssertionError, match="returned 2 gradients for the 3 inputs"):
        gradient_table.check_gradients_on_recipes(
            "short", lambda r, i: (_finite_differences(r, i)[0], _finite_differences(r, i)[1][:2]), recipes)
    with pytest.raises(TypeError, match="differentiate must be callable"):
        gradient_table.check_gradients_on_recipes("x", None, recipes)


def test_torch_gradients_gives_zeros_for_an_unused_input_and_describe_lists_steps() -> None:
    recipe = gradient_table.Recipe(input_shapes=((), ()), steps=(("sin", (0,)), ("mul", (2, 0))))
    value, grads = gradient_table.torch_gradients(recipe, [0.5, 2.0])
    assert value == pytest.approx(0.5 * np.sin(0.5))
    assert grads[0] == pytest.approx(np.sin(0.5) + 0.5 * np.cos(0.5)) and grads[1] == 0.0
    assert gradient_table.describe(recipe) == "x2 = sin(x0); x3 = mul(x2, x0)"
    assert gradient_table.describe(recipe, most=1) == "x2 = sin(x0); ..."


# ---------------------------------------------------------------- counting messages
def test_count_backprop_calls_counts_every_message_of_shared_ops_and_keeps_them() -> None:
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Op:
        name: str
        backprop: object

    class Node:
        def __init__(self, op=None):
            self.op = op

    double = Op("double", lambda inputs, i, G: 2 * G)
    nodes = [Node(), Node(double), Node(double)]  # one input, two nodes sharing one op
    counter = gradient_table.count_backprop_calls(nodes)
    assert nodes[0].op is None and nodes[1].op is nodes[2].op and nodes[1].op is not double
    assert [nodes[k].op.backprop([], 0, 3.0) for k in (1, 2, 1)] == [6.0, 6.0, 6.0]
    assert counter["op.backprop"] == 3 and nodes[1].op.name == "double"
    with pytest.raises(TypeError, match="must be a dataclass with a backprop field"):
        gradient_table.count_backprop_calls([Node(object())])
