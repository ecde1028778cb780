"""Every public page of the site. The page tests and the accessibility browser test use this list,
so a page added here is checked for the phone, the crisis lines, one h1 and WCAG A/AA issues."""

PUBLIC_PAGES = [
    "/",
    "/programs/",
    "/articles/",
    "/get-help/",
    "/privacy/",
    "/accessibility/",
]

# Rendered by the 404 handler, which must look like the site and show the phone too.
NOT_FOUND_PAGE = "/this-page-does-not-exist/"
