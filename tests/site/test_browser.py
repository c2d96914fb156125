"""The website as readers see it: every page of ``_toc.yml`` in headless Chromium.

The built site (``_build/html``, or ``DLBOOK_SITE_DIR``) is served on a free
127.0.0.1 port. What the pages load from public CDNs (MathJax, require.js, the widget
manager) is answered from the same versions' npm packages in ``.cache/npm``
(``browser_assets.py`` fetches them); every other request that leaves the machine is
aborted and fails the test, so the test runs offline and proves the site needs nothing
else. For every page: no JavaScript errors, math rendered, every image loaded, the
Colab and Binder links open that page's notebook in the repository of ``_config.yml``,
every static slider changes its figure (screenshots in ``test-artifacts/site/``), and
solutions stay collapsed until opened.

Chromium: ``DLBOOK_CHROMIUM``, else ``chromium`` on PATH (Debian's package; Playwright
drives it, its own browser downloads are not used). Without Chromium, Playwright or the
npm assets the tests are skipped with a loud banner, or fail when ``CI`` or
``DLBOOK_REQUIRE_BROWSER=1`` is set.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from browser_assets import local_file
from site_common import BROWSER_SKIPPED, artifacts_dir, html_for, site_dir
from tools.toc import ROOT, pages

PAGES = pages()
CHROMIUM_ENV = "DLBOOK_CHROMIUM"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
TIMEOUT_MS = 10_000  # for one action or wait; pages are local, so anything slower is a bug


def _required() -> bool:
    return (os.environ.get("CI", "").lower() in {"1", "true", "yes"}
            or os.environ.get("DLBOOK_REQUIRE_BROWSER") == "1")


def _cannot_run(reason: str) -> None:
    """Skip loudly (conftest.py prints a banner), or fail where the browser tests must run."""
    if _required():
        pytest.fail(f"the browser tests must run here (CI / DLBOOK_REQUIRE_BROWSER) but {reason}")
    if reason not in BROWSER_SKIPPED:
        BROWSER_SKIPPED.append(reason)
    pytest.skip(f"BROWSER TESTS NOT RUN: {reason}")


def chromium_path() -> str | None:
    """The Chromium the tests drive."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return named
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


# ---------------------------------------------------------------------- the repository
def launch_links(page: Path) -> dict[str, str]:
    """The Colab and Binder addresses that open ``page``'s notebook, from ``_config.yml``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repository, buttons = config["repository"], config["launch_buttons"]
    org_repo = re.sub(r"^https://github\.com/|/$|\.git$", "", repository["url"])
    book = str(repository.get("path_to_book") or "").strip("/")
    path = "/".join(p for p in (book, page.relative_to(ROOT).as_posix()) if p)
    branch = repository.get("branch", "main")
    interface = "lab/tree/" if buttons.get("notebook_interface") == "jupyterlab" else "tree/"
    return {
        "Colab": f"{buttons['colab_url'].rstrip('/')}/github/{org_repo}/blob/{branch}/{path}",
        "Binder": f"{buttons['binderhub_url'].rstrip('/')}/v2/gh/{org_repo}/{branch}?urlpath={interface}{path}",
    }


# ---------------------------------------------------------------------- serving the site
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@dataclass
class Browser:
    chromium: Any
    base: str


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    site = site_dir()
    if not (site / "index.html").is_file():
        pytest.fail(f"no built website in {site}: run `make book` (or `make test`) first")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        _cannot_run("Playwright is not installed (it is in requirements-dev.txt)")
    executable = chromium_path()
    if executable is None or not Path(executable).exists():
        _cannot_run(f"no Chromium found (set {CHROMIUM_ENV}, or `apt-get install chromium`)")
    from sphinx.ext.mathjax import MATHJAX_URL

    if local_file(MATHJAX_URL) is None:
        _cannot_run("the CDN assets are not in .cache/npm (run `python tests/site/browser_assets.py`)")

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        except PlaywrightError as error:
            server.shutdown()
            _cannot_run(f"Chromium at {executable} does not start: {str(error).splitlines()[0]}")
        yield Browser(chromium, base)
        chromium.close()
    server.shutdown()
    server.server_close()


# ---------------------------------------------------------------------- one page
_WAIT_FOR_MATHJAX = """async () => {
  if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) return 'no MathJax';
  await MathJax.startup.promise;
  return 'typeset';
}"""


@dataclass
class Visit:
    """A page loaded in the browser, and what went wrong while it was open."""

    source: Path
    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    offline: list[str] = field(default_factory=list)  # external requests the test could not serve
    mathjax: str = ""


def _serve_from_npm(visit: Visit, route: Any) -> None:
    url = route.request.url
    path = local_file(url)
    if path is None:
        visit.offline.append(f"{route.request.resource_type} {url}")
        route.abort()
        return
    route.fulfill(path=str(path), headers={"Access-Control-Allow-Origin": "*"})


_CDN_SCRIPT = re.compile(r'<script[^>]*\ssrc="(?P<url>https://[^"]+)"[^>]*>')


def _serve_page(site: Path, base: str, route: Any) -> None:
    """The site's HTML as built, except for one thing the offline copies cannot match.

    A CDN's minified file (cdnjs's require.min.js) differs from the npm package's copy, so
    its ``integrity`` hash would block the offline copy: for such a script only, and only
    when the hashes differ, the attribute is dropped.
    """
    relative = route.request.url[len(base):].split("?", 1)[0].split("#", 1)[0]
    path = site / (relative or "index.html")
    if not path.is_file() or b"integrity=" not in path.read_bytes():
        route.fallback()
        return
    text = path.read_text(encoding="utf-8")

    def fix(match: re.Match[str]) -> str:
        tag = match.group(0)
        integrity = re.search(r'integrity="sha(256|384|512)-([^"]+)"', tag)
        served = local_file(match["url"])
        if integrity is None or served is None:
            return tag
        digest = hashlib.new(f"sha{integrity[1]}", served.read_bytes()).digest()
        if base64.b64encode(digest).decode() == integrity[2]:
            return tag
        return tag.replace(integrity[0], "")

    route.fulfill(body=_CDN_SCRIPT.sub(fix, text), content_type="text/html; charset=utf-8")


def _open(browser: Browser, source: Path) -> Visit:
    """Start loading a page in a fresh context (a reader's first visit); returns at once."""
    context = browser.chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    url = browser.base + html_for(source).relative_to(site_dir()).as_posix()
    current = Visit(source, page, url)
    page.route(re.compile(r"^(?!" + re.escape(browser.base) + ")"),
               functools.partial(_serve_from_npm, current))
    page.route(re.compile("^" + re.escape(browser.base) + r".*\.html(\?.*)?$"),
               functools.partial(_serve_page, site_dir(), browser.base))
    page.on("console", lambda m: m.type == "error" and current.errors.append(
        f"console error: {m.text} (at {m.location.get('url', '?')}:{m.location.get('lineNumber', '?')})"))
    page.on("pageerror", lambda e: current.errors.append(f"uncaught exception: {e}"))
    page.on("response", lambda r: r.status >= 400 and current.errors.append(
        f"HTTP {r.status} for {r.url}"))
    page.evaluate("(url) => { window.location.href = url; }", url)
    return current


@pytest.fixture(scope="session")
def opened(browser: Browser) -> Iterator[dict[Path, Visit]]:
    """Pages already loading: the next page loads while the tests look at this one."""
    waiting: dict[Path, Visit] = {}
    yield waiting
    for early in waiting.values():
        early.page.context.close()


@pytest.fixture(scope="module", params=PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def visit(request: pytest.FixtureRequest, browser: Browser, opened: dict[Path, Visit]) -> Iterator[Visit]:
    source: Path = request.param
    if not html_for(source).is_file():
        pytest.fail(f"{source.relative_to(ROOT)} has no page in the built site ({html_for(source)})")
    current = opened.pop(source, None) or _open(browser, source)
    selected = list(dict.fromkeys(
        item.callspec.params["visit"] for item in request.session.items
        if hasattr(item, "callspec") and "visit" in item.callspec.params))
    later = selected[selected.index(source) + 1:] if source in selected else []
    if later and later[0] not in opened and html_for(later[0]).is_file():
        opened[later[0]] = _open(browser, later[0])
    current.page.wait_for_url(current.url, wait_until="load", timeout=3 * TIMEOUT_MS)
    current.mathjax = current.page.evaluate(_WAIT_FOR_MATHJAX)
    yield current
    current.page.context.close()


def _short(text: str, n: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------------- the checks
_IMAGES = """async () => {
  const images = Array.from(document.querySelectorAll('img'));
  images.forEach((img) => { if (img.loading === 'lazy') img.loading = 'eager'; });
  const settled = (img) => img.complete ? Promise.resolve() : new Promise((done) => {
    img.addEventListener('load', done); img.addEventListener('error', done);
  });
  await Promise.race([Promise.all(images.map(settled)), new Promise((done) => setTimeout(done, 8000))]);
  return images.filter((img) => !(img.complete && img.naturalWidth > 0))
               .map((img) => (img.getAttribute('src') || '(no src)').slice(0, 120));
}"""


def test_every_image_loads(visit: Visit) -> None:
    broken = visit.page.evaluate(_IMAGES)
    assert not broken, f"{len(broken)} image(s) did not load: {broken}"


_MATH = r"""() => {
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight';
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const delimiters = /\$\$|\\\[|\\\]|\\\(|\\\)|\\begin\{/;
  const inlineDollars = /(^|[^\\$\w])\$[^\s$](?:[^$]*[^\s$\\])?\$(?![\w$])/;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    if (delimiters.test(node.textContent) || inlineDollars.test(node.textContent)) {
      raw.push(node.textContent.trim().slice(0, 120));
    }
  }
  return {
    sources: document.querySelectorAll('.math').length,
    rendered: document.querySelectorAll('mjx-container').length,
    unrendered: Array.from(document.querySelectorAll('.math'))
      .filter((el) => !el.querySelector('mjx-container')).map((el) => el.textContent.trim().slice(0, 80)),
    // TeX errors: MathJax shows them as <merror>, and undefined macros as red text.
    errors: (window.MathJax && MathJax.startup && MathJax.startup.document && MathJax.startup.toMML)
      ? Array.from(MathJax.startup.document.math)
          .filter((item) => /<merror|<mtext mathcolor="red">\\/.test(MathJax.startup.toMML(item.root)))
          .map((item) => item.math)
      : Array.from(document.querySelectorAll('mjx-merror')).map((el) => el.textContent),
    raw: raw,
  };
}"""


def test_math_renders(visit: Visit) -> None:
    math = visit.page.evaluate(_MATH)
    if math["sources"]:
        assert visit.mathjax == "typeset", f"the page has math but MathJax did not run ({visit.mathjax})"
        assert math["rendered"] >= math["sources"], (
            f"MathJax rendered {math['rendered']} of {math['sources']} formulas")
    assert not math["unrendered"], f"formulas left as TeX: {math['unrendered'][:5]}"
    assert not math["errors"], f"MathJax errors (bad TeX): {math['errors'][:5]}"
    assert not math["raw"], f"raw TeX delimiters in the page's text: {math['raw'][:5]}"


def test_launch_links_open_this_notebook(visit: Visit) -> None:
    expected = launch_links(visit.source)
    page = visit.page
    found = {
        kind: page.eval_on_selector_all(
            f'a[href^="{href.split("/github/")[0] if kind == "Colab" else href.split("/v2/")[0]}"]',
            "links => links.map((a) => a.getAttribute('href'))")
        for kind, href in expected.items()
    }
    if visit.source.suffix != ".ipynb":
        assert not any(found.values()), f"a page without a notebook has launch links: {found}"
        return
    for kind, href in expected.items():
        assert found[kind] == [href], f"{kind} link is {found[kind]}, expected [{href}]"
        relative = href.split("/blob/", 1)[-1].split("/", 1)[-1] if kind == "Colab" else \
            href.split("urlpath=", 1)[1].split("tree/", 1)[1]
        assert (ROOT / relative).is_file(), f"{kind} link names {relative}, which is not in the repository"
    # A reader finds them in the launch menu of the header.
    page.locator(".dropdown-launch-buttons > button").click()
    for href in expected.values():
        link = page.locator(f'a[href="{href}"]')
        link.wait_for(state="visible")
    page.keyboard.press("Escape")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:40] or "slider"


# One figure's state, read in one round trip: what the reader sees beside each slider.
_FIGURE_STATE = """(figure) => {
  const spec = JSON.parse(figure.querySelector('script[type="application/json"]').textContent);
  const img = figure.querySelector('img');
  const note = figure.querySelector('.slider-figure-note');
  return {
    names: spec.names,
    values: spec.values,
    stored: spec.frames.length,
    positions: spec.positions,
    note: note && note.checkVisibility() ? note.textContent : null,
    src: img.getAttribute('src'),
    sliders: Array.from(figure.querySelectorAll('input[type="range"]')).map((input, k) => {
      const label = document.querySelector(`label[for="${CSS.escape(input.id)}"]`);
      const output = figure.querySelectorAll('output')[k];
      return {
        position: parseInt(input.value, 10), max: parseInt(input.max, 10),
        label: label ? label.textContent : null,
        shown: output ? output.textContent : null,
        valuetext: input.getAttribute('aria-valuetext'),
      };
    }),
  };
}"""

# Sets slider k to each position in turn (as a drag would); the positions whose frame differs.
_POSITIONS_THAT_CHANGE = """(figure, [k, start]) => {
  const input = figure.querySelectorAll('input[type="range"]')[k];
  const img = figure.querySelector('img');
  const set = (v) => { input.value = v; input.dispatchEvent(new Event('input', {bubbles: true})); };
  set(start);
  const first = img.getAttribute('src');
  const changed = [];
  for (let v = 0; v <= parseInt(input.max, 10); v++) { set(v); if (img.getAttribute('src') !== first) changed.push(v); }
  set(start);
  return changed;
}"""


def test_sliders_move_the_figure(visit: Visit) -> None:
    """Each slider of each static figure moves with the arrow keys, shows its value and
    changes the figure; screenshots before and after go to test-artifacts/site/."""
    page = visit.page
    live = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    assert live == 0, (
        f"{live} ipywidgets on the page: without a kernel they do not respond. Make interactive "
        "figures with helpers.sliders.slider_figure, which precomputes them for the website")
    figures = page.locator(".slider-figure")
    if figures.count() == 0:
        return
    folder = artifacts_dir() / "site" / _slug(visit.source.relative_to(ROOT).with_suffix("").as_posix().replace("/", "__"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    problems: list[str] = []
    for f in range(figures.count()):
        figure = figures.nth(f)
        state = figure.evaluate(_FIGURE_STATE)
        if len(state["sliders"]) != len(state["names"]):
            problems.append(f"figure {f + 1}: {len(state['sliders'])} sliders shown for "
                            f"{len(state['names'])} (did its script run?)")
            continue
        if (state["positions"] or 0) > state["stored"] and f"{state['stored']} of the {state['positions']}" not in (state["note"] or ""):
            problems.append(f"figure {f + 1}: stores {state['stored']} of {state['positions']} positions "
                            "but does not say so under the figure")
        figure.screenshot(path=folder / f"figure-{f + 1}-before.png")
        for k, name in enumerate(state["names"]):
            what = f"figure {f + 1}, slider {name!r}"
            slider, start = state["sliders"][k], state["sliders"][k]["position"]
            if slider["label"] != name:
                problems.append(f"{what}: its <label> reads {slider['label']!r}")
            if slider["shown"] != state["values"][k][start]:
                problems.append(f"{what}: shows {slider['shown']!r} at first, expected {state['values'][k][start]!r}")
            elif slider["valuetext"] != slider["shown"]:
                problems.append(f"{what}: aria-valuetext is {slider['valuetext']!r}, not the value shown")
            if slider["max"] == 0:
                continue  # a slider with a single value cannot move
            key, back = ("ArrowRight", "ArrowLeft") if start < slider["max"] else ("ArrowLeft", "ArrowRight")
            handle = figure.locator('input[type="range"]').nth(k)
            handle.press(key)
            after = figure.evaluate(_FIGURE_STATE)
            moved = after["sliders"][k]
            position = moved["position"]
            if position == start:
                problems.append(f"{what}: the {key} key does not move it")
                continue
            if moved["shown"] != state["values"][k][position] or moved["valuetext"] != moved["shown"]:
                problems.append(f"{what}: shows {moved['shown']!r} (aria-valuetext {moved['valuetext']!r}) "
                                f"at position {position}, expected {state['values'][k][position]!r}")
            if figure.locator("img").evaluate("(img) => img.decode().then(() => img.naturalWidth)") <= 0:
                problems.append(f"{what}: the frame at position {position} does not decode")
            if after["src"] == state["src"] and not figure.evaluate(_POSITIONS_THAT_CHANGE, [k, position]):
                problems.append(f"{what}: no position of this slider changes the figure")
            figure.screenshot(path=folder / f"figure-{f + 1}-{k + 1}-{_slug(name)}-after.png")
            handle.press(back)
            if figure.evaluate(_FIGURE_STATE)["src"] != state["src"]:
                problems.append(f"{what}: moving it back does not restore the first figure")
    # The same controls on a phone: nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        problems += figures.evaluate_all("""(figures) => {
          const width = document.documentElement.clientWidth;
          return figures.flatMap((fig, f) => Array.from(fig.querySelectorAll('img, input, output, label'))
            .filter((el) => el.getBoundingClientRect().width > width)
            .map((el) => `figure ${f + 1}: a ${el.tagName.toLowerCase()} is wider than a ${width}px phone screen`));
        }""")
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    assert not problems, "static sliders do not work:\n" + "\n".join(problems)


# Every solution, hidden at first and shown once its header is clicked.
_SOLUTIONS = r"""() => {
  const problems = [];
  const title = (el) => (el.querySelector(':scope > .admonition-title') || {}).textContent || '';
  document.querySelectorAll('.admonition:not(.dropdown)').forEach((el) => {
    if (/^\s*solution/i.test(title(el))) problems.push(`solution admonition "${title(el).trim()}" is not a dropdown`);
  });
  document.querySelectorAll('.cell:not(.tag_hide-input) .cell_input').forEach((el) => {
    if (el.textContent.includes('### BEGIN SOLUTION')) problems.push('a solution code cell is not hidden (tag hide-input)');
  });
  const shown = (el) => el.checkVisibility() && el.getBoundingClientRect().height > 0;
  document.querySelectorAll('.cell.tag_hide-input').forEach((cell, i) => {
    const details = cell.querySelector('details'), source = cell.querySelector('.cell_input');
    if (!details || !source) { problems.push(`hidden code cell ${i + 1} has no collapsible source`); return; }
    if (details.open || shown(source)) { problems.push(`hidden code cell ${i + 1} is shown before it is opened`); return; }
    details.querySelector('summary').click();
    if (!shown(source)) problems.push(`hidden code cell ${i + 1} does not open when clicked`);
  });
  document.querySelectorAll('.admonition.dropdown').forEach((el, i) => {
    const body = el.querySelector(':scope > :not(.admonition-title)');
    const header = el.querySelector(':scope > .admonition-title');
    const what = `dropdown ${i + 1} ("${title(el).trim().slice(0, 40)}")`;
    if (!body || !header) return;
    if (shown(body)) { problems.push(`${what} is open before it is clicked`); return; }
    header.click();
    if (!shown(body)) problems.push(`${what} does not open when clicked`);
  });
  return problems;
}"""


def test_solutions_collapsed_until_opened(visit: Visit) -> None:
    page = visit.page
    problems = page.evaluate(_SOLUTIONS)
    # One of each, opened as a reader does (a real mouse click on the header).
    for selector, header, body in ((".cell.tag_hide-input", "summary", ".cell_input"),
                                   (".admonition.dropdown", ".admonition-title", ":scope > :not(.admonition-title)")):
        block = page.locator(selector).first
        if block.count() and not problems:
            block.locator(header).first.click()  # closes what the script above opened
            block.locator(header).first.click()
            if not block.locator(body).first.is_visible():
                problems.append(f"the first {selector} does not open on a mouse click")
    assert not problems, "\n".join(problems)


KNOWN_CAUSES = {
    "Identifier 'THEBE_JS_URL' has already been declared":
        "Sphinx 7.4 writes sphinx-thebe's inline configuration script twice (an asset added after "
        "the builder starts is listed once with filename None and once with ''); a Sphinx "
        "extension that drops the repeated <script> on html-page-context fixes it",
    "Got invalid theme mode: .":
        "pydata-sphinx-theme needs a default colour mode: set html_context: {default_mode: light} "
        "under sphinx: config: in _config.yml",
}


def test_no_javascript_errors_and_nothing_from_the_internet(visit: Visit) -> None:
    """Runs last on each page, so it also covers what the clicks and key presses above did."""
    assert not visit.offline, (
        "the page loads files from the internet that the test cannot serve offline "
        "(add their npm package to tests/site/browser_assets.py): " + "; ".join(visit.offline))
    hints = [f"  ({cause}: {why})" for cause, why in KNOWN_CAUSES.items()
             if any(cause in error for error in visit.errors)]
    assert not visit.errors, "JavaScript errors:\n" + "\n".join(
        [_short(e, 300) for e in visit.errors] + hints)
