"""helpers.resnet: shapes through every model, parameter counts, shortcuts, the diagram."""

from __future__ import annotations

import pytest
import torch
from matplotlib.figure import Figure
from torchinfo import summary

from helpers import resnet


@pytest.mark.parametrize("n", [1, 2, 3])
def test_cifar_resnet_shapes_stage_by_stage(n: int) -> None:
    model = resnet.cifar_resnet(n)
    assert model(torch.randn(4, 3, 32, 32)).shape == (4, 10)
    rows = resnet.stage_table(model)
    shapes = [r.shape for r in rows]
    assert shapes == [(3, 32, 32), (16, 32, 32), (16, 32, 32), (32, 16, 16), (64, 8, 8), (64,), (10,)]
    assert sum(r.layers for r in rows) == model.depth() == 6 * n + 2
    assert sum(r.params for r in rows) == resnet.param_count(model)


def test_resnet18_shapes_and_depth() -> None:
    model = resnet.resnet18()
    model.eval()
    with torch.no_grad():
        assert model(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    shapes = [r.shape for r in resnet.stage_table(model)]
    assert shapes == [(3, 32, 32), (64, 32, 32), (64, 32, 32), (128, 16, 16), (256, 8, 8),
                      (512, 4, 4), (512,), (10,)]
    assert model.depth() == 18


@pytest.mark.parametrize(("n", "expected"), [(1, 75_290), (3, 269_722), (5, 464_154), (9, 853_018),
                                             (18, 1_727_962)])
def test_cifar_parameter_counts(n: int, expected: int) -> None:
    # 97,216 n - 21,926: the closed form the chapter derives
    assert expected == 97_216 * n - 21_926
    assert resnet.cifar_resnet_param_formula(n) == expected
    assert resnet.param_count(resnet.cifar_resnet(n)) == expected


def test_resnet18_parameter_count_and_torchinfo_agree() -> None:
    model = resnet.resnet18()
    assert resnet.resnet18_param_formula() == resnet.param_count(model) == 11_173_962
    stats = summary(model, input_size=(1, 3, 32, 32), verbose=0)
    assert stats.total_params == 11_173_962
    small = summary(resnet.cifar_resnet(3), input_size=(1, 3, 32, 32), verbose=0)
    assert small.total_params == 269_722


def test_zero_pad_shortcut_subsamples_and_pads() -> None:
    x = torch.randn(2, 16, 8, 8)
    out = resnet.ZeroPadShortcut(16, 32, stride=2)(x)
    assert out.shape == (2, 32, 4, 4)
    torch.testing.assert_close(out[:, :16], x[:, :, ::2, ::2])
    assert torch.count_nonzero(out[:, 16:]) == 0


def test_a_block_with_silent_residual_branch_passes_nonnegative_input_through() -> None:
    block = resnet.BasicBlock(8, 8)
    torch.nn.init.zeros_(block.bn2.weight)
    x = torch.relu(torch.randn(3, 8, 6, 6))
    block.eval()
    torch.testing.assert_close(block(x), x)
    torch.nn.init.ones_(block.bn2.weight)
    assert not torch.allclose(block(x), x)


def test_build_model_names() -> None:
    assert resnet.build_model("resnet20").depth() == 20
    assert resnet.build_model("ResNet-8").depth() == 8
    assert resnet.build_model("resnet18").widths == resnet.RESNET18_WIDTHS


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: resnet.cifar_resnet(0), ValueError, "n must be at least 1"),
        (lambda: resnet.cifar_resnet(1.5), TypeError, "n must be an int"),
        (lambda: resnet.build_model("resnet21"), ValueError, "unknown model 'resnet21'"),
        (lambda: resnet.build_model(18), TypeError, "name must be a string"),
        (lambda: resnet.BasicBlock(4, 4, stride=3), ValueError, "stride must be 1 or 2"),
        (lambda: resnet.BasicBlock(4, 8, shortcut="C"), ValueError, "shortcut must be 'A' or 'B'"),
        (lambda: resnet.cifar_resnet(1)(torch.randn(2, 1, 32, 32)), ValueError, r"\(N, 3, H, W\)"),
        (lambda: resnet.stage_table(torch.nn.Linear(2, 2)), TypeError, "must be a ResNet"),
    ],
)
def test_bad_input_is_named(call, error, pattern) -> None:
    with pytest.raises(error, match=pattern):
        call()


def test_diagram_and_table_describe_the_model() -> None:
    model = resnet.cifar_resnet(2)
    fig = Figure()
    resnet.draw_architecture(fig, model, "ResNet-14")
    title = fig.axes[0].get_title()
    assert "14 weight layers" in title and f"{resnet.param_count(model):,}" in title
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "[32, 16, 16]" in texts and "[64, 8, 8]" in texts
    table = resnet.format_stage_table(resnet.stage_table(model))
    assert "[N, 64, 8, 8]" in table and f"{resnet.param_count(model):,}" in table
