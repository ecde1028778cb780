from django.urls import include, path


def fail(request):
    raise RuntimeError("Something broke while handling this request")


urlpatterns = [
    path("fail/", fail),
    path("", include("resilience.urls")),
]

handler500 = "core.views.server_error"
