from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles.views import site_search
from resilience.sitemaps import sitemap

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("programs/", include("programs.urls")),
    path("articles/", include("articles.urls")),
    path("search/", site_search, name="search"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("get-help/", include("admissions.urls")),
    path("info-sessions/", include("infosessions.urls")),
    path("", include("center.urls")),
    # Last: core ends with the catch-all /<slug>/ for pages marketing adds in admin.
    path("", include("core.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Our pages, rendered from the center's facts alone: no request body, session or database.
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
