"""Constraints on how an answer is written: no loops, no forbidden names (also under an alias)."""

from __future__ import annotations

import ast
import inspect
import textwrap
import types
from collections.abc import Callable, Iterable, Iterator
from typing import Any

_LOOPS = {
    ast.For: "for loop", ast.AsyncFor: "for loop", ast.While: "while loop",
    ast.ListComp: "list comprehension", ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension", ast.GeneratorExp: "generator expression",
}


def function_tree(name: str, function: Callable[..., Any]) -> ast.AST:
    """The syntax tree of ``function``'s source; an ``AssertionError`` if it cannot be read."""
    if not callable(function):
        raise AssertionError(f"{name} should be a function, got {type(function).__name__}.")
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError) as error:
        raise AssertionError(
            f"the source of {name} cannot be read ({error}): define it with `def` in a cell."
        ) from None
    return ast.parse(textwrap.dedent(source))


def read_variables(function: Callable[..., Any]) -> Iterator[tuple[str, Any]]:
    """(name as written, object) of every global or closure variable ``function`` (and the
    functions inside it) reads."""
    code = getattr(function, "__code__", None)
    if code is None:
        return
    scope: dict[str, Any] = dict(getattr(function, "__globals__", {}))
    for var, cell in zip(code.co_freevars, getattr(function, "__closure__", None) or ()):
        try:
            scope[var] = cell.cell_contents
        except ValueError:  # an empty cell
            continue
    names, codes = set(), [code]
    while codes:
        current = codes.pop()
        names |= set(current.co_names) | set(current.co_freevars)
        codes += [c for c in current.co_consts if isinstance(c, types.CodeType)]
    for written in sorted(names & set(scope)):
        yield written, scope[written]


def _real_names(function: Callable[..., Any]) -> Iterator[tuple[str, str]]:
    """(name as written, the object's own name) of every variable :func:`read_variables`
    finds under another name: ``s = np.linalg.lstsq`` read as ``s`` is ``lstsq``; a module
    ``torch.func`` is ``torch.func``."""
    for written, value in read_variables(function):
        real = getattr(value, "__name__", None)
        if isinstance(real, str) and real != written:
            yield written, real


def check_source(
    name: str,
    function: Callable[..., Any],
    *,
    forbid_loops: bool = False,
    forbid_names: Iterable[str] = (),
) -> None:
    """Assert the source of ``function`` keeps an exercise's constraints.

    ``forbid_loops`` rejects ``for``/``while`` loops and comprehensions; ``forbid_names``
    rejects any use of those names, as a variable or an attribute (``"lstsq"`` catches
    ``np.linalg.lstsq``), also under another name (``s = np.linalg.lstsq`` defined outside
    the function and called as ``s``; ``"func"`` catches ``torch.func`` imported as ``tf``,
    outside the function or inside it).
    """
    forbidden = set(forbid_names)
    for written, real in _real_names(function):
        hit = [part for part in real.split(".") if part in forbidden]
        if hit:
            raise AssertionError(
                f"{name} uses `{written}`, which is `{real}`: this exercise rules out `{hit[0]}`."
            )
    tree = function_tree(name, function)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if forbid_loops and type(node) in _LOOPS:
            raise AssertionError(
                f"{name} uses a {_LOOPS[type(node)]} (line {line} of the function): this "
                "exercise asks for it without loops, with array operations on whole arrays."
            )
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            named = [alias.name for alias in node.names]
            named += [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            hit = [part for module in named for part in module.split(".") if part in forbidden]
            if hit:
                raise AssertionError(
                    f"{name} imports `{hit[0]}` (line {line} of the function), which this exercise rules out."
                )
        used = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if used in forbidden:
            raise AssertionError(
                f"{name} uses `{used}` (line {line} of the function), which this exercise rules out."
            )
