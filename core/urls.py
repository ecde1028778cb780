from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("robots.txt", views.robots_txt, name="robots"),
    # Keep last: any other top-level address is looked up as a page made in admin.
    path("<slug:slug>/", views.site_page, name="page"),
]
