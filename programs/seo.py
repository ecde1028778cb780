"""What program pages tell search engines: breadcrumbs and their FAQs as schema.org JSON-LD."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.richtext import render_markdown


def breadcrumb_trail(program) -> list[tuple[str, str]]:
    return [
        (_("Home"), reverse("core:home")),
        (_("Programs"), reverse("programs:list")),
        (program.name, program.get_absolute_url()),
    ]


def faq_page(faqs) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": faq.question,
                "acceptedAnswer": {"@type": "Answer", "text": render_markdown(faq.answer)},
            }
            for faq in faqs
        ],
    }
