"""Demo programs: the five levels of care, in the center's own voice."""

from django.db import transaction

from programs.models import LevelOfCare, Program, ProgramFAQ, Setting

INSURANCE_CHECK = (
    "Before you start, our admissions team checks your benefits with your insurer at no cost and "
    "tells you what your plan covers and what you may owe. If you do not have insurance, or your "
    "plan does not cover this program, ask us about self-pay rates and other options."
)

PROGRAMS = [
    {
        "slug": "inpatient",
        "name": "Inpatient and residential treatment",
        "level_of_care": LevelOfCare.INPATIENT,
        "display_order": 10,
        "summary": "Round-the-clock care in a calm, structured setting for when home is not "
        "the safest place to start recovering.",
        "who_it_is_for": "Adults who need medical and emotional support day and night, often "
        "after a crisis, a hospital stay, or when attempts to cut back at home have not held.",
        "hours_per_week": "Around the clock",
        "typical_length": "2 to 4 weeks",
        "setting": Setting.RESIDENTIAL,
        "seo_title": "Inpatient and residential treatment in Massachusetts",
        "meta_description": "Around-the-clock mental health and addiction treatment in a "
        "structured residential setting, with a plan for what comes next.",
        "body": """\
Sometimes getting better needs a pause from everything else. Our inpatient and residential \
program gives you a safe place to stay, a care team that is there at every hour, and the space \
to focus only on your health.

Care begins with a full assessment by a psychiatric provider, a nurse and a therapist. If you \
need help through withdrawal, it is managed medically and comfortably. From there, your days \
combine individual therapy, group work, medication management where it helps, and time to rest.

## Planning the next step from day one

A stay here is the beginning, not the whole of treatment. From your first days your therapist \
works with you on what comes after: most people step down to partial hospitalization or \
intensive outpatient care, so support continues as you return to daily life.

## Family involvement

With your permission, we invite the people closest to you to a family session, so they \
understand what you are working on and how to help when you go home.
""",
        "typical_week": """\
- Mornings begin with a check-in with nursing staff and a community meeting.
- Two or three therapy groups each day: coping skills, relapse prevention, processing groups.
- At least two individual therapy sessions a week, and regular visits with your prescriber.
- Evenings for recovery meetings, family calls, reading and rest.
""",
        "insurance_note": INSURANCE_CHECK,
        "faqs": [
            (
                "What should I bring?",
                "Comfortable clothes for about a week, toiletries without alcohol, any "
                "medications in their original containers, your ID and your insurance card. "
                "We will send you a full list when your admission is scheduled.",
            ),
            (
                "Can my family visit?",
                "Yes. Visiting hours are set each week, and family sessions with your therapist "
                "can be arranged in person or by video.",
            ),
            (
                "Can I keep my phone?",
                "Phones are kept safely during group and therapy hours so everyone can focus, "
                "and are available at set times each day.",
            ),
            (
                "How quickly can I be admitted?",
                "Often within a day or two, sometimes the same day. It depends on bed "
                "availability and your insurance, which admissions checks while you are on the "
                "phone.",
            ),
        ],
    },
    {
        "slug": "partial-hospitalization",
        "name": "Partial hospitalization program (PHP)",
        "level_of_care": LevelOfCare.PARTIAL_HOSPITALIZATION,
        "display_order": 20,
        "summary": "A full day of treatment, five days a week, while you sleep at home.",
        "who_it_is_for": "Adults who need daily, hospital-level structure but are safe to spend "
        "evenings and nights at home or in sober housing.",
        "hours_per_week": "About 25 to 30 hours",
        "typical_length": "2 to 4 weeks",
        "setting": Setting.ON_SITE,
        "seo_title": "Partial hospitalization program (PHP) in Massachusetts",
        "meta_description": "Full-day mental health and substance use treatment five days a "
        "week, while you sleep at home. Admissions answers 24/7.",
        "body": """\
Partial hospitalization offers the intensity of an inpatient program without an overnight stay. \
You spend the day with us, five days a week, and go home in the evening to practise what you \
learned in the place where it matters.

PHP is often the next step after inpatient care, and it can also keep a hospital stay from \
becoming necessary when symptoms are getting worse.

## What treatment includes

Each day combines group therapy, skills practice and time with your individual therapist. A \
psychiatric provider sees you regularly and adjusts medication where that helps. Approaches \
include cognitive behavioral therapy (CBT), dialectical behavior therapy (DBT) skills and \
relapse prevention.

## Moving on

As things steady, your team plans your step down to intensive outpatient care, so there is no \
gap in support.
""",
        "typical_week": """\
- Monday to Friday, roughly 9 in the morning to 3 in the afternoon, with lunch provided.
- Four to five groups a day, from emotion regulation to relapse prevention.
- Individual therapy at least once a week, and regular psychiatric visits.
- Evenings and weekends at home, with a plan for the harder moments.
""",
        "insurance_note": INSURANCE_CHECK,
        "faqs": [
            (
                "Can I keep working during PHP?",
                "PHP takes up most of the working day, so most people take medical leave. We "
                "can provide the paperwork your employer or school needs.",
            ),
            (
                "Is transportation provided?",
                "Not usually, but admissions can talk through options, including public "
                "transit routes and whether your plan covers rides to treatment.",
            ),
            (
                "What happens if I have a hard night?",
                "You leave each day with a safety plan and numbers to call. Our admissions line "
                "is answered 24/7, and you can always call or text 988.",
            ),
        ],
    },
    {
        "slug": "intensive-outpatient",
        "name": "Intensive outpatient program (IOP)",
        "level_of_care": LevelOfCare.INTENSIVE_OUTPATIENT,
        "display_order": 30,
        "summary": "Structured therapy three to five days a week, scheduled around work, school "
        "and family.",
        "who_it_is_for": "Adults who need more than a weekly therapy appointment but can keep up "
        "with daily life, including people stepping down from PHP.",
        "hours_per_week": "9 to 15 hours",
        "typical_length": "6 to 10 weeks",
        "setting": Setting.ON_SITE_OR_VIRTUAL,
        "seo_title": "Intensive outpatient program (IOP) in Massachusetts",
        "meta_description": "Group and individual therapy three to five days a week, in person "
        "or online, built around work, school and family life.",
        "body": """\
Our intensive outpatient program gives you steady, structured support without stepping away \
from your life. Sessions run in daytime or evening tracks, in person or by secure video, so you \
can keep working, studying or caring for your family.

## Learning alongside others

Much of IOP happens in small groups. Hearing from people facing similar struggles is often what \
makes the work feel possible. Groups focus on practical skills: handling cravings and strong \
emotions, repairing routines like sleep, and building a life that supports recovery.

## Care that fits you

Alongside groups you meet one to one with a therapist, and with a psychiatric provider if \
medication is part of your care. Your plan is reviewed regularly, and we adjust the number of \
days as you make progress.
""",
        "typical_week": """\
- Three sessions a week of about three hours each, daytime or evening.
- A mix of skills groups, process groups and relapse prevention.
- Individual therapy every week.
- Optional family sessions and a weekly family education group.
""",
        "insurance_note": INSURANCE_CHECK,
        "faqs": [
            (
                "Can I do IOP online?",
                "Yes. Our virtual groups use a secure video platform and follow the same "
                "schedule as in-person groups. You need a private space and a reliable "
                "connection for each session.",
            ),
            (
                "Do I need a referral?",
                "No. You can call us directly. If you have a therapist or doctor already, we "
                "are glad to work with them, with your permission.",
            ),
            (
                "What if IOP is not enough?",
                "If your team sees that you need more support, they will talk with you about "
                "moving to partial hospitalization for a while, and back again when you are "
                "ready.",
            ),
        ],
    },
    {
        "slug": "social-reintegration",
        "name": "Social reintegration",
        "level_of_care": LevelOfCare.SOCIAL_REINTEGRATION,
        "display_order": 40,
        "summary": "Practical, hands-on help returning to work, study, housing and "
        "relationships after intensive treatment.",
        "who_it_is_for": "Adults in recovery who are ready to rebuild everyday life and want "
        "guidance with work, money, housing and relationships.",
        "hours_per_week": "4 to 8 hours",
        "typical_length": "2 to 3 months",
        "setting": Setting.ON_SITE_OR_VIRTUAL,
        "seo_title": "Social reintegration after treatment",
        "meta_description": "Guidance returning to work, study, housing and relationships after "
        "mental health or substance use treatment.",
        "body": """\
Finishing intensive treatment is a real achievement, and it can also be the moment life starts \
asking a lot of you again. Social reintegration bridges that gap with a team that knows your \
story.

## What we help with

- **Work and study:** preparing to return, talking with an employer, or finding a new path.
- **Everyday foundations:** budgeting, housing, routines and healthy time.
- **Relationships:** rebuilding trust with family and friends, and setting boundaries that \
protect your recovery.

Sessions combine small workshops with one-to-one coaching. You set the goals; we help you \
break them into steps and keep going when things get hard.
""",
        "typical_week": """\
- One or two workshops a week on a practical theme, such as returning to work.
- A weekly coaching session to plan next steps and review progress.
- Connection with peer support and community resources near you.
""",
        "insurance_note": "Parts of this program may be covered as outpatient services. "
        + INSURANCE_CHECK,
        "faqs": [
            (
                "Do I need to have completed another program first?",
                "Most people join after PHP or IOP, but it is not required. Admissions can help "
                "you decide whether it is the right time.",
            ),
            (
                "Can you talk with my employer?",
                "Only if you ask us to and give written permission. Many people prefer to "
                "handle it themselves with our help preparing.",
            ),
            (
                "Can I attend while working?",
                "Yes. Sessions are offered in the evening as well as during the day.",
            ),
        ],
    },
    {
        "slug": "aftercare",
        "name": "Aftercare and alumni support",
        "level_of_care": LevelOfCare.AFTERCARE,
        "display_order": 50,
        "summary": "Ongoing check-ins, alumni groups and a plan for hard days, so the progress "
        "you made keeps going.",
        "who_it_is_for": "Anyone who has completed a program with us and wants to stay "
        "connected, with support that scales up quickly if needed.",
        "hours_per_week": "1 to 2 hours",
        "typical_length": "As long as it helps",
        "setting": Setting.ON_SITE_OR_VIRTUAL,
        "seo_title": "Aftercare and alumni support",
        "meta_description": "Weekly alumni groups, regular check-ins and a relapse prevention "
        "plan after mental health or addiction treatment.",
        "body": """\
Recovery continues long after a program ends. Aftercare keeps you connected to people who \
understand, and makes it easy to reach out early if things start to slip.

## How it works

Before you finish any program, you and your therapist write an aftercare plan together: who to \
call, what warning signs to watch for, and which groups and appointments you will keep. We \
check in with you regularly during the months that follow.

## Alumni community

Weekly alumni groups, in person and online, are open to everyone who has completed a program \
with us. They are a place to share what is working, to support people earlier in their \
recovery, and to stay accountable.

If you need more support at any point, we can arrange a quick return to a more intensive level \
of care.
""",
        "typical_week": """\
- A weekly alumni group, in person or online.
- Regular check-in calls from our team in the first months after treatment.
- Community events throughout the year.
""",
        "insurance_note": "Alumni groups are free for everyone who has completed a program with "
        "us. Individual therapy in aftercare is billed like any outpatient visit. "
        + INSURANCE_CHECK,
        "faqs": [
            (
                "Does aftercare cost anything?",
                "Alumni groups and check-in calls are free. Individual therapy or psychiatric "
                "visits are billed to your insurance as outpatient care.",
            ),
            (
                "What if I relapse?",
                "Relapse can be part of recovery, and it is a reason to reach out, not to stay "
                "away. Call us and we will help you decide on the right level of support.",
            ),
            (
                "Can family members join?",
                "Family members are welcome at our monthly family evening, and we can "
                "recommend support groups for loved ones.",
            ),
        ],
    },
]


def seed(stdout) -> None:
    created = 0
    for data in PROGRAMS:
        fields = {key: value for key, value in data.items() if key not in {"slug", "faqs"}}
        with transaction.atomic():
            program, was_created = Program.objects.get_or_create(
                slug=data["slug"], defaults={**fields, "is_published": True}
            )
            # Only a program made just now gets its FAQs: edits in admin are left alone.
            if was_created:
                created += 1
                ProgramFAQ.objects.bulk_create(
                    ProgramFAQ(program=program, question=question, answer=answer, order=order)
                    for order, (question, answer) in enumerate(data["faqs"], start=1)
                )
    stdout.write(f"Programs: {created} created, {len(PROGRAMS) - created} already there.")
