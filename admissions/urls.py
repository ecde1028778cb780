from django.urls import path

from admissions import views

app_name = "admissions"

urlpatterns = [
    path("", views.get_help, name="get_help"),
    path("thanks/", views.thanks, name="thanks"),
]
