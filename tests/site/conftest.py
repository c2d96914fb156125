"""Shared set-up of the website tests: a loud banner when the browser tests could not run."""

from __future__ import annotations

import pytest

from site_common import BROWSER_SKIPPED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not BROWSER_SKIPPED:
        return
    line = "!" * 78
    terminalreporter.write_line(line, red=True, bold=True)
    terminalreporter.write_line("THE BROWSER TESTS DID NOT RUN: " + BROWSER_SKIPPED[0], red=True, bold=True)
    terminalreporter.write_line(
        "The website's sliders, math, figures and links were NOT checked in a browser. "
        "Install Chromium (`apt-get install chromium`, as root: `make test` does it) and npm; "
        "CI must run them (with CI=true or DLBOOK_REQUIRE_BROWSER=1 set, a skip is a failure).",
        red=True,
    )
    terminalreporter.write_line(line, red=True, bold=True)
