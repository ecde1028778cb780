from django import template
from django.utils.safestring import mark_safe

from core.richtext import render_markdown

register = template.Library()


@register.filter
def markdown(source: str) -> str:
    # Safe to mark: render_markdown sanitises with an allow-list.
    return mark_safe(render_markdown(source or ""))  # noqa: S308
