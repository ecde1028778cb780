"""core.signing's signers keep the key each signature is made with, and sign exactly as
Django's do: either reads what the other wrote, under the same key rotation."""

import pytest
from django.core import signing

from core import signing as quick_signing


@pytest.mark.parametrize("value", ["", "1733500000000.abc-DEF_123", "ünïcode: yes"])
def test_a_signature_is_django_s_own(value):
    assert quick_signing.Signer(salt="tests").sign(value) == signing.Signer(salt="tests").sign(
        value
    )
    assert quick_signing.signer("tests").sign(value) == signing.Signer(salt="tests").sign(value)


def test_django_reads_what_dumps_wrote_and_the_other_way_round():
    visit = {"landing_page": "/programs/", "referrer": "https://search.example/"}

    assert signing.loads(quick_signing.dumps(visit, salt="tests"), salt="tests") == visit
    assert signing.loads(quick_signing.dumps(visit, salt="tests", compress=True), salt="tests") == (
        visit
    )
    assert (
        quick_signing.TimestampSigner(salt="tests").unsign_object(
            signing.dumps(visit, salt="tests")
        )
        == visit
    )


def test_another_salt_or_key_does_not_read(settings):
    signed = quick_signing.signer("tests").sign("value")

    with pytest.raises(signing.BadSignature):
        quick_signing.signer("other").unsign(signed)
    settings.SECRET_KEY = "another-secret-key-" * 3
    with pytest.raises(signing.BadSignature):
        quick_signing.signer("tests").unsign(signed)


def test_after_a_key_rotation_values_signed_under_the_old_key_still_read(settings):
    old_key = settings.SECRET_KEY
    signed = quick_signing.signer("tests").sign("value")

    settings.SECRET_KEY = "the-new-secret-key-" * 3
    settings.SECRET_KEY_FALLBACKS = [old_key]

    assert quick_signing.signer("tests").unsign(signed) == "value"
    assert quick_signing.signer("tests").sign("value") != signed
