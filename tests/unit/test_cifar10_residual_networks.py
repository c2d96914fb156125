"""helpers.cifar10.residual_networks: fixed weights, layout checks, the description and diagram.

The models come from ``recipes.resnet`` (the GPU recipe's copy, which follows the layout
the notebook's students build: stem, stages, fc).
"""

from __future__ import annotations

import pytest
import torch
from matplotlib.figure import Figure
from torch import nn

from helpers.cifar10 import residual_networks as rn
from recipes.resnet import cifar_resnet, resnet18


def test_fill_deterministic_depends_on_names_and_shapes_only() -> None:
    torch.manual_seed(0)
    first = rn.fill_deterministic(cifar_resnet(1))
    torch.manual_seed(1)
    second = rn.fill_deterministic(cifar_resnet(1))
    for (name, a), (_, b) in zip(first.state_dict().items(), second.state_dict().items()):
        torch.testing.assert_close(a, b, msg=name)
    assert not first.training
    weights = [p for name, p in first.named_parameters() if name.endswith("conv1.weight")]
    assert not torch.equal(weights[0], weights[1]), "parameters of the same shape get different values"
    x = rn.pattern_input(2, 3, 8, 8)
    torch.testing.assert_close(first(x), second(x))
    scale = first.stem[1].weight
    assert (scale - 1).abs().max() <= 0.2 * 2 ** 0.5 + 1e-6


def test_pattern_input_and_summarise() -> None:
    x = rn.pattern_input(2, 3, 4, 5)
    assert x.shape == (2, 3, 4, 5) and x.dtype == torch.float32 and x.abs().max() <= 1
    torch.testing.assert_close(x, rn.pattern_input(2, 3, 4, 5))
    numbers = rn.summarise(x)
    assert numbers.shape == (3 + 3 + 5,)
    assert numbers[0] == pytest.approx(float(x[:, 0].mean()))
    with pytest.raises(ValueError, match=r"pattern_input\(\): shape\[1\] must be at least 1, got 0"):
        rn.pattern_input(2, 0)
    with pytest.raises(AssertionError, match=r"\(N, C, H, W\)"):
        rn.summarise(torch.zeros(2, 3))


def test_parameter_shapes_name_what_differs() -> None:
    block = nn.Sequential(nn.Conv2d(2, 3, 1, bias=False), nn.BatchNorm2d(3))
    rn.check_parameter_shapes("block", block, {"0.weight": (3, 2, 1, 1), "1.weight": (3,), "1.bias": (3,)})
    with pytest.raises(AssertionError, match=r"missing 2.weight; unexpected 1.bias; wrong shapes: 0.weight"):
        rn.check_parameter_shapes("block", block, {"0.weight": (3, 2, 3, 3), "1.weight": (3,), "2.weight": (1,)})


def test_layout_check_names_the_missing_part() -> None:
    rn.check_layout("ResNet-14", cifar_resnet(2), [2, 2, 2])
    with pytest.raises(AssertionError, match=r"should hold \[1, 1, 1\] blocks"):
        rn.check_layout("ResNet-14", cifar_resnet(2), [1, 1, 1])
    with pytest.raises(AssertionError, match="no module `stem`"):
        rn.check_layout("plain", nn.Sequential(nn.Linear(2, 2)), [1])


def test_describe_measures_shapes_counts_and_shortcuts() -> None:
    small = rn.describe(cifar_resnet(2))
    assert [r.shape for r in small.rows] == [(3, 32, 32), (16, 32, 32), (16, 32, 32), (32, 16, 16), (64, 8, 8),
                                            (64,), (10,)]
    assert small.weight_layers == 14 and small.params == rn.param_count(cifar_resnet(2))
    assert small.shortcuts == [["identity", "identity"], ["zero-pad", "identity"], ["zero-pad", "identity"]]
    big = rn.describe(resnet18(), pool="avg pool")
    assert big.rows[-2].name == "avg pool" and big.weight_layers == 18 and big.params == 11_173_962
    assert [kinds[0] for kinds in big.shortcuts] == ["identity", "1x1 conv", "1x1 conv", "1x1 conv"]
    with pytest.raises(TypeError, match="stem, stages and fc"):
        rn.describe(nn.Linear(2, 2))


def test_table_and_diagram_show_the_description() -> None:
    model = cifar_resnet(2)
    architecture = rn.describe(model)
    table = rn.format_stage_table(architecture)
    assert "[N, 64, 8, 8]" in table and f"{rn.param_count(model):,}" in table
    fig = Figure()
    rn.draw_architecture(fig, architecture, "ResNet-14")
    title = fig.axes[0].get_title()
    assert "14 weight layers" in title and f"{rn.param_count(model):,}" in title
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "[32, 16, 16]" in texts and "[64, 8, 8]" in texts
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["shortcut: identity", "shortcut: zero-pad"]
    with pytest.raises(TypeError, match="describe"):
        rn.draw_architecture(Figure(), model, "x")


def test_param_count_rejects_non_modules() -> None:
    assert rn.param_count(nn.Linear(3, 2)) == 8
    with pytest.raises(TypeError, match="torch.nn.Module"):
        rn.param_count([1, 2])
