from core.center import Center


def site(request):
    return {"center": Center.from_settings()}
