import pytest

from tests.admissions.factories import MarketingFactory
from tests.staff_sign_in import sign_in


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def marketing(client):
    """Someone from marketing, signed in to admin with their second factor."""
    user = MarketingFactory()
    sign_in(client, user)
    return client
