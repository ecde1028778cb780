"""Cleaning text that came from outside (forms, query strings, headers) before it is kept."""

import unicodedata

# Characters that reorder how text is displayed: in a name they can make admin show something
# other than what is stored (a "Trojan Source"-style trick), and no real name needs them.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_LINE_BREAKS = frozenset("\n\t")


def shortened(text: str, length: int) -> str:
    """`text` in at most `length` characters (a search engine's snippet, a link preview): when
    it is longer, its whole sentences that fit, if they say enough, else cut after a whole word
    with "…"."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    sentences_end = max(text.rfind(f"{stop} ", 0, length) for stop in ".!?")
    if sentences_end >= length // 2:
        return text[: sentences_end + 1]
    cut = text[: length - 1]
    if not text[length - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"


def normalise_line_breaks(value: str) -> str:
    """Every line break as one "\\n". Browsers send a textarea's line breaks as "\\r\\n" but
    count them, in its `value`, as one character: normalised, the server counts as they do."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` without control characters (NUL included, which PostgreSQL refuses to store) and
    without bidirectional overrides; line breaks and tabs are kept in multi-line text."""
    if value.isprintable():
        # Neither a control character (Cc) nor a bidirectional one (Cf) is printable: nothing
        # to take out. Most values are so; this spares looking up each character.
        return value
    value = normalise_line_breaks(value)
    return "".join(
        char
        for char in value
        if char not in BIDI_CONTROLS
        and (unicodedata.category(char) != "Cc" or (multiline and char in _LINE_BREAKS))
    )
