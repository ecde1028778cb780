"""A line break counts as one character on both sides: in the form's live count (the textarea's
`value`, which has "\n") and on the server (which receives "\r\n", as browsers send it)."""

import pytest

from admissions.desk import NOTE_MAX_LENGTH, NoteForm
from admissions.forms import MESSAGE_MAX_LENGTH, ConsultationRequestForm
from admissions.models import Lead
from programs.admin import ProgramAdminForm
from tests.admissions.conftest import form_data

pytestmark = pytest.mark.django_db


def lines_of(total: int, count: int = 20) -> str:
    """`count` lines joined by "\n", `total` characters in all, as the counter counts them."""
    letters = total - (count - 1)
    lines = ["x" * (letters // count + (1 if i < letters % count else 0)) for i in range(count)]
    text = "\n".join(lines)
    assert len(text) == total and text.count("\n") == count - 1
    return text


def as_sent(text: str) -> str:
    """What the browser submits for a textarea holding `text`."""
    return text.replace("\n", "\r\n")


def test_a_20_line_message_the_counter_shows_as_the_limit_is_accepted_and_stored_as_counted(
    post_form,
):
    counted = lines_of(MESSAGE_MAX_LENGTH)  # the counter: "1000 of 1000 characters."
    assert len(as_sent(counted)) == MESSAGE_MAX_LENGTH + 19

    response = post_form(form_data(message=as_sent(counted)))

    assert response.status_code == 302
    stored = Lead.objects.get().message
    assert stored == counted
    assert len(stored) == MESSAGE_MAX_LENGTH


def test_the_form_validates_the_message_with_one_character_a_line_break():
    counted = lines_of(MESSAGE_MAX_LENGTH)
    form = ConsultationRequestForm(form_data(message=as_sent(counted)))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["message"] == counted


def test_one_character_too_many_is_refused_with_the_count_the_counter_shows(post_form):
    counted = lines_of(MESSAGE_MAX_LENGTH + 1)  # the counter: "1 character too many…"

    response = post_form(form_data(message=as_sent(counted)))

    assert response.status_code == 200
    assert not Lead.objects.exists()
    form = response.context["form"]
    assert form.errors["message"] == [
        f"Please keep your message to 1,000 characters or fewer (it has {len(counted)})."
    ]
    assert len(counted) == 1001


def test_lone_carriage_returns_are_line_breaks_too():
    form = ConsultationRequestForm(form_data(message="one\rtwo\r\nthree\nfour"))

    assert form.is_valid()
    assert form.cleaned_data["message"] == "one\ntwo\nthree\nfour"


def test_a_desk_note_counts_a_line_break_as_one_character():
    counted = lines_of(NOTE_MAX_LENGTH)

    accepted = NoteForm({"note-note": as_sent(counted)}, prefix="note")
    refused = NoteForm({"note-note": as_sent(lines_of(NOTE_MAX_LENGTH + 1))}, prefix="note")

    assert accepted.is_valid(), accepted.errors
    assert accepted.cleaned_data["note"] == counted
    assert not refused.is_valid()
    assert "(it has 2001)" in str(refused.errors["note"])


@pytest.mark.parametrize(("name", "limit"), [("meta_description", 160), ("who_it_is_for", 300)])
def test_program_textareas_count_a_line_break_as_one_character(name, limit):
    field = ProgramAdminForm.base_fields[name]
    counted = lines_of(limit, count=4)

    assert field.max_length == limit
    assert field.clean(as_sent(counted)) == counted
