import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.checks import run_checks
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.services import RECOVERY_CODE_COUNT
from tests.admissions.factories import AdmissionsStaffFactory, SupervisorFactory
from tests.factories import SuperuserFactory, UserFactory
from tests.programs.factories import ProgramFactory
from tests.staff_sign_in import authenticator_for, current_code, sign_in

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"
LOGIN = f"{ADMIN}login/"
VERIFY = f"{ADMIN}two-factor/verify/"
SET_UP = f"{ADMIN}two-factor/set-up/"
TWO_FACTOR = f"{ADMIN}two-factor/"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def staff_member():
    return SuperuserFactory(username="desk", password=PASSWORD)


def sign_in_with_password(client, username="desk", next_url=ADMIN):
    """As the sign-in form posts it (with the page to go to next)."""
    return client.post(LOGIN, {"username": username, "password": PASSWORD, "next": next_url})


def is_verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


def recovery_codes_on(html: str) -> list[str]:
    return [
        code.replace(" ", "")
        for code in re.findall(r"<li><code>([a-z2-7]{4} [a-z2-7]{4})</code></li>", html)
    ]


# --- A password alone --------------------------------------------------------------------------


def test_the_password_leads_to_the_code_step(client, staff_member):
    authenticator_for(staff_member)

    response = sign_in_with_password(client, next_url=f"{ADMIN}core/sitepage/")

    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2F{settings.ADMIN_URL.rstrip('/')}%2Fcore%2Fsitepage%2F"
    assert not is_verified(client)


def test_a_session_with_only_the_password_opens_no_admin_page(client, staff_member):
    authenticator_for(staff_member)
    sign_in_with_password(client)

    for path in (ADMIN, f"{ADMIN}core/sitepage/", f"{ADMIN}auth/user/", TWO_FACTOR):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(VERIFY), path

    # And the sign-in page sends them back to the code step instead of a second password.
    assert client.get(LOGIN).url.startswith(VERIFY)


def test_a_session_with_only_the_password_has_no_staff_rights_on_the_site(client):
    draft = ProgramFactory(is_published=False)
    editor = UserFactory(username="editor", password=PASSWORD, is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_program"))
    authenticator_for(editor)
    sign_in_with_password(client, username="editor")

    assert client.get(f"/programs/{draft.slug}/").status_code == 404


def test_someone_without_an_app_is_asked_to_set_one_up(client, staff_member):
    response = sign_in_with_password(client)

    assert response.url.startswith(SET_UP)
    assert client.get(ADMIN).url.startswith(SET_UP)


def test_the_code_steps_need_a_password_first(client):
    for path in (VERIFY, SET_UP):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)


def test_a_password_alone_is_enough_when_two_factor_is_not_required(client, settings):
    settings.ADMIN_REQUIRE_2FA = False
    SuperuserFactory(username="desk", password=PASSWORD)

    response = sign_in_with_password(client)

    assert response.url == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert client.get(f"{ADMIN}core/sitepage/").status_code == 200


# --- The code step ------------------------------------------------------------------------------


def test_the_code_page_is_accessible_and_asks_for_a_one_time_code(client, staff_member):
    authenticator_for(staff_member)
    sign_in_with_password(client)

    response = client.get(VERIFY)
    html = response.content.decode()

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert '<label for="id_code">6-digit code from your authenticator app' in html
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", html).group()
    assert 'autocomplete="one-time-code"' in field
    assert 'inputmode="numeric"' in field
    assert 'aria-describedby="id_code_helptext"' in field
    assert '<label for="id_recovery_code">Recovery code' in html


def test_a_wrong_code_is_refused(client, staff_member):
    device = authenticator_for(staff_member)
    sign_in_with_password(client)
    wrong = "000000" if current_code(device) != "000000" else "111111"

    response = client.post(VERIFY, {"code": wrong})
    html = response.content.decode()

    assert response.status_code == 200
    assert not is_verified(client)
    assert "That code did not match" in html
    assert "<title>Error:" in html
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", html).group()
    assert 'aria-invalid="true"' in field
    assert "id_code_error" in field
    assert client.get(ADMIN).status_code == 302


def test_the_right_code_opens_admin_and_leads_where_they_were_going(client, staff_member):
    device = authenticator_for(staff_member)
    sign_in_with_password(client, next_url=f"{ADMIN}core/sitepage/")
    session_before = client.session.session_key

    response = client.post(VERIFY, {"code": current_code(device), "next": f"{ADMIN}core/sitepage/"})

    assert response.status_code == 302
    assert response.url == f"{ADMIN}core/sitepage/"
    assert is_verified(client)
    assert client.session.session_key != session_before
    assert client.get(ADMIN).status_code == 200


def test_spaces_in_the_code_are_fine(client, staff_member):
    device = authenticator_for(staff_member)
    sign_in_with_password(client)
    code = current_code(device)

    client.post(VERIFY, {"code": f"{code[:3]} {code[3:]}"})

    assert is_verified(client)


def test_a_code_cannot_be_used_twice(client, staff_member):
    device = authenticator_for(staff_member)
    code = current_code(device)
    sign_in_with_password(client)
    client.post(VERIFY, {"code": code})
    client.logout()

    sign_in_with_password(client)
    client.post(VERIFY, {"code": code})

    assert not is_verified(client)


def test_the_code_step_does_not_send_people_to_other_sites(client, staff_member):
    device = authenticator_for(staff_member)
    sign_in_with_password(client)

    response = client.post(VERIFY, {"code": current_code(device), "next": "https://evil.example/"})

    assert response.url == ADMIN


def test_someone_stuck_at_the_code_step_can_sign_out(client, staff_member):
    authenticator_for(staff_member)
    sign_in_with_password(client)

    client.post(f"{ADMIN}logout/")

    assert "_auth_user_id" not in client.session


# --- Recovery codes ----------------------------------------------------------------------------


def test_a_recovery_code_works_once(client, staff_member):
    authenticator_for(staff_member)
    device = StaticDevice.objects.create(user=staff_member, name="Recovery codes")
    device.token_set.create(token="abcd2345")
    device.token_set.create(token="efgh6723")

    sign_in_with_password(client)
    response = client.post(VERIFY, {"recovery_code": "ABCD 2345"}, follow=True)

    assert is_verified(client)
    assert "You have 1 recovery code left" in response.content.decode()
    assert list(device.token_set.values_list("token", flat=True)) == ["efgh6723"]

    client.logout()
    sign_in_with_password(client)
    response = client.post(VERIFY, {"recovery_code": "abcd2345"})

    assert not is_verified(client)
    assert "has been used already" in response.content.decode()
    assert 'class="staff-recovery" open' in response.content.decode()


# --- Setting up an app ----------------------------------------------------------------------


def test_setting_up_shows_a_qr_code_and_the_secret_to_type(client, staff_member):
    sign_in_with_password(client)

    response = client.get(SET_UP)
    html = response.content.decode()
    device = TOTPDevice.objects.get(user=staff_member)

    assert response.status_code == 200
    assert not device.confirmed
    assert "no-store" in response["Cache-Control"]
    svg = re.search(r"<svg[^>]*>", html).group()
    assert 'role="img"' in svg
    assert 'aria-label="QR code for setting up your authenticator app"' in svg
    assert "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]  # CSP: no inline style
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Resilience: desk" in html
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", html).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)
    # Reloading keeps the secret already scanned.
    assert secret in client.get(SET_UP).content.decode()
    assert TOTPDevice.objects.filter(user=staff_member).count() == 1


def test_setting_up_needs_the_right_code_and_then_shows_recovery_codes_once(client, staff_member):
    sign_in_with_password(client)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=staff_member)

    refused = client.post(SET_UP, {"code": "12345"})
    assert "Enter the 6 digits" in refused.content.decode()
    response = client.post(SET_UP, {"code": current_code(device), "next": f"{ADMIN}core/"})
    html = response.content.decode()

    device.refresh_from_db()
    assert device.confirmed
    assert is_verified(client)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    codes = recovery_codes_on(html)
    assert len(codes) == RECOVERY_CODE_COUNT
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert "This is the only time they are shown" in html
    assert f'href="{ADMIN}core/"' in html
    # Never shown again.
    for path in (ADMIN, TWO_FACTOR):
        assert recovery_codes_on(client.get(path).content.decode()) == []


def test_a_verified_person_sets_up_a_new_phone_and_the_old_one_stops_working(client, staff_member):
    old_phone = sign_in(client, staff_member)

    client.get(SET_UP)
    new_phone = TOTPDevice.objects.get(user=staff_member, confirmed=False)
    client.post(SET_UP, {"code": current_code(new_phone)})

    assert list(TOTPDevice.objects.filter(user=staff_member)) == [new_phone]
    assert not TOTPDevice.objects.filter(pk=old_phone.pk).exists()


def test_someone_with_an_app_cannot_replace_it_with_only_their_password(client, staff_member):
    authenticator_for(staff_member)
    sign_in_with_password(client)

    response = client.get(SET_UP)

    assert response.url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=staff_member).count() == 1


def test_new_recovery_codes_replace_the_old_ones(client, staff_member):
    sign_in(client, staff_member)
    StaticDevice.objects.create(user=staff_member, name="Recovery codes").token_set.create(
        token="oldc0de2"
    )

    page = client.get(TWO_FACTOR).content.decode()
    assert "You have 1 unused recovery code." in page
    response = client.post(TWO_FACTOR)
    codes = recovery_codes_on(response.content.decode())

    assert len(codes) == RECOVERY_CODE_COUNT
    assert not StaticToken.objects.filter(token="oldc0de2").exists()
    assert StaticDevice.objects.filter(user=staff_member).count() == 1


def test_admin_pages_link_to_two_factor_sign_in(client, staff_member):
    sign_in(client, staff_member)

    assert f'href="{TWO_FACTOR}"' in client.get(ADMIN).content.decode()


# --- A lost phone ------------------------------------------------------------------------------


def test_an_administrator_resets_two_factor_for_a_lost_phone(client, staff_member):
    # staff_member is a superuser: the roles give nobody else the user admin.
    colleague = UserFactory(username="colleague", is_staff=True)
    authenticator_for(colleague)
    StaticDevice.objects.create(user=colleague, name="Recovery codes")
    sign_in(client, staff_member)

    response = client.post(
        f"{ADMIN}auth/user/",
        {"action": "reset_two_factor", "_selected_action": [colleague.pk]},
        follow=True,
    )

    assert "Two-factor sign-in was reset for 1 person" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert not StaticDevice.objects.filter(user=colleague).exists()
    assert TOTPDevice.objects.filter(user=staff_member).exists()


def test_nobody_reads_anothers_secret_in_admin(client, staff_member):
    colleague = UserFactory(username="colleague", is_staff=True)
    device = authenticator_for(colleague)
    sign_in(client, staff_member)

    html = client.get(f"{ADMIN}otp_totp/totpdevice/{device.pk}/change/").content.decode()

    assert device.key not in html
    assert client.get(f"{ADMIN}otp_totp/totpdevice/{device.pk}/config/").status_code == 403


def test_production_without_two_factor_fails_the_deploy_check(settings):
    settings.DEBUG, settings.ADMIN_REQUIRE_2FA = False, False

    warnings = run_checks(include_deployment_checks=True, tags=["security"])

    assert "staff.W001" in [warning.id for warning in warnings]


@pytest.mark.parametrize("factory", [AdmissionsStaffFactory, SupervisorFactory])
def test_the_desk_asks_admissions_staff_and_supervisors_for_their_code_too(client, factory):
    person = factory(password="correct-horse-battery")
    authenticator_for(person)
    client.force_login(person)  # the password step, without the code

    response = client.get(f"{ADMIN}admissions/lead/")

    assert response.status_code == 302
    assert response["Location"].startswith(f"{ADMIN}two-factor/verify/")
