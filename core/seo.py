"""Helpers for what search engines and link previews read: absolute URLs and schema.org data."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """The public address of a site path, for canonical links, structured data and e-mails."""
    return f"{settings.SITE_URL}{path}"


def breadcrumb_list(trail: list[tuple[str, str]]) -> dict:
    """schema.org BreadcrumbList for a trail of (name, path) pairs, home first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute_url(path)}
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }
