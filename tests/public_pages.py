"""Every public page of the site, as the demo content (`seed_demo`) fills it. The page tests and
the accessibility browser test use this list, so a page added here is checked for the phone, the
crisis lines, one h1 and WCAG A/AA issues."""

PUBLIC_PAGES = [
    "/",
    "/programs/",
    "/programs/inpatient/",
    "/programs/partial-hospitalization/",
    "/programs/intensive-outpatient/",
    "/programs/social-reintegration/",
    "/programs/aftercare/",
    "/about/",
    "/insurance/",
    "/articles/",
    "/articles/category/treatment/",
    "/articles/peer-support-in-intensive-outpatient-treatment/",
    "/search/?q=peer+support",
    "/get-help/",
    "/get-help/?program=intensive-outpatient",
    "/get-help/thanks/",
    "/info-sessions/",
    "/info-sessions/next/",
    "/info-sessions/thanks/",
    "/privacy/",
    "/accessibility/",
]

# Rendered by the 404 handler, which must look like the site and show the phone too.
NOT_FOUND_PAGE = "/this-page-does-not-exist/"
