import factory

from programs.models import LevelOfCare, Program, ProgramFAQ, Setting


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Evening intensive outpatient {n}")
    slug = factory.Sequence(lambda n: f"evening-iop-{n}")
    level_of_care = LevelOfCare.INTENSIVE_OUTPATIENT
    summary = "Three evenings a week of group and individual therapy."
    body = "Evening groups for people who work during the day.\n\n## Groups\n\nSmall and steady."
    who_it_is_for = "Adults who work or study during the day."
    typical_week = "- Monday, Wednesday and Thursday evenings"
    hours_per_week = "9 hours"
    typical_length = "8 weeks"
    setting = Setting.ON_SITE_OR_VIRTUAL
    insurance_note = "We check your benefits before you start."
    is_published = True
    display_order = factory.Sequence(lambda n: n)


class ProgramFAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramFAQ

    program = factory.SubFactory(ProgramFactory)
    question = factory.Sequence(lambda n: f"Can I attend online, question {n}?")
    answer = "Yes, **by secure video**."
    order = factory.Sequence(lambda n: n)
