"""The book's Sphinx extension: what the static figure players need from the page around them.

``_config.yml`` loads this module (``sphinx.extra_extensions: [..., initreg._sphinx]``).
It is not part of the textbook's API and imports nothing from Sphinx, so ``initreg``
works without it.
"""

from __future__ import annotations

from typing import Any



def _drop_widget_state(app: Any, doctree: Any) -> None:
    """Forget the widget state that executing a chapter stored in its notebook.

    Jupyter Book executes each chapter in a kernel, where every Explorable also builds its
    live widget, and the executor saves the widgets' state (their controls and a full-size
    PNG each) into the notebook's metadata. myst-nb would embed that state in the page as a
    ``<script type="application/vnd.jupyter.widget-state+json">``. The book loads no widget
    manager (``nb_ipywidgets_js: {}``) and shows the static player instead, so the state
    would be dead weight: drop it before the page is written.
    """
    env = app.env
    js_files = getattr(env, "nb_metadata", {}).get(env.docname, {}).get("js_files", {})
    for key in [k for k in js_files if k.startswith("ipywidgets_")]:
        del js_files[key]


def _dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Write each ``<script>`` of the page once.

    Sphinx 7.4 lists an inline script that an extension adds after the builder starts
    (sphinx-thebe's ``const THEBE_JS_URL = ...``, sphinx-togglebutton's selector) twice: once
    with the file name ``None`` and once with ``""``. A second ``const`` declaration is a
    JavaScript error on every page ("Identifier 'THEBE_JS_URL' has already been declared").
    """
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for js in scripts:
        filename = getattr(js, "filename", js)
        attrs = getattr(js, "attributes", {})
        key = (str(filename or ""), getattr(js, "priority", None), tuple(sorted(attrs.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: see :func:`_drop_widget_state` and :func:`_dedupe_scripts`."""
    app.connect("doctree-read", _drop_widget_state)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
