"""helpers.cifar10.gpu_run: a stored GPU measurement, labelled, and what it implies."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.cifar10 import gpu_run
from helpers.runs import History

LABEL = {"device": "GPU X", "software": "torch", "date": "2026-12-04", "data": "mini", "command": "run"}


def a_run(seconds: list[float], batch: int = 500, steps: int = 10, epochs: int | None = None) -> History:
    elapsed = [sum(seconds[:k + 1]) for k in range(len(seconds))]
    return History(config={"batch_size": batch, "epochs": epochs or len(seconds)}, steps_per_epoch=steps,
                   evals=[{"epoch": k + 1.0, "step": (k + 1) * steps, "train_seconds": t}
                          for k, t in enumerate(elapsed)],
                   train_seconds=elapsed[-1], final={"val_acc": 0.5})


def test_implied_times_for_the_full_data_set() -> None:
    run = gpu_run.implied(a_run([9.0, 1.0, 1.0, 1.0], epochs=26))  # 5,000 images a second
    assert run.images_per_second == pytest.approx(5_000)
    assert run.epoch_seconds == pytest.approx(10.0)
    assert run.full_run_seconds == pytest.approx(260.0)
    assert run.train_seconds == pytest.approx(12.0) and run.accuracy == 0.5
    with pytest.raises(ValueError, match="at least two epochs"):
        gpu_run.implied(a_run([3.0]))


def test_store_and_load(tmp_path: Path) -> None:
    path = gpu_run.store_gpu_measurement(tmp_path, {"a.json": a_run([2.0, 1.0, 1.0])}, **LABEL)
    assert path.name == gpu_run.LABEL_FILE
    measurement = gpu_run.load_gpu_measurement(tmp_path)
    assert measurement is not None and measurement.label == LABEL
    assert measurement.stored_summary == measurement.summary()
    assert gpu_run.load_gpu_measurement(tmp_path / "none") is None
    with pytest.raises(ValueError, match=r"missing \['date'\]"):
        gpu_run.store_gpu_measurement(tmp_path, {}, **{**LABEL, "date": ""})
    (tmp_path / gpu_run.LABEL_FILE).write_text('{"device": "x"}', encoding="utf-8")
    with pytest.raises(ValueError, match="lacks"):
        gpu_run.load_gpu_measurement(tmp_path)


def test_the_chapters_stored_measurement_is_labelled_and_consistent() -> None:
    measurement = gpu_run.load_gpu_measurement()
    assert measurement is not None, "the chapter's GPU measurement is missing"
    assert "H200" in measurement.label["device"] and "5,170" in measurement.label["data"]
    for name, stored in measurement.stored_summary.items():
        assert stored == pytest.approx(measurement.summary()[name]), name
        run = measurement.runs[name]
        assert run.info["device"] == "NVIDIA H200" and "cifar10-mini.npz" in run.info["data"]
        assert run.config["model"] == "resnet18" and run.config["epochs"] == 26


def test_the_measurement_ships_with_the_package() -> None:
    """A notebook opened alone (Colab) finds it: it is package data of an installed wheel."""
    import subprocess
    import sys
    import zipfile

    from tools.toc import ROOT

    out = Path(__file__).parent / "_wheel"  # under tests/, removed below
    try:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
                        str(ROOT)], check=True, capture_output=True, timeout=300)
        names = zipfile.ZipFile(next(out.glob("*.whl"))).namelist()
    finally:
        import shutil

        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(ROOT / "build", ignore_errors=True)
    assert "helpers/cifar10/data/gpu_measurement.json" in names
    assert "helpers/cifar10/data/resnet18_h200_mini_seed0.json" in names
