from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from admissions.bot_traps import HONEYPOT_FIELD
from admissions.consent import CONSENT_TEXT
from infosessions.services import RegistrationDetails

WAITING_LIST_EMAIL_HELP = _(
    "We e-mail you here that you are on the waiting list, and again if a place opens for you."
)


class RegistrationForm(forms.Form):
    """A place at one session: a name, an e-mail for the confirmation, a phone if they like."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=60,
        error_messages={"required": _("Enter your first name.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=60,
        error_messages={"required": _("Enter your last name.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Your confirmation, the calendar invitation and the reminders go here."),
        error_messages={
            "required": _("Enter your e-mail address, for your confirmation."),
            "invalid": _("Enter an e-mail address like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = PhoneNumberField(
        label=_("Phone number (optional)"),
        region="US",
        required=False,
        help_text=_("If you would like a call about the program. For example (617) 555-0143."),
        error_messages={"invalid": _("Enter a valid phone number, for example (617) 555-0143.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={
            "required": _("Please tick this box so that we may send you the confirmation.")
        },
    )
    # Bot traps, as on the consultation form.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, submit_label=None, action="", **kwargs):
        super().__init__(*args, **kwargs)
        if submit_label is not None:  # the waiting list's form: no confirmation comes yet
            self.fields["email"].help_text = WAITING_LIST_EMAIL_HELP
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.form_id = "registration-form"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Div("first_name", "last_name", css_class="form-pair"),
            "email",
            "phone",
            "consent",
            Div(HONEYPOT_FIELD, css_class="form-extra"),
            "form_token",
            HTML(
                "{% if proof_of_work_required %}"
                "{% include 'admissions/includes/proof_of_work.html' %}{% endif %}"
            ),
            Submit("submit", submit_label or _("Register"), css_class="btn-lg"),
        )
        self.fields[HONEYPOT_FIELD].widget.attrs["autocomplete"] = "off"

    def error_summary(self) -> list[tuple[str, str]]:
        return [
            (self[name].id_for_label, message)
            for name in self.fields
            for message in self.errors.get(name, [])
        ]

    def registration_details(self) -> RegistrationDetails:
        data = self.cleaned_data
        return RegistrationDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data["phone"] or None,
            consent_given=data["consent"],
        )
