"""The book's PDF, as a Sphinx extension (``_config.yml``: ``sphinx.local_extensions``).

``make pdf`` builds the whole book through Jupyter Book's LaTeX builder and xelatex, from
the same execution cache as the HTML book, and publishes it as ``_build/pdf/<name>.pdf``
only once it is complete (``<name>`` is ``latex.latex_documents.targetname``). This
extension does two things for it:

* **Figures with their captions, in the LaTeX build.** Every figure of the book is an
  ``initreg`` Explorable, whose output carries a PNG of its default frame next to the HTML
  player that holds its caption (``<figcaption>``). myst-nb keeps all of an output's
  formats until a post-transform (``SelectMimeType``, priority 4) picks the one a builder
  shows; LaTeX shows the PNG, without the caption. Just before that choice, the PNG is
  wrapped in a figure node with the player's caption, so the PDF numbers and captions
  every figure; an interactive figure's caption says that it is shown at its default
  setting.
* **The landing page's link to the PDF, in the HTML build.** When the PDF was built, the
  HTML build copies it next to the pages, and the Sphinx tag ``book_pdf`` is set, which
  ``chapters/index.md`` tests in an ``{only} html and book_pdf`` directive around the link
  (so the PDF's own landing page leaves it out). When it was not built, the tag is unset,
  the link is left out, and nothing warns. The tag is set when the configuration is read,
  before the builder fingerprints its tags, so the pages are rewritten when the PDF
  appears or goes.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any

#: The Sphinx tag that says the PDF exists (``{only} html and book_pdf`` in chapters/index.md).
TAG = "book_pdf"

#: The HTML player of an Explorable and its caption.
_PLAYER = re.compile(r'<figure\b[^>]*class="[^"]*\binitreg-explorable\b')
_CAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.S)
_TAGS = re.compile(r"<[^>]+>")

#: The caption's note on an interactive figure, which the PDF shows at one setting.
INTERACTIVE_NOTE = "Interactive in the HTML book and in Jupyter; shown here at its default setting."


def pdf_name(app: Any) -> str:
    """The PDF's file name: the LaTeX document's target name with ``.pdf``.

    Jupyter Book sets ``latex_documents`` from ``latex.latex_documents.targetname`` only after
    Sphinx has started (after ``config-inited``), so the name is read from ``_config.yml``.
    """
    import yaml

    config = Path(app.srcdir) / "_config.yml"
    if config.is_file():
        latex = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("latex") or {}
        target = (latex.get("latex_documents") or {}).get("targetname")
        if target:
            return Path(target).with_suffix(".pdf").name
    documents = getattr(app.config, "latex_documents", None) or []
    return Path(documents[0][1] if documents else "book.tex").with_suffix(".pdf").name


def built_pdf(app: Any) -> Path:
    """Where ``make pdf`` publishes the PDF: ``_build/pdf/<name>.pdf`` (the output folder's sibling)."""
    return Path(app.outdir).parent / "pdf" / pdf_name(app)


def caption_of(bundle_html: str) -> str | None:
    """The caption text of an Explorable's HTML player, or None for any other HTML."""
    if not _PLAYER.search(bundle_html):
        return None
    found = _CAPTION.search(bundle_html)
    if found is None:
        return None
    text = html.unescape(_TAGS.sub("", found.group(1)))
    return " ".join(text.split()) or None


def _tag_when_built(app: Any, config: Any) -> None:
    if built_pdf(app).is_file():
        app.tags.add(TAG)


def _copy_pdf(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source, target = built_pdf(app), Path(app.outdir) / pdf_name(app)
    if source.is_file():
        shutil.copy2(source, target)
    elif target.exists():
        target.unlink()  # a copy of a PDF that is gone


def _figure_transform() -> type:
    from docutils import nodes
    from sphinx.transforms.post_transforms import SphinxPostTransform

    class ExplorableCaptions(SphinxPostTransform):
        """Wrap the PNG of each Explorable output in a captioned figure (LaTeX only)."""

        default_priority = 3  # before myst-nb's SelectMimeType (4) drops the HTML player
        formats = ("latex",)

        def run(self, **kwargs: Any) -> None:
            for bundle in list(self.document.findall(nodes.container)):
                if bundle.get("nb_element") != "mime_bundle":
                    continue
                by_type = {c.get("mime_type"): c for c in bundle.children if isinstance(c, nodes.container)}
                html_part, png_part = by_type.get("text/html"), by_type.get("image/png")
                if html_part is None or png_part is None:
                    continue
                caption = caption_of("".join(n.astext() for n in html_part.findall(nodes.raw)))
                images = [c for c in png_part.children if isinstance(c, nodes.image)]
                if caption is None or len(images) != 1:
                    continue
                if "application/vnd.jupyter.widget-view+json" in by_type:
                    caption = f"{caption} ({INTERACTIVE_NOTE})"
                image = images[0]
                figure = nodes.figure("", image.deepcopy(), nodes.caption(caption, caption), align="center")
                figure.source, figure.line = image.source, image.line
                image.replace_self(figure)

    return ExplorableCaptions


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: see the module's docstring."""
    app.connect("config-inited", _tag_when_built)
    app.connect("build-finished", _copy_pdf)
    app.add_post_transform(_figure_transform())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
