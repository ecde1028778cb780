"""The consent a person gives to be contacted. Change the version whenever the wording changes:
each lead keeps the exact text and version it was given under."""

CONSENT_VERSION = "2026-11-01"
CONSENT_TEXT = (
    "I agree that Resilience may contact me about this request by phone call, text message or "
    "e-mail, using the details above. Message and data rates may apply. I can ask you to stop "
    "at any time."
)
