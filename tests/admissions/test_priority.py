"""What makes a consultation request urgent: the specification of admissions/urgent_phrases.py.

To propose a change, add the message to one of the tables below with the reason, and have the
clinical lead review it. When in doubt we flag: a false alarm costs a fast call, a miss could
cost a life. A message left out must say why.
"""

import re
import time

import pytest

from admissions.models import Lead
from admissions.priority import normalise, urgent_terms
from admissions.urgent_phrases import URGENT_PHRASES

SUICIDE = ["suicide"]
WANTING_TO_DIE = ["wanting to die"]
OVERDOSE = ["overdose"]
SELF_HARM = ["self-harm"]

MUST_BE_URGENT = [
    # --- suicide: the word, its misspellings and its slang
    ("I keep thinking about suicide", SUICIDE),
    ("My son has been suicidal since he lost his job", SUICIDE),
    ("she has suicidal thoughts most nights", SUICIDE),
    ("he attempted suicide in March", SUICIDE),
    ("my daughter is suicdal", SUICIDE),
    ("worried about suicde", SUICIDE),
    ("he talks about sucide", SUICIDE),
    ("she mentioned suiside last week", SUICIDE),
    ("I feel suicidle", SUICIDE),
    ("thinking about suacide", SUICIDE),
    ("having suicidial thoughts", SUICIDE),
    ("he's been su*cidal", SUICIDE),
    ("SUICIDE", SUICIDE),
    ("thinking about the sewer slide", SUICIDE),
    ("referred by her therapist, history of SI and depression", SUICIDE),
    ("SI/HI screening was positive", SUICIDE),
    # --- wanting to die: every phrase from the issue
    ("I dont want to live", WANTING_TO_DIE),
    ("I wish I was dead", WANTING_TO_DIE),
    ("I no longer want to live", WANTING_TO_DIE),
    ("i wanna die", WANTING_TO_DIE),
    ("He said he was going to shoot himself", WANTING_TO_DIE),
    ("please just kill me", WANTING_TO_DIE),
    ("He doesn't see the point of anything anymore", WANTING_TO_DIE),
    # ... first and third person, subjects and tenses
    ("Sometimes I want to kill myself", WANTING_TO_DIE),
    ("my son wants to kill himself", WANTING_TO_DIE),
    ("I'm going to kill myself", WANTING_TO_DIE),
    ("im gonna kill my self", WANTING_TO_DIE),
    ("she tried to kill herself in May", WANTING_TO_DIE),
    ("they keep saying they will kill themselves", WANTING_TO_DIE),
    ("honestly kms", WANTING_TO_DIE),
    ("i want to unalive myself", WANTING_TO_DIE),
    ("I want to end my life", WANTING_TO_DIE),
    ("thinking of ending my life", WANTING_TO_DIE),
    ("thinking of taking my own life", WANTING_TO_DIE),
    ("my brother wants to end his life", WANTING_TO_DIE),
    ("I just want to end it all", WANTING_TO_DIE),
    ("I have been thinking about ending it", WANTING_TO_DIE),
    ("she said she wants to end things", WANTING_TO_DIE),
    ("I don't want to be here anymore", WANTING_TO_DIE),
    ("my daughter doesn't want to be here anymore", WANTING_TO_DIE),
    ("he does not want to be alive", WANTING_TO_DIE),
    ("I don't want to wake up tomorrow", WANTING_TO_DIE),
    ("I don't want to live like this anymore", WANTING_TO_DIE),
    ("she doesnt want to live with this pain", WANTING_TO_DIE),
    ("I can't go on", WANTING_TO_DIE),
    ("I cannot go on like this", WANTING_TO_DIE),
    ("I can't take it anymore", WANTING_TO_DIE),
    ("he says there is no point living", WANTING_TO_DIE),
    ("There's no point in living", WANTING_TO_DIE),
    ("no reason to live", WANTING_TO_DIE),
    ("what's the point of living", WANTING_TO_DIE),
    ("everyone would be better off without me", WANTING_TO_DIE),
    ("he thinks we'd be better off without him", WANTING_TO_DIE),
    ("they would be better off if I was gone", WANTING_TO_DIE),
    ("I wish I were dead", WANTING_TO_DIE),
    ("she wishes she was dead", WANTING_TO_DIE),
    ("I wish I could die", WANTING_TO_DIE),
    ("wish I'd never been born", WANTING_TO_DIE),
    ("I want to die", WANTING_TO_DIE),
    ("he says he wants to die", WANTING_TO_DIE),
    ("I'm ready to die", WANTING_TO_DIE),
    ("she'd rather die than keep going", WANTING_TO_DIE),
    ("better off dead", WANTING_TO_DIE),
    ("I hope I never wake up", WANTING_TO_DIE),
    ("I feel like a burden to everyone", WANTING_TO_DIE),
    ("life isn't worth living", WANTING_TO_DIE),
    ("he has lost the will to live", WANTING_TO_DIE),
    ("she keeps talking about dying", WANTING_TO_DIE),
    ("she said nobody would miss her", WANTING_TO_DIE),
    ("I want it all to end", WANTING_TO_DIE),
    ("I just wanna disappear forever", WANTING_TO_DIE),
    ("I hope I die in my sleep", WANTING_TO_DIE),
    ("he tried to commit last year", WANTING_TO_DIE),
    ("he wants to be with his late wife", WANTING_TO_DIE),
    ("hes thinking of killin himself", WANTING_TO_DIE),
    # ... methods
    ("I want to shoot myself", WANTING_TO_DIE),
    ("He talked about hanging himself", WANTING_TO_DIE),
    ("she might hang herself", WANTING_TO_DIE),
    ("I thought about cutting my wrists and then hanging myself", ["wanting to die", "self-harm"]),
    ("they want to drown themselves", WANTING_TO_DIE),
    ("he said he would jump off a bridge", WANTING_TO_DIE),
    ("she wants to jump in front of a train", WANTING_TO_DIE),
    ("he has a gun to his head", WANTING_TO_DIE),
    ("she slit her wrists", WANTING_TO_DIE),
    ("she threatened to jump", WANTING_TO_DIE),
    ("he wrote a goodbye note", WANTING_TO_DIE),
    ("he's been giving away his things", WANTING_TO_DIE),
    # --- overdose
    ("He overdosed last night and was revived", OVERDOSE),
    ("I'm scared she will overdose", OVERDOSE),
    ("my son had a fentanyl overdose", OVERDOSE),
    ("my partner OD'd on saturday", OVERDOSE),
    ("my partner OD’d on saturday", OVERDOSE),
    ("she ODed twice this year", OVERDOSE),
    ("I'm scared he might OD", OVERDOSE),
    ("he has had two ODs", OVERDOSE),
    ("he od on heroin", OVERDOSE),
    ("she was O.D.ing", OVERDOSE),
    ("My dad took too many pills this morning", OVERDOSE),
    ("she took a bunch of pills", OVERDOSE),
    ("he took a handful of her sleeping pills", OVERDOSE),
    ("my mom swallowed all of her meds", OVERDOSE),
    ("took like 30 xanax", OVERDOSE),
    ("she took all of her antidepressants", OVERDOSE),
    ("he took too much fentanyl", OVERDOSE),
    ("he took the whole bottle", OVERDOSE),
    ("we had to use Narcan on him", OVERDOSE),
    ("EMTs gave her naloxone", OVERDOSE),
    ("he got narcanned twice", OVERDOSE),
    ("she was not breathing when I found her", OVERDOSE),
    ("he stopped breathing", OVERDOSE),
    ("we found him unresponsive", OVERDOSE),
    ("my son is unresponsive", OVERDOSE),
    ("he's not waking up", OVERDOSE),
    ("his lips turned blue", OVERDOSE),
    ("I can't wake him up", OVERDOSE),
    ("he had alcohol poisoning", OVERDOSE),
    # --- self-harm
    ("I have been cutting myself again", SELF_HARM),
    ("history of self-harm", SELF_HARM),
    ("self harm", SELF_HARM),
    ("selfharm", SELF_HARM),
    ("she has been self harming", SELF_HARM),
    ("self-injury since she was 14", SELF_HARM),
    ("my daughter is hurting herself", SELF_HARM),
    ("he wants to hurt himself", SELF_HARM),
    ("I burn myself sometimes", SELF_HARM),
    ("she's been cutting again", SELF_HARM),
    ("he started cutting", SELF_HARM),
    ("I found cuts on her arms", SELF_HARM),
    ("she is starving herself", SELF_HARM),
    # --- several at once, in the list's order
    ("Worried she'll overdose and hurt herself", ["overdose", "self-harm"]),
    ("suicidal and took a bunch of pills", ["suicide", "overdose"]),
]

# Borderline wording we flag on purpose: often harmless, but we cannot tell it from danger.
FLAGGED_ON_PURPOSE = [
    ("I'm not suicidal, just exhausted", SUICIDE, "a denial still names the danger"),
    (
        "my mom will kill me if she finds out",
        WANTING_TO_DIE,
        'the issue asks for "kill me"; the idiom cannot be told from "please kill me"',
    ),
    (
        "He overdosed three years ago and is sober now",
        OVERDOSE,
        "a past overdose is the strongest predictor of the next one",
    ),
    (
        "Do you train families to use Narcan?",
        OVERDOSE,
        "a family asking about naloxone is living with overdose risk",
    ),
    (
        "my son doesn't want to be here, he hates detox",
        WANTING_TO_DIE,
        '"not wanting to be here" is how people say they want to die',
    ),
    (
        "I can't do this anymore, I need help with my drinking",
        WANTING_TO_DIE,
        '"can\'t do this anymore" is the "feeling trapped" warning sign',
    ),
    (
        "I'd rather die than go back to rehab",
        WANTING_TO_DIE,
        "hyperbole, but about dying, from someone facing treatment",
    ),
    (
        "the kids would be better off without him",
        WANTING_TO_DIE,
        'indistinguishable from "we\'d be better off without him", a burdensomeness signal',
    ),
    ("my son won't wake up", OVERDOSE, "may be an overdose happening now"),
    (
        "I cut myself shaving",
        SELF_HARM,
        "an accident reads like self-harm, and is rare in a request for treatment",
    ),
    ("Is the program for people with SI?", SUICIDE, "asking about a program for suicidal ideation"),
]

NOT_URGENT = [
    # --- everyday words that contain a flagged word or abbreviation
    ("My son has been acting odd since he came home", '"odd" is not "OD\'d"'),
    ("Is the program odd-day or every day?", '"odd" is not "OD\'d"'),
    ("He works in code and I think it's a stress thing", '"od" inside a word'),
    ("she's in survival mode", '"od" inside a word'),
    ("Is there a waiting period?", '"od" inside a word'),
    ("he fixes diode boards at work", '"od" inside a word'),
    ("after his last episode of depression", '"od" inside a word'),
    ("do you have a family suite for visits?", '"suite" is not a misspelling of "suicide"'),
    ("he has good social skills", '"kill" inside a word'),
    ("we succeeded in getting him to agree to come", "not a misspelling of suicide"),
    ("I live 20 kms away", 'a distance, not "kill myself"'),
    # --- idioms about killing, dying and death
    ("we are just killing time until the appointment", '"killing time" is an idiom'),
    ("the commute is killing me", '"killing me" is a pain idiom; only "kill me" flags'),
    ("my back is killing me after the move", '"killing me" is a pain idiom'),
    ("my phone has a dead battery so please e-mail", "a dead battery"),
    ("is there a deadline for insurance approval?", "a deadline"),
    ("I'm dying to get started", '"dying to" + a wish to do something is an idiom'),
    ("she thinks he is drop dead gorgeous", "an idiom"),
    # --- points, cuts, hanging and shooting that are not about harm
    ("from my point of view he needs inpatient", '"point" is not "no point living"'),
    ("what's the point of treatment if he won't go?", "the point of treatment, not of life"),
    ("He has been cutting back on drinking", "cutting back, not cutting himself"),
    ("I want to cut down on my drinking", "cutting down"),
    ("I cut myself off from my drinking friends", "cutting off people, not skin"),
    ("he is always hanging out with the wrong crowd", "hanging out"),
    ("shoot me an e-mail with the schedule", '"shoot me an e-mail"'),
    ("I shot myself in the foot by skipping meetings", "an idiom"),
    ("it really hurt her self-esteem", "self-esteem is not self-harm"),
    # --- pills, doses and overdoing it
    ("I take my pills every morning", "taking medicine as prescribed"),
    ("Can I bring my pills for my blood pressure?", "pills for blood pressure"),
    ("I overdid it at the gym", '"overdid" is not "overdosed"'),
    ("He has been using fentanyl for two years", "fentanyl use alone is not an emergency"),
    ("our insurance company has been unresponsive", "an unresponsive company, not a person"),
    ("He took all his meds as prescribed", "taking medicine as prescribed"),
    ("She took the whole pack of cigarettes", "cigarettes, not pills"),
    ("I drank too much last night", "too much alcohol once is an admission, not an emergency"),
    ("I can't wake up in the morning without a drink", "a drinking pattern, not an overdose"),
    # --- where to live, what ends
    ("I live near Boston", "where someone lives"),
    ("she doesn't want to live at home anymore", "where to live, not whether"),
    ("he doesn't want to live in a sober house", "where to live, not whether"),
    ("I'm ending it with my boyfriend", "ending a relationship"),
    ("in the end things worked out for my brother", '"in the end", not "end things"'),
    ("I want to take my life back from alcohol", '"take my life back" is recovery'),
    ("can I go on Tuesdays instead?", '"go on" a day, not "can\'t go on"'),
    ("I'm tired of living paycheck to paycheck", "tired of money worries, not of living"),
    ("I want to commit to getting sober", '"commit to" treatment'),
    ("No one will notice if I leave work early", "not about being gone for good"),
    ("Cross my heart and hope to die", "a saying"),
    ("I hope to die of old age", "a saying"),
    ("She doesn't want to be a burden on us financially", "a financial worry"),
    ("Saying goodbye to everyone at work before rehab", "goodbyes before treatment"),
    ("I want to dye my hair before I start the program", '"dye" her hair'),
    ("he can't go on vacation while in the program", '"go on" a trip'),
    # --- grief, care and low mood without a wish to die: staff call within the SLA anyway
    ("end of life care for my grandmother", "end-of-life care is not ending one's life"),
    ("my dad died last year and I started drinking more", "grief alone is not an emergency"),
    ("Our dog died last month and it hit my daughter hard", "grief alone is not an emergency"),
    ("I hate my life right now and need to stop drinking", "distress without a wish to die"),
    ("I feel hopeless about quitting", "hopelessness about quitting, not about living"),
    # --- ordinary requests
    ("I'd like to know about your evening IOP", "an ordinary request"),
    ("My insurance is through my employer", "an ordinary request"),
    ("I have been drinking too much and want to stop", "an ordinary request"),
    ("Can my mother visit on Sundays?", "an ordinary request"),
]


@pytest.mark.parametrize(("message", "labels"), MUST_BE_URGENT)
def test_messages_that_suggest_danger_are_urgent(message, labels):
    assert urgent_terms(message) == labels


PEOPLE = [
    # who, wants, does not, self
    ("I", "want", "don't", "myself"),
    ("he", "wants", "doesn't", "himself"),
    ("she", "wants", "doesn't", "herself"),
    ("they", "want", "don't", "themselves"),
    ("my son", "wants", "doesn't", "himself"),
    ("my daughter", "wants", "doesn't", "herself"),
]


@pytest.mark.parametrize(
    "wording",
    [
        "{who} {wants} to kill {self}",
        "{who} {wants} to die",
        "{who} {doesnt} want to live anymore",
        "{who} {doesnt} want to be here anymore",
    ],
)
@pytest.mark.parametrize(("who", "wants", "doesnt", "self"), PEOPLE)
def test_wanting_to_die_is_urgent_whoever_it_is_about(wording, who, wants, doesnt, self):
    message = wording.format(who=who, wants=wants, doesnt=doesnt, self=self)
    assert urgent_terms(message) == WANTING_TO_DIE


@pytest.mark.parametrize(
    ("method", "labels"),
    [
        ("shoot", WANTING_TO_DIE),
        ("hang", WANTING_TO_DIE),
        ("drown", WANTING_TO_DIE),
        ("cut", SELF_HARM),
        ("hurt", SELF_HARM),
        ("harm", SELF_HARM),
        ("burn", SELF_HARM),
    ],
)
@pytest.mark.parametrize("self", ["myself", "himself", "herself", "themselves", "yourself"])
def test_every_method_is_urgent_whoever_it_is_about(method, self, labels):
    assert urgent_terms(f"talked about wanting to {method} {self}") == labels


@pytest.mark.parametrize(("message", "labels", "why"), FLAGGED_ON_PURPOSE)
def test_borderline_messages_are_flagged_on_purpose(message, labels, why):
    assert urgent_terms(message) == labels, why


@pytest.mark.parametrize(("message", "why"), NOT_URGENT)
def test_everyday_wording_is_not_urgent(message, why):
    assert urgent_terms(message) == [], why


@pytest.mark.parametrize(
    ("message", "labels"),
    [
        ("I DON’T  WANT\nTO   LIVE", WANTING_TO_DIE),
        ("i wanna dieeeee", WANTING_TO_DIE),
        ("i want 2 die", WANTING_TO_DIE),
        ("i dnt want to live", WANTING_TO_DIE),
        ("I don’t wanna b here anymore", WANTING_TO_DIE),
        ("i can't do this no more", WANTING_TO_DIE),
        ("gonna killlll myself", WANTING_TO_DIE),
        ("dont want to live", WANTING_TO_DIE),
        ("doesnt want to live", WANTING_TO_DIE),
        ("dosent want to live", WANTING_TO_DIE),
        ("cant go on", WANTING_TO_DIE),
        ("I can’t go on", WANTING_TO_DIE),
        ("he wont wake up", OVERDOSE),
        ("Self-Harm!!!", SELF_HARM),
        ("Suïcide", SUICIDE),
        ("sui\u00adcide", SUICIDE),  # a soft hyphen from copy and paste
        ("kill\u200b myself", WANTING_TO_DIE),  # a zero-width space
        ("he ODed…", OVERDOSE),
    ],
)
def test_spelling_case_and_punctuation_do_not_hide_danger(message, labels):
    assert urgent_terms(message) == labels


@pytest.mark.parametrize(
    ("message", "reads"),
    [
        ("I DON’T  wanna\n\n die!!", "i do not want to die"),
        ("she doesn't, he can't, I'm", "she does not he can not i am"),
        ("i''m sooo tired", "i am soo tired"),
        ("what's the point", "what is the point"),
        ("gonna, gotta, tryna", "going to got to trying to"),
        ("u wont b", "you will not be"),
        ("not any more", "not anymore"),
        ("OD'd, O.D., ODed", "oded od oded"),
        ("self-harm", "self harm"),
        ("Café", "cafe"),
    ],
)
def test_messages_are_tidied_before_matching(message, reads):
    assert normalise(message) == reads


ADVERSARIAL_MESSAGES = [
    # Runs of near-misses for the phrases' building blocks, each cut to the form's 1,000 chars.
    "a" * 1000,
    "kill " * 200,
    "i wish i " * 120,
    "do not want to " * 70,
    "no point in " * 90,
    "took all of the " * 70,
    "jump off the " * 80,
    "can not go on a " * 70,
    "self " * 200,
    "od'" * 333,
    "’" * 1000,
    "a*" * 500,
    "sooo" * 250,
    "s" + "u" * 999,
    "\n " * 500,
    # Every word in the list, in order.
    " ".join(re.findall(r"[a-z]+", str(URGENT_PHRASES))),
]


@pytest.mark.parametrize("message", [m[:1000] for m in ADVERSARIAL_MESSAGES])
def test_a_long_adversarial_message_is_classified_quickly(message):
    # The phrases are regular expressions; one that backtracks badly could hold up the form.
    fastest = min(_seconds_to_classify(message) for _ in range(3))
    assert fastest < 0.05


def _seconds_to_classify(message):
    started = time.perf_counter()
    urgent_terms(message)
    return time.perf_counter() - started


def test_no_phrase_matches_an_empty_message():
    # A stray "|" in a phrase would match every message and make every lead urgent.
    for label, phrases in URGENT_PHRASES.items():
        for phrase in phrases:
            assert re.search(phrase, "") is None, (label, phrase)
    assert urgent_terms("") == []


def test_every_label_fits_on_the_lead():
    all_labels = ", ".join(URGENT_PHRASES)
    assert len(all_labels) <= Lead._meta.get_field("urgent_terms").max_length
