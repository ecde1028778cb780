"""clean_text takes out control and bidirectional characters; text without any is kept as is."""

import sys
import unicodedata

import pytest

from core.text import BIDI_CONTROLS, clean_text, shortened


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


@pytest.mark.parametrize(
    ("text", "length", "expected"),
    [
        ("Short enough.", 20, "Short enough."),
        ("First sentence here. Second one is far too long to fit", 30, "First sentence here."),
        ("One long sentence without any stop at all", 20, "One long sentence…"),
        ("Unbroken" * 10, 24, "UnbrokenUnbrokenUnbroke…"),
    ],
)
def test_a_text_is_shortened_to_its_whole_sentences_or_whole_words(text, length, expected):
    assert shortened(text, length) == expected
