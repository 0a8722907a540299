"""The book's Sphinx extension: the prose numbers, and what the static figure players need.

``_config.yml`` loads this module (``sphinx.extra_extensions: [..., initreg._sphinx]``).
It is not part of the textbook's API; it imports Sphinx and myst-nb only inside
:func:`setup`, so ``initreg`` works without them.
"""

from __future__ import annotations

import re
from typing import Any

#: The one form a prose number takes: ``{eval}`page.name```, ``name`` a value of the
#: chapter's :class:`initreg.Page` (see :mod:`initreg.claims`).
EVAL_EXPRESSION = re.compile(r"^page\.([A-Za-z][A-Za-z0-9_]*)$")


def _eval_role() -> Any:
    """The ``eval`` role of the book: ``{eval}`page.name``` shows the value glued as ``name``.

    myst-nb's own ``eval`` role asks a live kernel (its ``inline`` execution mode, which
    executes every chapter again, one after another, on every build). The book executes
    its chapters into the cache instead, so this role reads the same text from the
    chapter's stored outputs: ``page.value(name, ...)`` glued it, exactly as the kernel
    would print ``page.name``. JupyterLab (``jupyterlab-myst``) evaluates the same
    expression in the kernel. A number that is missing, or an expression of another form,
    is a build warning, and the book builds with warnings as errors.
    """
    from docutils import nodes
    from myst_nb.core.variables import RetrievalError, create_warning
    from myst_nb.ext.glue.utils import retrieve_glue_data
    from myst_nb.ext.utils import RoleBase

    class PageValueRole(RoleBase):
        def run(self) -> tuple[list[Any], list[Any]]:
            match = EVAL_EXPRESSION.match(self.text.strip())
            if match is None:
                return [], [create_warning(
                    f"{{eval}} takes page.NAME, a value of the chapter's initreg.Page; got {self.text!r}",
                    self.document, self.line, subtype="eval")]
            key = match.group(1)
            try:
                data = retrieve_glue_data(self.document, key).data
            except RetrievalError:
                return [], [create_warning(
                    f"page.{key}: no value {key!r} was set in this chapter (page.value or page.check(name=...))",
                    self.document, self.line, subtype="eval")]
            text = data.get("text/plain")
            if not isinstance(text, str):
                return [], [create_warning(f"page.{key} has no text", self.document, self.line, subtype="eval")]
            node = nodes.inline(text, text, classes=["initreg-value"])
            self.set_source_info(node)
            return [node], []

    return PageValueRole()



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
    """Sphinx entry point: see :func:`_eval_role`, :func:`_drop_widget_state` and
    :func:`_dedupe_scripts`."""
    app.add_role("eval", _eval_role(), override=True)
    app.connect("doctree-read", _drop_widget_state)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
