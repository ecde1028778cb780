from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control

from articles.models import Article
from core.pagecache import public_page
from core.seo import breadcrumb_list
from infosessions.models import InfoSession
from programs.models import Program
from programs.seo import breadcrumb_trail, faq_page

# The newest articles about a program, listed on its page.
RELATED_ARTICLES = 3
# Its next information sessions.
NEXT_SESSIONS = 3


@public_page
def program_list(request):
    programs = Program.objects.published()
    return render(request, "programs/program_list.html", {"programs": programs})


@public_page
def program_detail(request, slug):
    programs = Program.objects.prefetch_related("faqs")
    # Everyone may see a published program; only for drafts look up who is asking (a session
    # query), which keeps the common page to two queries.
    program = programs.published().filter(slug=slug).first() or get_object_or_404(
        programs.visible_to(request.user), slug=slug
    )
    faqs = program.faqs.all()
    articles = Article.objects.public().filter(related_programs=program).newest_first()
    sessions = InfoSession.objects.upcoming().for_lists().filter(program=program)
    trail = breadcrumb_trail(program)
    structured_data = [breadcrumb_list(trail)]
    if faqs:
        structured_data.append(faq_page(faqs))
    context = {
        "program": program,
        "faqs": faqs,
        "articles": articles[:RELATED_ARTICLES],
        "sessions": sessions[:NEXT_SESSIONS],
        "breadcrumbs": trail,
        "structured_data": structured_data,
    }
    response = render(request, "programs/program_detail.html", context)
    if not program.is_published:
        # A staff preview of a draft: never cached, never indexed.
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex"
    return response
