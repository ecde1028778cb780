"""The site's one rich-text format: Markdown written in admin, rendered to sanitised HTML.

Pages, programs and articles all store Markdown source and render it through `render_markdown`,
so one allow-list decides what markup can ever reach a visitor.
"""

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import markdown
import nh3
from django.conf import settings
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
    "img",
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
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "th": {"scope"},
}
# Images only from the site's own image library (`image:<number>` in Markdown, see
# LibraryImage): an image from another host would tell it who reads the page, and every image
# needs its description.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel", "sms"}
IMAGE_REFERENCE_PREFIX = "image:"
# A library image's number: ASCII digits only (`\d` and `str.isdigit()` also take "²" or "٣",
# which `int()` refuses or reads), and few enough that it fits any database's integer.
IMAGE_REFERENCE = re.compile(re.escape(IMAGE_REFERENCE_PREFIX) + r"([0-9]{1,9})(?![0-9])")


@dataclass(frozen=True)
class LibraryImage:
    """An image of the library as a text shows it: already uploaded, resized and described."""

    number: int
    url: str  # a path on this site
    width: int
    height: int
    alt: str


class _LibraryImages(Treeprocessor):
    """`![description](image:12)` becomes library image 12, with its size (no layout shift) and
    its description when the text gives none; any other image is left out."""

    def __init__(self, md, images: dict[int, LibraryImage]):
        super().__init__(md)
        self.images = images

    def run(self, root: Element) -> None:
        for parent in list(root.iter()):
            for element in list(parent):
                if element.tag == "img":
                    self._show_or_leave_out(parent, element)
        # An <img> typed as HTML is kept aside by Markdown until the end: left out too.
        stash = self.md.htmlStash
        stash.rawHtmlBlocks = [
            _without_raw_images(block) if isinstance(block, str) else block
            for block in stash.rawHtmlBlocks
        ]

    def _show_or_leave_out(self, parent: Element, element: Element) -> None:
        image = self.images.get(image_number(element.get("src", "")))
        if image is None or not is_our_image_url(image.url):
            _remove_keeping_tail(parent, element)
            return
        alt = (element.get("alt") or "").strip() or image.alt
        element.attrib.clear()
        element.set("src", image.url)
        element.set("alt", alt)
        element.set("width", str(image.width))
        element.set("height", str(image.height))
        element.set("loading", "lazy")
        element.set("decoding", "async")


# HTML parsers read `<image>` as `<img>`; a tag left open runs on to the next `>` or the end.
_RAW_IMAGE = re.compile(r"<im(?:g|age)\b[^>]*>?", re.IGNORECASE)


def _without_raw_images(html: str) -> str:
    # Until nothing changes: taking `<img>` out of `<im<img>g ...>` leaves a new `<img ...>`.
    while (stripped := _RAW_IMAGE.sub("", html)) != html:
        html = stripped
    return html


def _remove_keeping_tail(parent: Element, element: Element) -> None:
    if element.tail:
        previous = None
        for child in parent:
            if child is element:
                break
            previous = child
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


class _LibraryImagesExtension(Extension):
    def __init__(self, images: dict[int, LibraryImage]):
        super().__init__()
        self.images = images

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_LibraryImages(md, self.images), "library_images", 3)


def image_number(src: str) -> int | None:
    """The library image a Markdown image points at (`image:12`), if any."""
    match = IMAGE_REFERENCE.fullmatch(src.strip())
    return int(match[1]) if match else None


# Printable ASCII, no space and no backslash (browsers read `/\host/` as `//host/`).
_PLAIN_URL = re.compile(r"[!-\[\]-~]+")


def is_our_image_url(url: str) -> bool:
    """Whether `url` is a path under this site's MEDIA_URL, where the image library lives, and
    nothing a browser could read as another host (`//host`, `/\\host`, `https://host`)."""
    media = settings.MEDIA_URL
    return (
        media.startswith("/")
        and not media.startswith("//")
        and _PLAIN_URL.fullmatch(media) is not None
        and _PLAIN_URL.fullmatch(url) is not None
        and url.startswith(media)
        and "//" not in url
    )


def _only_these_images(urls: frozenset[str]):
    def only_our_images(element: str, attribute: str, value: str) -> str | None:
        # Behind the Markdown step, the sanitiser's own guard: an image's source is one of the
        # library images the text may show.
        if (
            element == "img"
            and attribute == "src"
            and not (value in urls and is_our_image_url(value))
        ):
            return None
        return value

    return only_our_images


# An <img> as the sanitiser writes it: lower-case names, values always in double quotes.
_SANITISED_IMAGE = re.compile(r'<img(?: [a-z]+="[^"]*")*>')


def _drop_images_without_source(html: str) -> str:
    return _SANITISED_IMAGE.sub(lambda m: m[0] if ' src="' in m[0] else "", html)


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
def render_markdown(
    source: str,
    *,
    top_level: int = 2,
    id_prefix: str = "",
    images: tuple[LibraryImage, ...] = (),
) -> str:
    """Sanitised HTML. `top_level` is the level of the text's highest heading: 2 for a page's
    main text, 3 for a text inside a section of a page (then give an `id_prefix`). `images`
    are the library images the text may show; any other image is left out."""
    extensions = [
        "extra",
        "sane_lists",
        "toc",
        _DemoteTopHeadingsExtension(),
        _LibraryImagesExtension({image.number: image for image in images}),
    ]
    if top_level != 2 or id_prefix:
        extensions.append(_NestHeadingsExtension(top_level, id_prefix))
    html = markdown.markdown(source, extensions=extensions, output_format="html")
    return sanitise(html, image_urls=frozenset(image.url for image in images))


def sanitise(html: str, *, image_urls: frozenset[str] = frozenset()) -> str:
    """The one allow-list, for HTML from anywhere (Markdown rendered here, or an import). An
    image stays only if its source is one of `image_urls`, library images under MEDIA_URL."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_these_images(image_urls),
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return _drop_images_without_source(cleaned)


# A word before a dot and more letters, as in "www.samhsa.gov" or "example.org/help".
_LOOKS_LIKE_A_HOST = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(/.*)?", re.IGNORECASE)


class _LinksAndImages(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (address, words)
        self.images: list[str] = []
        self._open_link: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a":
            self._open_link = [attributes.get("href") or ""]
        elif tag == "img":
            self.images.append(attributes.get("src") or "")

    def handle_data(self, data):
        if self._open_link is not None:
            self._open_link.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open_link is not None:
            address, *words = self._open_link
            self.links.append((address.strip(), " ".join("".join(words).split())))
            self._open_link = None


def link_problems(source: str) -> list[str]:
    """What, in Markdown written in admin, the allow-list would quietly drop or readers would
    find broken: a link without an address, one to a site written without https:// (a broken
    address on this site), one of a kind the site does not allow, an image not from the
    library. Said in words an editor can act on."""
    parser = _LinksAndImages()
    parser.feed(markdown.markdown(source, extensions=["extra", "sane_lists"]))
    problems = []
    for address, words in parser.links:
        scheme = urlsplit(address).scheme.lower()
        if address.rstrip("/").lower() in ("", "http:", "https:"):
            problems.append(f"The link “{words}” has no address: write it after https://.")
        elif scheme and scheme not in ALLOWED_URL_SCHEMES:
            problems.append(
                f"The link “{words}” cannot be kept: links start with https://, mailto: or tel:."
            )
        elif not scheme and _LOOKS_LIKE_A_HOST.fullmatch(address):
            problems.append(
                f"The link “{words}” would lead to a page of this site: write https://{address}."
            )
    for source_address in parser.images:
        if image_number(source_address) is None:
            problems.append(
                f"The image “{source_address}” is not from the image library: upload it there "
                "and insert it with the Image button."
            )
    return problems
