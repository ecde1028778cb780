"""Uploaded images, made fit for a visitor on a phone: bounded size, no hidden location data."""

from io import BytesIO
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_WIDTH = 1600


def optimise_image(upload, max_width: int = MAX_WIDTH) -> ContentFile:
    """Downscale to at most `max_width` pixels wide and re-encode as WebP.

    Re-encoding also drops EXIF metadata, which in phone photos includes where they were taken.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"This image is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. "
            "Please export a smaller version and upload that."
        )
    try:
        with Image.open(upload) as original:
            image = ImageOps.exif_transpose(original)
            image.thumbnail((max_width, max_width * 4))
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA" if image.has_transparency_data else "RGB")
            buffer = BytesIO()
            image.save(buffer, format="WEBP", quality=82, method=4)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError("This file could not be read as an image.") from None
    return ContentFile(buffer.getvalue(), name=Path(upload.name).with_suffix(".webp").name)


NEEDS_ALT_TEXT = "Describe the image for people who cannot see it."


def alt_text_required(image_field: str, alt_field: str, name: str) -> models.CheckConstraint:
    """The database's guard: an image is never stored without its description."""
    return models.CheckConstraint(
        condition=Q(**{image_field: ""}) | ~Q(**{alt_field: ""}),
        name=name,
        violation_error_message=NEEDS_ALT_TEXT,
    )


def check_alt_text(instance, image_field: str, alt_field: str) -> None:
    """For a model's clean(): the message on the description field, where the form shows it."""
    if getattr(instance, image_field) and not getattr(instance, alt_field).strip():
        raise ValidationError({alt_field: NEEDS_ALT_TEXT})
