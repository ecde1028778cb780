"""Form fields shared by the site's forms and admin."""

from django import forms

from core.text import normalise_line_breaks


class MultilineCharField(forms.CharField):
    """Text from a textarea, its line breaks normalised to "\\n" before the length is checked: a
    line break counts as one character, as in the browser's character count (character-count.js),
    and what is validated is what is kept."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_line_breaks(value) if isinstance(value, str) else value
