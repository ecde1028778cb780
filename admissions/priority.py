"""Which requests need a call back at once: messages that suggest someone may be in danger.

The wording itself is the reviewed list in admissions/urgent_phrases.py (owned by the clinical
lead); this module tidies a message so that list can stay short and readable, and matches it.
tests/admissions/test_priority.py lists what must and must not be flagged.
"""

import re
import unicodedata

from admissions.urgent_phrases import URGENT_PHRASES

# Phones and word processors type ’ for '; a few keyboards give ` or ´.
_APOSTROPHES = str.maketrans(dict.fromkeys("’‘ʼʻ`´′", "'"))
# "O.D." and "OD'd" must survive the loss of dots and apostrophes: "OD'd" would read "odd".
_OD_WITH_DOTS = re.compile(r"\bo\. ?d\b\.?")
_OD_CONTRACTED = re.compile(r"\bod'+d\b")
# "su*cide": a word censored with asterisks.
_CENSORED_LETTERS = re.compile(r"(?<=[^\W\d_])\*+(?=[^\W\d_])")
_NOT_A_WORD = re.compile(r"[\W_]+")
# "sooo", "dieeee", "killlll": a letter typed three or more times in a row.
_STRETCHED_LETTER = re.compile(r"([a-z])\1{2,}")

# Contractions typed without an apostrophe (and their usual misspellings), and informal forms,
# spelled out so that the phrases need only one spelling.
_SPELLED_OUT = {
    "dont": "do not",
    "dnt": "do not",
    "doesnt": "does not",
    "dosent": "does not",
    "dosnt": "does not",
    "doesent": "does not",
    "didnt": "did not",
    "cant": "can not",
    "cannot": "can not",
    "couldnt": "could not",
    "wont": "will not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "werent": "were not",
    "aint": "is not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "im": "i am",
    "ive": "i have",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "youre": "you are",
    "whats": "what is",
    "thats": "that is",
    "wanna": "want to",
    "wana": "want to",
    "wanta": "want to",
    "gonna": "going to",
    "gona": "going to",
    "gotta": "got to",
    "hafta": "have to",
    "tryna": "trying to",
    "u": "you",
    "b": "be",
    "any more": "anymore",
}
_INFORMAL = re.compile(r"\b(?:" + "|".join(sorted(_SPELLED_OUT, key=len, reverse=True)) + r")\b")

_URGENT_PATTERNS = {
    label: re.compile("|".join(f"(?:{phrase})" for phrase in phrases), re.IGNORECASE)
    for label, phrases in URGENT_PHRASES.items()
}


def urgent_terms(text: str) -> list[str]:
    """The kinds of danger `text` mentions, e.g. ["overdose"]; empty when none."""
    readings = _readings(text)
    return [
        label
        for label, pattern in _URGENT_PATTERNS.items()
        if any(pattern.search(reading) for reading in readings)
    ]


def normalise(text: str) -> str:
    """`text` as the phrases read it: "I DON’T  wanna\\n die!!" becomes "i do not want to die"."""
    return _normalise(text, stretched_letter_to=r"\1\1")


def _readings(text: str) -> set[str]:
    # A stretched letter may stand for a double one ("killlll") or a single one ("dieeee"):
    # read the message both ways (one reading when nothing is stretched).
    return {normalise(text), _normalise(text, stretched_letter_to=r"\1")}


def _normalise(text: str, *, stretched_letter_to: str) -> str:
    # Accents ("é" → "e"), and invisible characters such as soft hyphens and zero-width spaces
    # that copy and paste leaves inside words ("sui\u00adcide").
    text = "".join(
        char
        for char in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(char) and unicodedata.category(char) != "Cf"
    )
    text = text.casefold().translate(_APOSTROPHES)
    text = _OD_WITH_DOTS.sub("od", text)
    text = _OD_CONTRACTED.sub("oded", text)
    text = _CENSORED_LETTERS.sub("", text)
    text = text.replace("'", "")  # "don't" → "dont", "i''m" → "im"
    text = _NOT_A_WORD.sub(" ", text).strip()  # punctuation, hyphens, line breaks, runs of spaces
    text = _STRETCHED_LETTER.sub(stretched_letter_to, text)
    return _INFORMAL.sub(lambda word: _SPELLED_OUT[word.group()], text)
