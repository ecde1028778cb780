from django.utils.functional import SimpleLazyObject

from center.profile import current_center


def site(request):
    # Lazy: pages that never show the center (admin) never read it.
    return {"center": SimpleLazyObject(current_center)}
