import logging
import re
from dataclasses import dataclass, replace

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from admissions.bot_traps import HONEYPOT_FIELD
from admissions.consent import CONSENT_TEXT
from admissions.models import (
    BestTime,
    ContactMethod,
    ForWhom,
    Lead,
    Payment,
    ReferralSource,
    Relationship,
    Subscriber,
)
from admissions.services import ConsultationRequest
from center.models import InsuranceCarrier
from core.db.outage import DATABASE_UNREACHABLE
from core.forms import MultilineCharField
from core.pagecache import cached_value
from programs.models import Program

logger = logging.getLogger(__name__)

MESSAGE_MAX_LENGTH = Lead._meta.get_field("message").max_length
CARRIER_MAX_LENGTH = Lead._meta.get_field("insurance_carrier").max_length
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


@dataclass(frozen=True)
class FormChoices:
    """What the form offers from the database: published programs and accepted insurers."""

    programs: list[tuple[str, str]]  # (slug, name)
    carriers: list[str]
    # False while the database is unreachable: the lists are the last ones this process saw.
    from_database: bool = True


_last_known_choices = FormChoices(programs=[], carriers=[], from_database=False)


def form_choices() -> FormChoices:
    """The form's choices; while the database is unreachable, the last ones this process saw,
    so that the form can still be shown and sent."""
    global _last_known_choices
    try:
        choices = FormChoices(
            programs=list(Program.objects.published().values_list("slug", "name")),
            carriers=list(InsuranceCarrier.objects.values_list("name", flat=True)),
        )
    except DatabaseError as error:
        # Unreachable (a failover), or refusing this query (a release ahead of its migration, a
        # lagging replica): either way the form is shown and a request sent with it is kept.
        if isinstance(error, DATABASE_UNREACHABLE):
            logger.warning("Consultation form shown without the database")
        else:
            logger.exception("Consultation form shown without its choices from the database")
        return replace(_last_known_choices, from_database=False)
    _last_known_choices = choices
    return choices


def form_choices_kept() -> FormChoices:
    """form_choices(), kept for every web process like the form page that offered them (an
    edit to the programs or insurers shows at once): a request is checked against the lists it
    was offered, without reading them again."""
    return cached_value("consultation-form-choices", form_choices, keep=_from_database)


def _from_database(choices: FormChoices) -> bool:
    return choices.from_database


class ProgramChoiceField(forms.ChoiceField):
    """A published program, by slug. While the database is unreachable any slug is accepted:
    the request is kept, and the program looked up when it is stored."""

    def __init__(self, *args, **kwargs):
        self.accept_any_slug = False
        super().__init__(*args, **kwargs)

    def valid_value(self, value) -> bool:
        return super().valid_value(value) or (
            self.accept_any_slug and bool(SLUG.fullmatch(str(value)))
        )


# The carrier choice for a plan that is not on the list: its name goes in the next field.
OTHER_CARRIER = "other"
# Stored when "another company" is chosen and no name typed, so admissions knows to ask.
UNNAMED_OTHER_CARRIER = "Another company (name not given)"


class CarrierChoiceField(forms.ChoiceField):
    """An insurer from the list marketing keeps, by name. Any name is accepted: one taken off
    the list after the page was shown still reaches admissions, and this field is optional. It
    is then text like any other: stripped, bounded, and without NUL characters."""

    default_validators = [ProhibitNullCharactersValidator()]

    def to_python(self, value) -> str:
        return super().to_python(value).strip()

    def valid_value(self, value) -> bool:
        return super().valid_value(value) or len(str(value)) <= CARRIER_MAX_LENGTH


def _choices_with_blank(choices):
    return [("", _("Choose…")), *choices]


class Disclosure(Div):
    """Fields in a <details> element: a section people open only if they want to, which works
    with the keyboard and screen readers, and without JavaScript. Closed, unless `open_if(form)`
    says otherwise (what they typed, or an error, must not be hidden when the form comes back)."""

    template = "admissions/layout/disclosure.html"

    def __init__(self, summary, hint, *fields, open_if, css_id):
        super().__init__(*fields, css_id=css_id)
        self.summary = summary
        self.hint = hint
        self.open_if = open_if

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        fields = self.get_rendered_fields(form, context, template_pack, **kwargs)
        return render_to_string(
            self.template, {"disclosure": self, "fields": fields, "open": self.open_if(form)}
        )


# Only for a request about someone else: shown once that is chosen (consultation-form.js).
SOMEONE_ELSE_FIELDS = ("relationship", "patient_first_name")
# The optional insurance section, closed until opened.
INSURANCE_FIELDS = (
    "payment",
    "insurance_carrier",
    "insurance_carrier_other",
    "insurance_member_id",
    "insurance_group_number",
    "insurance_subscriber",
)


class ConsultationRequestForm(forms.Form):
    for_whom = forms.ChoiceField(
        label=_("Who needs help?"),
        choices=ForWhom.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Tell us who needs help: you, or someone you care about.")},
    )
    first_name = forms.CharField(
        label=_("Your first name"),
        max_length=60,
        error_messages={"required": _("Enter your first name.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Your last name"),
        max_length=60,
        error_messages={"required": _("Enter your last name.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    relationship = forms.ChoiceField(
        label=_("Your relationship to them"),
        choices=_choices_with_blank(Relationship.choices),
        required=False,
    )
    patient_first_name = forms.CharField(label=_("Their first name"), max_length=60, required=False)
    phone = PhoneNumberField(
        label=_("Phone number"),
        region="US",
        help_text=_("We will call or text this number. For example (617) 555-0143."),
        error_messages={
            "required": _("Enter a phone number so we can call you back."),
            "invalid": _("Enter a valid phone number, for example (617) 555-0143."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail (optional, unless you choose e-mail above)"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an e-mail address like name@example.com.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    preferred_contact = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        initial=ContactMethod.CALL,
        error_messages={"required": _("Choose how we should contact you.")},
    )
    best_time = forms.ChoiceField(
        label=_("Best time to reach you (optional)"),
        choices=BestTime.choices,
        initial=BestTime.ANY,
        required=False,
    )
    program = ProgramChoiceField(
        label=_("Program you are interested in (optional)"), required=False
    )
    payment = forms.ChoiceField(
        label=_("How would you pay for treatment? (optional)"),
        choices=Payment.choices,
        widget=forms.RadioSelect,
        initial=Payment.NOT_SURE,
        required=False,
    )
    insurance_carrier = CarrierChoiceField(
        label=_("Insurance company (optional)"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "Choose your insurance company from the list, or “Another company”."
            )
        },
    )
    # Shown once "another company" is chosen (consultation-form.js); always without JavaScript.
    insurance_carrier_other = forms.CharField(
        label=_("If it is not listed, its name (optional)"),
        max_length=CARRIER_MAX_LENGTH,
        required=False,
    )
    insurance_member_id = forms.CharField(
        label=_("Member ID (optional)"), max_length=40, required=False
    )
    insurance_group_number = forms.CharField(
        label=_("Group number (optional)"), max_length=40, required=False
    )
    insurance_subscriber = forms.ChoiceField(
        label=_("Whose name is the policy in? (optional)"),
        choices=Subscriber.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    # A line break counts as one character, as in the live count (see MultilineCharField).
    message = MultilineCharField(
        label=_("Anything you would like us to know? (optional)"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        help_text=format_lazy(
            _(
                "Up to {limit} characters. Please don’t include anything you would not want an "
                "admissions counselor to read."
            ),
            limit=f"{MESSAGE_MAX_LENGTH:,}",
        ),
        error_messages={
            "max_length": format_lazy(
                _(
                    "Please keep your message to {limit} characters or fewer "
                    "(it has %(show_value)d)."
                ),
                limit=f"{MESSAGE_MAX_LENGTH:,}",
            ),
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    referral_source = forms.ChoiceField(
        label=_("How did you hear about us? (optional)"),
        choices=_choices_with_blank(ReferralSource.choices),
        required=False,
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={
            "required": _("Please tick this box so that we are allowed to contact you.")
        },
    )
    # Bot traps: a field people never see, and the signed time the form was shown.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    # As the layout shows them, so that the error summary lists errors in the order of the page.
    field_order = [
        "for_whom",
        *SOMEONE_ELSE_FIELDS,
        "first_name",
        "last_name",
        "phone",
        "preferred_contact",
        "email",
        "best_time",
        "program",
        *INSURANCE_FIELDS,
        "message",
        "referral_source",
        "consent",
    ]

    def __init__(self, *args, choices: FormChoices | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices or form_choices()
        self.fields["program"].choices = [("", _("Not sure yet")), *self.choices.programs]
        self.fields["program"].accept_any_slug = not self.choices.from_database
        carrier = self.fields["insurance_carrier"]
        carrier.choices = [
            ("", _("Choose…")),
            *[(name, name) for name in self.choices.carriers],
            (OTHER_CARRIER, _("Another company")),
        ]
        self.helper = FormHelper()
        self.helper.form_id = "consultation-form"
        self.helper.attrs = {
            "novalidate": ""
        }  # our messages, in the error summary, not the browser's
        self.helper.layout = Layout(
            # First, and all that admissions needs to call back: who needs help, a name, a
            # phone number and how to get in touch. (Consent comes last, by "Send".)
            Fieldset(
                _("About you"),
                "for_whom",
                # Shown right after the choice of "Someone I care about" (consultation-form.js),
                # always without JavaScript: its legend says when it is needed.
                Div(
                    # Said in the legend, which a screen reader announces on entering the
                    # group, not in a note it would pass over.
                    Fieldset(
                        _("If you are asking for someone else: both are needed"),
                        Div(*SOMEONE_ELSE_FIELDS, css_class="form-pair"),
                    ),
                    css_id="someone-else",
                    css_class="someone-else",
                    data_shown_when="for_whom",
                    data_shown_for=ForWhom.SOMEONE_ELSE,
                ),
                Div("first_name", "last_name", css_class="form-pair"),
                "phone",
                "preferred_contact",
                "email",
            ),
            # Then what helps, none of it needed; the insurance details closed until opened,
            # or shown open when the form comes back with some of them (insurance_section_open).
            Fieldset(
                _("More details (optional)"),
                "best_time",
                "program",
                Disclosure(
                    _("Insurance details (optional)"),
                    _("Add them now, or tell us on the phone."),
                    "payment",
                    "insurance_carrier",
                    Div(
                        "insurance_carrier_other",
                        css_id="carrier-other",
                        data_shown_when="insurance_carrier",
                        data_shown_for=OTHER_CARRIER,
                    ),
                    Div("insurance_member_id", "insurance_group_number", css_class="form-pair"),
                    "insurance_subscriber",
                    open_if=lambda form: form.insurance_section_open(),
                    css_id="insurance-details",
                ),
                "message",
                "referral_source",
            ),
            "consent",
            # Hidden by the stylesheet: people never see it, form-filling scripts usually do.
            Div(HONEYPOT_FIELD, css_class="form-extra"),
            "form_token",
            # During a flood, or after many requests from one connection: a proof of work.
            HTML(
                "{% if proof_of_work_required %}"
                "{% include 'admissions/includes/proof_of_work.html' %}{% endif %}"
            ),
            Submit("submit", _("Send my request"), css_class="btn-lg"),
        )
        self.fields[HONEYPOT_FIELD].widget.attrs["autocomplete"] = "off"
        # No maxlength: it would silently cut off pasted text. A live count says the limit,
        # and the server refuses more with a message.
        message_attrs = self.fields["message"].widget.attrs
        message_attrs.pop("maxlength")
        message_attrs["data-max-length"] = MESSAGE_MAX_LENGTH
        # The counter's words, in the visitor's language (character-count.js fills them in).
        message_attrs["data-count-within"] = _("{used} of {limit} characters.")
        message_attrs["data-count-over-one"] = _(
            "{over} character too many: please shorten it to {limit}."
        )
        message_attrs["data-count-over-other"] = _(
            "{over} characters too many: please shorten it to {limit}."
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("for_whom") == ForWhom.SOMEONE_ELSE:
            if not cleaned.get("patient_first_name"):
                self.add_error(
                    "patient_first_name", _("Tell us the first name of the person who needs help.")
                )
            if not cleaned.get("relationship"):
                self.add_error("relationship", _("Tell us how you are related to them."))
        # An address typed wrong has its own message already.
        if (
            cleaned.get("preferred_contact") == ContactMethod.EMAIL
            and not cleaned.get("email")
            and not self.has_error("email")
        ):
            self.add_error("email", _("Enter an e-mail address, or choose a call or a text."))
        return cleaned

    def insurance_carrier_name(self) -> str:
        """The insurer as admissions reads it: the one chosen from the list, else the name typed
        (without JavaScript the name can be typed with nothing chosen), else a word that one not
        on the list was chosen."""
        chosen = self.cleaned_data["insurance_carrier"]
        typed = self.cleaned_data["insurance_carrier_other"].strip()
        if chosen and chosen != OTHER_CARRIER:
            return chosen
        if typed:
            return typed
        return UNNAMED_OTHER_CARRIER if chosen == OTHER_CARRIER else ""

    def insurance_section_open(self) -> bool:
        """Whether the insurance section is shown open: only when the form comes back (with an
        error, or to be sent again) with something chosen or typed in it, or an error in it."""
        if not self.is_bound:
            return False
        if any(name in self.errors for name in INSURANCE_FIELDS):
            return True
        return any(
            self[name].value() not in (None, "", self.fields[name].initial)
            for name in INSURANCE_FIELDS
        )

    def error_summary(self) -> list[tuple[str, str]]:
        """(element id, message) for every error, in form order, for the summary at the top.

        A choice of radio buttons links to its first button, the first thing to answer.
        """
        summary = []
        for name in self.fields:
            field = self[name]
            target = field.id_for_label or field.subwidgets[0].id_for_label
            summary += [(target, message) for message in self.errors.get(name, [])]
        return summary

    def consultation_request(self) -> ConsultationRequest:
        data = self.cleaned_data
        someone_else = data["for_whom"] == ForWhom.SOMEONE_ELSE
        return ConsultationRequest(
            for_whom=data["for_whom"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            relationship=data["relationship"] if someone_else else "",
            patient_first_name=data["patient_first_name"] if someone_else else "",
            phone=data["phone"],
            email=data["email"],
            preferred_contact=data["preferred_contact"],
            best_time=data["best_time"] or BestTime.ANY,
            program=data["program"] or "",
            payment=data["payment"] or Payment.NOT_SURE,
            insurance_carrier=self.insurance_carrier_name(),
            insurance_member_id=data["insurance_member_id"],
            insurance_group_number=data["insurance_group_number"],
            insurance_subscriber=data["insurance_subscriber"],
            message=data["message"],
            referral_source=data["referral_source"],
            consent_given=data["consent"],
        )
