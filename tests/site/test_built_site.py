"""The website that `make book` built: every page there, none too large, no errors shown.

The site is ``_build/html``, or the folder named by ``DLBOOK_SITE_DIR``.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from site_common import html_for, site_dir
from tools.exercises import marked_lines
from tools.toc import ROOT, pages

HTML = site_dir()
MAX_PAGE_BYTES = 5_000_000
PAGES = pages()


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    if not (HTML / "index.html").is_file():
        pytest.fail(f"no built website in {HTML}: run `make book` (or `make test`) first")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_built_small_and_without_errors(page: Path) -> None:
    target = html_for(page)
    assert target.is_file(), f"{page} has no page in the built site"
    size = target.stat().st_size
    assert size < MAX_PAGE_BYTES, f"{target.name} is {size / 1e6:.1f} MB (limit {MAX_PAGE_BYTES / 1e6:.0f} MB)"
    text = target.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" not in text
    assert 'class="output traceback' not in text


def test_largest_page_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    sizes = {p: html_for(p).stat().st_size for p in PAGES if html_for(p).is_file()}
    largest = max(sizes, key=sizes.__getitem__)
    with capsys.disabled():
        print(f"\nlargest page: {largest.relative_to(ROOT)} ({sizes[largest] / 1e6:.2f} MB)")


NOTEBOOK_PAGES = [p for p in PAGES if p.suffix == ".ipynb"]
CHECK_CODE = re.compile(r"\bcheck_\w+\(|\bwith\s+exercise\(")


@pytest.mark.parametrize("page", NOTEBOOK_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_reference_code_and_checks_only_in_collapsed_cells(page: Path) -> None:
    """A reader sees the lesson: solutions and the code of checks sit in collapsed cells
    (their results stay visible)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html_for(page).read_text(encoding="utf-8"), "html.parser")
    secret = marked_lines(nbformat.read(page, as_version=4))
    inputs = soup.select("div.cell_input")
    assert inputs, f"{page.name}: no code cells found in the page"
    for block in inputs:
        if block.find_parent("details") is not None:
            continue
        text = block.get_text()
        leaked = [line for line in secret if line in text]
        assert not leaked, f"{page.name}: reference solution shown in an open cell: {leaked[:2]}"
        assert not CHECK_CODE.search(text), f"{page.name}: a check's code is shown open:\n{text[:300]}"
