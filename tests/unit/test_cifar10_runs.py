"""helpers.cifar10.runs: a run's record, its JSON file and its learning curves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from helpers.cifar10 import runs


def test_plot_history_draws_both_panels() -> None:
    history = runs.History(config={}, steps_per_epoch=1, evals=[
        {"epoch": e, "train_loss": 2.0 / e, "val_loss": 2.2 / e, "train_acc": 0.1 * e, "val_acc": 0.09 * e}
        for e in (1.0, 2.0)])
    fig = Figure()
    runs.plot_history(fig, {"a": history, "b": history}, title="t")
    left, right = fig.axes
    assert len(left.lines) == 4 and left.get_yscale() == "log" and left.get_legend() is not None
    assert right.get_title() == "Accuracy" and len(right.lines) == 5
    assert [text.get_text() for text in right.get_legend().get_texts()] == ["chance (10 classes)"]
    with pytest.raises(ValueError, match="at least one run"):
        runs.plot_history(Figure(), {})


def test_history_round_trip(tmp_path: Path) -> None:
    history = runs.History(config={"model": "resnet8"}, steps_per_epoch=2, lr=[0.1, 0.1], loss=[2.0, 1.0],
                         evals=[{"epoch": 1.0, "val_acc": 0.5}], train_seconds=1.5)
    path = history.to_json(tmp_path / "sub" / "run.json")
    loaded = runs.load_history(path)
    assert loaded == history
    epochs, acc = loaded.curve("val_acc")
    assert epochs.tolist() == [1.0] and acc.tolist() == [0.5]
    with pytest.raises(KeyError, match="no quantity 'val_loss'"):
        loaded.curve("val_loss")
    (tmp_path / "other.json").write_text(json.dumps({"format": "something"}))
    with pytest.raises(ValueError, match="not a run file"):
        runs.load_history(tmp_path / "other.json")
    with pytest.raises(FileNotFoundError, match="no run file"):
        runs.load_history(tmp_path / "missing.json")
