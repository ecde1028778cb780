"""The proof of work (ALTCHA) asked for during floods: a solved challenge is accepted once; anything
else is refused, quietly and without an error, whatever was posted."""

import base64
import json
import logging
import time

import altcha
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from admissions import proof_of_work
from admissions.proof_of_work import (
    CHALLENGE_LIFETIME_SECONDS,
    FIELD_NAME,
    HARD,
    NORMAL,
    new_challenge,
    solution_is_valid,
)


def solve(challenge: dict) -> dict:
    """What the widget posts, as a dict: the challenge and the solution altcha's solver finds."""
    solution = altcha.solve_challenge(altcha.Challenge.from_dict(challenge))
    return {"challenge": challenge, "solution": solution.to_dict()}


def encode(payload: dict) -> str:
    return base64.b64encode(json.dumps(payload).encode()).decode()


@pytest.fixture
def solved() -> dict:
    return solve(new_challenge())


def test_a_solved_challenge_is_accepted(solved):
    assert solution_is_valid(encode(solved)) is True


def test_a_solved_challenge_is_accepted_only_once(solved):
    payload = encode(solved)

    assert solution_is_valid(payload) is True
    assert solution_is_valid(payload) is False


class RecordingCache:
    def __init__(self):
        self.added = {}

    def add(self, key, value, timeout):
        self.added[key] = timeout
        return True


class UnreachableCache:
    def add(self, key, value, timeout):
        raise ConnectionError("Redis is down")


def test_the_challenge_is_remembered_as_used_for_as_long_as_it_is_valid(solved, monkeypatch):
    recording = RecordingCache()
    monkeypatch.setattr(proof_of_work, "cache", recording)

    solution_is_valid(encode(solved))

    [(key, timeout)] = recording.added.items()
    assert solved["challenge"]["signature"] in key
    assert CHALLENGE_LIFETIME_SECONDS <= timeout <= CHALLENGE_LIFETIME_SECONDS + 5 * 60


def test_an_unreachable_cache_lets_the_solution_through_and_says_so_without_the_payload(
    solved, monkeypatch, caplog
):
    monkeypatch.setattr(proof_of_work, "cache", UnreachableCache())
    payload = encode(solved)

    with caplog.at_level(logging.WARNING, logger="admissions.proof_of_work"):
        assert solution_is_valid(payload) is True

    assert "cache is unreachable" in caplog.text
    assert payload not in caplog.text
    assert solved["challenge"]["signature"] not in caplog.text


def test_a_solution_is_refused_once_its_challenge_has_expired(solved, time_machine):
    time_machine.move_to(time.time() + CHALLENGE_LIFETIME_SECONDS + 1)

    assert solution_is_valid(encode(solved)) is False


def test_a_challenge_lasts_long_enough_to_fill_in_the_form(solved, time_machine):
    time_machine.move_to(time.time() + CHALLENGE_LIFETIME_SECONDS - 60)

    assert solution_is_valid(encode(solved)) is True


def changed(payload: dict, path: tuple[str, ...], change) -> dict:
    """A copy of `payload` with the value at `path` replaced by `change(value)`."""
    copy = json.loads(json.dumps(payload))
    *parents, name = path
    target = copy
    for parent in parents:
        target = target[parent]
    target[name] = change(target[name])
    return copy


def flip_last_hex_digit(text: str) -> str:
    return text[:-1] + ("0" if text[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("path", "change"),
    [
        (("challenge", "signature"), flip_last_hex_digit),
        (("challenge", "parameters", "salt"), flip_last_hex_digit),
        (("challenge", "parameters", "nonce"), flip_last_hex_digit),
        (("challenge", "parameters", "keyPrefix"), flip_last_hex_digit),
        (("challenge", "parameters", "cost"), lambda cost: 1),
        (("challenge", "parameters", "expiresAt"), lambda expires_at: expires_at + 3600),
        (("solution", "counter"), lambda counter: counter + 1),
        (("solution", "derivedKey"), flip_last_hex_digit),
    ],
    ids=lambda value: ".".join(value) if isinstance(value, tuple) else "",
)
def test_a_tampered_payload_is_refused(solved, path, change):
    assert solution_is_valid(encode(changed(solved, path, change))) is False
    # The untouched payload still passes: it was the change that was refused.
    assert solution_is_valid(encode(solved)) is True


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("solution", "counter"), "7"),
        (("solution", "counter"), -1),
        (("solution", "counter"), 2**40),
        (("solution", "derivedKey"), 7),
        (("solution", "derivedKey"), None),
        (("challenge", "parameters", "expiresAt"), "soon"),
        (("challenge", "parameters", "salt"), None),
        (("challenge", "parameters", "cost"), "2000"),
        (("challenge", "signature"), ["a", "list"]),
    ],
)
def test_wrong_types_in_a_real_payload_are_refused_without_an_error(solved, path, value):
    assert solution_is_valid(encode(changed(solved, path, lambda _: value))) is False


def test_a_challenge_signed_with_another_key_is_refused():
    foreign = altcha.create_challenge(
        proof_of_work.ALGORITHM, NORMAL.cost, counter=7, hmac_secret="someone else's key"
    ).to_dict()

    assert solution_is_valid(encode(solve(foreign))) is False


def test_a_challenge_signed_before_the_secret_key_changed_is_refused(settings):
    solved_before = solve(new_challenge())

    settings.SECRET_KEY = "a-new-secret-key-after-rotation-0123456789abcdefghijklmnopqrstuvw"

    assert solution_is_valid(encode(solved_before)) is False


def test_an_unsigned_challenge_is_refused():
    unsigned = altcha.create_challenge(proof_of_work.ALGORITHM, NORMAL.cost, counter=7).to_dict()

    assert solution_is_valid(encode(solve(unsigned))) is False


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "",
        "   ",
        "not base64 at all!",
        "é✓",
        base64.b64encode(b"not json").decode(),
        base64.b64encode(b"\xff\xfe\x00").decode(),
        encode([]),
        encode({}),
        encode({"challenge": None, "solution": None}),
        encode({"challenge": "x", "solution": "y"}),
        encode({"challenge": {"parameters": [], "signature": 1}, "solution": {}}),
        encode({"challenge": None, "solution": None, "test": True}),
        # Nested deeper than Python's JSON parser goes, yet under the size limit.
        base64.b64encode(("[" * 1400 + "]" * 1400).encode()).decode(),
        base64.b64encode(json.dumps({"challenge": {"parameters": {}}}).encode()).decode(),
    ],
    ids=lambda payload: repr(payload)[:30],
)
def test_garbage_is_refused_without_an_error(payload):
    assert solution_is_valid(payload) is False


def test_an_oversized_payload_is_refused_before_it_is_decoded(solved, monkeypatch):
    def must_not_decode(*args, **kwargs):
        raise AssertionError("an oversized payload was decoded")

    monkeypatch.setattr(altcha, "verify_solution", must_not_decode)
    padded = encode({**solved, "padding": "x" * 10_000_000})

    assert solution_is_valid(padded) is False


def test_a_real_payload_is_well_under_the_size_limit(solved):
    assert len(encode(solved)) < proof_of_work.MAX_PAYLOAD_LENGTH / 3


def test_hard_challenges_ask_for_ten_times_the_work(monkeypatch):
    asked_for = []
    monkeypatch.setattr(
        proof_of_work, "_counter_to_find", lambda difficulty: asked_for.append(difficulty) or 0
    )

    new_challenge()
    new_challenge(hard=True)

    assert asked_for == [NORMAL, HARD]
    assert HARD.cost >= NORMAL.cost
    assert HARD.max_counter * HARD.cost >= 10 * NORMAL.max_counter * NORMAL.cost


def test_the_counter_to_find_is_somewhere_below_the_ceiling():
    counters = {proof_of_work._counter_to_find(NORMAL) for _ in range(200)}

    assert all(0 <= counter < NORMAL.max_counter for counter in counters)
    assert len(counters) > 50


def test_a_challenge_expires_and_carries_nothing_about_the_visitor():
    before = time.time()

    challenge = new_challenge()

    assert set(challenge) == {"parameters", "signature"}
    parameters = challenge["parameters"]
    assert parameters["algorithm"] == "PBKDF2/SHA-256"
    assert before + CHALLENGE_LIFETIME_SECONDS - 1 <= parameters["expiresAt"]
    assert parameters["expiresAt"] <= time.time() + CHALLENGE_LIFETIME_SECONDS
    assert set(parameters) == {
        "algorithm",
        "cost",
        "keyLength",
        "keyPrefix",
        "nonce",
        "salt",
        "expiresAt",
    }


def test_each_challenge_is_new():
    assert new_challenge()["signature"] != new_challenge()["signature"]


@pytest.mark.django_db
class TestChallengeView:
    def get(self, method="get"):
        request = getattr(RequestFactory(), method)("/proof-of-work/challenge/")
        return proof_of_work.challenge(request)

    def test_answers_a_challenge_as_json_that_is_never_cached(self):
        response = self.get()

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert "no-store" in response["Cache-Control"]
        challenge = json.loads(response.content)
        assert solution_is_valid(encode(solve(challenge))) is True

    def test_is_hard_while_the_flood_hook_says_so(self, monkeypatch):
        asked_for = []
        monkeypatch.setattr(
            proof_of_work, "_counter_to_find", lambda difficulty: asked_for.append(difficulty) or 0
        )
        self.get()
        monkeypatch.setattr(proof_of_work, "difficulty_is_hard", lambda: True)
        self.get()

        assert asked_for == [NORMAL, HARD]

    def test_is_normal_while_no_flood_is_on(self):
        assert proof_of_work.difficulty_is_hard() is False

    @pytest.mark.parametrize("method", ["post", "put", "delete", "head"])
    def test_answers_get_only(self, method):
        assert self.get(method).status_code == 405


class TestPartial:
    def render(self):
        return render_to_string(
            "admissions/includes/proof_of_work.html",
            {"proof_of_work_challenge_url": "/somewhere/challenge/"},
        )

    def test_posts_the_field_the_server_reads_empty_until_solved(self):
        assert f'<input type="hidden" name="{FIELD_NAME}" value="">' in self.render()

    def test_fetches_the_challenge_from_the_url_it_is_given(self):
        assert 'data-challenge-url="/somewhere/challenge/"' in self.render()

    def test_has_a_polite_live_region_that_is_empty_without_javascript(self):
        status = '<p class="form-text proof-of-work-status" role="status" aria-atomic="true"></p>'
        assert status in self.render()

    def test_loads_only_our_own_deferred_script_and_no_inline_style_or_script(self):
        html = self.render()

        assert '<script src="/static/js/proof-of-work.js" defer></script>' in html
        assert html.count("<script") == 1
        assert "style" not in html
        assert 'data-worker-url="/static/vendor/altcha/pbkdf2.js"' in html
        assert "http" not in html


def test_a_double_click_sends_the_same_payload_twice_and_both_are_judged_alike():
    payload = encode(solve(new_challenge()))

    assert solution_is_valid(payload, used_by="form-1") is True
    assert solution_is_valid(payload, used_by="form-1") is True  # the same form, a second click
    assert solution_is_valid(payload, used_by="form-2") is False  # a replay from elsewhere
