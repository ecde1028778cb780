"""clean_text takes out control and bidirectional characters; text without any is kept as is."""

import sys
import unicodedata

import pytest

from core.text import BIDI_CONTROLS, clean_text


def test_every_control_and_bidirectional_character_is_taken_out():
    controls = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cc"]

    for character in [*controls, *BIDI_CONTROLS]:
        assert clean_text(f"a{character}b") == "ab", repr(character)


@pytest.mark.parametrize(
    ("value", "multiline", "cleaned"),
    [
        ("Jordan Avery", False, "Jordan Avery"),
        ("", False, ""),
        ("Zoë, 40 ans — ça va ✓", False, "Zoë, 40 ans — ça va ✓"),
        ("line one\r\nline two\ttab", True, "line one\nline two\ttab"),
        ("line one\r\nline two", False, "line oneline two"),
        ("evil\u202etxt.exe", True, "eviltxt.exe"),
    ],
)
def test_what_is_kept(value, multiline, cleaned):
    assert clean_text(value, multiline=multiline) == cleaned
