"""Who may do what with information sessions (see admissions.roles).

Marketing and supervisors edit the sessions; admissions staff see them. Registrations are
people's details, like leads: staff see them and mark attendance, supervisors export them too,
Marketing never sees them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SESSION = [("infosessions", f"{action}_infosession") for action in ("add", "change", "view")]
ROLES = {
    "Marketing": [*SESSION, ("infosessions", "view_historicalinfosession")],
    "Admissions staff": [
        ("infosessions", "view_infosession"),
        ("infosessions", "view_registration"),
        ("infosessions", "change_registration"),
    ],
    "Admissions supervisors": [
        *SESSION,
        ("infosessions", "view_historicalinfosession"),
        ("infosessions", "view_registration"),
        ("infosessions", "change_registration"),
        ("infosessions", "export_registration"),
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("infosessions")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    assign_roles(apps)


def assign_roles(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, pairs in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *(
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in pairs
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("infosessions", "0001_initial"),
        ("admissions", "0007_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
