import pytest

INBOX = "admissions@127.0.0.1"


@pytest.fixture(autouse=True)
def team_inbox(settings):
    settings.ADMISSIONS_INBOX_EMAIL = INBOX


@pytest.fixture
def register(django_capture_on_commit_callbacks):
    """Register the way the view does: stored, then the messages sent once committed."""
    from infosessions import services

    def register(session, email="robin@example.org", phone=None, **options):
        details = services.RegistrationDetails(
            first_name="Robin",
            last_name="Avery",
            email=email,
            phone=phone,
            consent_given=True,
        )
        with django_capture_on_commit_callbacks(execute=True):
            return services.register(session.pk, details, **options)

    return register
