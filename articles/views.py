from django.shortcuts import render

from core.pagecache import public_page


@public_page
def article_list(request):
    return render(request, "articles/article_list.html")
