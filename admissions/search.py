"""Finding a lead from what a caller gives: their reference, name, e-mail or phone number.

Each kind of term is matched one way, on an indexed column, so a search stays fast with a hundred
thousand leads: a reference exactly, an e-mail exactly (stored lowercased), a phone number as
E.164 whatever way it was typed, a name by the start of first and last names.
"""

import re

import phonenumbers
from django.conf import settings
from django.db.models import Q

from admissions.models import normalise_reference

# What a typed phone number may hold besides digits: (617) 555-0188, +1 617.555.0188, 617 555 0188.
PHONE_LIKE = re.compile(r"^[\d\s()+.\-/]+$")


def search_leads(queryset, term: str):
    term = " ".join(term.split())
    if not term:
        return queryset
    if reference := normalise_reference(term):
        by_reference = queryset.filter(reference=reference)
        if not PHONE_LIKE.match(term):
            return by_reference
        # Eight digits could be a reference or a partial phone number: either.
        return queryset.filter(Q(reference=reference) | Q(phone__in=phone_candidates(term)))
    if "@" in term:
        return queryset.filter(email=term.lower())
    if PHONE_LIKE.match(term):
        candidates = phone_candidates(term)
        return queryset.filter(phone__in=candidates) if candidates else queryset.none()
    return _by_name(queryset, term)


def phone_candidates(term: str) -> list[str]:
    """The E.164 numbers `term` may mean: read as a number of the center's country, or as an
    international one if it starts with + (or 00)."""
    digits = re.sub(r"\D", "", term)
    if len(digits) < 7:
        return []
    typed = "+" + digits[2:] if term.strip().startswith("00") else term
    try:
        number = phonenumbers.parse(typed, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return []
    if not phonenumbers.is_possible_number(number):
        return []
    return [phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)]


def _by_name(queryset, term: str):
    """Every word must start the first name, the last name or the name of the person they ask
    for: "jor av" finds Jordan Avery."""
    for word in term.split()[:4]:
        queryset = queryset.filter(
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(patient_first_name__istartswith=word)
        )
    return queryset
