"""Binder installs the book's requirements.txt, with CPU-only torch wheels."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def requirement_lines(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def test_binder_installs_the_books_requirements_with_cpu_wheels() -> None:
    # repo2docker reads binder/ instead of the repository root when that folder exists
    lines = requirement_lines(ROOT / "binder" / "requirements.txt")
    assert sorted(lines) == ["--extra-index-url https://download.pytorch.org/whl/cpu",
                             "-r ../requirements.txt"]
    root = requirement_lines(ROOT / "requirements.txt")
    assert "-e ." in root, "the helpers package must be installed from the clone"
    names = {line.split(">")[0].split("!")[0].split("<")[0] for line in root}
    assert {"torch", "torchvision", "ipywidgets", "jupyterlab"} <= names
