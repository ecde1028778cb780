"""The privacy notice and accessibility statement that every page's footer links to.

The text is a truthful starting point describing how this website behaves; marketing and the
privacy officer edit it in admin. Existing pages are never overwritten.
"""

PRIVACY_NOTICE = """\
**This notice is a working draft.** Our privacy officer is preparing the center's full Notice of \
Privacy Practices. Until it is published here, this page describes how this website handles \
information.

## What this website collects

When you browse the site, our servers record the pages requested, as every website does, so we \
can keep the site running and secure.

When you ask us for a consultation, we keep what you type into the form so our admissions team \
can call you back. Only members of the admissions team, and the staff who run the site, can see it.

## What this website does not do

- It does not use advertising, analytics or tracking services.
- It does not load fonts, scripts or images from other companies' servers, so they do not learn \
that you visited.
- It does not sell or share what you tell us with anyone for marketing.

## Cookies

The site sets only its own cookies, never advertising or tracking cookies from other companies: \
one keeps forms secure, and one remembers your visit while you are on the site.

## E-mail and text messages

Messages we send never repeat the health details you shared. If you would rather we did not \
e-mail or text you, tell the admissions team and we will only call.

## Questions

Call our admissions team at any hour and ask to speak with our privacy officer.
"""

ACCESSIBILITY_STATEMENT = """\
We want everyone who looks for help to be able to use this website, including people who use a \
screen reader, a keyboard instead of a mouse, a magnifier or voice control.

## Our goal

We aim to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA.

## How we check

- Every public page is tested automatically for accessibility problems each time the site \
changes.
- Pages are designed to work with the keyboard alone, with visible focus, and to fit a small \
phone screen without sideways scrolling.
- Text and buttons meet the contrast levels the guidelines require.

## Known limitations

We are not aware of any accessibility problems on the site today. Automated tests do not catch \
everything, so we also want to hear from you.

## Tell us about a problem

If anything on this site is hard to use, please call our admissions team at any hour. Tell us \
the page and what happened, and we will help you with what you came for straight away and fix \
the problem.
"""

PAGES = [
    {
        "slug": "privacy",
        "title": "Privacy notice",
        "meta_description": "How this website handles your information: no trackers, no "
        "advertising, and health details kept to the admissions team.",
        "body": PRIVACY_NOTICE,
    },
    {
        "slug": "accessibility",
        "title": "Accessibility statement",
        "meta_description": "Our commitment to an accessible website (WCAG 2.2 AA), how we test "
        "it, and how to tell us about a problem.",
        "body": ACCESSIBILITY_STATEMENT,
    },
]


def ensure_required_pages(site_page_model) -> None:
    """Create whichever required page is missing; used by a data migration and by seed_demo."""
    for page in PAGES:
        site_page_model.objects.get_or_create(slug=page["slug"], defaults=page)
