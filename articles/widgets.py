from django import forms
from django.urls import reverse


class MarkdownEditor(forms.Textarea):
    """The article's text: a textarea with buttons that write the Markdown for a heading, a
    list, a quote, a link or an image of the library, and a button that previews the article in
    the site's own styles (it works without JavaScript too)."""

    # In the app's own templates: the form renderer looks there, not in the project's.
    template_name = "articles/widgets/markdown_editor.html"

    # Set by the admin for the article being edited (the preview then shows its saved image).
    preview_url = ""

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 24, "class": "markdown-editor__text", **(attrs or {})})

    def get_context(self, name, value, attrs):
        from articles.models import ArticleImage

        context = super().get_context(name, value, attrs)
        context["preview_url"] = self.preview_url or reverse("admin:articles_article_preview")
        # The newest first; a library grows slowly, and the list names each by its description.
        context["library"] = ArticleImage.objects.only("pk", "alt_text")[:200]
        return context

    class Media:
        js = ["js/markdown-editor.js"]
        css = {"all": ["css/markdown-editor.css"]}
