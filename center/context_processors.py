from django.utils.functional import SimpleLazyObject

from center.profile import center_for


def site(request):
    # Lazy: pages that never show the center (admin) never read it.
    return {"center": SimpleLazyObject(lambda: center_for(request))}
