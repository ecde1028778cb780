from django.contrib import admin

from core.models import SitePage

admin.site.site_header = "Resilience administration"
admin.site.site_title = "Resilience admin"


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "meta_description", "body"]

    def get_readonly_fields(self, request, obj=None):
        # The footer links to the required pages by their address.
        return ["slug"] if obj is not None and obj.is_required else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None and obj.is_required else self.prepopulated_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_required:
            return False
        return super().has_delete_permission(request, obj)
