import re
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from programs.models import Program
from tests.programs.factories import ProgramFactory, ProgramFAQFactory
from tests.staff_sign_in import sign_in

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}programs/program/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, signed in with the second factor admin requires."""
    sign_in(client, admin_user)
    return client


def program_form(**overrides):
    data = {
        "name": "Evening IOP",
        "slug": "evening-iop",
        "level_of_care": "iop",
        "summary": "Three evenings a week.",
        "is_published": "on",
        "who_it_is_for": "Adults who work during the day.",
        "hours_per_week": "9 hours",
        "typical_length": "8 weeks",
        "setting": "on_site",
        "body": "Evening groups.",
        "typical_week": "- Monday evening",
        "insurance_note": "We check your benefits.",
        "hero_image_alt": "",
        "seo_title": "",
        "meta_description": "",
        "display_order": "30",
        "faqs-TOTAL_FORMS": "2",
        "faqs-INITIAL_FORMS": "0",
        "faqs-0-question": "Can I join online?",
        "faqs-0-answer": "Yes.",
        "faqs-0-order": "2",
        "faqs-1-question": "Is there parking?",
        "faqs-1-answer": "Yes, free.",
        "faqs-1-order": "1",
    }
    return {**data, **overrides}


def photo(width=3000, height=2000, exif_location=True) -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), "teal")
    exif = Image.Exif()
    if exif_location:
        exif[0x8825] = {2: (42.0, 21.0, 0.0)}  # GPS latitude
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("garden.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_the_list_shows_level_order_and_published_state(admin_client):
    ProgramFactory(name="Evening IOP")

    html = admin_client.get(ADMIN).content.decode()

    for column in ("Level of care", "Display order", "Published"):
        assert column in html
    assert "Evening IOP" in html


def test_marketing_creates_a_program_with_faqs(admin_client):
    response = admin_client.post(f"{ADMIN}add/", program_form())

    assert response.status_code == 302, response.context["adminform"].errors
    program = Program.objects.get(slug="evening-iop")
    assert [faq.question for faq in program.faqs.all()] == [
        "Is there parking?",
        "Can I join online?",
    ]


def test_an_image_without_a_description_is_refused_and_nothing_is_saved(admin_client):
    response = admin_client.post(f"{ADMIN}add/", program_form(hero_image=photo()))

    assert response.status_code == 200
    assert "Describe the image for people who cannot see it." in response.content.decode()
    assert not Program.objects.exists()


def test_an_uploaded_photo_is_resized_and_its_location_data_removed(admin_client):
    response = admin_client.post(
        f"{ADMIN}add/",
        program_form(hero_image=photo(), hero_image_alt="A quiet garden with benches"),
    )

    assert response.status_code == 302
    program = Program.objects.get(slug="evening-iop")
    assert program.hero_image.name.endswith(".webp")
    assert (program.hero_image_width, program.hero_image_height) == (1600, 1067)
    with Image.open(program.hero_image.path) as stored:
        assert stored.format == "WEBP"
        assert not stored.getexif().get_ifd(0x8825)


def test_a_file_that_is_not_an_image_is_refused(admin_client):
    not_an_image = SimpleUploadedFile("notes.jpg", b"not really a picture", "image/jpeg")

    response = admin_client.post(
        f"{ADMIN}add/", program_form(hero_image=not_an_image, hero_image_alt="x")
    )

    assert response.status_code == 200
    assert not Program.objects.exists()


def test_view_on_site_leads_to_the_program_page(admin_client):
    program = ProgramFactory(slug="evening-iop")

    html = admin_client.get(f"{ADMIN}{program.pk}/change/").content.decode()
    view_on_site = re.search(r'href="([^"]+)" class="viewsitelink"', html).group(1)

    assert admin_client.get(view_on_site).url.endswith("/programs/evening-iop/")


def test_search_finds_programs_by_name(admin_client):
    ProgramFactory(name="Evening IOP")
    ProgramFactory(name="Aftercare", summary="Staying connected.", body="Alumni groups.")

    response = admin_client.get(ADMIN, {"q": "evening"})

    assert [program.name for program in response.context["cl"].result_list] == ["Evening IOP"]


def test_seo_fields_show_a_live_character_count(admin_client):
    html = admin_client.get(f"{ADMIN}add/").content.decode()

    assert 'data-recommended-length="60"' in html  # SEO title
    assert 'data-recommended-length="160"' in html  # meta description
    assert "js/character-count.js" in html


def test_faqs_are_edited_inline_in_order(admin_client):
    program = ProgramFactory()
    ProgramFAQFactory(program=program, question="Later?", order=5)
    ProgramFAQFactory(program=program, question="Sooner?", order=1)

    html = admin_client.get(f"{ADMIN}{program.pk}/change/").content.decode()

    assert html.index("Sooner?") < html.index("Later?")
