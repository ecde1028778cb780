"""The staff roles (groups made by migration 0007, members managed in admin).

- Admissions staff: see and work leads (log calls, notes, call-backs, assign to themselves,
  move the status, close with an outcome); no export, no delete.
- Admissions supervisors: the same, plus assign to anyone, export, the dashboard, on-call shifts,
  the audit log and lead history. They also hear about urgent and overdue leads.
- Marketing: the public content (programs, pages, articles and their tags, the center and its
  people); no access to leads at all.

Nobody deletes a lead from admin, superusers included: removal is retention's job.
"""

STAFF_GROUP = "Admissions staff"
SUPERVISORS_GROUP = "Admissions supervisors"
MARKETING_GROUP = "Marketing"

# The apps whose content Marketing edits, every permission of each. Migration 0007 granted the
# first three; an app added later grants its own in a migration, with grant_app_to_marketing.
MARKETING_APPS = ("core", "programs", "articles", "center", "taggit")


def grant_app_to_marketing(apps, schema_editor, app_label: str) -> None:
    """For a data migration of an app added after 0007: all its permissions, to Marketing."""
    from django.contrib.auth.management import create_permissions

    # The migration's registry has no models modules, so create_permissions would skip the app.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    marketing, _ = Group.objects.get_or_create(name=MARKETING_GROUP)
    marketing.permissions.add(*Permission.objects.filter(content_type__app_label=app_label))
