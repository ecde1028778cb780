from django.urls import path

from center import views

app_name = "center"

urlpatterns = [
    path("about/", views.about, name="about"),
    path("insurance/", views.insurance, name="insurance"),
]
