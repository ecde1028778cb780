from django import template
from django.utils.safestring import mark_safe

from core.richtext import render_markdown

register = template.Library()


@register.filter
def markdown(source: str) -> str:
    # Safe to mark: render_markdown sanitises with an allow-list.
    return mark_safe(render_markdown(source or ""))  # noqa: S308


@register.filter
def markdown_in_section(source: str, section: str) -> str:
    """Markdown shown under a section's h2: its headings start at h3, their ids at `section-`."""
    return mark_safe(render_markdown(source or "", top_level=3, id_prefix=section))  # noqa: S308
