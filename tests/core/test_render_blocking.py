"""A page shows after one request at most beyond its HTML (the stylesheet): on a slow phone each
render-blocking request is another round trip before anything shows."""

from html.parser import HTMLParser

import pytest

from tests.infosessions.factories import InfoSessionFactory
from tests.public_pages import NOT_FOUND_PAGE, PUBLIC_PAGES

pytestmark = pytest.mark.django_db

# A session's own page besides the ones tests/public_pages.py lists (the feed, sitemap and
# robots.txt are not HTML).
HTML_PAGES = [*PUBLIC_PAGES, "/info-sessions/{session}/", NOT_FOUND_PAGE]


class RenderBlockingRequests(HTMLParser):
    """The stylesheets and parser-blocking scripts a document asks for, anywhere in it."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.stylesheets: list[str] = []
        self.blocking_scripts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").lower().split():
            self.stylesheets.append(attributes.get("href"))
        if tag == "script" and "src" in attributes:
            deferred = "defer" in attributes or "async" in attributes
            if not deferred and attributes.get("type") != "module":
                self.blocking_scripts.append(attributes["src"])


@pytest.mark.parametrize("path", HTML_PAGES)
def test_every_public_page_has_one_render_blocking_request_at_most(client, demo_content, path):
    response = client.get(path.format(session=InfoSessionFactory().pk))

    assert response["Content-Type"].startswith("text/html")
    requests = RenderBlockingRequests(response.content.decode())
    assert len(requests.stylesheets) <= 1, requests.stylesheets
    assert requests.blocking_scripts == []
