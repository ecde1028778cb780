from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("includes/nav_link.html", takes_context=True)
def nav_link(context, url_name: str, label: str):
    url = reverse(url_name)
    # The 500 page renders without a request, so nothing is marked current there.
    request = context.get("request")
    return {"url": url, "label": label, "current": bool(request) and request.path.startswith(url)}
