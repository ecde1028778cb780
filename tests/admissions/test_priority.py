import pytest

from admissions.priority import urgent_terms


@pytest.mark.parametrize(
    ("message", "terms"),
    [
        ("I keep thinking about suicide", ["suicide"]),
        ("My son has been suicidal since he lost his job", ["suicide"]),
        ("Sometimes I want to kill myself", ["wanting to die"]),
        ("She says she doesn’t want to live anymore", ["wanting to die"]),
        ("He overdosed last night and was revived", ["overdose"]),
        ("my partner OD'd on saturday", ["overdose"]),
        ("I have been cutting myself again", ["self-harm"]),
        ("history of self-harm", ["self-harm"]),
        ("Worried she'll overdose and hurt herself", ["overdose", "self-harm"]),
        ("I'm scared he might OD", ["overdose"]),
        ("she ODed twice this year", ["overdose"]),
        ("My dad took too many pills this morning", ["overdose"]),
        ("He talked about hanging himself", ["wanting to die"]),
        ("I just want to end it all", ["wanting to die"]),
        ("thinking of taking my own life", ["wanting to die"]),
        ("I don't want to wake up tomorrow", ["wanting to die"]),
    ],
)
def test_messages_that_suggest_danger_are_urgent(message, terms):
    assert urgent_terms(message) == terms


@pytest.mark.parametrize(
    "message",
    [
        "I'd like to know about your evening IOP",
        "My insurance is through my employer",
        "I have been drinking too much and want to stop",
        "Can my mother visit on Sundays?",
        "Our dog died last month and it hit my daughter hard",
        "My son has been acting odd since he came home",
        "Is the program odd-day or every day?",
        "I take my pills every morning",
    ],
)
def test_ordinary_messages_are_not(message):
    assert urgent_terms(message) == []


def test_the_list_errs_towards_flagging():
    # A false alarm costs a fast call; a miss could cost a life.
    assert urgent_terms("I'm not suicidal, just exhausted") == ["suicide"]
