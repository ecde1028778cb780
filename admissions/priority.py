"""Which requests need a call back at once: messages that suggest someone may be in danger.

The list is deliberately small and errs towards flagging: a false alarm costs a fast call, a miss
could cost a life. Changes need review by the clinical lead; tests/admissions/test_priority.py
lists what must and must not be flagged.
"""

import re

_SELF = r"(my|him|her|them|your)sel(f|ves)"

URGENT_PATTERNS = {
    "suicide": r"suicid\w*",
    "wanting to die": (
        rf"\bkill(ing)? {_SELF}"
        rf"|\bhang(ing)? {_SELF}"
        r"|\b(end|ending|take|taking) (my|his|her|their) (own )?life"
        r"|\bend(ing)? it all"
        r"|\b(want|wants|wanting) to die"
        r"|\bbetter off dead"
        r"|\bno reason to live"
        r"|\b(do not|don't|does not|doesn't) want to (live|be alive|wake up)"
    ),
    "overdose": (
        r"\boverdos\w*"
        r"|\bod(ed|'d|'ed)?\b"  # "OD", "OD'd", "ODed" — not "odd"
        r"|\btook (all|too many|a bunch of|a handful of) (of )?(my |his |her |their )?pills"
    ),
    "self-harm": rf"\bself[- ]?harm\w*|\b(hurt|hurting|cut|cutting|harm|harming) {_SELF}",
}
_COMPILED = {
    label: re.compile(pattern, re.IGNORECASE) for label, pattern in URGENT_PATTERNS.items()
}


def urgent_terms(text: str) -> list[str]:
    """The kinds of danger `text` mentions, e.g. ["overdose"]; empty when none."""
    # Curly apostrophes from phones would otherwise hide "don’t want to live".
    normalised = text.replace("\u2019", "'")
    return [label for label, pattern in _COMPILED.items() if pattern.search(normalised)]
