"""helpers.checks.check_by_hand: an answer "by hand" may not reach torch or its autograd, however named."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.autograd import grad as renamed_grad
from torch.func import vmap

from helpers.checks import AUTODIFF, AUTODIFF_NAMES, check_by_hand

TENSOR = torch.zeros(3)


def by_hand(x):
    with torch.no_grad():
        return np.maximum(torch.relu(torch.as_tensor(x)).numpy(), 0.0)


def numpy_only(x):
    return np.maximum(x, 0.0)


def reads_torch(x):
    return torch.tensor(x)


def reads_a_tensor(x):
    return TENSOR + x


def imports_inside(x):
    from torch.func import jacrev

    return jacrev(x)


def imports_a_module_inside(x):
    import torch.autograd as ag

    return ag


def under_its_own_name(f):
    return vmap(f)


def renamed(y, x):
    return renamed_grad(y, x)


def attribute_chain(y):
    y.backward()


def dynamic_import(x):
    return __import__("torch")


def test_numpy_answers_pass(capsys: pytest.CaptureFixture[str]) -> None:
    check_by_hand("numpy_only", numpy_only)
    check_by_hand("by_hand", by_hand, modules=AUTODIFF, names=AUTODIFF_NAMES)  # torch, but no autograd
    assert capsys.readouterr().out.count("uses nothing that would compute the gradient") == 2


@pytest.mark.parametrize("function,modules,says", [
    (reads_torch, ("torch",), "which comes from `torch`"),
    (reads_a_tensor, ("torch",), "`TENSOR`"),
    (imports_inside, ("torch",), "imports `torch.func`"),
    (imports_a_module_inside, AUTODIFF, "imports `torch.autograd`"),
    (under_its_own_name, AUTODIFF, "`vmap`, which comes from `torch"),
    (renamed, AUTODIFF, "`renamed_grad`, which comes from `torch.autograd`"),
    (dynamic_import, ("torch",), "__import__"),
])
def test_ways_around_are_caught(function, modules, says) -> None:
    with pytest.raises(AssertionError, match="rules out") as caught:
        check_by_hand(function.__name__, function, modules=modules)
    assert says in str(caught.value)


def test_names_are_forbidden_too() -> None:
    with pytest.raises(AssertionError, match="`backward`"):
        check_by_hand("attribute_chain", attribute_chain, modules=AUTODIFF, names=AUTODIFF_NAMES)
    check_by_hand("attribute_chain", attribute_chain, modules=AUTODIFF)  # without the names it passes


def test_a_function_without_source_is_refused() -> None:
    with pytest.raises(AssertionError, match="should be a function"):
        check_by_hand("numbers", 3)  # type: ignore[arg-type]
