"""A local Sphinx extension that works around an upstream bug of the book's theme stack.

Sphinx 7.4 writes sphinx-thebe's inline script into every page twice, and the second copy
throws ``Identifier 'THEBE_JS_URL' has already been declared`` in the browser. Here every
page's script list is de-duplicated before it is written.
"""

from __future__ import annotations

from typing import Any


def _drop_duplicate_scripts(app: Any, pagename: str, templatename: str,
                            context: dict[str, Any], doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app: Any) -> dict[str, bool]:
    app.connect("html-page-context", _drop_duplicate_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
