"""The privacy notice and accessibility statement lose "working draft": each page that still holds
the text migration 0002 first gave it gets the notice in core.required_pages, written with this
deployment's contact facts. A page marketing has edited since is left exactly as it is.

The drafts are copied here as they were: they are history, and must not follow later edits of
core.required_pages.
"""

from django.db import migrations

from core.required_pages import pages

DRAFT_PRIVACY_NOTICE = """\
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

DRAFT_PRIVACY_META_DESCRIPTION = "How this website handles your information: no trackers, no advertising, and health details kept to the admissions team."

DRAFT_ACCESSIBILITY_STATEMENT = """\
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

DRAFT_ACCESSIBILITY_META_DESCRIPTION = "Our commitment to an accessible website (WCAG 2.2 AA), how we test it, and how to tell us about a problem."

DRAFTS = {
    "privacy": (DRAFT_PRIVACY_NOTICE, DRAFT_PRIVACY_META_DESCRIPTION),
    "accessibility": (DRAFT_ACCESSIBILITY_STATEMENT, DRAFT_ACCESSIBILITY_META_DESCRIPTION),
}


def _normalised(text: str) -> str:
    """The text as compared: a page saved unchanged in admin comes back with the browser's
    "\\r\\n" line breaks and without its final newline, and is still untouched."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    return "\n".join(line.rstrip() for line in lines)


def replace_untouched_drafts(apps, schema_editor):
    site_page = apps.get_model("core", "SitePage")
    for new in pages():
        draft_body, draft_meta_description = DRAFTS[new["slug"]]
        page = site_page.objects.filter(slug=new["slug"]).first()
        if page is None or _normalised(page.body) != _normalised(draft_body):
            continue
        page.body = new["body"]
        if page.meta_description == draft_meta_description:
            page.meta_description = new["meta_description"]
        page.save(update_fields=["body", "meta_description", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("core", "0002_required_pages")]

    operations = [migrations.RunPython(replace_untouched_drafts, migrations.RunPython.noop)]
