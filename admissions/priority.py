"""Which requests need a call back at once: messages that suggest someone may be in danger.

The list is deliberately small and errs towards flagging: a false alarm costs a fast call, a miss
could cost a life. Changes need review by the clinical lead.
"""

import re

URGENT_PATTERNS = {
    "suicide": r"suicid\w*",
    "wanting to die": (
        r"kill(ing)? (my|him|her|them)sel(f|ves)"
        r"|end(ing)? (my|his|her|their) (own )?life"
        r"|(want|wants|wanting) to die"
        r"|better off dead"
        r"|no reason to live"
        r"|(do not|don'?t|doesn'?t) want to (live|be alive)"
    ),
    "overdose": r"overdos\w*|\bod'?(ed|d)\b",
    "self-harm": (
        r"self[- ]?harm\w*"
        r"|(hurt|hurting|cut|cutting|harm|harming) (my|him|her|them)sel(f|ves)"
    ),
}
_COMPILED = {
    label: re.compile(pattern, re.IGNORECASE) for label, pattern in URGENT_PATTERNS.items()
}


def urgent_terms(text: str) -> list[str]:
    """The kinds of danger `text` mentions, e.g. ["overdose"]; empty when none."""
    # Curly apostrophes from phones would otherwise hide "don’t want to live".
    normalised = text.replace("\u2019", "'")
    return [label for label, pattern in _COMPILED.items() if pattern.search(normalised)]
