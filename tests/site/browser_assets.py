"""The files the built pages load from public CDNs, served offline from npm packages.

The website loads MathJax (Sphinx), require.js and the ipywidgets manager (myst-nb, on
pages with widget state) and thebe (sphinx-thebe, only when a reader clicks "Live code")
from CDNs. The browser tests answer those requests from the same versions' npm packages,
fetched once into ``.cache/npm`` with npm's own client::

    python tests/site/browser_assets.py [--site _build/html] [--cache .cache/npm]

fetches every package named by the installed Sphinx extensions' CDN URLs and by the
CDN URLs found in the built pages. :func:`local_file` maps a CDN URL to its file there.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "npm"

# cdnjs names some libraries differently from npm, and serves minified copies that the
# npm package ships unminified: cdnjs library -> (npm package, {cdnjs file: npm file}).
_CDNJS_TO_NPM = {"require.js": ("requirejs", {"require.min.js": "require.js"})}

_NPM_CDN = re.compile(
    r"^https://(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/"
    r"(?P<name>(?:@[\w.-]+/)?[\w.-]+)@(?P<version>[\w.^~-]+)/(?P<path>[^?#]*)"
)
_CDNJS = re.compile(
    r"^https://cdnjs\.cloudflare\.com/ajax/libs/(?P<lib>[\w.-]+)/(?P<version>[\w.-]+)/(?P<path>[^?#]*)"
)
CDN_URL = re.compile(r"https://(?:cdn\.jsdelivr\.net/npm|unpkg\.com|cdnjs\.cloudflare\.com/ajax/libs)/[^\"'\s<>)]+")


def npm_file(url: str) -> tuple[str, str, str] | None:
    """``(package, version, path in the package)`` for a CDN URL, or None for other URLs."""
    match = _NPM_CDN.match(url)
    if match:
        return match["name"], match["version"], match["path"]
    match = _CDNJS.match(url)
    if match and match["lib"] in _CDNJS_TO_NPM:
        name, renames = _CDNJS_TO_NPM[match["lib"]]
        return name, match["version"], renames.get(match["path"], match["path"])
    return None


def package_dir(name: str, version: str, cache: Path = CACHE) -> Path:
    """Where ``npm pack name@version`` is unpacked (the version as the URL spells it)."""
    return cache / f"{name.replace('/', '+')}@{version}"


def local_file(url: str, cache: Path = CACHE) -> Path | None:
    """The npm package's file that answers a CDN URL, or None if it is not in the cache."""
    found = npm_file(url)
    if found is None:
        return None
    name, version, path = found
    folder = package_dir(name, version, cache)
    target = (folder / path).resolve()
    if not target.is_relative_to(folder.resolve()) or not target.is_file():
        return None
    return target


def default_urls() -> list[str]:
    """The CDN URLs that the installed Sphinx extensions put into pages."""
    from myst_nb.core.config import ipywidgets_js_factory
    from sphinx.ext.mathjax import MATHJAX_URL
    from sphinx_thebe import THEBE_VERSION

    return [MATHJAX_URL, *ipywidgets_js_factory(),
            f"https://unpkg.com/thebe@{THEBE_VERSION}/lib/index.js"]


def site_urls(site: Path) -> set[str]:
    """Every CDN URL named in the built pages' HTML."""
    found: set[str] = set()
    for page in site.rglob("*.html"):
        found.update(CDN_URL.findall(page.read_text(encoding="utf-8", errors="replace")))
    return found


def fetch(urls: list[str], cache: Path = CACHE) -> list[str]:
    """``npm pack`` every package the URLs name into ``cache``; the problems, if any."""
    problems: list[str] = []
    npm = shutil.which("npm")
    wanted = sorted({f[:2] for f in map(npm_file, urls) if f is not None})
    for name, version in wanted:
        folder = package_dir(name, version, cache)
        if (folder / "package.json").is_file():
            continue
        if npm is None:
            problems.append(f"{name}@{version}: npm is not installed")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            result = subprocess.run(
                [npm, "pack", f"{name}@{version}", "--pack-destination", tmp, "--loglevel=error"],
                capture_output=True, text=True, timeout=300, cwd=tmp,
            )
            tarballs = list(Path(tmp).glob("*.tgz"))
            if result.returncode != 0 or len(tarballs) != 1:
                lines = [line.replace("npm error ", "") for line in result.stderr.splitlines()
                         if line.startswith("npm error") and " code " not in line
                         and "complete log" not in line]
                last = (lines or ["no tarball"])[0]
                problems.append(f"{name}@{version}: npm pack failed ({last})")
                continue
            unpacked = Path(tmp) / "unpacked"
            with tarfile.open(tarballs[0]) as archive:
                archive.extractall(unpacked, filter="data")
            folder.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(folder, ignore_errors=True)
            shutil.move(str(unpacked / "package"), folder)
        print(f"browser assets: {name}@{version} -> {folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html",
                        help="built website whose CDN URLs to fetch too (default _build/html)")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where the packages go")
    args = parser.parse_args(argv)
    urls = default_urls() + sorted(site_urls(args.site) if args.site.is_dir() else [])
    problems = fetch(urls, args.cache)
    for problem in problems:
        print(f"browser assets: not available: {problem}; the browser tests fail if a page "
              "loads it", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
