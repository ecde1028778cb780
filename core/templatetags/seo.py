import json

from django import template
from django.core.paginator import Page
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.seo import absolute_url

register = template.Library()

# Same escaping as Django's json_script: nothing in the data can close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data) -> str:
    payload = json.dumps(data, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


register.filter("absolute_url", absolute_url)


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's public address without query string but for the page of a list after the
    first (each is a page of its own to a search engine); empty where there is no request."""
    request = context.get("request")
    if request is None:
        return ""
    page = context.get("page")
    if isinstance(page, Page) and page.number > 1:
        return absolute_url(f"{request.path}?page={page.number}")
    return absolute_url(request.path)
