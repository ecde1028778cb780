import pytest
from django.core.exceptions import ImproperlyConfigured

from resilience.env import Env


def test_an_unset_variable_takes_its_default():
    assert Env({}).str("SITE_NAME", default="Resilience") == "Resilience"


def test_an_empty_variable_counts_as_unset():
    assert Env({"SITE_NAME": "  "}).str("SITE_NAME", default="Resilience") == "Resilience"


def test_a_required_variable_that_is_missing_names_itself():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        Env({}).str("SECRET_KEY")


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("On", True), ("0", False)])
def test_booleans_accept_the_usual_spellings(raw, expected):
    assert Env({"DEBUG": raw}).bool("DEBUG", default=False) is expected


def test_a_misspelt_boolean_is_refused_rather_than_read_as_false():
    with pytest.raises(ImproperlyConfigured, match="DEBUG='ture' is not a boolean"):
        Env({"DEBUG": "ture"}).bool("DEBUG", default=False)


def test_integers_are_checked():
    assert Env({"EMAIL_PORT": "25"}).int("EMAIL_PORT", default=587) == 25
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        Env({"EMAIL_PORT": "twenty"}).int("EMAIL_PORT", default=587)
    with pytest.raises(ImproperlyConfigured, match="minimum is 1"):
        Env({"EMAIL_PORT": "0"}).int("EMAIL_PORT", default=587, minimum=1)


def test_lists_are_comma_separated():
    env = Env({"ALLOWED_HOSTS": "example.org, www.example.org,,"})
    assert env.list("ALLOWED_HOSTS", default=[]) == ["example.org", "www.example.org"]


def test_a_bad_url_is_refused_without_echoing_its_password():
    env = Env({"REDIS_URL": "http://user:hunter2@cache:6379"})
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL is not a valid URL") as error:
        env.url("REDIS_URL", default=None, schemes=("redis", "rediss"))
    assert "hunter2" not in str(error.value)
