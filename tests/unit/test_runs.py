"""helpers.runs: a run's record, its JSON file and its learning curves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from helpers import runs


def test_history_records_epochs_and_reports_the_gap() -> None:
    history = runs.History()
    with pytest.raises(ValueError, match="no epoch recorded"):
        history.gap
    history.append(1.5, 0.6, 0.4)
    history.append(1.0, 0.9, 0.5)
    assert history.train_loss == [1.5, 1.0] and history.gap == pytest.approx(0.4)
    assert history.train_accuracy == [0.6, 0.9] and history.val_accuracy == [0.4, 0.5]
    assert history.curve("train_loss")[0].tolist() == [1.0, 2.0] and history.loss == []
    with pytest.raises(ValueError, match="val_accuracy must be a fraction"):
        history.append(1.0, 0.9, 55.0)


def test_plot_history_draws_both_panels() -> None:
    history = runs.History(config={}, steps_per_epoch=1, evals=[
        {"epoch": e, "train_loss": 2.0 / e, "val_loss": 2.2 / e, "train_acc": 0.1 * e, "val_acc": 0.09 * e}
        for e in (1.0, 2.0)])
    fig = Figure()
    runs.plot_history(fig, {"a": history, "b": history}, title="t")
    left, right = fig.axes
    assert len(left.lines) == 4 and left.get_yscale() == "log" and left.get_legend() is not None
    assert left.get_legend().get_texts()[1].get_text() == "a, validation"
    assert right.get_title() == "Accuracy" and len(right.lines) == 5
    assert [text.get_text() for text in right.get_legend().get_texts()] == ["chance (10 classes)"]
    with pytest.raises(ValueError, match="at least one run"):
        runs.plot_history(Figure(), {})
    with pytest.raises(ValueError, match="recorded evaluations"):
        runs.plot_history(Figure(), {"empty": runs.History()})


def test_plot_history_simple_style_labels_epoch_records() -> None:
    history = runs.History()
    history.append(2.0, 0.3, 0.3)
    history.append(1.0, 0.6, 0.4)
    fig = Figure()
    runs.plot_history(fig, {"run": history}, style=runs.SIMPLE_CURVES)
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_ylabel() == "cross-entropy" and loss_ax.get_yscale() == "linear"
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["run"]
    assert [t.get_text() for t in acc_ax.get_legend().get_texts()] == ["run: training", "run: validation"]
    assert acc_ax.get_ylabel() == "fraction correct" and len(acc_ax.lines) == 2


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
