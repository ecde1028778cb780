import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import IntegrityError

from programs.models import Program
from tests.factories import UserFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_slugs_are_unique():
    ProgramFactory(slug="intensive-outpatient")

    with pytest.raises(IntegrityError):
        ProgramFactory(slug="intensive-outpatient")


def test_programs_are_listed_by_display_order_then_name():
    ProgramFactory(name="Aftercare", display_order=50)
    ProgramFactory(name="Inpatient", display_order=10)
    ProgramFactory(name="Alumni evenings", display_order=50)

    assert list(Program.objects.values_list("name", flat=True)) == [
        "Inpatient",
        "Aftercare",
        "Alumni evenings",
    ]


def test_only_published_programs_are_public():
    published = ProgramFactory(is_published=True)
    ProgramFactory(is_published=False)

    assert list(Program.objects.published()) == [published]
    assert list(Program.objects.visible_to(AnonymousUser())) == [published]


def test_staff_who_may_view_programs_also_see_drafts():
    ProgramFactory(is_published=True)
    ProgramFactory(is_published=False)
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_program"))
    staff_without_permission = UserFactory(is_staff=True)

    assert Program.objects.visible_to(editor).count() == 2
    assert Program.objects.visible_to(staff_without_permission).count() == 1


def test_the_level_of_care_must_be_one_of_the_five():
    with pytest.raises(IntegrityError):
        ProgramFactory(level_of_care="detox-spa")


def test_an_image_needs_a_description_even_if_saved_outside_admin():
    program = ProgramFactory()

    with pytest.raises(IntegrityError):
        Program.objects.filter(pk=program.pk).update(hero_image="programs/garden.webp")
