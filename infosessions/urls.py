from django.urls import path

from infosessions import views

app_name = "infosessions"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("next/", views.next_session, name="next"),
    path("thanks/", views.thanks, name="thanks"),
    path("cancel/<str:token>/", views.cancel, name="cancel"),
]
