from io import StringIO

import pytest
from django.core.management import call_command

from programs.models import Program

pytestmark = pytest.mark.django_db

DEMO_SLUGS = {
    "intensive-outpatient",
    "partial-hospitalization",
    "inpatient",
    "social-reintegration",
    "aftercare",
}


def test_the_demo_has_the_five_levels_of_care_published_with_faqs():
    call_command("seed_demo", stdout=StringIO())

    programs = Program.objects.published().prefetch_related("faqs")
    assert {program.slug for program in programs} == DEMO_SLUGS
    assert len({program.level_of_care for program in programs}) == 5
    for program in programs:
        assert len(program.faqs.all()) >= 3, program.slug
        program.full_clean()


def test_seeding_again_leaves_marketing_edits_alone():
    call_command("seed_demo", stdout=StringIO())
    Program.objects.filter(slug="aftercare").update(summary="Edited by marketing.")
    Program.objects.get(slug="inpatient").faqs.first().delete()
    faq_count = sum(program.faqs.count() for program in Program.objects.all())

    call_command("seed_demo", stdout=StringIO())

    assert Program.objects.get(slug="aftercare").summary == "Edited by marketing."
    assert sum(program.faqs.count() for program in Program.objects.all()) == faq_count
