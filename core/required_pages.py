"""The privacy notice and accessibility statement that every page's footer links to.

The text is a truthful starting point describing how this website behaves; marketing and the
privacy officer edit it in admin. Existing pages are never overwritten.

It is written once, when the page is created (by migration 0002 on a new database, by migration
0003 over the old draft), with the center's contact facts and the retention period as settings
give them then: after that it is marketing's text, edited in admin like any other page. If the
site's behaviour described here changes (a cookie, what a request keeps, how long), change the
text here, and the pages in admin, in the same release: tests/core/test_required_pages.py checks
the facts it states against the code.
"""

from django.conf import settings

from center.profile import Center

REVIEWED_ON = "November 25, 2026"

PRIVACY_NOTICE = """\
This notice explains what this website does with information about you: what it collects, why, \
who can see it, how long it is kept, and how to ask us for a copy, a correction or removal.

It covers this website only. If you become a patient, your treatment records are covered by our \
Notice of Privacy Practices, a separate document that explains how we use and protect health \
information under HIPAA, the federal health privacy law. We give it to patients when they start \
care, and you can ask admissions for a copy at any time.

**Please don't use this website in an emergency.** If you or someone else is in danger, call \
[911](tel:911). To reach the 988 Suicide & Crisis Lifeline, call [988](tel:988) or text \
[988](sms:988), any time.

## What we collect

### When you read the site

- **No tracking.** The site uses no analytics, advertising or social media tools, and it loads \
no scripts, fonts or images from other companies' servers, so no other company learns from us \
that you were here. When you follow a link from our site to another one, your browser does not \
tell that site which of our pages you came from.
- **Server logs.** Our servers keep a technical log of each request: the time, the address of \
the page without anything after a "?", whether it worked and how long it took. It may include \
the internet (IP) address of the connection. The log never holds what you type into a form. We \
use it only to keep the site working and secure.
- **Spam checks.** To notice when one connection sends many requests, a sign of automated spam, \
we count requests by internet address. For this we keep only a scrambled form of the address (a \
hash), never the address itself, and only for about 20 minutes.
- **Cookies.** Cookies are small files a website keeps in your browser. This site sets only \
these, and none of them is used for advertising or to follow you to other sites:
    - **csrftoken** is set when you open the consultation form, so that the form can only be sent \
from our site. It holds a random code, nothing about you, and lasts up to a year.
    - **visit** remembers how your visit began: the first page you opened, the address of the \
page that linked to us (if your browser shares it), and any campaign labels in that link (the \
"utm_" tags an advertisement or a newsletter may add). It is signed, so that we can tell if it \
has been changed, and it expires after 12 hours. Your browser sends it to us with each page, \
but we store what it holds only if you send a consultation request.
    - **request_received** is set only after you send the form, so that the thank-you page can \
show your reference number. It is removed as soon as that page has been shown, and expires after \
an hour in any case.
    - Staff who sign in to the site's staff area also get a sign-in cookie. Visitors don't.
- **After you send the form,** your browser tab remembers, until you close it, that the form was \
sent, so that going back shows an empty form rather than what you typed. This mark stays in your \
browser and is never sent to us.

### When you ask us for a consultation

The form asks for:

- who needs help: you, or someone you care about; if it is someone else, their first name and \
your relationship to them;
- your first and last name, your phone number and, if you give it, your e-mail address;
- how you would like us to contact you (a phone call, a text message or an e-mail) and the best \
time to reach you;
- if you choose to tell us: the program you are interested in, how you would pay, your insurance \
company, member ID and group number, whose name the policy is in, a message, and how you heard \
about us.

You need to answer only these: who needs help, your name, your phone number, how to contact \
you and your agreement to be contacted, and give an e-mail address if you would like us to \
e-mail you.

With your request we also keep:

- your agreement to be contacted: the exact words you agreed to, their version and the time;
- how your visit began, from the "visit" cookie described above;
- the reference number we give your request, shown on the thank-you page;
- the result of our automatic spam checks.

## Why we use it

- To contact you about your request, the way you asked, and to help you find the right care, \
here or elsewhere. That includes checking your insurance benefits if you gave us your insurance \
details.
- To reach people in danger first: if a message contains words suggesting that someone may be \
at risk, the request is marked urgent so that our team calls back straight away.
- To avoid contacting you twice: requests sent from the same phone number or e-mail address \
within 30 days are linked together.
- To keep the form working for people, by spotting automated spam.
- To count, without names, how many people reach us, how they found us and how quickly we \
respond, so that we can do better.

We do not sell your information, use it for advertising or add you to a mailing list.

## Who sees it

- **Our admissions team.** Admissions staff and their supervisors see requests, to contact you \
and arrange care. They sign in with a password and a one-time code (two-factor sign-in), and are \
signed out after a short time without activity. The system records each time someone opens a \
request, searches the requests or exports them, and every change made to a request. Only \
supervisors can export requests.
- **Other staff.** Staff who edit the website's pages, such \
as this one, cannot see requests. The people who maintain the site's servers and database can \
reach the stored information when that work requires it.
- **Alerts to our team.** When a request arrives, staff are alerted by e-mail, and may also be \
alerted in the team's internal chat or paging tool. These alerts carry only the request's \
reference number, whether it is urgent, when it arrived and a link: staff must sign in to see \
anything else.
- **The e-mail we send you.** If you chose e-mail as the way to reach you, we send you one \
e-mail to confirm that your request arrived, with its reference number and our phone number. It \
does not repeat anything you told us. We don't send it when you choose a call or a text, so that \
an address typed by someone else never brings them mail from us.
- **The services that run the site.** Outside the center, your information passes only through \
the services that run this site for us: the hosting of our servers and database, and the \
delivery of e-mail. We share it with no one else unless the law requires us to.

## How we protect it

- The site works only over an encrypted connection (HTTPS).
- Your message, your insurance member ID and the notes staff write about your calls are stored \
encrypted, so they cannot be read from the database alone.
- If our database is briefly unavailable when you send the form, your request is kept encrypted \
until it can be stored.
- Staff access is limited as described above: two-factor sign-in, automatic sign-out, and a \
record of who looked at what.

No system can be perfectly secure; these are the ways we reduce the risk.

## How long we keep it

- **Your request** is kept while we are still working on it. {retention_period} after a request \
is closed, the system automatically removes from it your name, the name of the person you asked \
for, your phone number and e-mail address, your message, your insurance details, the notes staff \
wrote, and the pages and links of your visit, along with every earlier version of the request. \
What is left has no name or contact details: when the request arrived, the program, how it \
reached us in general terms (a search engine or a campaign, say), a few general answers such as \
whether it was for you or someone else, and how and when it was handled. We keep that to count \
requests and see how quickly we respond. Anything staff typed to search for requests is \
forgotten after the same time.
- **Cookies:** "visit" expires after 12 hours and "request_received" after an hour at most; \
"csrftoken" lasts up to a year but holds nothing about you. You can delete them in your browser \
at any time.
- **Scrambled internet addresses** used for the spam check: about 20 minutes.
- **Server logs:** only as long as we need them to keep the site working and secure.

## Your choices, and how to ask for a copy, a correction or removal

- You don't have to use the form. You can call admissions instead, any hour, at {phone_link}.
- If you block cookies, you can still read the whole site, but the form needs the "csrftoken" \
cookie to be sent: call us instead. Blocking the "visit" cookie changes nothing for you.
- You can ask us to stop contacting you at any time: tell whoever contacts you, or call \
admissions.
- To ask for a copy of what we hold about your request, to correct it or to remove it, call \
admissions at {phone_link}, any hour, or write to us at: {name}, Attn: Privacy, \
{postal_address}. Your reference number (on the thank-you page, and in our e-mail if you chose \
e-mail) helps us find your request quickly, but you don't need it.

What happens next:

1. Before we share or change anything, we check that the request is yours, for example by \
calling you back at the phone number on it.
2. If you asked for a copy, we tell you or send you what we hold about your request. If you \
asked for a correction, we make it.
3. If you asked for removal, we stop contacting you and close your request straight away. Its \
details are then removed automatically {retention_period_lower} after it is closed, as described \
above.

You can ask us about anything in this notice in the same ways.

## Changes to this notice

We update this page when the way the site handles information changes. The date below shows \
when it last changed.
"""

ACCESSIBILITY_STATEMENT = """\
We want everyone who is looking for help to be able to use this website, including people who \
use a screen reader, a keyboard instead of a mouse, screen magnification, voice control or a \
small phone.

## The standard we aim for

We aim to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA.

## How we check

- **Automated tests each time the site changes.** Every public page is opened in a real \
browser, at the width of a small phone (320 pixels) and of a desktop screen (1280 pixels), and \
checked with axe, an automated accessibility testing tool, against the WCAG A and AA rules. A \
problem it finds makes the tests fail until it is fixed.
- **The keyboard alone.** Tests fill in and send the consultation form using only the keyboard. \
They also check that the first press of the Tab key shows a "Skip to main content" link, and that \
every link, button and form field shows a clearly visible outline when it has the focus.
- **Small screens.** On a screen 320 pixels wide, no page scrolls sideways and the admissions \
phone number stays in view.
- **Forms that work with screen readers.** Every field has a visible label. Required fields are \
marked with a star and announced as required by screen readers, and optional ones say so in \
their label. If something needs fixing, a list of the problems \
appears at the top of the form and takes the focus, and each item in it leads to its field. The \
message box says how many characters you have used of its limit.
- **Page structure.** Every page has one main heading and the same landmarks (header, main \
navigation, main content and footer), and loads nothing from other websites.

## Known limitations

- Automated tests find only some kinds of problems. Whether the text of a link or a description \
makes sense still takes a person to judge, so we want to hear from you.
- Program descriptions and pages like this one are written by our staff in the site's editor. \
The editor allows only simple formatting and requires a description for every photo, but new \
writing can still bring a problem, such as a link that only says "click here", before anyone \
notices.
- When the site receives a flood of automated spam, the form asks your browser to run a short \
check before it sends your request, which needs JavaScript and can take a few seconds; its \
progress is announced to screen readers. Without JavaScript your request still reaches us, but a \
person reviews it first, so our reply may take longer. You can always call us instead.

## Tell us about a problem

If anything on this site is hard to use, please call admissions, any hour, at {phone_link}. Tell \
us which page it was and what happened. We will help you with what you came for straight away, \
including taking your request over the phone, and we will work on fixing the problem. You can \
also write to us at: {name}, Attn: Accessibility, {postal_address}.

## About this statement

This statement was last reviewed on {reviewed_on}.
"""

_YEARS = {1: "one year", 2: "two years", 3: "three years"}


def retention_period(days: int) -> str:
    """LEAD_RETENTION_DAYS as people say it: "one year", "two years", "180 days"."""
    years, rest = divmod(days, 365)
    if not rest and years in _YEARS:
        return _YEARS[years]
    return f"{days:,} day{'s' if days != 1 else ''}"


def _facts(center: Center) -> dict[str, str]:
    period = retention_period(settings.LEAD_RETENTION_DAYS)
    return {
        "name": center.name,
        "phone_link": f"[{center.phone_display}](tel:{center.phone})",
        "postal_address": (
            f"{center.street_address}, {center.city}, {center.state} {center.postal_code}"
        ),
        "retention_period": period[0].upper() + period[1:],
        "retention_period_lower": period,
        "reviewed_on": REVIEWED_ON,
    }


def pages(center: Center | None = None) -> list[dict[str, str]]:
    """The required pages as a new database gets them, with this deployment's contact facts."""
    facts = _facts(center or Center.from_settings())
    return [
        {
            "slug": "privacy",
            "title": "Privacy notice",
            "meta_description": "What this website collects, why, who sees it, how long we keep "
            "it, and how to ask for a copy or removal. No trackers, no advertising.",
            "body": PRIVACY_NOTICE.format(**facts),
        },
        {
            "slug": "accessibility",
            "title": "Accessibility statement",
            "meta_description": "Our commitment to an accessible website (WCAG 2.2 AA), how we "
            "test it, and how to tell us about a problem.",
            "body": ACCESSIBILITY_STATEMENT.format(**facts),
        },
    ]


def ensure_required_pages(site_page_model) -> None:
    """Create whichever required page is missing; used by a data migration and by seed_demo."""
    for page in pages():
        site_page_model.objects.get_or_create(slug=page["slug"], defaults=page)
