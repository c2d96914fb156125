"""What surrounds the differentiator of ``chapters/03_backprop/01_gradient_table``, and the
checks of its exercises.

The differentiator itself (the topological order, the backward sweep, the messages, the
naive recursion) is the student's. This module holds the rest:

- random graph *recipes* (a list of operations on earlier nodes) that can be evaluated
  by any implementation of the operations, so one graph can be built both with the
  notebook's differentiator and with torch (:func:`random_scalar_recipe`,
  :func:`random_matrix_recipe`, :func:`evaluate_recipe`, :data:`TORCH_OPS`);
- checks by properties: :func:`check_topological_order` (every node after its inputs,
  once, the output last) and :func:`check_gradients_on_recipes` (agreement with
  ``torch.autograd.grad`` on the same random graphs); :func:`count_backprop_calls` counts
  the messages a differentiator really computes on a graph;
- exact operation counts of memoised backprop and of naive path enumeration on a layered
  graph (:func:`layered_costs`), and a drawing of that graph (:func:`draw_layered_graph`).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection

from ..checks import check_array, check_true, passed, relative_error
from ..plotting import PALETTE, label
from ..validation import integer

SCALAR_UNARY: tuple[str, ...] = ("sin", "cos", "tanh", "exp")
SCALAR_BINARY: tuple[str, ...] = ("add", "sub", "mul")
MATRIX_UNARY: tuple[str, ...] = ("relu", "tanh", "transpose")
MATRIX_BINARY: tuple[str, ...] = ("add", "mul", "matmul")
"""The operations random recipes use (matrix recipes end with ``sum``)."""


@dataclass(frozen=True)
class Recipe:
    """A computational graph as a list of steps.

    Nodes ``0 .. len(input_shapes) - 1`` are the inputs (shape ``()`` for a scalar); step
    ``k`` applies the operation ``steps[k][0]`` to the nodes ``steps[k][1]`` and creates
    node ``len(input_shapes) + k``. The last node is the output.
    """

    input_shapes: tuple[tuple[int, ...], ...]
    steps: tuple[tuple[str, tuple[int, ...]], ...]


def random_scalar_recipe(n_inputs: int = 3, n_steps: int = 12, *, seed: int = 0) -> Recipe:
    """A random graph of scalar operations (:data:`SCALAR_UNARY`, :data:`SCALAR_BINARY`).

    Each step reads nodes chosen at random among the last five, so graphs are deep and
    nodes are shared (a node feeding several later ones is what makes backprop sum).
    """
    n_inputs = integer("n_inputs", n_inputs, minimum=1)
    n_steps = integer("n_steps", n_steps, minimum=1)
    rng = np.random.default_rng(seed)
    steps = []
    for k in range(n_steps):
        size = n_inputs + k
        recent = np.arange(max(0, size - 5), size)
        if rng.random() < 0.5:
            steps.append((str(rng.choice(SCALAR_BINARY)), tuple(int(i) for i in rng.choice(recent, 2))))
        else:
            steps.append((str(rng.choice(SCALAR_UNARY)), (int(rng.choice(recent)),)))
    return Recipe(input_shapes=((),) * n_inputs, steps=tuple(steps))


def _matrix_candidates(shapes: list[tuple[int, ...]], recent: range) -> list[tuple[str, tuple[int, ...]]]:
    options: list[tuple[str, tuple[int, ...]]] = []
    for i in recent:
        options += [(name, (i,)) for name in MATRIX_UNARY]
        for j in recent:
            if shapes[i] == shapes[j]:
                options += [("add", (i, j)), ("mul", (i, j))]
            if shapes[i][1] == shapes[j][0]:
                options.append(("matmul", (i, j)))
    return options


def random_matrix_recipe(n_inputs: int = 3, n_steps: int = 10, *, seed: int = 0) -> Recipe:
    """A random graph of matrix operations ending in ``sum`` (a scalar output).

    Inputs are matrices with sides 2 to 4; each step picks, among the last six nodes,
    an operation whose shapes fit (:data:`MATRIX_UNARY`, :data:`MATRIX_BINARY`).
    """
    n_inputs = integer("n_inputs", n_inputs, minimum=1)
    n_steps = integer("n_steps", n_steps, minimum=1)
    rng = np.random.default_rng(seed)
    sides = rng.integers(2, 5, size=n_inputs + 1)
    shapes = [(int(sides[k]), int(sides[k + 1])) for k in range(n_inputs)]
    inputs = tuple(shapes)
    steps = []
    for _ in range(n_steps):
        recent = range(max(0, len(shapes) - 6), len(shapes))
        options = _matrix_candidates(shapes, recent)
        binary = [o for o in options if len(o[1]) == 2]
        pool = binary if binary and rng.random() < 0.6 else options
        name, args = pool[int(rng.integers(len(pool)))]
        if name == "transpose":
            shape = shapes[args[0]][::-1]
        elif name == "matmul":
            shape = (shapes[args[0]][0], shapes[args[1]][1])
        else:
            shape = shapes[args[0]]
        steps.append((name, args))
        shapes.append(shape)
    steps.append(("sum", (len(shapes) - 1,)))
    return Recipe(input_shapes=inputs, steps=tuple(steps))


def random_inputs(recipe: Recipe, *, seed: int = 0) -> list[Any]:
    """Standard normal float64 inputs for ``recipe`` (Python floats for scalar inputs)."""
    rng = np.random.default_rng(seed)
    values: list[Any] = []
    for shape in recipe.input_shapes:
        values.append(float(rng.normal()) if shape == () else rng.normal(size=shape))
    return values


def evaluate_recipe(recipe: Recipe, inputs: Sequence[Any], ops: Mapping[str, Callable[..., Any]]) -> list[Any]:
    """Every node of ``recipe``, computed by ``ops[name](*args)``; the output is the last.

    ``ops`` maps each operation name to an implementation: the notebook's differentiator,
    or :data:`TORCH_OPS`.
    """
    if not isinstance(recipe, Recipe):
        raise TypeError(f"evaluate_recipe(): recipe must be a Recipe, got {type(recipe).__name__}")
    if len(inputs) != len(recipe.input_shapes):
        raise ValueError(
            f"evaluate_recipe(): the recipe has {len(recipe.input_shapes)} inputs, got {len(inputs)}"
        )
    missing = sorted({name for name, _ in recipe.steps} - set(ops))
    if missing:
        raise KeyError(f"evaluate_recipe(): ops lacks the operations {missing}")
    nodes = list(inputs)
    for name, args in recipe.steps:
        nodes.append(ops[name](*(nodes[i] for i in args)))
    return nodes


TORCH_OPS: dict[str, Callable[..., Any]] = {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "matmul": torch.matmul,
    "sin": torch.sin, "cos": torch.cos, "tanh": torch.tanh, "exp": torch.exp,
    "relu": torch.relu, "transpose": lambda a: a.T, "sum": torch.sum,
}
"""Every operation a recipe may use, implemented with torch (autograd differentiates them)."""


def torch_gradients(recipe: Recipe, inputs: Sequence[Any]) -> tuple[float, list[np.ndarray]]:
    """The output of ``recipe`` on ``inputs`` and the gradient of every input, by torch autograd
    in float64 (zeros for an input the output does not depend on)."""
    tensors = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in inputs]
    out = evaluate_recipe(recipe, tensors, TORCH_OPS)[-1]
    grads = torch.autograd.grad(out, tensors, allow_unused=True)
    return out.item(), [np.zeros(np.shape(v)) if g is None else g.numpy() for v, g in zip(inputs, grads)]


def describe(recipe: Recipe, *, most: int = 8) -> str:
    """The first ``most`` steps of ``recipe`` as text, e.g. ``x3 = mul(x0, x2); x4 = sin(x3)``."""
    first = len(recipe.input_shapes)
    steps = [f"x{first + k} = {name}({', '.join(f'x{i}' for i in args)})"
             for k, (name, args) in enumerate(recipe.steps[:most])]
    return "; ".join(steps) + ("; ..." if len(recipe.steps) > most else "")


def check_gradients_on_recipes(
    name: str,
    differentiate: Callable[[Recipe, list[Any]], tuple[Any, Sequence[Any]]],
    recipes: Sequence[Recipe],
    *,
    rtol: float = 1e-10,
    atol: float = 1e-12,
) -> float:
    """Assert ``differentiate(recipe, inputs)``, which returns the output's value and the
    gradient of every input, agrees with torch autograd on every recipe.

    The ``k``-th recipe gets the inputs ``random_inputs(recipe, seed=k)``. A failure names
    the graph, its first steps and the first wrong input. Returns the largest relative error.
    """
    if not callable(differentiate):
        raise TypeError(f"differentiate must be callable, got {type(differentiate).__name__}")
    worst = 0.0
    for k, recipe in enumerate(recipes):
        inputs = random_inputs(recipe, seed=k)
        value, grads = differentiate(recipe, inputs)
        want_value, want = torch_gradients(recipe, inputs)
        where = f"random graph {k} ({describe(recipe)})"
        check_array(f"the output of {where}", value, want_value, rtol=1e-12, quiet=True)
        check_true(len(grads) == len(want), f"{name} returned {len(grads)} gradients for the "
                                            f"{len(want)} inputs of {where}")
        for i, (got, expected) in enumerate(zip(grads, want)):
            check_array(f"{name}: the gradient of x{i} on {where}", got, expected,
                        rtol=rtol, atol=atol, quiet=True)
            worst = max(worst, relative_error(got, expected))
    passed(f"{name} agrees with torch autograd on {len(recipes)} random graphs "
           f"(largest relative error {worst:.1e}).")
    return worst


def check_topological_order(name: str, order: Any, z: Any, *, quiet: bool = False) -> None:
    """Assert ``order`` lists every node that ``z`` depends on exactly once, each after all of
    its inputs, and ``z`` last. Nodes are objects with an ``inputs`` tuple, told apart by identity."""
    if not isinstance(order, list):
        raise AssertionError(f"{name} should be a list of nodes, got {type(order).__name__}.")
    check_true(bool(order) and order[-1] is z,
               f"{name} should end with z itself; it ends with {order[-1] if order else 'nothing'!r}.")
    position: dict[int, int] = {}
    for k, v in enumerate(order):
        if id(v) in position:
            raise AssertionError(f"{name} lists {v!r} twice, at positions {position[id(v)]} and {k}: "
                                 "a node shared by several consumers must appear once.")
        position[id(v)] = k
    for k, v in enumerate(order):
        for u in getattr(v, "inputs", ()):
            if id(u) not in position:
                raise AssertionError(f"{name} misses {u!r}, an input of {v!r} (position {k}).")
            if position[id(u)] > k:
                raise AssertionError(f"{name} puts {v!r} at position {k}, before its input {u!r} at "
                                     f"position {position[id(u)]}: every node must come after its inputs.")
    read = {id(u) for v in order for u in getattr(v, "inputs", ())}
    unread = [v for v in order[:-1] if id(v) not in read]
    if unread:
        raise AssertionError(f"{name} holds {unread[0]!r}, which no node of the order reads: "
                             "z does not depend on it.")
    if not quiet:
        passed(f"{name}: all {len(order)} nodes, each once and after its inputs, z last.")


def count_backprop_calls(nodes: Sequence[Any]) -> Counter:
    """Count every call of ``op.backprop`` made from now on through ``nodes``.

    Each node's operation (a frozen dataclass with a ``backprop`` field, like the notebook's
    ``Op``) is replaced by a copy whose ``backprop`` adds one to ``counter["op.backprop"]``
    and then sends the same message; nodes without an operation (inputs) stay as they are.
    Returns the counter: what a differentiator really computed, whatever it reports.
    """
    counter: Counter = Counter()
    copies: dict[int, tuple[Any, Any]] = {}  # id -> (the op, kept alive so ids stay unique; its copy)
    for node in nodes:
        op = getattr(node, "op", None)
        if op is None:
            continue
        if not dataclasses.is_dataclass(op) or not hasattr(op, "backprop"):
            raise TypeError(f"count_backprop_calls(): the op of {node!r} must be a dataclass with a backprop field")
        if id(op) not in copies:
            def counted(*args: Any, _message: Callable[..., Any] = op.backprop, **kwargs: Any) -> Any:
                counter["op.backprop"] += 1
                return _message(*args, **kwargs)

            copies[id(op)] = (op, dataclasses.replace(op, backprop=counted))
        node.op = copies[id(op)][1]
    return counter


# ---------------------------------------------------------------- cost of backprop
def layered_widths(depth: int, width: int) -> list[int]:
    """Layer sizes of the layered graph: ``width`` inputs, ``depth - 1`` hidden layers, one output."""
    depth = integer("depth", depth, minimum=1)
    width = integer("width", width, minimum=1)
    return [width] * depth + [1]


@dataclass(frozen=True)
class LayeredCosts:
    """Exact operation counts on a layered graph in which every unit feeds every unit above."""

    edges: int
    """Edges of the graph: what memoised backprop calls ``op.backprop`` for, once each."""
    paths: int
    """Paths from some input to the output."""
    naive_calls: int
    """``op.backprop`` calls of naive (unmemoised) recursion for the gradient of every input."""


def layered_costs(widths: Sequence[int]) -> LayeredCosts:
    """Counts for layer sizes ``widths`` (inputs first, the single output last).

    Naive recursion computes ``dz/dv = sum over consumers c of backprop(c, v, dz/dc)`` and
    recomputes ``dz/dc`` every time, so its calls satisfy ``M(v) = sum_c (1 + M(c))``
    with ``M(z) = 0``; every unit of one layer has the same ``M``.
    """
    sizes = [integer(f"widths[{k}]", w, minimum=1) for k, w in enumerate(widths)]
    if len(sizes) < 2 or sizes[-1] != 1:
        raise ValueError(f"widths must list at least two layers and end with the single output 1, got {list(widths)}")
    edges = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    paths = int(np.prod(sizes, dtype=object))
    calls = 0  # M of a unit in the layer above the current one (the output: 0)
    for above in reversed(sizes[1:]):
        calls = above * (1 + calls)
    return LayeredCosts(edges=edges, paths=paths, naive_calls=sizes[0] * calls)


def draw_layered_graph(ax: Axes, widths: Sequence[int], *, title: str | None = None) -> Axes:
    """Draw the layered graph with layer sizes ``widths``: inputs at the left, output at the right."""
    costs = layered_costs(widths)
    positions = [np.linspace(-(w - 1) / 2, (w - 1) / 2, w) for w in widths]
    segments = [
        [(layer, a), (layer + 1, b)]
        for layer in range(len(widths) - 1)
        for a in positions[layer]
        for b in positions[layer + 1]
    ]
    ax.add_collection(LineCollection(segments, colors="0.6", linewidths=0.6, zorder=1))
    last = len(widths) - 1
    groups = [("inputs", [0], PALETTE[2]), ("hidden units", range(1, last), PALETTE[0]),
              ("output z", [last], PALETTE[3])]
    for name, layers, color in groups:
        xs = [layer for layer in layers for _ in positions[layer]]
        if xs:
            ys = np.concatenate([positions[layer] for layer in layers])
            ax.scatter(xs, ys, s=40, color=color, zorder=2, label=name)
    ax.set_xlim(-0.5, len(widths) - 0.5)
    top = max(widths) / 2 + 0.3
    ax.set_ylim(-top, top + 0.6)
    ax.set_yticks([])
    ax.set_xticks(range(len(widths)))
    ax.grid(False)
    label(ax, title=title or f"{costs.edges} edges, {costs.paths:,} input-to-output paths",
          xlabel="layer", ylabel="units")
    ax.legend(loc="upper left", ncol=3, fontsize=8)
    return ax
