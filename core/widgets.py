from django import forms


class _CharacterCountMixin:
    """Shows, as staff type, how many characters they have used of a recommended length."""

    def __init__(self, recommended_length: int, attrs=None):
        super().__init__(attrs={"data-recommended-length": recommended_length, **(attrs or {})})

    class Media:
        js = ["js/character-count.js"]


class CharacterCountInput(_CharacterCountMixin, forms.TextInput):
    pass


class CharacterCountTextarea(_CharacterCountMixin, forms.Textarea):
    def __init__(self, recommended_length: int, attrs=None):
        super().__init__(recommended_length, attrs={"rows": 3, **(attrs or {})})
