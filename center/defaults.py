"""What the center's pages say until marketing edits it: the seeded profile, and the words the
site falls back on while the database is unreachable."""

from django.conf import settings

HOME_HEADLINE = "Mental health and substance use treatment, with a path that fits your life"

HOME_INTRO = (
    "{name} helps adults in Massachusetts, and the people who love them, through depression, "
    "anxiety, trauma, addiction and the places where they meet. Our admissions team answers day "
    "and night, and a first conversation costs nothing."
)

WHO_WE_HELP_INTRO = (
    "People come to us at many different points: after a hospital stay, when outpatient therapy "
    "is no longer enough, or when a family member is worried and does not know where to begin. "
    "We treat:"
)

WHO_WE_HELP = """\
Depression and other mood disorders
Anxiety, panic and obsessive-compulsive disorders
Trauma and post-traumatic stress
Alcohol, opioid and other substance use
Co-occurring mental health and substance use conditions
Life transitions that have become overwhelming"""

MISSION = (
    "We help adults in Massachusetts recover from mental illness and addiction, close to home, "
    "with care that respects their time, their privacy and their families."
)

APPROACH = """\
Treatment works best when it fits the person. Every plan starts with a full assessment and \
changes as you do: most people move between levels of care, stepping down as they grow \
steadier and back up, without starting over, if they need to.

- **Evidence first.** Our therapies, such as cognitive behavioral therapy, dialectical behavior \
therapy and medication for addiction treatment, are the ones with the strongest research behind \
them.
- **Mental health and substance use together.** One team treats both, because each affects the \
other.
- **Families included.** With your permission, the people closest to you learn how to help.
- **A plan for afterwards.** From the first week we plan what comes next, so support does not \
end when a program does."""

INSURANCE_INTRO = (
    "Most people pay for treatment with health insurance. We work with the plans below, and our "
    "admissions team checks your benefits for you, at no cost, before you start."
)

VERIFICATION = """\
1. **Call us or send a request.** Have your insurance card nearby if you can; we can also start \
without it.
2. **We call your insurer.** An admissions counselor checks what your plan covers for the level \
of care that fits, and whether it needs prior authorization.
3. **We tell you what to expect.** You hear what is covered and what you may owe, in plain \
words, before you decide anything.

Checking your benefits does not commit you to treatment, and it does not affect your coverage."""

SELF_PAY = """\
If you have no insurance, or your plan does not cover the care you need, you can pay for \
treatment yourself. Ask admissions for our current self-pay rates: we will give them to you in \
writing, and we can talk through payment plans."""


def profile_fields(name: str) -> dict:
    """The profile's text fields, as seeded for a center called `name`."""
    return {
        "home_headline": HOME_HEADLINE,
        "home_intro": HOME_INTRO.format(name=name),
        "who_we_help_intro": WHO_WE_HELP_INTRO,
        "who_we_help": WHO_WE_HELP,
        "mission": MISSION,
        "approach": APPROACH,
        "insurance_intro": INSURANCE_INTRO,
        "verification": VERIFICATION,
        "self_pay": SELF_PAY,
    }


def ensure_profile(profile_model, place_model) -> bool:
    """Create the profile, with the name, phone and address in settings and today's words, if it
    is missing; used by a data migration and by seed_demo. True if it was created."""
    if profile_model.objects.exists():
        return False
    # Only the fields the model has at this point of the migrations: a field added later is not
    # there yet when an old migration runs.
    has_field = {field.name for field in profile_model._meta.get_fields()}.__contains__
    texts = {
        name: text for name, text in profile_fields(settings.SITE_NAME).items() if has_field(name)
    }
    profile = profile_model.objects.create(
        id=1, name=settings.SITE_NAME, admissions_phone=settings.ADMISSIONS_PHONE, **texts
    )
    place_model.objects.create(
        profile=profile,
        name=f"{settings.CENTER_CITY}: main office",
        street_address=settings.CENTER_STREET_ADDRESS,
        city=settings.CENTER_CITY,
        state=settings.CENTER_STATE,
        postal_code=settings.CENTER_POSTAL_CODE,
        hours="Admissions: 24 hours a day, every day",
    )
    return True
