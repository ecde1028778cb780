"""The three staff roles and what each may do (see admissions.roles).

Permissions are created here rather than left to post_migrate, so the groups are complete the
moment this migration has run. Apps added later (articles, info sessions) grant their own
permissions to Marketing in their own migrations, with `admissions.roles.grant_app_to_marketing`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF = "Admissions staff"
SUPERVISORS = "Admissions supervisors"
MARKETING = "Marketing"

STAFF_PERMISSIONS = [
    ("admissions", "view_lead"),
    ("admissions", "change_lead"),
    ("admissions", "view_activity"),
    ("admissions", "add_activity"),
    ("admissions", "view_callback"),
    ("admissions", "add_callback"),
    ("admissions", "view_oncallshift"),
    ("admissions", "view_weeklyoncallshift"),
]
SUPERVISOR_PERMISSIONS = [
    *STAFF_PERMISSIONS,
    ("admissions", "export_lead"),
    ("admissions", "reassign_lead"),
    ("admissions", "view_dashboard"),
    ("admissions", "view_historicallead"),
    ("admissions", "view_auditevent"),
    ("admissions", "view_dispatch"),
    ("admissions", "view_floodepisode"),
    *[
        ("admissions", f"{action}_{model}")
        for model in ("oncallshift", "weeklyoncallshift")
        for action in ("add", "change", "delete")
    ],
]
# Everything about the public content; nothing about leads.
MARKETING_APPS = ["core", "programs", "articles"]


def create_roles(apps, schema_editor):
    # The migration's own app registry has no models modules, so create_permissions would skip
    # every app: mark them for the call.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    assign_roles(apps)


def assign_roles(apps):
    """The groups and their permissions, from permissions that exist already."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        found = []
        for app_label, codename in pairs:
            found.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return found

    staff, _ = Group.objects.get_or_create(name=STAFF)
    staff.permissions.set(permissions(STAFF_PERMISSIONS))
    supervisors, _ = Group.objects.get_or_create(name=SUPERVISORS)
    supervisors.permissions.set(permissions(SUPERVISOR_PERMISSIONS))
    marketing, _ = Group.objects.get_or_create(name=MARKETING)
    marketing.permissions.set(Permission.objects.filter(content_type__app_label__in=MARKETING_APPS))


class Migration(migrations.Migration):
    dependencies = [
        ("admissions", "0006_desk"),
        ("core", "0002_required_pages"),
        ("programs", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
