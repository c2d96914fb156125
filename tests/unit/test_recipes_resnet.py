"""recipes.resnet: shapes through every model, parameter counts, shortcuts, names."""

from __future__ import annotations

import pytest
import torch
from torchinfo import summary

from helpers.cifar10.residual_networks import describe
from recipes import resnet


@pytest.mark.parametrize("n", [1, 2, 3])
def test_cifar_resnet_shapes_stage_by_stage(n: int) -> None:
    model = resnet.cifar_resnet(n)
    assert model(torch.randn(4, 3, 32, 32)).shape == (4, 10)
    architecture = describe(model)
    shapes = [r.shape for r in architecture.rows]
    assert shapes == [(3, 32, 32), (16, 32, 32), (16, 32, 32), (32, 16, 16), (64, 8, 8), (64,), (10,)]
    assert architecture.weight_layers == model.depth() == 6 * n + 2
    assert architecture.params == resnet.param_count(model)


def test_resnet18_shapes_and_depth() -> None:
    model = resnet.resnet18()
    model.eval()
    with torch.no_grad():
        assert model(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    shapes = [r.shape for r in describe(model).rows]
    assert shapes == [(3, 32, 32), (64, 32, 32), (64, 32, 32), (128, 16, 16), (256, 8, 8),
                      (512, 4, 4), (512,), (10,)]
    assert model.depth() == 18


@pytest.mark.parametrize(("n", "expected"), [(1, 75_290), (3, 269_722), (5, 464_154), (9, 853_018),
                                             (18, 1_727_962)])
def test_cifar_parameter_counts(n: int, expected: int) -> None:
    assert resnet.param_count(resnet.cifar_resnet(n)) == expected


def test_resnet18_parameter_count_and_torchinfo_agree() -> None:
    model = resnet.resnet18()
    assert resnet.param_count(model) == 11_173_962
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
        (lambda: resnet.BasicBlock(4, 4, stride=3), ValueError, r"BasicBlock: stride must be one of \[1, 2\], got 3"),
        (lambda: resnet.BasicBlock(4, 8, shortcut="C"), ValueError, r"BasicBlock: shortcut must be one of \['A', 'B'\], got 'C'"),
        (lambda: resnet.cifar_resnet(1)(torch.randn(2, 1, 32, 32)), ValueError, r"\(N, 3, H, W\)"),
    ],
)
def test_bad_input_is_named(call, error, pattern) -> None:
    with pytest.raises(error, match=pattern):
        call()
