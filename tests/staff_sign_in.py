"""Signing staff in for tests, as the admin requires in production: password and second factor.

from tests.staff_sign_in import sign_in

def test_something(client):
    user = SuperuserFactory()
    sign_in(client, user)            # client.get("/admin/...") now works
"""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def sign_in(client, user, device: TOTPDevice | None = None) -> TOTPDevice:
    """Sign `user` in on the test `client` with a session verified by a confirmed authenticator
    (`device`, or one made for them). Returns the device."""
    client.force_login(user)
    if device is None:
        device = authenticator_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def authenticator_for(user) -> TOTPDevice:
    """The user's confirmed authenticator app, made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The 6-digit code the authenticator app shows now (or `steps_ahead` 30-second steps on:
    a code already used is refused until the next step)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
