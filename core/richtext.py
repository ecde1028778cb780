"""The site's one rich-text format: Markdown written in admin, rendered to sanitised HTML.

Pages, programs and articles all store Markdown source and render it through `render_markdown`,
so one allow-list decides what markup can ever reach a visitor.
"""

import functools
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "th": {"scope"},
}
# Images are left out on purpose: an image URL could point at another host, and images need
# alt text, which the models' own image fields enforce.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel", "sms"}


class _DemoteTopHeadings(Treeprocessor):
    """Every page has exactly one h1, its title: a `#` heading in the body becomes an h2."""

    def run(self, root: Element) -> None:
        for element in root.iter("h1"):
            element.tag = "h2"


class _DemoteTopHeadingsExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        # Priority above toc's (5) so heading ids are computed on the final tags.
        md.treeprocessors.register(_DemoteTopHeadings(md), "demote_top_headings", 6)


class _NestHeadings(Treeprocessor):
    """For text shown inside a section of the page, under that section's own heading: its
    headings move down (an h2 becomes `top_level`), and their ids take a prefix, so that two
    such texts on one page never share an id."""

    def __init__(self, md, top_level: int, id_prefix: str):
        super().__init__(md)
        self.shift = top_level - 2
        self.id_prefix = id_prefix

    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag in HEADINGS:
                level = min(int(element.tag[1]) + self.shift, DEEPEST_HEADING)
                element.tag = f"h{level}"
                if self.id_prefix and element.get("id"):
                    element.set("id", f"{self.id_prefix}-{element.get('id')}")


class _NestHeadingsExtension(Extension):
    def __init__(self, top_level: int, id_prefix: str):
        super().__init__()
        self.top_level = top_level
        self.id_prefix = id_prefix

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        # After toc (5), which gives the ids.
        md.treeprocessors.register(
            _NestHeadings(md, self.top_level, self.id_prefix), "nest_headings", 4
        )


HEADINGS = {"h2", "h3", "h4", "h5"}
DEEPEST_HEADING = 5


@functools.lru_cache(maxsize=512)
def render_markdown(source: str, *, top_level: int = 2, id_prefix: str = "") -> str:
    """Sanitised HTML. `top_level` is the level of the text's highest heading: 2 for a page's
    main text, 3 for a text inside a section of a page (then give an `id_prefix`)."""
    extensions = ["extra", "sane_lists", "toc", _DemoteTopHeadingsExtension()]
    if top_level != 2 or id_prefix:
        extensions.append(_NestHeadingsExtension(top_level, id_prefix))
    html = markdown.markdown(source, extensions=extensions, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
