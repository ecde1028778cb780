from django.conf import settings

from core.views import render_error_page


class PublicRequestSizeLimitMiddleware:
    """Refuses oversized POSTs to public pages before anything (CSRF included) reads the body.

    Public forms are a few kilobytes; staff in admin may send more (long articles, images).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and not request.path.startswith(f"/{settings.ADMIN_URL}")
            and _content_length(request) > settings.PUBLIC_POST_MAX_BYTES
        ):
            # Like the other error pages: nothing from the request, no context processors.
            return render_error_page("request_too_large.html", status=413)
        return self.get_response(request)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
