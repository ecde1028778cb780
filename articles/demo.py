"""Demo articles: three published, one scheduled for next week, in two categories, written and
reviewed by the demo team (center.demo). The text is our own, written for this demo.

Keyed on slugs: running this again creates only what is missing and changes nothing that exists.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from articles.models import Article, Category, Status
from center.models import Person
from programs.models import Program

CATEGORIES = [
    {
        "slug": "treatment",
        "name": "Treatment and programs",
        "description": "What the levels of care are like from the inside, and how to choose.",
        "order": 10,
    },
    {
        "slug": "recovery",
        "name": "Recovery and everyday life",
        "description": "Work, family, friends and routines, during treatment and after it.",
        "order": 20,
    },
]

PEER_SUPPORT = """\
Most people arrive at their first group session expecting to say as little as possible. That is
normal. What tends to change their mind is not a therapist's advice but someone in the next
chair saying, almost word for word, the thing they had been afraid to say out loud.

That moment is the heart of peer support, and it is one of the main reasons an intensive
outpatient program (IOP) works differently from seeing a counselor once a week.

## What peer support means in a group

In an IOP, you spend several evenings or mornings a week with the same small group, led by a
licensed clinician. The clinician teaches skills and keeps the group safe and on track. The
peers, people working on similar problems at a similar stage, do something a clinician cannot:
they show that change is possible for someone like you.

In practice, that looks like:

- hearing how someone else got through a craving, a panic attack or a family argument last week;
- being asked, kindly, how the plan you made on Monday actually went;
- noticing that you had useful advice for someone else, which is often the first sign that your
  own thinking is getting clearer.

## Why it helps

Shame grows in isolation. Many people with a substance use or mental health problem have spent
months, sometimes years, hiding it. A group where everyone already knows the reason you are there
removes the need to hide, and energy goes back into getting better.

> "I thought I was the only one who felt worse on Sunday nights. Half the room nodded."

Groups also make the skills stick. It is one thing to learn a breathing exercise or a way to
challenge a spiral of thoughts. It is another to practice it with people who will ask about it
again on Thursday.

## What it is not

Peer support in a clinical program is not a debate, and nobody is required to share anything
they are not ready to share. Groups have clear rules about privacy: what is said in the room
stays in the room. If a group is not a good fit, for example because you know someone in it,
tell your clinician; there is usually another group time.

## Questions people often ask

**Do I have to talk in the first session?** No. Listening is a fine way to start.

**Is it only for substance use?** No. Our groups include people working on depression, anxiety
and trauma, with or without a substance use problem.

**What if I miss a session?** Let the team know. Consistency matters, but one missed evening is
not a failure, and the group will be glad to see you back.

If you would like to know whether an intensive outpatient group could help you or someone you
love, our admissions team can talk it through, day or night.
"""

IOP_WEEK = """\
People thinking about an intensive outpatient program (IOP) usually have one practical question
before any other: what will my week actually look like? Here is a plain answer, based on how our
evening program runs.

## The shape of a week

Most people attend three sessions a week of about three hours each, for six to eight weeks. You
keep living at home, and most people keep working or studying. A typical evening looks like
this:

1. A short check-in: how the days since the last session went, and anything urgent.
2. A skills group: one topic, taught and practiced, such as handling cravings, sleep, or
   difficult conversations.
3. A break.
4. A process group: time to talk through what is actually happening in your life, with the
   group and the clinician.

Once a week you also meet your own therapist, and a psychiatric provider sees you as often as
you need for medication.

## Week one

The first week is mostly about getting your bearings. You meet your therapist, agree on two or
three goals in your own words, and learn who is who in the group. It is normal to feel tired
after sessions at first.

## The middle weeks

This is where most of the work happens. You try skills between sessions and bring back what
worked and what did not. Plans get adjusted. Family members may join a session, if you want
them to.

## The last weeks

Toward the end, the focus shifts to what comes next: a relapse prevention plan, a step down to
weekly therapy or an aftercare group, and the people and routines that will support you.

## Fitting it around your life

- **Work:** evening groups are designed for people with day jobs; we can provide letters for an
  employer if you choose to tell them.
- **Travel:** sessions can be joined in person or, for many people, by secure video.
- **Insurance:** most plans cover IOP; admissions checks your benefits before you start, so
  there are no surprises.

If three evenings a week sounds like a lot, that is a fair reaction. Many people find that the
structure is exactly what makes the difference, and that it becomes the part of the week they
look forward to.
"""

SOCIAL_REINTEGRATION = """\
Finishing a program is a real achievement. It can also be the moment people feel most exposed:
the schedule that held the week together is gone, and ordinary life, with its old places and
old pressures, is back all at once.

Social reintegration is the name for the work of rebuilding that ordinary life on steadier
ground. It is not a single step but a set of small, deliberate ones.

## Start with the week, not the year

Big goals matter, but the first weeks after treatment are won or lost in the daily routine.
A simple plan for each day, written down, helps more than people expect:

- a regular time to get up and go to bed;
- meals at roughly the same times;
- one thing each day that involves another person;
- one thing each day that is just for you.

## Going back to work or study

Returning gradually is often wiser than returning all at once. Some people start with shorter
days; others agree on a check-in with a manager after the first two weeks. You decide how much
to share. "I was dealing with a health issue and I'm back" is a complete answer.

## Friends, old and new

Some friendships will pick up where they left off. Others were built around drinking, using or
a way of life you are stepping away from, and it is all right to let them become more distant.
Peer groups, aftercare meetings, volunteering and classes are good places to meet people who
share the life you are building now.

## Family

Relatives often need time to trust that things have changed, and they may hover. Saying what
helps and what does not, calmly and early, prevents a lot of friction. A family session with a
therapist can make that conversation easier.

## When to ask for more support

Setbacks are common and they are information, not failure. Reach out to your team if sleep,
mood or cravings start to slip for more than a few days, or if you notice yourself avoiding the
people who support you. A short step back into more structured care is often all it takes to
steady things.
"""

STAYING_CONNECTED = """\
Aftercare is the support that continues once a program ends: a weekly group, regular check-ins,
and a clear way back to more help if it is needed.

## Why it matters

The months after treatment are when new habits are still fragile. Staying in touch with a group
and a clinician makes it much easier to notice early warning signs, and to act on them while
they are still small.

## What our aftercare includes

- a weekly group, in the evening, in person or by video;
- a check-in with your therapist each month;
- a direct line to admissions if things get harder.

There is no fixed end date. People stay as long as it helps.
"""

ARTICLES = [
    {
        "slug": "peer-support-in-intensive-outpatient-treatment",
        "title": "Peer support in intensive outpatient treatment: why the group matters",
        "summary": "What peer support looks like in an intensive outpatient group, why it "
        "helps people change, and what to expect from your first sessions.",
        "body": PEER_SUPPORT,
        "author": "jonah-whitcombe",
        "reviewer": "harriet-osei",
        "categories": ["treatment"],
        "programs": ["intensive-outpatient"],
        "tags": ["peer support", "group therapy", "IOP"],
        "published_ago": timedelta(days=24),
    },
    {
        "slug": "what-iop-is-like-week-to-week",
        "title": "What an intensive outpatient program is like, week by week",
        "summary": "A plain description of a typical week in our evening intensive outpatient "
        "program, from the first session to the last.",
        "body": IOP_WEEK,
        "author": "daniel-ashworth",
        "reviewer": "harriet-osei",
        "categories": ["treatment"],
        "programs": ["intensive-outpatient"],
        "tags": ["IOP", "what to expect", "evening program"],
        "published_ago": timedelta(days=12),
    },
    {
        "slug": "social-reintegration-after-treatment",
        "title": "Social reintegration after treatment: rebuilding everyday life",
        "summary": "Routines, work, friends and family after a program ends: small, practical "
        "steps that make the weeks after treatment steadier.",
        "body": SOCIAL_REINTEGRATION,
        "author": "ana-lindqvist",
        "reviewer": None,
        "categories": ["recovery"],
        "programs": ["social-reintegration", "aftercare"],
        "tags": ["after treatment", "work", "family"],
        "published_ago": timedelta(days=5),
    },
    {
        "slug": "staying-connected-with-aftercare",
        "title": "Staying connected: what aftercare offers once a program ends",
        "summary": "How our weekly aftercare group and monthly check-ins help new habits last, "
        "and how long people stay.",
        "body": STAYING_CONNECTED,
        "author": "jonah-whitcombe",
        "reviewer": "harriet-osei",
        "categories": ["recovery"],
        "programs": ["aftercare"],
        "tags": ["aftercare"],
        # Scheduled: it appears next week by itself.
        "published_ago": -timedelta(days=7),
    },
]


def seed(stdout) -> None:
    with transaction.atomic():
        categories = _ensure_categories()
        made = _ensure_articles()
    stdout.write(
        f"Articles: {categories} of {len(CATEGORIES)} categories and {made} of {len(ARTICLES)} "
        "articles created (one of them scheduled for next week); the rest were already there."
    )


def _ensure_categories() -> int:
    made = 0
    for data in CATEGORIES:
        fields = {key: value for key, value in data.items() if key != "slug"}
        _, created = Category.objects.get_or_create(slug=data["slug"], defaults=fields)
        made += created
    return made


def _ensure_articles() -> int:
    people = {person.slug: person for person in Person.objects.all()}
    now = timezone.now()
    made = 0
    for data in ARTICLES:
        author = people.get(data["author"])
        if author is None or Article.objects.filter(slug=data["slug"]).exists():
            continue
        reviewer = people.get(data["reviewer"]) if data["reviewer"] else None
        publish_at = now - data["published_ago"]
        article = Article.objects.create(
            slug=data["slug"],
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            author=author,
            medical_reviewer=reviewer,
            # Reviewed before it was written up for publishing, and never on a day to come.
            reviewed_on=(min(publish_at, now) - timedelta(days=2)).date() if reviewer else None,
            status=Status.PUBLISHED,
            publish_at=publish_at,
        )
        article.categories.set(Category.objects.filter(slug__in=data["categories"]))
        article.related_programs.set(Program.objects.filter(slug__in=data["programs"]))
        article.tags.set(data["tags"])
        # As if written then, not today: no "updated" date on a demo article.
        Article.objects.filter(pk=article.pk).update(updated_at=min(publish_at, now))
        made += 1
    return made
