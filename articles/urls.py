from django.urls import path

from articles import views
from articles.feeds import ArticleFeed
from core.pagecache import public_page

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("feed/", public_page(ArticleFeed()), name="feed"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("<slug:slug>/", views.article_detail, name="detail"),
]
