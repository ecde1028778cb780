from django.urls import path

from admissions import proof_of_work, views

app_name = "admissions"

urlpatterns = [
    path("", views.get_help, name="get_help"),
    path("thanks/", views.thanks, name="thanks"),
    path("challenge/", proof_of_work.challenge, name="proof_of_work_challenge"),
]
