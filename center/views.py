from itertools import groupby

from django.shortcuts import render
from django.utils.translation import gettext as _

from center.models import InsuranceCarrier, Person, Team
from center.seo import breadcrumb_trail
from core.pagecache import public_page
from core.seo import breadcrumb_list


@public_page
def about(request):
    people = Person.objects.on_team_page().order_by("team", "order", "name")
    # Leadership first, then the clinical team: in the order of Team's choices.
    by_team = {team: list(members) for team, members in groupby(people, key=lambda p: p.team)}
    teams = [(label, by_team[team]) for team, label in Team.choices if team in by_team]
    trail = breadcrumb_trail(_("About us"), request.path)
    context = {
        "teams": teams,
        "breadcrumbs": trail,
        "structured_data": [breadcrumb_list(trail)],
    }
    return render(request, "center/about.html", context)


@public_page
def insurance(request):
    trail = breadcrumb_trail(_("Insurance and cost"), request.path)
    context = {
        "carriers": InsuranceCarrier.objects.all(),
        "breadcrumbs": trail,
        "structured_data": [breadcrumb_list(trail)],
    }
    return render(request, "center/insurance.html", context)
