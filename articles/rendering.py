"""An article's text as visitors get it: its Markdown rendered through the site's one allow-list
(core.richtext), with the images of the library it names."""

from core.richtext import IMAGE_REFERENCE, LibraryImage, render_markdown


def render_article_body(source: str) -> tuple[str, set[int]]:
    """The sanitised HTML, and the numbers of the library images it shows."""
    from articles.models import ArticleImage

    numbers = {int(number) for number in IMAGE_REFERENCE.findall(source)}
    images = (
        tuple(
            LibraryImage(image.pk, image.image.url, image.width, image.height, image.alt_text)
            for image in ArticleImage.objects.filter(pk__in=numbers).order_by("pk")
            if image.width and image.height
        )
        if numbers
        else ()
    )
    html = render_markdown(source, images=images)
    return html, {image.number for image in images if f'src="{image.url}"' in html}


def missing_images(source: str) -> list[int]:
    """The library numbers the text names that the library does not have."""
    from articles.models import ArticleImage

    numbers = {int(number) for number in IMAGE_REFERENCE.findall(source)}
    found = set(ArticleImage.objects.filter(pk__in=numbers).values_list("pk", flat=True))
    return sorted(numbers - found)
