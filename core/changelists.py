from django.contrib.admin import SimpleListFilter
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.views.main import ChangeList


class OnlyListFiltersChangeList(ChangeList):
    """Refuses any lookup in the list's URL that is not one of its own filters.

    Admin accepts lookups on any field by default (?phone=…, ?first_name__istartswith=…), and the
    list's query string then travels in every change link, the browser history and access logs:
    personal data must not, and a search must not happen outside the audited search box. The
    search box's own `q` is the one exception.
    """

    def get_filters(self, request):
        asked = set(self.get_filters_params())
        filter_specs, has_filters, remaining, *rest = super().get_filters(request)
        # What the list filters and the date hierarchy did not consume is a free-form lookup.
        allowed = set()
        if self.date_hierarchy and f"{self.date_hierarchy}__year" in asked:
            allowed = {f"{self.date_hierarchy}__gte", f"{self.date_hierarchy}__lt"}
        if unexpected := set(remaining) - allowed:
            raise DisallowedModelAdminLookup(
                f"Filtering by {', '.join(sorted(unexpected))} is not allowed here"
            )
        return filter_specs, has_filters, remaining, *rest


class FilterWithDefault(SimpleListFilter):
    """A list filter whose view with nothing chosen is a default of its own (open leads,
    upcoming sessions), listed first as `default_label`, rather than "All"."""

    default_label = ""

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": self.default_label,
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }
