"""The check of "by hand" exercises: an answer that must compute a gradient itself may not
import, or read, anything from the modules that would compute it for it.

:func:`check_source` rejects names written in the answer and aliases whose
object carries a forbidden name; a function imported from such a module under its own
name (``from torch.func import grad``), or an ``import`` inside the answer, keeps a
harmless-looking name, so :func:`check_by_hand` also looks at where every module,
function or object the answer reads comes from.
"""

from __future__ import annotations

import ast
import types
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .compare import passed
from .source import check_source, function_tree, read_variables

AUTODIFF = ("torch.autograd", "torch.func", "torch._functorch", "functorch")
"""The modules of torch's automatic differentiation."""

AUTODIFF_NAMES = ("autograd", "backward", "grad", "func", "functional", "vjp", "jvp", "jacrev", "jacfwd",
                  "jacobian", "hessian", "vmap", "requires_grad_", "retain_grad", "enable_grad",
                  "set_grad_enabled")
"""Names through which a torch answer reaches automatic differentiation."""

_IMPORTERS = ("__import__", "importlib", "import_module")


def _origin(value: Any) -> str:
    """The module ``value`` comes from: a module's own name, else its (or its type's) module."""
    if isinstance(value, types.ModuleType):
        return value.__name__
    module = getattr(value, "__module__", None)
    return module if isinstance(module, str) else type(value).__module__


def _imported(tree: ast.AST) -> Iterator[str]:
    """The modules the ``import`` statements in ``tree`` name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def _within(module: str, modules: Iterable[str]) -> str | None:
    return next((m for m in modules if module == m or module.startswith(m + ".")), None)


def check_by_hand(name: str, function: Callable[..., Any], *, modules: Iterable[str] = ("torch",),
                  names: Iterable[str] = ()) -> None:
    """Assert ``function`` neither imports nor reads anything from ``modules`` (each with its
    submodules) and uses none of ``names`` (:func:`check_source`, aliases
    included), nor ``__import__`` or ``importlib``."""
    modules = tuple(modules)
    check_source(name, function, forbid_names=[*names, *_IMPORTERS])
    for module in _imported(function_tree(name, function)):
        hit = _within(module, modules)
        if hit:
            raise AssertionError(f"{name} imports `{module}`: this exercise rules out `{hit}`, "
                                 "so that you compute the gradient by hand.")
    for written, value in read_variables(function):
        hit = _within(_origin(value), modules)
        if hit:
            raise AssertionError(f"{name} uses `{written}`, which comes from `{_origin(value)}`: this "
                                 f"exercise rules out `{hit}`, so that you compute the gradient by hand.")
    passed(f"{name} uses nothing that would compute the gradient for it.")
