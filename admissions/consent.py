"""The consent a person gives to be contacted. Change the version whenever the wording changes:
each lead keeps the exact text and version it was given under. The text is marked for
translation: a lead keeps it in the language active when the lead is stored."""

from django.utils.translation import gettext_lazy as _

CONSENT_VERSION = "2026-11-01"
CONSENT_TEXT = _(
    "I agree that Resilience may contact me about this request by phone call, text message or "
    "e-mail, using the details above. Message and data rates may apply. I can ask you to stop "
    "at any time."
)
