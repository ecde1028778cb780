"""Encryption at rest (core.encryption) of a lead's message, insurance member ID and staff notes,
and the key rotation of README, "Encryption at rest"."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.checks import run_checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from admissions.models import Activity, ActivityKind, Lead
from core.encryption import TOKEN_PREFIX
from tests.admissions.factories import LeadFactory

pytestmark = pytest.mark.django_db

KEY_A, KEY_B, KEY_C = (Fernet.generate_key().decode() for _ in range(3))

MESSAGE = "My son has been using opioids since his accident."
MEMBER_ID = "HHP123456789"
NOTE = "Mother says he relapsed in March; call her after 6 pm."


def stored(table: str, column: str, pk_column: str, pk) -> str:
    """The value as it is in the database column, not as the model reads it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {pk_column} = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def stored_message(lead: Lead) -> str:
    return stored("admissions_lead", "message", "id", lead.pk)


def store_raw(lead: Lead, column: str, value: str) -> None:
    """Write straight into the column, as a release from before encryption did."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE admissions_lead SET {column} = %s WHERE id = %s",  # noqa: S608
            [value, lead.pk],
        )


def history_values(lead: Lead) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT message FROM admissions_historicallead WHERE id = %s ORDER BY history_id",
            [lead.pk],
        )
        return [row[0] for row in cursor.fetchall()]


def rotate(*args) -> str:
    out = StringIO()
    call_command("rotate_field_encryption", *args, stdout=out)
    return out.getvalue()


def decrypts_with(key: str, token: str) -> str:
    return Fernet(key).decrypt(token.encode()).decode()


# --- Stored encrypted, read in clear ----------------------------------------------------------


def test_the_message_is_stored_as_a_fernet_token_and_read_back_in_clear(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    lead = LeadFactory(message=MESSAGE, insurance_member_id=MEMBER_ID)

    raw = stored_message(lead)
    assert raw.startswith(TOKEN_PREFIX)
    assert "opioids" not in raw
    assert decrypts_with(KEY_A, raw) == MESSAGE
    assert decrypts_with(KEY_A, stored("admissions_lead", "insurance_member_id", "id", lead.pk))

    read = Lead.objects.get(pk=lead.pk)
    assert (read.message, read.insurance_member_id) == (MESSAGE, MEMBER_ID)


def test_staff_notes_are_stored_encrypted_too(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    activity = Activity.objects.create(lead=LeadFactory(), kind=ActivityKind.NOTE, note=NOTE)

    raw = stored("admissions_activity", "note", "id", activity.pk)
    assert decrypts_with(KEY_A, raw) == NOTE
    assert Activity.objects.get(pk=activity.pk).note == NOTE


def test_a_blank_message_stays_blank_in_the_database():
    lead = LeadFactory(message="")

    assert stored_message(lead) == ""
    assert Lead.objects.get(pk=lead.pk).message == ""


def test_the_same_text_encrypts_differently_each_time():
    first, second = LeadFactory(message=MESSAGE), LeadFactory(message=MESSAGE)

    assert stored_message(first) != stored_message(second)


def test_without_keys_of_its_own_development_derives_one_from_the_secret_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    lead = LeadFactory(message=MESSAGE)

    assert stored_message(lead).startswith(TOKEN_PREFIX)
    assert Lead.objects.get(pk=lead.pk).message == MESSAGE


# --- Queries: emptiness only ------------------------------------------------------------------


@pytest.mark.parametrize(
    "lookup",
    [
        {"message__icontains": "opioids"},
        {"message__contains": "opioids"},
        {"message__startswith": "My"},
        {"message__in": [MESSAGE]},
        {"message__gt": ""},
        {"insurance_member_id__iexact": MEMBER_ID},
        {"activities__note__icontains": "relapsed"},
    ],
)
def test_searching_or_filtering_an_encrypted_field_is_refused_with_a_clear_error(lookup):
    with pytest.raises(FieldError, match="is encrypted at rest"):
        list(Lead.objects.filter(**lookup))


def test_comparing_an_encrypted_field_with_a_value_is_refused_rather_than_never_matching():
    # Each encryption differs, so message=MESSAGE would silently find nothing.
    LeadFactory(message=MESSAGE)

    with pytest.raises(FieldError, match="can only ask whether it is empty"):
        list(Lead.objects.filter(message=MESSAGE))


def test_whether_an_encrypted_field_is_empty_can_be_asked():
    with_message, without = LeadFactory(message=MESSAGE), LeadFactory(message="")

    assert list(Lead.objects.filter(message="")) == [without]
    assert list(Lead.objects.exclude(message="")) == [with_message]
    assert Lead.objects.filter(message__isnull=True).count() == 0


# --- Key rotation -----------------------------------------------------------------------------


def test_a_key_is_rotated_without_any_value_becoming_unreadable(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    lead = LeadFactory(message=MESSAGE, insurance_member_id=MEMBER_ID)
    activity = Activity.objects.create(lead=lead, kind=ActivityKind.NOTE, note=NOTE)

    # 1. The new key first, the old one still there: everything still reads.
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert Lead.objects.get(pk=lead.pk).message == MESSAGE

    # 2. Re-encrypt: every stored value now opens with the new key alone.
    output = rotate()
    assert "admissions_lead.message: 1 re-encrypted" in output
    assert "admissions_lead.insurance_member_id: 1 re-encrypted" in output
    assert "admissions_activity.note: 1 re-encrypted" in output
    assert decrypts_with(KEY_B, stored_message(lead)) == MESSAGE
    raw_member_id = stored("admissions_lead", "insurance_member_id", "id", lead.pk)
    assert decrypts_with(KEY_B, raw_member_id) == MEMBER_ID
    assert decrypts_with(KEY_B, stored("admissions_activity", "note", "id", activity.pk)) == NOTE
    with pytest.raises(InvalidToken):
        decrypts_with(KEY_A, stored_message(lead))

    # 3. The old key removed: still readable.
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    read = Lead.objects.get(pk=lead.pk)
    assert (read.message, read.insurance_member_id) == (MESSAGE, MEMBER_ID)
    assert Activity.objects.get(pk=activity.pk).note == NOTE


def test_the_history_of_leads_is_rotated_too(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    lead = LeadFactory(message=MESSAGE)
    lead.message = "Please call after six."
    lead.save()
    assert len(history_values(lead)) == 2

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    output = rotate()

    assert "admissions_historicallead.message: 2 re-encrypted" in output
    assert [decrypts_with(KEY_B, raw) for raw in history_values(lead)] == [
        MESSAGE,
        "Please call after six.",
    ]
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert [version.message for version in lead.history.order_by("history_id")] == [
        MESSAGE,
        "Please call after six.",
    ]


def test_a_key_removed_before_rotating_makes_reading_fail_with_a_clear_message(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    lead = LeadFactory(message=MESSAGE)

    settings.FIELD_ENCRYPTION_KEYS = [KEY_C]

    with pytest.raises(ImproperlyConfigured, match="a key still in use was removed"):
        Lead.objects.get(pk=lead.pk)


def test_the_command_refuses_to_call_it_done_while_a_key_in_use_is_missing(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    lead = LeadFactory(message=MESSAGE)
    raw = stored_message(lead)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_C]

    with pytest.raises(CommandError, match="a key still in use was removed"):
        rotate()

    assert stored_message(lead) == raw  # left as it was, for when the key is put back


def test_values_stored_in_clear_before_encryption_are_encrypted_by_the_command(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    lead = LeadFactory()
    store_raw(lead, "message", MESSAGE)
    store_raw(lead, "insurance_member_id", MEMBER_ID)
    assert Lead.objects.get(pk=lead.pk).message == MESSAGE  # read as it is meanwhile

    output = rotate()

    assert "admissions_lead.message: 1 re-encrypted (1 stored in clear)" in output
    assert decrypts_with(KEY_A, stored_message(lead)) == MESSAGE
    raw_member_id = stored("admissions_lead", "insurance_member_id", "id", lead.pk)
    assert decrypts_with(KEY_A, raw_member_id) == MEMBER_ID
    assert Lead.objects.get(pk=lead.pk).message == MESSAGE


def test_a_dry_run_counts_what_needs_re_encrypting_and_changes_nothing(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    old, legacy = LeadFactory(message=MESSAGE), LeadFactory()
    store_raw(legacy, "message", "Please call after six.")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    current = LeadFactory(message="Written with the new key.")
    before = {lead.pk: stored_message(lead) for lead in (old, legacy, current)}

    output = rotate("--dry-run")

    assert "admissions_lead.message: 2 to re-encrypt (1 stored in clear), 1 already" in output
    assert "Dry run: nothing was changed." in output
    assert {lead.pk: stored_message(lead) for lead in (old, legacy, current)} == before


def test_rotating_again_changes_nothing(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    lead = LeadFactory(message=MESSAGE)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    rotate()
    after_first = stored_message(lead)

    output = rotate()

    assert "admissions_lead.message: 0 re-encrypted (0 stored in clear), 1 already" in output
    assert stored_message(lead) == after_first


def test_every_row_is_rotated_however_many_batches_it_takes(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    leads = [LeadFactory(message=f"Message {n}") for n in range(7)]
    LeadFactory(message="")  # blank: nothing to encrypt
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    output = rotate("--batch-size", "3")

    assert "admissions_lead.message: 7 re-encrypted" in output
    assert [decrypts_with(KEY_B, stored_message(lead)) for lead in leads] == [
        f"Message {n}" for n in range(7)
    ]


# --- Production -------------------------------------------------------------------------------


def test_production_without_encryption_keys_is_a_configuration_error(settings):
    settings.DEBUG, settings.FIELD_ENCRYPTION_KEYS = False, []

    assert "core.E002" in [error.id for error in run_checks()]


def test_production_with_encryption_keys_passes_that_check(settings):
    settings.DEBUG, settings.FIELD_ENCRYPTION_KEYS = False, [KEY_A]

    assert "core.E002" not in [error.id for error in run_checks()]
