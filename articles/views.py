from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control

from articles import search
from articles.models import Article, Category
from articles.seo import blog_posting, breadcrumb_trail
from center.profile import center_for
from core.pagecache import keep_in_this_process_only, public_page
from core.seo import breadcrumb_list

ARTICLES_PER_PAGE = 10
RELATED_ARTICLES = 3


@public_page(reads=("page",))
def article_list(request):
    return _list_page(request, category=None)


@public_page(reads=("page",))
def category(request, slug):
    return _list_page(request, category=get_object_or_404(Category, slug=slug))


def _list_page(request, *, category):
    articles = Article.objects.public().for_lists()
    if category is not None:
        articles = articles.filter(categories=category)
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    if request.GET.get("page") not in (None, str(page.number)):
        raise Http404  # a page number that does not exist, rather than another page's copy
    trail = breadcrumb_trail(category=category)
    context = {
        "page": page,
        "category": category,
        "categories": Category.objects.filter(articles__in=Article.objects.public()).distinct(),
        "breadcrumbs": trail,
        "structured_data": [breadcrumb_list(trail)],
    }
    return render(request, "articles/article_list.html", context)


@public_page
def article_detail(request, slug):
    articles = Article.objects.select_related("author", "medical_reviewer")
    # Everyone may read a public article; only for the others look up who is asking (a session
    # query), which keeps the common page to a fixed few queries.
    article = articles.public().filter(slug=slug).first() or get_object_or_404(
        articles.visible_to(request.user), slug=slug
    )
    return article_page(request, article)


def article_page(request, article, *, categories=None, tags=None, related_programs=None):
    """The article as visitors see it, or, when it is not public (a draft, a scheduled article,
    an unsaved preview from admin), as staff preview it: marked, never kept, never indexed."""
    if categories is None:
        categories = list(article.categories.all())
        tags = list(article.tags.all())
        related_programs = list(article.related_programs.published())
    preview = article.pk is None or not article.is_public
    related = [] if preview else _related_articles(article, categories)
    center = center_for(request)
    trail = breadcrumb_trail(article=article)
    context = {
        "article": article,
        "categories": categories,
        "tags": tags,
        "related_programs": related_programs,
        "related_articles": related,
        "preview": preview,
        "breadcrumbs": trail,
        "structured_data": [
            blog_posting(article, center, categories, tags),
            breadcrumb_list(trail),
        ],
    }
    response = render(request, "articles/article_detail.html", context)
    if preview:
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex"
    elif article.noindex:
        response["X-Robots-Tag"] = "noindex"
    return response


def _related_articles(article, categories) -> list:
    """Public articles that share a category with this one, newest first; else the newest."""
    others = Article.objects.public().exclude(pk=article.pk).newest_first()
    related = list(
        others.filter(categories__in=categories).distinct()[:RELATED_ARTICLES] if categories else []
    )
    if not related:
        related = list(others[:RELATED_ARTICLES])
    return related


@public_page(reads=("q",))
def site_search(request):
    query = search.cleaned_query(request.GET.get("q", ""))
    results = search.search(query) if query else None
    context = {"query": query, "results": results}
    response = render(request, "articles/search.html", context)
    # What someone searched for on a treatment center's site may say more than they meant to.
    return keep_in_this_process_only(response) if query else response
