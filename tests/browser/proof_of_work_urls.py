"""Test-only pages for the proof of work: a form carrying the partial, and challenges that are
slow or unavailable. Use with @pytest.mark.urls("tests.browser.proof_of_work_urls").

The form page checks each POST with `solution_is_valid`, records the verdict in `verdicts` and
shows it, with the name that was typed, as the consultation form shows what was typed again.
"""

import time

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path, reverse
from django.views.decorators.cache import never_cache

from admissions import proof_of_work

verdicts: list[bool] = []

# How long the slow challenge takes to answer: time enough to press Send while it is checking.
SLOW_CHALLENGE_SECONDS = 2

PAGE = engines["django"].from_string(
    """{% extends "base.html" %}
{% block title %}Proof of work{% endblock %}
{% block content %}
<div class="container page-section">
  <h1>Proof of work</h1>
  {% if verdict is not None %}
  <p id="verdict">{{ verdict|yesno:"Accepted,Refused" }}</p>
  {% endif %}
  <form method="post" novalidate>
    {% csrf_token %}
    <div class="mb-3">
      <label class="form-label" for="id_first_name">Your first name</label>
      <input class="form-control" type="text" name="first_name" id="id_first_name"
             value="{{ first_name }}" autocomplete="given-name">
    </div>
    {% include "admissions/includes/proof_of_work.html" %}
    <button type="submit" name="submit" class="btn btn-primary btn-lg">Send my request</button>
  </form>
</div>
{% endblock %}
"""
)

# ?challenge=… picks the challenge the form page's widget fetches.
CHALLENGES = {
    "working": "proof-of-work-challenge",
    "slow": "proof-of-work-slow-challenge",
    "unavailable": "proof-of-work-unavailable-challenge",
}


@never_cache
def form_page(request):
    verdict = None
    if request.method == "POST":
        verdict = proof_of_work.solution_is_valid(request.POST.get(proof_of_work.FIELD_NAME))
        verdicts.append(verdict)
    challenge = CHALLENGES[request.GET.get("challenge", "working")]
    context = {
        "verdict": verdict,
        "first_name": request.POST.get("first_name", ""),
        "proof_of_work_challenge_url": reverse(challenge),
    }
    return HttpResponse(PAGE.render(context, request))


def slow_challenge(request):
    time.sleep(SLOW_CHALLENGE_SECONDS)
    return proof_of_work.challenge(request)


def unavailable_challenge(request):
    return HttpResponse("Unavailable", status=503, content_type="text/plain")


urlpatterns = [
    path("proof-of-work/", form_page, name="proof-of-work-form"),
    path("proof-of-work/challenge/", proof_of_work.challenge, name="proof-of-work-challenge"),
    path("proof-of-work/slow/", slow_challenge, name="proof-of-work-slow-challenge"),
    path(
        "proof-of-work/unavailable/",
        unavailable_challenge,
        name="proof-of-work-unavailable-challenge",
    ),
    path("", include("resilience.urls")),
]
