"""The consultation form's token: signed, it says when the form was shown and names that one
showing of it (a nonce), so a request is too fast, expired, forged or fine."""

import time

import pytest
import time_machine
from django.core import signing

from admissions.bot_traps import (
    MAX_FORM_AGE_SECONDS,
    MIN_SECONDS_TO_FILL,
    TokenCheck,
    check_form_token,
    new_form_token,
)


def checked_after(seconds: float, token: str) -> tuple[TokenCheck, str | None]:
    with time_machine.travel(time.time() + seconds, tick=False):
        return check_form_token(token)


def test_a_form_sent_a_minute_after_it_was_shown_is_fine_and_named_by_its_nonce():
    token = new_form_token()

    check, nonce = checked_after(60, token)

    assert check is TokenCheck.OK
    assert nonce and nonce in token


def test_too_fast_for_a_person_and_too_old_are_told_apart():
    token = new_form_token()

    assert checked_after(MIN_SECONDS_TO_FILL - 0.5, token)[0] is TokenCheck.TOO_FAST
    assert checked_after(MAX_FORM_AGE_SECONDS + 60, token)[0] is TokenCheck.EXPIRED


def test_every_showing_of_the_form_has_a_nonce_of_its_own():
    nonces = {checked_after(60, new_form_token())[1] for _ in range(200)}

    assert len(nonces) == 200


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda token: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), id="sig"),
        pytest.param(lambda token: "1" + token, id="earlier time"),
        pytest.param(lambda token: signing.Signer(salt="another").sign(token), id="other salt"),
        pytest.param(
            lambda token: signing.Signer(salt="admissions.consultation-form.v2").sign("x.y.z"),
            id="not a token",
        ),
        pytest.param(lambda token: "", id="empty"),
    ],
)
def test_a_forged_token_is_invalid(forge):
    assert checked_after(60, forge(new_form_token()))[0] is TokenCheck.INVALID


def test_a_form_shown_before_the_token_changed_shape_is_still_accepted():
    # Forms open in a browser during the release that changed the token's shape.
    earlier = signing.dumps(
        {"shown_at": time.time(), "nonce": "abcdefghijklmnopqrstuvwx"},
        salt="admissions.consultation-form",
    )

    assert checked_after(60, earlier) == (TokenCheck.OK, "abcdefghijklmnopqrstuvwx")
