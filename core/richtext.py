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


@functools.lru_cache(maxsize=512)
def render_markdown(source: str) -> str:
    html = markdown.markdown(
        source,
        extensions=["extra", "sane_lists", "toc", _DemoteTopHeadingsExtension()],
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
